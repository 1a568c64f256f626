"""NC004 error-message-match."""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import libcst as cst
from libcst.metadata import (
    Assignment,
    BuiltinAssignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from netcompat._errnos import ERRNO_FACTS, WINERROR_FACTS

from .._exceptions import binding_handler, handler_types, is_os_error
from .._facts import FACTS_BY_NAME
from .._nodes import code_of
from ..fixes import attribute_chain, module_reference
from ..gate import AstIndex
from .._cst_rule import Fix, ImportSpec, Invalid, Rule, Valid

if TYPE_CHECKING:
    from ..reduce import NodeTest

# -- the messages ------------------------------------------------------------------

#: What other platforms print for the errors of the table, beside the table's
#: own ``description`` (the Linux text): the macOS/BSD ``strerror`` where it
#: differs, and the English Windows ``FormatMessage`` text of the WinSock code.
#: Keys are table names; ``socket.timeout`` is the message of a timeout set
#: with ``settimeout()`` (and of ``ssl``'s timeouts), which has no errno.
OTHER_MESSAGES: Mapping[str, tuple[str, ...]] = {
    "ECONNRESET": ("An existing connection was forcibly closed by the remote host",),
    "ECONNABORTED": ("An established connection was aborted by the software in your host machine",),
    "ESHUTDOWN": (
        "Can't send after socket shutdown",
        "A request to send or receive data was disallowed because the socket had already been "
        "shut down in that direction with a previous shutdown call",
    ),
    "ENETRESET": (
        "The connection has been broken due to keep-alive activity detecting a failure while the "
        "operation was in progress",
    ),
    "ENOTCONN": (
        "Socket is not connected",
        "A request to send or receive data was disallowed because the socket is not connected and "
        "(when sending on a datagram socket using a sendto call) no address was supplied",
    ),
    "EPROTOTYPE": (
        "A protocol was specified in the socket function call that does not support the semantics "
        "of the socket type requested",
    ),
    "ETIMEDOUT": (
        "Operation timed out",
        "A connection attempt failed because the connected party did not properly respond after a "
        "period of time, or established connection failed because connected host has failed to "
        "respond",
    ),
    "ECONNREFUSED": ("No connection could be made because the target machine actively refused it",),
    "EHOSTUNREACH": ("A socket operation was attempted to an unreachable host",),
    "ENETUNREACH": ("A socket operation was attempted to an unreachable network",),
    "ENETDOWN": ("A socket operation encountered a dead network",),
    "EHOSTDOWN": ("A socket operation failed because the destination host was down",),
    "EWOULDBLOCK": (
        "Resource temporarily unavailable",
        "A non-blocking socket operation could not be completed immediately",
    ),
    "EINPROGRESS": ("A blocking operation is currently executing",),
    "EALREADY": (
        "An operation was attempted on a non-blocking socket that already had an operation in "
        "progress",
    ),
    "EADDRINUSE": (
        "Only one usage of each socket address (protocol/network address/port) is normally "
        "permitted",
    ),
    "EADDRNOTAVAIL": (
        "Can't assign requested address",
        "The requested address is not valid in its context",
    ),
    "EISCONN": (
        "Socket is already connected",
        "A connect request was made on an already connected socket",
    ),
    "ENOTSOCK": ("An operation was attempted on something that is not a socket",),
    "EMSGSIZE": (
        "A message sent on a datagram socket was larger than the internal message buffer or some "
        "other network limit, or the buffer used to receive a datagram into was smaller than the "
        "datagram itself",
    ),
    "ENOBUFS": (
        "An operation on a socket could not be performed because the system lacked sufficient "
        "buffer space or because a queue was full",
    ),
    "EBADF": ("The file handle supplied is not valid",),
    "ERROR_OPERATION_ABORTED": (
        "The I/O operation has been aborted because of either a thread exit or an application "
        "request",
    ),
    "socket.timeout": (
        "timed out",
        "The read operation timed out",
        "The write operation timed out",
        "The handshake operation timed out",
    ),
}

#: Phrases that make a piece of text a socket-error message rather than any
#: text: a needle is in scope only if it holds one of them as whole words
#: (and is a piece of a known message).  Every message holds at least one.
SIGNALS: tuple[str, ...] = (
    "reset", "forcibly", "aborted", "connection abort", "unreachable",
    "broken pipe", "pipe has been ended", "pipe is being closed",
    "transport endpoint", "socket shutdown", "shut down in that direction",
    "wrong type for socket", "semantics of the socket type",
    "timed out", "connection refused", "actively refused", "no route to host",
    "network is down", "host is down", "dead network", "host was down",
    "temporarily unavailable", "operation would block", "non-blocking socket",
    "operation now in progress", "operation already in progress", "currently executing",
    "address already in use", "usage of each socket address", "assign requested address",
    "not valid in its context", "socket is not connected", "socket is already connected",
    "already connected socket", "non-socket", "something that is not a socket", "message too long",
    "larger than the internal message buffer", "no buffer space", "sufficient buffer space",
    "bad file descriptor", "file handle supplied", "specified network name",
    "keep-alive activity", "did not properly respond", "failed to respond",
)  # fmt: skip


def _normalize(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .:;,!'\"")


def _first_clause(description: str) -> str:
    """A table description without its parenthesised note."""
    return description.split(" (")[0]


#: Every (normalized message, table key) pair.
MESSAGES: tuple[tuple[str, str], ...] = (
    *((_normalize(_first_clause(f.description)), f.name) for f in ERRNO_FACTS if f.description),
    *((_normalize(_first_clause(w.description)), w.name) for w in WINERROR_FACTS),
    *((_normalize(text), key) for key, texts in OTHER_MESSAGES.items() for text in texts),
)

_SIGNAL_RE = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, SIGNALS)) + r")(?![\w-])")
_NUMBERED = re.compile(r"\b(errno|winerror)\s*([0-9]+)\b")
_NUMBER = re.compile(r"[0-9]+")


