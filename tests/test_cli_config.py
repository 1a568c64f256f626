"""Configuration found per file, as ruff finds its own, and never silently ignored.

Each linted file follows the nearest ``netcompat-lint.toml``, or
``pyproject.toml`` with ``[tool.netcompat-lint]``, at or above its folder;
``--config`` overrides that for every file.  Tables that look like ours and
unknown keys are errors with a suggestion.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _cli_helpers import RESET_SOURCE, run_cli

#: NC001 on line 2, NC002 on line 3.
TWO_RULES = "import errno\nif e.errno == 104:\n    x = errno.WSAECONNRESET\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(out: str) -> list[str]:
    """``path CODE`` for each finding line."""
    return [
        f"{line.split(':')[0]} {line.split()[1]}" for line in out.splitlines() if ": NC" in line
    ]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """proj/ (ignores NC001) with proj/sub/ (its own file: selects NC001 only)."""
    proj = tmp_path / "proj"
    write(
        proj / "pyproject.toml",
        '[project]\nname = "p"\n[tool.netcompat-lint]\nignore = ["NC001"]\n',
    )
    write(proj / "a.py", TWO_RULES)
    write(proj / "sub" / "netcompat-lint.toml", 'select = ["NC001"]\n')
    write(proj / "sub" / "b.py", TWO_RULES)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    return proj


def test_each_file_follows_its_nearest_configuration(tree: Path) -> None:
    result = run_cli("check", "--quiet", str(tree))
    assert found(result.out) == [
        f"{(tree / 'a.py').as_posix()} NC002",
        f"{(tree / 'sub' / 'b.py').as_posix()} NC001",
    ]


def test_the_command_line_applies_on_top_of_each(tree: Path) -> None:
    result = run_cli("check", "--quiet", "--extend-select", "NC003", "--ignore", "NC002", str(tree))
    assert found(result.out) == [f"{(tree / 'sub' / 'b.py').as_posix()} NC001"]


def test_config_overrides_discovery(tree: Path) -> None:
    override = write(tree.parent / "strict.toml", 'select = ["NC002"]\n')
    result = run_cli("check", "--quiet", "--config", str(override), str(tree))
    assert found(result.out) == [
        f"{(tree / 'a.py').as_posix()} NC002",
        f"{(tree / 'sub' / 'b.py').as_posix()} NC002",
    ]


def test_a_pyproject_without_our_table_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "pyproject.toml", '[tool.netcompat-lint]\nignore = ["NC001"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n')
    write(tmp_path / "pkg" / "a.py", TWO_RULES)
    monkeypatch.chdir(tmp_path)
    assert found(run_cli("check", "--quiet", "pkg").out) == ["pkg/a.py NC002"]


def test_nested_excludes_apply_to_walked_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "pyproject.toml", "[tool.netcompat-lint]\n")
    write(tmp_path / "lib" / "netcompat-lint.toml", 'exclude = ["generated"]\n')
    write(tmp_path / "lib" / "generated" / "g.py", RESET_SOURCE)
    write(tmp_path / "lib" / "m.py", RESET_SOURCE)
    monkeypatch.chdir(tmp_path)
    assert found(run_cli("check", "--quiet", "--select", "NC002").out) == ["lib/m.py NC002"]
    # Named explicitly, a file is linted unless --force-exclude (as ruff).
    named = run_cli("check", "--quiet", "--select", "NC002", "lib/generated/g.py")
    assert found(named.out) == ["lib/generated/g.py NC002"]
    forced = run_cli(
        "check", "--quiet", "--select", "NC002", "--force-exclude", "lib/generated/g.py"
    )
    assert forced.out == ""


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param(
            "pyproject.toml",
            '[tool.netcompat]\nselect = ["NC001"]\n',
            "unknown table [tool.netcompat]; did you mean [tool.netcompat-lint]?",
            id="tool-netcompat",
        ),
        pytest.param(
            "pyproject.toml",
            '[tool.netcompat_lint]\nselect = ["NC001"]\n',
            "unknown table [tool.netcompat_lint]; did you mean [tool.netcompat-lint]?",
            id="underscore",
        ),
        pytest.param(
            "pyproject.toml",
            '[tool.netcompat-lint]\nselct = ["NC001"]\n',
            "unknown key 'selct' (did you mean 'select'?)",
            id="typo",
        ),
        pytest.param(
            "pyproject.toml",
            'select = ["NC001"]\n[tool.netcompat-lint]\n',
            "top-level key 'select' is not read; did you mean to put it under [tool.netcompat-lint]?",
            id="top-level",
        ),
        pytest.param(
            "netcompat-lint.toml",
            '[tool.netcompat-lint]\nselect = ["NC001"]\n',
            "write the settings at the top level",
            id="own-file-with-table",
        ),
        pytest.param(
            "netcompat-lint.toml",
            'extend-exclud = ["x"]\n',
            "unknown key 'extend-exclud' (did you mean 'extend-exclude'?)",
            id="own-file-typo",
        ),
    ],
)
def test_configuration_mistakes_are_errors_with_a_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, message: str
) -> None:
    write(tmp_path / "project" / name, text)
    write(tmp_path / "project" / "a.py", RESET_SOURCE)
    monkeypatch.chdir(tmp_path)  # found from the file, not from the working directory
    result = run_cli("check", "project")
    assert (result.code, result.out) == (2, "")
    assert message in result.err
    assert result.err.count("\n") == 1


def test_config_file_with_top_level_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "ci.toml", 'select = ["NC001"]\n')
    write(tmp_path / "a.py", TWO_RULES)
    monkeypatch.chdir(tmp_path)
    assert found(run_cli("check", "--quiet", "--config", "ci.toml").out) == ["a.py NC001"]


def test_a_lookalike_next_to_our_own_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "netcompat-lint.toml", 'select = ["NC001"]\n')
    write(tmp_path / "pyproject.toml", '[tool.netcompat]\nignore = ["NC001"]\n')
    write(tmp_path / "a.py", RESET_SOURCE)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.code == 2
    assert "did you mean [tool.netcompat-lint]?" in result.err


# --- target-version: the oldest Python the project runs on (NC007 reads it) ---

#: Dead from Python 3.11 on, where asyncio.TimeoutError is TimeoutError, an OSError.
ASYNCIO_TIMEOUT_AFTER_OSERROR = (
    "import asyncio\n\n\nasync def f(conn):\n    try:\n        await conn.read()\n"
    "    except OSError:\n        pass\n    except asyncio.TimeoutError:\n        pass\n"
)


@pytest.mark.parametrize(
    ("requires", "target"),
    [
        (">=3.11", "py311"),
        (">= 3.12, <4", "py312"),
        ("~=3.10", "py310"),
        (">=3.9", ""),
        (">=3.8", ""),
        (">=2.7, !=3.0.*, !=3.1.*", ""),
        (">3.10", "py310"),
        ("==3.13.*", "py313"),
        (">=3.20", "py314"),
        ("<4", ""),
    ],
)
def test_requires_python_gives_the_target(requires: str, target: str) -> None:
    from lintrules.config import target_from_requires_python

    assert target_from_requires_python(requires) == target


@pytest.mark.parametrize(
    ("pyproject", "args", "expected"),
    [
        ('[project]\nname = "p"\n', (), []),
        ('[project]\nname = "p"\nrequires-python = ">=3.11"\n', (), ["a.py NC007"]),
        (
            '[project]\nname = "p"\nrequires-python = ">=3.11"\n[tool.netcompat-lint]\n'
            'target-version = "py39"\n',
            (),
            [],
        ),
        ('[project]\nname = "p"\nrequires-python = ">=3.11"\n', ("--target-version", "py39"), []),
        ('[project]\nname = "p"\n', ("--target-version", "py311"), ["a.py NC007"]),
        (
            '[project]\nname = "p"\nrequires-python = ">=3.11"\n'
            '[tool.netcompat-lint]\nselect = ["NC007"]\n',
            (),
            ["a.py NC007"],
        ),
    ],
    ids=["no-bound", "inferred", "setting-wins", "flag-wins", "flag", "inferred-with-table"],
)
def test_target_version_from_setting_flag_or_requires_python(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pyproject: str,
    args: tuple[str, ...],
    expected: list[str],
) -> None:
    write(tmp_path / "pyproject.toml", pyproject)
    write(tmp_path / "a.py", ASYNCIO_TIMEOUT_AFTER_OSERROR)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--no-cache", "--select", "NC007", *args, "a.py")
    assert result.code == (1 if expected else 0), result.err
    assert found(result.out) == expected


def test_an_unknown_target_version_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "pyproject.toml", '[tool.netcompat-lint]\ntarget-version = "3.11"\n')
    write(tmp_path / "a.py", ASYNCIO_TIMEOUT_AFTER_OSERROR)
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "a.py")
    assert result.code == 2
    assert "target-version must be one of py39, py310" in result.err
