"""NC003 winerror-attribute."""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from netcompat.errno_table import WSA_EQUAL_ON_WINDOWS, WSA_NAMES

from ..analysis.errno_reads import errno_name_of, errno_writer, int_literal
from ..analysis.exceptions import catches, class_of, handler_types, is_os_error
from ..analysis.guards import (
    WINDOWS_ONLY_MODULES,
    guarded_against,
    mentions_platform,
    named_for_windows,
    platform_guarded,
    runs_only_on_windows,
    windows_module_tested,
    windows_only_file,
)
from ..analysis.model import Model
from ..fixing.errno_fixes import winerror_compare_rewritten
from ..fixing.getattr import default_added, getattr_read
from ..rule import Fix, Invalid, Rule, Valid

__all__ = ["WINDOWS_ONLY_MODULES", "WinerrorAttribute"]

_OSERROR = "builtins.OSError"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
Position = tuple[int, int]


class WinerrorAttribute(Rule):
    """``X.winerror`` read where ``X`` may be an exception, without a guard.

    ## What it does
    Finds reads of the ``winerror`` attribute of something that may be an
    exception (a name bound by an ``except`` clause, a parameter, anything
    whose type the rule cannot see), and ``getattr(X, "winerror")`` without a
    default, when no guard protects them.  A guard is ``hasattr(X,
    "winerror")`` (in an enclosing ``if``, on the left of an ``and``, or
    earlier in the same function; ``not hasattr(X, "winerror") or ...``),
    a platform check (``sys.platform``, ``os.name``, an ``IS_WINDOWS``
    flag; an earlier ``if sys.platform != "win32": return`` or ``assert
    sys.platform == "win32"``), a ``try`` that catches ``AttributeError``,
    or code that runs only on Windows:

    - a file that says so: its name (``_io_windows.py``,
      ``windows_events.py``, ``test_win32.py``), or at its top an
      unguarded import of ``msvcrt``, ``_winapi``, ``win32api``...
      (``importlib.import_module("_winapi")`` too) or of the project's own
      Windows module (``from ._windows_cffi import kernel32``, ``from .
      import _overlapped``), an ``assert sys.platform == "win32"``, ``if
      sys.platform != "win32": raise ImportError(...)``, or ``pytestmark =
      pytest.mark.skipif(sys.platform != "win32", ...)``;
    - what follows such an import in the same block (the rest of a ``try``
      body after ``from nt import x``, of a function after ``import _wmi``),
      and the ``else:`` of a ``try`` whose body has one, with the functions
      defined there (``ntpath``'s ``realpath``); not its ``except
      ImportError:``, which runs where the import failed;
    - what follows a statement that evaluates ``WindowsError`` (``with
      self.assertRaises(WindowsError) as cm:``): elsewhere it raises
      ``NameError``;
    - a function whose name says Windows (``_windows_code``,
      ``test_WindowsError``, ``_nt_readlink``; not ``rewind``);
    - a test decorated ``@unittest.skipUnless(sys.platform == "win32",
      ...)`` or ``@skipIf(os.name != "nt", ...)`` (``pytest.mark.skipif``
      too, and a decorator assigned once to a name first), a method of a
      class so decorated, or a class whose ``pytestmark`` says so;
    - an ``except`` clause that catches only classes of Windows-only modules
      (``except pywintypes.error as e:``), or names ``WindowsError``, which
      off Windows raises ``NameError`` instead of running the clause.

    ## Why is this bad?
    ``OSError`` has a ``winerror`` attribute only on Windows.  Elsewhere the
    read raises ``AttributeError``, usually inside the ``except`` clause that
    was handling a network error, so a dropped connection becomes a crash.

    ## Example
    ```python
    except OSError as e:
        if e.winerror == 10054:
            reconnect()
    ```

    ## Use instead
    ```python
    except OSError as e:
        if e.errno == errno.ECONNRESET:
            reconnect()
    ```
    A WinSock error carries its code as ``errno`` too, and on Windows
    ``errno.ECONNRESET`` is 10054; elsewhere it is that platform's reset.
    For a code with no portable twin (``64``, ``ERROR_NETNAME_DELETED``):
    ```python
    except OSError as e:
        if getattr(e, "winerror", None) == 64:
            reconnect()
    ```

    ## Fix safety
    Safe, both ways.  A comparison of ``e.winerror`` with WinSock codes whose
    ``errno`` constant has the same value on Windows (10054, 10053, 10035...,
    as numbers or as ``errno.WSAECONNRESET``), where ``e`` is caught as an
    ``OSError`` (or is a parameter annotated so), becomes the same
    comparison of ``e.errno`` with the constants: ``e.winerror == 10054``
    becomes ``e.errno == errno.ECONNRESET``, ``e.winerror in (10054,
    10053)`` becomes ``e.errno in (errno.ECONNRESET, errno.ECONNABORTED)``.
    On Windows CPython sets ``errno`` to the WinSock code of a WinSock
    error (``winerror_to_errno()`` passes 10000-11999 through but for the
    six codes, such as 10009, whose constants differ, which are left out),
    so the test is unchanged there (but for an ``OSError`` built by hand
    with that ``errno`` and no ``winerror``); elsewhere it now catches the
    same error instead of crashing.  ``import errno`` is added if missing.

    Any other read becomes ``getattr(e, "winerror", None)``.  On Windows
    every ``OSError`` has the attribute, so the value is the same;
    elsewhere ``None`` compares unequal to every code, which is what the
    check means there (it stops the crash; the error itself stays
    unrecognised off Windows, which the message says when a portable test
    exists).  That is the fix for an object caught as ``Exception`` or
    not caught at all, which may be a ``pywintypes.error`` with
    ``winerror`` and no ``errno``.  No fix when ``getattr`` is rebound in
    the file, nor for ``del``/augmented assignments.

    ## Known problems
    What ``X`` is, is inferred locally: a name bound by ``except C as X`` is an
    exception (not reported when every ``C`` is a known class outside the
    ``OSError`` family, like ``ValueError``, or a class of the file that
    sets ``winerror`` itself, such as the ``class WindowsError(OSError)``
    some code defines where the builtin is missing); ``self`` is one only in a class
    deriving from a known ``OSError`` class that never sets ``winerror``
    itself; a parameter annotated with a type other than a known exception,
    a module, a class, or a name assigned a literal (other than ``None``)
    is not one; any other expression may be
    one and is reported.  Guards in a caller, or a platform check stored in a
    variable with an unusual name, are not seen.  Modules that fail to import
    off Windows are a fixed list: ``from ctypes import windll`` or a vendored
    Windows-only package does not mark its ``try:`` as Windows-only, and an
    absolute import of the project's own Windows module
    (``from trio._core._windows_cffi import ...``) is not told apart from a
    portable module named for Windows (``twisted.python.win32``).  A
    relative import of a project module named for Windows is taken as
    Windows-only even where the module imports everywhere.  An early exit
    on a platform test counts whatever its direction, as elsewhere.  The
    errno fix needs every compared value to be such a WinSock code: in
    ``e.winerror in (64, 10054)`` the Win32 code 64 has no portable twin, so
    the ``getattr`` fix is offered.
    """

    CODE = "NC003"
    NAME = "winerror-attribute"
    MESSAGE = (
        "`{target}` exists only on Windows: AttributeError on Linux and macOS; "
        '`getattr({obj}, "winerror", None)` is the same on Windows and None elsewhere'
    )
    FIX_TITLE = 'Use getattr({obj}, "winerror", None)'
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = ("winerror",)

    VALID = [
        Valid(
            "try:\n    work()\nexcept OSError as e:\n"
            "    if getattr(e, 'winerror', None) == 10054:\n        pass\n",
            id="getattr-with-default",
        ),
        Valid(
            "try:\n    work()\nexcept OSError as e:\n"
            "    if hasattr(e, 'winerror') and e.winerror == 10054:\n        pass\n",
            id="hasattr-and",
        ),
        Valid(
            "try:\n    work()\nexcept OSError as e:\n    if hasattr(e, 'winerror'):\n"
            "        code = e.winerror\n",
            id="hasattr-if",
        ),
        Valid(
            "def code(e):\n    if not hasattr(e, 'winerror'):\n        return None\n"
            "    return e.winerror\n",
            id="hasattr-earlier-in-function",
        ),
    ]
    INVALID = [
        Invalid(
            "import errno\ntry:\n    work()\nexcept OSError as e:\n"
            "    if e.winerror == 10054:  # error\n        reconnect()\n",
            "import errno\ntry:\n    work()\nexcept OSError as e:\n"
            "    if e.errno == errno.ECONNRESET:  # error\n        reconnect()\n",
            message="`e.errno == errno.ECONNRESET` is the same test on Windows",
            id="except-oserror-winsock-code",
        ),
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    if e.winerror == 64:  # error\n"
            "        reconnect()\n",
            "try:\n    work()\nexcept OSError as e:\n"
            '    if getattr(e, "winerror", None) == 64:  # error\n        reconnect()\n',
            message="`e.winerror` exists only on Windows",
            id="except-oserror-win32-code",
        ),
        Invalid(
            "import socket\ntry:\n    work()\nexcept socket.error as err:\n"
            "    log.info('code %s', err.winerror)  # error\n",
            "import socket\ntry:\n    work()\nexcept socket.error as err:\n"
            "    log.info('code %s', getattr(err, \"winerror\", None))  # error\n",
            id="socket-error",
        ),
        Invalid(
            "try:\n    work()\nexcept Exception as e:\n"
            "    if e.winerror == 64 or e.winerror == 1236:  # error\n        pass\n",
            "try:\n    work()\nexcept Exception as e:\n"
            '    if getattr(e, "winerror", None) == 64 or getattr(e, "winerror", None) == 1236:'
            "  # error\n        pass\n",
            count=2,
            id="or-is-not-a-guard",
        ),
        Invalid(
            "import os\ntry:\n    work()\nexcept OSError as e:\n"
            "    if os.name == 'nt' or e.winerror == 64:  # error\n        pass\n",
            "import os\ntry:\n    work()\nexcept OSError as e:\n"
            "    if os.name == 'nt' or getattr(e, \"winerror\", None) == 64:  # error\n"
            "        pass\n",
            id="platform-or-is-not-a-guard",
        ),
        Invalid(
            "def is_reset(exc):\n    return exc.winerror in (64, 10054)  # error\n",
            "def is_reset(exc):\n"
            '    return getattr(exc, "winerror", None) in (64, 10054)  # error\n',
            id="unknown-parameter",
        ),
        Invalid(
            "def is_reset(exc: OSError) -> bool:\n    return exc.winerror == 64  # error\n",
            "def is_reset(exc: OSError) -> bool:\n"
            '    return getattr(exc, "winerror", None) == 64  # error\n',
            id="annotated-parameter",
        ),
    ]

    def run(self) -> None:
        model = self.model
        if windows_only_file(model) or named_for_windows(self.context.path):
            return
        #: Where the ``if`` that first returns early on a platform test in a
        #: function (None: outside any) ends.
        self._platform_exits: dict[ast.AST | None, Position] = {}
        #: Where ``hasattr(X, "winerror")`` is first asked, by function and ``X``.
        self._probes: dict[tuple[ast.AST | None, str], Position] = {}

        for statement in model.nodes(ast.If):
            if _exits(statement) and mentions_platform(statement.test):
                # What follows the ``if`` is guarded, not its own test.
                end = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
                self._platform_exits.setdefault(_function(model, statement), end)
        getattrs: list[tuple[ast.Call, ast.expr]] = []
        for call in model.nodes(ast.Call):
            func = call.func
            if not isinstance(func, ast.Name) or func.id not in ("hasattr", "getattr"):
                continue
            positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
            if len(positional) < 2 or not _is_winerror_string(positional[1]):
                continue
            if func.id == "hasattr":
                probe = (_function(model, call), ast.dump(positional[0]))
                self._probes.setdefault(probe, _start(call))
            elif len(call.args) == 2 and not call.keywords and len(positional) == 2:
                getattrs.append((call, positional[0]))
        for node in model.nodes(ast.Attribute):
            if node.attr == "winerror" and isinstance(node.ctx, ast.Load):
                self._check(node, node.value, getattr_call=False)
        for call, obj in getattrs:
            self._check(call, obj, getattr_call=True)

    # -- the finding -------------------------------------------------------
    def _check(self, node: ast.expr, obj: ast.expr, *, getattr_call: bool) -> None:
        if not self._may_be_exception(obj) or self._guarded(node, obj):
            return
        model = self.model
        test = None if getattr_call else self._errno_test(node, obj)
        if test is not None and self._caught_as_oserror(obj):
            message = (
                f"`{model.segment(node)}` exists only on Windows: AttributeError on Linux and "
                f"macOS; `{test.text}` is the same test on Windows (a WinSock error carries its "
                "code as errno too) and right everywhere"
            )
            self.report(node, message, fix=test.fix)
            return
        # The object as written, its own parentheses included: ``(a or b)``.
        span = model.span(node)
        after = _after_opening(model, node) if getattr_call else (span.line, span.column)
        text = model.written(obj, after)
        fix = None
        if not model.scope_of(node).lookup("getattr"):
            builder = default_added() if getattr_call else getattr_read(self._quoted(node))
            fix = Fix(builder, "safe", self.FIX_TITLE.format(obj=text))
        if getattr_call:
            message = (
                f"`{model.segment(node)}` without a default raises AttributeError on Linux and macOS; "
                "add a default of None"
            )
        else:
            message = self.MESSAGE.format(target=model.segment(node), obj=text)
        if test is not None:
            message += f"; if `{text}` is an OSError, `{test.text}` is right everywhere"
        self.report(node, message, fix=fix)

    def _errno_test(self, node: ast.expr, obj: ast.expr) -> _ErrnoTest | None:
        """``X.winerror == 10054`` as the portable ``X.errno == errno.ECONNRESET``, with its fix.

        For WinSock codes whose ``errno`` constant has the same value on
        Windows (``WSA_EQUAL_ON_WINDOWS``), written as numbers or as
        ``errno.WSAECONNRESET``/``errno.ECONNRESET``: CPython gives a WinSock
        error that code as ``errno`` too, so on Windows the test is
        unchanged, and elsewhere it becomes the same error's test.  The fix
        is safe when ``X`` is an ``OSError`` (:meth:`_caught_as_oserror`);
        otherwise the read keeps the ``getattr`` fix, since an object with
        ``winerror`` but no ``errno`` (``pywintypes.error``) would change.
        """
        compared = self._compared(node)
        if compared is None:
            return None
        comparison, names, negated, subject_first = compared
        model = self.model
        writer = errno_writer(model, comparison, names)
        if writer is None:
            return None
        span = model.span(node)
        text = model.written(obj, (span.line, span.column))
        spelled = [writer.spelled(name) for name in dict.fromkeys(names)]
        if len(spelled) == 1:
            check = f"{text}.errno {'!=' if negated else '=='} {spelled[0]}"
        else:
            check = f"{text}.errno {'not in' if negated else 'in'} ({', '.join(spelled)})"
        fix = Fix(
            winerror_compare_rewritten(names, writer.prefix, negated, subject_first),
            "safe",
            f"Use {check}",
            target=comparison,
            imports=writer.imports,
        )
        return _ErrnoTest(check, fix)

    def _compared(self, node: ast.expr) -> tuple[ast.Compare, list[str], bool, bool] | None:
        """``X.winerror OP values`` around ``node``: the comparison, the errno names, ``!=``, side."""
        comparison = self.model.parent(node)
        if not isinstance(comparison, ast.Compare) or len(comparison.ops) != 1:
            return None
        operator, right = comparison.ops[0], comparison.comparators[0]
        if comparison.left is node:
            subject_first, other = True, right
        elif right is node and isinstance(operator, (ast.Eq, ast.NotEq)):
            subject_first, other = False, comparison.left
        else:
            return None
        if isinstance(operator, (ast.In, ast.NotIn)):
            if not isinstance(other, (ast.Tuple, ast.List, ast.Set)) or not other.elts:
                return None
            values = list(other.elts)
        elif isinstance(operator, (ast.Eq, ast.NotEq)):
            values = [other]
        else:
            return None
        names = [self._winsock_name(value) for value in values]
        if any(name is None for name in names):
            return None
        negated = isinstance(operator, (ast.NotEq, ast.NotIn))
        return comparison, [name for name in names if name is not None], negated, subject_first

    def _winsock_name(self, value: ast.expr) -> str | None:
        """The errno name of a WinSock code ``errno.NAME`` equals on Windows (10054, ``errno.WSAECONNRESET``)."""
        number = int_literal(value)
        if number is not None:
            return next(
                (fact.name for name, fact in WSA_NAMES.items()
                 if fact.wsa == number and name in WSA_EQUAL_ON_WINDOWS),
                None,
            )  # fmt: skip
        name = errno_name_of(self.model, value)
        if name is not None:
            return name if f"WSA{name}" in WSA_EQUAL_ON_WINDOWS else None
        for qualified in self.model.imported_names(value):
            module, _, constant = qualified.rpartition(".")
            if module == "errno" and constant in WSA_EQUAL_ON_WINDOWS:
                return WSA_NAMES[constant].name
        return None

    def _caught_as_oserror(self, obj: ast.expr) -> bool:
        """Whether ``obj`` is an ``OSError``: caught only as one, or a parameter annotated so."""
        model = self.model
        if not isinstance(obj, ast.Name):
            return False
        if model.bound_only_by_except(obj):
            handler = model.binding_handler(obj)
            if handler is None or (
                _TRY_STAR is not None and isinstance(model.parent(handler), _TRY_STAR)
            ):
                return False
            types = handler_types(model, handler)
            return bool(types) and all(t is not None and is_os_error(t) for t in types)
        bindings = model.value_bindings(obj)
        if len(bindings) != 1 or not isinstance(bindings[0].node, ast.arg):
            return False
        annotation = bindings[0].node.annotation
        caught = class_of(model, annotation) if annotation is not None else None
        return caught is not None and is_os_error(caught)

    def _quoted(self, node: ast.AST) -> str:
        """``"winerror"`` as a literal that may stand at ``node`` (inside an f-string too)."""
        for parent in self.model.ancestors(node):
            if isinstance(parent, ast.JoinedStr) and _DOUBLE_QUOTED_F.search(
                self.model.segment(parent)
            ):
                return "'winerror'"
        return '"winerror"'

    # -- is it an exception? -----------------------------------------------
    def _may_be_exception(self, obj: ast.expr) -> bool:
        if isinstance(obj, (ast.Call, ast.Subscript, ast.Attribute)):
            return True
        if not isinstance(obj, ast.Name):
            return False
        if obj.id == "self":
            return self._self_may_be_exception(obj)
        model = self.model
        if model.bound_only_by_except(obj):
            return self._caught_may_be_oserror(obj)
        for binding in model.lookup(obj):
            if binding.kind in ("import", "from-import", "class", "function"):
                return False
            bound = binding.node
            if isinstance(bound, ast.arg) and bound.annotation is not None:
                caught = class_of(model, bound.annotation)
                if caught is None or not _may_hold_oserror(caught):
                    return False
            if _is_literal(_assigned(model, bound)):
                return False
        return True

    def _caught_may_be_oserror(self, name: ast.Name) -> bool:
        model = self.model
        around = model.binding_handler(name)  # of two ``except ... as e``, the one it is in
        handlers = [around] if around is not None else [b.node for b in model.lookup(name)]
        for handler in handlers:
            assert isinstance(handler, ast.ExceptHandler)
            if _TRY_STAR is not None and isinstance(model.parent(handler), _TRY_STAR):
                continue  # an exception group: no winerror anywhere, not a portability bug
            if self._own_winerror_class(handler.type):
                continue  # ``class WindowsError(OSError)`` of the file, with a winerror of its own
            for caught in handler_types(model, handler):
                if caught is None or _may_hold_oserror(caught):
                    return True
        return False

    def _own_winerror_class(self, caught: ast.expr | None) -> bool:
        """``except WindowsError`` where the file defines ``WindowsError`` (on the
        platforms that lack it) as a class with a ``winerror`` of its own."""
        if not isinstance(caught, ast.Name):
            return False
        classes = [b.node for b in self.model.lookup(caught) if isinstance(b.node, ast.ClassDef)]
        return bool(classes) and all(_defines_winerror(classdef) for classdef in classes)

    def _self_may_be_exception(self, name: ast.Name) -> bool:
        classdef = next(
            (p for p in self.model.ancestors(name) if isinstance(p, ast.ClassDef)), None
        )
        if classdef is None or _defines_winerror(classdef):
            return False
        bases = [class_of(self.model, base) for base in classdef.bases]
        return any(base is not None and is_os_error(base) for base in bases)

    # -- is it guarded? ----------------------------------------------------
    def _guarded(self, node: ast.expr, obj: ast.expr) -> bool:
        model = self.model
        function = _function(model, node)
        start = _start(node)
        exit_at = self._platform_exits.get(function)
        probe_at = self._probes.get((function, ast.dump(obj)))
        return (
            (exit_at is not None and exit_at < start)
            or (probe_at is not None and probe_at < start)
            or guarded_against(model, node, ("AttributeError",))
            or platform_guarded(model, node)
            or runs_only_on_windows(model, node)
            or windows_module_tested(model, node)
            or _after_negated_platform_test(model, node)
        )


