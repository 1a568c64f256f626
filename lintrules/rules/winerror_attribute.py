"""NC003 winerror-attribute."""

from __future__ import annotations

import itertools
import re

import libcst as cst
from libcst.metadata import Assignment, BuiltinAssignment, ParentNodeProvider, ScopeProvider

from .._exceptions import bound_by_except, catches, class_of, handler_types, is_os_error
from .._nodes import ancestors, code_of, guarded_against
from ..gate import AstIndex
from ..rule import Fix, Invalid, Rule, RuleContext, Valid

#: Modules that exist only on Windows: a file importing one at its top level
#: (outside ``try``/``if``) cannot run elsewhere, so ``winerror`` is safe there.
WINDOWS_ONLY_MODULES = frozenset(
    {
        "_overlapped", "_winapi", "_winreg", "msvcrt", "nt", "winreg", "winsound",
        # pywin32
        "pythoncom", "pywintypes", "win32api", "win32com", "win32con", "win32event",
        "win32file", "win32gui", "win32pipe", "win32process", "win32security",
        "win32service", "win32serviceutil", "winerror", "wmi",
    }
)  # fmt: skip

#: Words in a test that show the code knows the platform matters.  ``winerror``
#: itself is removed from the test first (it contains "win").
_PLATFORM_WORDS = re.compile(r"(?i)win|\bnt\b|platform|darwin|linux|posix|hasattr")
_WINERROR = re.compile(r"winerror", re.IGNORECASE)
_NEGATION = re.compile(r"\bnot\b|!=")
_EXITS = (cst.Return, cst.Raise, cst.Continue, cst.Break)
#: ``sys.platform == "win32"`` / ``os.name == "nt"``: asserted at the top of a
#: module, it says the module is Windows-only.
_WINDOWS_TEST = re.compile(r"""platform\s*==\s*['"]win32['"]|\bname\s*==\s*['"]nt['"]""")
_NOT_WINDOWS_TEST = re.compile(r"""platform\s*!=\s*['"]win32['"]|\bname\s*!=\s*['"]nt['"]""")

_OSERROR = "builtins.OSError"


def _names_platform(text: str) -> bool:
    return bool(_PLATFORM_WORDS.search(_WINERROR.sub("", text)))


def _is_winerror_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value == "winerror"


