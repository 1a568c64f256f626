"""Adoption tools: ``--add-noqa``, the file-level exemption, unused ``# noqa`` codes (NC903).

The ``lintrules.noqa`` functions are checked as before/after pairs, then
everything through the command line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from _cli_helpers import make_project, run_cli

from lintrules.noqa import NoqaIndex, add_noqa, file_exemption, remove_unused

#: NC001 on line 2 (safe fix), NC002 on line 3 (safe fix).
TWO_RULES = "import errno\nif e.errno == 104:\n    x = errno.WSAECONNRESET\n"
NC = ("--select", "NC001,NC002")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the module ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "wanted", "after"),
    [
        pytest.param("x = 1\n", {1: {"NC001"}}, "x = 1  # noqa: NC001\n", id="new"),
        pytest.param(
            "x = 1   \n", {1: {"NC002", "NC001"}}, "x = 1  # noqa: NC001, NC002\n", id="sorted"
        ),
        pytest.param(
            "x = 1  # noqa: E501\n", {1: {"NC001"}}, "x = 1  # noqa: E501, NC001\n", id="merge"
        ),
        pytest.param(
            "x = 1  # noqa:E501 why\n",
            {1: {"NC001"}},
            "x = 1  # noqa: E501, NC001 why\n",
            id="merge-keeps-text",
        ),
        pytest.param(
            "x = 1  # noqa: NC0\n", {1: {"NC001"}}, "x = 1  # noqa: NC0\n", id="prefix-covers"
        ),
        pytest.param("x = 1  # noqa\n", {1: {"NC001"}}, "x = 1  # noqa\n", id="bare-covers"),
        pytest.param(
            "x = 1  # type: ignore\n",
            {1: {"NC001"}},
            "x = 1  # type: ignore  # noqa: NC001\n",
            id="after-comment",
        ),
        pytest.param(
            "x = 1\r\ny = 2\r\n", {2: {"NC001"}}, "x = 1\r\ny = 2  # noqa: NC001\r\n", id="crlf"
        ),
        pytest.param("x = 1", {1: {"NC001"}}, "x = 1  # noqa: NC001", id="no-final-newline"),
    ],
)
def test_add_noqa_pairs(before: str, wanted: dict[int, set[str]], after: str) -> None:
    assert add_noqa(before, wanted)[0] == after
    assert add_noqa(after, wanted) == (after, 0)  # idempotent


@pytest.mark.parametrize(
    ("source", "line", "row"),
    [
        pytest.param('x = """a\nb""" + str(y)\n', 1, 2, id="multi-line-string"),
        pytest.param("x = 1 + \\\n    2 + \\\n    3\n", 1, 3, id="continuation"),
        pytest.param('x = f"""a\n{y}""" + z\n', 1, 2, id="multi-line-f-string"),
        pytest.param("x = (1 +\n     2)\n", 1, 1, id="brackets-keep-the-line"),
        pytest.param("# a comment \\\nx = 1\n", 1, 1, id="comment-ending-in-backslash"),
    ],
)
def test_noqa_rows_are_where_ruff_puts_them(source: str, line: int, row: int) -> None:
    assert NoqaIndex(source).row_for(line) == row


@pytest.mark.parametrize(
    ("source", "codes"),
    [
        pytest.param("# netcompat-lint: noqa\nx = 1\n", None, id="all"),
        pytest.param(
            "x = 1\n# netcompat-lint: noqa: NC001, nc101\n", ("NC001", "NC101"), id="codes"
        ),
        pytest.param("# flake8: noqa\n", None, id="flake8"),
    ],
)
def test_file_exemptions(source: str, codes: tuple[str, ...] | None) -> None:
    exemption = file_exemption(source)
    assert exemption is not None and exemption.codes == codes


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("x = 1  # netcompat-lint: noqa\n", id="after-code"),
        pytest.param('x = """\n# netcompat-lint: noqa\n"""\n', id="in-a-string"),
        pytest.param("# flake8: noqa: NC001\n", id="flake8-with-codes"),
        pytest.param("# noqa\n", id="line-level"),
    ],
)
def test_not_file_exemptions(source: str) -> None:
    assert file_exemption(source) is None


def test_unused_and_unknown_codes_are_removed() -> None:
    source = "a  # noqa: NC001, E501\nb  # noqa: NC002, NC999 because\nc  # noqa: NC001\n"
    index = NoqaIndex(source)
    assert index.suppresses(3, "NC001")
    unused = index.unused({"NC001", "NC002"})
    assert [(u.directive.line, u.unused, u.unknown) for u in unused] == [
        (1, ("NC001",), ()),
        (2, ("NC002",), ("NC999",)),
    ]
    assert remove_unused(source, unused) == "a  # noqa: E501\nb  # because\nc  # noqa: NC001\n"


