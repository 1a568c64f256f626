"""The vocabulary of the shim: errno lookups, :class:`ResetKind` and :class:`PeerResetError`.

Everything here is read from the table in :mod:`netcompat._errnos`; no errno
number is written in this module.  The indexes are built once, at import, for
every platform of :data:`netcompat._errnos.PLATFORMS`.
"""

from __future__ import annotations

import enum
import errno as _errno_module
import sys
from collections.abc import Mapping
from typing import Any

from netcompat._errnos import ERRNO_FACTS, PLATFORMS, WINERROR_FACTS, ErrnoFact

__all__ = ["PeerResetError", "ResetKind", "errname", "errnos"]


class ResetKind(str, enum.Enum):
    """How the peer went away.

    The values are the ``kind`` strings of the errno table
    (:mod:`netcompat._errnos`), plus two kinds that have no errno:
    ``tls_eof`` and ``remote_disconnected``.  Being a ``str`` enum, a member
    compares equal to its value (``ResetKind.RESET == "reset"``), and
    ``str()``/``format()`` give the value on every Python version.
    """

    #: ``ECONNRESET``: the peer sent a TCP RST.
    RESET = "reset"
    #: ``ECONNABORTED`` (and Windows' ``ERROR_CONNECTION_ABORTED``).
    ABORTED = "aborted"
    #: ``EPIPE``: writing to a connection the peer has closed.
    BROKEN_PIPE = "broken_pipe"
    #: ``ESHUTDOWN``: sending after the transport endpoint was shut down.
    SHUTDOWN = "shutdown"
    #: ``ENETRESET``: the network dropped the connection.
    NETWORK_RESET = "network_reset"
    #: ``ENOTCONN``: the socket is no longer connected.
    NOT_CONNECTED = "not_connected"
    #: ``ssl.SSLEOFError`` / ``ssl.SSLZeroReturnError``: the TLS stream ended.
    TLS_EOF = "tls_eof"
    #: ``http.client.RemoteDisconnected``: the server closed before answering.
    REMOTE_DISCONNECTED = "remote_disconnected"

    def __str__(self) -> str:
        return self.value

    def __format__(self, format_spec: str) -> str:
        return format(self.value, format_spec)


_PHRASES: Mapping[ResetKind, str] = {
    ResetKind.RESET: "connection reset by peer",
    ResetKind.ABORTED: "connection aborted",
    ResetKind.BROKEN_PIPE: "broken pipe: the peer closed the connection",
    ResetKind.SHUTDOWN: "cannot send after the connection was shut down",
    ResetKind.NETWORK_RESET: "network dropped the connection on reset",
    ResetKind.NOT_CONNECTED: "socket is no longer connected",
    ResetKind.TLS_EOF: "TLS connection closed by peer",
    ResetKind.REMOTE_DISCONNECTED: "remote end closed the connection without a response",
}


# --------------------------------------------------------------------------
# Indexes over the table.  A "platform key" is one of PLATFORMS, or "" for a
# running platform the table does not describe (then the running interpreter's
# own ``errno`` module is the source of truth).

_UNDESCRIBED = ""


def _columns(fact: ErrnoFact, key: str) -> tuple[int | None, ...]:
    """The numbers ``fact`` has on ``key``, most authoritative column first."""
    if key == "win32":
        return (fact.win32, fact.win32_crt, fact.wsa)
    if key == _UNDESCRIBED:
        return (getattr(_errno_module, fact.name, None),)
    number: int | None = getattr(fact, key)
    return (number,)


def _means_reset_on(fact: ErrnoFact, key: str) -> bool:
    return fact.kind is not None and (not fact.only_on or key in fact.only_on)


class _PlatformIndex:
    """Lookups for one platform key, built from the table."""

    def __init__(self, key: str) -> None:
        self.numbers: dict[str, frozenset[int]] = {}
        self.names: dict[int, str] = {}
        self.reset_kinds: dict[int, ResetKind] = {}
        rows = [(fact, _columns(fact, key)) for fact in ERRNO_FACTS]
        for fact, columns in rows:
            numbers = frozenset(number for number in columns if number is not None)
            self.numbers[fact.name] = numbers
            if fact.kind is not None and _means_reset_on(fact, key):
                for number in numbers:
                    self.reset_kinds.setdefault(number, ResetKind(fact.kind))
        # Names: a whole column before the next one (win32: Python's value,
        # then the CRT's, then WinSock's), rows in table order, so the first
        # row wins a number that two names share.
        for column in range(len(rows[0][1]) if rows else 0):
            for fact, columns in rows:
                value = columns[column]
                if value is not None:
                    self.names.setdefault(value, fact.name)


