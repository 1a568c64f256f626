"""Is this code protected?  Platform tests and ``try`` handlers around a node.

Both questions are answered conservatively: when unsure whether code is
guarded, they say it is, because a rule that reports guarded code gets
switched off.  A test is read by the names it uses, never by its text, so a
comment or a string elsewhere on the line changes nothing.

A third question is narrower: does this code run only on Windows
(:func:`runs_only_on_windows`, :func:`windows_only_file`,
:func:`only_on_windows`, :func:`windows_guarded`)?  A Windows-only import
before it (a module of a package named for Windows too:
``pkg.iocpreactor``), a test skipped off Windows, a function named for
Windows, a module that asserts the platform, or a test around it that is
true only on Windows (``if WIN and ...``, a flag assigned ``sys.platform ==
"win32"`` once).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator

from .model import Model

__all__ = [
    "WINDOWS_ONLY_MODULES",
    "caught_names",
    "defined_by_file",
    "exits_before",
    "guarded_against",
    "imports_windows_module",
    "is_windows_module",
    "mentions_platform",
    "named_for_linux",
    "named_for_windows",
    "only_on_windows",
    "platform_guarded",
    "runs_only_on_windows",
    "safe_when",
    "says_windows",
    "skips_off_windows",
    "windows_guarded",
    "windows_module_tested",
    "windows_only_file",
]

#: A name (or a string compared with one) that says "platform": ``sys.platform``,
#: ``os.name == "nt"``, ``IS_WINDOWS``, ``mswindows``, ``WIN32``, ``darwin``...
#: Whole words, so ``winerror`` is not a platform test.
_PLATFORM_WORD = re.compile(
    r"(?i)\b(?:win|win32|win64|windows|nt|cygwin|darwin|macos|linux|posix)\b"
    r"|(?:_|\bis|\bms)win(?:dows|32)?\b|platform"
    # Probing whether an attribute exists: the code knows it may not.
    r"|hasattr|getattr"
)


#: How many ``flag = other_flag`` assignments a test is read through.
_MAX_FLAG_DEPTH = 3


def _words(test: ast.AST) -> Iterator[str]:
    """The identifiers, attribute names and string constants of ``test``."""
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.keyword) and node.arg:
            yield node.arg
        stack.extend(ast.iter_child_nodes(node))


def mentions_platform(test: ast.AST) -> bool:
    """Whether ``test`` looks at the platform or probes for an attribute.

    Probing is ``hasattr``/``getattr`` and a membership test on what an
    object has: ``"WSAECONNRESET" in dir(errno)``, ``in vars(errno)``, ``in
    errno.__dict__``.
    """
    return any(_PLATFORM_WORD.search(word) for word in _words(test)) or any(
        _probe(node) is not None for node in ast.walk(test) if isinstance(node, ast.Compare)
    )


def _probe(test: ast.AST) -> bool | None:
    """For a test that probes an attribute, whether it is true when the attribute exists.

    ``hasattr(m, "X")``, ``getattr(m, "X", None) is not None`` and ``"X" in
    dir(m)`` (``vars(m)``, ``m.__dict__``) are; ``getattr(...) is None`` and
    ``"X" not in dir(m)`` are true when it does not.  None: not a probe.
    """
    if isinstance(test, ast.Call):
        return True if _called(test) in ("hasattr", "getattr") else None
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    operator, right = test.ops[0], test.comparators[0]
    if isinstance(operator, (ast.In, ast.NotIn)):
        holder = (
            isinstance(right, ast.Call) and _called(right) in ("dir", "vars") and bool(right.args)
        ) or (isinstance(right, ast.Attribute) and right.attr == "__dict__")
        return isinstance(operator, ast.In) if holder else None
    none = isinstance(right, ast.Constant) and right.value is None
    if none and isinstance(test.left, ast.Call) and _called(test.left) == "getattr":
        if isinstance(operator, (ast.IsNot, ast.NotEq)):
            return True
        if isinstance(operator, (ast.Is, ast.Eq)):
            return False
    return None


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else ""


def safe_when(test: ast.AST, value: bool, model: Model | None = None) -> bool:
    """Whether ``test`` can be ``value`` only on Windows or where the attribute it probes exists.

    ``not hasattr(errno, "WSAEADDRINUSE")`` is safe when False, ``sys.platform
    == "win32"`` when True, ``sys.platform != "win32" or ...`` when False.
    With ``model``, a name assigned once (``HAS_WSA = hasattr(errno, ...)``)
    is read through its value.  For a True outcome one safe operand of ``and``
    is enough and ``or`` needs all; for a False outcome the other way round.
    """
    return _safe_when(test, value, model, 0)


def _safe_when(test: ast.AST, value: bool, model: Model | None, depth: int) -> bool:
    if isinstance(test, ast.BoolOp):
        results = [_safe_when(operand, value, model, depth) for operand in test.values]
        either = isinstance(test.op, ast.And if value else ast.Or)
        return any(results) if either else all(results)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _safe_when(test.operand, not value, model, depth)
    probe = _probe(test)
    if probe is not None:
        return probe == value
    if model is not None and isinstance(test, ast.Name) and depth < _MAX_FLAG_DEPTH:
        assigned = model.assigned_value(test)
        if assigned is not None:
            # ``flag = flag or ...`` names itself: followed a few times only.
            return _safe_when(assigned, value, model, depth + 1)
    return only_on_windows(test, value)


def _mentions(model: Model, test: ast.AST) -> bool:
    """:func:`mentions_platform`, also through a flag assigned once (``HAS_WSA = hasattr(...)``)."""
    if mentions_platform(test):
        return True
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            assigned = model.assigned_value(node)
            if assigned is not None and mentions_platform(assigned):
                return True
    return False


def platform_guarded(model: Model, node: ast.AST) -> bool:
    """Whether ``node`` is under a test that looks at the platform or probes attributes.

    ``if sys.platform == "win32":``, ``if os.name == "nt":``, ``x if IS_WINDOWS
    else y``, ``hasattr(errno, "WSAECONNRESET") and ...``, ``if "WSAECONNRESET"
    in dir(errno):``, a flag assigned such a test, or a function named for a
    platform (``def _windows_errors():``).  Either branch counts: the code was
    written knowing the platform matters.  On the right of ``or`` only a test
    that is false where the code is safe counts: ``not hasattr(errno,
    "WSAEADDRINUSE") or e.errno != errno.WSAEADDRINUSE``, ``sys.platform !=
    "win32" or ...``.  And code after an early exit
    (:func:`exits_before`) is guarded by it.  So is the body of a private
    class or function of the module (``class _SocketWaker``) that the module
    names only under such tests (``if platformType == "posix": _Waker =
    _UnixWaker`` ``else: _Waker = _SocketWaker``): a leading underscore says
    no other module uses it.
    """
    return _platform_guarded(model, node, follow_uses=True)


def _platform_guarded(model: Model, node: ast.AST, *, follow_uses: bool) -> bool:
    for parent, tests in _guarding_tests(model, node):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and _PLATFORM_WORD.search(
            parent.name
        ):
            return True
        if follow_uses and _used_only_under_platform_tests(model, parent):
            return True
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or):
            if any(safe_when(test, False, model) for test in tests):
                return True
        elif any(_mentions(model, test) for test in tests):
            return True
    return exits_before(model, node)


#: The model.memo key of whether each private module-level name is used only under platform tests.
_PRIVATE_USES = "guards.private-uses"


def _used_only_under_platform_tests(model: Model, definition: ast.AST) -> bool:
    """Whether ``definition``, a private module-level class or function, is named only under platform tests.

    Its name must be read at least once outside its own body, and every such
    read be :func:`platform_guarded` (without following definitions again).
    """
    if not isinstance(definition, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    name = definition.name
    if (
        not name.startswith("_")
        or name.startswith("__")
        or model.parent(definition) is not model.tree
    ):
        return False
    known = model.memo.setdefault(_PRIVATE_USES, {})
    assert isinstance(known, dict)
    if name not in known:
        uses = [
            use
            for use in model.nodes(ast.Name)
            if use.id == name
            and isinstance(use.ctx, ast.Load)
            and not any(ancestor is definition for ancestor in model.ancestors(use))
        ]
        known[name] = bool(uses) and all(
            _platform_guarded(model, use, follow_uses=False) for use in uses
        )
    return bool(known[name])


#: Calls that never return: ``sys.exit()``, ``os._exit()``, ``pytest.skip()``,
#: ``self.skipTest()``, ``self.fail()``, ``pytest.exit()``.
_EXITING_CALLS = frozenset({"exit", "_exit", "skip", "skipTest", "fail", "abort"})


def _always_exits(block: list[ast.stmt]) -> bool:
    """Whether a block ends by leaving: ``return``, ``raise``, ``continue``, ``break``, ``sys.exit()``."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
        return True
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        name = func.attr if isinstance(func, ast.Attribute) else _dotted(func)
        return name in _EXITING_CALLS
    return False


