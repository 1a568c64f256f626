"""Fixes applied to real code change nothing but the flagged expressions.

The files come from the running interpreter's standard library (nothing is
copied into this repository): modules that exist on Python 3.9 to 3.13 and in
which ``bench/ecosystem_run.py`` found fixable findings.  Each one is fixed
with every rule (opt-in ones included) at the unsafe level, one round of fixes
at a time, and for every round the ``ast`` of the code before and after is
compared with the fixed nodes masked:

* a node of the "before" tree may differ only if it lies within the range of a
  finding that offered a fix, or within that fix's edit range
  (``Finding.fix.edit``);
* a statement may be inserted into a list only at a point inside such a range;
* the only other change allowed is the imports the fixes need: new
  ``import``/``from ... import`` statements at module level, or new names in
  an existing module-level ``from ... import``;
* everything else must be identical (the comparison ignores positions, as
  ``ast.dump`` does).

The last tests break a fix on purpose and check that the comparison notices,
so the main test cannot pass by comparing nothing.

``bench/ecosystem_run.py`` imports :func:`fix_rounds` and
:func:`mask_violations` to run the same check over every installed package.
"""

from __future__ import annotations

import ast
import difflib
import re
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import libcst as cst
import pytest

from lintrules import engine
from lintrules.engine import Finding, FixLevel, allowed, lint_source
from lintrules.fixing import cst_pass
from lintrules.rule import REMOVE, Fix, Rule
from lintrules.rules import all_rules

#: A position as (1-based line, 0-based column in characters).
Point = tuple[int, int]
Span = tuple[Point, Point]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# -- running the fixes one round at a time -------------------------------------
@dataclass(frozen=True)
class Round:
    """One round of fixes: the source before and after, and what was flagged."""

    before: bytes
    after: bytes
    findings: tuple[Finding, ...]
    fixes_applied: int


def fix_rounds(
    data: bytes,
    rules: Sequence[type[Rule]],
    *,
    fix_level: FixLevel = "unsafe",
    fix_style: str = "stdlib",
    max_rounds: int = engine.MAX_FIX_PASSES,
    findings: Sequence[Finding] | None = None,
) -> list[Round]:
    """Fix ``data`` like ``lint_source`` does, but one round at a time.

    The engine goes round until nothing changes; here each round is a separate
    call with ``MAX_FIX_PASSES`` set to one, so that the findings of that round
    (reported on the code the round starts from) are known and their ranges
    can mask that round's changes.  A one-pass call returns the findings of
    the code it produced, which are the next round's findings, so each round
    costs one call.  ``findings``: those of ``data`` in this fix style, if
    already known.  Stops when a round fixes nothing, when a fix is refused
    (an ``NC902`` finding), or when a round brings back a source seen before,
    as the engine does.
    """
    rounds: list[Round] = []
    current = data
    seen = {data}
    if findings is None:
        findings = lint_source(data, rules, fix_style=fix_style).findings  # type: ignore[arg-type]
    with mock.patch.object(engine, "MAX_FIX_PASSES", 1):
        for _ in range(max_rounds):
            fixed = lint_source(
                current,
                rules,
                fix_level=fix_level,
                fix_style=fix_style,  # type: ignore[arg-type]
            )
            if fixed.fixed_source is None:
                break
            fixable = tuple(
                f for f in findings if f.fix is not None and allowed(fix_level, f.fix.safety)
            )
            rounds.append(Round(current, fixed.fixed_source, fixable, fixed.fixes_applied))
            if fixed.fixed_source in seen:
                break
            seen.add(fixed.fixed_source)
            current = fixed.fixed_source
            findings = fixed.findings
    return rounds


# -- masks -----------------------------------------------------------------------
def finding_masks(findings: Sequence[Finding], *, edits: bool = True) -> list[Span]:
    """The ranges fixes may change: each fixable finding's range and (``edits``) its edit's."""
    spans: list[Span] = []
    for finding in findings:
        if finding.fix is None:
            continue
        spans.append(
            ((finding.line, finding.column - 1), (finding.end_line, finding.end_column - 1))
        )
        edit = finding.fix.edit
        if edit is not None and edits:
            spans.append(((edit.line, edit.column - 1), (edit.end_line, edit.end_column - 1)))
    return spans


