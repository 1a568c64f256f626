"""Leave out the function bodies that no rule needs before the libcst pass.

libcst's cost grows with the size of the file, and the large files of a code
base (test suites above all) usually have a finding or two in a few
functions.  For a check run (no fixing), each rule may tell the engine which
``ast`` nodes it looks at (:meth:`~lintrules.rule.Rule.needs`); the body of
every function that holds none of them is replaced by ``...`` before libcst
parses the file.

The replacement keeps every line where it was: the body becomes one string
literal (``...`` for a one-line body) that starts at the body's indentation
and ends on the body's last line, and line endings stay.  So positions, ``# noqa`` comments and the lines of every
finding are those of the original file, and a rule sees the signature,
decorators, class bodies and module-level code unchanged.  A rule that needs
more than the functions its nodes are in (one that follows calls between
functions, for instance) returns None and gets the whole file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence

#: Whether an ``ast`` node is one a rule looks at.
NodeTest = Callable[[ast.AST], bool]

#: Statements whose body can go: a class keeps its bases, keywords and
#: decorators, which is what rules read of a class they do not look into.
_BLOCKS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def source_lines(text: str) -> list[str]:
    """The lines of ``text`` as Python counts them, with their endings.

    Only ``\n``, ``\r\n`` and ``\r`` end a line: unlike :meth:`str.splitlines`,
    a form feed or ``\u2028`` (legal in strings and comments) does not.
    """
    return _LINE.findall(text)


def cold_bodies(tree: ast.AST, hot: NodeTest, lines: Sequence[str]) -> list[tuple[int, int]]:
    """The (first, last) 1-based line spans of function and class bodies with no ``hot`` node.

    Spans never overlap: a cold function inside a cold one is covered by the
    outer span.  A hot node is kept whole, nested functions and all.  A body that starts on its ``def`` line (``def f(): pass``)
    is left alone.

    Raises:
        RecursionError: the tree is nested too deep to walk.
    """
    spans: list[tuple[int, int]] = []

    def visit(node: ast.AST) -> bool:
        if hot(node):
            # Kept whole: a fix may rewrite all of it (NC007 moves clauses).
            return True
        found = False
        mark = len(spans)
        for child in ast.iter_child_nodes(node):
            if visit(child):
                found = True
        if isinstance(node, _BLOCKS) and not found:
            line, column = _start(node.body[0])
            end = node.body[-1].end_lineno
            if end is not None and _starts_line(lines, line, column):
                del spans[mark:]  # inner cold bodies: covered by this one
                spans.append((line, end))
        return found

    visit(tree)
    return spans


def _start(statement: ast.stmt) -> tuple[int, int]:
    """Where ``statement`` starts: its first decorator's ``@`` if it has one."""
    decorators = getattr(statement, "decorator_list", None)
    if decorators:
        first = min(decorators, key=lambda d: (d.lineno, d.col_offset))
        return first.lineno, max(first.col_offset - 1, 0)
    return statement.lineno, statement.col_offset


def _starts_line(lines: Sequence[str], line: int, byte_column: int) -> bool:
    """Whether only indentation stands before ``byte_column`` of line ``line``."""
    if not 0 < line <= len(lines):
        return False
    prefix = lines[line - 1].encode("utf-8")[:byte_column]
    return not prefix.strip(b" \t\f")


def blank_out(lines: Sequence[str], spans: Sequence[tuple[int, int]]) -> str:
    """The text of ``lines`` (with their line endings) with each span's lines stubbed.

    A one-line span becomes ``...``; a longer one a string literal that runs
    from its first line to its last, empty in between.
    """
    out = list(lines)
    for first, last in spans:
        line = out[first - 1]
        indent = line[: len(line) - len(line.lstrip(" \t\f"))]
        if first == last:
            out[first - 1] = indent + "..." + _ending(line)
            continue
        # One string spanning the lines: a single node for libcst, where
        # empty lines would each be one.
        out[first - 1] = indent + '"""' + _ending(line)
        for number in range(first, last - 1):
            out[number] = _ending(out[number])
        out[last - 1] = '"""' + _ending(out[last - 1])
    return "".join(out)


def _ending(line: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :]


def reduce_source(text: str, tree: ast.AST, tests: Sequence[NodeTest]) -> str | None:
    """``text`` without the function bodies none of ``tests`` needs; None if nothing goes."""
    lines = source_lines(text)

    def hot(node: ast.AST) -> bool:
        return any(test(node) for test in tests)

    try:
        spans = cold_bodies(tree, hot, lines)
    except RecursionError:
        return None
    if not spans:
        return None
    return blank_out(lines, spans)
