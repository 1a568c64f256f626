"""The README's linter docs work when copied.

* every flag the "Coming from ruff" table gives netcompat-lint exists in
  ``netcompat-lint check --help``, and every output format it names is one;
* a row that says "Same." names the same flags on both sides;
* the pre-commit snippet's ``rev:`` is a commit of this repository whose
  ``.pre-commit-hooks.yaml`` defines the hooks the snippet names, and the
  hooks' commands are valid command lines today;
* the commands the linter section shows parse.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from _cli_helpers import REPO, run_cli

from lintrules.cli import build_parser
from lintrules.output import FORMATS

README = (REPO / "README.md").read_text(encoding="utf-8")
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-q)\b")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end >= 0 else None]


def _ruff_table() -> list[tuple[str, str, str]]:
    rows = []
    for line in _section("Coming from ruff").splitlines():
        if (
            line.startswith("| ")
            and not line.startswith("| ---")
            and not line.startswith("| ruff |")
        ):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            assert len(cells) == 3, line
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def _help() -> str:
    result = run_cli("check", "--help")
    assert result.code == 0
    return result.out


def test_the_table_has_rows() -> None:
    assert len(_ruff_table()) >= 15


@pytest.mark.parametrize("row", _ruff_table(), ids=lambda row: row[0][:40])
def test_every_flag_of_ours_in_the_table_exists(row: tuple[str, str, str]) -> None:
    _, ours, _ = row
    text = _help()
    for flag in FLAG.findall(ours):
        assert re.search(rf"(?<![\w-]){re.escape(flag)}\b", text), f"{flag} is not in check --help"


@pytest.mark.parametrize("row", _ruff_table(), ids=lambda row: row[0][:40])
def test_same_rows_name_the_same_flags(row: tuple[str, str, str]) -> None:
    ruff, ours, notes = row
    if notes.startswith("Same"):
        assert FLAG.findall(ruff) == FLAG.findall(ours)


def test_every_format_the_table_names_exists() -> None:
    [row] = [row for row in _ruff_table() if row[0] == "`--output-format`"]
    named = re.findall(r"`([a-z-]+)`", row[2])
    assert set(named) >= set(FORMATS) - {"text"}
    assert set(named) <= set(FORMATS)


def test_every_flag_in_check_help_is_in_the_linter_section_or_the_table() -> None:
    documented = set(FLAG.findall(_section("The linter"))) | {
        flag for row in _ruff_table() for flag in FLAG.findall(row[1])
    }
    for flag in set(FLAG.findall(_help())) - {"--help"}:
        assert flag in documented, f"{flag} is not documented in the README"


def test_the_linter_sections_commands_parse() -> None:
    block = _section("The linter").split("```console\n", 1)[1].split("```", 1)[0]
    for line in block.splitlines():
        words = shlex.split(line.split("#", 1)[0])
        assert words[0] == "netcompat-lint"
        if words[1:]:
            build_parser().parse_args(words[1:])  # exits on an unknown option


def _snippet() -> dict[str, object]:
    text = README.split("For pre-commit:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    [repo] = yaml.safe_load(text)
    assert isinstance(repo, dict)
    return repo


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )


def test_pre_commit_snippet_rev_exists_and_has_the_hooks() -> None:
    if not (REPO / ".git").exists() or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout")
    snippet = _snippet()
    rev = snippet["rev"]
    assert isinstance(rev, str)
    assert _git("cat-file", "-e", f"{rev}^{{commit}}").returncode == 0, f"rev {rev} does not exist"
    shown = _git("show", f"{rev}:.pre-commit-hooks.yaml")
    assert shown.returncode == 0, shown.stderr
    hooks_then = {hook["id"] for hook in yaml.safe_load(shown.stdout)}
    wanted = {hook["id"] for hook in snippet["hooks"]}  # type: ignore[attr-defined]
    assert wanted <= hooks_then
    assert {"netcompat-lint", "netcompat-lint-fix"} <= hooks_then


def test_the_hooks_commands_are_valid_today() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"netcompat-lint", "netcompat-lint-fix"}
    for hook in hooks:
        words = shlex.split(hook["entry"])
        assert words[0] == "netcompat-lint"
        options = build_parser().parse_args([*words[1:], "a.py"])
        assert options.force_exclude


def test_a_readme_config_example_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    block = _section("The linter").split("### Configuration\n", 1)[1]
    toml = block.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--no-cache", ".")
    assert result.code == 0, result.err