def _source_lines(text: str) -> list[str]:
    """The lines as the tokenizer numbers them (only CR, LF and CRLF break lines)."""
    return _LINE_BREAK.split(text)


class _Positions:
    """Turns ``ast`` positions (UTF-8 byte columns) into character columns."""

    def __init__(self, text: str) -> None:
        self._lines = [line.encode("utf-8") for line in _source_lines(text)]

    def point(self, line: int, byte_column: int) -> Point:
        if not 0 < line <= len(self._lines):
            return (line, byte_column)
        prefix = self._lines[line - 1][:byte_column]
        return (line, len(prefix.decode("utf-8", errors="replace")))

    def span(self, node: ast.AST) -> Span | None:
        line = getattr(node, "lineno", None)
        end_line = getattr(node, "end_lineno", None)
        if line is None or end_line is None:
            return None
        start = self.point(line, getattr(node, "col_offset", 0))
        end = self.point(end_line, getattr(node, "end_col_offset", 0))
        return (start, end)


def _within(span: Span, masks: Sequence[Span]) -> bool:
    return any(mask[0] <= span[0] and span[1] <= mask[1] for mask in masks)


def _point_within(point: Point, masks: Sequence[Span]) -> bool:
    return any(mask[0] <= point <= mask[1] for mask in masks)


# -- the comparison ------------------------------------------------------------
def _same_value(before: object, after: object) -> bool:
    return type(before) is type(after) and (before == after or repr(before) == repr(after))


def _is_import(node: object) -> bool:
    return isinstance(node, (ast.Import, ast.ImportFrom))


def _import_extended(before: ast.AST, after: ast.AST) -> bool:
    """``from m import a`` became ``from m import a, b`` (names only added)."""
    if not (isinstance(before, ast.ImportFrom) and isinstance(after, ast.ImportFrom)):
        return False
    if before.module != after.module or before.level != after.level:
        return False
    old = [ast.dump(alias) for alias in before.names]
    new = [ast.dump(alias) for alias in after.names]
    return all(name in new for name in old)