class WinerrorAttribute(Rule):
    """``X.winerror`` read where ``X`` may be an exception, without a guard.

    ## What it does
    Finds reads of the ``winerror`` attribute of something that may be an
    exception (a name bound by an ``except`` clause, a parameter, anything
    whose type the rule cannot see), and ``getattr(X, "winerror")`` without a
    default, when no guard protects them.  A guard is ``hasattr(X,
    "winerror")`` (in an enclosing ``if``, on the left of an ``and``, or
    earlier in the same function), a platform check (``sys.platform``,
    ``os.name``, an ``IS_WINDOWS`` flag, a function named for Windows), a
    ``try`` that catches ``AttributeError``, or a file that says it is
    Windows-only at its top: an unguarded import of ``msvcrt``, ``_winapi``,
    ``win32api``..., an ``assert sys.platform == "win32"``, or ``if
    sys.platform != "win32": raise ImportError(...)``.

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
        if getattr(e, "winerror", None) == 10054:
            reconnect()
    ```
    Better still, test the portable ``ConnectionResetError`` or
    ``e.errno == errno.ECONNRESET`` (NC001/NC008 help with that).

    ## Fix safety
    Safe: ``e.winerror`` becomes ``getattr(e, "winerror", None)``.  On
    Windows every ``OSError`` has the attribute, so the value is the same;
    elsewhere ``None`` compares unequal to every code, which is what the
    check means there.  No fix when ``getattr`` is rebound in the file, nor
    for ``del``/augmented assignments.

    ## Known problems
    What ``X`` is, is inferred locally: a name bound by ``except C as X`` is an
    exception (not reported when every ``C`` is a known class outside the
    ``OSError`` family, like ``ValueError``); ``self`` is one only in a class
    deriving from a known ``OSError`` class that never sets ``winerror``
    itself; a parameter annotated with a type other than a known exception,
    a module, a class, or a name assigned a literal (other than ``None``)
    is not one; any other expression may be
    one and is reported.  Guards in a caller, or a platform check stored in a
    variable with an unusual name, are not seen.
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
        Valid(
            "import sys\ntry:\n    work()\nexcept OSError as e:\n"
            "    if sys.platform == 'win32':\n        log(e.winerror)\n",
            id="platform-if",
        ),
        Valid(
            "import os\ntry:\n    work()\nexcept OSError as e:\n"
            "    if os.name == 'nt' and e.winerror == 64:\n        pass\n",
            id="platform-and",
        ),
        Valid(
            "import sys\ndef code(e):\n    if sys.platform != 'win32':\n        return None\n"
            "    return e.winerror\n",
            id="platform-early-return",
        ),
        Valid("x = e.winerror if IS_WINDOWS else None\n", id="platform-flag-ifexp"),
        Valid("def _windows_code(e):\n    return e.winerror\n", id="function-named-for-windows"),
        Valid(
            "try:\n    code = e.winerror\nexcept AttributeError:\n    code = None\n",
            id="try-attributeerror",
        ),
        Valid(
            "class Failure:\n    def __init__(self, code):\n        self.winerror = code\n"
            "    def describe(self):\n        return self.winerror\n",
            id="self-in-class-that-sets-it",
        ),
        Valid(
            "class Failure(OSError):\n    winerror = None\n    def describe(self):\n"
            "        return self.winerror\n",
            id="self-in-oserror-class-that-defines-it",
        ),
        Valid(
            "class Report:\n    def describe(self):\n        return self.winerror\n",
            id="self-not-an-exception",
        ),
        Valid(
            "def show(result: WinResult):\n    return result.winerror\n",
            id="parameter-annotated-with-other-type",
        ),
        Valid("import ntstatus\nprint(ntstatus.winerror)\n", id="module-attribute"),
        Valid("class Codes:\n    winerror = 5\nprint(Codes.winerror)\n", id="class-attribute"),
        Valid(
            "try:\n    work()\nexcept ValueError as e:\n    print(e.winerror)\n",
            id="caught-type-not-an-oserror",
        ),
        Valid(
            "import win32api\ntry:\n    win32api.Beep(1, 1)\nexcept OSError as e:\n"
            "    print(e.winerror)\n",
            id="windows-only-file",
        ),
        Valid("e.winerror = 5\ndel e.winerror\n", id="store-and-del"),
        Valid(
            "import sys\nassert sys.platform == 'win32'\ndef f(exc):\n    return exc.winerror\n",
            id="module-asserts-windows",
        ),
        Valid(
            "import sys\nif sys.platform != 'win32':\n    raise ImportError('Windows only')\n"
            "def f(exc):\n    return exc.winerror\n",
            id="module-refuses-other-platforms",
        ),
        Valid(
            "try:\n    work()\nexcept* OSError as group:\n    print(group.winerror)\n",
            id="exception-group",
        ),
        Valid("info = {'code': 5}\nprint(info.winerror)\n", id="name-bound-to-a-literal"),
        Valid("message = 'winerror'\n", id="text-only"),
    ]
    INVALID = [
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    if e.winerror == 10054:  # error\n"
            "        reconnect()\n",
            "try:\n    work()\nexcept OSError as e:\n"
            '    if getattr(e, "winerror", None) == 10054:  # error\n        reconnect()\n',
            message="`e.winerror` exists only on Windows",
            id="except-oserror",
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
        Invalid(
            "import sys\ncode = sys.exc_info()[1].winerror  # error\n",
            'import sys\ncode = getattr(sys.exc_info()[1], "winerror", None)  # error\n',
            id="exc-info",
        ),
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    code = getattr(e, 'winerror')  # error\n",
            "try:\n    work()\nexcept OSError as e:\n"
            "    code = getattr(e, 'winerror', None)  # error\n",
            message="`getattr(e, 'winerror')` without a default",
            id="getattr-without-default",
        ),
        Invalid(
            "getattr = lambda o, n, d=None: d\ntry:\n    work()\nexcept OSError as e:\n"
            "    print(e.winerror)  # error\n",
            None,
            id="getattr-rebound-no-fix",
        ),
        Invalid(
            "class ProactorError(ConnectionError):\n    def describe(self):\n"
            "        return self.winerror  # error\n",
            "class ProactorError(ConnectionError):\n    def describe(self):\n"
            '        return getattr(self, "winerror", None)  # error\n',
            id="self-in-oserror-subclass",
        ),
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    try:\n        code = e.winerror  # error\n"
            "    except KeyError:\n        code = None\n",
            'try:\n    work()\nexcept OSError as e:\n    try:\n        code = getattr(e, "winerror", None)'
            "  # error\n    except KeyError:\n        code = None\n",
            id="try-without-attributeerror",
        ),
        Invalid(
            "try:\n    import win32api\nexcept ImportError:\n    win32api = None\n"
            "try:\n    work()\nexcept OSError as e:\n    print(e.winerror)  # error\n",
            "try:\n    import win32api\nexcept ImportError:\n    win32api = None\n"
            'try:\n    work()\nexcept OSError as e:\n    print(getattr(e, "winerror", None))  # error\n',
            id="optional-windows-import-is-no-guard",
        ),
        Invalid(
            "for error in errors:\n    if error.winerror == 232:  # error\n        pass\n",
            'for error in errors:\n    if getattr(error, "winerror", None) == 232:  # error\n'
            "        pass\n",
            id="loop-variable",
        ),
        Invalid(
            'try:\n    work()\nexcept OSError as e:\n    print(f"code {e.winerror}")  # error\n',
            "try:\n    work()\nexcept OSError as e:\n"
            "    print(f\"code {getattr(e, 'winerror', None)}\")  # error\n",
            id="inside-an-f-string",
        ),
        Invalid(
            "last = None\nfor attempt in range(3):\n    try:\n        work()\n"
            "    except OSError as e:\n        last = e\nprint(last.winerror)  # error\n",
            "last = None\nfor attempt in range(3):\n    try:\n        work()\n"
            '    except OSError as e:\n        last = e\nprint(getattr(last, "winerror", None))  # error\n',
            id="none-placeholder-then-exception",
        ),
    ]

    def __init__(self, context: RuleContext | None = None) -> None:
        super().__init__(context)
        self._windows_only = False
        #: (function, object text) pairs after a ``hasattr(X, "winerror")``.
        self._probed: set[tuple[int, str]] = set()
        #: Functions that returned early on a platform test.
        self._platform_exit: set[int] = set()

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        return "winerror" in index.attributes or (
            "getattr" in index.calls and "winerror" in index.short_strings
        )

    # -- what the file tells about the platform ---------------------------
    def visit_Module(self, node: cst.Module) -> None:
        for statement in node.body:
            if isinstance(statement, cst.If) and _refuses_non_windows(statement):
                self._windows_only = True
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assert) and _WINDOWS_TEST.search(code_of(small.test)):
                    self._windows_only = True
                    continue
                if isinstance(small, cst.Import):
                    modules = [code_of(alias.name) for alias in small.names]
                elif (
                    isinstance(small, cst.ImportFrom)
                    and small.module is not None
                    and not small.relative
                ):
                    modules = [code_of(small.module)]
                else:
                    continue
                if any(module.split(".")[0] in WINDOWS_ONLY_MODULES for module in modules):
                    self._windows_only = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Name) or func.value not in ("hasattr", "getattr"):
            return
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if len(positional) < 2 or not _is_winerror_string(positional[1].value):
            return
        if func.value == "hasattr":
            self._probed.add((id(self._function(node)), code_of(positional[0].value)))
        elif len(positional) == 2 and len(node.args) == 2:
            self._check(node, positional[0].value, getattr_call=True)

    def visit_If(self, node: cst.If) -> None:
        body = node.body
        if not isinstance(body, cst.IndentedBlock) or not body.body:
            return
        last = body.body[-1]
        exits = isinstance(last, cst.SimpleStatementLine) and any(
            isinstance(small, _EXITS) for small in last.body
        )
        if exits and _names_platform(code_of(node.test)):
            self._platform_exit.add(id(self._function(node)))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "winerror" or self._is_target(node):
            return
        self._check(node, node.value, getattr_call=False)

    # -- the finding -------------------------------------------------------
    def _check(
        self, node: cst.BaseExpression, obj: cst.BaseExpression, *, getattr_call: bool
    ) -> None:
        if self._windows_only or not self._may_be_exception(obj) or self._guarded(node, obj):
            return
        text = code_of(obj)
        fix = None
        if self._getattr_is_builtin(node):
            if getattr_call:
                assert isinstance(node, cst.Call)
                last = node.args[-1].with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
                replacement: cst.BaseExpression = node.with_changes(
                    args=[*node.args[:-1], last, cst.Arg(cst.Name("None"))]
                )
            else:
                replacement = cst.Call(
                    cst.Name("getattr"),
                    [
                        cst.Arg(obj),
                        cst.Arg(cst.SimpleString(self._quoted(node, "winerror"))),
                        cst.Arg(cst.Name("None")),
                    ],
                    lpar=node.lpar,
                    rpar=node.rpar,
                )
            fix = Fix(replacement, "safe", self.FIX_TITLE.format(obj=text))
        if getattr_call:
            message = (
                f"`{code_of(node)}` without a default raises AttributeError on Linux and macOS; "
                "add a default of None"
            )
        else:
            message = self.MESSAGE.format(target=code_of(node), obj=text)
        self.report(node, message, fix=fix)

    def _quoted(self, node: cst.CSTNode, text: str) -> str:
        """``text`` as a string literal that may stand at ``node`` (inside an f-string too)."""
        for parent in ancestors(self, node):
            if isinstance(parent, cst.FormattedString) and '"' in parent.start:
                return f"'{text}'"
        return f'"{text}"'

    def _is_target(self, node: cst.Attribute) -> bool:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.Del)):
            return parent.target is node
        return False

    def _getattr_is_builtin(self, node: cst.CSTNode) -> bool:
        scope = self.get_metadata(ScopeProvider, node, None)
        return scope is not None and all(
            isinstance(binding, BuiltinAssignment) for binding in scope["getattr"]
        )

    def _function(self, node: cst.CSTNode) -> cst.CSTNode | None:
        for parent in ancestors(self, node):
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                return parent
        return None

    # -- is it an exception? -----------------------------------------------
    def _may_be_exception(self, obj: cst.BaseExpression) -> bool:
        if isinstance(obj, (cst.Call, cst.Subscript, cst.Attribute)):
            return True
        if not isinstance(obj, cst.Name):
            return False
        if obj.value == "self":
            return self._self_may_be_exception(obj)
        if bound_by_except(self, obj):
            return self._caught_may_be_oserror(obj)
        scope = self.get_metadata(ScopeProvider, obj, None)
        if scope is None:
            return True
        for binding in scope[obj.value]:
            if not isinstance(binding, Assignment):
                continue
            bound = binding.node
            if isinstance(bound, (cst.Import, cst.ImportFrom, cst.ClassDef, cst.FunctionDef)):
                return False
            if isinstance(bound, cst.Param) and bound.annotation is not None:
                caught = class_of(self, bound.annotation.annotation)
                if caught is None or not _may_hold_oserror(caught):
                    return False
            if _is_literal(self._assigned(bound)):
                return False
        return True

    def _assigned(self, target: cst.CSTNode) -> cst.BaseExpression | None:
        """The value of ``target = value`` (a single target), else None."""
        parent = self.get_metadata(ParentNodeProvider, target, None)
        if isinstance(parent, cst.AssignTarget):
            statement = self.get_metadata(ParentNodeProvider, parent, None)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                return statement.value
        return None

    def _caught_may_be_oserror(self, name: cst.Name) -> bool:
        scope = self.get_metadata(ScopeProvider, name, None)
        assert scope is not None
        for binding in scope[name.value]:
            assert isinstance(binding, Assignment)
            handler = list(itertools.islice(ancestors(self, binding.node), 2))[-1]
            if isinstance(handler, cst.ExceptStarHandler):
                continue  # an exception group: no winerror anywhere, not a portability bug
            if not isinstance(handler, cst.ExceptHandler):
                return True
            for caught in handler_types(self, handler):
                if caught is None or _may_hold_oserror(caught):
                    return True
        return False

    def _self_may_be_exception(self, name: cst.Name) -> bool:
        classdef = next((p for p in ancestors(self, name) if isinstance(p, cst.ClassDef)), None)
        if classdef is None or _defines_winerror(classdef):
            return False
        bases = [class_of(self, arg.value) for arg in classdef.bases if arg.keyword is None]
        return any(base is not None and is_os_error(base) for base in bases)

    # -- is it guarded? ----------------------------------------------------
    def _guarded(self, node: cst.CSTNode, obj: cst.BaseExpression) -> bool:
        function = id(self._function(node))
        if function in self._platform_exit or (function, code_of(obj)) in self._probed:
            return True
        if guarded_against(self, node, ("AttributeError",)):
            return True
        child: cst.CSTNode = node
        for parent in ancestors(self, node):
            if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and child is not parent.test:
                if _test_guards(parent.test, positive=child is parent.body):
                    return True
            elif isinstance(parent, cst.BooleanOperation) and child is parent.right:
                is_and = isinstance(parent.operator, cst.And)
                if _test_guards(parent.left, positive=is_and, negated_only=not is_and):
                    return True
            elif isinstance(parent, cst.FunctionDef) and _names_platform(parent.name.value):
                return True
            child = parent
        return False


def _refuses_non_windows(statement: cst.If) -> bool:
    """``if sys.platform != "win32": raise ImportError(...)`` at the top of a module."""
    body = statement.body
    return (
        statement.orelse is None
        and bool(_NOT_WINDOWS_TEST.search(code_of(statement.test)))
        and isinstance(body, cst.IndentedBlock)
        and len(body.body) == 1
        and isinstance(body.body[0], cst.SimpleStatementLine)
        and isinstance(body.body[0].body[0], cst.Raise)
    )


def _test_guards(test: cst.BaseExpression, *, positive: bool, negated_only: bool = False) -> bool:
    """Whether a test protects the code it leads to.

    A platform check or ``hasattr`` protects either branch; ``getattr(X,
    "winerror", ...)`` only the branch taken when it is true.  On the left of
    ``or`` only a negative check (``not hasattr``, ``!= "win32"``) protects.
    """
    text = code_of(test)
    if negated_only and not _NEGATION.search(text):
        return False
    if _names_platform(text):
        return True
    return positive and "getattr" in text and "winerror" in text


_LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Integer,
    cst.Float,
    cst.Dict,
    cst.List,
    cst.Set,
    cst.Tuple,
    cst.DictComp,
    cst.ListComp,
    cst.SetComp,
)


def _is_literal(value: cst.BaseExpression | None) -> bool:
    """A value that is clearly not an exception (``None`` does not count: it is a placeholder)."""
    return isinstance(value, _LITERALS)


def _may_hold_oserror(name: str) -> bool:
    """Whether an object of class ``name`` may be an ``OSError`` (and so carry ``winerror``)."""
    return is_os_error(name) or catches(name, _OSERROR)


def _defines_winerror(classdef: cst.ClassDef) -> bool:
    finder = _WinerrorDefinition()
    classdef.visit(finder)
    return finder.found


class _WinerrorDefinition(cst.CSTVisitor):
    """Finds ``self.winerror = ...``, a class-level ``winerror`` or a ``def winerror``."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def _target(self, target: cst.BaseExpression) -> None:
        if (isinstance(target, cst.Name) and target.value == "winerror") or (
            isinstance(target, cst.Attribute) and target.attr.value == "winerror"
        ):
            self.found = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value == "winerror":
            self.found = True