_TRY_STAR: type[ast.AST] | None = getattr(ast, "TryStar", None)


class _ErrnoTest(NamedTuple):
    """The portable errno test of a ``winerror`` comparison: its text and the fix writing it."""

    text: str
    fix: Fix


def _start(node: ast.AST) -> Position:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]


def _function(model: Model, node: ast.AST) -> ast.AST | None:
    """The innermost def, async def or lambda around ``node``, through classes."""
    return next((p for p in model.ancestors(node) if isinstance(p, _FUNCTIONS)), None)


def _after_opening(model: Model, call: ast.expr) -> Position:
    """Where the arguments of ``call`` start: just after its ``(``."""
    assert isinstance(call, ast.Call)
    span = model.span(call.func)
    line, column = span.end_line, span.end_column
    while line <= len(model.source.lines):
        text = model.source.line(line)
        found = text.find("(", column)
        if found >= 0:
            return line, found + 1
        line, column = line + 1, 0
    return span.end_line, span.end_column


def _is_winerror_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "winerror"


def _exits(statement: ast.If) -> bool:
    """Whether the ``if`` block, on lines of its own, ends with a line that returns or jumps."""
    body = statement.body
    last = body[-1]
    if body[0].lineno <= statement.test.end_lineno:  # type: ignore[operator]
        return False  # ``if test: return``: a one-line suite
    last_line = [s for s in body if s.lineno == last.lineno and not _compound(s)]
    return any(isinstance(s, _EXITS) for s in last_line) and not _compound(last)


