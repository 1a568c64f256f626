"""NC008 prefer-exception-class."""

from __future__ import annotations

import ast
import keyword
import tokenize
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from netcompat.errno_table import BY_NAME, ERRNO_FACTS

from ..analysis.errno_reads import errno_name_of, errno_read
from ..analysis.exceptions import EXCEPTION_CLASSES, catches, handler_types, is_os_error
from ..analysis.model import Model, Source
from ..fixing.builders import Builder
from ..fixing.exception_clauses import clause_narrowed
from ..fixing.exception_fixes import expression_in_parentheses_of
from ..rule import Fix, Invalid, Rule, RuleContext, Valid

_OSERROR = "builtins.OSError"
#: Where ``not isinstance(...)`` needs no parentheses of its own.
_BOOLEAN_PARENTS = (ast.If, ast.While, ast.IfExp, ast.BoolOp, ast.UnaryOp, ast.Assert, ast.Return)


def _table_classes() -> dict[str, tuple[str, ...]]:
    """Each PEP 3151 class of the table, with the errno names it stands for."""
    found: dict[str, list[str]] = {}
    for fact in ERRNO_FACTS:
        if fact.exception is not None:
            found.setdefault(fact.exception, []).append(fact.name)
    return {name: tuple(names) for name, names in found.items()}


#: ``"BrokenPipeError" -> ("EPIPE", "ESHUTDOWN")``: from the table's ``exception`` column.
CLASS_ERRNOS = _table_classes()

#: Classes other names became on later Pythons: ``TimeoutError`` is also
#: ``socket.timeout`` from 3.10 on (from the exception table).
LATER_ALIASES: dict[str, tuple[str, ...]] = {
    exception: tuple(
        f"{row.name} from Python {row.alias_since[0]}.{row.alias_since[1]}"
        for row in EXCEPTION_CLASSES
        if row.alias_of == "builtins." + exception and row.alias_since is not None
    )
    for exception in CLASS_ERRNOS
}


class _Test(NamedTuple):
    """An errno test the rule can restate with classes."""

    comparison: ast.Compare
    exception: ast.expr | None
    names: tuple[str, ...]
    classes: tuple[str, ...]
    negated: bool
    fixable: bool


def _example(body: str, head: str = "import errno\n") -> str:
    return f"{head}try:\n    work()\n{body}"