_INDEXES: dict[str, _PlatformIndex] = {key: _PlatformIndex(key) for key in PLATFORMS}

#: Row by name, and the first row of each kind (the kind's portable name).
_FACTS_BY_NAME: Mapping[str, ErrnoFact] = {fact.name: fact for fact in ERRNO_FACTS}
_KIND_NAMES: dict[ResetKind, str] = {}
for _fact in ERRNO_FACTS:
    if _fact.kind is not None:
        _KIND_NAMES.setdefault(ResetKind(_fact.kind), _fact.name)

#: WinSock codes, by name, for ``winerror`` values met on any platform.
_WSA_NAMES: dict[int, str] = {}
for _fact in ERRNO_FACTS:
    if _fact.wsa is not None:
        _WSA_NAMES.setdefault(_fact.wsa, _fact.name)

#: ``winerror`` values that mean the peer went away: the WinSock codes of the
#: reset rows that apply on win32, and the Win32 codes of WINERROR_FACTS.
_RESET_WINERRORS: dict[int, ResetKind] = {}
for _fact in ERRNO_FACTS:
    if _fact.wsa is not None and _fact.kind is not None and _means_reset_on(_fact, "win32"):
        _RESET_WINERRORS.setdefault(_fact.wsa, ResetKind(_fact.kind))
for _winfact in WINERROR_FACTS:
    _RESET_WINERRORS.setdefault(_winfact.code, ResetKind(_winfact.kind))
del _fact, _winfact


#: The platform :func:`netcompat.testing.simulate_platform` shows, or None.
#: While it is set, it stands for the running platform (``platform=None``),
#: so the shim reads errors the way it would on that platform.
_simulated_platform: str | None = None


def _platform_key(platform: str | None) -> str:
    """Map ``platform`` (or the running platform, for None) to a table key.

    ``sys.platform``-style spellings are accepted (``"linux"``, ``"freebsd14"``).
    Inside :func:`netcompat.testing.simulate_platform`, None means the
    simulated platform.

    Raises:
        ValueError: an explicit ``platform`` the table does not describe.
        TypeError: ``platform`` is neither a string nor None.
    """
    if platform is None:
        name = sys.platform if _simulated_platform is None else _simulated_platform
    elif isinstance(platform, str):
        name = platform
    else:
        raise TypeError(f"platform must be a str or None, not {type(platform).__name__}")
    for key in PLATFORMS:
        if name.startswith(key):
            return key
    if platform is None:
        return _UNDESCRIBED
    known = ", ".join(repr(key) for key in PLATFORMS)
    raise ValueError(
        f"unknown platform {platform!r}: expected one of {known}, or None for the running platform"
    )


def _index_for_key(key: str) -> _PlatformIndex:
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = _PlatformIndex(key)
    return index


def _index(platform: str | None) -> _PlatformIndex:
    return _index_for_key(_platform_key(platform))


def errname(code: int, platform: str | None = None) -> str | None:
    """Return the portable name of an errno number on a platform.

    Where two names share a number on one platform (``EAGAIN`` and
    ``EWOULDBLOCK`` on Linux), the first in table order wins (``EAGAIN``).
    On ``win32`` the value Python's :mod:`errno` module uses is looked up
    first, then the Microsoft CRT's value, then the WinSock ``WSAE*`` code,
    so both WinSock's and the CRT's number for ``ECONNRESET`` give
    ``"ECONNRESET"`` there, while on Linux the CRT's number is
    ``ESHUTDOWN``'s and gives ``"ESHUTDOWN"``.

    Args:
        code: the errno (or, on win32, WinSock or CRT) number.
        platform: ``"linux"``, ``"darwin"``, ``"freebsd"`` or ``"win32"``
            (``sys.platform`` spellings such as ``"freebsd14"`` are accepted);
            None for the running platform.  On a running platform the table
            does not describe, the interpreter's :mod:`errno` module is used.

    Returns:
        The name, such as ``"ECONNRESET"``, or None if the number names no
        row of the table on that platform.

    Raises:
        ValueError: ``platform`` is not one the table describes.
        TypeError: ``platform`` is neither a string nor None.
    """
    return _index(platform).names.get(code)


