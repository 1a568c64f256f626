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
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from collections import Counter
from pathlib import Path

import pytest

from lintrules.engine import lint_source
from lintrules.rules import rules_by_code

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