class PreferExceptionClass(Rule):
    """An errno test that a PEP 3151 exception class says directly.

    ## What it does
    Finds ``e.errno == errno.ECONNRESET`` (and ``!=``, ``in (...)``,
    ``getattr(e, "errno", None) == ...``, a copy of ``e.errno`` in a variable)
    where every errno compared has its own ``OSError`` subclass in the errno
    table: ``ECONNRESET`` -> ``ConnectionResetError``, ``ECONNABORTED`` ->
    ``ConnectionAbortedError``, ``EPIPE``/``ESHUTDOWN`` -> ``BrokenPipeError``,
    ``ECONNREFUSED`` -> ``ConnectionRefusedError``, ``ETIMEDOUT`` ->
    ``TimeoutError``, ``EAGAIN``/``EWOULDBLOCK``/``EINPROGRESS``/``EALREADY``
    -> ``BlockingIOError``.  And the clause that catches a broad error only to
    re-raise all but one errno:

    ```python
    except OSError as e:
        if e.errno == errno.ECONNRESET:
            reconnect()
        else:
            raise
    ```

    This rule is opt-in (not enabled by default).

    ## Why is this bad?
    Since Python 3.3 (PEP 3151) CPython raises these subclasses itself, on
    every platform, from the errno the OS reports, so the class says the same
    as the errno test in fewer words and without the errno module.  It also
    cannot hit a Windows-only or Linux-only errno spelling, and an ``except
    ConnectionResetError`` lets every other error propagate untouched instead
    of catching and re-raising it.

    ## Example
    ```python
    except OSError as e:
        if e.errno != errno.ECONNRESET:
            raise
        reconnect()
    ```

    ## Use instead
    ```python
    except ConnectionResetError:
        reconnect()
    ```

    ## Fix safety
    Unsafe.  The class test and the errno test disagree for exceptions built
    by hand (``ConnectionResetError()`` has no errno; a custom ``OSError``
    subclass with errno ``ECONNRESET`` is not a ``ConnectionResetError``),
    and a class may stand for more errnos than were compared:
    ``BrokenPipeError`` is also ``ESHUTDOWN`` when only ``EPIPE`` was
    tested, ``BlockingIOError`` also ``EINPROGRESS`` and ``EALREADY``, and
    ``TimeoutError`` is also ``socket.timeout`` from Python 3.10 on; the
    message says when that happens.  The clause rewrite drops ``as e`` when
    the body does not use it, and is not offered when a later clause of the
    same ``try`` could catch the errors that were re-raised before, or when
    it would drop a comment.  The errno-test fix needs the exception bound by
    an ``except`` clause of a standard-library class.

    ## Known problems
    An errno test mixing names with and without a class (``ECONNRESET`` and
    ``ENETRESET``) is not reported, nor one inside a clause that already
    catches only that class (``except TimeoutError as e: if e.errno ==
    errno.ETIMEDOUT``): there the errno tells an OS-level timeout from a
    socket timeout, whose ``errno`` is None.
    """

    CODE = "NC008"
    NAME = "prefer-exception-class"
    MESSAGE = "`{test}` is what `{check}` says directly{extra}"
    FIX_TITLE = "Use `{check}`"
    FIX_SAFETY = "unsafe"
    DEFAULT_ENABLED = False
    REQUIRES_TEXT = ("errno",)

    VALID = [
        Valid(
            _example("except OSError as e:\n    if e.errno == errno.ENETRESET:\n        pass\n"),
            id="no-class-for-errno",
        ),
        Valid(
            _example(
                "except OSError as e:\n"
                "    if e.errno in (errno.ECONNRESET, errno.ENETRESET):\n        pass\n"
            ),
            id="mixed-with-classless-errno",
        ),
        Valid(
            _example("except OSError as e:\n    if e.errno == 104:\n        pass\n"),
            id="number-is-nc001",
        ),
        Valid(
            _example(
                "except mysql.connector.Error as e:\n"
                "    if e.errno == errno.ECONNRESET:\n        pass\n",
                "import errno\nimport mysql.connector\n",
            ),
            id="database-error",
        ),
    ]
    INVALID = [
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        reconnect()\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n    if isinstance(e, ConnectionResetError):"
                "  # error\n        reconnect()\n"
            ),
            unsafe=True,
            message="`e.errno == errno.ECONNRESET` is what `isinstance(e, ConnectionResetError)`",
            id="errno-equals",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        reconnect()\n"
            ),
            None,
            id="no-safe-fix",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if e.errno in (errno.ECONNRESET, errno.ECONNABORTED):  # error\n"
                "        reconnect()\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if isinstance(e, (ConnectionResetError, ConnectionAbortedError)):  # error\n"
                "        reconnect()\n"
            ),
            unsafe=True,
            id="errno-in-tuple",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if errno.ECONNREFUSED != e.errno:  # error\n        raise\n    wait()\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if not isinstance(e, ConnectionRefusedError):  # error\n        raise\n"
                "    wait()\n"
            ),
            unsafe=True,
            id="not-equal-reversed",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n    if e.errno == errno.EPIPE:  # error\n"
                "        pass\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n    if isinstance(e, BrokenPipeError):  # error\n"
                "        pass\n"
            ),
            unsafe=True,
            message="BrokenPipeError also covers ESHUTDOWN",
            id="epipe-widens-to-eshutdown",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):  # error\n        pass\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if isinstance(e, BlockingIOError):  # error\n        pass\n"
            ),
            unsafe=True,
            message="BlockingIOError also covers EINPROGRESS, EALREADY",
            id="eagain-ewouldblock",
        ),
    ]

    def __init__(self, model: Model, context: RuleContext | None = None) -> None:
        super().__init__(model, context)
        #: Comparisons a clause rewrite already reported.
        self._done: set[int] = set()

    def run(self) -> None:
        # Clauses first: a comparison their rewrite reports is not reported again.
        for handler in self.model.nodes(ast.ExceptHandler):
            self.visit_ExceptHandler(handler)
        for comparison in self.model.nodes(ast.Compare):
            self.visit_Compare(comparison)

    # -- errno tests -------------------------------------------------------
    def visit_Compare(self, node: ast.Compare) -> None:
        if id(node) in self._done:
            return
        test = self._test(node)
        if test is None:
            return
        check = self._spelled(test)
        fix = None
        if test.fixable and self._builtins(node, test.classes):
            fix = Fix(self._isinstance(node, test), "unsafe", self.FIX_TITLE.format(check=check))
        self.report(node, self._message(test, check), fix=fix)

    def _test(self, node: ast.Compare) -> _Test | None:
        if len(node.ops) != 1:
            return None
        operator, left, right = node.ops[0], node.left, node.comparators[0]
        if isinstance(operator, (ast.Eq, ast.NotEq)):
            for read_side, constant in ((left, right), (right, left)):
                name = errno_name_of(self.model, constant)
                if name is not None:
                    return self._make(node, read_side, (name,), isinstance(operator, ast.NotEq))
            return None
        if isinstance(operator, (ast.In, ast.NotIn)) and isinstance(
            right, (ast.Tuple, ast.List, ast.Set)
        ):
            names: list[str] = []
            for element in right.elts:
                name = (
                    None if isinstance(element, ast.Starred) else errno_name_of(self.model, element)
                )
                if name is None:
                    return None
                names.append(name)
            return self._make(node, left, tuple(names), isinstance(operator, ast.NotIn))
        return None

    def _make(
        self, node: ast.Compare, read_side: ast.expr, names: tuple[str, ...], negated: bool
    ) -> _Test | None:
        read = errno_read(self.model, read_side)
        if read is None or not names:
            return None
        classes: list[str] = []
        for name in names:
            exception = BY_NAME[name].exception
            if exception is None:
                return None
            if exception not in classes:
                classes.append(exception)
        caught = handler_types(self.model, read.handler) if read.handler is not None else []
        if caught and all(t is not None and any(catches(c, t) for c in classes) for t in caught):
            # ``except TimeoutError as e: if e.errno == ETIMEDOUT``: the clause
            # already says the class; the errno tells its members apart.
            return None
        fixable = (
            isinstance(read.exception, ast.Name)
            and read.handler is not None
            and all(_std_catch(t) for t in caught)
        )
        return _Test(node, read.exception, names, tuple(classes), negated, fixable)

    def _spelled(self, test: _Test) -> str:
        exception = test.exception
        subject = _written(self.model, exception) if exception is not None else "e"
        classes = test.classes[0] if len(test.classes) == 1 else f"({', '.join(test.classes)})"
        check = f"isinstance({subject}, {classes})"
        return f"not {check}" if test.negated else check

    def _message(self, test: _Test, check: str, extra: str = "") -> str:
        wider = []
        for exception in test.classes:
            others = [n for n in CLASS_ERRNOS[exception] if n not in test.names]
            others.extend(LATER_ALIASES.get(exception, ()))
            if others:
                wider.append(f"{exception} also covers {', '.join(others)}")
        if wider:
            extra = f" (but {'; '.join(wider)})" + extra
        written = _written(self.model, test.comparison)
        return self.MESSAGE.format(test=written, check=check, extra=extra)

    def _isinstance(self, node: ast.Compare, test: _Test) -> Builder:
        """``isinstance(e, C)``, in the comparison's own parentheses (``not`` gets a pair where needed)."""
        assert isinstance(test.exception, ast.Name)
        classes = test.classes[0] if len(test.classes) == 1 else f"({', '.join(test.classes)})"
        call = f"isinstance({test.exception.id}, {classes})"
        if not test.negated:
            return expression_in_parentheses_of(call, parenthesize=False)
        bare = isinstance(self.model.parent(node), _BOOLEAN_PARENTS)
        return expression_in_parentheses_of("not " + call, parenthesize=not bare)

    def _builtins(self, node: ast.AST, names: Sequence[str]) -> bool:
        """Whether every one of ``names`` is the builtin where ``node`` stands."""
        scope = self.model.scope_of(node)
        return not any(scope.lookup(name) for name in names)

    # -- the clause that re-raises all but one errno ----------------------------
    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if not isinstance(self.model.parent(node), ast.Try):
            return  # an ``except*`` clause cannot be narrowed this way
        shape = self._reraise_shape(node)
        if shape is None:
            return
        test, body = shape
        caught = handler_types(self.model, node)
        if len(caught) != 1 or caught[0] is None or not is_os_error(caught[0]):
            return
        if not all(catches(caught[0], exception) for exception in test.classes):
            return
        if not self._later_clauses_miss_oserror(node):
            return
        if not self._builtins(node, test.classes):
            return
        assert node.name is not None
        spelled = "except " + (
            test.classes[0] if len(test.classes) == 1 else f"({', '.join(test.classes)})"
        )
        self._done.add(id(test.comparison))
        message = self._message(
            test,
            self._spelled(test),
            f"; the except clause can name {', '.join(test.classes)} instead of re-raising the rest",
        )
        builder = clause_narrowed(test.classes, keep_name=_uses(body, node.name))
        self.report(
            test.comparison, message, fix=Fix(builder, "unsafe", f"Use `{spelled}`", target=node)
        )

    def _reraise_shape(self, node: ast.ExceptHandler) -> tuple[_Test, list[ast.stmt]] | None:
        """The errno test and the statements to keep, for the two re-raise shapes.

        Declined when the rewrite would drop a comment: before the ``if``, in
        its test, in the ``raise`` branch, or on both the ``except`` and the
        ``if`` line (only one can stay).
        """
        first = node.body[0]
        if node.name is None or not isinstance(first, ast.If):
            return None
        if not isinstance(first.test, ast.Compare):
            return None
        test = self._test(first.test)
        if test is None or not test.fixable or not _is_name(test.exception, node.name):
            return None
        source = self.model.source
        clause = _header(source, node.lineno)
        condition = _header(source, first.lineno)
        if clause is None or condition is None or condition.inline_body or condition.inner_comment:
            return None
        if _any_comment_line(source, clause.colon_line + 1, first.lineno - 1):
            return None
        if clause.comment and condition.comment:
            return None
        if not test.negated and len(node.body) == 1:
            # if <errno test>: BODY / else: raise
            if len(first.orelse) != 1 or not _is_reraise(first.orelse[0], test.exception):
                return None
            if _else_has_comment(source, first.body[-1], first.orelse[0]):
                return None
            return test, first.body
        if test.negated and len(node.body) > 1 and not first.orelse:
            # if <not errno test>: raise / BODY
            if len(first.body) != 1 or not _is_reraise(first.body[0], test.exception):
                return None
            raised = first.body[0]
            if _any_comment_line(source, condition.colon_line + 1, raised.lineno - 1):
                return None
            if _statement_has_comment(source, raised) or _footer_has_comment(source, raised):
                return None
            return test, node.body[1:]
        return None

    def _later_clauses_miss_oserror(self, node: ast.ExceptHandler) -> bool:
        """Whether no later clause of the same ``try`` could catch an ``OSError``."""
        statement = self.model.parent(node)
        if not isinstance(statement, ast.Try):
            return False
        handlers = statement.handlers
        later = handlers[[id(h) for h in handlers].index(id(node)) + 1 :]
        for handler in later:
            for caught in handler_types(self.model, handler):
                if caught is None or is_os_error(caught) or catches(caught, _OSERROR):
                    return False
        return True


