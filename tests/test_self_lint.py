"""netcompat-lint lints its own source clean (the runtime, the linter, the benchmarks)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lintrules.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_project_source_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "--no-cache", "netcompat", "lintrules", "bench"], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert "All checks passed" in out.getvalue()


def test_bundled_examples_show_every_legacy_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    code = main(["check", "--no-cache", "examples"], stdout=out, stderr=io.StringIO())
    assert code == 1
    codes = {
        line.split()[1] for line in out.getvalue().splitlines() if line.startswith("examples/")
    }
    assert codes == {
        "NC001",
        "NC002",
        "NC003",
        "NC004",
        "NC005",
        "NC006",
        "NC007",
        "NC101",
        "NC102",
    }