#: For the engine's text prefilter: a word of each signal that is rare in code
#: (``connection`` and ``socket`` are in every network module).
_KEYWORDS = (
    "reset", "forcibly", "abort", "unreachable", "pipe", "endpoint", "shutdown", "shut",
    "wrong", "semantics", "timed", "refused", "route", "down", "dead", "temporarily", "block",
    "progress", "executing", "already", "usage", "assign", "context", "non-socket", "something",
    "too long", "buffer", "descriptor", "handle", "specified", "keep-alive", "respond",
)  # fmt: skip


def _needles_for_prefilter() -> tuple[str, ...]:
    """Text one of which every file with a reportable needle contains."""
    words: dict[str, None] = {}
    for signal in SIGNALS:
        chosen = [keyword for keyword in _KEYWORDS if keyword in signal]
        words.update(dict.fromkeys(chosen or [max(signal.split(), key=len)]))
    found: dict[str, None] = {}
    for word in (*words, "errno", "winerror"):
        found.update(dict.fromkeys((word, word.capitalize(), word.upper())))
    found.update(dict.fromkeys(("Errno", "WinError")))
    numbers = sorted({str(n) for n in _all_codes() if n >= 100}, key=lambda s: (len(s), s))
    for number in numbers:
        if not any(shorter in number for shorter in found if _NUMBER.fullmatch(shorter)):
            found[number] = None
    return tuple(found)


#: Between the words of a signal in string literals: spaces, ``\s+`` (in a
#: regular expression), an escaped space, a backslash-newline, or the quotes
#: of two adjacent literals (``"broken " "pipe"``).
_GAP = r"""(?:\s|\\s[+*]?|\\ |\\\n|["']\s*[rbu]{0,2}["'])+"""
#: The text after each quote up to the next quote or line end: together, the
#: inside of every one-line string literal (and some code between literals).
_AFTER_QUOTE = re.compile(r"""["']([^"'\n]*(?:\\\n[^"'\n]*)*)""")
_DIGITS = re.compile(r"\d{4,}")
_NUMBERED_TEXT = re.compile(r"(?:errno|winerror)\s*\d")


def _text_gate_signals() -> re.Pattern[str]:
    """Every signal, lower case, its words joined by :data:`_GAP`."""
    return re.compile(
        "|".join(
            _GAP.join(re.escape(word) for word in signal.split())
            for signal in sorted(SIGNALS, key=len, reverse=True)
        )
    )


def _literal_text_may_hold_needle(text: str) -> bool:
    """Whether one-line string literals in ``text`` may hold a reportable needle.

    A superset of :func:`_may_be_needle` over the file's strings.  The text
    after every quote, up to the next quote, is searched for a signal as
    whole words (``\\b`` and the like may stand right before it, in a regular
    expression), ``errno`` or ``winerror`` and a number, or a number of the
    table written with four digits or more (``"0100"`` is 100).  Where such a
    hit lies in a plain literal (the same quote on both sides, no backslash,
    brace or other quote inside), that literal is the whole string and
    :func:`_may_be_needle` decides; anywhere else the hit counts.
    """
    contents = _AFTER_QUOTE.findall(text)
    inside = '"'.join(contents).lower()
    runs: list[re.Match[str]] = []
    offsets: list[int] = []

    def counts(start: int, end: int) -> bool:
        if not runs:  # only for a file with a hit: most have none
            runs.extend(_AFTER_QUOTE.finditer(text))
            position = 0
            for content in contents:
                offsets.append(position)
                position += len(content) + 1
        number = bisect.bisect_right(offsets, start) - 1
        content = contents[number]
        if end > offsets[number] + len(content):
            return True  # across literals ("broken " "pipe")
        run = runs[number]
        closing = text[run.end() : run.end() + 1]
        if closing != text[run.start()] or any(c in content for c in "\\{'\""):
            return True
        return _may_be_needle(content)

    for match in _TEXT_GATE_SIGNALS.finditer(inside):
        start, end = match.span()
        before = inside[start - 1] if start else " "
        after = inside[end] if end < len(inside) else " "
        word_before = before.isalnum() or before in "_-"
        if (
            (not word_before or inside[start - 2 : start - 1] == "\\")
            and not (after.isalnum() or after in "_-")
            and counts(start, end)
        ):
            return True
    if "errno" in inside or "winerror" in inside:
        for match in _NUMBERED_TEXT.finditer(inside):
            if counts(*match.span()):
                return True
    for match in _DIGITS.finditer(inside):
        start, end = match.span()
        if (
            int(match.group()) in _CODES
            and not (inside[start - 1 : start].isalnum() or inside[end : end + 1].isalnum())
            and counts(start, end)
        ):
            return True
    return False


