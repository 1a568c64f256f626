"""Shared helpers for the command-line tests: run ``main`` in-process, test-only rules.

The test-only rules (codes NC89x, which no real rule uses) let the tests reach
engine paths that no real rule may exercise on purpose: an unsafe fix, a fix
that produces code that does not parse, a rule reading the fix style.  They
are installed by patching the rule registry the front ends read, so the real
rules stay untouched.
"""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import libcst as cst
import pytest

from lintrules.cli import main
from lintrules.rule import Fix, ImportSpec, Invalid, Rule, Valid
from lintrules.rules import RuleInfo, all_rules

REPO = Path(__file__).resolve().parents[1]

#: NC002 is the one rule these tests rely on; its outcome on these sources is stable.
RESET_SOURCE = "import errno\nif e.errno == errno.WSAECONNRESET:\n    pass\n"
RESET_FIXED = "import errno\nif e.errno == errno.ECONNRESET:\n    pass\n"
#: An NC002 finding with no fix (errno.WSAEBADF has no portable twin on Windows).
UNFIXABLE_SOURCE = "import errno\nX = errno.WSAEBADF\n"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


class TtyStringIO(io.StringIO):
    """A captured stream that claims to be a terminal (for the progress display)."""

    def isatty(self) -> bool:
        return True


def run_cli(*argv: str, stderr: io.StringIO | None = None) -> Result:
    """Run ``netcompat-lint`` in-process and capture its exit code and output."""
    out = io.StringIO()
    err = stderr if stderr is not None else io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


def run_subprocess(
    argv: Sequence[str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a command with this checkout importable (whether or not it is installed)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        list(argv), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def lint_module_argv() -> list[str]:
    return [sys.executable, "-m", "lintrules"]


def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder (with its own pyproject.toml) as the working directory."""
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def install_rules(monkeypatch: pytest.MonkeyPatch, *extra: type[Rule]) -> None:
    """Make the front ends see ``extra`` rules next to the real ones."""
    rules = tuple(sorted((*all_rules(), *extra), key=lambda rule: rule.CODE))

    def patched_all_rules() -> tuple[type[Rule], ...]:
        return rules

    def patched_rules_by_code() -> dict[str, type[Rule]]:
        return {rule.CODE: rule for rule in rules}

    def patched_rule_for(code: str) -> type[Rule]:
        return patched_rules_by_code()[code]

    infos = tuple(RuleInfo.of(rule) for rule in rules)

    def patched_manifest() -> tuple[RuleInfo, ...]:
        return infos

    # The front ends look these up in lintrules.rules when they need them
    # (the configuration reads the manifest, the rest import rules lazily).
    monkeypatch.setattr("lintrules.rules.all_rules", patched_all_rules)
    monkeypatch.setattr("lintrules.rules.rules_by_code", patched_rules_by_code)
    monkeypatch.setattr("lintrules.rules.rule_for", patched_rule_for)
    monkeypatch.setattr("lintrules.rules.manifest", patched_manifest)


class _MarkerRule(Rule):
    """Test-only base: reports every ``Name`` whose value is ``MARKER``."""

    MARKER = ""

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == self.MARKER:
            self.report(node, fix=self.make_fix(node))

    def make_fix(self, node: ast.Name) -> Fix | None:
        del node
        return None


class UnsafeDemo(_MarkerRule):
    """Test-only rule with an unsafe fix: renames ``UNSAFE_DEMO`` to ``unsafe_fixed``.

    ## What it does
    Test only.
    """

    CODE = "NC897"
    NAME = "unsafe-demo"
    MESSAGE = "UNSAFE_DEMO found"
    FIX_TITLE = "Rename to unsafe_fixed"
    FIX_SAFETY = "unsafe"
    REQUIRES_TEXT = ("UNSAFE_DEMO",)
    MARKER = "UNSAFE_DEMO"
    VALID: ClassVar[list[Valid]] = [Valid("x = 1\n")]
    INVALID: ClassVar[list[Invalid]] = [
        Invalid("x = UNSAFE_DEMO\n", "x = unsafe_fixed\n", unsafe=True)
    ]

    def make_fix(self, node: ast.Name) -> Fix | None:
        return Fix("unsafe_fixed", "unsafe", self.FIX_TITLE or "")


class BrokenFixDemo(_MarkerRule):
    """Test-only rule whose "safe" fix writes a keyword where a name must be.

    ## What it does
    Test only: ``x = BROKEN_DEMO`` would become ``x = import``.
    """

    CODE = "NC898"
    NAME = "broken-fix-demo"
    MESSAGE = "BROKEN_DEMO found"
    FIX_TITLE = "Break the code"
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = ("BROKEN_DEMO",)
    MARKER = "BROKEN_DEMO"

    def make_fix(self, node: ast.Name) -> Fix | None:
        # Built as a node: as source text, "import" would not parse and no fix would be offered.
        return Fix(_renamed_to_keyword, "safe", self.FIX_TITLE or "")


class ImportDemo(_MarkerRule):
    """Test-only rule whose safe fix needs an import: ``IMPORT_DEMO`` -> ``errno.ECONNRESET``.

    ## What it does
    Test only.
    """

    CODE = "NC895"
    NAME = "import-demo"
    MESSAGE = "IMPORT_DEMO found"
    FIX_TITLE = "Use errno.ECONNRESET"
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = ("IMPORT_DEMO",)
    MARKER = "IMPORT_DEMO"

    def make_fix(self, node: ast.Name) -> Fix | None:
        return Fix("errno.ECONNRESET", "safe", self.FIX_TITLE or "", imports=(ImportSpec("errno"),))


class StyleDemo(_MarkerRule):
    """Test-only rule whose message names the fix style it was given.

    ## What it does
    Test only.
    """

    CODE = "NC899"
    NAME = "style-demo"
    MESSAGE = "style"
    REQUIRES_TEXT = ("STYLE_DEMO",)
    MARKER = "STYLE_DEMO"

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == self.MARKER:
            self.report(node, f"style={self.context.fix_style}")


def _renamed_to_keyword(node: cst.CSTNode) -> cst.CSTNode:
    assert isinstance(node, cst.Name)
    return node.with_changes(value="import")


def temporaries(folder: Path) -> list[Path]:
    """Left-over temporary files of :func:`lintrules.files.write_atomically`."""
    return [path for path in folder.rglob("*") if path.name.endswith(".netcompat-tmp")]