# -- --add-noqa ---------------------------------------------------------------------
def test_add_noqa_then_check_is_clean(project: Path) -> None:
    path = write(project / "a.py", TWO_RULES.replace("104:", "104:  # noqa: E501"))
    result = run_cli("check", *NC, "--add-noqa")
    assert (result.code, result.err) == (0, "Added 2 noqa directives.\n")
    assert path.read_text() == (
        "import errno\n"
        "if e.errno == 104:  # noqa: E501, NC001\n"
        "    x = errno.WSAECONNRESET  # noqa: NC002\n"
    )
    assert run_cli("check", *NC).code == 0
    again = run_cli("check", *NC, "--add-noqa")
    assert (again.code, again.err) == (0, "Added 0 noqa directives.\n")


def test_add_noqa_goes_after_a_multi_line_string(project: Path) -> None:
    source = 'import errno\nif e.errno == 104 and x == """\ntext""":\n    pass\n'
    path = write(project / "a.py", source)
    run_cli("check", "--select", "NC001", "--add-noqa")
    assert path.read_text() == source.replace('text""":', 'text""":  # noqa: NC001')
    assert run_cli("check", "--select", "NC001").code == 0


def test_add_noqa_keeps_bytes_encoding_and_mode(project: Path) -> None:
    path = project / "a.py"
    source = "# -*- coding: latin-1 -*-\r\nimport errno\r\nnote = 'é'; hit = e.errno == 104\r\n"
    path.write_bytes(source.encode("latin-1"))
    os.chmod(path, 0o751)
    assert run_cli("check", "--select", "NC001", "--add-noqa").code == 0
    assert path.read_bytes() == source.replace("104\r", "104  # noqa: NC001\r").encode("latin-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert not [p for p in project.iterdir() if p.name.endswith(".netcompat-tmp")]


# -- the file-level exemption -----------------------------------------------------------
def test_file_level_exemption(project: Path) -> None:
    write(project / "all.py", "# netcompat-lint: noqa\n" + TWO_RULES)
    write(project / "some.py", "# netcompat-lint: noqa: NC001\n" + TWO_RULES)
    result = run_cli("check", *NC, "--quiet")
    assert [line.split(":")[0] + " " + line.split()[1] for line in result.lines] == [
        "some.py NC002"
    ]


def test_file_level_exemption_stops_fixes(project: Path) -> None:
    path = write(project / "a.py", "# netcompat-lint: noqa: NC001\n" + TWO_RULES)
    run_cli("check", *NC, "--fix")
    assert "e.errno == 104" in path.read_text()
    assert "errno.WSAECONNRESET" not in path.read_text()


# -- unused noqa (NC903) -----------------------------------------------------------------
def test_unused_noqa_is_opt_in_and_fixable(project: Path) -> None:
    source = (
        "import errno\n"
        "if e.errno == 104:  # noqa: NC001\n"
        "    x = errno.ECONNRESET  # noqa: NC002, E501\n"
        "y = 1  # noqa: NC777\n"
    )
    path = write(project / "a.py", source)
    assert run_cli("check", *NC).code == 0  # not selected: nothing said
    result = run_cli("check", *NC, "--extend-select", "NC903")
    assert result.code == 1
    assert result.lines[:2] == [
        "a.py:3:27: NC903 [*] Unused `noqa` directive (unused: `NC002`)",
        "a.py:4:8: NC903 [*] Unused `noqa` directive (unknown: `NC777`)",
    ]
    fixed = run_cli("check", *NC, "--extend-select", "NC903", "--fix")
    assert fixed.code == 0
    assert path.read_text() == (
        "import errno\n"
        "if e.errno == 104:  # noqa: NC001\n"
        "    x = errno.ECONNRESET  # noqa: E501\n"
        "y = 1\n"
    )


def test_unused_noqa_with_a_file_no_rule_reads(project: Path) -> None:
    write(project / "clean.py", "x = 1  # noqa: NC001\n")
    result = run_cli("check", "--select", "NC001,NC903", "--quiet")
    assert result.lines == ["clean.py:1:8: NC903 [*] Unused `noqa` directive (unused: `NC001`)"]


def test_unused_noqa_documented(project: Path) -> None:
    result = run_cli("rule", "NC903")
    assert result.code == 0 and "noqa" in result.out


@pytest.mark.parametrize("output_format", ["sarif", "json", "gitlab", "junit", "full"])
def test_unused_noqa_in_every_format(project: Path, output_format: str) -> None:
    write(project / "a.py", "x = 1  # noqa: NC001\n")
    result = run_cli("check", "--select", "NC001,NC903", "--output-format", output_format)
    assert (result.code, result.err) == (1, "")
    assert "NC903" in result.out


def test_the_engine_may_say_which_codes_it_used(project: Path) -> None:
    # The hook for the engine: SourceResult.noqa_used spares the front end a second lint.
    from lintrules.config import Config
    from lintrules.findings import SourceResult
    from lintrules.runner import RunOptions, finish

    source = b"a = 1  # noqa: NC001, NC002\n"
    config = Config(root=project, extend_select=("NC903",))
    told = finish(
        source, SourceResult((), noqa_used={1: frozenset({"NC001"})}), (), config, RunOptions()
    )
    [finding] = told.findings
    assert (finding.code, finding.message) == ("NC903", "Unused `noqa` directive (unused: `NC002`)")
