"""Every fixing rule is also a libcst codemod command.

The commands live in :mod:`lintrules.codemods`, one module per fixing rule,
named like the rule's module; each runs the linter's own fix loop for its rule.
These tests check that none is missing, run each on its rule's first fixable
example with libcst's ``CodemodTest``, and run one through ``libcst.tool``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import libcst as cst
import pytest
from _cli_helpers import RESET_FIXED, RESET_SOURCE, UNFIXABLE_SOURCE, UnsafeDemo, run_subprocess
from libcst.codemod import CodemodContext, CodemodTest

import lintrules.codemods
from lintrules.codemods import RuleCodemod
from lintrules.codemods.platform_only_errno import PlatformOnlyErrnoCommand
from lintrules.rule import Invalid, Rule
from lintrules.rules import all_rules

FIXING_RULES = [rule for rule in all_rules() if rule.FIX_SAFETY is not None]
COMMAND = "lintrules.codemods.platform_only_errno.PlatformOnlyErrnoCommand"


def command_for(rule: type[Rule]) -> type[RuleCodemod]:
    module_name = rule.__module__.rpartition(".")[2]
    module = importlib.import_module(f"lintrules.codemods.{module_name}")
    command = getattr(module, f"{rule.__name__}Command", None)
    assert command is not None, f"lintrules/codemods/{module_name}.py lacks {rule.__name__}Command"
    return command  # type: ignore[no-any-return]


class _Case(CodemodTest):
    """libcst's CodemodTest, used one assertion at a time from pytest."""

    def __init__(self, command: type[RuleCodemod]) -> None:
        super().__init__()
        self.TRANSFORM = command


# -- (a) one command per fixing rule ---------------------------------------------------------
@pytest.mark.parametrize("rule", FIXING_RULES, ids=[rule.CODE for rule in FIXING_RULES])
def test_every_fixing_rule_has_a_codemod(rule: type[Rule]) -> None:
    command = command_for(rule)
    assert issubclass(command, RuleCodemod)
    assert command.RULE is rule
    assert command.DESCRIPTION.startswith(f"{rule.CODE} {rule.NAME}: ")
    assert "\n" not in command.DESCRIPTION


def test_every_codemod_module_belongs_to_a_fixing_rule() -> None:
    rule_modules = {rule.__module__.rpartition(".")[2] for rule in FIXING_RULES}
    codemod_modules = {
        info.name
        for info in pkgutil.iter_modules(lintrules.codemods.__path__)
        if not info.name.startswith("_")
    }
    assert codemod_modules == rule_modules


# -- (b) each rule's first fixable example, through CodemodTest -------------------------------
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
    _Case(PlatformOnlyErrnoCommand).assertCodemod(
        "import errno\nX = errno.ECONNRESET\n",
        "import errno\nX = errno.ECONNRESET\n",
        expected_skip=True,
        expected_warnings=[],
    )


def test_codemod_warns_about_what_it_leaves() -> None:
    context = CodemodContext()
    _Case(PlatformOnlyErrnoCommand).assertCodemod(
        UNFIXABLE_SOURCE, UNFIXABLE_SOURCE, context_override=context, expected_skip=True
    )
    [warning] = context.warnings
    assert warning.startswith("line 2, column 5: NC002 errno.WSAEBADF exists only on Windows")
    assert warning.endswith("(not fixed)")


def test_codemod_fixes_and_warns_in_one_file() -> None:
    context = CodemodContext()
    _Case(PlatformOnlyErrnoCommand).assertCodemod(
        RESET_SOURCE + "X = errno.WSAEBADF\n",
        RESET_FIXED + "X = errno.WSAEBADF\n",
        context_override=context,
    )
    assert len(context.warnings) == 1 and "WSAEBADF" in context.warnings[0]


class UnsafeDemoCommand(RuleCodemod):
    RULE = UnsafeDemo


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
    command = PlatformOnlyErrnoCommand(CodemodContext())
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
        [*tool, "-x", COMMAND, "--no-format", "--hide-progress", "-j", "1", str(target)], tmp_path
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
    assert "Could not find lintrules.codemods.platform_only_errno" in without_x.stderr


def test_libcst_tool_help_shows_the_description_and_options(tmp_path: Path) -> None:
    done = run_subprocess(
        [sys.executable, "-m", "libcst.tool", "codemod", "-x", COMMAND, "--help"], tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "NC002 platform-only-errno" in done.stdout
    assert "--unsafe" in done.stdout and "--fix-style" in done.stdout
