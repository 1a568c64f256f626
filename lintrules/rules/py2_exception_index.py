"""NC006 py2-exception-index."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable

from ..analysis.exceptions import unreachable
from ..analysis.guards import caught_names
from ..analysis.model import Model
from ..fixing.exception_fixes import args_subscripted
from ..rule import Fix, Invalid, Rule, Safety, Valid

#: Standard-library modules whose exception classes are known not to be
#: subscriptable (none of the standard library's are).
_STDLIB_MODULES = frozenset(
    {
        "asyncio", "binascii", "concurrent", "configparser", "csv", "ctypes", "email",
        "ftplib", "http", "imaplib", "io", "json", "os", "pickle", "poplib", "queue",
        "select", "shutil", "smtplib", "socket", "socketserver", "sqlite3", "ssl",
        "struct", "subprocess", "tarfile", "telnetlib", "urllib", "xmlrpc", "zipfile", "zlib",
    }
)  # fmt: skip

#: ``X[...]`` texts the rule handles; every finding contains one of them.
_INDEXES = ("[0]", "[1]", "[2]", "[-1]")

#: How deep a caught class is followed through tuples and local bases.
_MAX_DEPTH = 6


class Py2ExceptionIndex(Rule):
    """An exception indexed like a tuple (``e[0]``), which only Python 2 allowed.

    ## What it does
    Finds ``e[0]``, ``e[1]``, ``e[2]`` and ``e[-1]`` where ``e`` is bound by
    an ``except ... as e`` clause (of any exception type), is
    ``sys.exc_info()[1]``, or a local copied from it
    (``e = sys.exc_info()[1]``, ``_, e, _ = sys.exc_info()``).

    Code that never runs on Python 3 is not reported: under ``if
    isinstance(e, tuple):`` (or ``type(e) is tuple``, ``hasattr(e,
    "__getitem__")``, ``sys.version_info < (3,)``, ``sys.version_info[0]
    == 2``, ``six.PY2``), in the other branch of their negations or of
    ``isinstance(e, OSError)`` where ``e`` was caught as ``OSError`` or one
    of its Python 2 names (``except select.error as e: code = e.errno if
    isinstance(e, OSError) else e[0]``), after
    ``isinstance(e, tuple) and``, after ``not isinstance(e, tuple) or``,
    after an earlier ``if not isinstance(e, tuple): return`` (``raise``,
    ``continue``, ``break``) of an enclosing block, and in a ``try`` that
    catches ``TypeError`` (``try: code = e[0]`` / ``except TypeError: code
    = e.args[0]``), and in an ``except`` clause that an earlier one shadows
    on Python 3 (NC007 reports that clause: ``except OSError:`` before
    ``except select.error as e:``).  Such code was written for both Pythons.

    ## Why is this bad?
    Python 2 exceptions were sequences of their ``args``; Python 3 removed
    that, so ``e[0]`` raises ``TypeError: 'OSError' object is not
    subscriptable``, typically inside an ``except`` block, where it replaces
    the error being handled.  Code converted from Python 2 still parses, so
    nothing flags it until that handler runs.  (Python 2 syntax such as
    ``except socket.error, e:`` does not parse at all and is reported as
    NC901.)

    ## Example
    ```python
    except socket.error as e:
        if e[0] == errno.ECONNRESET:
            reconnect()
    ```

    ## Use instead
    ```python
    except socket.error as e:
        if e.args[0] == errno.ECONNRESET:
            reconnect()
    ```

    ## Fix safety
    The fix writes ``e.args[0]``, the exact Python 3 spelling of what
    ``e[0]`` meant in Python 2, for every exception type.  ``e.errno`` would
    read better for an ``OSError`` but differs when the error was raised
    with a single argument (``socket.timeout("timed out")``: ``args[0]`` is
    the message, ``errno`` is None), so it is left to NC001, whose fix then
    runs on the result in the same ``--fix`` run (``e[0] == 104`` becomes
    ``e.args[0] == errno.ECONNRESET``).

    Safe when every caught class is a builtin or standard-library exception
    or a class of this module that does not define ``__getitem__``: the old
    code could only raise ``TypeError``.  Unsafe when a caught class comes
    from another package, or the exception is taken from
    ``sys.exc_info()`` under a bare ``except``: such a class might define
    ``__getitem__`` with a meaning of its own.  A class of this module that
    defines ``__getitem__`` is not reported.

    ## Known problems
    A test of ``len(e.args)`` is no guard (``e[1]`` still raises
    ``TypeError`` when it holds), so it is reported.  Only the indexes ``[0]``, ``[1]``, ``[2]`` and ``[-1]`` written without
    spaces are looked at (the rule's text prefilter needs a fixed string);
    slices (``e[1:]``) and unpacking (``code, msg = e``, also a Python 2
    idiom) are not.  A handler name rebound inside the handler is not noticed.
    """

    CODE = "NC006"
    NAME = "py2-exception-index"
    MESSAGE = "{text} raises TypeError on Python 3: exceptions are not subscriptable"
    FIX_TITLE = "Use {fixed}"
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = _INDEXES

    VALID = [
        Valid("try:\n    pass\nexcept OSError as e:\n    code = e.args[0]\n", id="already-args"),
        Valid("try:\n    pass\nexcept OSError as e:\n    code = e.errno\n", id="errno-attribute"),
        Valid("def f(e):\n    return e[0]\n", id="parameter-not-an-exception"),
        Valid("row = cursor.fetchone()\nfirst = row[0]\n", id="plain-sequence"),
    ]
    INVALID = [
        Invalid(
            "import socket\ntry:\n    pass\nexcept socket.error as e:\n"
            "    if e[0] == 104:  # error\n        pass\n",
            "import socket\ntry:\n    pass\nexcept socket.error as e:\n"
            "    if e.args[0] == 104:  # error\n        pass\n",
            message="e[0] raises TypeError on Python 3",
            id="socket-error-index-0",
        ),
        Invalid(
            "try:\n    pass\nexcept OSError as e:\n    print(e[1])\n",
            "try:\n    pass\nexcept OSError as e:\n    print(e.args[1])\n",
            id="message-index-1",
        ),
        Invalid(
            "try:\n    pass\nexcept EnvironmentError as err:\n    name = err[2]\n",
            "try:\n    pass\nexcept EnvironmentError as err:\n    name = err.args[2]\n",
            id="filename-index-2",
        ),
        Invalid(
            "try:\n    pass\nexcept ValueError as e:\n    msg = e[-1]\n",
            "try:\n    pass\nexcept ValueError as e:\n    msg = e.args[-1]\n",
            id="any-builtin-exception-last",
        ),
        Invalid(
            "try:\n    pass\nexcept (IOError, OSError) as e:\n    code, msg = e[0], e[1]\n",
            "try:\n    pass\nexcept (IOError, OSError) as e:\n    code, msg = e.args[0], e.args[1]\n",
            count=2,
            id="tuple-of-classes-two-findings",
        ),
        Invalid(
            "import sys, socket\ntry:\n    pass\nexcept socket.error:\n"
            "    e = sys.exc_info()[1]\n    code = e[0]\n",
            "import sys, socket\ntry:\n    pass\nexcept socket.error:\n"
            "    e = sys.exc_info()[1]\n    code = e.args[0]\n",
            id="py2-and-3-compatible-exc-info",
        ),
    ]

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if not isinstance(node.ctx, ast.Load) and self._assigned(node):
            return
        if not _indexed(self.model, node) or _dead_on_python3(self.model, node):
            return
        safety = self._safety(node.value)
        if safety is None:
            return
        text = self.model.segment(node)
        # ``.args`` goes right after the value and its own parentheses.
        start = self.model.span(node)
        value = self.model.written(node.value, (start.line, start.column))
        fixed = f"{value}.args{text[len(value) :]}"
        message = self.MESSAGE.format(text=text) + f": use {fixed}"
        self.report(
            node,
            message,
            fix=Fix(args_subscripted(), safety, self.FIX_TITLE.format(fixed=fixed)),
        )

    def _assigned(self, node: ast.Subscript) -> bool:
        """Whether ``node`` is the whole target of an assignment, ``for`` or ``del``.

        A subscript inside a tuple target (``a, e[0] = ...``) is still reported.
        """
        parent = self.model.parent(node)
        if isinstance(parent, ast.Assign):
            return any(node is target for target in parent.targets)
        if isinstance(parent, ast.Delete):
            return len(parent.targets) == 1
        return getattr(parent, "target", None) is node

    # -- is the subscripted value an exception, and which classes can it be? --

    def _safety(self, value: ast.expr) -> Safety | None:
        """None when ``value`` is not known to be an exception (or is subscriptable)."""
        model = self.model
        if _is_exc_info_value(model, value):
            return self._handler_safety(model.enclosing_handler(value))
        if not isinstance(value, ast.Name):
            return None
        handler = model.binding_handler(value)
        if handler is not None:
            return self._handler_safety(handler)
        bindings = model.value_bindings(value)
        if bindings and all(_exc_info_assignment(model, b.node) for b in bindings):
            return self._handler_safety(model.enclosing_handler(value))
        return None

    def _handler_safety(self, handler: ast.ExceptHandler | None) -> Safety | None:
        if handler is None or handler.type is None:
            return "unsafe"
        return self._type_safety(handler.type, 0)

    def _type_safety(self, node: ast.expr, depth: int) -> Safety | None:
        """ "safe" for classes known not to be subscriptable, None for one that is."""
        if depth > _MAX_DEPTH:
            return "unsafe"
        if isinstance(node, (ast.Tuple, ast.List)):
            return _fold(
                self._type_safety(element, depth + 1)
                for element in node.elts
                if not isinstance(element, ast.Starred)
            )
        named = node
        while isinstance(named, (ast.Call, ast.Subscript)):  # ``errors()``, ``ERRORS[0]``
            named = named.func if isinstance(named, ast.Call) else named.value
        names = self.model.qualified_names(named)
        if not names:
            return "unsafe"
        found: list[Safety | None] = []
        for qualified in names:
            if qualified.source == "builtin":
                found.append("safe")
            elif qualified.source == "import":
                top = qualified.name.split(".")[0]
                found.append("safe" if top in _STDLIB_MODULES else "unsafe")
            elif isinstance(node, ast.Name):
                found.append(self._local_class_safety(node, depth))
            else:
                found.append("unsafe")
        return _fold(found)

    def _local_class_safety(self, node: ast.Name, depth: int) -> Safety | None:
        classes = [b.node for b in self.model.lookup(node) if isinstance(b.node, ast.ClassDef)]
        if not classes:
            return "unsafe"
        result: Safety | None = "safe"
        for klass in classes:
            if _defines_getitem(klass):
                return None
            for base in klass.bases:
                base_safety = self._type_safety(base, depth + 1)
                if base_safety is None:
                    return None
                if base_safety == "unsafe":
                    result = "unsafe"
        return result


# -- code that never runs on Python 3 ---------------------------------------------

#: Flags that say "Python 2" (``six.PY2``, ``PY2``) or "Python 3".
_PY2_FLAGS = frozenset({"PY2", "IS_PY2", "PY27", "PYTHON2", "IS_PYTHON2", "py2", "is_py2"})
_PY3_FLAGS = frozenset({"PY3", "IS_PY3", "PY3K", "PYTHON3", "IS_PYTHON3", "py3", "is_py3"})
#: Classes an exception never is on Python 3 (it was a sequence on Python 2).
_SEQUENCES = frozenset({"tuple", "list"})


def _on_python3(test: ast.AST, name: str, oserror: bool = False) -> bool | None:
    """The value ``test`` has on Python 3 when ``name`` is an exception, if it is known.

    False: ``isinstance(e, tuple)``, ``type(e) is tuple``, ``hasattr(e,
    "__getitem__")``, ``sys.version_info < (3,)``, ``sys.version_info[0] ==
    2``, ``six.PY2``; True: their negations, ``PY3``, and, when ``oserror``
    says ``e`` was caught as an ``OSError`` (``except select.error as e``),
    ``isinstance(e, OSError)`` (``socket.error``, ``IOError``...): on
    Python 2 those were other classes, on Python 3 they are all ``OSError``.
    ``not``, ``and`` and ``or`` combine them; anything else is None (not known).
    """
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _on_python3(test.operand, name, oserror)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        values = [_on_python3(value, name, oserror) for value in test.values]
        deciding = isinstance(test.op, ast.Or)  # True decides an ``or``, False an ``and``
        if deciding in values:
            return deciding
        return (not deciding) if all(v is not None for v in values) else None
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and len(test.args) == 2:
        subject, second = test.args
        if not (isinstance(subject, ast.Name) and subject.id == name):
            return None
        if test.func.id == "isinstance" and _names_sequences(second):
            return False
        if test.func.id == "isinstance" and oserror and _names_oserror(second):
            return True
        if test.func.id == "hasattr" and isinstance(second, ast.Constant):
            return False if second.value == "__getitem__" else None
        return None
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _compare_on_python3(test, name)
    flag = _last_name(test)
    if flag in _PY2_FLAGS:
        return False
    if flag in _PY3_FLAGS:
        return True
    return None


def _compare_on_python3(test: ast.Compare, name: str) -> bool | None:
    """``type(e) is tuple`` (False), ``sys.version_info >= (3,)`` (True) and their kin."""
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if (
        isinstance(left, ast.Call)
        and isinstance(left.func, ast.Name)
        and left.func.id == "type"
        and len(left.args) == 1
        and isinstance(left.args[0], ast.Name)
        and left.args[0].id == name
        and _names_sequences(right)
    ):
        if isinstance(op, (ast.Is, ast.Eq, ast.In)):
            return False
        if isinstance(op, (ast.IsNot, ast.NotEq, ast.NotIn)):
            return True
        return None
    major = _major_version(left)
    if major is None:
        return None
    number = right.elts[0] if isinstance(right, ast.Tuple) and right.elts else right
    if not (isinstance(number, ast.Constant) and type(number.value) is int):
        return None
    bound = number.value
    if isinstance(right, ast.Tuple) and (major or (len(right.elts) > 1 and bound == 3)):
        return None  # (3, 5): the minor version decides; [0] compared with a tuple: never equal
    compare = _ORDERINGS.get(type(op))
    return None if compare is None else compare(3, bound)


def _major_version(node: ast.AST) -> bool | None:
    """True for ``sys.version_info[0]`` / ``.major``, False for ``sys.version_info``; else None."""
    if isinstance(node, ast.Subscript):
        index = node.slice
        first = isinstance(index, ast.Constant) and index.value == 0
        return True if first and _last_name(node.value) == "version_info" else None
    if isinstance(node, ast.Attribute) and node.attr == "major":
        return True if _last_name(node.value) == "version_info" else None
    return False if _last_name(node) == "version_info" else None


def _last_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


#: ``OSError`` and the names Python 3 made aliases of it.
_OSERROR_ALIASES = frozenset({"OSError", "IOError", "EnvironmentError", "WindowsError"})
_OSERROR_MODULES = frozenset({"socket", "_socket", "select", "os"})
_OSERROR_QUALIFIED = frozenset(
    {f"builtins.{alias}" for alias in _OSERROR_ALIASES}
    | {f"{module}.error" for module in _OSERROR_MODULES}
)


def _names_oserror(node: ast.AST) -> bool:
    """``OSError``, ``IOError``, ``socket.error``..., or a tuple holding one."""
    if isinstance(node, ast.Tuple):
        return any(_names_oserror(element) for element in node.elts)
    if isinstance(node, ast.Name):
        return node.id in _OSERROR_ALIASES
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "error"
        and isinstance(node.value, ast.Name)
        and node.value.id in _OSERROR_MODULES
    )


def _caught_as_oserror(model: Model, name: ast.Name) -> bool:
    """Whether ``name`` is bound by ``except C as name`` where every ``C`` is
    ``OSError`` or one of its Python 2 names (``select.error``, ``IOError``)."""
    handler = model.binding_handler(name)
    if handler is None or handler.type is None:
        return False
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return all(
        not isinstance(element, ast.Starred)
        and any(q.name in _OSERROR_QUALIFIED for q in model.qualified_names(element))
        for element in caught
    )


def _names_sequences(node: ast.AST) -> bool:
    """``tuple``, ``list`` or a tuple of them."""
    if isinstance(node, ast.Tuple):
        return bool(node.elts) and all(_names_sequences(element) for element in node.elts)
    return isinstance(node, ast.Name) and node.id in _SEQUENCES


_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
#: Comparison operators as functions, to compare Python 3's major version with a bound.
_ORDERINGS: dict[type[ast.cmpop], Callable[[int, int], bool]] = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Eq: operator.eq, ast.NotEq: operator.ne,
}  # fmt: skip


def _dead_on_python3(model: Model, node: ast.Subscript) -> bool:
    """Whether ``e[0]`` runs only where ``e`` is a sequence or the Python is 2.

    Under ``if isinstance(e, tuple):`` (or ``type(e) is tuple``, ``hasattr(e,
    "__getitem__")``, a Python 2 version test), in the branch such a test
    does not take on Python 3, after ``isinstance(e, tuple) and``, after
    ``not isinstance(e, tuple) or``, after an earlier ``if not
    isinstance(e, tuple): return`` of an enclosing block, in a ``try``
    catching ``TypeError``, or in an ``except`` clause an earlier one
    shadows on Python 3 (``except OSError:`` before ``except select.error as
    e:``): the code was written for both Pythons and does not index an
    exception on Python 3.
    """
    value = node.value
    if not isinstance(value, ast.Name):
        return False
    name = value.id
    oserror = _caught_as_oserror(model, value)
    child: ast.AST = node
    for parent in model.ancestors(node):
        if isinstance(parent, (ast.If, ast.IfExp, ast.While)) and child is not parent.test:
            taken = _on_python3(parent.test, name, oserror)
            in_body = child is parent.body or (
                isinstance(parent.body, list) and any(child is s for s in parent.body)
            )
            if taken is not None and taken != in_body:
                return True
        elif isinstance(parent, ast.BoolOp):
            for operand in parent.values:
                if operand is child:
                    break
                outcome = _on_python3(operand, name, oserror)
                if outcome is not None and outcome == isinstance(parent.op, ast.Or):
                    return True
        elif _tried_for_type_error(parent, child):
            return True
        elif isinstance(parent, ast.ExceptHandler) and unreachable(model, parent):
            return True  # an earlier clause catches all it names: NC007's finding
        if _exits_earlier_on_python3(parent, child, name, oserror):
            return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        child = parent
    return False


def _tried_for_type_error(parent: ast.AST, child: ast.AST) -> bool:
    """``try: code = e[0]`` with ``except TypeError:``: the index's failure on Python 3 is handled."""
    if not isinstance(parent, _TRY) or not any(child is s for s in parent.body):  # type: ignore[attr-defined]
        return False
    return any(
        "TypeError" in (caught_names(handler) or ())
        for handler in parent.handlers  # type: ignore[attr-defined]
    )


def _exits_earlier_on_python3(parent: ast.AST, child: ast.AST, name: str, oserror: bool) -> bool:
    """An earlier ``if not isinstance(e, tuple): return`` in the block holding ``child``."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if not isinstance(block, list) or not any(child is s for s in block):
            continue
        for statement in block:
            if statement is child:
                return False
            if (
                isinstance(statement, ast.If)
                and statement.body
                and isinstance(statement.body[-1], _EXITS)
                and _on_python3(statement.test, name, oserror) is True
            ):
                return True
    return False


_TRY: tuple[type[ast.AST], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


def _fold(results: Iterable[Safety | None]) -> Safety | None:
    """None if one class is subscriptable, "safe" if all are known not to be, else "unsafe"."""
    found = list(results)
    if None in found:
        return None
    return "safe" if all(r == "safe" for r in found) else "unsafe"


def _indexed(model: Model, node: ast.Subscript) -> bool:
    """Whether ``node`` is ``X[0]`` (``[1]``, ``[2]``, ``[-1]``), written without spaces."""
    index = node.slice
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        index = index.operand
    if not (isinstance(index, ast.Constant) and type(index.value) is int and index.value <= 2):
        return False
    span = model.span(node)
    return model.source.line(span.end_line)[: span.end_column].endswith(_INDEXES)


def _is_exc_info_value(model: Model, node: ast.AST) -> bool:
    """Whether ``node`` is ``sys.exc_info()[1]``."""
    if not isinstance(node, ast.Subscript):
        return False
    index, call = node.slice, node.value
    return (
        isinstance(index, ast.Constant)
        and type(index.value) is int
        and index.value == 1
        and _is_exc_info_call(model, call)
        and not (call.args or call.keywords)  # type: ignore[attr-defined]
    )


def _is_exc_info_call(model: Model, node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and any(
        q.name == "sys.exc_info" for q in model.qualified_names(node.func)
    )


def _exc_info_assignment(model: Model, target: ast.AST) -> bool:
    """``e = sys.exc_info()[1]`` or ``_, e, _ = sys.exc_info()`` binds ``target``."""
    if not isinstance(target, ast.Name):
        return False
    parent = model.parent(target)
    if isinstance(parent, ast.Assign) and any(target is t for t in parent.targets):
        return _is_exc_info_value(model, parent.value)
    if (
        isinstance(parent, (ast.Tuple, ast.List))
        and len(parent.elts) == 3
        and parent.elts[1] is target
    ):
        statement = model.parent(parent)
        return (
            isinstance(statement, ast.Assign)
            and any(parent is t for t in statement.targets)
            and _is_exc_info_call(model, statement.value)
        )
    return False


def _defines_getitem(klass: ast.ClassDef) -> bool:
    for statement in klass.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name == "__getitem__":
                return True
        elif isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__getitem__" for t in statement.targets
        ):
            return True
    return False
