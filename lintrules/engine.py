"""Lint (and fix) the source of one file: the core every front end shares.

The pipeline for one file, cheapest step first:

1. decode (PEP 263 cookie or BOM) and look for each enabled rule's
   ``REQUIRES_TEXT``; most files stop here;
2. parse with :mod:`ast` and ask each remaining rule's gate; most of the rest
   stop here;
3. parse with libcst, compute the metadata the surviving rules need, and run
   them all in one batched visit;
4. in fix mode, apply the allowed non-overlapping fixes, add the imports they
   need, verify that the result parses (and compiles, if the input did), and
   go round again until nothing changes, so fixes that enable other fixes
   (NC006 then NC001) land in one run.

Nothing here touches the file system; :mod:`lintrules.runner` does.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import (
    CodePosition,
    CodeRange,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
)

from ._metadata import metadata_wrapper

# The results' types live in .findings (no libcst there); they are re-exported
# here, where they have always been importable from.
from .findings import ENGINE_CODES as ENGINE_CODES
from .findings import INTERNAL_ERROR as INTERNAL_ERROR
from .findings import IO_ERROR as IO_ERROR
from .findings import SYNTAX_ERROR as SYNTAX_ERROR
from .findings import Edit as Edit
from .findings import Finding as Finding
from .findings import FixInfo as FixInfo
from .findings import FixLevel as FixLevel
from .findings import SourceResult as SourceResult
from .findings import allowed as allowed
from .findings import decode_source as decode_source
from .fixes import add_imports, apply_replacements
from .gate import AstIndex
from .reduce import reduce_source, source_lines
from .rule import FixStyle, ImportSpec, Replacement, Report, Rule, RuleContext

#: How many rounds of fixing one file may take before the engine stops.
MAX_FIX_PASSES = 8

_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_PY2_HINTS = re.compile(
    r"^\s*(print\s+[^\s(=]|exec\s+[\"']|except\s+[\w.]+\s*,\s*\w+\s*:|raise\s+\w+\s*,)",
    re.MULTILINE,
)
#: libcst's native parser overflows its stack (a segfault that ends the whole
#: run, not an exception) near 1300 nested brackets, 7000 ``and`` operands or
#: 8000 dots in an import, and takes minutes on some thousands of chained
#: attributes.  Code nested that deep is reported and never handed to libcst:
#: CPython refuses more than 200 nested brackets, and the rules' visit (Python
#: recursion) fails long before the other limits.
_MAX_BRACKETS = 1000
_BRACKETS = re.compile(r"[()\[\]{}]")


def _engine_finding(kind: tuple[str, str], message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(kind[0], kind[1], message, line, column, line, column)


class _Analysis:
    """One parse-and-run of the rules over one version of a source."""

    def __init__(
        self,
        findings: list[Finding],
        reports: list[Report],
        module: cst.Module | None,
        wrapper: MetadataWrapper | None,
        compiled: bool,
    ) -> None:
        self.findings = findings
        self.reports = reports
        self.module = module
        self.wrapper = wrapper
        self.compiled = compiled


def _suppressed(lines: Sequence[str], line: int, code: str) -> bool:
    if not 0 < line <= len(lines):
        return False
    match = _NOQA.search(lines[line - 1])
    if match is None:
        return False
    codes = match.group("codes")
    if codes is None:
        return True
    return any(code.startswith(c.strip().upper()) for c in codes.split(","))


def _fix_info(report: Report, wrapper: MetadataWrapper) -> FixInfo | None:
    fix = report.fix
    if fix is None:
        return None
    target = fix.target if fix.target is not None else report.node
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


def _finding(report: Report, wrapper: MetadataWrapper) -> Finding:
    code_range = report.range
    return Finding(
        code=report.code,
        name=report.name,
        message=report.message,
        line=code_range.start.line,
        column=code_range.start.column + 1,
        end_line=code_range.end.line,
        end_column=code_range.end.column + 1,
        fix=_fix_info(report, wrapper),
    )


def candidate_rules(text: str, rules: Iterable[type[Rule]]) -> list[type[Rule]]:
    """The rules whose text gate keeps ``text``."""
    return [rule for rule in rules if rule.text_gate(text)]


def _bracket_depth(text: str) -> int:
    """The deepest bracket nesting in ``text``, counting brackets in strings too."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


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


