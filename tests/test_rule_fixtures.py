"""Each rule's fixture files: the cases beyond the handful of examples on the rule class.

``tests/fixtures/rules/<CODE>/<case>.py`` is a whole module.  Its expectations
are written in it:

* ``# error: NC001`` at the end of a line: the rule reports a finding starting
  on that line (``# error: NC001 x2``: two findings there).  No marker, no
  finding: a fixture without markers is a case the rule must leave alone.
* an ``# options: {...}`` line (JSON): rule options and ``fix_style`` for the
  run; a ``# fix: unsafe`` line: the snapshot is taken with unsafe fixes.
  Both stand at the end of the file, so that they move no line.
* ``<case>.fixed.py`` beside it: the whole module after fixing.  When there is
  none, the rule must offer no fix at that level.

A fixed module is linted again: nothing more to fix.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from lintrules.engine import lint_source
from lintrules.rules import rules_by_code

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
_MARKER = re.compile(r"#\s*error:\s*(NC\d{3})(?:\s+x(\d+))?\s*$")
_OPTIONS = re.compile(r"^#\s*options:\s*(\{.*\})\s*$")
_FIX_LEVEL = re.compile(r"^#\s*fix:\s*(safe|unsafe)\s*$")


def _cases() -> list[object]:
    return [
        pytest.param(path, id=f"{path.parent.name}/{path.stem}")
        for path in sorted(FIXTURES.glob("NC*/*.py"))
        if not path.name.endswith(".fixed.py")
    ]


def _header(text: str) -> tuple[dict[str, object], str]:
    options: dict[str, object] = {}
    level = "safe"
    for line in text.splitlines():
        match = _OPTIONS.match(line)
        if match:
            options = json.loads(match.group(1))
        match = _FIX_LEVEL.match(line)
        if match:
            level = match.group(1)
    return options, level


def _expected(text: str, code: str) -> Counter[int]:
    expected: Counter[int] = Counter()
    for number, line in enumerate(text.splitlines(), 1):
        match = _MARKER.search(line)
        if match:
            assert match.group(1) == code, f"line {number} expects {match.group(1)}"
            expected[number] += int(match.group(2) or 1)
    return expected


@pytest.mark.parametrize("path", _cases())
def test_fixture(path: Path) -> None:
    code = path.parent.name
    rule = rules_by_code()[code]
    data = path.read_bytes()
    text = data.decode("utf-8")
    options, level = _header(text)
    fix_style = options.pop("fix_style", "stdlib")

    def lint(source: bytes, fix: str | None):  # type: ignore[no-untyped-def]
        return lint_source(
            source,
            [rule],
            fix_level=fix,  # type: ignore[arg-type]
            fix_style=fix_style,  # type: ignore[arg-type]
            options=options,
        )

    checked = lint(data, None)
    try:
        ast.parse(data)
    except SyntaxError:
        # Newer syntax than this Python reads: one NC901 naming the version,
        # nothing else (and nothing at all when the rule's words are absent:
        # the file is then skipped unparsed).
        expected = ["NC901"] if rule.needles_in(text) else []
        assert [f.code for f in checked.findings] == expected, checked.findings
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        assert all(f"cannot parse with Python {version}" in f.message for f in checked.findings)
        return
    assert not [f for f in checked.findings if f.code.startswith("NC9")], checked.findings
    found = Counter(f.line for f in checked.findings if f.code == code)
    assert found == _expected(text, code), [
        (f.line, f.column, f.message) for f in checked.findings
    ]

    fixed = lint(data, level)
    snapshot = path.with_name(path.stem + ".fixed.py")
    if not snapshot.exists():
        assert fixed.fixed_source is None, "the rule must offer no fix at this level"
        return
    assert fixed.fixed_source is not None, "expected a fix"
    assert fixed.fixed_source.decode("utf-8") == snapshot.read_text(encoding="utf-8")
    assert lint(fixed.fixed_source, level).fixed_source is None, "a second run changes more"


def test_fixtures_exist_for_known_rules_only() -> None:
    known = set(rules_by_code())
    folders = {path.name for path in FIXTURES.iterdir() if path.is_dir()}
    assert folders <= known
    for snapshot in FIXTURES.glob("NC*/*.fixed.py"):
        assert snapshot.with_name(snapshot.name.replace(".fixed.py", ".py")).exists(), snapshot
