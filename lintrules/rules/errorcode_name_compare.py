"""NC005 errorcode-name-compare."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from netcompat.errno_table import (
    BY_NAME,
    ERRNO_FACTS,
    PLATFORMS,
    WSA_EQUAL_ON_WINDOWS,
    WSA_NAMES,
    number_on,
)

from ..analysis.errno_reads import errno_writer, string_literal
from ..fixing.errno_fixes import errorcode_compare_rewritten
from ..rule import Fix, Invalid, Rule, Safety, Valid

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

_KNOWN = frozenset(BY_NAME) | frozenset(WSA_NAMES)


def _portable(name: str) -> str | None:
    """The ``errno`` constant a compared name stands for, None if there is no safe one."""
    if name in BY_NAME:
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
    Only names written as string literals are seen: in the comparison, or
    in a tuple, list or set that one assignment binds to the name tested
    with ``in`` (``errorcode[e.errno] in MASKED_ERRORS``; no fix then, since
    the constant may have other uses).  Names built at run time are not
    followed.
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
    ]

    def _key(self, node: ast.expr, names: Sequence[str]) -> ast.expr | None:
        """``K`` when ``node`` is ``errno.errorcode[K]`` or ``errno.errorcode.get(K)``."""
        if isinstance(node, ast.Subscript):
            if isinstance(node.slice, (ast.Tuple, ast.Slice)) or not self._is_errorcode(node.value):
                return None
            return node.slice
        if isinstance(node, ast.Call):
            func = node.func
            if not isinstance(func, ast.Attribute) or func.attr != "get":
                return None
            if not self._is_errorcode(func.value):
                return None
            args = node.args
            if node.keywords or not 1 <= len(args) <= 2:
                return None
            if any(isinstance(arg, ast.Starred) for arg in args):
                return None
            if len(args) == 2:
                default = args[1]
                text = string_literal(self.model, default)
                is_none = isinstance(default, ast.Constant) and default.value is None
                if not is_none and (text is None or text in names):
                    return None
            return args[0]
        return None

    def _is_errorcode(self, node: ast.expr) -> bool:
        return "errno.errorcode" in {q.name for q in self.model.qualified_names(node)}

    def visit_Compare(self, node: ast.Compare) -> None:
        if len(node.ops) != 1:
            return
        operator = node.ops[0]
        left, right = node.left, node.comparators[0]
        literal = self._literal
        if isinstance(operator, (ast.Eq, ast.NotEq)):
            if (name := literal(right)) is not None:
                lookup, names, subject_first = left, [name], True
            elif (name := literal(left)) is not None:
                lookup, names, subject_first = right, [name], False
            else:
                return
        elif isinstance(operator, (ast.In, ast.NotIn)):
            collection = right
            if isinstance(right, ast.Name):
                # ``in MASKED_ERRORS``: a constant of the names, bound once
                collection = self.model.assigned_value(right) or right
            if not isinstance(collection, (ast.Tuple, ast.List, ast.Set)):
                return
            found = [literal(element) for element in collection.elts]
            if not found or None in found:
                return
            lookup, names, subject_first = left, [n for n in found if n is not None], True
        else:
            return
        if not any(name in _KNOWN for name in names):
            return
        if self._key(lookup, names) is None:
            return
        negated = isinstance(operator, (ast.NotEq, ast.NotIn))
        # A constant's names are fixed where it is written, for all its uses: no fix here.
        fixable = not (isinstance(operator, (ast.In, ast.NotIn)) and isinstance(right, ast.Name))
        self._report(node, names, negated, subject_first, fixable=fixable)

    def _literal(self, node: ast.expr) -> str | None:
        return string_literal(self.model, node)

    def _message(self, names: Sequence[str]) -> str:
        problems: list[str] = []
        for name in dict.fromkeys(names):
            if name in WSA_NAMES:
                problems.append(f"'{name}' exists only on Windows: never true on Linux and macOS")
            elif name in BY_NAME:
                fact = BY_NAME[name]
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
        node: ast.Compare,
        names: Sequence[str],
        negated: bool,
        subject_first: bool,
        *,
        fixable: bool = True,
    ) -> None:
        portable = [_portable(name) for name in names]
        message = self._message(names)
        wanted = [p for p in portable if p is not None]
        writer = errno_writer(self.model, node, wanted) if None not in portable else None
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
        if writer is not None and fixable:
            safety: Safety = "unsafe" if any(n in _ALIASED for n in wanted) else "safe"
            fix = Fix(
                errorcode_compare_rewritten(portable, writer.prefix, negated, subject_first),
                safety,
                self.FIX_TITLE.format(constants=suggestion),
                imports=writer.imports,
            )
        self.report(node, message, fix=fix)
