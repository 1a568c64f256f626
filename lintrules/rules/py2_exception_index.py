"""NC006 py2-exception-index."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from .._errno_exprs import Handler, binding_handler, enclosing_handler, is_exc_info_value
from .._nodes import code_of
from ..gate import AstIndex
from .._cst_rule import Fix, Invalid, Rule, Safety, Valid

if TYPE_CHECKING:
    from ..reduce import NodeTest

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

#: Names bound by ``except ... as name`` and by Python 2's ``except Error, name:``.
_BOUND_NAMES = re.compile(
    r"except\b[^:]*?\bas\s+([A-Za-z_]\w*)|except\b[^:\n]*,\s*([A-Za-z_]\w*)\s*:"
)

#: Parents for which a subscript is a target, not a read.
_TARGET_PARENTS = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del, cst.For, cst.CompFor)


_EXC_INFO_CALL = re.compile(r"exc_info\(\s*\)")
#: What may stand before ``exc_info()`` on its line to bind its exception:
#: ``e = sys.exc_info()`` (then ``[1]``) or ``_, e, _ = sys.exc_info()``.
_BOUND_BEFORE = re.compile(
    r"(?:([A-Za-z_]\w*)"
    r"|[(\[]?\s*[A-Za-z_]\w*\s*,\s*([A-Za-z_]\w*)\s*,\s*[A-Za-z_]\w*\s*[)\]]?)"
    r"\s*=\s*[\w.]*\Z"
)
_INDEX_ONE = re.compile(r"\s*\[\s*1\s*\]")


def _exc_info_text_indexed(text: str) -> bool:
    """The text of :func:`_exc_info_indexed`: ``sys.exc_info()[1][0]``, or a name bound from it indexed."""
    names: set[str] = set()
    for call in _EXC_INFO_CALL.finditer(text):
        one = _INDEX_ONE.match(text, call.end())
        if one is not None and text[one.end() : one.end() + 40].lstrip().startswith("["):
            return True  # sys.exc_info()[1][0]
        line_start = text.rfind("\n", 0, call.start()) + 1
        bound = _BOUND_BEFORE.search(text[line_start : call.start()])
        if bound is not None and (bound.group(2) or one is not None):
            names.add(bound.group(1) or bound.group(2))
    return any(re.search(rf"(?<![\w.]){re.escape(name)}\s*\[\s*-?\s*\d", text) for name in names)


@lru_cache(maxsize=64)
def _block_end(indent: int) -> re.Pattern[str]:
    """The start of the next line of code indented at most ``indent`` columns."""
    return re.compile(rf"^[ \t]{{0,{indent}}}(?=[^\s#])", re.MULTILINE)


def _indexed_in_handler(tree: ast.AST) -> bool:
    """Whether an ``except ... as e`` body indexes ``e`` with a number (``e[0]``).

    Like :func:`~lintrules._errno_exprs.binding_handler`, the look stops at
    nested functions, classes and lambdas.
    """
    for handler in ast.walk(tree):
        if not isinstance(handler, ast.ExceptHandler) or not handler.name:
            continue
        stack: list[ast.AST] = list(handler.body)
        while stack:
            node = stack.pop()
            if isinstance(node, _SCOPES):
                continue
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == handler.name
                and _is_int(node.slice)
            ):
                return True
            stack.extend(ast.iter_child_nodes(node))
    return False


def _exc_info_indexed(tree: ast.AST) -> bool:
    """Whether ``sys.exc_info()[1]``, or a name bound from it, is indexed with a number."""
    names: set[str] = set()
    subscripts: list[ast.Subscript] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            subscripts.append(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and _is_exc_info_value(node.value):
                    names.add(target.id)
                elif (
                    isinstance(target, (ast.Tuple, ast.List))
                    and len(target.elts) == 3
                    and isinstance(target.elts[1], ast.Name)
                    and _is_exc_info_call(node.value)
                ):
                    names.add(target.elts[1].id)
    return any(
        _is_int(node.slice)
        and (
            _is_exc_info_value(node.value)
            or (isinstance(node.value, ast.Name) and node.value.id in names)
        )
        for node in subscripts
    )


def _is_exc_info_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "exc_info") or (
        isinstance(func, ast.Attribute) and func.attr == "exc_info"
    )


def _is_exc_info_value(node: ast.AST) -> bool:
    """``sys.exc_info()[1]``."""
    return (
        isinstance(node, ast.Subscript)
        and _is_exc_info_call(node.value)
        and _is_int(node.slice)
        and _int_of(node.slice) == 1
    )


def _int_of(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _is_int(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if isinstance(node, ast.Index):  # Python 3.8's wrapper  # pragma: no cover
        node = node.value  # type: ignore[attr-defined]
    return isinstance(node, ast.Constant) and type(node.value) is int


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class Py2ExceptionIndex(Rule):
    """An exception indexed like a tuple (``e[0]``), which only Python 2 allowed.

    ## What it does
    Finds ``e[0]``, ``e[1]``, ``e[2]`` and ``e[-1]`` where ``e`` is bound by
    an ``except ... as e`` clause (of any exception type), is
    ``sys.exc_info()[1]``, or a local copied from it
    (``e = sys.exc_info()[1]``, ``_, e, _ = sys.exc_info()``).

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
    Only the indexes ``[0]``, ``[1]``, ``[2]`` and ``[-1]`` written without
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
        Valid(
            "try:\n    pass\nexcept OSError as e:\n    parts = [e]\n    first = parts[0]\n",
            id="list-holding-the-exception",
        ),
        Valid(
            "class Py2Style(Exception):\n    def __getitem__(self, i):\n        return self.args[i]\n"
            "try:\n    pass\nexcept Py2Style as e:\n    code = e[0]\n",
            id="class-defines-getitem",
        ),
        Valid(
            "try:\n    pass\nexcept OSError as e:\n    pass\ne = [1, 2]\nx = e[0]\n",
            id="name-reused-after-handler",
        ),
        Valid(
            "import sys\ninfo = sys.exc_info()\nkind = info[0]\n",
            id="exc-info-tuple-itself",
        ),
        Valid(
            "try:\n    pass\nexcept OSError as e:\n    code = e[ 0 ]\n",
            id="spaced-index-not-looked-at",
        ),
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
        Invalid(
            "import sys\ntry:\n    pass\nexcept OSError:\n    _, err, _ = sys.exc_info()\n"
            "    code = err[0]\n",
            "import sys\ntry:\n    pass\nexcept OSError:\n    _, err, _ = sys.exc_info()\n"
            "    code = err.args[0]\n",
            id="exc-info-unpacked",
        ),
        Invalid(
            "import sys\ntry:\n    pass\nexcept OSError:\n    code = sys.exc_info()[1][0]\n",
            "import sys\ntry:\n    pass\nexcept OSError:\n    code = sys.exc_info()[1].args[0]\n",
            id="exc-info-directly",
        ),
        Invalid(
            "class NetError(IOError):\n    pass\ntry:\n    pass\nexcept NetError as e:\n    code = e[0]\n",
            "class NetError(IOError):\n    pass\ntry:\n    pass\nexcept NetError as e:\n"
            "    code = e.args[0]\n",
            id="local-subclass-without-getitem",
        ),
        Invalid(
            "import requests\ntry:\n    pass\nexcept requests.RequestException as e:\n    code = e[0]\n",
            None,
            id="third-party-class-no-safe-fix",
        ),
        Invalid(
            "import requests\ntry:\n    pass\nexcept requests.RequestException as e:\n    code = e[0]\n",
            "import requests\ntry:\n    pass\nexcept requests.RequestException as e:\n"
            "    code = e.args[0]\n",
            unsafe=True,
            id="third-party-class-unsafe-fix",
        ),
        Invalid(
            "import sys\ntry:\n    pass\nexcept:\n    code = sys.exc_info()[1][0]\n",
            None,
            id="bare-except-exc-info-no-safe-fix",
        ),
        Invalid(
            "try:\n    pass\nexcept OSError as e:\n    try:\n        pass\n    except ValueError as v:\n"
            "        code = e[0]\n",
            "try:\n    pass\nexcept OSError as e:\n    try:\n        pass\n    except ValueError as v:\n"
            "        code = e.args[0]\n",
            id="nested-handlers",
        ),
    ]

    @classmethod
    def text_gate(cls, text: str) -> bool:
        # ``[0]`` is everywhere: look for a name an ``except`` binds, indexed.
        if not cls.needles_in(text):
            return False
        if "exc_info" in text and _exc_info_text_indexed(text):
            return True
        # In the clause's body: up to the next line indented no deeper than
        # the ``except`` (a line of a string at the left margin ends it
        # early; such a clause is not worth a parse).
        for match in _BOUND_NAMES.finditer(text):
            name = match.group(1) or match.group(2)
            line_start = text.rfind("\n", 0, match.start()) + 1
            indent = match.start() - line_start
            end = _block_end(indent).search(text, match.end())
            body = text[match.end() : end.start() if end else len(text)]
            if re.search(rf"(?<![\w.]){re.escape(name)}\s*\[\s*-?\s*\d", body):
                return True
        return False

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        subscripted = index.int_subscripted_names
        # e = sys.exc_info()[1]; e[0]  /  sys.exc_info()[1][0]
        if (
            "exc_info" in index.calls
            and subscripted
            and (index.tree is None or _exc_info_indexed(index.tree))
        ):
            return True
        if not subscripted & index.handler_names:
            return False
        return index.tree is None or _indexed_in_handler(index.tree)

    @classmethod
    def needs(cls, index: AstIndex) -> NodeTest | None:
        # The exception is bound by an ``except`` clause or by
        # ``sys.exc_info()`` in the function that indexes it.
        del index
        return _indexes_with_number

    def visit_Subscript(self, node: cst.Subscript) -> None:
        text = code_of(node)
        if not text.endswith(_INDEXES) or len(node.slice) != 1:
            return
        if not isinstance(node.slice[0].slice, cst.Index):
            return
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, _TARGET_PARENTS) and getattr(parent, "target", None) is node:
            return
        if isinstance(parent, cst.Del):
            return
        value = node.value
        safety = self._safety(value)
        if safety is None:
            return
        fixed_node = node.with_changes(value=cst.Attribute(value, cst.Name("args")))
        fixed = code_of(fixed_node)
        message = self.MESSAGE.format(text=text) + f": use {fixed}"
        self.report(
            node,
            message,
            fix=Fix(fixed_node, safety, self.FIX_TITLE.format(fixed=fixed)),
        )

    # -- is the subscripted value an exception, and which classes can it be? --

    def _safety(self, value: cst.BaseExpression) -> Safety | None:
        """None when ``value`` is not known to be an exception (or is subscriptable)."""
        if is_exc_info_value(self, value):
            return self._handler_safety(enclosing_handler(self, value))
        if not isinstance(value, cst.Name):
            return None
        handler = binding_handler(self, value)
        if handler is not None:
            return self._handler_safety(handler)
        if self._from_exc_info(value):
            return self._handler_safety(enclosing_handler(self, value))
        return None

    def _from_exc_info(self, name: cst.Name) -> bool:
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return False
        assignments = list(scope[name.value])
        return bool(assignments) and all(self._exc_info_assignment(a) for a in assignments)

    def _exc_info_assignment(self, assignment: object) -> bool:
        target = getattr(assignment, "node", None)
        if not isinstance(target, cst.Name):
            return False
        parent = self.get_metadata(ParentNodeProvider, target, None)
        if isinstance(parent, cst.AssignTarget):
            statement = self.get_metadata(ParentNodeProvider, parent, None)
            return isinstance(statement, cst.Assign) and is_exc_info_value(self, statement.value)
        if isinstance(parent, cst.Element):
            sequence = self.get_metadata(ParentNodeProvider, parent, None)
            if not isinstance(sequence, (cst.Tuple, cst.List)) or len(sequence.elements) != 3:
                return False
            if sequence.elements[1] is not parent:
                return False
            holder = self.get_metadata(ParentNodeProvider, sequence, None)
            statement = self.get_metadata(ParentNodeProvider, holder, None) if holder else None
            return (
                isinstance(holder, cst.AssignTarget)
                and isinstance(statement, cst.Assign)
                and isinstance(statement.value, cst.Call)
                and "sys.exc_info"
                in {
                    q.name
                    for q in self.get_metadata(QualifiedNameProvider, statement.value.func, set())
                }
            )
        return False

    def _handler_safety(self, handler: Handler | None) -> Safety | None:
        if handler is None or handler.type is None:
            return "unsafe"
        return self._type_safety(handler.type, 0)

    def _type_safety(self, node: cst.BaseExpression, depth: int) -> Safety | None:
        """ "safe" for classes known not to be subscriptable, None for one that is."""
        if depth > 6:
            return "unsafe"
        if isinstance(node, (cst.Tuple, cst.List)):
            results = [
                self._type_safety(e.value, depth + 1)
                for e in node.elements
                if isinstance(e, cst.Element)
            ]
            if None in results:
                return None
            return "safe" if all(r == "safe" for r in results) else "unsafe"
        names = self.get_metadata(QualifiedNameProvider, node, set())
        if not names:
            return "unsafe"
        found: list[Safety | None] = []
        for qualified in names:
            if qualified.source is QualifiedNameSource.BUILTIN:
                found.append("safe")
            elif qualified.source is QualifiedNameSource.IMPORT:
                top = qualified.name.split(".")[0]
                found.append("safe" if top in _STDLIB_MODULES else "unsafe")
            elif isinstance(node, cst.Name):
                found.append(self._local_class_safety(node, depth))
            else:
                found.append("unsafe")
        if None in found:
            return None
        return "safe" if all(r == "safe" for r in found) else "unsafe"

    def _local_class_safety(self, node: cst.Name, depth: int) -> Safety | None:
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return "unsafe"
        classes = [
            a.node
            for a in scope[node.value]
            if isinstance(a, Assignment) and isinstance(a.node, cst.ClassDef)
        ]
        if not classes:
            return "unsafe"
        result: Safety | None = "safe"
        for klass in classes:
            assert isinstance(klass, cst.ClassDef)
            if _defines_getitem(klass):
                return None
            for base in klass.bases:
                if base.keyword is not None:
                    continue
                base_safety = self._type_safety(base.value, depth + 1)
                if base_safety is None:
                    return None
                if base_safety == "unsafe":
                    result = "unsafe"
        return result


def _defines_getitem(klass: cst.ClassDef) -> bool:
    body = klass.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else ()
    for statement in statements:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "__getitem__":
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == "__getitem__"
                    for t in small.targets
                ):
                    return True
    return False


def _indexes_with_number(node: ast.AST) -> bool:
    # A class of the file with ``__getitem__`` makes its instances subscriptable.
    return (
        (isinstance(node, ast.Subscript) and _is_int(node.slice))
        or _is_exc_info_call(node)
        or (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__getitem__"
        )
    )