def errnos(name: str, platform: str | None = None) -> frozenset[int]:
    """Return every number that an errno name has on a platform.

    On ``win32`` this is the value of Python's :mod:`errno` module plus the
    Microsoft CRT's value and the WinSock ``WSAE*`` code where they differ:
    ``errnos("ECONNRESET", "win32")`` holds WinSock's and the CRT's numbers,
    ``errnos("EBADF", "win32")`` the CRT's and WinSock's.  Elsewhere a name
    has one number.

    Args:
        name: an errno name from the table, such as ``"ECONNRESET"``.
        platform: as for :func:`errname`.

    Returns:
        The numbers; empty only on a platform the table does not describe
        whose :mod:`errno` module lacks the name.

    Raises:
        ValueError: ``name`` is not in netcompat's table of socket errors,
            or ``platform`` is not one the table describes.
        TypeError: ``platform`` is neither a string nor None.
    """
    numbers = _index(platform).numbers.get(name)
    if numbers is None:
        raise ValueError(
            f"{name!r} is not a socket errno name known to netcompat "
            "(the table is netcompat._errnos.ERRNO_FACTS)"
        )
    return numbers


# --------------------------------------------------------------------------
# Facts about one exception object, without looking inside wrappers.


def _loaded_class(module: str, name: str) -> type[BaseException] | None:
    """Return ``module.name`` if that module is already imported, else None.

    An instance of a class can only exist once its module is loaded, so this
    answers ``isinstance`` questions without importing anything.
    """
    cls = getattr(sys.modules.get(module), name, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return cls
    return None


def _int_or_none(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _errno_of(exc: object) -> int | None:
    return _int_or_none(getattr(exc, "errno", None)) if isinstance(exc, OSError) else None


def _winerror_of(exc: object) -> int | None:
    return _int_or_none(getattr(exc, "winerror", None)) if isinstance(exc, OSError) else None


def _has_foreign_errno(exc: BaseException) -> bool:
    """True for OSError subclasses whose ``errno`` is not an OS errno.

    ``ssl.SSLError`` carries an ``SSL_ERROR_*`` code and ``socket.gaierror``
    / ``socket.herror`` carry resolver codes, which can coincide with errno
    numbers.
    """
    for module, name in (("ssl", "SSLError"), ("socket", "gaierror"), ("socket", "herror")):
        cls = _loaded_class(module, name)
        if cls is not None and isinstance(exc, cls):
            return True
    return False


_CLASS_KINDS: tuple[tuple[type[BaseException], ResetKind], ...] = (
    (ConnectionResetError, ResetKind.RESET),
    (ConnectionAbortedError, ResetKind.ABORTED),
    (BrokenPipeError, ResetKind.BROKEN_PIPE),
)


def _leaf_kind(exc: BaseException, key: str) -> ResetKind | None:
    """Classify one exception object by its own type, errno and winerror."""
    if isinstance(exc, PeerResetError):
        return exc.kind
    for name in ("SSLEOFError", "SSLZeroReturnError"):
        cls = _loaded_class("ssl", name)
        if cls is not None and isinstance(exc, cls):
            return ResetKind.TLS_EOF
    remote = _loaded_class("http.client", "RemoteDisconnected")
    if remote is not None and isinstance(exc, remote):
        return ResetKind.REMOTE_DISCONNECTED
    if not isinstance(exc, OSError) or _has_foreign_errno(exc):
        return None
    code = _errno_of(exc)
    if code is not None:
        kind = _index_for_key(key).reset_kinds.get(code)
        if kind is not None:
            return kind
    winerror = _winerror_of(exc)
    if winerror is not None:
        kind = _RESET_WINERRORS.get(winerror)
        if kind is not None:
            return kind
    for cls, kind in _CLASS_KINDS:
        if isinstance(exc, cls):
            return kind
    return None


def _portable_name(kind: ResetKind, code: int | None, winerror: int | None, key: str) -> str | None:
    """The errno name for what happened: the number's own name if it means
    ``kind``, else the first table name of ``kind`` (None for kinds without one)."""
    candidates = (
        _index_for_key(key).names.get(code) if code is not None else None,
        _WSA_NAMES.get(winerror) if winerror is not None else None,
    )
    for name in candidates:
        fact = _FACTS_BY_NAME.get(name) if name is not None else None
        if fact is not None and fact.kind == kind.value:
            return fact.name
    return _KIND_NAMES.get(kind)


class PeerResetError(ConnectionResetError):
    """The one exception for "the peer went away", whatever shape it came in.

    It is a :class:`ConnectionResetError`, so existing ``except`` clauses keep
    working.  Make one with :func:`netcompat.normalize` or
    ``netcompat._classify.peer_reset_from``, which find the underlying error
    inside wrapper exceptions; the constructor itself only reads ``source``.

    Attributes:
        original: the exception it was made from (the outermost one: a
            wrapper such as urllib3's ``ProtocolError`` stays itself).
        kind: the :class:`ResetKind`.
        errname: the portable errno name, such as ``"ECONNRESET"``; None for
            ``tls_eof`` and ``remote_disconnected``.
        errno: the errno of the underlying error as raised (platform
            specific), or None where it had none.
        winerror: the Windows error code of the underlying error, or None.
            Set on every platform.
        strerror: the underlying error's message, or None.

    Pickling keeps all of these; it pickles ``original`` too, so an
    ``original`` that cannot be pickled makes the error unpicklable.
    """

    __module__ = "netcompat"  # tracebacks and pickles name the public path

    original: BaseException | None
    kind: ResetKind
    errname: str | None
    winerror: int | None

    def __init__(
        self,
        original: BaseException | None = None,
        kind: ResetKind | str | None = None,
        *,
        source: BaseException | None = None,
        platform: str | None = None,
    ) -> None:
        """Build the error.  Never fails on an odd ``original`` or ``source``.

        Args:
            original: the exception being replaced (anything is tolerated;
                a non-exception is only shown in ``str()``).
            kind: how the peer went away; None derives it from ``source``'s
                type, errno and winerror, defaulting to ``ResetKind.RESET``.
            source: the exception that carries the errno (the reset found
                inside ``original``); defaults to ``original``.
            platform: whose errno numbers ``source.errno`` uses, for
                ``errname``; None for the running platform.

        Raises:
            ValueError: ``kind`` is not a :class:`ResetKind` value, or
                ``platform`` is unknown.
        """
        key = _platform_key(platform)
        carrier: object = original if source is None else source
        if kind is None:
            leaf = _leaf_kind(carrier, key) if isinstance(carrier, BaseException) else None
            kind = ResetKind.RESET if leaf is None else leaf
        self.kind = ResetKind(kind)
        self.original = original
        code = _errno_of(carrier)
        strerror = getattr(carrier, "strerror", None) if isinstance(carrier, OSError) else None
        if code is None:
            super().__init__(_PHRASES[self.kind])
        else:
            super().__init__(code, strerror if isinstance(strerror, str) else None)
        self.errno = code
        self.strerror = strerror if isinstance(strerror, str) else None
        self.winerror = _winerror_of(carrier)
        self.errname = _portable_name(self.kind, code, self.winerror, key)

    def __str__(self) -> str:
        facts = [
            fact
            for fact in (
                self.errname,
                None if self.errno is None else f"errno {self.errno}",
                None if self.winerror is None else f"winerror {self.winerror}",
            )
            if fact is not None
        ]
        text = _PHRASES[self.kind]
        if facts:
            text += f" ({', '.join(facts)})"
        if self.original is not None:
            detail = str(self.original) or type(self.original).__name__
            text += f": {detail}"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.original!r}, kind={self.kind.value!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        state.update(
            errno=self.errno,
            strerror=self.strerror,
            winerror=self.winerror,
            errname=self.errname,
            kind=self.kind,
        )
        return (type(self), (self.original, self.kind.value), state)