def _all_codes() -> set[int]:
    codes = {w.code for w in WINERROR_FACTS}
    for fact in ERRNO_FACTS:
        codes.update(
            n
            for n in (fact.linux, fact.darwin, fact.freebsd, fact.win32, fact.win32_crt, fact.wsa)
            if n is not None
        )
    return codes


_TEXT_GATE_SIGNALS = _text_gate_signals()
_CODES = frozenset(_all_codes())


def _number_keys(number: int, kind: str | None) -> frozenset[str]:
    """Table keys ``number`` stands for: after ``[Errno``, ``[WinError`` or alone (None)."""
    keys: set[str] = set()
    if kind in (None, "errno"):
        for fact in ERRNO_FACTS:
            if number in (fact.linux, fact.darwin, fact.freebsd, fact.win32, fact.win32_crt):
                keys.add(fact.name)
    if kind in (None, "winerror"):
        keys.update(f.name for f in ERRNO_FACTS if f.wsa == number)
        keys.update(w.name for w in WINERROR_FACTS if w.code == number)
    return frozenset(keys)


@lru_cache(maxsize=1024)
def needle_keys(needle: str, *, caught_os_error: bool) -> frozenset[str]:
    """The table keys a searched-for text points at (empty: not a socket-error message).

    ``"[Errno 104]"`` and ``"[WinError 10054]"`` point at the rows with that
    number; a bare number of three digits or more too, but only in the text
    of an exception caught as an ``OSError`` (``caught_os_error``).  Other
    text must hold one of :data:`SIGNALS` and be a piece (whole words) of a
    known message; a single word counts only in a caught ``OSError``'s text.
    """
    norm = _normalize(needle)
    if len(norm) < 4:
        return frozenset()
    numbered = _NUMBERED.search(norm)
    if numbered is not None:
        return _number_keys(int(numbered.group(2)), numbered.group(1))
    if _NUMBER.fullmatch(norm):
        return _number_keys(int(norm), None) if caught_os_error and len(norm) >= 3 else frozenset()
    if not _SIGNAL_RE.search(norm) or (" " not in norm and not caught_os_error):
        return frozenset()
    piece = re.compile(r"(?<![\w-])" + re.escape(norm) + r"(?![\w-])")
    return frozenset(key for message, key in MESSAGES if piece.search(message))


_REGEX_SPECIAL = re.compile(r"[.^$*+?{}\[\]()|\\]")
_UNESCAPED_SYNTAX = re.compile(r"(?<!\\)[.^$*+?{}\[\]()]")


def regex_needles(pattern: str) -> tuple[list[str], bool]:
    """The literal texts a regular expression searches for, and whether that is all it does.

    ``r"reset\\s+by\\s+peer|forcibly closed"`` gives both phrases and True.  A
    pattern with other syntax (groups, classes, wildcards) gives its literal
    runs and False.
    """
    text = re.sub(r"^\(\?[aiLmsux]+\)", "", pattern)
    text = re.sub(r"\\s[+*]?", " ", text)
    if _UNESCAPED_SYNTAX.search(text):
        runs = re.split(r"\\.|[.^$*+?{}\[\]()|]", text)
        return [run for run in runs if len(run.strip()) >= 4], False
    alternatives = re.split(r"(?<!\\)\|", text)
    return [re.sub(r"\\(.)", r"\1", alternative) for alternative in alternatives], True


@lru_cache(maxsize=4096)
def _may_be_needle(text: str) -> bool:
    """Whether a string constant could be a reported needle (a literal or a regex)."""
    if needle_keys(text, caught_os_error=True):
        return True
    if not _REGEX_SPECIAL.search(text):
        return False
    needles, _ = regex_needles(text)
    return any(needle_keys(needle, caught_os_error=True) for needle in needles)


# -- the portable check a set of rows allows ------------------------------------


class Check(NamedTuple):
    """The portable test a text match stands for: a class, or errno names."""

    exception: str | None
    errnos: tuple[str, ...]

    def spelled(self, subject: str) -> str:
        if self.exception is not None:
            return f"isinstance({subject}, {self.exception})"
        names = [f"errno.{name}" for name in self.errnos]
        if len(names) == 1:
            return f"{subject}.errno == {names[0]}"
        return f"{subject}.errno in ({', '.join(names)})"


def portable_check(keys: frozenset[str]) -> Check | None:
    """The one check ``keys`` allow, or None when they are ambiguous.

    All rows raising one PEP 3151 class give that class (``ECONNRESET`` ->
    ``ConnectionResetError``; ``EAGAIN`` and ``EWOULDBLOCK`` ->
    ``BlockingIOError``); rows with no class give their errno names.  A mix,
    two classes, a ``winerror`` row or a timeout give None.
    """
    if not keys or any(key not in FACTS_BY_NAME for key in keys):
        return None
    classes = {FACTS_BY_NAME[key].exception for key in keys}
    if len(classes) == 1:
        (exception,) = classes
        ordered = tuple(f.name for f in ERRNO_FACTS if f.name in keys)
        return Check(exception, ()) if exception is not None else Check(None, ordered)
    return None


