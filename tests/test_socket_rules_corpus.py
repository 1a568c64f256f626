"""NC101 and NC102 over a corpus of realistic socket code, expectations on the line.

Every file in ``tests/corpus/`` is ordinary network code (clients, servers, a
proxy, ``socketserver`` handlers, UDP, TLS) with the traps the rules must not
fall into.  A line that must get a finding says so in its own trailing comment,
flake8-bugbear style::

    data = sock.recv(1024)  # NC101
    remote.send(remote.recv(4))  # NC101 NC101

and every other line must get none: the test compares the exact multiset of
``(line, code)`` pairs.  A file may set rule options on a line of its own near
the top: ``# corpus-options: {"socket-name-heuristic": true}``.

The end of the file checks that NC101 leaves test files out (and NC102 does
not), through ``lint_source(path=...)``, the command line, its cache, stdin,
the flake8 plugin and the codemod.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from _cli_helpers import run_cli
from libcst.codemod import CodemodContext, SkipFile

from lintrules.codemods import RuleCodemod
from lintrules.engine import lint_source
from lintrules.flake8_plugin import NetcompatChecker
from lintrules.rules import rules_by_code
from lintrules.rules.unguarded_socket_io import TEST_FILES_OPTION, is_test_file

CORPUS = Path(__file__).parent / "corpus"
CODES = ("NC101", "NC102")
RULES = [rules_by_code()[code] for code in CODES]
FILES = sorted(CORPUS.glob("*.py"))

_MARKERS = re.compile(r"(?:^#|\s)(NC\d{3}(?:[\s,]+NC\d{3})*)\s*$")
_OPTIONS = re.compile(r"#\s*corpus-options:\s*(\{.*\})\s*$")


def _comments(source: str) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [(tok.start[0], tok.string) for tok in tokens if tok.type == tokenize.COMMENT]


def expected_findings(source: str) -> Counter[tuple[int, str]]:
    """The ``(line, code)`` pairs the markers in ``source`` ask for."""
    expected: Counter[tuple[int, str]] = Counter()
    for line, comment in _comments(source):
        match = _MARKERS.search(comment)
        if match is not None:
            for code in re.findall(r"NC\d{3}", match.group(1)):
                expected[(line, code)] += 1
    return expected


def corpus_options(source: str) -> dict[str, object]:
    for _, comment in _comments(source):
        match = _OPTIONS.search(comment)
        if match is not None:
            options: dict[str, object] = json.loads(match.group(1))
            return options
    return {}


def test_corpus_is_there() -> None:
    assert len(FILES) >= 6
    markers = Counter(code for path in FILES for (_, code) in expected_findings(path.read_text()))
    assert markers["NC101"] >= 30 and markers["NC102"] >= 4, markers


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_file_findings_match_markers(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    result = lint_source(source.encode("utf-8"), RULES, options=corpus_options(source))
    assert not [f for f in result.findings if f.code.startswith("NC9")], result.findings
    found = Counter((f.line, f.code) for f in result.findings if f.code in CODES)
    expected = expected_findings(source)
    lines = source.splitlines()
    missing = sorted((expected - found).elements())
    unexpected = sorted((found - expected).elements())
    report = [f"missing   {code} line {n}: {lines[n - 1].strip()}" for n, code in missing]
    report += [f"unexpected {code} line {n}: {lines[n - 1].strip()}" for n, code in unexpected]
    assert not report, "\n".join(report)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_unsafe_fixes_compile_and_settle(path: Path) -> None:
    """Every unsafe fix applies, the result compiles, and what is left has no fix."""
    source = path.read_text(encoding="utf-8")
    options = corpus_options(source)
    before = lint_source(source.encode("utf-8"), RULES, options=options)
    fixable = [f for f in before.findings if f.fix is not None]
    fixed = lint_source(source.encode("utf-8"), RULES, fix_level="unsafe", options=options)
    assert not [f for f in fixed.findings if f.code.startswith("NC9")], fixed.findings
    assert fixed.fixes_applied == len(fixable)
    after = (fixed.fixed_source or source.encode("utf-8")).decode("utf-8")
    compile(after, str(path), "exec")
    assert [f for f in fixed.findings if f.fix is not None] == []
    assert len([f for f in fixed.findings if f.code == "NC102"]) == len(
        [f for f in before.findings if f.code == "NC102" and f.fix is None]
    )


def test_marker_parser() -> None:
    source = "x = 1  # NC101\ny = 'x  # NC102'\nz(1)  # note: NC101 NC101\nw = 2  # NC1011\n"
    assert expected_findings(source) == Counter({(1, "NC101"): 1, (3, "NC101"): 2})


# -- test files ---------------------------------------------------------------------
# NC101 leaves test code out by default (an unguarded call there should fail the
# test); NC102 does not (a sleep before a close makes the test pass or fail by timing).

#: One NC101 finding (line 3) and one NC102 finding (line 4).
BOTH = (
    "import socket, time\nsock = socket.create_connection(('h', 1))\n"
    "data = sock.recv(10)\nsock.sendall(data)\ntime.sleep(0.1)\nsock.close()\n"
)
TEST_PATHS = [
    "tests/test_client.py",
    "test/helpers.py",
    "pkg/tests/fixtures/server.py",
    "client_test.py",
    "test_client.py",
    "conftest.py",
    "src/pkg/conftest.py",
    "tests\\windows\\client.py",
    "dummyserver/testcase.py",
    "pkg/testcases.py",
    "app/tests.py",
    "client_tests.py",
]
OTHER_PATHS = [
    "client.py",
    "src/testing/client.py",
    "src/contest.py",
    "tests_data.py",
    "testsuite/client.py",
    "pkg/latest.py",
    "dummyserver/server.py",
    "pkg/testcase_helpers.py",
]


@pytest.mark.parametrize("path", TEST_PATHS)
def test_test_paths(path: str) -> None:
    assert is_test_file(path)


@pytest.mark.parametrize("path", [*OTHER_PATHS, "", None])
def test_other_paths(path: str | None) -> None:
    assert not is_test_file(path)


def _codes(path: str | None, **options: object) -> list[tuple[int, str]]:
    result = lint_source(BOTH.encode(), RULES, path=path, options=options)
    return sorted((f.line, f.code) for f in result.findings)


@pytest.mark.parametrize("path", TEST_PATHS)
def test_nc101_leaves_test_files_out_nc102_does_not(path: str) -> None:
    assert _codes(path) == [(5, "NC102")]
    assert _codes(path, **{TEST_FILES_OPTION: True}) == [(3, "NC101"), (4, "NC101"), (5, "NC102")]


@pytest.mark.parametrize("path", [*OTHER_PATHS, None])
def test_other_files_are_checked(path: str | None) -> None:
    assert _codes(path) == [(3, "NC101"), (4, "NC101"), (5, "NC102")]


def _project(tmp_path: Path, table: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.netcompat-lint]\n{table}", encoding="utf-8")
    for name in ("client.py", "tests/test_client.py", "tests/conftest.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(BOTH, encoding="utf-8")
    return tmp_path


def _found(out: str) -> list[str]:
    """``path:line CODE`` for each finding line of the concise output."""
    rows = [line for line in out.splitlines() if ": NC" in line]
    return sorted(f"{row.split(':')[0]}:{row.split(':')[1]} {row.split()[1]}" for row in rows)


def test_the_command_line_gives_the_rule_each_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path))
    result = run_cli("check", "--no-cache", "--select", "NC101,NC102", "--jobs", "1", ".")
    assert _found(result.out) == [
        "client.py:3 NC101",
        "client.py:4 NC101",
        "client.py:5 NC102",
        "tests/conftest.py:5 NC102",
        "tests/test_client.py:5 NC102",
    ]


def test_the_option_in_the_configuration_includes_test_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path, f"{TEST_FILES_OPTION} = true\n"))
    result = run_cli("check", "--no-cache", "--select", "NC101", "--jobs", "1", ".")
    assert _found(result.out) == [
        "client.py:3 NC101",
        "client.py:4 NC101",
        "tests/conftest.py:3 NC101",
        "tests/conftest.py:4 NC101",
        "tests/test_client.py:3 NC101",
        "tests/test_client.py:4 NC101",
    ]


def test_the_cache_answers_each_path_with_its_own_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes at two paths: the cache (keyed by path) does not mix their findings."""
    monkeypatch.chdir(_project(tmp_path))
    first = run_cli("check", "--select", "NC101", "--jobs", "1", ".")
    again = run_cli("check", "--select", "NC101", "--jobs", "1", ".")
    assert _found(first.out) == _found(again.out) == ["client.py:3 NC101", "client.py:4 NC101"]