def _compound(statement: ast.stmt) -> bool:
    return hasattr(statement, "body") or hasattr(statement, "cases")


def _after_negated_platform_test(model: Model, node: ast.AST) -> bool:
    """``not IS_WINDOWS or e.winerror``: the right of an ``or`` after a negated platform test."""
    child = node
    for parent in model.ancestors(node):
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or):
            before: list[ast.expr] = []
            for value in parent.values:
                if value is child:
                    break
                before.append(value)
            if before and any(map(_negated, before)) and any(map(mentions_platform, before)):
                return True
        child = parent
    return False


def _negated(test: ast.AST) -> bool:
    """Whether ``test`` says ``not``, ``!=``, ``is not`` or ``not in`` somewhere."""
    for node in ast.walk(test):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return True
        if isinstance(node, ast.Compare) and any(
            isinstance(op, (ast.NotEq, ast.IsNot, ast.NotIn)) for op in node.ops
        ):
            return True
    return False


#: An f-string opened with a double quote (``f"``, ``rf"``, ``F"""``), maybe one part of
#: an implicit concatenation (``'x' f"{e.winerror}"``).
_DOUBLE_QUOTED_F = re.compile(r'(?i)(?<!\w)(?:f|rf|fr)"')


#: Values that are clearly not an exception (``None`` is not one of them: a placeholder).
_LITERALS = (
    ast.JoinedStr,
    ast.Dict,
    ast.List,
    ast.Set,
    ast.Tuple,
    ast.DictComp,
    ast.ListComp,
    ast.SetComp,
)


def _is_literal(value: ast.AST | None) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (str, bytes, int, float)) and not isinstance(
            value.value, bool
        )
    return isinstance(value, _LITERALS)


def _assigned(model: Model, target: ast.AST) -> ast.AST | None:
    """The value of ``target = value`` (a single target), else None."""
    statement = model.parent(target)
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and statement.targets[0] is target
    ):
        return statement.value
    return None


def _may_hold_oserror(name: str) -> bool:
    """Whether an object of class ``name`` may be an ``OSError`` (and so carry ``winerror``)."""
    return is_os_error(name) or catches(name, _OSERROR)


def _defines_winerror(classdef: ast.ClassDef) -> bool:
    """``self.winerror = ...``, a class-level ``winerror`` or a ``def winerror`` in the class."""
    for node in ast.walk(classdef):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "winerror":
            return True
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(_names_winerror(target) for target in targets):
            return True
    return False


def _names_winerror(target: ast.AST) -> bool:
    return (isinstance(target, ast.Name) and target.id == "winerror") or (
        isinstance(target, ast.Attribute) and target.attr == "winerror"
    )
