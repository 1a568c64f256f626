"""``simulate_platform``: the ``errno`` module, ``errno.errorcode`` and ``os.strerror`` of another OS.

The view is process-global (module attributes are), so it is guarded by one
lock and kept as a stack of layers:

* entering the platform already shown joins its layer, from any thread, as
  long as no other platform is nested inside it;
* entering another platform nests a new layer, allowed only when every
  holder of every layer is the current thread; otherwise ``RuntimeError``
  (two threads cannot see two platforms at once);
* leaving removes the holder; the view follows the top layer that still has
  holders, and the real modules come back when none is left.  Leaving in
  any order, and on an exception, is fine.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
import threading
from collections.abc import Iterable
from types import ModuleType, TracebackType
from typing import Callable, Union, cast

from netcompat import _errors
from netcompat._errnos import PLATFORMS
from netcompat.testing import _facts

__all__ = ["PlatformView", "check_platform", "current_platform", "leftovers", "simulate_platform"]

_LOCK = threading.RLock()
_MISSING = object()

ModuleRef = Union[ModuleType, str]


class _Baseline:
    """The real state, captured when the first layer is entered."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {
            name: errno.__dict__.get(name, _MISSING) for name in _facts.table_names()
        }
        self.errorcode = dict(errno.errorcode)
        self.strerror: Callable[[int], str] = os.strerror


class _Layer:
    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.holders: dict[int, int] = {}  # token -> thread ident


class _Rebind:
    def __init__(self, module: ModuleType, name: str, original: object) -> None:
        self.module = module
        self.name = name
        self.original = original
        self.count = 0


_stack: list[_Layer] = []
_baseline: _Baseline | None = None
_rebinds: dict[tuple[int, str], _Rebind] = {}
_tokens = iter(range(1, sys.maxsize))


def check_platform(name: object) -> str:
    """Return ``name`` if it is a platform of the table.

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: ``name`` is not ``linux``, ``darwin``, ``freebsd`` or ``win32``.
    """
    if not isinstance(name, str):
        raise TypeError(f"platform must be a str, not {type(name).__name__}")
    if name not in PLATFORMS:
        known = ", ".join(repr(key) for key in PLATFORMS)
        raise ValueError(f"unknown platform {name!r}: expected one of {known}")
    return name


def current_platform() -> str | None:
    """The platform :func:`simulate_platform` shows right now, or None outside any."""
    with _LOCK:
        return _stack[-1].platform if _stack else None


def leftovers() -> list[str]:
    """What :mod:`netcompat.testing` still has patched (empty when nothing is).

    Tests use it to check that nothing leaked: after every block and every
    test it must be empty.
    """
    from netcompat.testing import _inject

    found: list[str] = []
    with _LOCK:
        if _stack:
            found.append(f"simulate_platform({_stack[-1].platform!r}) is active")
        found.extend(f"{r.module.__name__}.{r.name} is rebound" for r in _rebinds.values())
    found.extend(_inject.leftovers())
    return found


def _strerror_for(platform: str, real: Callable[[int], str]) -> Callable[[int], str]:
    texts = _facts.strerror_view(platform)

    def strerror(code: int, /) -> str:
        """``os.strerror`` as the simulated platform answers for its socket errors."""
        text = texts.get(code) if isinstance(code, int) else None
        return real(code) if text is None else text

    strerror.__qualname__ = strerror.__name__ = "strerror"
    strerror.__module__ = "os"
    return strerror


def _apply(platform: str | None) -> None:
    """Make the modules show ``platform`` (None: the real state).  Holds ``_LOCK``."""
    base = _baseline
    assert base is not None
    names = set(_facts.table_names())
    if platform is None:
        values: dict[str, object] = base.values
        codes = base.errorcode
        os.strerror = base.strerror
    else:
        values = {
            name: _MISSING if value is None else value
            for name, value in _facts.errno_view(platform).items()
        }
        codes = {code: name for code, name in base.errorcode.items() if name not in names}
        codes.update(_facts.errorcode_view(platform))
        os.strerror = _strerror_for(platform, base.strerror)
    for name, value in values.items():
        if value is _MISSING:
            if name in errno.__dict__:
                delattr(errno, name)
        else:
            setattr(errno, name, value)
    errorcode = cast("dict[int, str]", errno.errorcode)  # a plain dict, typed Mapping
    errorcode.clear()
    errorcode.update(codes)
    _errors._simulated_platform = platform
    for rebind in _rebinds.values():
        value = values.get(rebind.name, _MISSING)
        setattr(rebind.module, rebind.name, rebind.original if value is _MISSING else value)


def _resolve(module: ModuleRef) -> ModuleType:
    if isinstance(module, ModuleType):
        return module
    if isinstance(module, str):
        return importlib.import_module(module)
    raise TypeError(f"rebind takes modules or module names, not {type(module).__name__}")


