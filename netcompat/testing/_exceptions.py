"""Build the exception a platform raises for a reset, from the table's facts."""

from __future__ import annotations

import importlib
import sys
from typing import ClassVar

from netcompat._errnos import PLATFORMS
from netcompat.testing import _facts, _platform

__all__ = ["WindowsErrors", "platform_or_current", "reset_error"]


def _winerror_str(self: OSError) -> str:
    """``OSError.__str__`` as CPython on Windows writes it when ``winerror`` is set."""
    return f"[WinError {getattr(self, 'winerror', None)}] {self.strerror}"


class WindowsErrors:
    """The classes of simulated Windows errors (one per builtin class).

    ``OSError`` only has a ``winerror`` slot, and only writes
    ``[WinError N] text``, in Windows builds of CPython.  Elsewhere a
    simulated Windows error is an instance of a subclass defined here: it
    *is* the builtin class for ``isinstance`` and ``except`` (its ``__name__``
    is the builtin's, so ``repr()`` and ``type(e).__name__`` read the same),
    carries ``winerror`` as an attribute, and prints like Windows.
    ``type(e) is ConnectionResetError`` is the one test that tells it apart.
    """

    classes: ClassVar[dict[str, type[OSError]]] = {}

    @classmethod
    def of(cls, name: str) -> type[OSError]:
        """The Windows-printing subclass of the builtin class ``name``."""
        found = cls.classes.get(name)
        if found is None:
            base = _facts.builtin_class(name)
            found = type(
                name,
                (base,),
                {
                    "__str__": _winerror_str,
                    "__module__": __name__,
                    "__qualname__": f"{cls.__qualname__}.{name}",
                    "__doc__": f"{name} as Windows raises it (simulated: it carries ``winerror``).",
                },
            )
            cls.classes[name] = found
            setattr(cls, name, found)  # found by its __qualname__: it pickles
        return found


def platform_or_current(platform: str | None) -> str:
    """``platform`` checked, or the simulated platform, or the running one.

    Raises:
        ValueError: ``platform`` is unknown, or None on a running platform
            that the table does not describe.
    """
    if platform is None:
        platform = _platform.current_platform()
    if platform is None:
        running = next((key for key in PLATFORMS if sys.platform.startswith(key)), None)
        if running is None:
            raise ValueError(
                f"the running platform {sys.platform!r} is not one netcompat's table "
                f"describes; pass platform= (one of {', '.join(PLATFORMS)})"
            )
        return running
    return _platform.check_platform(platform)


def reset_error(kind: str = "reset", *, platform: str | None = None, op: str = "recv") -> Exception:
    """Make the exception ``platform`` raises when ``op`` meets a reset of ``kind``.

    The same object :func:`netcompat.testing.inject_reset` raises, without a
    socket: for unit tests of handlers, and to compare platforms.

    Args:
        kind: one of :data:`netcompat.testing.KINDS` (``"reset"``,
            ``"aborted"``, ``"broken_pipe"``, ``"shutdown"``,
            ``"network_reset"``, ``"not_connected"``, ``"tls_eof"``,
            ``"remote_disconnected"``, ``"proactor"``, ``"proactor_aborted"``).
        platform: ``"linux"``, ``"darwin"``, ``"freebsd"`` or ``"win32"``;
            None for the enclosing :func:`~netcompat.testing.simulate_platform`,
            else the running platform.
        op: the socket operation that failed (only ``"accept"`` changes the
            shape: asyncio's proactor leaves a failed accept a plain
            ``OSError``).

    Returns:
        A new exception: the platform's class, ``errno``, ``strerror``,
        ``args`` and ``str()``; on ``win32`` also ``winerror``.

    Raises:
        ValueError: an unknown ``kind`` or ``platform``, or a kind the
            platform does not have (the proactor kinds are Windows-only).
    """
    key = platform_or_current(platform)
    found = _facts.shape(kind, key, op)
    if found.module != "builtins":
        module = importlib.import_module(found.module)
        cls = getattr(module, found.exception)
        if found.errno_constant is not None:
            error: Exception = cls(int(getattr(module, found.errno_constant)), found.message)
        else:
            error = cls(found.message)
        return error
    if found.windows_code is not None:
        # The five arguments CPython's PyErr_SetExcFromWindowsErr passes, so
        # args and repr() are Windows' own: (errno, text, None, winerror, None).
        win_cls = WindowsErrors.of(found.exception)
        win_error = win_cls(found.errno, found.message, None, found.windows_code, None)
        # Only Windows builds have the slot (already set there); elsewhere an attribute.
        if getattr(win_error, "winerror", None) is None:
            win_error.__dict__["winerror"] = found.windows_code
        return win_error
    return _facts.builtin_class(found.exception)(found.errno, found.message)
