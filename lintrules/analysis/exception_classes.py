"""The standard library's exception classes as data: names, aliases and bases.

The rules about ``except`` clauses (NC007), ``winerror`` (NC003), error
messages (NC004) and errno checks (NC008) all need to answer one question:
*does an ``except`` of type A already catch B?*  They answer it from
:data:`EXCEPTION_CLASSES`, a table of the standard library's exception classes
(every builtin one, and the socket/ssl/select/asyncio/urllib/http.client ones
network code meets), keyed by qualified name.

The table is data, checked against the real classes of the running Python by
``tests/test_exception_hierarchy.py``.  Two kinds of row:

* a class: its direct exception bases (``socket.herror`` -> ``OSError``);
* an alias: another name for a class (``socket.error`` is ``OSError``), maybe
  only from some Python version on (``socket.timeout`` is ``TimeoutError``
  since 3.10; before that it is its own subclass of ``OSError``).

Questions are answered for every supported Python version at once unless a
version is given: ``catches("socket.timeout", "TimeoutError")`` is False
because on 3.9 it does not hold.  Names nobody listed are unknown, and every
answer about an unknown name is "no" (rules then stay quiet).

This module is pure data and questions on names (no syntax tree, no libcst);
:mod:`lintrules.analysis.exceptions` asks the same questions of code and
re-exports everything here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import NamedTuple

__all__ = [
    "BY_NAME",
    "EXCEPTION_CLASSES",
    "SUPPORTED_VERSIONS",
    "ExceptionClass",
    "Version",
    "ancestors_of",
    "canonical",
    "catches",
    "exists",
    "is_os_error",
    "key",
    "short",
    "versions_from",
]

Version = tuple[int, int]

#: The Python versions the linted code may run on; answers hold on all of them.
SUPPORTED_VERSIONS: tuple[Version, ...] = ((3, 9), (3, 10), (3, 11), (3, 12), (3, 13))


def versions_from(target: str) -> tuple[Version, ...]:
    """The supported versions from ``target`` (``"py311"``, a value of the
    ``target-version`` setting: the oldest Python the project runs on) on;
    all of them for ``""``.

    A target newer than the newest version the table knows keeps that one,
    whose classes are the newest known.

    >>> versions_from("py311")
    ((3, 11), (3, 12), (3, 13))
    """
    if not target:
        return SUPPORTED_VERSIONS
    oldest = (3, int(target[3:]))
    return tuple(v for v in SUPPORTED_VERSIONS if v >= oldest) or SUPPORTED_VERSIONS[-1:]


class ExceptionClass(NamedTuple):
    """One exception name of the standard library.

    Attributes:
        name: the qualified name (``builtins.OSError``, ``socket.timeout``).
        bases: the direct bases that are exceptions, as qualified names (for
            an alias, the bases it had before it became one).
        alias_of: the class this name is bound to (from ``alias_since`` on).
        alias_since: the first version where ``alias_of`` holds; None with an
            ``alias_of``: always.
        added: the first version that has the name.
        platform: the only ``sys.platform`` that has it (``WindowsError``).
    """

    name: str
    bases: tuple[str, ...] = ()
    alias_of: str | None = None
    alias_since: Version | None = None
    added: Version = (3, 0)
    platform: str | None = None


def _builtin(name: str, *bases: str, added: Version = (3, 0)) -> ExceptionClass:
    return ExceptionClass("builtins." + name, tuple("builtins." + b for b in bases), added=added)


def _alias(
    name: str,
    of: str,
    *,
    since: Version | None = None,
    bases: Sequence[str] = (),
    platform: str | None = None,
) -> ExceptionClass:
    return ExceptionClass(name, tuple(bases), alias_of=of, alias_since=since, platform=platform)


_B = "builtins."

# fmt: off
EXCEPTION_CLASSES: tuple[ExceptionClass, ...] = (
    # -- builtins: every exception class of the builtins module ----------------
    _builtin("BaseException"),
    _builtin("BaseExceptionGroup", "BaseException", added=(3, 11)),
    _builtin("GeneratorExit", "BaseException"),
    _builtin("KeyboardInterrupt", "BaseException"),
    _builtin("SystemExit", "BaseException"),
    _builtin("Exception", "BaseException"),
    _builtin("ExceptionGroup", "BaseExceptionGroup", "Exception", added=(3, 11)),
    _builtin("ArithmeticError", "Exception"),
    _builtin("FloatingPointError", "ArithmeticError"),
    _builtin("OverflowError", "ArithmeticError"),
    _builtin("ZeroDivisionError", "ArithmeticError"),
    _builtin("AssertionError", "Exception"),
    _builtin("AttributeError", "Exception"),
    _builtin("BufferError", "Exception"),
    _builtin("EOFError", "Exception"),
    _builtin("ImportError", "Exception"),
    _builtin("ModuleNotFoundError", "ImportError"),
    _builtin("LookupError", "Exception"),
    _builtin("IndexError", "LookupError"),
    _builtin("KeyError", "LookupError"),
    _builtin("MemoryError", "Exception"),
    _builtin("NameError", "Exception"),
    _builtin("UnboundLocalError", "NameError"),
    _builtin("OSError", "Exception"),
    _builtin("BlockingIOError", "OSError"),
    _builtin("ChildProcessError", "OSError"),
    _builtin("ConnectionError", "OSError"),
    _builtin("BrokenPipeError", "ConnectionError"),
    _builtin("ConnectionAbortedError", "ConnectionError"),
    _builtin("ConnectionRefusedError", "ConnectionError"),
    _builtin("ConnectionResetError", "ConnectionError"),
    _builtin("FileExistsError", "OSError"),
    _builtin("FileNotFoundError", "OSError"),
    _builtin("InterruptedError", "OSError"),
    _builtin("IsADirectoryError", "OSError"),
    _builtin("NotADirectoryError", "OSError"),
    _builtin("PermissionError", "OSError"),
    _builtin("ProcessLookupError", "OSError"),
    _builtin("TimeoutError", "OSError"),
    _builtin("ReferenceError", "Exception"),
    _builtin("RuntimeError", "Exception"),
    _builtin("NotImplementedError", "RuntimeError"),
    _builtin("PythonFinalizationError", "RuntimeError", added=(3, 13)),
    _builtin("RecursionError", "RuntimeError"),
    _builtin("StopAsyncIteration", "Exception"),
    _builtin("StopIteration", "Exception"),
    _builtin("SyntaxError", "Exception"),
    _builtin("IndentationError", "SyntaxError"),
    _builtin("TabError", "IndentationError"),
    _builtin("SystemError", "Exception"),
    _builtin("TypeError", "Exception"),
    _builtin("ValueError", "Exception"),
    _builtin("UnicodeError", "ValueError"),
    _builtin("UnicodeDecodeError", "UnicodeError"),
    _builtin("UnicodeEncodeError", "UnicodeError"),
    _builtin("UnicodeTranslateError", "UnicodeError"),
    _builtin("Warning", "Exception"),
    _builtin("BytesWarning", "Warning"),
    _builtin("DeprecationWarning", "Warning"),
    _builtin("EncodingWarning", "Warning", added=(3, 10)),
    _builtin("FutureWarning", "Warning"),
    _builtin("ImportWarning", "Warning"),
    _builtin("PendingDeprecationWarning", "Warning"),
    _builtin("ResourceWarning", "Warning"),
    _builtin("RuntimeWarning", "Warning"),
    _builtin("SyntaxWarning", "Warning"),
    _builtin("UnicodeWarning", "Warning"),
    _builtin("UserWarning", "Warning"),
    # The old names PEP 3151 merged into OSError.
    _alias(_B + "IOError", _B + "OSError"),
    _alias(_B + "EnvironmentError", _B + "OSError"),
    _alias(_B + "WindowsError", _B + "OSError", platform="win32"),
    _alias("os.error", _B + "OSError"),
    _alias("socket.error", _B + "OSError"),
    _alias("select.error", _B + "OSError"),
    # -- socket ---------------------------------------------------------------
    _alias("socket.timeout", _B + "TimeoutError", since=(3, 10), bases=(_B + "OSError",)),
    ExceptionClass("socket.herror", (_B + "OSError",)),
    ExceptionClass("socket.gaierror", (_B + "OSError",)),
    # -- ssl ------------------------------------------------------------------
    ExceptionClass("ssl.SSLError", (_B + "OSError",)),
    ExceptionClass("ssl.SSLZeroReturnError", ("ssl.SSLError",)),
    ExceptionClass("ssl.SSLWantReadError", ("ssl.SSLError",)),
    ExceptionClass("ssl.SSLWantWriteError", ("ssl.SSLError",)),
    ExceptionClass("ssl.SSLSyscallError", ("ssl.SSLError",)),
    ExceptionClass("ssl.SSLEOFError", ("ssl.SSLError",)),
    ExceptionClass("ssl.SSLCertVerificationError", ("ssl.SSLError", _B + "ValueError")),
    _alias("ssl.CertificateError", "ssl.SSLCertVerificationError"),
    # -- asyncio and concurrent.futures (their TimeoutError became the builtin in 3.11)
    _alias("asyncio.exceptions.TimeoutError", _B + "TimeoutError", since=(3, 11),
           bases=(_B + "Exception",)),
    _alias("asyncio.TimeoutError", "asyncio.exceptions.TimeoutError"),
    ExceptionClass("asyncio.exceptions.CancelledError", (_B + "BaseException",)),
    _alias("asyncio.CancelledError", "asyncio.exceptions.CancelledError"),
    ExceptionClass("asyncio.exceptions.IncompleteReadError", (_B + "EOFError",)),
    _alias("asyncio.IncompleteReadError", "asyncio.exceptions.IncompleteReadError"),
    ExceptionClass("asyncio.exceptions.LimitOverrunError", (_B + "Exception",)),
    _alias("asyncio.LimitOverrunError", "asyncio.exceptions.LimitOverrunError"),
    ExceptionClass("concurrent.futures._base.Error", (_B + "Exception",)),
    _alias("concurrent.futures._base.TimeoutError", _B + "TimeoutError", since=(3, 11),
           bases=("concurrent.futures._base.Error",)),
    _alias("concurrent.futures.TimeoutError", "concurrent.futures._base.TimeoutError"),
    ExceptionClass("concurrent.futures._base.CancelledError", ("concurrent.futures._base.Error",)),
    _alias("concurrent.futures.CancelledError", "concurrent.futures._base.CancelledError"),
    # -- urllib, http.client, smtplib: library errors built on OSError ----------
    ExceptionClass("urllib.error.URLError", (_B + "OSError",)),
    ExceptionClass("urllib.error.HTTPError", ("urllib.error.URLError",)),
    ExceptionClass("urllib.error.ContentTooShortError", ("urllib.error.URLError",)),
    ExceptionClass("http.client.HTTPException", (_B + "Exception",)),
    ExceptionClass("http.client.BadStatusLine", ("http.client.HTTPException",)),
    ExceptionClass("http.client.RemoteDisconnected",
                   (_B + "ConnectionResetError", "http.client.BadStatusLine")),
    ExceptionClass("http.client.IncompleteRead", ("http.client.HTTPException",)),
    ExceptionClass("http.client.ImproperConnectionState", ("http.client.HTTPException",)),
    ExceptionClass("http.client.CannotSendRequest", ("http.client.ImproperConnectionState",)),
    ExceptionClass("http.client.ResponseNotReady", ("http.client.ImproperConnectionState",)),
    ExceptionClass("http.client.NotConnected", ("http.client.HTTPException",)),
    ExceptionClass("smtplib.SMTPException", (_B + "OSError",)),
    ExceptionClass("smtplib.SMTPServerDisconnected", ("smtplib.SMTPException",)),
)
# fmt: on

BY_NAME: Mapping[str, ExceptionClass] = {row.name: row for row in EXCEPTION_CLASSES}


def key(name: str) -> str | None:
    """The table key of ``name`` (``"OSError"`` -> ``"builtins.OSError"``), or None."""
    if name in BY_NAME:
        return name
    if "." not in name and _B + name in BY_NAME:
        return _B + name
    return None


def short(name: str) -> str:
    """How code usually spells ``name``: ``builtins.OSError`` -> ``OSError``."""
    return name[len(_B) :] if name.startswith(_B) else name


def exists(name: str, version: Version) -> bool:
    """Whether ``name`` (a table key) exists on ``version`` (on some platform)."""
    row = BY_NAME.get(name)
    return row is not None and row.added <= version


def canonical(name: str, version: Version) -> str:
    """The class ``name`` (a table key) is bound to on ``version``, aliases followed."""
    seen: set[str] = set()
    while name not in seen:
        seen.add(name)
        row = BY_NAME[name]
        if row.alias_of is None or (row.alias_since is not None and version < row.alias_since):
            return name
        name = row.alias_of
    raise ValueError(f"alias cycle at {name}")  # pragma: no cover - the table test rules it out


def ancestors_of(name: str, version: Version) -> frozenset[str]:
    """Every class ``name`` is a subclass of on ``version`` (itself included)."""
    found: set[str] = set()
    pending = [canonical(name, version)]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        pending.extend(canonical(base, version) for base in BY_NAME[current].bases)
    return frozenset(found)


def catches(outer: str, inner: str, *, versions: Iterable[Version] = SUPPORTED_VERSIONS) -> bool:
    """Whether ``except outer`` already catches every ``inner`` on every version.

    Names may be table keys (``socket.timeout``) or builtin names
    (``OSError``).  Unknown names give False.  Versions where either name does
    not exist are skipped; if that leaves none, the answer is False.

    >>> catches("socket.error", "socket.timeout"), catches("OSError", "KeyError")
    (True, False)
    """
    outer_key, inner_key = key(outer), key(inner)
    if outer_key is None or inner_key is None:
        return False
    return _catches_cached(outer_key, inner_key, tuple(versions))


@cache
def _catches_cached(outer_key: str, inner_key: str, versions: tuple[Version, ...]) -> bool:
    return _catches_on(outer_key, inner_key, versions)


def _catches_on(outer_key: str, inner_key: str, versions: Iterable[Version]) -> bool:
    checked = False
    for version in versions:
        if not (exists(outer_key, version) and exists(inner_key, version)):
            continue
        checked = True
        if canonical(outer_key, version) not in ancestors_of(inner_key, version):
            return False
    return checked


def is_os_error(name: str) -> bool:
    """Whether ``name`` is ``OSError``, one of its aliases or a subclass (on every version)."""
    return catches("builtins.OSError", name)
