"""netcompat-lint's fixes as one libcst codemod command.

``lintrules.codemods.RuleCodemod`` runs the linter's own fix loop for the
rules ``--rule`` names (every default fixing rule without it).  These tests run
it on each fixing rule's first fixable example with libcst's ``CodemodTest``,
check its rule selection, and run it through ``libcst.tool``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest
from _cli_helpers import RESET_FIXED, RESET_SOURCE, UNFIXABLE_SOURCE, UnsafeDemo, run_subprocess
from libcst.codemod import CodemodContext, CodemodTest

from lintrules.codemods import RuleCodemod, fixing_rules
from lintrules.rule import Invalid
from lintrules.rule import RuleBase as Rule
from lintrules.rules import all_rules

FIXING_RULES = [rule for rule in all_rules() if rule.FIX_SAFETY is not None]
COMMAND = "lintrules.codemods.RuleCodemod"


def command_for(rule: type[Rule]) -> type[RuleCodemod]:
    """The codemod with ``--rule CODE`` for ``rule`` preset."""

    class OneRule(RuleCodemod):
        def __init__(self, context: CodemodContext, **kwargs: object) -> None:
            super().__init__(context, rule=[rule.CODE], **kwargs)  # type: ignore[arg-type]

    return OneRule


class _Case(CodemodTest):
    """libcst's CodemodTest, used one assertion at a time from pytest."""

    def __init__(self, command: type[RuleCodemod]) -> None:
        super().__init__()
        self.TRANSFORM = command


# -- (a) which rules a run applies -----------------------------------------------------------------
def test_default_run_applies_every_default_fixing_rule() -> None:
    assert fixing_rules() == tuple(rule for rule in FIXING_RULES if rule.DEFAULT_ENABLED)
    assert RuleCodemod(CodemodContext()).rules == fixing_rules()


def test_rule_selectors_take_codes_and_prefixes() -> None:
    assert [rule.CODE for rule in fixing_rules(["nc002"])] == ["NC002"]
    prefixed = [rule.CODE for rule in fixing_rules(["NC10"])]
    assert prefixed == [r.CODE for r in FIXING_RULES if r.CODE.startswith("NC10")]
    assert "NC008" in [rule.CODE for rule in fixing_rules(["NC008"])]  # opt-in, when named


def test_unknown_rule_selector_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="'NC999' names no fixing rule"):
        fixing_rules(["NC999"])


# -- (b) each rule's first fixable example, through CodemodTest -------------------------------
def _rule(code: str) -> type[Rule]:
    return next(rule for rule in all_rules() if code == rule.CODE)


def _first_fixable(rule: type[Rule]) -> Invalid:
    return next(example for example in rule.INVALID if example.expected is not None)


@pytest.mark.parametrize("rule", FIXING_RULES, ids=[rule.CODE for rule in FIXING_RULES])
def test_codemod_on_first_fixable_example(rule: type[Rule]) -> None:
    example = _first_fixable(rule)
    assert example.expected is not None
    options = dict(example.options)
    fix_style = options.pop("fix_style", "stdlib")
    _Case(command_for(rule)).assertCodemod(
        example.code,
        example.expected,
        unsafe=example.unsafe,
        fix_style=fix_style,
        options=options,
    )


def test_codemod_skips_a_file_without_findings() -> None:
    _Case(command_for(_rule("NC002"))).assertCodemod(
        "import errno\nX = errno.ECONNRESET\n",
        "import errno\nX = errno.ECONNRESET\n",
        expected_skip=True,
        expected_warnings=[],
    )


def test_codemod_warns_about_what_it_leaves() -> None:
    context = CodemodContext()
    _Case(command_for(_rule("NC002"))).assertCodemod(
        UNFIXABLE_SOURCE, UNFIXABLE_SOURCE, context_override=context, expected_skip=True
    )
    [warning] = context.warnings
    assert warning.startswith("line 2, column 5: NC002 errno.WSAEBADF exists only on Windows")
    assert warning.endswith("(not fixed)")