def _register_rebinds(modules: Iterable[ModuleType]) -> list[tuple[int, str]]:
    """Count the errno constants ``modules`` copied at import (their real values)."""
    base = _baseline
    assert base is not None
    keys: list[tuple[int, str]] = []
    for module in modules:
        for name in _facts.table_names():
            key = (id(module), name)
            rebind = _rebinds.get(key)
            if rebind is None:
                value = module.__dict__.get(name, _MISSING)
                real = base.values.get(name, _MISSING)
                if value is _MISSING or real is _MISSING or value != real:
                    continue
                rebind = _rebinds[key] = _Rebind(module, name, value)
            rebind.count += 1
            keys.append(key)
    return keys


class PlatformView:
    """The context manager :func:`simulate_platform` returns (reusable, reentrant)."""

    def __init__(self, platform: str, rebind: Iterable[ModuleRef] = ()) -> None:
        self.platform = check_platform(platform)
        if isinstance(rebind, (str, ModuleType)):
            rebind = (rebind,)
        self._modules = tuple(_resolve(module) for module in rebind)
        self._entered: list[tuple[int, list[tuple[int, str]]]] = []

    def __repr__(self) -> str:
        return f"simulate_platform({self.platform!r})"

    def __enter__(self) -> PlatformView:
        global _baseline
        me = threading.get_ident()
        with _LOCK:
            token = next(_tokens)
            if not _stack:
                _baseline = _Baseline()
                _stack.append(_Layer(self.platform))
            elif _stack[-1].platform == self.platform and (len(_stack) == 1 or self._only(me)):
                pass
            elif self._only(me):
                _stack.append(_Layer(self.platform))
            else:
                shown = _stack[-1].platform
                raise RuntimeError(
                    f"simulate_platform({self.platform!r}) conflicts with "
                    f"simulate_platform({shown!r}) entered in another thread: the view is "
                    "process-global, so two threads cannot see two platforms at once"
                )
            _stack[-1].holders[token] = me
            keys = _register_rebinds(self._modules)
            self._entered.append((token, keys))
            _apply(_stack[-1].platform)
        return self

    @staticmethod
    def _only(me: int) -> bool:
        return all(owner == me for layer in _stack for owner in layer.holders.values())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        global _baseline
        with _LOCK:
            if not self._entered:
                raise RuntimeError(f"{self!r} was not entered")
            token, keys = self._entered.pop()
            for layer in _stack:
                layer.holders.pop(token, None)
            _stack[:] = [layer for layer in _stack if layer.holders]
            for key in keys:
                rebind = _rebinds[key]
                rebind.count -= 1
                if rebind.count == 0:
                    del _rebinds[key]
                    setattr(rebind.module, rebind.name, rebind.original)
            if _stack:
                _apply(_stack[-1].platform)
            else:
                _apply(None)
                _baseline = None


def simulate_platform(name: str, *, rebind: Iterable[ModuleRef] = ()) -> PlatformView:
    """Make the ``errno`` module look like another platform's, inside a ``with`` block.

    Inside the block:

    * ``errno.ECONNRESET`` and every other socket errno name of netcompat's
      table have ``name``'s values (``errno.ECONNRESET == 10054`` under
      ``"win32"``, 54 under ``"darwin"``);
    * the ``WSAE*`` names exist only under ``"win32"``, so
      ``errno.WSAECONNRESET`` raises ``AttributeError`` elsewhere, as it does
      on those systems;
    * ``errno.errorcode`` (the same dict object, changed in place) maps
      ``name``'s numbers to their names, the way that platform's CPython does;
    * ``os.strerror`` gives ``name``'s text for those numbers;
    * netcompat itself (``is_reset``, ``normalize``, ``PeerResetError``)
      reads errors as it would on ``name``.

    Everything comes back on exit, also when the block raises.  The view is
    process-global: every thread sees it.  Entering the platform already
    shown is allowed from any thread (the last one out restores the modules);
    nesting a different platform is allowed in the thread that holds every
    active view, and raises ``RuntimeError`` when another thread holds one.

    Limits: only the socket errors of the table change (other ``errno`` names
    keep the running values); a value copied before the block (``from errno
    import ECONNRESET`` at import, a set of errno values built at import,
    ``from os import strerror``) keeps the running value, except for the
    modules passed as ``rebind``; real socket errors raised by the kernel keep
    the running platform's numbers (use :func:`inject_reset` for the
    simulated platform's); ``sys.platform`` is not changed.

    Args:
        name: ``"linux"``, ``"darwin"``, ``"freebsd"`` or ``"win32"``.
        rebind: modules (or module names) whose module-level copies of errno
            constants (``from errno import ECONNRESET``) are set to the
            simulated values for the block.  Only names of the table whose
            value is the running platform's are touched.

    Returns:
        A reusable context manager; ``with`` gives it back (``.platform`` is
        the name).

    Raises:
        ValueError: ``name`` is not a platform of the table.
        TypeError: ``name`` is not a string, or ``rebind`` holds something
            that is neither a module nor a module name.
        RuntimeError: (on entering) another thread shows a different platform.
    """
    return PlatformView(name, rebind)
