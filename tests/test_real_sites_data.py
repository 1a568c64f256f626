"""The real-code evaluation's data: bench/real_sites.toml and bench/judged_findings.toml.

Both files hold references (repository, commit, path, line) and hand labels; the
script that uses them, bench/evaluate_rules.py, needs git mirrors and runs
outside the test suite.  These tests need no network: they check the data's
shape, its coverage (what the evaluation promises to measure), and the parts
of the script that decide a match and draw the sample.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "bench" / "real_sites.toml"
JUDGED = ROOT / "bench" / "judged_findings.toml"
COMMIT = re.compile(r"[0-9a-f]{40}")
REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*")
#: Codes a finding in the judged sample can carry: every rule (opt-in ones too).
FINDING_CODES = {
    "NC001",
    "NC002",
    "NC003",
    "NC004",
    "NC005",
    "NC006",
    "NC007",
    "NC008",
    "NC101",
    "NC102",
}


def _load_script() -> ModuleType:
    name = "netcompat_bench_evaluate_rules"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "evaluate_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


evaluate_rules = _load_script()


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


SITE_ENTRIES: list[dict[str, Any]] = _toml(SITES)["site"]
JUDGED_DATA = _toml(JUDGED)


def _site_id(entry: dict[str, Any]) -> str:
    return f"{entry.get('repo')}:{entry.get('path')}:{entry.get('line')}:{entry.get('expected')}"


# --- real_sites.toml ----------------------------------------------------------


@pytest.mark.parametrize("entry", SITE_ENTRIES, ids=_site_id)
def test_a_site_has_every_field_in_its_form(entry: dict[str, Any]) -> None:
    required = {"repo", "commit", "path", "line", "expected", "context", "why"}
    assert required <= entry.keys(), f"missing {sorted(required - entry.keys())}"
    assert set(entry) <= required | {"end_line", "lookalike"}, (
        f"unknown keys {sorted(set(entry) - required)}"
    )
    assert REPO.fullmatch(entry["repo"]), entry["repo"]
    assert COMMIT.fullmatch(entry["commit"]), f"commit is not 40 hex digits: {entry['commit']!r}"
    path = entry["path"]
    assert path.endswith(".py") and not path.startswith("/") and "\\" not in path
    assert ".." not in path.split("/")
    assert isinstance(entry["line"], int) and entry["line"] >= 1
    assert entry.get("end_line", entry["line"]) >= entry["line"]
    assert entry["context"] in evaluate_rules.CONTEXTS
    assert entry["why"].strip() and entry["why"].rstrip().endswith("."), (
        "why: one sentence of our own"
    )


@pytest.mark.parametrize("entry", SITE_ENTRIES, ids=_site_id)
def test_a_site_names_a_known_code(entry: dict[str, Any]) -> None:
    codes = evaluate_rules.RULE_CODES
    if entry["expected"] == evaluate_rules.NONE:
        assert entry.get("lookalike") in (None, *codes), entry.get("lookalike")
    else:
        assert entry["expected"] in codes, entry["expected"]
        assert "lookalike" not in entry, "lookalike only qualifies a negative"


def test_no_site_is_labelled_twice() -> None:
    keys = Counter(
        (e["repo"], e["commit"], e["path"], e["line"], e["expected"], e.get("lookalike"))
        for e in SITE_ENTRIES
    )
    assert [key for key, count in keys.items() if count > 1] == []


def test_a_line_is_never_both_expected_and_forbidden_for_one_code() -> None:
    positives = {
        (e["repo"], e["commit"], e["path"], e["line"], e["expected"]) for e in SITE_ENTRIES
    }
    clashes = [
        e
        for e in SITE_ENTRIES
        if e["expected"] == "none"
        and (e["repo"], e["commit"], e["path"], e["line"], e.get("lookalike")) in positives
    ]
    assert clashes == []


def test_the_sites_cover_what_the_evaluation_promises() -> None:
    positives = [e for e in SITE_ENTRIES if e["expected"] != "none"]
    negatives = [e for e in SITE_ENTRIES if e["expected"] == "none"]
    nc101_outside_tests = [
        e for e in positives if e["expected"] == "NC101" and e["context"] != "test"
    ]
    assert len({e["repo"] for e in SITE_ENTRIES}) >= 60
    assert len(positives) >= 90
    assert len(negatives) >= 90
    assert len(nc101_outside_tests) >= 25
    every_default_rule = {f"NC00{n}" for n in range(1, 8)} | {"NC101", "NC102"}
    assert every_default_rule <= {e["expected"] for e in positives}
    assert every_default_rule <= {e.get("lookalike") for e in negatives}


def test_the_script_reads_the_sites_as_written() -> None:
    sites = evaluate_rules.load_sites(SITES)
    assert len(sites) == len(SITE_ENTRIES)
    multi_line = [site for site, entry in zip(sites, SITE_ENTRIES) if "end_line" in entry]
    assert all(site.end_line > site.line for site in multi_line)
    assert all(site.end_line == site.line for site in sites if site not in multi_line)


# --- judged_findings.toml -----------------------------------------------------


def test_the_judged_trees_are_distinct_references() -> None:
    trees = [(tree["repo"], tree["commit"]) for tree in JUDGED_DATA["tree"]]
    assert len(trees) == len(set(trees))
    for repo, commit in trees:
        assert REPO.fullmatch(repo) and COMMIT.fullmatch(commit), (repo, commit)
    assert len({repo for repo, _ in trees}) >= 6


@pytest.mark.parametrize(
    "entry",
    JUDGED_DATA.get("finding", []),
    ids=lambda e: f"{e.get('repo')}:{e.get('path')}:{e.get('line')}",
)
def test_a_judgement_has_every_field_and_a_reason(entry: dict[str, Any]) -> None:
    required = {"repo", "commit", "path", "line", "code", "message", "verdict", "reason"}
    assert set(entry) == required, f"fields: {sorted(set(entry) ^ required)}"
    assert (entry["repo"], entry["commit"]) in {
        (t["repo"], t["commit"]) for t in JUDGED_DATA["tree"]
    }
    assert COMMIT.fullmatch(entry["commit"])
    assert entry["code"] in FINDING_CODES
    assert isinstance(entry["line"], int) and entry["line"] >= 1
    assert entry["message"].strip()
    assert entry["verdict"] in (*evaluate_rules.VERDICTS, evaluate_rules.PENDING)
    if entry["verdict"] != evaluate_rules.PENDING:
        assert entry["reason"].strip(), "a judgement needs its reason"


def test_no_finding_is_judged_twice() -> None:
    keys = Counter(
        (e["repo"], e["commit"], e["path"], e["line"], e["code"]) for e in JUDGED_DATA["finding"]
    )
    assert [key for key, count in keys.items() if count > 1] == []


def test_the_judged_sample_is_large_enough() -> None:
    judged = [e for e in JUDGED_DATA["finding"] if e["verdict"] != evaluate_rules.PENDING]
    nc101 = [e for e in judged if e["code"] == "NC101"]
    assert len(judged) >= 150
    assert len(nc101) >= 100
    assert len({e["repo"] for e in nc101}) >= 6


# --- the script's matching and sampling ---------------------------------------


def _site(
    line: int, end_line: int | None = None, expected: str = "NC101", lookalike: str | None = None
) -> Any:
    return evaluate_rules.Site(
        "o/r", "a" * 40, "pkg/m.py", line, end_line or line, expected, lookalike, "library", "Why."
    )


def _finding(
    line: int, code: str = "NC101", end_line: int | None = None, path: str = "pkg/m.py"
) -> Any:
    return evaluate_rules.Finding("o/r", "a" * 40, path, line, end_line or line, code, "message")


def test_a_finding_matches_only_its_line_unless_the_statement_spans_lines() -> None:
    assert evaluate_rules.classify(_site(10), [_finding(10)])[0] == "found"
    assert evaluate_rules.classify(_site(10), [_finding(11)])[0] == "missed"
    assert evaluate_rules.classify(_site(10), [_finding(10, code="NC001")])[0] == "missed"
    assert evaluate_rules.classify(_site(10), [_finding(10, path="pkg/other.py")])[0] == "missed"
    assert evaluate_rules.classify(_site(10, end_line=12), [_finding(12)])[0] == "found"
    assert evaluate_rules.classify(_site(12), [_finding(10, end_line=13)])[0] == "found"


def test_a_negative_is_spoiled_only_by_its_lookalike_rule() -> None:
    negative = _site(5, expected="none", lookalike="NC002")
    assert evaluate_rules.classify(negative, [_finding(5, code="NC006")])[0] == "clean"
    assert evaluate_rules.classify(negative, [_finding(5, code="NC002")])[0] == "false"
    anything = _site(5, expected="none")
    assert evaluate_rules.classify(anything, [_finding(5, code="NC006")])[0] == "false"
    assert evaluate_rules.classify(anything, [_finding(5, code="NC901")])[0] == "clean"


def test_evaluate_counts_recall_outside_tests_apart() -> None:
    in_test = evaluate_rules.Site(
        "o/r", "a" * 40, "tests/t.py", 3, 3, "NC101", None, "test", "Why."
    )
    found = [
        _finding(10),
        evaluate_rules.Finding("o/r", "a" * 40, "tests/t.py", 3, 3, "NC101", "m"),
    ]
    result = evaluate_rules.evaluate([_site(10), _site(20), in_test], found, set())
    counts = result["rules"]["NC101"]
    assert (counts["positives"], counts["found"]) == (3, 2)
    assert (counts["positives_outside_tests"], counts["found_outside_tests"]) == (2, 1)


def test_the_sample_is_reproducible_and_respects_the_caps() -> None:
    findings = [_finding(line) for line in range(1, 60)]
    findings += [
        evaluate_rules.Finding("x/y", "b" * 40, "m.py", line, line, "NC001", "m")
        for line in range(1, 9)
    ]
    first = evaluate_rules.draw_sample(findings, seed=1, quotas={"NC101": 20}, per_project=15)
    again = evaluate_rules.draw_sample(
        list(reversed(findings)), seed=1, quotas={"NC101": 20}, per_project=15
    )
    assert first == again
    assert sum(1 for f in first if f.code == "NC101") == 15  # at most 15 from the one project
    assert sum(1 for f in first if f.code == "NC001") == 8  # the default quota takes them all
    other = evaluate_rules.draw_sample(findings, seed=2, quotas={"NC101": 20}, per_project=15)
    assert {f.key for f in other} != {f.key for f in first}


def test_a_new_finding_leaves_the_rest_of_the_sample_alone() -> None:
    findings = [_finding(line) for line in range(1, 40)]
    before = evaluate_rules.draw_sample(findings, seed=7, quotas={"NC101": 10}, per_project=10)
    after = evaluate_rules.draw_sample(
        [*findings, _finding(99)], seed=7, quotas={"NC101": 10}, per_project=10
    )
    assert len({f.key for f in before} - {f.key for f in after}) <= 1


def test_judgements_survive_a_write_and_a_read(tmp_path: Path) -> None:
    judgement = evaluate_rules.Judgement(
        "o/r",
        "c" * 40,
        "p/q.py",
        3,
        "NC004",
        'a "quoted" \\ message, ünïcode',
        "act",
        "Because\ttabs.",
    )
    target = tmp_path / "judged.toml"
    evaluate_rules.write_judged(target, [("o/r", "c" * 40)], {judgement.key: judgement})
    trees, judged = evaluate_rules.load_judged(target)
    assert trees == [("o/r", "c" * 40)]
    assert judged == {judgement.key: judgement}


def _load_signals() -> ModuleType:
    sys.modules.setdefault("evaluate_rules", evaluate_rules)  # its import, as a script sees it
    spec = importlib.util.spec_from_file_location(
        "netcompat_bench_nc101_signals", ROOT / "bench" / "nc101_signals.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nc101_signals_read_the_code_around_a_finding(tmp_path: Path) -> None:
    signals = _load_signals().signals
    source = (
        "import socket\n"
        "def pump(conn, peers):\n"
        "    try:\n"
        "        conn.settimeout(5)\n"
        "    except socket.timeout:\n"
        "        pass\n"
        "    data = conn.recv(4096)\n"  # line 7
        "    peers.remove(conn)\n"
        "def quiet(conn):\n"
        "    try:\n"
        "        return conn.recv(1)\n"  # line 11
        "    finally:\n"
        "        conn.close()\n"
    )
    library = tmp_path / "pkg" / "relay.py"
    example = tmp_path / "examples" / "relay.py"
    for path in (library, example):
        path.parent.mkdir(parents=True)
        path.write_text(source, encoding="utf-8")
    found = signals(tmp_path, "pkg/relay.py", 7, "conn.recv() raises ConnectionResetError ...")
    assert found == {
        "handles-errors": True,
        "skips-cleanup": True,
        "datagram-receive": False,
        "not-example": True,
        "any": True,
    }
    quiet = signals(
        tmp_path, "examples/relay.py", 11, "conn.recvfrom() raises ConnectionResetError ..."
    )
    assert quiet == {
        "handles-errors": False,
        "skips-cleanup": False,  # the close is in a finally: a reset does not skip it
        "datagram-receive": True,
        "not-example": False,
        "any": True,
    }
    (tmp_path / "py2.py").write_text("print 'x'\n", encoding="utf-8")
    assert signals(tmp_path, "py2.py", 1, "") is None