def _guards_what_follows(model: Model, statement: ast.stmt) -> bool:
    """Whether code after ``statement`` runs only where it is safe, or the statement says the platform matters.

    ``if not hasattr(errno, "X"): raise``, ``if sys.platform != "win32":
    return``, ``assert sys.platform == "win32"``.  An exit whose test is true
    only on Windows (``if sys.platform == "win32": return``) does not
    guard; one whose test looks at the platform in a way not understood
    (``if IS_LINUX: return``) does, as elsewhere in this module.
    """
    if isinstance(statement, ast.Assert):
        test: ast.AST = statement.test
        passes = True
    elif isinstance(statement, ast.If):
        test = statement.test
        if _always_exits(statement.body):
            passes = False
        elif _always_exits(statement.orelse):
            passes = True
        else:
            return False
    else:
        return False
    if safe_when(test, passes, model):
        return True
    return not safe_when(test, not passes, model) and _mentions(model, test)


def exits_before(model: Model, node: ast.AST) -> bool:
    """Whether an earlier statement of a block around ``node`` leaves unless the code is safe.

    ``if not hasattr(errno, "WSAEADDRINUSE"): raise`` (or ``return``,
    ``continue``, ``sys.exit()``, ``pytest.skip()``...) followed by the use,
    ``assert sys.platform == "win32"``; in the same block or any block
    around it, up to the module (a function defined after a module-level
    exit exists only where the exit was not taken).
    """
    child = node
    for parent in model.ancestors(node):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if not isinstance(block, list) or not _within(child, block):
                continue
            for statement in block:
                if statement is child:
                    break
                if _guards_what_follows(model, statement):
                    return True
            break
        child = parent
    return False