# -- the rule ------------------------------------------------------------------------


class _Text(NamedTuple):
    """An expression holding an error's text, and the exception it comes from."""

    subject: cst.BaseExpression | None


_CASE_METHODS = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip"})
_TEXT_BUILTINS = frozenset({"str", "repr", "format"})
_TEXT_ATTRIBUTES = frozenset({"strerror", "message", "args"})
_TRACEBACK_FUNCTIONS = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_exception_only"}
)
_REGEX_FUNCTIONS = frozenset({"re.search", "re.match", "re.fullmatch", "re.findall"})
_SEARCH_METHODS = frozenset({"startswith", "endswith", "__contains__"})
_BOOLEAN_PARENTS = (
    cst.If,
    cst.While,
    cst.IfExp,
    cst.BooleanOperation,
    cst.UnaryOperation,
    cst.Assert,
)


def _plain_os_error(name: str | None) -> bool:
    """An ``OSError`` class whose ``str()`` is its own ``[Errno N] text`` (not a wrapper's)."""
    return (
        name is not None
        and is_os_error(name)
        and (name.startswith("builtins.") or name.split(".")[0] in ("socket", "select", "os"))
    )


def _example(code: str) -> str:
    return f"try:\n    work()\nexcept OSError as e:\n    if {code}:\n        retry()\n"


