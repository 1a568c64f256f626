"""Every rule's VALID and INVALID examples, run as tests.

The examples live on the rule classes (their documentation and their tests at
once); this module turns each into a pytest case with a readable id.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from lintrules.engine import lint_source
from lintrules.rule import Invalid, Valid
from lintrules.rule import RuleBase as Rule
from lintrules.rules import all_rules

RULES = all_rules()


def _cases(kind: str) -> list[object]:
    params = []
    for rule in RULES:
        examples: list[Valid] | list[Invalid] = rule.VALID if kind == "valid" else rule.INVALID
        for number, example in enumerate(examples):
            label = example.id or str(number)
            params.append(pytest.param(rule, example, id=f"{rule.CODE}-{kind}-{label}"))
    return params


def _parses_here(code: str) -> bool:
    """Whether the running Python's ``ast`` reads ``code`` (``except*`` needs 3.11, ``match`` 3.10)."""
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def _reported_unparsable(result: object) -> None:
    """Code newer than this Python is one NC901 finding naming the version, and nothing else."""
    findings = result.findings  # type: ignore[attr-defined]
    assert [f.code for f in findings] == ["NC901"], findings
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"cannot parse with Python {version}" in findings[0].message


def _lint(rule: type[Rule], code: str, options: dict[str, object], fix: str | None):
    fix_style = options.get("fix_style", "stdlib")
    rule_options = {k: v for k, v in options.items() if k != "fix_style"}
    return lint_source(
        code.encode("utf-8"),
        [rule],
        fix_level=fix,  # type: ignore[arg-type]
        fix_style=fix_style,  # type: ignore[arg-type]
        options=rule_options,
    )


@pytest.mark.parametrize(("rule", "example"), _cases("valid"))
def test_valid_example_has_no_finding(rule: type[Rule], example: Valid) -> None:
    result = _lint(rule, example.code, dict(example.options), None)
    if not _parses_here(example.code):
        _reported_unparsable(result)
        return
    assert [f for f in result.findings if f.code == rule.CODE] == []
    assert [f for f in result.findings if f.code.startswith("NC9")] == []


@pytest.mark.parametrize(("rule", "example"), _cases("invalid"))
def test_invalid_example_reports_and_fixes(rule: type[Rule], example: Invalid) -> None:
    options = dict(example.options)
    checked = _lint(rule, example.code, options, None)
    if not _parses_here(example.code):
        _reported_unparsable(checked)
        return
    own = [f for f in checked.findings if f.code == rule.CODE]
    assert len(own) == example.count, checked.findings
    assert not [f for f in checked.findings if f.code.startswith("NC9")]
    if example.message is not None:
        assert example.message in own[0].message
    marked = [
        n
        for n, line in enumerate(example.code.splitlines(), 1)
        if line.rstrip().endswith("# error")
    ]
    if marked:
        assert sorted({f.line for f in own}) == marked

    level = "unsafe" if example.unsafe else "safe"
    fixed = _lint(rule, example.code, options, level)
    if example.expected is None:
        assert fixed.fixed_source is None, "the rule must offer no fix at this level"
        return
    assert fixed.fixed_source is not None, "expected a fix"
    after = fixed.fixed_source.decode("utf-8")
    assert after == example.expected
    # A second run changes nothing.
    again = _lint(rule, after, options, level)
    assert again.fixed_source is None


@pytest.mark.parametrize(("rule", "example"), _cases("invalid"))
def test_needles_keep_every_invalid_example(rule: type[Rule], example: Invalid) -> None:
    # REQUIRES_TEXT lets the engine skip a file unparsed: it must never skip one the rule reports on.
    assert rule.needles_in(example.code), "REQUIRES_TEXT would drop a file the rule reports on"


SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
)


@pytest.mark.parametrize("rule", RULES, ids=[r.CODE for r in RULES])
def test_rule_is_documented_and_consistent(rule: type[Rule]) -> None:
    assert re.fullmatch(r"NC\d{3}", rule.CODE)
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", rule.NAME)
    docs = rule.documentation()
    for section in SECTIONS:
        assert section in docs, f"{rule.CODE} docs lack {section!r}"
    assert rule.VALID and rule.INVALID, "a rule needs valid and invalid examples"
    fixing = [example for example in rule.INVALID if example.expected is not None]
    assert bool(fixing) == (rule.FIX_SAFETY is not None)
    if rule.FIX_SAFETY == "safe":
        assert any(not example.unsafe for example in fixing)
    if rule.FIX_SAFETY == "unsafe":
        assert all(example.unsafe for example in fixing), "unsafe fixes need unsafe=True examples"
    module_file = Path(__import__(rule.__module__, fromlist=["_"]).__file__ or "")
    assert module_file.stem.replace("_", "-") == rule.NAME, (
        "one rule per file, named after the rule"
    )