def test_stdin_is_linted_as_its_stdin_filename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path))

    def check(name: str) -> list[str]:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BOTH.encode())))
        result = run_cli("check", "--select", "NC101", "--stdin-filename", name, "-")
        return [line.split()[1] for line in result.out.splitlines() if ": NC" in line]

    assert check("tests/test_client.py") == []
    assert check("client.py") == ["NC101", "NC101"]


def test_the_flake8_plugin_gives_the_rule_the_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path))
    monkeypatch.setattr(NetcompatChecker, "resolver", None)
    monkeypatch.setattr(NetcompatChecker, "rules", ())
    monkeypatch.setattr(NetcompatChecker, "rule_options", {})

    def codes(name: str) -> list[str]:
        checker = NetcompatChecker(ast.parse(BOTH), BOTH.splitlines(True), name)
        return sorted(message.split()[0] for _, _, message, _ in checker.run())

    assert codes("tests/test_client.py") == ["NC102"]
    assert codes("client.py") == ["NC101", "NC101", "NC102"]


def test_the_codemod_gives_the_rule_the_file_name() -> None:
    def fixed(name: str) -> str | None:
        command = RuleCodemod(CodemodContext(filename=name), rule=["NC101"], unsafe=True)
        try:
            return command.transform_module(cst.parse_module(BOTH)).code
        except SkipFile:
            return None

    assert fixed("tests/test_client.py") is None
    assert "except ConnectionResetError:" in (fixed("client.py") or "")