def _guarding_tests(model: Model, node: ast.AST) -> Iterator[tuple[ast.AST, list[ast.AST]]]:
    """Each ancestor of ``node`` with the tests it puts ``node`` under.

    The test of an ``if``, conditional expression or ``while`` (either branch
    counts; the test itself is not under it), and the operands of an ``and``
    or ``or`` before ``node``'s (``node`` runs when they are all true, for
    ``and``, or all false, for ``or``).
    """
    child = node
    for parent in model.ancestors(node):
        tests: list[ast.AST] = []
        if isinstance(parent, (ast.If, ast.IfExp, ast.While)):
            if child is not parent.test:
                tests = [parent.test]
        elif isinstance(parent, ast.BoolOp):
            for value in parent.values:
                if value is child:
                    break
                tests.append(value)
        yield parent, tests
        child = parent


def caught_names(handler: ast.ExceptHandler) -> set[str] | None:
    """The names a handler's type is spelled with (None: a bare ``except``)."""
    if handler.type is None:
        return None
    return {word for word in _words(handler.type) if word.isidentifier()}


def guarded_against(model: Model, node: ast.AST, errors: Collection[str]) -> bool:
    """Whether ``node`` sits in a ``try`` body, in its own function, catching one of ``errors``.

    A bare ``except``, ``Exception`` and ``BaseException`` catch everything.
    """
    catching = {*errors, "Exception", "BaseException"}
    child = node
    for parent in model.ancestors(node):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        if isinstance(parent, _TRY) and any(child is s for s in parent.body):  # type: ignore[attr-defined]
            for handler in parent.handlers:  # type: ignore[attr-defined]
                names = caught_names(handler)
                if names is None or names & catching:
                    return True
        child = parent
    return False


