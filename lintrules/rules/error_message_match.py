"""NC004 error-message-match."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from netcompat.errno_table import (
    BY_NAME,
    ERRNO_FACTS,
    ERRNO_TEXTS,
    MESSAGE_TEXTS,
    WINERROR_FACTS,
    WINERROR_NAMES,
    all_numbers,
    meanings,
)

from ..analysis.errno_reads import is_exc_info_value, looks_like_exception, module_reference
from ..analysis.exceptions import binding_handler, handler_types, is_os_error
from ..analysis.model import Binding, Model
from ..fixing.exception_fixes import expression_in_parentheses_of
from ..rule import Fix, ImportSpec, Invalid, Rule, Valid

# -- the messages ------------------------------------------------------------------

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


def _messages() -> frozenset[tuple[str, str]]:
    """Every (normalized message, table key) pair: what each platform prints for each row.

    Texts CPython writes itself (``MESSAGE_TEXTS`` rows by ``"cpython"``)
    are left out: they are :data:`CPYTHON_MESSAGES`.
    """
    texts: list[tuple[str, str]] = [
        *((f.name, _first_clause(f.description)) for f in ERRNO_FACTS if f.description),
        *((t.name, text) for t in ERRNO_TEXTS for text in (t.linux, t.darwin, t.freebsd, t.win32)),
        *((w.name, _first_clause(w.description)) for w in WINERROR_FACTS),
        *((w.name, w.message) for w in WINERROR_FACTS if w.message),
        *((m.key, m.text) for m in MESSAGE_TEXTS if m.writer != "cpython"),
    ]
    return frozenset((_normalize(text), key) for key, text in texts)


#: Every (normalized message, table key) pair of an OS's text.
MESSAGES: frozenset[tuple[str, str]] = _messages()
#: The texts CPython writes itself (``"timed out"``): the same on every OS and language.
CPYTHON_MESSAGES: frozenset[str] = frozenset(
    _normalize(m.text) for m in MESSAGE_TEXTS if m.writer == "cpython"
)

#: ``[Errno 104]``, ``[WinError 10054]``: how ``str()`` of an ``OSError`` begins;
#: also without the brackets (``errno 104``), as searched for in lowered text.
_ERRNO_PIECE = re.compile(r"(?i)^(?:\[(?:errno|winerror) [0-9]+\]|(?:errno|winerror) [0-9]+)$")
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
    codes = all_numbers() | WINERROR_NAMES.keys()
    numbers = sorted({str(n) for n in codes if n >= 100}, key=lambda s: (len(s), s))
    for number in numbers:
        if not any(shorter in number for shorter in found if _NUMBER.fullmatch(shorter)):
            found[number] = None
    return tuple(found)


def _number_keys(number: int, kind: str | None) -> frozenset[str]:
    """Table keys ``number`` stands for: after ``[Errno``, ``[WinError`` or alone (None)."""
    keys: set[str] = set()
    if kind in (None, "errno"):
        keys.update(name for names in meanings(number).values() for name in names)
    if kind in (None, "winerror"):
        keys.update(f.name for f in ERRNO_FACTS if f.wsa == number)
        if number in WINERROR_NAMES:
            keys.add(WINERROR_NAMES[number])
    return frozenset(keys)


@lru_cache(maxsize=1024)
def needle_keys(needle: str, *, caught_os_error: bool) -> frozenset[str]:
    """The table keys a searched-for text points at (empty: not a socket-error message).

    ``"[Errno 104]"`` and ``"[WinError 10054]"`` point at the rows with that
    number; a bare number of three digits or more too, but only in the text
    of an exception caught as an ``OSError`` (``caught_os_error``).  Other
    text must hold one of :data:`SIGNALS` and be a piece (whole words) of a
    known message, and no piece of a text CPython writes itself
    (:data:`CPYTHON_MESSAGES`); a single word counts only in a caught
    ``OSError``'s text.
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
    if any(piece.search(message) for message in CPYTHON_MESSAGES):
        return frozenset()  # CPython's own text: the same everywhere
    return frozenset(key for message, key in MESSAGES if piece.search(message))


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


# -- the portable check a set of rows allows ------------------------------------


class Check(NamedTuple):
    """The portable test a text match stands for: a class, or errno names."""

    exception: str | None
    errnos: tuple[str, ...]

    def spelled(self, subject: str, module: str = "errno") -> str:
        if self.exception is not None:
            return f"isinstance({subject}, {self.exception})"
        names = [f"{module}.{name}" for name in self.errnos]
        if len(names) == 1:
            return f"{subject}.errno == {names[0]}"
        return f"{subject}.errno in ({', '.join(names)})"


def portable_check(keys: frozenset[str]) -> Check | None:
    """The one check ``keys`` allow, or None when they are ambiguous.

    All rows raising one PEP 3151 class give that class (``ECONNRESET`` ->
    ``ConnectionResetError``; ``EAGAIN`` and ``EWOULDBLOCK`` ->
    ``BlockingIOError``); rows with no class give their errno names.  A mix,
    two classes or a ``winerror`` row give None.
    """
    if not keys or any(key not in BY_NAME for key in keys):
        return None
    classes = {BY_NAME[key].exception for key in keys}
    if len(classes) == 1:
        (exception,) = classes
        ordered = tuple(f.name for f in ERRNO_FACTS if f.name in keys)
        return Check(exception, ()) if exception is not None else Check(None, ordered)
    return None


# -- the rule ------------------------------------------------------------------------


class _Text(NamedTuple):
    """An expression holding an error's text, and the exception it comes from."""

    subject: ast.expr | None


_CASE_METHODS = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip"})
_TEXT_BUILTINS = frozenset({"str", "repr", "format"})
_TEXT_ATTRIBUTES = frozenset({"strerror", "message", "args"})
_TRACEBACK_FUNCTIONS = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_exception_only"}
)
_REGEX_FUNCTIONS = frozenset({"re.search", "re.match", "re.fullmatch", "re.findall"})
_SEARCH_METHODS = frozenset({"startswith", "endswith", "__contains__"})
#: Where a test stands as a condition: a negated replacement needs no parentheses.
_BOOLEAN_PARENTS = (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.UnaryOp, ast.Assert)


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
    ...``, ``re.search('reset by peer', str(e))``, and the same on a copy of
    the text (``t = str(e)``, ``repr(e)``, ``'failed: %s' % e``,
    ``'{}: {}'.format(host, e)``, ``f"{host}: {e}"``, ``'x' + str(e)``) and
    with messages tried one by one (``any(m in str(e) for m in (...))``, a
    list comprehension, ``filter``/``map`` with a lambda, a ``for`` loop over
    them or over the keys of a dict of them).  Only texts of socket errors count: pieces of the messages Linux,
    macOS and (English) Windows print for the errors of the errno table,
    ``[Errno N]`` / ``[WinError N]`` with a number of the table, and, for an
    exception caught by an ``except`` clause naming ``OSError`` or one of
    its subclasses or aliases, a bare number (``'10054'``) or a single word
    such as ``'reset'`` or ``'aborted'``.  ``'[Errno 104]'`` and
    ``'[WinError 10054]'`` are how ``str()`` of an ``OSError`` begins, so
    they are reported in any text, even one whose origin is not seen (a
    parameter ``error_str``), also without the brackets (``'errno 104' in
    err.lower()``).  ``'not found' in str(e)`` is not
    reported, nor is ``'reset' in str(e)`` under ``except Exception`` (a
    password reset?), nor a piece of a text CPython writes itself, the same
    on every OS and in every language (``'timed out'``, ``'The read
    operation timed out'`` and the other ``ssl`` timeouts: the errno table's
    ``MESSAGE_TEXTS`` by ``"cpython"``).

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
    whose result is used as a match object, nor for messages tried one by
    one through a loop, a comprehension or a lambda (but ``any(m in str(e)
    for m in (...))``, which is one test).

    ## Known problems
    Messages are matched in English; a test against a translated Windows
    message is not recognised.  A copy of the text is followed through
    names assigned once; in a text formatted from several values, the one
    bound by ``except`` (or read like an exception, ``err``) is taken as the
    error.  ``'timed out'`` is also a piece of ``ETIMEDOUT``'s text on Linux
    and macOS ("Connection timed out"), which Windows words otherwise: it is
    taken as CPython's own timeout text and not reported.  When the text's
    object is not known to be an exception (a parameter ``message``, a
    name saying text such as ``error_str`` or ``err_msg``, a string), the
    advice names the exception the text comes from, never ``isinstance`` of
    the text.
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
        Valid(_example("'timed out' in str(e)"), id="cpython-own-timeout-text"),
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
            "def refused(message):\n    text = str(message)\n"
            "    return 'Connection refused' in text  # error\n",
            None,
            message=(
                "use `isinstance(<the exception>, ConnectionRefusedError)` on the exception the "
                "text comes from"
            ),
            id="text-of-a-string-is-not-the-exception",
        ),
    ]

    # -- where the text is tested --------------------------------------------
    def visit_Compare(self, node: ast.Compare) -> None:
        if len(node.ops) != 1:
            return
        left, op, right = node.left, node.ops[0], node.comparators[0]
        if isinstance(op, (ast.In, ast.NotIn)):
            if self._in_any(node):
                return
            negated = isinstance(op, ast.NotIn)
            strings = self._strings(left)
            text = self._error_text(right) if strings is not None else None
            exact = not self._loop_variable(left)
            if text is None and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
                strings, text = self._strings(right), self._error_text(left)
                exact = True
            if text is None and strings and all(_ERRNO_PIECE.match(n.strip()) for n in strings):
                # ``'[Errno 104]' in message``, ``'errno 104' in err.lower()``: only an
                # OSError's text reads so, whatever holds it.  That is a text (``in``
                # works on it), so the exception it comes from is not in sight.
                source = right
                while (
                    isinstance(source, ast.Call)
                    and isinstance(source.func, ast.Attribute)
                    and source.func.attr in _CASE_METHODS
                    and not (source.args or source.keywords)
                ):
                    source = source.func.value
                if isinstance(source, (ast.Name, ast.Attribute)):
                    text = _Text(None)
            if strings is not None and text is not None:
                self._found(node, text, strings, negated=negated, exact=exact)
        elif isinstance(op, (ast.Eq, ast.NotEq)):
            negated = isinstance(op, ast.NotEq)
            for side, other in ((left, right), (right, left)):
                strings = self._strings(side)
                if strings is not None and len(strings) == 1:
                    text = self._error_text(other)
                    if text is not None:
                        self._found(node, text, strings, negated=negated, exact=True)
                        return
            self._find_compared(node, left, op, right)
        else:
            self._find_compared(node, left, op, right)

    def _loop_variable(self, node: ast.expr) -> bool:
        """Whether ``node`` is a name that runs over several strings (no one-node fix then)."""
        return isinstance(node, ast.Name) and self._iterated(node) is not None

    def _find_compared(
        self, node: ast.Compare, left: ast.expr, op: ast.cmpop, right: ast.expr
    ) -> None:
        """``str(e).find('reset') != -1`` and its spellings."""
        if not (
            isinstance(left, ast.Call)
            and isinstance(left.func, ast.Attribute)
            and left.func.attr in ("find", "rfind")
            and (left.args or left.keywords)
        ):
            return
        text = self._error_text(left.func.value)
        first = left.args[0] if left.args else left.keywords[0].value
        strings = self._strings(first.value if isinstance(first, ast.Starred) else first)
        if text is None or strings is None:
            return
        value = _int_value(right)
        polarity: bool | None = None
        if (value == -1 and isinstance(op, (ast.NotEq, ast.Gt))) or (
            value == 0 and isinstance(op, ast.GtE)
        ):
            polarity = True
        elif (value == -1 and isinstance(op, (ast.Eq, ast.LtE))) or (
            value == 0 and isinstance(op, ast.Lt)
        ):
            polarity = False
        exact = polarity is not None and not self._loop_variable(first)
        self._found(node, text, strings, negated=polarity is False, exact=exact)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if isinstance(func, ast.Attribute) and func.attr in _SEARCH_METHODS and positional:
            text = self._error_text(func.value)
            strings = self._strings(positional[0]) if text is not None else None
            if text is not None and strings is not None:
                exact = not self._loop_variable(positional[0])
                self._found(node, text, strings, negated=False, exact=exact)
            return
        if (
            isinstance(func, ast.Name)
            and func.id == "any"
            and len(node.args) + len(node.keywords) == 1
        ):
            argument = node.args[0] if node.args else node.keywords[0].value
            self._any(node, argument)
            return
        if len(positional) >= 2 and self._qualified(func) & _REGEX_FUNCTIONS:
            pattern = self._strings(positional[0])
            text = self._error_text(positional[1])
            if pattern is None or len(pattern) != 1 or text is None:
                return
            needles, exact = regex_needles(pattern[0])
            boolean = isinstance(self.model.parent(node), _BOOLEAN_PARENTS)
            self._found(node, text, needles, negated=False, exact=exact and boolean)

    def _any(self, node: ast.Call, argument: ast.expr) -> None:
        """``any(m in str(e) for m in MESSAGES)``."""
        if not isinstance(argument, ast.GeneratorExp) or len(argument.generators) != 1:
            return
        loop = argument.generators[0]
        element = argument.elt
        if (
            loop.ifs
            or not isinstance(loop.target, ast.Name)
            or not isinstance(element, ast.Compare)
            or len(element.ops) != 1
            or not isinstance(element.ops[0], ast.In)
            or not isinstance(element.left, ast.Name)
            or element.left.id != loop.target.id
        ):
            return
        text = self._error_text(element.comparators[0])
        strings = self._strings(loop.iter)
        if text is not None and strings is not None:
            self._found(node, text, strings, negated=False, exact=True)

    # -- the finding -----------------------------------------------------------
    def _found(
        self,
        node: ast.expr,
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
        if self._subject_kind(subject) == "exception":
            assert subject is not None
            spelled = _written(self.model, subject)
        else:
            spelled = "<the exception>"
        if check is not None:
            advice = f"use `{check.spelled(spelled)}`"
            if subject is not None and spelled == "<the exception>":
                advice += " on the exception the text comes from"
        else:
            names = ", ".join(sorted(keys, key=_table_order))
            advice = f"test the exception class or errno it means ({names}) instead"
        fix = None
        if exact and check is not None and len(reported) == len(needles):
            fix = self._fix(node, subject, check, negated=negated)
        message = self.MESSAGE.format(needle=reported[0], advice=advice)
        self.report(node, message, fix=fix)

    def _fix(
        self, node: ast.expr, subject: ast.expr | None, check: Check, *, negated: bool
    ) -> Fix | None:
        """The portable test in place of ``node``, for an exception caught as a plain ``OSError``."""
        if not isinstance(subject, ast.Name):
            return None
        handler = binding_handler(self.model, subject)
        if handler is None or not all(
            _plain_os_error(t) for t in handler_types(self.model, handler)
        ):
            return None
        imports: tuple[ImportSpec, ...] = ()
        if check.exception is not None:
            if self.model.scope_of(node).lookup(check.exception):
                return None  # the class name is not the builtin here
            replacement = check.spelled(subject.id)
        else:
            reference = module_reference(self.model, node, "errno")
            if reference is None:
                return None
            prefix, needs_import = reference
            imports = (ImportSpec("errno"),) if needs_import else ()
            replacement = check.spelled(subject.id, prefix)
        if negated:
            replacement = _negated(replacement)
        parenthesize = negated and not isinstance(
            self.model.parent(node), (*_BOOLEAN_PARENTS, ast.Return)
        )
        title = self.FIX_TITLE.format(check=check.spelled(subject.id))
        return Fix(
            expression_in_parentheses_of(replacement, parenthesize=parenthesize),
            "unsafe",
            title,
            imports=imports,
        )

    # -- what the text comes from ------------------------------------------------
    def _error_text(self, node: ast.expr, depth: int = 0) -> _Text | None:
        """The exception whose text ``node`` is, if it is an error's text.

        Followed through copies: ``str(x)``/``repr(x)`` of a text, a name
        assigned once, ``%`` and ``.format()`` formatting, f-strings and
        ``+``; in a formatted text, the value that is an exception (or the
        only value) is the one whose text it holds.
        """
        if depth > 4:
            return None
        if isinstance(node, ast.Call):
            return self._text_call(node, depth)
        if isinstance(node, ast.Attribute) and node.attr in _TEXT_ATTRIBUTES:
            return _Text(node.value)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "args"
        ):
            return _Text(node.value.value)
        if isinstance(node, ast.JoinedStr):
            parts = [p.value for p in node.values if isinstance(p, ast.FormattedValue)]
            return self._formatted(parts, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_text(node.left):
            values = node.right
            if isinstance(values, ast.Dict):
                return self._formatted([v for v in values.values if v is not None], depth)
            parts = list(values.elts) if isinstance(values, ast.Tuple) else [values]
            return self._formatted(parts, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._formatted([node.left, node.right], depth, objects=False)
        if isinstance(node, ast.Name):
            value = self.model.assigned_value(node)
            return None if value is None else self._error_text(value, depth + 1)
        return None

    def _formatted(
        self, parts: list[ast.expr], depth: int, *, objects: bool = True
    ) -> _Text | None:
        """The error text among the values formatted into a text.

        A value that is an error's text counts, and with ``objects`` (not for
        ``+``) a value that is an exception; the exception bound by an
        ``except`` clause first.  Failing those, the only value formatted.
        """
        found: list[_Text] = []
        for part in parts:
            if isinstance(part, ast.Starred):
                return None
            text = self._error_text(part, depth + 1)
            if text is not None:
                found.append(text)
            elif objects and self._subject_kind(part) == "exception":
                found.append(_Text(part))
        if found:
            caught = [t for t in found if self._subject_kind(t.subject) == "exception"]
            return (caught or found)[0]
        if objects and len(parts) == 1 and not _is_text(parts[0]):
            return _Text(parts[0])
        return None

    def _text_call(self, node: ast.Call, depth: int) -> _Text | None:
        func = node.func
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if isinstance(func, ast.Name) and func.id in _TEXT_BUILTINS:
            if len(node.args) + len(node.keywords) != 1 or len(positional) != 1:
                return None
            if self.model.lookup(func):
                return None  # not the builtin
            subject = positional[0]
            if isinstance(subject, ast.Attribute) and subject.attr == "args":
                subject = subject.value
            inner = self._error_text(subject, depth + 1)
            return inner if inner is not None else _Text(subject)
        if isinstance(func, ast.Attribute):
            if func.attr in _CASE_METHODS:
                return self._error_text(func.value, depth + 1)
            if func.attr == "__str__" and not (node.args or node.keywords):
                return _Text(func.value)
            if func.attr == "format" and _is_text(func.value):
                values = [*node.args, *(k.value for k in node.keywords if k.arg is not None)]
                return self._formatted(values, depth)
        qualified = self._qualified(func)
        if qualified & _TRACEBACK_FUNCTIONS:
            return _Text(None)
        if "os.strerror" in qualified and len(positional) == 1:
            number = positional[0]
            if isinstance(number, ast.Attribute) and number.attr == "errno":
                return _Text(number.value)
            return _Text(None)
        return None

    def _subject_kind(self, subject: ast.expr | None) -> str:
        """``"exception"``, ``"text"`` or ``"unknown"``: what the object a text comes from is.

        An exception: bound by ``except``, ``sys.exc_info()[1]`` (or a name
        assigned it), or a name that reads like one (``e``, ``exc``,
        ``err``).  A text: a string, a name annotated ``str`` or assigned a
        text.  A ``str`` is never told to be ``isinstance`` of an error class.
        """
        model = self.model
        if subject is None:
            return "unknown"
        if _is_text(subject):
            return "text"
        if is_exc_info_value(model, subject):
            return "exception"
        if isinstance(subject, ast.Attribute):
            return "exception" if looks_like_exception(subject.attr) else "unknown"
        if not isinstance(subject, ast.Name):
            return "unknown"
        if model.binding_handler(subject) is not None:
            return "exception"
        value = self.model.assigned_value(subject)
        if value is not None:
            if is_exc_info_value(model, value):
                return "exception"
            if _is_text(value) or self._error_text(value, 1) is not None:
                return "text"
        bindings = model.value_bindings(subject)
        if len(bindings) == 1 and isinstance(bindings[0].node, ast.arg):
            annotation = bindings[0].node.annotation
            if isinstance(annotation, ast.Name) and annotation.id in ("str", "bytes"):
                return "text"
        if _TEXT_WORDS & set(subject.id.lower().split("_")):
            return "text"  # ``error_str``, ``err_msg``
        return "exception" if looks_like_exception(subject.id) else "unknown"

    def _caught_os_error(self, subject: ast.expr) -> bool:
        """Whether ``subject`` is bound by an ``except`` clause naming an ``OSError`` class."""
        if not isinstance(subject, ast.Name):
            return False
        handler = binding_handler(self.model, subject)
        return handler is not None and any(
            t is not None and is_os_error(t) for t in handler_types(self.model, handler)
        )

    def _strings(self, node: ast.expr, depth: int = 0) -> list[str] | None:
        """The string constants ``node`` is (a literal, a tuple of them, a constant's
        name; the keys of a dict, which a loop over it or its ``keys()`` runs over)."""
        if isinstance(node, ast.Constant):
            value = node.value
            # A message is one line: a string holding a line break is some other text.
            return [value] if isinstance(value, str) and "\n" not in value else None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "keys"
            and not (node.args or node.keywords)
        ):
            return self._strings(node.func.value, depth)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            found: list[str] = []
            elements = node.keys if isinstance(node, ast.Dict) else node.elts
            if any(element is None for element in elements):
                return None  # ``{**other}``: not all of them known
            for element in elements:
                assert element is not None
                strings = self._strings(element, depth + 1)
                if strings is None or len(strings) != 1:
                    return None
                found.extend(strings)
            return found or None
        if isinstance(node, ast.Name) and depth <= 1:
            assigned = self.model.assigned_value(node)
            if assigned is not None:
                return self._strings(assigned, depth + 1)
            iterable = self._iterated(node) if depth == 0 else None
            return None if iterable is None else self._strings(iterable, depth + 1)
        return None

    def _iterated(self, name: ast.Name) -> ast.expr | None:
        """What a loop variable runs over: ``for m in MESSAGES``, a comprehension's ``for``,
        or the one parameter of a lambda given to ``map``/``filter`` (``filter(lambda m:
        m in str(e), MESSAGES)``)."""
        model = self.model
        bindings = model.value_bindings(name)
        if len(bindings) > 1:
            return self._enclosing_loop(name, bindings)
        if not bindings:
            return None
        bound = bindings[0].node
        holder = model.parent(bound)
        if bindings[0].kind == "for" and isinstance(holder, (ast.For, ast.comprehension)):
            return holder.iter if holder.target is bound else None
        if not isinstance(bound, ast.arg) or not isinstance(holder, ast.arguments):
            return None
        function = model.parent(holder)
        call = model.parent(function) if isinstance(function, ast.Lambda) else None
        if (
            not isinstance(call, ast.Call)
            or len(_parameters(holder)) != 1
            or not isinstance(call.func, ast.Name)
            or call.func.id not in ("map", "filter")
            or model.lookup(call.func)
            or len(call.args) != 2
            or call.args[0] is not function
        ):
            return None
        return call.args[1]

    def _enclosing_loop(self, name: ast.Name, bindings: Sequence[Binding]) -> ast.expr | None:
        """What the ``for`` loop around ``name`` runs over, when the name is
        bound by other loops of the function too but by nothing inside this one."""
        model = self.model
        loop = next(
            (
                a
                for a in model.ancestors(name)
                if isinstance(a, (ast.For, ast.AsyncFor))
                and isinstance(a.target, ast.Name)
                and a.target.id == name.id
            ),
            None,
        )
        if loop is None:
            return None
        ancestors = {id(a) for a in model.ancestors(name)}
        if not any(id(statement) in ancestors for statement in loop.body):
            return None  # in the loop's iterable or its ``else``
        inside = [
            b
            for b in bindings
            if b.node is not loop.target and any(a is loop for a in model.ancestors(b.node))
        ]
        return None if inside else loop.iter

    def _in_any(self, node: ast.Compare) -> bool:
        """Whether ``node`` is ``m in str(e)`` of ``any(m in str(e) for m in ...)``, which :meth:`_any` reports."""
        generator = self.model.parent(node)
        call = self.model.parent(generator) if generator is not None else None
        return (
            isinstance(generator, ast.GeneratorExp)
            and generator.elt is node
            and isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "any"
            and len(call.args) + len(call.keywords) == 1
            and len(generator.generators) == 1
            and not generator.generators[0].ifs
        )

    def _qualified(self, node: ast.expr) -> set[str]:
        return {q.name for q in self.model.qualified_names(node)}


#: Words of a name that say it holds a text (``error_str``, ``err_msg``, ``error_message``).
_TEXT_WORDS = frozenset({"str", "string", "text", "msg", "message", "messages", "line", "output"})
#: Methods that give a text.
_TEXT_METHODS = frozenset({"format", "join", "decode", *_CASE_METHODS})


def _is_text(node: ast.AST) -> bool:
    """Whether ``node`` is a text by its form: a string, an f-string, ``"..." % x``, ``str(x)``, ``"".join()``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _is_text(node.left) or (isinstance(node.op, ast.Add) and _is_text(node.right))
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in _TEXT_BUILTINS
        return (
            isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS and _is_text(func.value)
        )
    return False


def _parameters(arguments: ast.arguments) -> list[ast.arg]:
    return [
        *arguments.posonlyargs,
        *arguments.args,
        *([arguments.vararg] if arguments.vararg else []),
        *arguments.kwonlyargs,
        *([arguments.kwarg] if arguments.kwarg else []),
    ]


def _negated(test: str) -> str:
    """``not`` of a test :meth:`Check.spelled` wrote: ``not isinstance(...)``, ``!=``, ``not in``."""
    if test.startswith("isinstance("):
        return f"not {test}"
    return test.replace(".errno == ", ".errno != ", 1).replace(".errno in ", ".errno not in ", 1)


def _int_value(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int_value(node.operand)
        return None if inner is None else -inner
    return None


_TABLE_ORDER = [f.name for f in ERRNO_FACTS] + [w.name for w in WINERROR_FACTS]


def _table_order(key: str) -> tuple[int, str]:
    order = _TABLE_ORDER
    return (order.index(key) if key in order else len(order), key)


def _written(model: Model, node: ast.expr) -> str:
    """``node`` as written, with the parentheses of its own: ``(e)`` in ``str((e))``."""
    parent = model.parent(node)
    if isinstance(parent, (ast.Attribute, ast.Subscript)):
        start = model.span(parent)  # ``(e).strerror``: the value starts the parent
        return model.written(node, (start.line, start.column))
    if isinstance(parent, ast.Call) and node is not parent.func:
        func = model.span(parent.func)  # ``str((e))``: after the call's own parenthesis
        line, column = func.end_line, func.end_column
        while line <= len(model.source.lines):
            text = model.source.line(line)
            found = text.find("(", column)
            if found >= 0:
                return model.written(node, (line, found + 1))
            line, column = line + 1, 0
    return model.segment(node)