class ErrorMessageMatch(Rule):
    """An error recognised by its message text instead of its class or errno.

    ## What it does
    Finds tests of an exception's text against a socket-error message:
    ``'Connection reset by peer' in str(e)``, ``'[Errno 104]' in repr(e)``,
    ``str(e).find('reset') != -1``, ``str(e).startswith(...)``,
    ``e.strerror == ...``, ``e.args[1] == ...``, ``os.strerror(e.errno) ==
    ...``, ``re.search('reset by peer', str(e))``, ``any(m in str(e) for m in
    (...))``, and the same on a variable copied from ``str(e)``.  Only texts of
    socket errors count: pieces of the messages Linux, macOS and (English)
    Windows print for the errors of the errno table, ``[Errno N]`` /
    ``[WinError N]`` with a number of the table, and, for an exception caught
    by an ``except`` clause naming ``OSError`` or one of its subclasses or
    aliases, a bare number (``'10054'``) or a single word such as ``'reset'``
    or ``'aborted'``.  ``'not found' in str(e)`` is not reported, nor is
    ``'reset' in str(e)`` under ``except Exception`` (a password reset?).

    ## Why is this bad?
    The text is not the error.  Linux says "Connection reset by peer", Windows
    "An existing connection was forcibly closed by the remote host" (in the
    user's language), and the number in ``[Errno 104]`` is 54 on macOS and
    10054 on Windows.  A test written against one platform's text silently
    fails everywhere else.

    ## Example
    ```python
    except OSError as e:
        if "Connection reset by peer" in str(e):
            reconnect()
    ```

    ## Use instead
    ```python
    except OSError as e:
        if isinstance(e, ConnectionResetError):
            reconnect()
    ```
    The class is preferred to ``e.errno == errno.ECONNRESET``: it works for
    whatever was caught (no ``AttributeError`` on an exception without
    ``errno``) and is what CPython raises on every platform.  For errors
    without a class of their own (``ENETUNREACH``) the errno test is used.

    ## Fix safety
    Unsafe, and offered only when the text is caught by an ``except`` clause
    of ``OSError`` or its builtin/``socket`` subclasses and aliases, and the
    text points at one class (or at errno names with no class).  The class
    test differs from the text test for an exception built by hand with
    another message, on Windows for text in another language (the point of
    the fix), and for ``BrokenPipeError``/``BlockingIOError``, which also
    cover ``ESHUTDOWN`` / ``EINPROGRESS`` and ``EALREADY``.  No fix for
    ``except Exception`` (a library wrapper's text may quote a reset it is
    not), for ambiguous text (``'reset'`` is also "Network dropped
    connection on reset"; ``'aborted'`` is also Windows' ``WinError 1236``
    and ``995``, which are plain ``OSError``), nor for a regular expression
    whose result is used as a match object.

    ## Known problems
    Messages are matched in English; a test against a translated Windows
    message is not recognised.  A text copied into a variable is followed
    only through a single plain assignment.
    """

    CODE = "NC004"
    NAME = "error-message-match"
    MESSAGE = (
        "Deciding on an error by its message ({needle!r}) is not portable: the text differs "
        "per OS and per Windows language; {advice}"
    )
    FIX_TITLE = "Test `{check}` instead of the message"
    FIX_SAFETY = "unsafe"
    REQUIRES_TEXT = _needles_for_prefilter()

    VALID = [
        Valid(_example("'not found' in str(e)"), id="not-a-socket-message"),
        Valid(_example("isinstance(e, ConnectionResetError)"), id="class-check"),
        Valid(
            "def log(message):\n    if 'reset by peer' in message:\n        pass\n",
            id="text-not-from-an-exception",
        ),
        Valid("if 'reset' in str(password_form):\n    pass\n", id="single-word-unknown-subject"),
        Valid(
            "try:\n    work()\nexcept Exception as e:\n    if 'aborted' in status:\n        pass\n",
            id="other-variable-in-handler",
        ),
        Valid(_example("'10054' in label"), id="number-not-in-error-text"),
        Valid(
            "try:\n    reset_password()\nexcept Exception as e:\n    if 'reset' in str(e):\n"
            "        pass\n",
            id="single-word-under-except-exception",
        ),
        Valid(_example("'32' in str(e)"), id="short-number"),
        Valid(_example("'123456789\u00b9\u00b2\u00b3' in str(e)"), id="unicode-digits"),
        Valid(_example("'Connection' in str(e)"), id="generic-word"),
        Valid(_example("'in use' in str(e)"), id="generic-piece"),
        Valid(_example("'reset the password' in str(e)"), id="not-a-piece-of-a-message"),
        Valid(_example("'[Errno 2]' in str(e)"), id="errno-number-not-in-table"),
        Valid(
            _example("str(data, 'utf-8') == 'Connection reset by peer'"), id="str-decoding-bytes"
        ),
        Valid(_example("b'reset by peer' in payload"), id="bytes"),
        Valid("print('Connection reset by peer')\n", id="message-printed"),
        Valid(
            "import logging\ntry:\n    work()\nexcept OSError as e:\n"
            "    logging.warning('Connection reset by peer: %s', e)\n",
            id="message-logged",
        ),
    ]
    INVALID = [
        Invalid(
            _example("'Connection reset by peer' in str(e)"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            message="use `isinstance(e, ConnectionResetError)`",
            id="reset-by-peer-in-str",
        ),
        Invalid(_example("'Connection reset by peer' in str(e)"), None, id="no-safe-fix"),
        Invalid(
            _example("'[Errno 104]' in repr(e)"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="errno-number-in-repr",
        ),
        Invalid(
            _example("str(e).find('reset') != -1"),
            None,
            unsafe=True,
            message="the exception class or errno it means (ECONNRESET, ENETRESET)",
            id="find-reset-ambiguous",
        ),
        Invalid(
            _example("str(e) == 'Connection reset by peer'"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="str-equals",
        ),
        Invalid(
            _example("e.strerror == 'Connection reset by peer'"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="strerror-equals",
        ),
        Invalid(
            _example("'10054' in str(e)"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="bare-winsock-number",
        ),
        Invalid(
            _example("e.args[1] == 'Connection reset by peer'"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="args-1",
        ),
        Invalid(
            _example("'forcibly closed' in str(e)"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="windows-forcibly-closed",
        ),
        Invalid(
            _example("'Broken pipe' in str(e)"),
            _example("isinstance(e, BrokenPipeError)"),
            unsafe=True,
            id="broken-pipe",
        ),
        Invalid(
            _example("'aborted' in str(e)"),
            None,
            unsafe=True,
            message="(ECONNABORTED, ERROR_CONNECTION_ABORTED, ERROR_OPERATION_ABORTED)",
            id="aborted-ambiguous-with-winerror",
        ),
        Invalid(
            _example("'aborted by the software' in str(e)"),
            _example("isinstance(e, ConnectionAbortedError)"),
            unsafe=True,
            id="windows-aborted-message",
        ),
        Invalid(
            _example("str(e).startswith('[Errno 32]')"),
            _example("isinstance(e, BrokenPipeError)"),
            unsafe=True,
            id="startswith",
        ),
        Invalid(
            "import re\n" + _example("re.search('reset by peer', str(e))"),
            "import re\n" + _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="re-search",
        ),
        Invalid(
            "import re\n"
            + _example(r"re.search(r'reset\s+by\s+peer|forcibly closed', str(e), re.I)"),
            "import re\n" + _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="re-search-alternatives",
        ),
        Invalid(
            "import re\ntry:\n    work()\nexcept OSError as e:\n"
            "    m = re.search('reset by peer', str(e))  # error\n",
            None,
            unsafe=True,
            id="re-search-match-object-no-fix",
        ),
        Invalid(
            "import re\n" + _example("re.match(r'.*(reset by peer|forcibly closed)', str(e))"),
            None,
            unsafe=True,
            message="('reset by peer')",
            id="re-match-with-syntax-no-fix",
        ),
        Invalid(
            "import os\n" + _example("os.strerror(e.errno) == 'Connection reset by peer'"),
            "import os\n" + _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="os-strerror",
        ),
        Invalid(
            _example("'Network is unreachable' in str(e)"),
            "import errno\n\n" + _example("e.errno == errno.ENETUNREACH"),
            unsafe=True,
            message="use `e.errno == errno.ENETUNREACH`",
            id="no-class-errno-check",
        ),
        Invalid(
            "import errno\n" + _example("'unreachable' not in str(e).lower()"),
            "import errno\n" + _example("e.errno not in (errno.EHOSTUNREACH, errno.ENETUNREACH)"),
            unsafe=True,
            id="two-errnos-negated",
        ),
        Invalid(
            _example("'reset by peer' not in str(e)"),
            _example("not isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="not-in",
        ),
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    reset = ('reset by peer' not in str(e)) == flag"
            "  # error\n",
            "try:\n    work()\nexcept OSError as e:\n"
            "    reset = (not isinstance(e, ConnectionResetError)) == flag  # error\n",
            unsafe=True,
            id="keeps-parentheses",
        ),
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    message = str(e)\n"
            "    if 'Connection reset by peer' in message:  # error\n        retry()\n",
            "try:\n    work()\nexcept OSError as e:\n    message = str(e)\n"
            "    if isinstance(e, ConnectionResetError):  # error\n        retry()\n",
            unsafe=True,
            id="through-a-variable",
        ),
        Invalid(
            _example("any(m in str(e) for m in ('reset by peer', 'forcibly closed'))"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="any-over-messages",
        ),
        Invalid(
            "RESETS = ('Connection reset by peer', 'forcibly closed')\n"
            + _example("any(text in str(e) for text in RESETS)"),
            "RESETS = ('Connection reset by peer', 'forcibly closed')\n"
            + _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="any-over-a-constant",
        ),
        Invalid(
            _example("str(e) in ('Connection reset by peer', 'Broken pipe')"),
            None,
            unsafe=True,
            id="two-classes-no-fix",
        ),
        Invalid(
            _example("'reset by peer' in str(e) or 'not found' in str(e)"),
            _example("isinstance(e, ConnectionResetError) or 'not found' in str(e)"),
            unsafe=True,
            id="only-the-socket-text",
        ),
        Invalid(
            "try:\n    work()\nexcept Exception as e:\n    if 'Connection reset by peer' in str(e):"
            "  # error\n        retry()\n",
            None,
            unsafe=True,
            message="use `isinstance(e, ConnectionResetError)`",
            id="except-exception-no-fix",
        ),
        Invalid(
            "import urllib.error\ntry:\n    work()\nexcept urllib.error.URLError as e:\n"
            "    if 'reset by peer' in str(e.reason):  # error\n        retry()\n",
            None,
            unsafe=True,
            id="wrapper-no-fix",
        ),
        Invalid(
            "import traceback\ntry:\n    work()\nexcept OSError:\n"
            "    if 'Connection reset by peer' in traceback.format_exc():  # error\n        retry()\n",
            None,
            unsafe=True,
            id="traceback-text",
        ),
        Invalid(
            "def is_reset(error):\n    return 'Connection reset by peer' in str(error)  # error\n",
            None,
            unsafe=True,
            id="unknown-subject-multi-word",
        ),
        Invalid(
            _example("'timed out' in str(e)"),
            None,
            unsafe=True,
            message="(ETIMEDOUT, socket.timeout)",
            id="timeout-ambiguous",
        ),
        Invalid(
            _example("'[WinError 64]' in str(e)"),
            None,
            unsafe=True,
            message="(ERROR_NETNAME_DELETED)",
            id="winerror-code",
        ),
        Invalid(
            _example("'Resource temporarily unavailable' in e.strerror"),
            _example("isinstance(e, BlockingIOError)"),
            unsafe=True,
            id="eagain-text",
        ),
        Invalid(
            _example("'RESET BY PEER' in str(e).upper()"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="upper-case",
        ),
        Invalid(
            _example("'Connection reset by peer' in f'{e}'"),
            _example("isinstance(e, ConnectionResetError)"),
            unsafe=True,
            id="f-string",
        ),
        Invalid(
            "ConnectionResetError = None\n" + _example("'reset by peer' in str(e)"),
            None,
            unsafe=True,
            id="class-name-shadowed-no-fix",
        ),
    ]

    @classmethod
    def text_gate(cls, text: str) -> bool:
        # The needles are common words ("reset", "down", "block"): only their
        # appearance in a string literal counts.
        if not cls.needles_in(text):
            return False
        return _literal_text_may_hold_needle(text)

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        # Any string may be a literal needle (through a name, too); only the
        # patterns of regular expression calls are read as regular expressions.
        strings = index.searched_strings
        patterns = strings if index.regex_pattern_names else index.regex_patterns
        return any(
            needle_keys(text, caught_os_error=True) for text in strings if "\n" not in text
        ) or any(_may_be_needle(text) for text in patterns if "\n" not in text)

    @classmethod
    def needs(cls, index: AstIndex) -> NodeTest | None:
        # A needle, or a name assigned one (``MESSAGES = ("reset by peer",)``).
        names = _needle_names(index.tree) if index.tree is not None else set()
        return lambda node: _is_needle(node) or (isinstance(node, ast.Name) and node.id in names)

    # -- where the text is tested --------------------------------------------
    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) != 1:
            return
        target = node.comparisons[0]
        left, op, right = node.left, target.operator, target.comparator
        if isinstance(op, (cst.In, cst.NotIn)):
            negated = isinstance(op, cst.NotIn)
            strings = _strings(self, left)
            text = self._error_text(right) if strings is not None else None
            if text is None and isinstance(right, (cst.Tuple, cst.List, cst.Set)):
                strings, text = _strings(self, right), self._error_text(left)
            if strings is not None and text is not None:
                self._found(node, text, strings, negated=negated, exact=True)
        elif isinstance(op, (cst.Equal, cst.NotEqual)):
            negated = isinstance(op, cst.NotEqual)
            for side, other in ((left, right), (right, left)):
                strings = _strings(self, side)
                if strings is not None and len(strings) == 1:
                    text = self._error_text(other)
                    if text is not None:
                        self._found(node, text, strings, negated=negated, exact=True)
                        return
            self._find_compared(node, left, op, right)
        else:
            self._find_compared(node, left, op, right)

    def _find_compared(
        self,
        node: cst.Comparison,
        left: cst.BaseExpression,
        op: cst.BaseCompOp,
        right: cst.BaseExpression,
    ) -> None:
        """``str(e).find('reset') != -1`` and its spellings."""
        if not (
            isinstance(left, cst.Call)
            and isinstance(left.func, cst.Attribute)
            and left.func.attr.value in ("find", "rfind")
            and left.args
        ):
            return
        text = self._error_text(left.func.value)
        strings = _strings(self, left.args[0].value)
        if text is None or strings is None:
            return
        value = _int_value(right)
        polarity: bool | None = None
        if (value == -1 and isinstance(op, (cst.NotEqual, cst.GreaterThan))) or (
            value == 0 and isinstance(op, cst.GreaterThanEqual)
        ):
            polarity = True
        elif (value == -1 and isinstance(op, (cst.Equal, cst.LessThanEqual))) or (
            value == 0 and isinstance(op, cst.LessThan)
        ):
            polarity = False
        self._found(node, text, strings, negated=polarity is False, exact=polarity is not None)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if isinstance(func, cst.Attribute) and func.attr.value in _SEARCH_METHODS and positional:
            text = self._error_text(func.value)
            strings = _strings(self, positional[0]) if text is not None else None
            if text is not None and strings is not None:
                self._found(node, text, strings, negated=False, exact=True)
            return
        if isinstance(func, cst.Name) and func.value == "any" and len(node.args) == 1:
            self._any(node, node.args[0].value)
            return
        if len(positional) >= 2 and self._qualified(func) & _REGEX_FUNCTIONS:
            pattern = _strings(self, positional[0])
            text = self._error_text(positional[1])
            if pattern is None or len(pattern) != 1 or text is None:
                return
            needles, exact = regex_needles(pattern[0])
            boolean = isinstance(
                self.get_metadata(ParentNodeProvider, node, None), _BOOLEAN_PARENTS
            )
            self._found(node, text, needles, negated=False, exact=exact and boolean)

    def _any(self, node: cst.Call, argument: cst.BaseExpression) -> None:
        """``any(m in str(e) for m in MESSAGES)``."""
        if not isinstance(argument, cst.GeneratorExp) or argument.for_in.inner_for_in is not None:
            return
        loop = argument.for_in
        element = argument.elt
        if (
            loop.ifs
            or not isinstance(loop.target, cst.Name)
            or not isinstance(element, cst.Comparison)
            or len(element.comparisons) != 1
            or not isinstance(element.comparisons[0].operator, cst.In)
            or not isinstance(element.left, cst.Name)
            or element.left.value != loop.target.value
        ):
            return
        text = self._error_text(element.comparisons[0].comparator)
        strings = _strings(self, loop.iter)
        if text is not None and strings is not None:
            self._found(node, text, strings, negated=False, exact=True)

    # -- the finding -----------------------------------------------------------
    def _found(
        self,
        node: cst.BaseExpression,
        text: _Text,
        needles: Sequence[str],
        *,
        negated: bool,
        exact: bool,
    ) -> None:
        subject = text.subject
        caught = subject is not None and self._caught_os_error(subject)
        per_needle = [needle_keys(needle, caught_os_error=caught) for needle in needles]
        reported = [needle for needle, keys in zip(needles, per_needle) if keys]
        if not reported:
            return
        keys = frozenset().union(*per_needle)
        check = portable_check(keys)
        spelled = code_of(subject) if subject is not None else "<the exception>"
        if check is not None:
            advice = f"use `{check.spelled(spelled)}`"
        else:
            names = ", ".join(sorted(keys, key=_table_order))
            advice = f"test the exception class or errno it means ({names}) instead"
        fix = None
        if exact and check is not None and len(reported) == len(needles):
            fix = self._fix(node, subject, check, negated=negated)
        message = self.MESSAGE.format(needle=reported[0], advice=advice)
        self.report(node, message, fix=fix)

    def _fix(
        self,
        node: cst.BaseExpression,
        subject: cst.BaseExpression | None,
        check: Check,
        *,
        negated: bool,
    ) -> Fix | None:
        if not isinstance(subject, cst.Name):
            return None
        handler = binding_handler(self, subject)
        if handler is None or not all(_plain_os_error(t) for t in handler_types(self, handler)):
            return None
        imports: tuple[ImportSpec, ...] = ()
        replacement: cst.BaseExpression
        if check.exception is not None:
            if not self._builtin(node, check.exception):
                return None
            replacement = cst.Call(
                cst.Name("isinstance"),
                [cst.Arg(cst.Name(subject.value)), cst.Arg(cst.Name(check.exception))],
            )
            if negated:
                replacement = cst.UnaryOperation(cst.Not(), replacement)
        else:
            reference = module_reference(self, node, "errno")
            if reference is None:
                return None
            prefix, needs_import = reference
            imports = (ImportSpec("errno"),) if needs_import else ()
            values = [attribute_chain(f"{prefix}.{name}") for name in check.errnos]
            errno_read = cst.Attribute(cst.Name(subject.value), cst.Name("errno"))
            if len(values) == 1:
                op: cst.BaseCompOp = cst.NotEqual() if negated else cst.Equal()
                compared: cst.BaseExpression = values[0]
            else:
                op = cst.NotIn() if negated else cst.In()
                compared = cst.Tuple([cst.Element(v) for v in values])
            replacement = cst.Comparison(errno_read, [cst.ComparisonTarget(op, compared)])
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if negated and not node.lpar and not isinstance(parent, (*_BOOLEAN_PARENTS, cst.Return)):
            replacement = replacement.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        else:
            replacement = replacement.with_changes(lpar=node.lpar, rpar=node.rpar)
        title = self.FIX_TITLE.format(check=check.spelled(subject.value))
        return Fix(replacement, "unsafe", title, imports=imports)

    # -- what the text comes from ------------------------------------------------
    def _error_text(self, node: cst.BaseExpression, depth: int = 0) -> _Text | None:
        """The exception whose text ``node`` is, if it is an error's text."""
        if depth > 3:
            return None
        if isinstance(node, cst.Call):
            return self._text_call(node, depth)
        if isinstance(node, cst.Attribute) and node.attr.value in _TEXT_ATTRIBUTES:
            return _Text(node.value)
        if (
            isinstance(node, cst.Subscript)
            and isinstance(node.value, cst.Attribute)
            and node.value.attr.value == "args"
        ):
            return _Text(node.value.value)
        if isinstance(node, cst.FormattedString):
            parts = [p for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
            return _Text(parts[0].expression) if len(parts) == 1 else None
        if isinstance(node, cst.Name):
            value = self._single_value(node)
            return None if value is None else self._error_text(value, depth + 1)
        return None

    def _text_call(self, node: cst.Call, depth: int) -> _Text | None:
        func = node.func
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if isinstance(func, cst.Name) and func.value in _TEXT_BUILTINS:
            if len(node.args) != 1 or len(positional) != 1 or not self._builtin(func, func.value):
                return None
            subject = positional[0]
            if isinstance(subject, cst.Attribute) and subject.attr.value == "args":
                subject = subject.value
            return _Text(subject)
        if isinstance(func, cst.Attribute):
            if func.attr.value in _CASE_METHODS:
                return self._error_text(func.value, depth + 1)
            if func.attr.value == "__str__" and not node.args:
                return _Text(func.value)
        qualified = self._qualified(func)
        if qualified & _TRACEBACK_FUNCTIONS:
            return _Text(None)
        if "os.strerror" in qualified and len(positional) == 1:
            number = positional[0]
            if isinstance(number, cst.Attribute) and number.attr.value == "errno":
                return _Text(number.value)
            return _Text(None)
        return None

    def _caught_os_error(self, subject: cst.BaseExpression) -> bool:
        """Whether ``subject`` is bound by an ``except`` clause naming an ``OSError`` class."""
        if not isinstance(subject, cst.Name):
            return False
        handler = binding_handler(self, subject)
        return handler is not None and any(
            t is not None and is_os_error(t) for t in handler_types(self, handler)
        )

    def _single_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value of ``name`` when one plain assignment binds it."""
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        bindings = list(scope[name.value])
        if len(bindings) != 1 or not isinstance(bindings[0], Assignment):
            return None
        target = self.get_metadata(ParentNodeProvider, bindings[0].node, None)
        if not isinstance(target, cst.AssignTarget):
            return None
        statement = self.get_metadata(ParentNodeProvider, target, None)
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement.value
        return None

    def _qualified(self, node: cst.BaseExpression) -> set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def _builtin(self, node: cst.CSTNode, name: str) -> bool:
        scope = self.get_metadata(ScopeProvider, node, None)
        return scope is not None and all(
            isinstance(binding, BuiltinAssignment) for binding in scope[name]
        )


def _strings(rule: ErrorMessageMatch, node: cst.BaseExpression, depth: int = 0) -> list[str] | None:
    """The string constants ``node`` is (a literal, a tuple of them, a constant's name)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        # A message is one line: a string holding a line break is some other text.
        return [value] if isinstance(value, str) and "\n" not in value else None
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        found: list[str] = []
        for element in node.elements:
            if not isinstance(element, cst.Element):
                return None
            strings = _strings(rule, element.value, depth + 1)
            if strings is None or len(strings) != 1:
                return None
            found.extend(strings)
        return found or None
    if isinstance(node, cst.Name) and depth == 0:
        assigned = rule._single_value(node)
        return None if assigned is None else _strings(rule, assigned, depth + 1)
    return None


def _int_value(node: cst.BaseExpression) -> int | None:
    if isinstance(node, cst.Integer):
        value = node.evaluated_value
        return value if isinstance(value, int) else None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _int_value(node.expression)
        return None if inner is None else -inner
    return None


def _table_order(key: str) -> tuple[int, str]:
    names = [f.name for f in ERRNO_FACTS] + [w.name for w in WINERROR_FACTS]
    return (names.index(key) if key in names else len(names), key)


def _is_needle(node: ast.AST) -> bool:
    """A string constant that may be a needle (read as a regular expression too)."""
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "\n" not in node.value
        and _may_be_needle(node.value)
    )


def _needle_names(tree: ast.AST) -> set[str]:
    """The names some assignment gives a value holding a needle."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(_is_needle(part) for part in ast.walk(value)):
            names.update(
                t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)
            )
    return names