_TRY: tuple[type[ast.AST], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


# -- code that runs only on Windows ---------------------------------------
# A platform test says "the platform matters"; the questions below say more:
# this code can only run on Windows (NC003 reads Windows-only attributes there).

#: Modules that exist only on Windows: a file importing one at its top level
#: (outside ``try``/``if``) cannot run elsewhere.
WINDOWS_ONLY_MODULES = frozenset(
    {
        "_overlapped", "_winapi", "_winreg", "msvcrt", "nt", "winreg", "winsound",
        # pywin32
        "pythoncom", "pywintypes", "win32api", "win32com", "win32con", "win32event",
        "win32file", "win32gui", "win32pipe", "win32process", "win32security",
        "win32service", "win32serviceutil", "winerror", "wmi",
        "_msi", "_win32sysloader", "_wmi", "msilib", "ntsecuritycon", "servicemanager",
        "win32clipboard", "win32comext", "win32console", "win32cred", "win32crypt",
        "win32evtlog", "win32evtlogutil", "win32job", "win32net", "win32pdh",
        "win32print", "win32profile", "win32timezone", "win32ts", "win32ui",
    }
)  # fmt: skip
#: Modules of portable packages that cannot be imported elsewhere than on Windows.
_WINDOWS_ONLY_SUBMODULES = frozenset(
    {"asyncio.windows_events", "asyncio.windows_utils", "multiprocessing.popen_spawn_win32"}
)
#: Names that exist only on Windows: ``WindowsError``, ``sys.getwindowsversion``...
_WINDOWS_ONLY_NAMES = frozenset(
    {"WindowsError", "dllhandle", "getwindowsversion", "startfile", "winver"}
)
#: Functions that import the module named by their first argument or raise
#: (``importlib.import_module``, ``test.support.import_helper.import_module``,
#: ``pytest.importorskip``, ``__import__``).
_IMPORT_FUNCTIONS = frozenset({"import_module", "importorskip", "__import__"})
#: The words of an identifier (``TestWin32Error`` -> Test, Win32, Error).
_IDENTIFIER_WORDS = re.compile(r"[A-Z]+\d*(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")
_WINDOWS_WORDS = frozenset({"mswindows", "nt", "win", "win32", "win64", "winapi", "windows", "wsa"})
#: Beginnings of a word that name a Windows-only API (``iocpsupport``).
_WINDOWS_PREFIXES = ("iocp",)
#: A flag that says "on Windows": ``IS_WINDOWS``, ``_win32``, ``ON_WIN``, ``mswindows``.
_WINDOWS_FLAG = re.compile(r"(?i)_?(?:is_?|on_?|ms_?|running_on_)?win(?:dows|32)?")


def is_windows_module(dotted: str) -> bool:
    """Whether importing module ``dotted`` fails everywhere but on Windows."""
    return dotted.split(".")[0] in WINDOWS_ONLY_MODULES or any(
        dotted == module or dotted.startswith(module + ".") for module in _WINDOWS_ONLY_SUBMODULES
    )


def imports_windows_module(statement: ast.AST) -> bool:
    """``import msvcrt``, ``from nt import x``, ``m = importlib.import_module("_winapi")``.

    Code after such a statement runs only where the import worked: on Windows.
    """
    if isinstance(statement, ast.Import):
        return any(
            is_windows_module(alias.name) or _named_windows_package(alias.name)
            for alias in statement.names
        )
    if isinstance(statement, ast.ImportFrom):
        module = statement.module
        if statement.level:
            return _relative_windows_import(module, statement.names)
        if module is None:
            return False
        return (
            is_windows_module(module)
            or _named_windows_package(module)
            or any(
                alias.name != "*" and is_windows_module(f"{module}.{alias.name}")
                for alias in statement.names
            )
        )
    value = (
        statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.Expr)) else None
    )
    if not isinstance(value, ast.Call) or not value.args:
        return False
    func = value.func
    called = func.attr if isinstance(func, ast.Attribute) else _dotted(func)
    name = value.args[0]
    return (
        called in _IMPORT_FUNCTIONS
        and isinstance(name, ast.Constant)
        and isinstance(name.value, str)
        and is_windows_module(name.value)
    )


def _named_windows_package(dotted: str) -> bool:
    """A module of a package whose own name says Windows: ``twisted.internet.iocpreactor``.

    Only the last part of a dotted name with a package above it counts
    (``pkg.windows_utils``, ``pkg.iocpreactor``): such a module is the
    package's Windows implementation, imported only where it works.
    """
    package, _, last = dotted.rpartition(".")
    return bool(package) and says_windows(last)


def _relative_windows_import(module: str | None, names: list[ast.alias]) -> bool:
    """``from ._windows_cffi import x``, ``from . import _overlapped``: the project's Windows module.

    A module of the project itself named for Windows (``_io_windows``,
    ``windows_utils``, ``py33_winapi``), or a copy of a Windows-only module
    (``_overlapped``, ``_winapi``), is imported only where it works: a
    module importing it at its top runs on Windows.
    """
    modules = [module] if module else [alias.name for alias in names if alias.name != "*"]
    return any(
        is_windows_module(name.rpartition(".")[2]) or says_windows(name.rpartition(".")[2])
        for name in modules
    )


