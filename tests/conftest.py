"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

import lintrules.runner


@pytest.fixture
def lint_jobs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many files each run actually linted (the rest came from the cache)."""
    counts: list[int] = []
    real = lintrules.runner._lint_all

    def counting(jobs, *args, **kwargs):  # type: ignore[no-untyped-def]
        counts.append(len(jobs))
        return real(jobs, *args, **kwargs)

    monkeypatch.setattr(lintrules.runner, "_lint_all", counting)
    return counts
