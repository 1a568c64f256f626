"""libcst, where it is needed: carrying out fixes and computing their text edits.

The engine (:mod:`lintrules.engine`) calls into this module only when a file
has a finding to fix (or to show the edit of).  A plain check never imports it.
Every finding comes from ``ast``; here its fix is found in libcst's tree of the
same source (:mod:`.locate`), applied with the other fixes of the round, the
imports they need are added, and the result is verified before anyone writes it.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Union

import libcst as cst
from libcst.metadata import (
    CodePosition,
    CodeRange,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
)

from ..engine import _Analysis, _ast_finding, _engine_finding
from ..findings import (
    SYNTAX_ERROR,
    Edit,
    Finding,
    FixInfo,
    FixLevel,
    Safety,
    allowed,
    decode_source,
)
from ..noqa import NoqaIndex
from ..rule import ImportSpec, Report

Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]


@dataclass(frozen=True)
class CstFix:
    """A finding's fix once carried over to libcst: the node to replace and its replacement."""

    replacement: Replacement
    safety: Safety
    title: str
    imports: tuple[ImportSpec, ...] = ()


@dataclass
class CstReport:
    """A finding with its fix located in the libcst tree."""

    code: str
    range: CodeRange
    node: cst.CSTNode
    fix: CstFix


def _fix_info(report: CstReport, wrapper: MetadataWrapper) -> FixInfo | None:
    fix = report.fix
    if fix is None:
        return None
    target = report.node
    code_range = wrapper.resolve(PositionProvider).get(target)
    edit = None
    if code_range is not None:
        replacement = fix.replacement
        content = None
        if (
            isinstance(replacement, cst.BaseExpression)
            and _renders_as_range(target)
            and _renders_as_range(replacement, own_parentheses=True)
        ):
            content = wrapper.module.code_for_node(replacement)
        if content is not None and "\n" not in content and "\r" not in content:
            # The cheap, common case: an expression's text is exactly its
            # range, and a one-line expression renders the same anywhere.
            edit = Edit(
                content,
                code_range.start.line,
                code_range.start.column + 1,
                code_range.end.line,
                code_range.end.column + 1,
            )
        else:
            edit = _text_edit(wrapper, target, replacement, code_range.start)
    return FixInfo(fix.safety, fix.title, edit)


def _renders_as_range(node: object, *, own_parentheses: bool = False) -> bool:
    """Whether ``node`` is an expression whose text is all its own, wherever it stands.

    Statements, clauses and aliases also own indentation, comments above them
    or a comma; a starred element owns its comma; and an expression's position
    range leaves out its parentheses (fine for a replacement, not a target).
    """
    return (
        isinstance(node, cst.BaseExpression)
        and not isinstance(node, cst.StarredElement)
        and (own_parentheses or not (node.lpar or node.rpar))
    )


class _ReplaceOne(cst.CSTTransformer):
    """Replace one node, entering only its ancestors: the rest of the tree is shared."""

    def __init__(self, target: cst.CSTNode, replacement: Replacement, ancestors: set[int]) -> None:
        super().__init__()
        self._target = target
        self._replacement = replacement
        self._ancestors = ancestors

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self._ancestors

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        return self._replacement if original_node is self._target else updated_node


_LINE_BREAK = re.compile(r"\r\n?|\n")


def _is_word(text: str, index: int) -> bool:
    """Whether ``text[index]`` exists and can be part of a name or number."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _first_line(node: cst.CSTNode, positions: Mapping[cst.CSTNode, CodeRange]) -> int:
    """The line on which ``node``'s text starts: its comments, decorators, or itself."""
    leading = getattr(node, "leading_lines", ())
    if leading:
        return positions[leading[0]].start.line
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.decorators:
        return _first_line(node.decorators[0], positions)
    return positions[node].start.line