def says_windows(identifier: str) -> bool:
    """``_windows_code``, ``TestWin32Error``, ``_nt_readlink``, ``iocpsupport``; not ``rewind`` or ``window``.

    A word that begins with ``iocp`` (I/O completion ports, a Windows-only
    API: ``iocpreactor``) counts too.
    """
    return any(
        word.lower() in _WINDOWS_WORDS or word.lower().startswith(_WINDOWS_PREFIXES)
        for word in _IDENTIFIER_WORDS.findall(identifier)
    )


def only_on_windows(test: ast.AST, value: bool = True, model: Model | None = None) -> bool:
    """Whether ``test`` can be ``value`` only on Windows.

    True outcome: ``sys.platform == "win32"``, ``os.name == "nt"``,
    ``sys.platform.startswith("win")``, ``platform.system() == "Windows"``,
    a flag named ``IS_WINDOWS``/``MS_WINDOWS``/``WIN``/``_win32``
    (``greentest.WIN``; with ``model``, also under another name it was
    imported as: ``from sysinfo import WIN as w``); False outcome: the
    ``!=`` forms.  For a True outcome one Windows-only operand of ``and`` is
    enough and ``or`` needs all; for a False outcome the other way round;
    ``not`` flips the outcome asked about.  With ``model``, a flag of
    another name assigned once is read through its value (``_nt = os.name
    == "nt"``).
    """
    return _only_on_windows(test, value, model, 0)


def _only_on_windows(test: ast.AST, value: bool, model: Model | None, depth: int) -> bool:
    if isinstance(test, ast.BoolOp):
        results = [_only_on_windows(operand, value, model, depth) for operand in test.values]
        either = isinstance(test.op, ast.And if value else ast.Or)
        return any(results) if either else all(results)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _only_on_windows(test.operand, not value, model, depth)
    if isinstance(test, ast.Compare):
        return _windows_comparison(test, ast.Eq if value else ast.NotEq)
    if value and _windows_flag(test, model):
        return True
    if model is not None and isinstance(test, ast.Name) and depth < _MAX_FLAG_DEPTH:
        assigned = model.assigned_value(test)
        if assigned is not None:
            return _only_on_windows(assigned, value, model, depth + 1)
    if not value:
        return False
    if isinstance(test, ast.Call):
        # sys.platform.startswith("win")
        func = test.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "startswith"
            and _dotted(func.value).rpartition(".")[2] == "platform"
            and len(test.args) == 1
            and not test.keywords
            and _string(test.args[0]) in ("win", "win32")
        )
    return False


def _windows_flag(test: ast.AST, model: Model | None) -> bool:
    """``IS_WINDOWS``, ``sysinfo.WIN``; with ``model``, a name imported from such a flag."""
    dotted = _dotted(test)
    if not dotted:
        return False
    if _WINDOWS_FLAG.fullmatch(dotted.rpartition(".")[2]):
        return True
    return model is not None and any(
        q.source == "import" and bool(_WINDOWS_FLAG.fullmatch(q.name.rpartition(".")[2]))
        for q in model.qualified_names(test)
    )


def _windows_comparison(test: ast.Compare, operator: type[ast.cmpop]) -> bool:
    """``sys.platform == "win32"`` (either way round), ``os.name == "nt"``, ``platform.system() == "Windows"``."""
    if len(test.ops) != 1 or not isinstance(test.ops[0], operator):
        return False
    left, right = test.left, test.comparators[0]
    last = _dotted(left).rpartition(".")[2]
    if last == "platform" and _string(right) == "win32":
        return True
    if _dotted(right).rpartition(".")[2] == "platform" and _string(left) == "win32":
        return True
    if last == "name" and _string(right) == "nt":
        return True
    return (
        isinstance(left, ast.Call)
        and not left.args
        and not left.keywords
        and _dotted(left.func).rpartition(".")[2] == "system"
        and _string(right) == "Windows"
    )


