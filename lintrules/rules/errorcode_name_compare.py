"""NC005 errorcode-name-compare."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from netcompat._errnos import ERRNO_FACTS, PLATFORMS

from .._errno_exprs import ErrnoWriter, errno_writer, membership, rebuild_elements
from .._facts import FACTS_BY_NAME, WSA_EQUAL_ON_WINDOWS, WSA_NAMES, number_on
from ..gate import AstIndex
from ..rule import Fix, Invalid, Rule, Safety, Valid

if TYPE_CHECKING:
    from ..reduce import NodeTest

#: Names that share their number with another name on some platform
#: (EAGAIN and EWOULDBLOCK): ``errno.errorcode`` gives only one of them, so a
#: comparison with the other was never true there, and the fix changes that.
_ALIASED: frozenset[str] = frozenset(
    fact.name
    for fact in ERRNO_FACTS
    for other in ERRNO_FACTS
    if other is not fact
    and any(
        number_on(fact, platform) is not None
        and number_on(fact, platform) == number_on(other, platform)
        for platform in PLATFORMS
    )
)

_KNOWN = frozenset(FACTS_BY_NAME) | frozenset(WSA_NAMES)

#: Expressions that need parentheses as the operand of a comparison.
_LOW_PRECEDENCE = (cst.BooleanOperation, cst.Comparison, cst.IfExp, cst.Lambda, cst.NamedExpr)


def _operand(node: cst.BaseExpression) -> cst.BaseExpression:
    low = isinstance(node, _LOW_PRECEDENCE) or (
        isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)
    )
    if low and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _portable(name: str) -> str | None:
    """The ``errno`` constant a compared name stands for, None if there is no safe one."""
    if name in FACTS_BY_NAME:
        return name
    if name in WSA_EQUAL_ON_WINDOWS:
        return WSA_NAMES[name].name
    return None


class ErrorcodeNameCompare(Rule):
    """An errno compared by its name through ``errno.errorcode``.

    ## What it does
    Finds ``errno.errorcode[e.errno] == "ECONNRESET"`` (also
    ``errno.errorcode.get(e.errno)``, ``!=``, ``in``/``not in`` a tuple, list
    or set of names, either side) where a compared name is a socket error of
    the project's errno table or its WinSock ``WSAE*`` spelling.

    ## Why is this bad?
    ``errno.errorcode`` holds one name per number, and on Windows the WinSock
    names win: ``errno.errorcode[10054]`` is ``"WSAECONNRESET"``, so a
    comparison with ``"ECONNRESET"`` is never true there, and one with
    ``"WSAECONNRESET"`` is never true anywhere else.  An errno the platform
    does not know, or ``None`` (an ``OSError`` raised with a message only),
    makes the lookup raise ``KeyError`` inside the error handler.
    Comparing numbers with the ``errno`` constants has none of these problems.

    ## Example
    ```python
    except OSError as e:
        if errno.errorcode[e.errno] in ("ECONNRESET", "WSAECONNRESET"):
            reconnect()
    ```

    ## Use instead
    ```python
    except OSError as e:
        if e.errno == errno.ECONNRESET:
            reconnect()
    ```

    ## Fix safety
    Safe: for every errno the lookup knows, the fixed comparison is true
    exactly when the old one was on Linux and macOS, and on Windows it
    becomes true for the WinSock number the name stands for; a WinSock name
    (``"WSAECONNRESET"``) becomes the portable constant, which Python gives
    the same value on Windows.  Where the old code raised ``KeyError`` (an
    unknown errno, or ``None``), the fixed code compares as unequal instead:
    this removes a crash inside an error handler, which we count as making
    it right, as NC002 and NC006 do.  Unsafe for ``"EAGAIN"`` and
    ``"EWOULDBLOCK"``: where both names share a number, ``errorcode`` gives
    only one of them, so a comparison with the other was never true and the
    fixed one is.  No fix when a compared name is not a socket errno of the
    table (``("ECONNRESET", "ENOENT")``: the comparison is reported and left
    as it is), for WinSock names whose portable constant differs on Windows
    (``"WSAEBADF"``), or when a local variable hides the ``errno`` module.

    ## Known problems
    Only names written as string literals in the comparison are seen; a
    name kept in a variable or constant is not followed.
    """

    CODE = "NC005"
    NAME = "errorcode-name-compare"
    MESSAGE = "errno compared by name through errno.errorcode"
    FIX_TITLE = "Compare the errno with {constants}"
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = ("errorcode",)

    VALID = [
        Valid(
            "import errno\nif e.errno == errno.ECONNRESET:\n    pass\n",
            id="already-numbers",
        ),
        Valid(
            "import errno\nprint(errno.errorcode[e.errno])\n",
            id="lookup-for-logging",
        ),
        Valid(
            "import errno\nif errno.errorcode[e.errno] == 'ENOENT':\n    pass\n",
            id="not-a-socket-errno",
        ),
        Valid(
            "errorcode = {104: 'ECONNRESET'}\nif errorcode[e.errno] == 'ECONNRESET':\n    pass\n",
            id="not-the-errno-module",
        ),
        Valid(
            "import errno\nif errno.errorcode[e.errno] == name:\n    pass\n",
            id="name-in-a-variable",
        ),
        Valid(
            "import errno, os\nif os.strerror(e.errno) == 'Connection reset by peer':\n    pass\n",
            id="strerror-is-nc004",
        ),
        Valid(
            "import errno\nif errno.errorcode.get(e.errno, 'ECONNRESET') == 'ECONNRESET':\n    pass\n",
            id="get-default-is-compared-name",
        ),
        Valid(
            "import errno\ndef f(e, errno=errno):\n"
            "    return errno.errorcode[e.errno] == 'ECONNRESET'\n",
            id="parameter-named-errno-is-not-the-module",
        ),
    ]
    INVALID = [
        Invalid(
            "import errno\ntry:\n    pass\nexcept OSError as e:\n"
            "    if errno.errorcode[e.errno] == 'ECONNRESET':  # error\n        pass\n",
            "import errno\ntry:\n    pass\nexcept OSError as e:\n"
            "    if e.errno == errno.ECONNRESET:  # error\n        pass\n",
            message="never true on Windows, where errno.errorcode[10054] is 'WSAECONNRESET'",
            id="equal",
        ),
        Invalid(
            'import errno\nif errno.errorcode[e.errno] != "ECONNRESET":\n    raise\n',
            "import errno\nif e.errno != errno.ECONNRESET:\n    raise\n",
            id="not-equal",
        ),
        Invalid(
            "import errno\nok = 'ECONNRESET' == errno.errorcode[e.errno]\n",
            "import errno\nok = errno.ECONNRESET == e.errno\n",
            id="name-on-the-left",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] in ('ECONNRESET', 'ECONNABORTED')\n",
            "import errno\nok = e.errno in (errno.ECONNRESET, errno.ECONNABORTED)\n",
            id="in-tuple",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] not in ['ECONNRESET', 'EPIPE']\n",
            "import errno\nok = e.errno not in [errno.ECONNRESET, errno.EPIPE]\n",
            id="not-in-list",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] in {'ECONNRESET', 'WSAECONNRESET'}\n",
            "import errno\nok = e.errno == errno.ECONNRESET\n",
            message="'WSAECONNRESET' exists only on Windows",
            id="wsa-spelling-merged",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] not in ('ECONNRESET', 'WSAECONNRESET')\n",
            "import errno\nok = e.errno != errno.ECONNRESET\n",
            id="not-in-merged",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] == 'WSAECONNABORTED'\n",
            "import errno\nok = e.errno == errno.ECONNABORTED\n",
            id="wsa-only",
        ),
        Invalid(
            "import errno\nok = errno.errorcode.get(e.errno) == 'ECONNRESET'\n",
            "import errno\nok = e.errno == errno.ECONNRESET\n",
            id="dict-get",
        ),
        Invalid(
            "from errno import errorcode\nok = errorcode[e.errno] == 'ETIMEDOUT'\n",
            "from errno import errorcode\nimport errno\n\nok = e.errno == errno.ETIMEDOUT\n",
            id="from-import-adds-import",
        ),
        Invalid(
            "import errno as E\nok = E.errorcode[e.errno] == 'ECONNRESET'\n",
            "import errno as E\nok = e.errno == E.ECONNRESET\n",
            id="aliased-module",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[err.args[0]] == 'ECONNREFUSED'\n",
            "import errno\nok = err.args[0] == errno.ECONNREFUSED\n",
            id="args-index",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[a or b] == 'ECONNRESET'\n",
            "import errno\nok = (a or b) == errno.ECONNRESET\n",
            id="parenthesised-key",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] == 'EWOULDBLOCK'\n",
            None,
            message="EWOULDBLOCK",
            id="alias-no-safe-fix",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] == 'EWOULDBLOCK'\n",
            "import errno\nok = e.errno == errno.EWOULDBLOCK\n",
            unsafe=True,
            id="alias-unsafe-fix",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] in ('ECONNRESET', 'ENOENT')\n",
            None,
            id="mixed-with-non-socket-name",
        ),
        Invalid(
            "import errno\nok = errno.errorcode[e.errno] == 'WSAEBADF'\n",
            None,
            id="wsa-name-without-safe-twin",
        ),
        Invalid(
            "from errno import errorcode\ndef f(e):\n    errno = e.errno\n"
            "    return errorcode[errno] == 'ECONNRESET'  # error\n",
            None,
            id="local-errno-shadows-module-no-fix",
        ),
    ]

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        return bool(index.compared_strings & _KNOWN) and (
            "errorcode" in index.attributes or "errorcode" in index.imported_names
        )

    @classmethod
    def needs(cls, index: AstIndex) -> NodeTest | None:
        del index
        return _names_errorcode

    def _key(self, node: cst.BaseExpression, names: Sequence[str]) -> cst.BaseExpression | None:
        """``K`` when ``node`` is ``errno.errorcode[K]`` or ``errno.errorcode.get(K)``."""
        if isinstance(node, cst.Subscript):
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return None
            if not self._is_errorcode(node.value):
                return None
            return node.slice[0].slice.value
        if isinstance(node, cst.Call):
            func = node.func
            if not isinstance(func, cst.Attribute) or func.attr.value != "get":
                return None
            if not self._is_errorcode(func.value):
                return None
            args = node.args
            if not 1 <= len(args) <= 2 or any(a.keyword is not None or a.star for a in args):
                return None
            if len(args) == 2:
                default = args[1].value
                text = _string(default)
                if not (isinstance(default, cst.Name) and default.value == "None") and (
                    text is None or text in names
                ):
                    return None
            return args[0].value
        return None

    def _is_errorcode(self, node: cst.BaseExpression) -> bool:
        return "errno.errorcode" in {
            q.name for q in self.get_metadata(QualifiedNameProvider, node, set())
        }

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) != 1:
            return
        target = node.comparisons[0]
        operator = target.operator
        left, right = node.left, target.comparator
        container: cst.Tuple | cst.List | cst.Set | None = None
        if isinstance(operator, (cst.Equal, cst.NotEqual)):
            if _string(right) is not None:
                lookup, strings, subject_first = left, [right], True
            elif _string(left) is not None:
                lookup, strings, subject_first = right, [left], False
            else:
                return
        elif isinstance(operator, (cst.In, cst.NotIn)) and isinstance(
            right, (cst.Tuple, cst.List, cst.Set)
        ):
            if not right.elements or not all(
                isinstance(e, cst.Element) and _string(e.value) is not None for e in right.elements
            ):
                return
            lookup, strings, subject_first = left, [e.value for e in right.elements], True
            container = right
        else:
            return
        names = [_string(s) or "" for s in strings]
        if not any(name in _KNOWN for name in names):
            return
        key = self._key(lookup, names)
        if key is None:
            return
        negated = isinstance(operator, (cst.NotEqual, cst.NotIn))
        self._report(node, key, names, container, negated, operator, subject_first)

    def _message(self, names: Sequence[str]) -> str:
        problems: list[str] = []
        for name in dict.fromkeys(names):
            if name in WSA_NAMES:
                problems.append(f"'{name}' exists only on Windows: never true on Linux and macOS")
            elif name in FACTS_BY_NAME:
                fact = FACTS_BY_NAME[name]
                if fact.wsa is not None and fact.wsa == fact.win32:
                    problems.append(
                        f"'{name}' is never true on Windows, where errno.errorcode[{fact.wsa}] "
                        f"is 'WSA{name}'"
                    )
                if name in _ALIASED:
                    problems.append(
                        f"'{name}' shares its number with another name on some platforms"
                    )
        problems.append("an errno missing from errno.errorcode (or None) raises KeyError")
        return "; ".join(problems)

    def _report(
        self,
        node: cst.Comparison,
        key: cst.BaseExpression,
        names: Sequence[str],
        container: cst.Tuple | cst.List | cst.Set | None,
        negated: bool,
        operator: cst.BaseCompOp,
        subject_first: bool,
    ) -> None:
        portable = [_portable(name) for name in names]
        message = self._message(names)
        wanted = [p for p in portable if p is not None]
        writer = errno_writer(self, node, wanted) if None not in portable else None
        constants = list(dict.fromkeys(wanted))
        spell = writer.spelled if writer is not None else (lambda n: f"errno.{n}")
        suggestion = (
            spell(constants[0])
            if len(constants) == 1
            else "(" + ", ".join(map(spell, constants)) + ")"
        )
        if wanted:
            message += f": compare the number with {suggestion}"
        fix = None
        if writer is not None:
            safety: Safety = "unsafe" if any(n in _ALIASED for n in wanted) else "safe"
            replacement = self._replacement(
                _operand(key), portable, writer, container, negated, operator, subject_first
            )
            if node.lpar:
                replacement = replacement.with_changes(lpar=node.lpar, rpar=node.rpar)
            fix = Fix(
                replacement,
                safety,
                self.FIX_TITLE.format(constants=suggestion),
                imports=writer.imports,
            )
        self.report(node, message, fix=fix)

    @staticmethod
    def _replacement(
        key: cst.BaseExpression,
        names: Sequence[str | None],
        writer: ErrnoWriter,
        container: cst.Tuple | cst.List | cst.Set | None,
        negated: bool,
        operator: cst.BaseCompOp,
        subject_first: bool,
    ) -> cst.Comparison:
        if container is None:
            name = names[0]
            assert name is not None
            return membership(
                key,
                [writer.constant(name)],
                negated=negated,
                operator=operator,
                subject_first=subject_first,
            )
        kept = rebuild_elements(container.elements, names, writer)  # type: ignore[arg-type]
        values = container.with_changes(elements=kept)
        return membership(key, values, negated=negated, operator=operator)


def _names_errorcode(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "errorcode") or (
        isinstance(node, ast.Name) and node.id == "errorcode"
    )