def _statement_texts(
    wrapper: MetadataWrapper, target: cst.CSTNode, replacement: Replacement
) -> tuple[str, str, int] | None:
    """The text of the statement holding ``target``, before and after the fix, and its line.

    The statement is the innermost one that stands on lines of its own (in a
    block or the module), rendered with its indentation: inside one ``if _:``
    per enclosing level, whose header lines are then dropped.  Only the path
    to the target is rebuilt, so the cost is the statement's size, not the
    file's.  None when there is no such statement (a fix that turns a whole
    top-level statement into something else than one statement).
    """
    module = wrapper.module
    chain: list[cst.CSTNode] = [target]
    parents = wrapper.resolve(ParentNodeProvider)
    while chain[-1] is not module:
        parent = parents.get(chain[-1])
        if parent is None:
            return None
        chain.append(parent)
    statements = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
    for index, node in enumerate(chain[:-1]):
        if (
            isinstance(node, statements)
            and isinstance(chain[index + 1], (cst.IndentedBlock, cst.Module))
            and (node is not target or isinstance(replacement, statements))
        ):
            statement = node
            break
    else:
        return None
    path = {id(node) for node in chain[1 : index + 1]}
    changed = statement.visit(_ReplaceOne(target, replacement, path))
    if not isinstance(changed, statements):
        return None
    indents = [
        n.indent for n in chain[index + 1 :] if isinstance(n, (cst.IndentedBlock, cst.Match))
    ]
    newline = module.default_newline

    def render(node: cst.SimpleStatementLine | cst.BaseCompoundStatement) -> str:
        for indent in indents:
            node = cst.If(test=cst.Name("_"), body=cst.IndentedBlock(body=[node], indent=indent))
        code = cst.Module(
            body=[node], default_indent=module.default_indent, default_newline=newline
        ).code
        start = 0
        for _ in indents:
            start = code.index(newline, start) + len(newline)
        return code[start:]

    first_line = _first_line(statement, wrapper.resolve(PositionProvider))
    return render(statement), render(changed), first_line


def _text_edit(
    wrapper: MetadataWrapper, target: cst.CSTNode, replacement: Replacement, at: CodePosition
) -> Edit:
    """The one text edit that turns the source into the source with ``target`` replaced.

    Both versions of the text around the target are rendered from the tree,
    so the edit carries what the tree fix writes: indentation, comments and
    blank lines, the file's line endings.  The edit is the changed span,
    widened (the added text is the same in both versions) so that it never
    splits a word or a CRLF pair, and to whole lines when it spans lines.
    """
    texts = _statement_texts(wrapper, target, replacement)
    # A statement's text ends with a line break, which the last statement of
    # a file without a final newline lacks: then the edit must stop before it.
    reach_end = texts is None or wrapper.module.has_trailing_newline
    if texts is None:
        fixed = apply_replacements(wrapper.module, [(target, replacement)])
        texts = wrapper.module.code, fixed.code, 1
    old, new, first_line = texts
    if old == new:
        return Edit("", at.line, at.column + 1, at.line, at.column + 1)

    # The common suffix, then prefix, by bisection on C-speed comparisons;
    # suffix first keeps the final line break out.
    shortest = min(len(old), len(new))
    low, high = 0, shortest
    while low < high:
        middle = (low + high + 1) // 2
        if old.endswith(new[len(new) - middle :]):
            low = middle
        else:
            high = middle - 1
    suffix = low
    low, high = 0, shortest - suffix
    while low < high:
        middle = (low + high + 1) // 2
        if old.startswith(new[:middle]):
            low = middle
        else:
            high = middle - 1
    start, end, new_end = low, len(old) - suffix, len(new) - suffix
    if start in (end, new_end):
        # A pure insertion or deletion slides right while its text rotates:
        # to a line start, if one is in reach, to insert or delete whole lines.
        text, limit = (old, end) if start == new_end else (new, new_end)
        for shift in range(limit - start + 1):
            here = start + shift
            if old[here - 1 : here] in ("", "\n") or (
                old[here - 1] == "\r" and old[here : here + 1] != "\n"
            ):
                if reach_end or end + shift < len(old):
                    start, end, new_end = here, end + shift, new_end + shift
                break
            if limit + shift >= len(text) or text[here] != text[limit + shift]:
                break
    if old[start - 1 : start + 1] == "\r\n":
        start -= 1
    if old[end - 1 : end + 1] == "\r\n":
        end, new_end = end + 1, new_end + 1
    if _LINE_BREAK.search(old, start, end) or _LINE_BREAK.search(new, start, new_end):
        start = max(old.rfind("\n", 0, start), old.rfind("\r", 0, start)) + 1
        if end and old[end - 1] not in "\r\n":
            line_break = _LINE_BREAK.search(old, end)
            stop = len(old) if line_break is None else line_break.start()
            end, new_end = stop, new_end + stop - end
    else:
        while _is_word(old, start - 1) and (_is_word(old, start) or _is_word(new, start)):
            start -= 1
        while _is_word(old, end) and (_is_word(old, end - 1) or _is_word(new, new_end - 1)):
            end, new_end = end + 1, new_end + 1

    def position(offset: int) -> tuple[int, int]:
        breaks = old.count("\n", 0, offset) + old.count("\r", 0, offset)
        breaks -= old.count("\r\n", 0, offset)
        line_start = max(old.rfind("\n", 0, offset), old.rfind("\r", 0, offset)) + 1
        return first_line + breaks, offset - line_start + 1

    line, column = position(start)
    end_line, end_column = position(end)
    return Edit(new[start:new_end], line, column, end_line, end_column)