def _from_recursion(error: BaseException) -> bool:
    """Whether ``error`` was raised while handling (or because of) a RecursionError."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, RecursionError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _describe(error: BaseException) -> str:
    """``Type: message``, short, even when the message is a huge node (or fails)."""
    try:
        text = str(error)
    except Exception:  # a repr that recurses or raises must not hide the crash itself
        text = "(no message)"
    if len(text) > 300:
        text = text[:300] + "..."
    return f"{type(error).__name__}: {text}"


def _too_deep(line: int, column: int) -> _Analysis:
    return _Analysis(
        [
            _engine_finding(
                SYNTAX_ERROR, "cannot parse: nesting too deep for the parser", line, column
            )
        ],
        [],
        None,
        None,
        False,
    )


def _analyse(
    data: bytes, rules: Sequence[type[Rule]], context: RuleContext, *, reduce: bool = False
) -> _Analysis:
    """Run ``rules`` over ``data``; with ``reduce``, on the parts the rules need only.

    A reduced analysis (see :mod:`lintrules.reduce`) reports the same findings
    but its tree lacks function bodies, so it must not be used for fixing.
    """
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return _Analysis(
            [_engine_finding(IO_ERROR, f"cannot decode source: {error}")], [], None, None, False
        )
    if "\0" in text:
        return _Analysis(
            [_engine_finding(IO_ERROR, "file contains NUL bytes; not a Python source file")],
            [],
            None,
            None,
            False,
        )
    active = candidate_rules(text, rules)
    if not active:
        # A text gate reads the text as Python 3.  Legacy code some rule's
        # needle points at is still parsed, so that it is reported as
        # unparsable (NC901) instead of passing as clean.
        legacy = [rule for rule in rules if rule.REQUIRES_TEXT and rule.needles_in(text)]
        if not legacy or not _PY2_HINTS.search(text):
            return _Analysis([], [], None, None, False)
        active = legacy

    compiled = False
    reduced: str | None = None
    index: AstIndex | None = None
    python_error: SyntaxError | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as error:
        # Maybe syntax newer than this interpreter; libcst decides below,
        # unless the code is nested deeper than libcst survives.
        python_error = error
        if error.msg == "too many nested parentheses" or _bracket_depth(text) > _MAX_BRACKETS:
            return _too_deep(error.lineno or 1, error.offset or 1)
    except (RecursionError, MemoryError):
        # Too deep for CPython's own parser, so it cannot run anywhere: spare libcst.
        return _too_deep(1, 1)
    except ValueError:
        pass
    else:
        compiled = True
        try:
            index = AstIndex.from_tree(tree)
            active = [rule for rule in active if rule.gate(index)]
        except RecursionError:
            pass  # a deeply nested file: let every candidate rule see it
        except Exception as error:  # a gate crash is reported, not fatal
            message = f"a rule gate crashed: {_describe(error)}; please report this"
            return _Analysis([_engine_finding(INTERNAL_ERROR, message)], [], None, None, True)
        if not active:
            return _Analysis([], [], None, None, True)
        # The visit takes a Python frame or more per level: past the recursion
        # limit it must fail, so do not let libcst parse (or crash on) it.
        if _deeper_than(tree, sys.getrecursionlimit()):
            return _Analysis(
                [_engine_finding(SYNTAX_ERROR, "cannot analyse: nesting too deep for the rules")],
                [],
                None,
                None,
                True,
            )

    if reduce and index is not None:
        tests = [rule.needs(index) for rule in active]
        if all(test is not None for test in tests):
            reduced = reduce_source(text, tree, [test for test in tests if test is not None])
    try:
        module = _parse(data, reduced)
    except cst.ParserSyntaxError as error:
        hint = " (this looks like Python 2 code)" if _PY2_HINTS.search(text) else ""
        # Python's own error has the better position and message, when there is one.
        if python_error is not None and python_error.lineno:
            line, column = python_error.lineno, python_error.offset or 1
            detail = python_error.msg
        else:
            line, column, detail = error.raw_line, error.raw_column + 1, error.message
        message = f"cannot parse{hint}: {detail}"
        return _Analysis(
            [_engine_finding(SYNTAX_ERROR, message, line, column)],
            [],
            None,
            None,
            False,
        )
    except RecursionError:
        return _Analysis(
            [_engine_finding(SYNTAX_ERROR, "cannot parse: nesting too deep for the parser")],
            [],
            None,
            None,
            False,
        )

    # The rules' metadata, each provider's computed when first read (and
    # cheaper than libcst's own providers: see lintrules._metadata).
    wrapper = metadata_wrapper(module)
    instances = [rule(context) for rule in active]
    try:
        wrapper.visit_batched(instances)
    except RecursionError:
        return _Analysis(
            [_engine_finding(SYNTAX_ERROR, "cannot analyse: nesting too deep for the rules")],
            [],
            None,
            None,
            compiled,
        )
    except Exception as error:
        if _from_recursion(error):
            # libcst's metadata turns a RecursionError into a KeyError on the way out.
            return _Analysis(
                [_engine_finding(SYNTAX_ERROR, "cannot analyse: nesting too deep for the rules")],
                [],
                None,
                None,
                compiled,
            )
        rules_run = ", ".join(rule.CODE for rule in active)
        message = f"rules {rules_run} crashed: {_describe(error)}; please report this"
        return _Analysis([_engine_finding(INTERNAL_ERROR, message)], [], None, None, compiled)

    lines = source_lines(text)
    reports: list[Report] = []
    findings: list[Finding] = []
    for instance in instances:
        for report in instance.reports:
            if _suppressed(lines, report.range.start.line, report.code):
                continue
            reports.append(report)
            findings.append(_finding(report, wrapper))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return _Analysis(findings, reports, module, wrapper, compiled)


def _parse(data: bytes, reduced: str | None) -> cst.Module:
    """The libcst tree of ``reduced`` when given (and parsable), else of ``data``."""
    if reduced is not None:
        try:
            return cst.parse_module(reduced)
        except (cst.ParserSyntaxError, RecursionError):
            pass  # the full source decides, and reports its own error
    return cst.parse_module(data)


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
        target = fix.target if fix.target is not None else report.node
        code_range = positions.get(target)
        if code_range is None:
            continue
        span = (
            (code_range.start.line, code_range.start.column),
            (code_range.end.line, code_range.end.column),
        )
        if any(span[0] < other[1] and other[0] < span[1] for other in taken):
            continue  # overlaps an earlier fix; the next round picks it up
        taken.append(span)
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


def lint_source(
    data: bytes,
    rules: Sequence[type[Rule]],
    *,
    fix_level: FixLevel = None,
    fix_style: FixStyle = "stdlib",
    options: Mapping[str, object] | None = None,
) -> SourceResult:
    """Lint ``data`` (the bytes of one file) with ``rules``; fix if asked.

    Args:
        data: the file's bytes, encoding cookie and BOM included.
        rules: the rule classes enabled for this file.
        fix_level: None to only report, ``"safe"`` or ``"unsafe"`` to fix.
        fix_style: ``"stdlib"`` or ``"netcompat"`` (see the configuration docs).
        options: rule options, keyed by option name.

    Returns:
        The findings that remain, and the fixed bytes when anything changed.
    """
    context = RuleContext(fix_style=fix_style, options=dict(options or {}))
    current = data
    applied = 0
    analysis = _analyse(current, rules, context, reduce=fix_level is None)
    seen = {current}
    for _ in range(MAX_FIX_PASSES):
        chosen = _choose_fixes(analysis, fix_level)
        if not chosen or analysis.module is None:
            break
        module = apply_replacements(analysis.module, [(t, r) for t, r, _ in chosen])
        module = add_imports(module, (spec for _, _, specs in chosen for spec in specs))
        new = module.bytes
        problem = _verify(new, analysis.compiled, current)
        if problem is not None:
            codes = ", ".join(sorted({r.code for r in analysis.reports if r.fix is not None}))
            broken = _engine_finding(
                INTERNAL_ERROR, f"a fix for {codes} was not applied: {problem}; please report this"
            )
            analysis.findings.append(broken)
            break
        if new in seen:
            break
        seen.add(new)
        applied += len(chosen)
        current = new
        analysis = _analyse(current, rules, context)
    fixed = current if current != data else None
    return SourceResult(tuple(analysis.findings), fixed, applied)
