"""The ``netcompat-lint`` command line: exit codes, formats, selection, config, cache.

Most tests run :func:`lintrules.cli.main` in-process in a temporary project
folder; a few run the real command in a subprocess.  Every test that depends on
which rules exist selects NC002 explicitly, so rules added later cannot change
the outcome.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from _cli_helpers import (
    REPO,
    RESET_FIXED,
    RESET_SOURCE,
    UNFIXABLE_SOURCE,
    StyleDemo,
    TtyStringIO,
    UnsafeDemo,
    install_rules,
    lint_module_argv,
    make_project,
    run_cli,
    run_subprocess,
)

from lintrules import __version__
from lintrules.engine import lint_source
from lintrules.rules import rules_by_code

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NC002 = ("--select", "NC002")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def nc002_messages(source: str) -> list[str]:
    result = lint_source(source.encode(), [rules_by_code()["NC002"]])
    return [finding.message for finding in result.findings]


def no_traceback(*texts: str) -> bool:
    return all("Traceback" not in text for text in texts)


# -- exit codes ----------------------------------------------------------------
def test_clean_project_exits_0(project: Path) -> None:
    write(project / "clean.py", "x = 1\n")
    result = run_cli("check", *NC002)
    assert result.code == 0
    assert result.out == "All checks passed (1 file checked).\n"


def test_findings_exit_1(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", *NC002)
    assert result.code == 1
    assert "NC002" in result.out


def test_default_rule_set_reports_nc002(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check")
    assert result.code == 1
    assert any(": NC002 " in line for line in result.lines)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["check", "--select", "NC999"], "unknown rule code or prefix 'NC999'", id="select"
        ),
        pytest.param(
            ["check", "--ignore", "XYZ"], "unknown rule code or prefix 'XYZ'", id="ignore"
        ),
        pytest.param(["check", "--extend-select", "NC7"], "unknown rule code", id="extend"),
        pytest.param(["check", "missing.py"], "no such file or directory: missing.py", id="path"),
        pytest.param(["check", "--bogus"], "unrecognized arguments: --bogus", id="flag"),
        pytest.param(["check", "--output-format", "xml"], "invalid choice: 'xml'", id="format"),
        pytest.param(["check", "--jobs", "0"], "--jobs must be at least 1", id="jobs"),
        pytest.param(
            ["check", "--config", "nope.toml"], "--config nope.toml: no such file", id="config"
        ),
        pytest.param(["rule", "NC999"], "unknown rule code 'NC999'", id="rule"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli(*argv)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("netcompat-lint: error: ")
    assert message in result.err
    # The message is the last line; argparse may print the usage line before it.
    assert result.err.endswith("\n") and message in result.err.splitlines()[-1]
    assert no_traceback(result.err)
    # Everything went to the streams given to main(), nothing to the process's own.
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param(
            'fix-style = "fancy"', "fix-style must be one of stdlib, netcompat", id="value"
        ),
        pytest.param("frobnicate = 1", "unknown key 'frobnicate'", id="unknown-key"),
        pytest.param('select = ["NC999"]', "unknown rule code or prefix 'NC999'", id="code"),
        pytest.param("select = 5", "select must be a list of strings", id="type"),
        pytest.param(
            'respect-gitignore = "yes"', "respect-gitignore must be true or false", id="bool"
        ),
        pytest.param('per-file-ignores = ["x"]', "per-file-ignores must be a table", id="pfi"),
        pytest.param("select = [", "is not valid TOML", id="bad-toml"),
    ],
)
def test_config_errors_exit_2_with_one_line(project: Path, table: str, message: str) -> None:
    write(project / "pyproject.toml", f"[tool.netcompat-lint]\n{table}\n")
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check")
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1
    assert result.err.startswith("netcompat-lint: error: ")
    assert message in result.err
    assert no_traceback(result.err)


def test_config_section_must_be_a_table(project: Path) -> None:
    write(project / "pyproject.toml", '[tool]\n"netcompat-lint" = 3\n')
    result = run_cli("check")
    assert result.code == 2
    assert "must be a table" in result.err


def test_internal_error_exits_2_not_1(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("lintrules.cli.run", crash)
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check")
    assert result.code == 2
    assert result.err == "netcompat-lint: internal error: RuntimeError: boom\n"


def test_version_goes_to_the_given_stdout(project: Path) -> None:
    result = run_cli("--version")
    assert (result.code, result.out) == (0, f"netcompat-lint {__version__}\n")


# -- output formats --------------------------------------------------------------
def test_text_format_exactly(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    write(project / "sub" / "b.py", UNFIXABLE_SOURCE)
    result = run_cli("check", *NC002)
    [fixable] = nc002_messages(RESET_SOURCE)
    [unfixable] = nc002_messages(UNFIXABLE_SOURCE)
    assert result.lines == [
        f"a.py:2:15: NC002 [*] {fixable}",
        f"sub/b.py:2:5: NC002 {unfixable}",
        "Found 2 findings in 2 files checked. [*] 1 fixable with --fix.",
    ]
    for line in result.lines[:2]:
        assert re.fullmatch(r"[\w/.]+:\d+:\d+: NC\d{3} .+", line)
    # "text" is the former name of "concise", the default.
    assert run_cli("check", *NC002, "--output-format", "text").out == result.out
    assert run_cli("check", *NC002, "--output-format", "concise").out == result.out


def test_paths_outside_the_working_directory_are_absolute(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write(project / "a.py", RESET_SOURCE)
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")
    result = run_cli("check", *NC002, "--quiet", str(target))
    assert result.lines[0].startswith(f"{target.as_posix()}:2:15: NC002")


def test_json_format_is_ruffs(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    write(project / "b.py", UNFIXABLE_SOURCE)
    result = run_cli("check", *NC002, "--output-format", "json")
    assert result.code == 1
    items = json.loads(result.out)
    # ruff's fields, with its names and shapes; "name" is ours on top.
    ruff_fields = {
        "cell",
        "code",
        "end_location",
        "filename",
        "fix",
        "location",
        "message",
        "noqa_row",
        "url",
    }
    for item in items:
        assert set(item) == ruff_fields | {"name"}
        assert item["code"] == "NC002"
        assert item["name"] == "platform-only-errno"
        assert item["url"].endswith("docs/rules.md#nc002-platform-only-errno")
        assert "WSAE" in item["message"]
        assert item["cell"] is None
    assert [(item["filename"], item["location"], item["noqa_row"]) for item in items] == [
        (str(project / "a.py"), {"row": 2, "column": 15}, 2),
        (str(project / "b.py"), {"row": 2, "column": 5}, 2),
    ]
    fixable, unfixable = items
    assert fixable["end_location"] == {"row": 2, "column": 34}
    assert fixable["fix"]["applicability"] == "safe"
    assert fixable["fix"]["message"]
    [edit] = fixable["fix"]["edits"]
    assert edit == {
        "content": "errno.ECONNRESET",
        "location": {"row": 2, "column": 15},
        "end_location": {"row": 2, "column": 34},
    }
    assert unfixable["fix"] is None
    # The URL points at a heading that exists in docs/rules.md.
    anchor = fixable["url"].split("#")[1]
    headings = (REPO / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
    assert any(
        re.sub(r"[^a-z0-9 -]", "", h.lstrip("#").strip().lower()).replace(" ", "-") == anchor
        for h in headings
        if h.startswith("#")
    )


def test_json_lines_format(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    write(project / "b.py", UNFIXABLE_SOURCE)
    lines = run_cli("check", *NC002, "--output-format", "json-lines").lines
    whole = json.loads(run_cli("check", *NC002, "--output-format", "json").out)
    assert [json.loads(line) for line in lines] == whole


def test_json_format_without_findings_is_an_empty_list(project: Path) -> None:
    write(project / "clean.py", "x = 1\n")
    result = run_cli("check", *NC002, "--output-format", "json")
    assert (result.code, json.loads(result.out)) == (0, [])


def test_github_format(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--output-format", "github")
    [message] = nc002_messages(RESET_SOURCE)
    assert result.code == 1
    assert result.lines == [
        "::error title=NC002 platform-only-errno,file=a.py,line=2,col=15,endLine=2,endColumn=34"
        f"::NC002 {message}"
    ]


def test_github_format_escapes_the_file_property(project: Path) -> None:
    write(project / "a,b.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--output-format", "github")
    assert ",file=a%2Cb.py,line=2," in result.out


def test_sarif_format(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--output-format", "sarif")
    assert result.code == 1
    document = json.loads(result.out)
    assert document["version"] == "2.1.0"
    [sarif_run] = document["runs"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert {"NC002", "NC900", "NC901", "NC902"} <= {rule["id"] for rule in rules}
    [finding] = sarif_run["results"]
    assert finding["ruleId"] == "NC002"
    assert rules[finding["ruleIndex"]]["id"] == "NC002"
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "a.py"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (2, 15)
    replacement = finding["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "errno.ECONNRESET"


# -- selection ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flags", "reported"),
    [
        pytest.param(["--select", "NC002"], True, id="select-code"),
        pytest.param(["--select", "nc002"], True, id="select-lowercase"),
        pytest.param(["--select", "NC0"], True, id="select-prefix"),
        pytest.param(["--select", "ALL"], True, id="select-all"),
        pytest.param(["--select", "NC900"], False, id="select-other"),
        pytest.param(["--select", "NC900", "--extend-select", "NC002"], True, id="extend-select"),
        pytest.param(["--select", "NC002", "--ignore", "NC002"], False, id="ignore-code"),
        pytest.param(["--select", "NC002", "--ignore", "NC0"], False, id="ignore-prefix"),
        pytest.param(["--select", "NC900,NC002"], True, id="comma-list"),
        pytest.param(["--ignore", "NC002"], False, id="ignore-default-set"),
    ],
)
def test_select_ignore_extend_select(project: Path, flags: list[str], reported: bool) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", "--quiet", *flags)
    assert any(": NC002 " in line for line in result.lines) == reported
    if not reported and "--ignore" not in flags:
        assert result.code == 0


def test_opt_in_rules_need_their_full_code(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class OptIn(StyleDemo):
        """Test-only opt-in rule.

        ## What it does
        Test only.
        """

        CODE = "NC896"
        NAME = "opt-in-demo"
        DEFAULT_ENABLED = False

    install_rules(monkeypatch, OptIn)
    write(project / "a.py", "x = STYLE_DEMO\n")
    assert run_cli("check", "--select", "NC8").code == 0
    assert run_cli("check").code == 0
    assert ": NC896 " in run_cli("check", "--extend-select", "NC896").out
    assert ": NC896 " in run_cli("check", "--select", "ALL").out


# -- flags -------------------------------------------------------------------------
def test_exit_zero_still_reports(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--exit-zero")
    assert result.code == 0
    assert "a.py:2:15: NC002" in result.out


def test_statistics(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    write(project / "b.py", UNFIXABLE_SOURCE + "Y = errno.WSAEBADF\n")
    result = run_cli("check", *NC002, "--statistics")
    assert result.code == 1
    # Only the table, as ruff prints it: no findings, no summary.
    assert result.lines == [
        "3\tNC002\t[*] platform-only-errno",
        "[*] fixable with `netcompat-lint check --fix`",
    ]
    assert result.err == ""
    as_json = run_cli("check", *NC002, "--statistics", "--output-format", "json")
    assert json.loads(as_json.out) == [
        {"code": "NC002", "name": "platform-only-errno", "count": 3, "fixable": True}
    ]


def test_quiet_prints_findings_only(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    write(project / "clean.py", "x = 1\n")
    result = run_cli("check", *NC002, "--quiet")
    assert result.code == 1
    assert len(result.lines) == 1 and result.lines[0].startswith("a.py:2:15: NC002")
    (project / "a.py").write_text("x = 2\n")
    clean = run_cli("check", *NC002, "-q")
    assert (clean.code, clean.out, clean.err) == (0, "", "")


def test_diff_prints_and_writes_nothing(project: Path) -> None:
    path = write(project / "a.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--diff")
    assert result.code == 1
    assert result.out == (
        "--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n import errno\n"
        "-if e.errno == errno.WSAECONNRESET:\n+if e.errno == errno.ECONNRESET:\n     pass\n"
    )
    assert path.read_text() == RESET_SOURCE


def test_diff_of_a_clean_project_is_empty(project: Path) -> None:
    write(project / "clean.py", "x = 1\n")
    result = run_cli("check", *NC002, "--diff")
    assert (result.code, result.out) == (0, "")


def test_fix_writes_and_second_run_is_a_no_op(project: Path) -> None:
    path = write(project / "a.py", RESET_SOURCE)
    first = run_cli("check", *NC002, "--fix")
    assert first.code == 0
    assert first.out == "Fixed 1 finding.\n"
    assert path.read_text() == RESET_FIXED
    second = run_cli("check", *NC002, "--fix")
    assert second.code == 0
    assert second.out == "All checks passed (1 file checked).\n"
    assert path.read_text() == RESET_FIXED


def test_fix_leaves_unfixable_findings_and_exits_1(project: Path) -> None:
    path = write(project / "a.py", RESET_SOURCE + "X = errno.WSAEBADF\n")
    result = run_cli("check", *NC002, "--fix")
    assert result.code == 1
    assert result.lines[0].startswith("a.py:4:5: NC002 errno.WSAEBADF")
    assert result.lines[-1] == "Fixed 1 finding. Found 1 finding in 1 file checked."
    assert path.read_text() == RESET_FIXED + "X = errno.WSAEBADF\n"


def test_unsafe_fixes_need_their_flag(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_rules(monkeypatch, UnsafeDemo)
    path = write(project / "a.py", "x = UNSAFE_DEMO\n")
    select = ("--select", "NC897")

    listed = run_cli("check", *select)
    assert listed.lines == [
        "a.py:1:5: NC897 UNSAFE_DEMO found",  # no [*]: --fix alone will not fix it
        "Found 1 finding in 1 file checked. 1 unsafe fix available with --fix --unsafe-fixes.",
    ]
    as_json = run_cli("check", *select, "--output-format", "json")
    assert json.loads(as_json.out)[0]["fix"]["applicability"] == "unsafe"

    # As in ruff, --unsafe-fixes alone writes nothing: it marks the fix, --fix applies it.
    alone = run_cli("check", *select, "--unsafe-fixes")
    assert alone.code == 1
    assert alone.lines == [
        "a.py:1:5: NC897 [*] UNSAFE_DEMO found",
        "Found 1 finding in 1 file checked. "
        "[*] 1 fixable with --fix (--unsafe-fixes alone writes nothing).",
    ]
    assert path.read_text() == "x = UNSAFE_DEMO\n"
    overridden = run_cli("check", *select, "--fix", "--unsafe-fixes", "--no-unsafe-fixes")
    assert path.read_text() == "x = UNSAFE_DEMO\n" and overridden.code == 1

    safe_only = run_cli("check", *select, "--fix")
    assert safe_only.code == 1
    assert path.read_text() == "x = UNSAFE_DEMO\n"

    diff = run_cli("check", *select, "--diff", "--unsafe-fixes")
    assert "+x = unsafe_fixed\n" in diff.out
    assert path.read_text() == "x = UNSAFE_DEMO\n"

    unsafe = run_cli("check", *select, "--fix", "--unsafe-fixes")
    assert (unsafe.code, unsafe.out) == (0, "Fixed 1 finding.\n")
    assert path.read_text() == "x = unsafe_fixed\n"


def test_progress_on_a_terminal_only(project: Path) -> None:
    for number in range(25):
        write(project / f"m{number:02}.py", RESET_SOURCE)
    tty = TtyStringIO()
    shown = run_cli("check", *NC002, "--jobs", "1", stderr=tty)
    assert "25/25 files parsed" in shown.err
    assert shown.out.count(": NC002 ") == 25
    assert "files parsed" not in run_cli("check", *NC002, "--no-cache").err
    assert (
        "files parsed" not in run_cli("check", *NC002, "--no-cache", "-q", stderr=TtyStringIO()).err
    )


def test_worker_processes_give_the_same_results(project: Path) -> None:
    for number in range(8):
        write(project / f"m{number}.py", RESET_SOURCE if number % 2 else UNFIXABLE_SOURCE)
    serial = run_cli("check", *NC002, "--no-cache", "--jobs", "1")
    parallel = run_cli("check", *NC002, "--no-cache", "--jobs", "2")
    assert serial == parallel
    assert serial.out.count(": NC002 ") == 8


# -- noqa --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        pytest.param("# noqa", True, id="bare"),
        pytest.param("# NOQA", True, id="upper"),
        pytest.param("# noqa: NC002", True, id="code"),
        pytest.param("# noqa:NC001,NC002", True, id="list"),
        pytest.param("# noqa: NC0", True, id="prefix"),
        pytest.param("# noqa: NC001", False, id="other-code"),
        pytest.param("# noqa: E501", False, id="other-tool"),
    ],
)
def test_noqa(project: Path, comment: str, suppressed: bool) -> None:
    source = RESET_SOURCE.replace("WSAECONNRESET:", f"WSAECONNRESET:  {comment}")
    write(project / "a.py", source)
    result = run_cli("check", *NC002, "--quiet")
    assert result.code == (0 if suppressed else 1)
    assert (result.out == "") == suppressed


# -- configuration -------------------------------------------------------------------
def test_config_select_and_cli_override(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.netcompat-lint]\nselect = ["NC900"]\n')
    write(project / "a.py", RESET_SOURCE)
    assert run_cli("check").code == 0
    assert run_cli("check", "--select", "NC002").code == 1
    assert run_cli("check", "--extend-select", "NC002").code == 1


def test_config_ignore_and_cli_ignore_adds(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    write(project / "pyproject.toml", '[tool.netcompat-lint]\nignore = ["NC002"]\n')
    assert ": NC002 " not in run_cli("check").out
    write(project / "pyproject.toml", '[tool.netcompat-lint]\nselect = ["NC002"]\n')
    assert run_cli("check").code == 1
    assert run_cli("check", "--ignore", "NC002").code == 0


def test_config_per_file_ignores(project: Path) -> None:
    write(
        project / "pyproject.toml",
        '[tool.netcompat-lint]\nselect = ["NC002"]\n'
        '[tool.netcompat-lint.per-file-ignores]\n"tests/*" = ["NC002"]\n"legacy.py" = ["NC0"]\n',
    )
    write(project / "tests" / "deep" / "t.py", RESET_SOURCE)
    write(project / "legacy.py", RESET_SOURCE)
    write(project / "src" / "a.py", RESET_SOURCE)
    result = run_cli("check", "--quiet")
    assert [line.split(":")[0] for line in result.lines] == ["src/a.py"]


def test_config_exclude(project: Path) -> None:
    write(
        project / "pyproject.toml", '[tool.netcompat-lint]\nexclude = ["generated", "*_pb2.py"]\n'
    )
    write(project / "generated" / "a.py", RESET_SOURCE)
    write(project / "pkg" / "x_pb2.py", RESET_SOURCE)
    write(project / "pkg" / "real.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--quiet")
    assert [line.split(":")[0] for line in result.lines] == ["pkg/real.py"]
    # A file named on the command line is linted even when excluded.
    named = run_cli("check", *NC002, "--quiet", "generated/a.py")
    assert named.lines[0].startswith("generated/a.py:2:15: NC002")


def test_config_fix_style_and_cli_override(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_rules(monkeypatch, StyleDemo)
    write(project / "a.py", "x = STYLE_DEMO\n")
    assert "a.py:1:5: NC899 style=stdlib" in run_cli("check", "--select", "NC899").out
    write(project / "pyproject.toml", '[tool.netcompat-lint]\nfix-style = "netcompat"\n')
    assert "a.py:1:5: NC899 style=netcompat" in run_cli("check", "--select", "NC899").out
    overridden = run_cli("check", "--select", "NC899", "--fix-style", "stdlib")
    assert "a.py:1:5: NC899 style=stdlib" in overridden.out


def test_config_from_an_explicit_file(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE)
    other = write(
        project / "conf" / "pyproject.toml", '[tool.netcompat-lint]\nignore = ["NC002"]\n'
    )
    assert run_cli("check", "--config", str(other)).code == 0
    # The file's ignore is what silenced NC002: without the file it is reported.
    assert run_cli("check", *NC002).code == 1


def test_config_is_found_in_a_parent_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project / "pyproject.toml", '[tool.netcompat-lint]\nselect = ["NC900"]\n')
    write(project / "pkg" / "a.py", RESET_SOURCE)
    monkeypatch.chdir(project / "pkg")
    assert run_cli("check").code == 0


# -- cache ---------------------------------------------------------------------------
def test_cache_is_written_and_read(project: Path, lint_jobs: list[int]) -> None:
    path = write(project / "a.py", RESET_SOURCE)
    first = run_cli("check", *NC002)
    cache_files = list((project / ".netcompat_cache").rglob("*.json"))
    assert len(cache_files) == 1
    document = json.loads(cache_files[0].read_text())
    entries = document["entries"]
    assert list(entries) == [str(path)]
    assert (project / ".netcompat_cache" / ".gitignore").is_file()

    second = run_cli("check", *NC002)
    assert second == first
    assert lint_jobs == [1, 0], "the second run must come from the cache"

    # The cached result is really what gets reported: doctor it and look.
    findings = entries[str(path)][2]
    findings[0]["message"] = "FROM THE CACHE"
    cache_files[0].write_text(json.dumps(document))
    assert "a.py:2:15: NC002 [*] FROM THE CACHE" in run_cli("check", *NC002).out

    # New content, new digest: linted again.
    path.write_text(RESET_SOURCE + "# changed\n")
    assert "FROM THE CACHE" not in run_cli("check", *NC002).out
    assert lint_jobs == [1, 0, 0, 1]


def test_cache_is_per_selection(project: Path, lint_jobs: list[int]) -> None:
    write(project / "a.py", RESET_SOURCE)
    assert run_cli("check", *NC002).code == 1
    assert run_cli("check", "--select", "NC900").code == 0
    assert run_cli("check", "--select", "NC002", "--ignore", "NC002").code == 0


def test_cache_follows_per_file_ignores(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # NC899 keeps the file in play after NC002 is ignored for it, so the cache is consulted.
    install_rules(monkeypatch, StyleDemo)
    write(project / "tests" / "a.py", RESET_SOURCE + "x = STYLE_DEMO\n")
    select = ("--select", "NC002,NC899", "--quiet")
    assert ": NC002 " in run_cli("check", *select).out
    write(
        project / "pyproject.toml",
        '[tool.netcompat-lint.per-file-ignores]\n"tests/*" = ["NC002"]\n',
    )
    result = run_cli("check", *select)
    assert result.lines == ["tests/a.py:4:5: NC899 style=stdlib"]


def test_fix_does_not_trust_a_cached_fixable_result(project: Path) -> None:
    path = write(project / "a.py", RESET_SOURCE)
    assert run_cli("check", *NC002).code == 1
    assert run_cli("check", *NC002, "--fix").code == 0
    assert path.read_text() == RESET_FIXED


def test_no_cache_writes_none(project: Path, lint_jobs: list[int]) -> None:
    write(project / "a.py", RESET_SOURCE)
    run_cli("check", *NC002, "--no-cache")
    run_cli("check", *NC002, "--no-cache")
    assert not (project / ".netcompat_cache").exists()
    assert lint_jobs == [1, 1]


# -- discovery -----------------------------------------------------------------------
def test_gitignore_is_respected(project: Path) -> None:
    write(project / ".gitignore", "ignored.py\nout/\n*.gen.py\n!keep.gen.py\n")
    for name in (
        "ignored.py",
        "out/a.py",
        "deep/x.gen.py",
        "keep.gen.py",
        "kept.py",
        "deep/ignored.py",
    ):
        write(project / name, RESET_SOURCE)
    write(project / "sub" / ".gitignore", "local.py\n")
    write(project / "sub" / "local.py", RESET_SOURCE)
    write(project / "local.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--quiet")
    assert sorted({line.split(":")[0] for line in result.lines}) == [
        "keep.gen.py",
        "kept.py",
        "local.py",
    ]
    # A file named on the command line is linted anyway.
    assert run_cli("check", *NC002, "--quiet", "ignored.py").lines[0].startswith("ignored.py:")


def test_gitignore_can_be_turned_off(project: Path) -> None:
    write(project / "pyproject.toml", "[tool.netcompat-lint]\nrespect-gitignore = false\n")
    write(project / ".gitignore", "ignored.py\n")
    write(project / "ignored.py", RESET_SOURCE)
    assert run_cli("check", *NC002, "--quiet").lines[0].startswith("ignored.py:")


def test_default_excluded_folders_are_skipped(project: Path) -> None:
    for folder in (
        ".venv/lib",
        "venv",
        ".tox/py",
        "node_modules/x",
        "build",
        "__pycache__",
        ".git",
    ):
        write(project / folder / "a.py", RESET_SOURCE)
    write(project / "src" / "a.py", RESET_SOURCE)
    result = run_cli("check", *NC002, "--quiet")
    assert [line.split(":")[0] for line in result.lines] == ["src/a.py"]


def test_only_python_files_are_linted(project: Path) -> None:
    write(project / "notes.txt", RESET_SOURCE)
    write(project / "script", RESET_SOURCE)
    write(project / "stub.pyi", RESET_SOURCE)
    result = run_cli("check", *NC002, "--quiet")
    assert [line.split(":")[0] for line in result.lines] == ["stub.pyi"]


# -- rules / rule ------------------------------------------------------------------------
def test_rules_lists_every_rule(project: Path) -> None:
    result = run_cli("rules")
    assert result.code == 0
    codes = [line.split()[0] for line in result.lines]
    assert codes == [*sorted(rules_by_code()), "NC900", "NC901", "NC902", "NC903"]
    [nc002] = [line for line in result.lines if line.startswith("NC002 ")]
    assert "platform-only-errno" in nc002 and "fix: safe" in nc002


def test_rule_prints_documentation(project: Path) -> None:
    result = run_cli("rule", "NC002")
    assert result.code == 0
    assert result.out.startswith("# NC002 platform-only-errno\n\n")
    for section in ("## What it does", "## Why is this bad?", "## Fix safety"):
        assert section in result.out
    assert run_cli("rule", "nc002").out == result.out
    engine = run_cli("rule", "NC901")
    assert engine.code == 0 and "could not be parsed" in engine.out


# -- the real commands -------------------------------------------------------------------
def test_python_dash_m_lintrules(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.netcompat-lint]\n")
    write(tmp_path / "a.py", RESET_SOURCE)
    done = run_subprocess(
        [*lint_module_argv(), "check", "--select", "NC002", "--no-cache"], tmp_path
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("a.py:2:15: NC002 [*] errno.WSAECONNRESET")
    assert done.stderr == ""
    bad = run_subprocess([*lint_module_argv(), "check", "--select", "NC999"], tmp_path)
    assert bad.returncode == 2
    assert bad.stderr == "netcompat-lint: error: --select: unknown rule code or prefix 'NC999'\n"


def test_console_script(tmp_path: Path) -> None:
    # The entry point pyproject.toml declares is the function these tests call.
    with open(REPO / "pyproject.toml", "rb") as handle:
        scripts = tomllib.load(handle)["project"]["scripts"]
    assert scripts == {"netcompat-lint": "lintrules.cli:main"}
    # After `pip install -e .` the script is on PATH; otherwise run the same main().
    script = shutil.which("netcompat-lint")
    argv = [script] if script is not None else lint_module_argv()
    write(tmp_path / "pyproject.toml", "[tool.netcompat-lint]\n")
    path = write(tmp_path / "a.py", RESET_SOURCE)
    done = run_subprocess([*argv, "check", "--select", "NC002", "--fix"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Fixed 1 finding.\n"
    assert path.read_text() == RESET_FIXED


def test_force_exclude_applies_excludes_to_named_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.netcompat-lint]\nexclude = ["vendored"]\n')
    (tmp_path / "vendored").mkdir()
    (tmp_path / "vendored" / "a.py").write_text(RESET_SOURCE)
    named = run_cli("check", "--no-cache", "--select", "NC002", "vendored/a.py")
    assert named.code == 1
    forced = run_cli("check", "--no-cache", "--select", "NC002", "--force-exclude", "vendored/a.py")
    assert forced.code == 0, forced.out


def test_command_line_select_wins_over_config_ignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.netcompat-lint]\nignore = ["NC002"]\n')
    (tmp_path / "a.py").write_text(RESET_SOURCE)
    assert run_cli("check", "--no-cache", "a.py").code == 0
    assert run_cli("check", "--no-cache", "--select", "NC002", "a.py").code == 1