def windows_guarded(model: Model, node: ast.AST) -> bool:
    """Whether ``node`` runs only where a test around it says Windows.

    In the body of ``if WIN:`` (``while``, a conditional expression), the
    ``else:`` of ``if not IS_WINDOWS:``, after ``WIN and`` or ``not WIN
    or``, after an early exit taken off Windows (``if sys.platform !=
    "win32": return``, ``assert os.name == "nt"``), and in a file that
    :func:`windows_only_file` says is Windows-only.  Tests are read by
    :func:`only_on_windows` with the model: flags named for Windows, or
    assigned a platform test once.  A function's name is no guard here
    (``is_windows_reset(e)`` may be called anywhere).
    """
    child = node
    for parent in model.ancestors(node):
        if isinstance(parent, ast.If) and child is not parent.test:
            if only_on_windows(parent.test, _within(child, parent.body), model):
                return True
        elif isinstance(parent, (ast.IfExp, ast.While)) and child is not parent.test:
            in_body = child is parent.body or (
                isinstance(parent.body, list) and _within(child, parent.body)
            )
            if only_on_windows(parent.test, in_body, model):
                return True
        elif isinstance(parent, ast.BoolOp):
            before = parent.values[: next(i for i, v in enumerate(parent.values) if v is child)]
            wanted = isinstance(parent.op, ast.And)
            if any(only_on_windows(test, wanted, model) for test in before):
                return True
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and _within(child, block):
                for statement in block:
                    if statement is child:
                        break
                    if _exits_off_windows(model, statement):
                        return True
                break
        child = parent
    return windows_only_file(model)


def _exits_off_windows(model: Model, statement: ast.stmt) -> bool:
    """``if not WIN: return`` (``raise``, ``sys.exit()``, ``self.skipTest()``...), ``assert WIN``."""
    if isinstance(statement, ast.Assert):
        return only_on_windows(statement.test, True, model)
    if isinstance(statement, ast.If):
        if _always_exits(statement.body):
            return only_on_windows(statement.test, False, model)
        if _always_exits(statement.orelse):
            return only_on_windows(statement.test, True, model)
    return False


def skips_off_windows(decorator: ast.AST) -> bool:
    """``@unittest.skipUnless(sys.platform == "win32", ...)``, ``@skipIf(os.name != "nt", ...)``.

    The body of a test so decorated runs only on Windows (``pytest.mark.skipif``
    too).  The condition must say so by itself: ``skipUnless(IS_WIN or X)`` does not.
    """
    if not isinstance(decorator, ast.Call) or not decorator.args:
        return False
    condition = decorator.args[0]
    if isinstance(condition, ast.Starred):
        return False
    func = decorator.func
    called = func.attr if isinstance(func, ast.Attribute) else _dotted(func)
    if called == "skipUnless":
        return only_on_windows(condition, True)
    return called in ("skipIf", "skipif") and only_on_windows(condition, False)


def windows_only_file(model: Model) -> bool:
    """Whether the file says at its top that it runs only on Windows.

    An import of a Windows-only module at module level (``import msvcrt``,
    ``importlib.import_module("_winapi")``), ``assert sys.platform ==
    "win32"``, or ``if sys.platform != "win32": raise ImportError(...)``.
    """
    if _marked_windows_only(model, model.tree.body):
        return True
    for statement in model.tree.body:
        if isinstance(statement, ast.If) and _refuses_non_windows(statement):
            return True
        if isinstance(statement, ast.Assert) and _asserts_windows(statement.test):
            return True
        if imports_windows_module(statement):
            return True
    return False


def _asserts_windows(test: ast.AST) -> bool:
    """``assert sys.platform == "win32"``, alone or within a larger test.

    ``assert not TYPE_CHECKING or sys.platform == "win32"`` (trio) tells type
    checkers the module is Windows-only: the author's statement counts.
    """
    return any(
        only_on_windows(node, True) for node in ast.walk(test) if isinstance(node, ast.Compare)
    )


def named_for_windows(path: str | None) -> bool:
    """Whether a file's name says Windows: ``_io_windows.py``, ``windows_events.py``, ``test_win32.py``."""
    if not path:
        return False
    stem = path.replace("\\", "/").rpartition("/")[2].partition(".")[0]
    return says_windows(stem)


def named_for_linux(path: str | None) -> bool:
    """Whether a file's path says Linux: ``arch/linux.py``, ``_linux_sockets.py``,
    anything under a ``linux/`` folder (a platform module a package imports
    only on Linux)."""
    if not path:
        return False
    *folders, name = path.replace("\\", "/").split("/")
    stem = name.partition(".")[0]
    return "linux" in folders or any(
        word.lower() == "linux" for word in _IDENTIFIER_WORDS.findall(stem)
    )


def windows_module_tested(model: Model, node: ast.AST) -> bool:
    """Whether ``node`` is under a test of a Windows-only module or name.

    ``if _winapi:``, ``msvcrt and ...`` (such a module is imported in a
    ``try`` and set to None where the import fails), ``isinstance(e,
    WindowsError)``, ``sys.getwindowsversion() >= (6, 2)``: a test that only
    works on Windows is a platform test.  Either branch counts, as for
    :func:`platform_guarded`.
    """
    return any(
        _names_windows_only(word)
        for parent, tests in _guarding_tests(model, node)
        if not (isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or))
        for test in tests
        for word in _words(test)
    )