class _Comparer:
    def __init__(self, before_text: str, masks: Sequence[Span]) -> None:
        self.positions = _Positions(before_text)
        self.masks = masks
        self.violations: list[str] = []

    def violation(self, anchor: Span | None, what: str) -> None:
        where = "?" if anchor is None else f"{anchor[0][0]}:{anchor[0][1] + 1}"
        self.violations.append(f"line {where}: {what}")

    def node(self, before: ast.AST, after: object, anchor: Span | None, top: bool) -> None:
        span = self.positions.span(before)
        if span is not None:
            if _within(span, self.masks):
                return  # a flagged expression: anything may replace it
            anchor = span
        if type(before) is not type(after):
            self.violation(
                anchor, f"{type(before).__name__} became {type(after).__name__}: {_short(before)}"
            )
            return
        assert isinstance(after, ast.AST)
        if top and _import_extended(before, after):
            return
        for name in before._fields:
            self.value(getattr(before, name, None), getattr(after, name, None), anchor, name)

    def value(self, before: object, after: object, anchor: Span | None, field: str) -> None:
        if isinstance(before, ast.AST):
            self.node(before, after, anchor, top=False)
        elif isinstance(before, list) and isinstance(after, list):
            self.sequence(before, after, anchor, top=False)
        elif not _same_value(before, after):
            self.violation(anchor, f"{field} {before!r} became {after!r}")

    def sequence(
        self, before: list[object], after: list[object], anchor: Span | None, top: bool
    ) -> None:
        if len(before) == len(after):
            self.pairs(before, after, anchor, top)
            return
        keys_before = [_key(item) for item in before]
        keys_after = [_key(item) for item in after]
        matcher = difflib.SequenceMatcher(None, keys_before, keys_after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                self.pairs(before[i1:i2], after[j1:j2], anchor, top)
                continue
            for old in before[i1:i2]:  # deleted (or replaced by a different number)
                old_span = self.positions.span(old) if isinstance(old, ast.AST) else None
                if old_span is None or not _within(old_span, self.masks):
                    self.violation(old_span or anchor, f"removed {_short(old)}")
            inserted = after[j1:j2]
            if i1 != i2 or not inserted:
                continue
            if top and all(_is_import(item) for item in inserted):
                continue  # imports added for the fixes
            point = self._insertion_point(before, i1, anchor)
            if point is None or not _point_within(point, self.masks):
                self.violation(anchor, f"inserted {', '.join(_short(item) for item in inserted)}")

    def pairs(
        self, before: list[object], after: list[object], anchor: Span | None, top: bool
    ) -> None:
        for old, new in zip(before, after):
            if isinstance(old, ast.AST):
                self.node(old, new, anchor, top)
            else:
                self.value(old, new, anchor, "item")

    def _insertion_point(
        self, before: list[object], index: int, anchor: Span | None
    ) -> Point | None:
        if index > 0 and isinstance(before[index - 1], ast.AST):
            span = self.positions.span(before[index - 1])
            if span is not None:
                return span[1]
        if index < len(before) and isinstance(before[index], ast.AST):
            span = self.positions.span(before[index])
            if span is not None:
                return span[0]
        return None if anchor is None else anchor[0]


def _key(item: object) -> str:
    return ast.dump(item) if isinstance(item, ast.AST) else repr(item)


def _short(item: object, limit: int = 120) -> str:
    text = (
        ast.unparse(item) if isinstance(item, ast.AST) and hasattr(ast, "unparse") else repr(item)
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _parse(data: bytes) -> ast.Module:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(engine.decode_source(data))


def mask_violations(before: bytes, after: bytes, masks: Sequence[Span]) -> list[str]:
    """Where ``after`` differs from ``before`` outside ``masks`` (empty: nowhere).

    Both must parse with :mod:`ast`.  Masks are spans of the *before* source.
    """
    comparer = _Comparer(engine.decode_source(before), masks)
    old, new = _parse(before), _parse(after)
    comparer.sequence(list(old.body), list(new.body), None, top=True)
    return comparer.violations


def round_violations(rounds: Sequence[Round], *, edits: bool = True) -> list[str]:
    """Every round's mask violations, prefixed with the round number."""
    problems = []
    for number, fix_round in enumerate(rounds, 1):
        masks = finding_masks(fix_round.findings, edits=edits)
        for problem in mask_violations(fix_round.before, fix_round.after, masks):
            problems.append(f"round {number}: {problem}")
    return problems


# -- the real files ------------------------------------------------------------
STDLIB = Path(sysconfig.get_paths()["stdlib"])

#: Standard library modules present on 3.9-3.13 that have fixable findings
#: there (found by bench/ecosystem_run.py): safe NC003 fixes of expressions,
#: unsafe NC008 fixes that rewrite an ``except`` clause, and an unsafe NC101
#: fix that wraps a statement in ``try``.  Relative to the stdlib folder.
MODULES = (
    "ntpath.py",
    "multiprocessing/queues.py",
    "multiprocessing/forkserver.py",
    "xmlrpc/client.py",
    "asyncio/selector_events.py",
)

#: How many of MODULES must get at least one fix (rules improve; if this
#: fails, pick other modules with the ecosystem run rather than lowering it).
MIN_FIXED_MODULES = 3

RULES = all_rules()


def _module_case(relative: str) -> object:
    return pytest.param(relative, id=relative)


@pytest.fixture(scope="module")
def fixed_modules() -> dict[str, list[Round]]:
    """Each module's fix rounds, computed once."""
    results = {}
    for relative in MODULES:
        path = STDLIB / relative
        if path.is_file():
            results[relative] = fix_rounds(path.read_bytes(), RULES)
    return results


@pytest.mark.parametrize("relative", [_module_case(m) for m in MODULES])
def test_fix_changes_only_flagged_expressions(
    relative: str, fixed_modules: dict[str, list[Round]]
) -> None:
    if relative not in fixed_modules:
        pytest.skip(f"{relative} is not in this interpreter's standard library")
    rounds = fixed_modules[relative]
    assert round_violations(rounds) == []


def test_the_modules_were_really_fixed(fixed_modules: dict[str, list[Round]]) -> None:
    """Fixes did happen, so the comparison above did not compare nothing."""
    fixed = {name: sum(r.fixes_applied for r in rounds) for name, rounds in fixed_modules.items()}
    assert len(fixed_modules) == len(MODULES), f"missing from this stdlib: {fixed}"
    assert len([name for name, count in fixed.items() if count]) >= MIN_FIXED_MODULES, fixed


def test_rounds_end_where_the_engine_ends(fixed_modules: dict[str, list[Round]]) -> None:
    """Fixing round by round reaches the same code as the engine's own loop."""
    for relative, rounds in fixed_modules.items():
        if not rounds:
            continue
        whole = lint_source((STDLIB / relative).read_bytes(), RULES, fix_level="unsafe")
        assert whole.fixed_source == rounds[-1].after, relative
        assert whole.fixes_applied == sum(r.fixes_applied for r in rounds), relative


# -- the comparison can fail ---------------------------------------------------
_SAMPLE = b'''\
import errno
import socket


def closed(exc):
    """Say whether the peer went away."""
    limit = 3
    if exc.errno == 104:
        return True
    return limit > 4
'''


class _RemovesTheStatement(Rule):
    """A deliberately broken rule: it flags ``104`` but removes the whole ``if``."""

    CODE = "NC990"
    NAME = "removes-the-statement"
    MESSAGE = "broken on purpose"
    FIX_SAFETY = "unsafe"

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if isinstance(test, ast.Compare):
            literal = test.comparators[0]
            if isinstance(literal, ast.Constant) and literal.value == 104:
                self.report(literal, fix=Fix(REMOVE, "unsafe", "remove", target=node))


class _NamesTheLiteral(Rule):
    """A correct fix: ``104`` becomes ``errno.ECONNRESET``, nothing else changes."""

    CODE = "NC992"
    NAME = "names-the-literal"
    MESSAGE = "a number"
    FIX_SAFETY = "unsafe"

    def visit_Constant(self, node: ast.Constant) -> None:
        if node.value == 104:
            self.report(node, fix=Fix("errno.ECONNRESET", "unsafe", "name it"))


def test_mask_accepts_a_fix_that_stays_in_its_expression() -> None:
    rounds = fix_rounds(_SAMPLE, [_NamesTheLiteral])
    assert len(rounds) == 1 and rounds[0].fixes_applied == 1
    assert round_violations(rounds) == []


def test_mask_catches_a_fix_that_removes_more_than_it_flags() -> None:
    rounds = fix_rounds(_SAMPLE, [_RemovesTheStatement])
    assert len(rounds) == 1 and rounds[0].fixes_applied == 1
    # The fix's edit says honestly that the whole ``if`` goes (from its line,
    # 8, to the start of line 10), so only the finding's own range tells that
    # the fix went further than what it flagged.
    (finding,) = rounds[0].findings
    assert finding.fix is not None and finding.fix.edit is not None
    assert (finding.fix.edit.line, finding.fix.edit.end_line) == (8, 10)
    assert round_violations(rounds) == []
    problems = round_violations(rounds, edits=False)
    assert len(problems) == 1 and "removed if exc.errno == 104" in problems[0], problems


def test_mask_catches_a_change_outside_the_flagged_expression() -> None:
    """A fix that also rewrites an untouched line (here: ``limit = 3``) is caught."""
    original_add_imports = cst_pass.add_imports

    def add_imports_and_meddle(module: cst.Module, imports: object) -> cst.Module:
        module = original_add_imports(module, imports)  # type: ignore[arg-type]
        return cst.parse_module(module.code.replace("limit = 3", "limit = 4"))

    with mock.patch.object(cst_pass, "add_imports", add_imports_and_meddle):
        rounds = fix_rounds(_SAMPLE, [_NamesTheLiteral], max_rounds=1)
    assert rounds and rounds[0].fixes_applied == 1
    problems = round_violations(rounds)
    assert len(problems) == 1 and "value 3 became 4" in problems[0], problems


def test_mask_allows_only_what_the_findings_cover() -> None:
    """The same edit passes when masked and fails when the mask is taken away."""
    before = _SAMPLE
    after = _SAMPLE.replace(b"== 104", b"== errno.ECONNRESET")
    assert mask_violations(before, after, []) != []
    column = _SAMPLE.splitlines()[7].index(b"104")
    assert mask_violations(before, after, [((8, column), (8, column + 3))]) == []
    assert mask_violations(before, after, [((8, column + 1), (8, column + 3))]) != []
    # An import added at the top is allowed; one added inside the function is not.
    assert mask_violations(before, b"import os\n" + before, []) == []
    inside = before.replace(b"    limit = 3\n", b"    import os\n    limit = 3\n")
    assert mask_violations(before, inside, []) != []