def _std_catch(name: str | None) -> bool:
    """A caught type the class test can stand in for: known, and OSError or broader/narrower."""
    return name is not None and (is_os_error(name) or catches(name, _OSERROR))


def _is_name(node: ast.AST | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_reraise(statement: ast.stmt, exception: ast.expr | None) -> bool:
    """Whether ``statement`` is ``raise`` (or ``raise e`` of the caught ``e``)."""
    if not isinstance(statement, ast.Raise) or statement.cause is not None:
        return False
    return statement.exc is None or (
        isinstance(exception, ast.Name) and _is_name(statement.exc, exception.id)
    )


def _uses(body: Sequence[ast.stmt], name: str) -> bool:
    """Whether ``name`` appears as any name in ``body`` (attributes, keywords, imports too)."""
    return any(name in _names_in(node) for statement in body for node in ast.walk(statement))


def _names_in(node: ast.AST) -> Iterator[str]:
    """The identifiers ``node`` spells itself (libcst's ``Name`` nodes it owns)."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        yield from node.names
    elif isinstance(node, ast.alias):
        yield from node.name.split(".")
        if node.asname is not None:
            yield node.asname
    elif isinstance(node, ast.ImportFrom):
        yield from (node.module or "").split(".")
    else:
        # keywords, parameters, definitions, except clauses, match patterns
        for field in ("arg", "name", "rest"):
            value = getattr(node, field, None)
            if isinstance(value, str):
                yield value
        attributes = getattr(node, "kwd_attrs", None)
        if isinstance(attributes, list):
            yield from attributes


# -- comments a rewrite would drop -----------------------------------------------
#
# The clause rewrite keeps the statements it keeps with their comments, and
# drops the ``if`` line, the ``raise`` branch and whatever belongs to them.
# Which comment line belongs to which block follows libcst: after a block's
# last statement, the block owns the comment lines up to the last one that
# starts with its indentation; the rest belong to what follows.


class _HeaderLine(NamedTuple):
    """The header of a compound statement (``except X as e:``, ``if test:``)."""

    colon_line: int
    #: The suite follows the colon on the same line (``if test: raise``).
    inline_body: bool
    #: A comment inside the header, before its colon.
    inner_comment: bool
    #: A comment after the colon, on the header's last line.
    comment: bool


def _tokens_from(lines: Sequence[str], line: int) -> Iterator[tokenize.TokenInfo]:
    """The tokens of the source from the start of ``line`` on (positions in file lines)."""
    rest = iter([text + "\n" for text in lines[line - 1 :]])
    for token in tokenize.generate_tokens(lambda: next(rest, "")):
        (row, column), (end_row, end_column) = token.start, token.end
        yield token._replace(start=(row + line - 1, column), end=(end_row + line - 1, end_column))


def _logical_line(lines: Sequence[str], line: int) -> list[tokenize.TokenInfo] | None:
    """The tokens of the logical line starting at ``line``, up to its NEWLINE (None: unreadable)."""
    found: list[tokenize.TokenInfo] = []
    try:
        for token in _tokens_from(lines, line):
            found.append(token)
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                return found
    except (tokenize.TokenError, SyntaxError):
        return None
    return found


def _header(source: Source, line: int) -> _HeaderLine | None:
    """The header of the compound statement on ``line``: where its colon is, and its comments."""
    lines = source.lines
    tokens = _logical_line(lines, line)
    if tokens is None:
        return None
    depth = 0
    colon: tokenize.TokenInfo | None = None
    inner_comment = comment = inline_body = False
    for token in tokens:
        if colon is None:
            if token.type == tokenize.COMMENT:
                inner_comment = True
            elif token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif token.type == tokenize.OP and token.string == ":" and depth == 0:
                colon = token
        elif token.type == tokenize.COMMENT:
            comment = True
        elif token.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            inline_body = True
    if colon is None:
        return None
    return _HeaderLine(colon.start[0], inline_body, inner_comment, comment)


def _any_comment_line(source: Source, first: int, last: int) -> bool:
    """Whether a line from ``first`` to ``last`` (blank or comment lines) holds a comment."""
    lines = source.lines
    return any(lines[n - 1].lstrip().startswith("#") for n in range(first, last + 1))


def _statement_has_comment(source: Source, statement: ast.stmt) -> bool:
    """Whether the lines of a simple statement hold a comment (its trailing one too)."""
    lines = source.lines
    tokens = _logical_line(lines, statement.lineno)
    return tokens is None or any(token.type == tokenize.COMMENT for token in tokens)


def _indent(source: Source, statement: ast.stmt) -> str | None:
    """The indentation of the block ``statement`` starts (None: it follows its header's colon)."""
    before = source.line(statement.lineno)[: statement.col_offset]  # blanks: bytes are characters
    return None if before.strip() else before


def _footer_end(source: Source, statement: ast.stmt, indent: str) -> int:
    """The last line of the footer the block ending with ``statement`` owns (its end: none)."""
    lines = source.lines
    end = statement.end_lineno or statement.lineno
    last = end
    number = end + 1
    while number <= len(lines):
        text = lines[number - 1]
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            break
        if text.startswith(indent):
            last = number
        number += 1
    return last


def _footer_has_comment(source: Source, statement: ast.stmt) -> bool:
    """Whether the block ending with simple ``statement`` owns a comment after it."""
    indent = _indent(source, statement)
    if indent is None:
        return False
    end = statement.end_lineno or statement.lineno
    return _any_comment_line(source, end + 1, _footer_end(source, statement, indent))


def _final_block(source: Source, statement: ast.stmt) -> list[ast.stmt] | None:
    """The last suite of a compound statement, an ``elif``'s own (None: a simple statement)."""
    for field in ("finalbody", "orelse", "handlers", "cases", "body"):
        value = getattr(statement, field, None)
        if isinstance(value, list) and value:
            last = value[-1]
            if not isinstance(last, ast.stmt):
                inner = getattr(last, "body", None)  # an except clause, a match case
                return inner if isinstance(inner, list) else None
            elif_ = (
                field == "orelse"
                and len(value) == 1
                and isinstance(last, ast.If)
                and source.line(last.lineno)[last.col_offset :].startswith("elif")
            )
            if elif_:
                return _final_block(source, last)
            return value
    return None


def _else_has_comment(source: Source, last_kept: ast.stmt, raised: ast.stmt) -> bool:
    """Whether the ``else: raise`` branch after ``last_kept`` owns a comment.

    That is the lines from the end of the kept body to the ``else`` (less
    the footers of blocks nested in the kept body), the ``else`` line, the
    lines before the ``raise``, the ``raise`` and the footer of its block.
    """
    lines = source.lines
    nested_end = last_kept.end_lineno or last_kept.lineno
    block = _final_block(source, last_kept)
    indent = None if block is None else _indent(source, block[0])
    if block is not None and indent is not None:
        nested_end = _footer_end(source, block[-1], indent)
    else_line = (last_kept.end_lineno or last_kept.lineno) + 1
    while else_line <= len(lines):
        stripped = lines[else_line - 1].strip()
        if stripped and not stripped.startswith("#"):
            break
        else_line += 1
    if _any_comment_line(source, nested_end + 1, else_line - 1):
        return True
    tokens = _logical_line(lines, else_line)
    if tokens is None or any(token.type == tokenize.COMMENT for token in tokens):
        return True
    if raised.lineno == else_line:
        return False  # ``else: raise``: nothing of the branch is below
    if _any_comment_line(source, else_line + 1, raised.lineno - 1):
        return True
    return _statement_has_comment(source, raised) or _footer_has_comment(source, raised)


def _written(model: Model, node: ast.AST) -> str:
    """``node`` as libcst writes it: its own parentheses included (``(e.errno == X)``)."""
    span = model.span(node)
    statement = model.statement_of(node)
    start = span.line
    if statement is not None:
        start = min(
            [statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))]
        )
    significant: list[tokenize.TokenInfo] = []
    first = last = -1
    try:
        for token in _tokens_from(model.source.lines, start):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
                continue
            if last >= 0 and not (token.type == tokenize.OP and token.string == ")"):
                break
            significant.append(token)
            index = len(significant) - 1
            if first < 0 and token.start == (span.line, span.column):
                first = index
            if first >= 0 and last < 0 and token.end == (span.end_line, span.end_column):
                last = index
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                break
    except (tokenize.TokenError, SyntaxError):
        return model.segment(node)
    if first < 0 or last < 0:  # inside an f-string before Python 3.12: one token
        return _written_in_line(model, node)
    opened = 0
    while first - opened - 1 >= 0 and significant[first - opened - 1].string == "(":
        opened += 1
    if opened and first - opened - 1 >= 0 and _calls(significant[first - opened - 1]):
        opened -= 1
    closed = 0
    while last + closed + 1 < len(significant) and significant[last + closed + 1].string == ")":
        closed += 1
    own = min(opened, closed)
    text = model.segment(node)
    if own:
        text = model.written(node, significant[first - own].start)
    if "\n" not in text:
        return text
    # libcst writes a node alone: continuation lines lose the statement's indentation.
    head = model.source.line(start)
    indent = head[: len(head) - len(head.lstrip())]
    inside = {n for token in significant for n in range(token.start[0] + 1, token.end[0] + 1)}
    lines = text.split("\n")
    begin = significant[first - own].start[0]
    for offset in range(1, len(lines)):
        number = begin + offset
        continued = number in inside or model.source.line(number - 1).endswith("\\")
        if not continued and lines[offset].startswith(indent):
            lines[offset] = lines[offset][len(indent) :]
    return "\n".join(lines)


def _calls(token: tokenize.TokenInfo) -> bool:
    """Whether a ``(`` after ``token`` opens a call's arguments, not parentheses of its own."""
    if token.type == tokenize.NAME:
        return not keyword.iskeyword(token.string)
    return token.type == tokenize.STRING or token.string in (")", "]")


def _written_in_line(model: Model, node: ast.AST) -> str:
    """:func:`_written` from the characters around ``node`` on its own lines (no tokens)."""
    span = model.span(node)
    before = model.source.line(span.line)[: span.column]
    after = model.source.line(span.end_line)[span.end_column :]
    opened = closed = 0
    while before.rstrip().endswith("("):
        before = before.rstrip()[:-1]
        opened += 1
    if opened and (before.rstrip()[-1:].isidentifier() or before.rstrip()[-1:] in (")", "]")):
        opened -= 1
    while after.lstrip().startswith(")"):
        after = after.lstrip()[1:]
        closed += 1
    own = min(opened, closed)
    if not own:
        return model.segment(node)
    line = model.source.line(span.line)[: span.column]
    column = span.column
    for _ in range(own):
        column = line.rindex("(", 0, column)
    return model.written(node, (span.line, column))