def _deeper_than(tree: ast.AST, limit: int) -> bool:
    """Whether libcst's tree for ``tree`` nests more than ``limit`` levels.

    libcst nests at least as deep as :mod:`ast`, and deeper where ``ast`` is
    flat: one level per ``and`` / ``or`` operand and per dot of an imported
    name.  (The walk is iterative, so a deep tree cannot break it.)
    """
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values)
        elif isinstance(node, ast.alias):
            depth += node.name.count(".")
        elif isinstance(node, ast.ImportFrom) and node.module:
            depth += node.module.count(".")
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False



def _located(
    reports: Sequence[Report], module: cst.Module, wrapper: MetadataWrapper
) -> list[tuple[Report, CstReport | None]]:
    """Each ``ast`` report with its fix carried over to libcst (None: no fix there)."""
    from .locate import Locator

    locator = Locator(module, wrapper.resolve(PositionProvider))
    located: list[tuple[Report, CstReport | None]] = []
    for report in reports:
        fix = report.fix
        carried: CstReport | None = None
        if fix is not None:
            target_ast = fix.target if fix.target is not None else report.node
            if target_ast is not None:
                span = report.fix_span or report.span
                target = locator.find(
                    target_ast, (span.line, span.column), (span.end_line, span.end_column)
                )
                replacement = None if target is None else locator.replacement(fix, target)
                if target is not None and replacement is not None:
                    carried = CstReport(
                        code=report.code,
                        range=CodeRange(
                            CodePosition(report.span.line, report.span.column),
                            CodePosition(report.span.end_line, report.span.end_column),
                        ),
                        node=target,
                        fix=CstFix(replacement, fix.safety, fix.title, fix.imports),
                    )
        located.append((report, carried))
    return located



def _choose_fixes(
    analysis: _Analysis, fix_level: FixLevel
) -> list[tuple[cst.CSTNode, Replacement, tuple[ImportSpec, ...]]]:
    """The allowed fixes, dropping any whose target overlaps one already chosen."""
    if analysis.wrapper is None or fix_level is None:
        return []
    positions = analysis.wrapper.resolve(PositionProvider)
    chosen: list[tuple[cst.CSTNode, Replacement, tuple[ImportSpec, ...]]] = []
    taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
    candidates = [
        r for r in analysis.reports if r.fix is not None and allowed(fix_level, r.fix.safety)
    ]
    candidates.sort(key=lambda r: (r.range.start.line, r.range.start.column))
    for report in candidates:
        fix = report.fix
        assert fix is not None
        target = report.node
        code_range = positions.get(target)
        if code_range is None:
            continue
        span = (
            (code_range.start.line, code_range.start.column),
            (code_range.end.line, code_range.end.column),
        )
        # ``taken`` holds disjoint spans in order: only its neighbours can overlap.
        at = bisect.bisect(taken, span)
        if (at and span[0] < taken[at - 1][1]) or (at < len(taken) and taken[at][0] < span[1]):
            continue  # overlaps an earlier fix; the next round picks it up
        taken.insert(at, span)
        chosen.append((target, fix.replacement, fix.imports))
    return chosen