def _names_windows_only(word: str) -> bool:
    return word in WINDOWS_ONLY_MODULES or word in _WINDOWS_ONLY_NAMES


def _refuses_non_windows(statement: ast.If) -> bool:
    """``if sys.platform != "win32": raise ImportError(...)``, the raise on a line of its own."""
    body = statement.body
    first = body[0]
    return (
        not statement.orelse
        and only_on_windows(statement.test, False)
        and isinstance(first, ast.Raise)
        and first.lineno > statement.test.end_lineno  # type: ignore[operator]
        and all(later.lineno == first.lineno for later in body)
    )


def runs_only_on_windows(model: Model, node: ast.AST) -> bool:
    """Whether ``node`` runs only on Windows, as the code around it says.

    It does in a function named for Windows (``_windows_code``,
    ``test_WindowsError``), in a function or class decorated to be skipped
    off Windows (:func:`skips_off_windows`), after a Windows-only import in
    the same block (and in the ``else:`` of a ``try`` whose body has one),
    and in an ``except`` clause catching only classes of Windows-only
    modules (``except pywintypes.error:``).  :func:`windows_only_file` tells
    about the whole file.
    """
    child = node
    for parent in model.ancestors(node):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _within(
            child, parent.body
        ):
            if not isinstance(parent, ast.ClassDef) and says_windows(parent.name):
                return True
            if any(
                skips_off_windows(_value_of(model, decorator))
                for decorator in parent.decorator_list
            ):
                return True
            if isinstance(parent, ast.ClassDef) and _marked_windows_only(model, parent.body):
                return True
        elif (
            isinstance(parent, ast.ExceptHandler)
            and _within(child, parent.body)
            and not isinstance(model.parent(parent), _TRY[1:])
            and _catches_windows_only_classes(model, parent)
        ):
            return True
        if _runs_after_windows_import(model, parent, child):
            return True
        child = parent
    return False


def _value_of(model: Model, expr: ast.expr) -> ast.expr:
    """``expr``, or the value of the name it is when one assignment binds it.

    ``skip_unless_windows = unittest.skipUnless(sys.platform == "win32", ...)``
    makes ``@skip_unless_windows`` read as the call.
    """
    if isinstance(expr, ast.Name):
        assigned = model.assigned_value(expr)
        if assigned is not None:
            return assigned
    return expr


def _marked_windows_only(model: Model, body: list[ast.stmt]) -> bool:
    """``pytestmark = pytest.mark.skipif(sys.platform != "win32", ...)`` (or a list of marks) in ``body``."""
    for statement in body:
        if not (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets)
        ):
            continue
        value = statement.value
        marks = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        if any(skips_off_windows(_value_of(model, mark)) for mark in marks):
            return True
    return False


def _within(child: ast.AST, statements: list[ast.stmt]) -> bool:
    return any(child is statement for statement in statements)


def _runs_after_windows_import(model: Model, parent: ast.AST, child: ast.AST) -> bool:
    """Whether ``child`` of ``parent`` runs only once a Windows-only import worked.

    That is when an earlier statement of the same block imports a Windows-only
    module or evaluates a name that exists only on Windows (``with
    self.assertRaises(WindowsError) as cm:``: a ``NameError`` elsewhere), or
    when ``child`` is in the ``else:`` of a ``try`` whose body imports one.
    The ``except`` clauses are not: they run when the import failed.
    """
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if not isinstance(block, list) or not _within(child, block):
            continue
        for statement in block:
            if statement is child:
                break
            if imports_windows_module(statement) or _evaluates_windows_name(model, statement):
                return True
        body = getattr(parent, "body", [])
        return (
            field == "orelse"
            and isinstance(parent, _TRY)
            and any(imports_windows_module(statement) for statement in body)
        )
    return False


