"""What each platform's errors look like, derived once from :mod:`netcompat._errnos`.

No errno number or message is written here: every value is read from the
table module (``ERRNO_FACTS``, ``ERRNO_TEXTS``, ``WINERROR_FACTS``,
``STREAM_END_FACTS``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import NamedTuple

from netcompat._errnos import (
    ERRNO_FACTS,
    ERRNO_TEXTS,
    PLATFORMS,
    STREAM_END_FACTS,
    WINERROR_FACTS,
    ErrnoFact,
    StreamEndFact,
    WinErrorFact,
)

__all__ = [
    "KINDS",
    "PLATFORMS",
    "WIN32",
    "ErrorShape",
    "errno_view",
    "errorcode_view",
    "shape",
    "strerror_view",
    "table_names",
]

#: The platform whose socket errors carry a ``winerror``.
WIN32 = "win32"

_TEXTS: Mapping[str, Mapping[str, str]] = {
    text.name: {key: getattr(text, key) for key in PLATFORMS} for text in ERRNO_TEXTS
}

#: The first table row of each kind: the errno that kind is made of.
_ROW_OF_KIND: dict[str, ErrnoFact] = {}
for _fact in ERRNO_FACTS:
    if _fact.kind is not None and not _fact.only_on:
        _ROW_OF_KIND.setdefault(_fact.kind, _fact)

#: The first Win32 code of each kind: the asyncio proactor's shapes.
_WINERROR_OF_KIND: dict[str, WinErrorFact] = {}
for _winfact in WINERROR_FACTS:
    _WINERROR_OF_KIND.setdefault(_winfact.kind, _winfact)

_STREAM_END: Mapping[str, StreamEndFact] = {fact.kind: fact for fact in STREAM_END_FACTS}
del _fact, _winfact

#: The proactor kinds: which ``kind`` of :data:`WINERROR_FACTS` each stands for.
PROACTOR_KINDS: Mapping[str, str] = {"proactor": "reset", "proactor_aborted": "aborted"}

#: Every kind :func:`netcompat.testing.inject_reset` accepts.
KINDS: tuple[str, ...] = (*_ROW_OF_KIND, *_STREAM_END, *PROACTOR_KINDS)


def number(fact: ErrnoFact, platform: str) -> int | None:
    """The value ``errno.<name>`` has on ``platform`` (None: the name does not exist)."""
    value: int | None = getattr(fact, platform)
    return value


def table_names() -> tuple[str, ...]:
    """Every ``errno`` module name a view sets or removes: the rows, and ``WSA`` + row."""
    names = [fact.name for fact in ERRNO_FACTS]
    names += ["WSA" + fact.name for fact in ERRNO_FACTS if fact.wsa is not None]
    return tuple(names)


def errno_view(platform: str) -> dict[str, int | None]:
    """``errno`` module names and their values on ``platform`` (None: absent there)."""
    view: dict[str, int | None] = {fact.name: number(fact, platform) for fact in ERRNO_FACTS}
    for fact in ERRNO_FACTS:
        if fact.wsa is not None:
            view["WSA" + fact.name] = fact.wsa if platform == WIN32 else None
    return view


def errorcode_view(platform: str) -> dict[int, str]:
    """The socket entries of ``errno.errorcode`` on ``platform``.

    CPython's ``errnomodule.c`` inserts the names in its own order; a later
    name overwrites an earlier one with the same number.  For the rows here
    that means: the first of ``EAGAIN``/``EWOULDBLOCK`` in table order wins
    where they share a number, and on Windows the ``WSAE*`` names, inserted
    after the POSIX ones, win over them (``errorcode[10054]`` is
    ``"WSAECONNRESET"`` there).
    """
    codes: dict[int, str] = {}
    for fact in ERRNO_FACTS:
        value = number(fact, platform)
        if value is not None:
            codes.setdefault(value, fact.name)
    if platform == WIN32:
        for fact in ERRNO_FACTS:
            if fact.wsa is not None:
                codes[fact.wsa] = "WSA" + fact.name
    return codes


def strerror_view(platform: str) -> dict[int, str]:
    """``os.strerror`` texts for the socket errno values of ``platform``."""
    texts: dict[int, str] = {}
    for fact in ERRNO_FACTS:
        value = number(fact, platform)
        if value is not None:
            texts.setdefault(value, _TEXTS[fact.name][platform])
    return texts


class ErrorShape(NamedTuple):
    """Everything about the exception one platform raises for one kind of reset."""

    #: The class's name: a builtin, or ``module.Class`` for ``ssl``/``http.client``.
    module: str
    exception: str
    #: The ``errno``/first argument (None: the exception has none).
    errno: int | None
    #: ``strerror`` (or the only argument, for errors without an errno).
    message: str
    #: Windows' ``winerror`` (None: not a Windows error).
    windows_code: int | None
    #: The name of the ``module`` constant that is the errno (``SSL_ERROR_EOF``).
    errno_constant: str | None = None
    #: True when a read sees a clean end of stream instead of an exception.
    end_of_stream: bool = False


def shape(kind: str, platform: str, op: str) -> ErrorShape:
    """The exception ``platform`` raises when ``op`` meets a ``kind`` reset.

    Raises:
        ValueError: ``kind`` is not one of :data:`KINDS`, or it cannot happen
            on ``platform`` (the proactor kinds are Windows-only).
    """
    if kind in PROACTOR_KINDS:
        if platform != WIN32:
            raise ValueError(
                f"kind {kind!r} is the shape of asyncio's Windows proactor event loop; "
                f"it needs platform 'win32', not {platform!r}"
            )
        win = _WINERROR_OF_KIND[PROACTOR_KINDS[kind]]
        row = _ROW_OF_KIND[win.kind]
        # asyncio's IocpProactor turns ERROR_NETNAME_DELETED into
        # ConnectionResetError(*exc.args) for reads and writes, not for accept;
        # _overlapped raises ERROR_CONNECTION_ABORTED as ConnectionAbortedError.
        exception = row.exception or "OSError"
        if op == "accept" and win.kind == "reset":
            exception = "OSError"
        return ErrorShape("builtins", exception, win.errno, win.message, win.code)
    end = _STREAM_END.get(kind)
    if end is not None:
        return ErrorShape(
            end.module,
            end.exception,
            None,
            end.message,
            None,
            errno_constant=end.code,
            end_of_stream=kind == "remote_disconnected",
        )
    found = _ROW_OF_KIND.get(kind)
    if found is None:
        known = ", ".join(repr(name) for name in KINDS)
        raise ValueError(f"unknown kind {kind!r}: expected one of {known}")
    row = found
    exception = row.exception or "OSError"
    value = number(row, platform)
    if platform == WIN32 and row.wsa is None:
        # No WinSock code (EPIPE): Windows reports a broken pipe as the Win32
        # ERROR_BROKEN_PIPE, which CPython maps to the CRT's EPIPE.
        win = next(w for w in WINERROR_FACTS if w.kind == kind and w.errno == value)
        return ErrorShape("builtins", exception, win.errno, win.message, win.code)
    if value is None:  # pragma: no cover - every kind row has a number everywhere
        raise ValueError(f"{row.name} does not exist on {platform!r}")
    winerror = row.wsa if platform == WIN32 else None
    return ErrorShape("builtins", exception, value, _TEXTS[row.name][platform], winerror)


def builtin_class(name: str) -> type[OSError]:
    """The builtin ``OSError`` subclass called ``name``."""
    cls = getattr(builtins, name)
    assert isinstance(cls, type) and issubclass(cls, OSError)
    return cls