def test_codemod_fixes_and_warns_in_one_file() -> None:
    context = CodemodContext()
    _Case(command_for(_rule("NC002"))).assertCodemod(
        RESET_SOURCE + "X = errno.WSAEBADF\n",
        RESET_FIXED + "X = errno.WSAEBADF\n",
        context_override=context,
    )
    assert len(context.warnings) == 1 and "WSAEBADF" in context.warnings[0]


class UnsafeDemoCommand(RuleCodemod):
    def __init__(self, context: CodemodContext, **kwargs: object) -> None:
        super().__init__(context, **kwargs)  # type: ignore[arg-type]
        self.rules = (UnsafeDemo,)


def test_unsafe_fixes_need_the_unsafe_option() -> None:
    context = CodemodContext()
    _Case(UnsafeDemoCommand).assertCodemod(
        "x = UNSAFE_DEMO\n", "x = UNSAFE_DEMO\n", context_override=context, expected_skip=True
    )
    assert context.warnings == [
        "line 1, column 5: NC897 UNSAFE_DEMO found (an unsafe fix is available: rerun with --unsafe)"
    ]
    _Case(UnsafeDemoCommand).assertCodemod("x = UNSAFE_DEMO\n", "x = unsafe_fixed\n", unsafe=True)


def test_codemod_keeps_encoding_and_line_endings() -> None:
    before = (
        b"# -*- coding: latin-1 -*-\r\nimport errno\r\nS = 'caf\xe9'\r\nX = errno.WSAECONNRESET\r\n"
    )
    module = cst.parse_module(before)
    command = RuleCodemod(CodemodContext(), rule=["NC002"])
    after = command.transform_module(module)
    assert after.bytes == before.replace(b"WSAECONNRESET", b"ECONNRESET")


# -- (c) through libcst's own command line --------------------------------------------------------
def test_libcst_tool_runs_the_command(tmp_path: Path) -> None:
    target = tmp_path / "src"
    target.mkdir()
    fixable = target / "a.py"
    fixable.write_text(RESET_SOURCE)
    latin = target / "latin.py"
    latin.write_bytes(
        b"# -*- coding: latin-1 -*-\r\nimport errno\r\nS = 'caf\xe9'\r\nX = errno.WSAECONNRESET\r\n"
    )
    untouched = target / "b.py"
    untouched.write_text(UNFIXABLE_SOURCE)
    tool = [sys.executable, "-m", "libcst.tool", "codemod"]
    # --no-format: libcst's default formatter is black, which netcompat does not need.
    done = run_subprocess(
        [*tool, "-x", COMMAND, "--no-format", "--hide-progress", "-j", "1", "--rule", "NC002", str(target)],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert fixable.read_text() == RESET_FIXED
    assert latin.read_bytes() == (
        b"# -*- coding: latin-1 -*-\r\nimport errno\r\nS = 'caf\xe9'\r\nX = errno.ECONNRESET\r\n"
    )
    assert untouched.read_text() == UNFIXABLE_SOURCE
    assert "WARNING: line 2, column 5: NC002 errno.WSAEBADF" in done.stderr
    # libcst.tool only finds commands outside its configured modules with -x.
    without_x = run_subprocess([*tool, COMMAND, "--no-format", str(target)], tmp_path)
    assert without_x.returncode != 0
    assert "Could not find lintrules.codemods" in without_x.stderr


def test_libcst_tool_help_shows_the_description_and_options(tmp_path: Path) -> None:
    done = run_subprocess(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", COMMAND, "--help"], tmp_path
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert RuleCodemod.DESCRIPTION in text
    assert "--rule" in done.stdout and "--unsafe" in done.stdout and "--fix-style" in done.stdout


def test_libcst_tool_rejects_an_unknown_rule(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(RESET_SOURCE)
    tool = [sys.executable, "-m", "libcst.tool", "codemod", "-x", COMMAND, "--no-format"]
    done = run_subprocess([*tool, "--rule", "NC999", str(tmp_path / "a.py")], tmp_path)
    assert done.returncode != 0
    assert "names no fixing rule" in done.stderr
    assert (tmp_path / "a.py").read_text() == RESET_SOURCE
