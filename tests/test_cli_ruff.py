"""ruff's command-line conventions, where netcompat-lint has the same concept.

Each test runs the command line (in-process through ``main``, or as the real
command where stdin and the interpreter's streams matter) and checks what a
ruff user's hands expect: accumulating selections, ``--unsafe-fixes`` that
only widens ``--fix``, the output formats, stdin for editors, the bare
command.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from _cli_helpers import (
    REPO,
    RESET_FIXED,
    RESET_SOURCE,
    UNFIXABLE_SOURCE,
    lint_module_argv,
    make_project,
    run_cli,
    run_subprocess,
)

NC002 = ("--select", "NC002")
#: An NC001 (safe fix) and an NC002 (safe fix) on lines 2 and 3.
TWO_RULES = "import errno\nif e.errno == 104:\n    x = errno.WSAECONNRESET\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.count(":") >= 3]


# -- the bare command -------------------------------------------------------------
def test_bare_command_prints_help_and_exits_0(project: Path) -> None:
    result = run_cli()
    assert result.code == 0
    assert result.out.startswith("usage: netcompat-lint")
    assert "check" in result.out and result.err == ""


# -- selections accumulate ---------------------------------------------------------
@pytest.mark.parametrize(
    "flags",
    [
        pytest.param(["--select", "NC001", "--select", "NC002"], id="repeated"),
        pytest.param(["--select", "NC001,NC002"], id="comma"),
        pytest.param(["--select", "NC001", "--extend-select", "NC002"], id="extend"),
        pytest.param(
            ["--select", "NC001", "--extend-select", "NC003", "--extend-select", "NC002"],
            id="extend-repeated",
        ),
    ],
)
def test_selections_accumulate(project: Path, flags: list[str]) -> None:
    write(project / "a.py", TWO_RULES)
    assert codes(run_cli("check", *flags, "--quiet").out) == ["NC001", "NC002"]


def test_repeated_ignore_accumulates(project: Path) -> None:
    write(project / "a.py", TWO_RULES)
    result = run_cli("check", "--ignore", "NC001", "--ignore", "NC002")
    assert (result.code, codes(result.out)) == (0, [])


# -- fixes ---------------------------------------------------------------------------
def test_fix_writes_and_unsafe_fixes_alone_does_not(project: Path) -> None:
    path = write(project / "a.py", RESET_SOURCE)
    alone = run_cli("check", *NC002, "--unsafe-fixes")
    assert alone.code == 1
    assert path.read_text() == RESET_SOURCE
    assert "--unsafe-fixes alone writes nothing" in alone.out
    fixed = run_cli("check", *NC002, "--fix")
    assert (fixed.code, path.read_text()) == (0, RESET_FIXED)


def test_no_fix_overrides_fix(project: Path) -> None:
    path = write(project / "a.py", RESET_SOURCE)
    assert run_cli("check", *NC002, "--fix", "--no-fix").code == 1
    assert path.read_text() == RESET_SOURCE


def test_show_fixes_lists_the_fixes_by_file_and_code(project: Path) -> None:
    write(project / "a.py", TWO_RULES)
    result = run_cli("check", "--select", "NC001,NC002", "--fix", "--show-fixes")
    assert result.code == 0
    assert "\nFixed 2 findings:\n- a.py:\n    1 \u00d7 NC001 (hardcoded-errno)\n" in result.out
    assert "    1 \u00d7 NC002 (platform-only-errno)\n" in result.out


def test_exit_non_zero_on_fix(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    assert run_cli("check", *NC002, "--fix", "--exit-non-zero-on-fix").code == 1
    assert run_cli("check", *NC002, "--fix", "--exit-non-zero-on-fix").code == 0  # nothing left


# -- output formats ------------------------------------------------------------------
def test_full_format_shows_the_source_and_the_fix(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--output-format", "full")
    lines = result.lines
    assert lines[0].startswith("NC002 [*] errno.WSAECONNRESET")
    assert lines[1:13] == [
        " --> a.py:2:15",
        "  |",
        "1 | import errno",
        "2 | if e.errno == errno.WSAECONNRESET:",
        "  |               ^^^^^^^^^^^^^^^^^^^",
        "3 |     pass",
        "  |",
        "help: Use the portable errno.ECONNRESET",
        "  |",
        "2 - if e.errno == errno.WSAECONNRESET:",
        "2 + if e.errno == errno.ECONNRESET:",
        "  |",
    ]
    assert lines[-1].startswith("Found 1 finding")


def test_gitlab_format(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    write(project / "a.py", RESET_SOURCE + "y = errno.WSAECONNRESET\n")
    items = json.loads(run_cli("check", *NC002, "--output-format", "gitlab").out)
    assert [item["location"] for item in items] == [
        {
            "path": "a.py",
            "positions": {"begin": {"line": 2, "column": 15}, "end": {"line": 2, "column": 34}},
        },
        {
            "path": "a.py",
            "positions": {"begin": {"line": 4, "column": 5}, "end": {"line": 4, "column": 24}},
        },
    ]
    assert {item["check_name"] for item in items} == {"NC002"}
    assert items[0]["description"].startswith("NC002: ")
    assert len({item["fingerprint"] for item in items}) == 2  # same message, two findings
    assert {item["severity"] for item in items} == {"major"}


def test_junit_format(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    write(project / "b.py", UNFIXABLE_SOURCE)
    root = ElementTree.fromstring(run_cli("check", *NC002, "--output-format", "junit").out)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "2")
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"a.py", "b.py"}
    [case] = list(suites["a.py"])
    assert (case.get("name"), case.get("line"), case.get("column")) == (
        "org.netcompat.NC002",
        "2",
        "15",
    )
    failure = case.find("failure")
    assert failure is not None and "WSAECONNRESET" in (failure.get("message") or "")


def test_junit_format_without_findings(project: Path) -> None:
    write(project / "clean.py", "x = 1\n")
    result = run_cli("check", *NC002, "--output-format", "junit")
    root = ElementTree.fromstring(result.out)
    assert result.code == 0 and root.get("failures") == "0"


# -- excludes ------------------------------------------------------------------------
def test_exclude_and_extend_exclude(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.netcompat-lint]\nexclude = ["gen"]\n', encoding="utf-8"
    )
    for name in ("gen/a.py", "vendored/b.py", "third/c.py", "src/d.py"):
        write(project / name, RESET_SOURCE)

    def linted(*flags: str) -> set[str]:
        out = run_cli("check", *NC002, "--quiet", *flags).out
        return {line.split(":")[0] for line in out.splitlines()}

    assert linted() == {"vendored/b.py", "third/c.py", "src/d.py"}
    assert linted("--extend-exclude", "vendored", "--extend-exclude", "third") == {"src/d.py"}
    assert linted("--extend-exclude", "vendored,third") == {"src/d.py"}
    # --exclude replaces the configured list.
    assert linted("--exclude", "src") == {"gen/a.py", "vendored/b.py", "third/c.py"}


# -- stdin -----------------------------------------------------------------------------
def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))


def test_stdin_is_linted_under_its_filename(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, RESET_SOURCE)
    result = run_cli("check", *NC002, "--stdin-filename", "pkg/mod.py", "-")
    assert result.code == 1
    assert result.lines[0].startswith("pkg/mod.py:2:15: NC002 [*] ")
    _stdin(monkeypatch, RESET_SOURCE)
    anonymous = run_cli("check", *NC002, "-")
    assert anonymous.lines[0].startswith("-:2:15: NC002")


def test_stdin_follows_the_configuration_of_its_filename(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.netcompat-lint]\nper-file-ignores = { "tests/*" = ["NC002"] }\n', encoding="utf-8"
    )
    _stdin(monkeypatch, RESET_SOURCE)
    result = run_cli("check", *NC002, "--stdin-filename", "tests/test_x.py")
    assert (result.code, result.out) == (0, "All checks passed (1 file checked).\n")


def test_stdin_with_fix_writes_the_fixed_code_to_stdout(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n", encoding="utf-8")
    argv = [*lint_module_argv(), "check", *NC002, "--fix", "--stdin-filename", "a.py", "-"]
    done = _run_with_input(argv, tmp_path, RESET_SOURCE + "Y = errno.WSAEBADF\n")
    assert done.stdout == RESET_FIXED + "Y = errno.WSAEBADF\n"
    assert done.returncode == 1  # the unfixable finding remains, reported on stderr
    assert "a.py:4:5: NC002" in done.stderr
    clean = _run_with_input(argv, tmp_path, "x = 1\n")
    assert (clean.returncode, clean.stdout) == (0, "x = 1\n")


def test_stdin_with_diff(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n", encoding="utf-8")
    argv = [*lint_module_argv(), "check", *NC002, "--diff", "--stdin-filename", "a.py"]
    done = _run_with_input(argv, tmp_path, RESET_SOURCE)
    assert done.returncode == 1
    assert "+if e.errno == errno.ECONNRESET:\n" in done.stdout


def _run_with_input(argv: list[str], cwd: Path, text: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        argv, cwd=cwd, env=env, input=text, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["check", "-", "a.py"], "cannot be combined", id="stdin-and-path"),
        pytest.param(
            ["check", "--stdin-filename", "x.py", "a.py"], "name no other path", id="name-and-path"
        ),
        pytest.param(["check", "--add-noqa", "--fix"], "--add-noqa cannot be used", id="noqa-fix"),
        pytest.param(
            ["check", "--add-noqa", "-"], "--add-noqa cannot be used with stdin", id="noqa-stdin"
        ),
    ],
)
def test_conflicting_flags_are_usage_errors(project: Path, argv: list[str], message: str) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli(*argv)
    assert result.code == 2
    assert message in result.err and result.err.count("\n") == 1


def test_real_command_reads_stdin(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n", encoding="utf-8")
    done = _run_with_input([*lint_module_argv(), "check", *NC002, "-"], tmp_path, RESET_SOURCE)
    assert done.returncode == 1 and done.stdout.startswith("-:2:15: NC002")
    assert run_subprocess([*lint_module_argv()], tmp_path).returncode == 0
