"""Bad input on the command line: one clear line and exit 2, never a traceback.

``test_cli.py`` covers the common usage and configuration errors (unknown
codes, a missing path, ``--jobs 0``, a bad ``--output-format``, wrong types and
values in ``[tool.netcompat-lint]``); ``test_file_safety.py`` covers files that
cannot be read.  This file covers what is left: a ``pyproject.toml`` that is a
folder, is not UTF-8 or has a non-table ``tool``; more malformed flags and
values; file names the terminal cannot print; and paths with no Python file
in them, which are not an error: like ruff, a warning on stderr and exit 0.

The cases run in-process through ``main``; the ones that go through the
interpreter's own streams and start-up also run as the real command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _cli_helpers import REPO, RESET_SOURCE, lint_module_argv, make_project, run_cli

NO_PYTHON = "netcompat-lint: warning: no Python files found under the given paths\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch)


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _one_error_line(err: str, message: str) -> None:
    assert err.startswith("netcompat-lint: error: "), err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert message in err, err
    assert "Traceback" not in err


# -- the configuration file ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b'[tool.netcompat-lint]\nselect = ["NC002"]  # caf\xe9\n',
            "pyproject.toml is not valid TOML: not UTF-8",
            id="latin-1-comment",
        ),
        pytest.param(b"\xff\xfe[\x00t\x00", "is not valid TOML: not UTF-8", id="utf-16"),
        pytest.param(b"tool = 3\n", "[tool] in ", id="tool-not-a-table"),
        pytest.param(b'tool = "netcompat-lint"\n', "must be a table", id="tool-a-string"),
        pytest.param(
            b"[tool.netcompat-lint]\nexclude = [1]\n", "exclude must be a list", id="exclude"
        ),
        pytest.param(
            b'[tool.netcompat-lint.per-file-ignores]\n"tests/*" = ["NC999"]\n',
            "unknown rule code or prefix 'NC999'",
            id="per-file-ignores-code",
        ),
        pytest.param(
            b"[tool.netcompat-lint]\nsocket-name-heuristic = 1\n",
            "socket-name-heuristic must be a bool, got 1",
            id="rule-option-type",
        ),
        pytest.param(
            b'[tool.netcompat-lint]\nfix-style = ""\n', "fix-style must be one of", id="empty"
        ),
        pytest.param(
            b"[tool.netcompat-lint]\n[tool.netcompat-lint]\n", "not valid TOML", id="twice"
        ),
    ],
)
def test_bad_pyproject(project: Path, content: bytes, message: str) -> None:
    _write(project / "pyproject.toml", content)
    _write(project / "a.py", RESET_SOURCE)
    result = run_cli("check")
    assert (result.code, result.out) == (2, "")
    _one_error_line(result.err, message)


def test_pyproject_that_is_a_folder_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not skipped in favour of a parent's pyproject.toml: that would lint with the wrong settings.
    _write(tmp_path / "pyproject.toml", '[tool.netcompat-lint]\nselect = ["NC900"]\n')
    project = tmp_path / "project"
    (project / "pyproject.toml").mkdir(parents=True)
    _write(project / "a.py", RESET_SOURCE)
    monkeypatch.chdir(project)
    result = run_cli("check")
    assert (result.code, result.out) == (2, "")
    _one_error_line(result.err, f"cannot read {project / 'pyproject.toml'}: ")
    explicit = run_cli("check", "--config", "pyproject.toml")
    assert explicit.code == 2
    _one_error_line(explicit.err, "--config pyproject.toml: not a file")


# -- flags ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--jobs", "-1"], "--jobs must be at least 1", id="jobs-negative"),
        pytest.param(["--jobs", "two"], "invalid int value: 'two'", id="jobs-word"),
        pytest.param(["--jobs", "1.5"], "invalid int value: '1.5'", id="jobs-float"),
        pytest.param(["--jobs"], "expected one argument", id="jobs-missing"),
        pytest.param(["--output-format", ""], "invalid choice: ''", id="format-empty"),
        pytest.param(["--output-format", "JSON"], "invalid choice: 'JSON'", id="format-case"),
        pytest.param(["--fix-style", "pretty"], "invalid choice: 'pretty'", id="fix-style"),
        pytest.param(
            ["--select", "NC001,NC0X"], "unknown rule code or prefix 'NC0X'", id="select-list"
        ),
        pytest.param(["--select", "E501"], "unknown rule code or prefix 'E501'", id="other-linter"),
        pytest.param(["--config", "."], "--config .: not a file", id="config-folder"),
        pytest.param(
            ["a.py", "gone.py", "also/gone"],
            "no such file or directory: gone.py, also/gone",
            id="paths",
        ),
    ],
)
def test_bad_flags(project: Path, argv: list[str], message: str) -> None:
    _write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", *argv)
    assert (result.code, result.out) == (2, "")
    assert "netcompat-lint: error: " in result.err and message in result.err.splitlines()[-1]
    assert "Traceback" not in result.err


# -- nothing to lint ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("files", "argv"),
    [
        pytest.param({}, [], id="empty-project"),
        pytest.param({"docs/notes.txt": "x", "setup.cfg": "[x]\n"}, ["docs"], id="no-python-here"),
        pytest.param({".venv/lib/a.py": RESET_SOURCE}, [], id="only-excluded-folders"),
        pytest.param(
            {"vendored/a.py": RESET_SOURCE},
            ["--force-exclude", "vendored/a.py"],
            id="force-excluded",
        ),
    ],
)
def test_no_python_files_warns_and_exits_0(
    project: Path, files: dict[str, str], argv: list[str]
) -> None:
    _write(project / "pyproject.toml", '[tool.netcompat-lint]\nexclude = ["vendored"]\n')
    for name, text in files.items():
        _write(project / name, text)
    (project / "docs").mkdir(exist_ok=True)
    result = run_cli("check", *argv)
    assert (result.code, result.err) == (0, NO_PYTHON)
    assert result.out == "All checks passed (0 files checked).\n"
    # Machine-readable output stays machine-readable.
    as_json = run_cli("check", "--output-format", "json", *argv)
    assert (as_json.code, json.loads(as_json.out), as_json.err) == (0, [], NO_PYTHON)


def test_python_files_found_means_no_warning(project: Path) -> None:
    _write(project / "a.py", "x = 1\n")
    assert run_cli("check").err == ""


# -- the real command ----------------------------------------------------------------------------------
def _real(cwd: Path, *argv: str, **env: str) -> tuple[int, str, str]:
    environment = {**os.environ, **env}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO), environment.get("PYTHONPATH")])
    )
    done = subprocess.run(
        [*lint_module_argv(), "check", "--no-cache", *argv],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def test_real_command_errors_are_one_line(tmp_path: Path) -> None:
    cases = {
        "latin1": (b"[tool.netcompat-lint]\n# \xe9\n", "not valid TOML: not UTF-8"),
        "tool": (b"tool = 3\n", "[tool] in "),
    }
    for name, (content, message) in cases.items():
        _write(tmp_path / name / "pyproject.toml", content)
        _write(tmp_path / name / "a.py", RESET_SOURCE)
        code, out, err = _real(tmp_path / name)
        assert (code, out) == (2, ""), err
        _one_error_line(err, message)
    (tmp_path / "folder" / "pyproject.toml").mkdir(parents=True)
    code, out, err = _real(tmp_path / "folder")
    assert (code, out) == (2, "")
    _one_error_line(err, "Is a directory" if sys.platform != "win32" else "cannot read")


def test_real_command_warns_when_there_is_no_python(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.netcompat-lint]\n")
    _write(tmp_path / "README.md", "# nothing here\n")
    assert _real(tmp_path) == (0, "All checks passed (0 files checked).\n", NO_PYTHON)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="file names that are not UTF-8")
def test_file_names_the_terminal_cannot_print(tmp_path: Path) -> None:
    # A strict output encoding (PYTHONIOENCODING, a cp1252 console) once made
    # such a name end the run with "internal error" and no report at all.
    # ASCII can print neither the undecodable byte nor the accent.
    _write(tmp_path / "pyproject.toml", "[tool.netcompat-lint]\n")
    folder = os.fsencode(tmp_path)
    for name in (b"bad\xff.py", "caf\u00e9.py".encode()):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write(RESET_SOURCE)
    for output in ("text", "github"):
        code, out, err = _real(
            tmp_path, "--select", "NC002", "--output-format", output, PYTHONIOENCODING="ascii"
        )
        assert (code, err) == (1, ""), (output, err)
        assert "bad\\udcff.py" in out and "caf\\xe9.py" in out, (output, out)