#: Statements whose expressions are evaluated as soon as they run.
_EVALUATING = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)
#: Expressions whose parts may not all be evaluated.
_LAZY = (
    ast.BoolOp,
    ast.IfExp,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _windows_builtin(model: Model, node: ast.AST) -> bool:
    """A free ``WindowsError`` (no binding here, no star import that could give one)."""
    return (
        isinstance(node, ast.Name)
        and node.id in _WINDOWS_ONLY_NAMES
        and not model.lookup(node)
        and not model.star_imports
    )


def _evaluates_windows_name(model: Model, statement: ast.stmt) -> bool:
    """Whether running ``statement`` evaluates a builtin that exists only on Windows.

    ``with self.assertRaises(WindowsError) as cm:``, ``x = WindowsError``:
    elsewhere a ``NameError`` stops the block there.  Parts that may be
    skipped (``and``/``or``, conditional expressions, lambdas,
    comprehensions) do not count.
    """
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        roots: list[ast.AST] = [item.context_expr for item in statement.items]
    elif isinstance(statement, _EVALUATING) and statement.value is not None:
        roots = [statement.value]
    else:
        return False
    stack = roots
    while stack:
        node = stack.pop()
        if _windows_builtin(model, node):
            return True
        if not isinstance(node, _LAZY):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _catches_windows_only_classes(model: Model, handler: ast.ExceptHandler) -> bool:
    """``except pywintypes.error:``: every meaning of every name comes from a Windows-only module.

    Or the clause names a builtin that exists only on Windows (``except
    WindowsError:``, ``except (OSError, WindowsError):``): elsewhere
    evaluating it raises ``NameError``, so the clause never runs.
    """
    if handler.type is None:
        return False
    types = handler.type
    elements = list(types.elts) if isinstance(types, ast.Tuple) else [types]
    if any(_windows_builtin(model, element) for element in elements):
        return True
    for element in elements:
        if isinstance(element, ast.Starred):
            element = element.value
        names = model.qualified_names(element)
        if not any(name.source == "import" for name in names):
            return False
        if not all(is_windows_module(name.name.rpartition(".")[0]) for name in names):
            return False
    return bool(elements)


def defined_by_file(model: Model, node: ast.AST, qualified: str) -> bool:
    """Whether the file gives a module the attribute ``qualified`` itself
    (``"errno.WSAEADDRINUSE"``) on a line before ``node``: an assignment
    (``errno.WSAEADDRINUSE = errno.EADDRINUSE``, the fallback of a probe
    that failed), ``setattr(errno, "WSAEADDRINUSE", ...)``, or a
    ``patch.object(errno, "WSAEADDRINUSE", ..., create=True)`` /
    ``patch("errno.WSAEADDRINUSE", ..., create=True)`` (as a ``with`` item:
    only inside its block).  From there on the attribute exists on every
    platform."""
    key = (defined_by_file, qualified)
    spans = model.memo.get(key)
    if spans is None:
        spans = model.memo[key] = _definitions(model, qualified)
    assert isinstance(spans, list)
    line = getattr(node, "lineno", 0)
    return any(first < line <= last for first, last in spans)


def _definitions(model: Model, qualified: str) -> list[tuple[int, float]]:
    """Where :func:`defined_by_file` finds the attribute defined: (after this
    line, up to that one) spans."""
    module, _, attribute = qualified.rpartition(".")
    spans: list[tuple[int, float]] = [
        (target.lineno, float("inf"))
        for assign in model.nodes(ast.Assign)
        for target in assign.targets
        if isinstance(target, ast.Attribute)
        and target.attr == attribute
        and qualified in model.imported_names(target)
    ]
    for call in model.nodes(ast.Call):
        callee = model.imported_names(call.func) | {_dotted(call.func)}
        args = call.args
        creates = any(
            k.arg == "create" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in call.keywords
        )
        on_module = len(args) >= 2 and _string(args[1]) == attribute
        on_module = on_module and (
            module in model.imported_names(args[0]) or _dotted(args[0]) == module
        )
        if on_module and ("builtins.setattr" in callee or "setattr" in callee):
            spans.append((call.lineno, float("inf")))
            continue
        patched = (on_module and any(name.endswith("patch.object") for name in callee)) or (
            bool(args)
            and _string(args[0]) == qualified
            and any(name.endswith("patch") for name in callee)
        )
        if not (creates and patched):
            continue
        holder = model.parent(call)
        if isinstance(holder, ast.withitem):
            block = model.parent(holder)
            assert isinstance(block, (ast.With, ast.AsyncWith))
            spans.append((call.lineno, block.end_lineno or call.lineno))
        else:
            spans.append((call.lineno, float("inf")))
    return spans


def _dotted(expr: ast.AST) -> str:
    """``a.b.c`` for a chain of names (``""`` for anything else)."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return ""
    parts.append(expr.id)
    return ".".join(reversed(parts))


def _string(expr: ast.AST) -> str | None:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None