def _compile_error(data: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(decode_source(data), "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return str(error) or type(error).__name__
    return None


def _verify(new: bytes, must_compile: bool, old: bytes) -> str | None:
    """Why ``new`` (fixed from ``old``) cannot be written, or None when it parses (and compiles)."""
    try:
        cst.parse_module(new)
    except cst.ParserSyntaxError as error:
        return f"libcst cannot parse the fixed code: {error.message}"
    if must_compile:
        problem = _compile_error(new)
        # ``ast`` accepts some code the compiler refuses (too many nested
        # blocks): then the fix is not to blame.
        if problem is not None and _compile_error(old) is None:
            return f"the fixed code does not compile: {problem}"
    return None



def _fix_notes(
    module: cst.Module, wrapper: MetadataWrapper, carried: Sequence[CstReport]
) -> dict[int, str]:
    """What each fix's title adds (:func:`.tidy.fix_notes`), by the report's id."""
    if not carried:
        return {}
    from .tidy import fix_notes

    positions = wrapper.resolve(PositionProvider)
    notes = fix_notes(module, positions, [(c.node, c.fix.replacement) for c in carried])
    return {id(c): note for c, note in zip(carried, notes)}


def cst_analyse(
    data: bytes, tree: ast.Module, reports: Sequence[Report], noqa: NoqaIndex
) -> _Analysis:
    """Parse ``data`` with libcst and carry the fixes of ``reports`` over to its tree."""
    # libcst's parser and its visitors take a Python frame or more per level:
    # past the recursion limit they must fail, so do not let it parse (or crash on) it.
    if _deeper_than(tree, sys.getrecursionlimit()):
        return _Analysis(
            [_engine_finding(SYNTAX_ERROR, "cannot analyse: nesting too deep for the fixer")],
            [],
            None,
            None,
            True,
        )
    try:
        module = cst.parse_module(data)
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        located = _located(reports, module, wrapper)
    except (cst.ParserSyntaxError, RecursionError):
        # Python parses it, libcst does not: the findings stand, without fixes.
        unfixed = [_ast_finding(report, None) for report in reports]
        unfixed.sort(key=lambda f: (f.line, f.column, f.code))
        return _Analysis(unfixed, [], None, None, True, noqa)
    carried_reports: list[CstReport] = []
    findings: list[Finding] = []
    notes = _fix_notes(module, wrapper, [carried for _, carried in located if carried is not None])
    for report, carried in located:
        if carried is None:
            findings.append(_ast_finding(report, None))
        else:
            carried_reports.append(carried)
            note = notes.get(id(carried))
            if note:
                carried.fix = replace(carried.fix, title=carried.fix.title + note)
            findings.append(_ast_finding(report, _fix_info(carried, wrapper)))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return _Analysis(findings, carried_reports, module, wrapper, True, noqa)


def apply_fixes(analysis: _Analysis, fix_level: FixLevel, current: bytes) -> tuple[bytes, str | None] | None:
    """One round of fixing: the fixed bytes and why they cannot be written (None: they can).

    None when no allowed fix is left.  ``analysis.chosen`` says how many fixes the round made.
    """
    chosen = _choose_fixes(analysis, fix_level)
    if not chosen or analysis.module is None:
        return None
    from .tidy import tidied

    assert analysis.wrapper is not None
    positions = analysis.wrapper.resolve(PositionProvider)
    fixes = [(t, r) for t, r, _ in chosen]
    module = apply_replacements(analysis.module, tidied(analysis.module, positions, fixes))
    module = add_imports(module, (spec for _, _, specs in chosen for spec in specs))
    new = module.bytes
    analysis.chosen = len(chosen)
    return new, _verify(new, analysis.compiled, current)


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, Replacement]) -> None:
        super().__init__()
        self._replacements = replacements

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        replacement = self._replacements.get(id(original_node))
        if replacement is None:
            return updated_node
        return replacement


def apply_replacements(
    module: cst.Module, replacements: Sequence[tuple[cst.CSTNode, Replacement]]
) -> cst.Module:
    """Replace each target node (by identity) in ``module`` in one pass."""
    if not replacements:
        return module
    table = {id(target): new for target, new in replacements}
    result = module.visit(_Replace(table))
    assert isinstance(result, cst.Module)
    return result


def add_imports(module: cst.Module, imports: Iterable[ImportSpec]) -> cst.Module:
    """Add the imports that are not there yet, where isort would put them (:mod:`.imports`)."""
    from .imports import add_imports as place

    return place(module, imports)
