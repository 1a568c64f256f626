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
import io
import re
import sys
import tokenize
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .fixes import add_imports, apply_replacements
from .gate import AstIndex
from .rule import FixStyle, ImportSpec, Replacement, Report, Rule, RuleContext, Safety

FixLevel = Optional[Literal["safe", "unsafe"]]

#: Findings the engine itself produces; they cannot be fixed.
IO_ERROR = ("NC900", "io-error")
SYNTAX_ERROR = ("NC901", "syntax-error")
INTERNAL_ERROR = ("NC902", "internal-error")
ENGINE_CODES: Mapping[str, str] = {
    IO_ERROR[0]: "The file could not be read or decoded.",
    SYNTAX_ERROR[0]: "The file could not be parsed (Python 2 code, a syntax error, or nesting "
    "too deep for the parser); no rule ran on it.",
    INTERNAL_ERROR[0]: "A rule crashed on the file, or a fix produced code that does not parse; "
    "the file was left unchanged.  Please report it.",
}

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


@dataclass(frozen=True)
class Edit:
    """A text replacement: ``content`` replaces the 1-based range given."""

    content: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class FixInfo:
    """What a finding's fix would do: its safety, title and main edit.

    The edit covers the replaced expression; imports the fix adds are not
    part of it.
    """

    safety: Safety
    title: str
    edit: Edit | None = None


@dataclass(frozen=True)
class Finding:
    """One finding, positioned with 1-based lines and columns."""

    code: str
    name: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: FixInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": None if self.fix is None else _fix_to_dict(self.fix),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        fix = data.get("fix")
        return cls(
            code=data["code"],
            name=data["name"],
            message=data["message"],
            line=data["line"],
            column=data["column"],
            end_line=data["end_line"],
            end_column=data["end_column"],
            fix=None if fix is None else _fix_from_dict(fix),
        )


def _fix_to_dict(fix: FixInfo) -> dict[str, Any]:
    edit = fix.edit
    return {
        "safety": fix.safety,
        "title": fix.title,
        "edit": None
        if edit is None
        else {
            "content": edit.content,
            "line": edit.line,
            "column": edit.column,
            "end_line": edit.end_line,
            "end_column": edit.end_column,
        },
    }


def _fix_from_dict(data: Mapping[str, Any]) -> FixInfo:
    edit = data.get("edit")
    return FixInfo(
        data["safety"],
        data["title"],
        None
        if edit is None
        else Edit(
            edit["content"], edit["line"], edit["column"], edit["end_line"], edit["end_column"]
        ),
    )


@dataclass(frozen=True)
class SourceResult:
    """The outcome of linting one source: remaining findings and fixed bytes."""

    findings: tuple[Finding, ...]
    fixed_source: bytes | None = None
    fixes_applied: int = 0


def _engine_finding(kind: tuple[str, str], message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(kind[0], kind[1], message, line, column, line, column)


def decode_source(data: bytes) -> str:
    """Decode Python source as the interpreter would (BOM, PEP 263 cookie, UTF-8).

    Raises:
        SyntaxError: the declared encoding is unknown or conflicts with a BOM.
        UnicodeDecodeError: the bytes are not valid in that encoding.
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def allowed(fix_level: FixLevel, safety: Safety) -> bool:
    """Whether a fix of ``safety`` runs at ``fix_level``."""
    return fix_level == "unsafe" or (fix_level == "safe" and safety == "safe")


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
    if code_range is not None and isinstance(fix.replacement, cst.CSTNode):
        edit = Edit(
            wrapper.module.code_for_node(fix.replacement),
            code_range.start.line,
            code_range.start.column + 1,
            code_range.end.line,
            code_range.end.column + 1,
        )
    return FixInfo(fix.safety, fix.title, edit)


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
    """The rules whose required text appears in ``text`` (all rules needing none)."""
    return [
        rule
        for rule in rules
        if not rule.REQUIRES_TEXT or any(needle in text for needle in rule.REQUIRES_TEXT)
    ]


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


def _analyse(data: bytes, rules: Sequence[type[Rule]], context: RuleContext) -> _Analysis:
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
        return _Analysis([], [], None, None, False)

    compiled = False
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

    try:
        module = cst.parse_module(data)
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

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
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

    lines = text.splitlines()
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
    analysis = _analyse(current, rules, context)
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
