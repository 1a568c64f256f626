"""The linter finds and fixes exactly what it did before the engine rewrite.

``tests/baseline/*.json`` are what netcompat-lint reported and fixed at commit
b7d1787 (recorded by ``bench/differential.py record`` from a frozen install of
that commit) on three trees: every rule's VALID/INVALID example, linted with
the example's own options (``rule_examples.json``; the baseline keeps each
example's code, so examples that move off the rule classes are still checked),
``tests/corpus`` and ``examples/``.  Every file is linted with all rules,
opt-in ones included, as a report and with safe, unsafe, and unsafe
``fix_style="netcompat"`` fixes.  Each difference fails the test unless
``tests/baseline/intended.toml`` lists it with a reason.

The large trees (the standard library, site-packages, real projects) are
compared by ``python bench/differential.py compare``, see ``bench/README.md``.
This test skips the fix runs that the file's report shows would fix nothing,
where the baseline's run fixed nothing either (``compare --fast``).
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ROOT / "tests" / "baseline"
INTENDED = BASELINES / "intended.toml"
MAX_SHOWN = 40


def _load_differential() -> ModuleType:
    name = "netcompat_bench_differential"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "differential.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


differential = _load_differential()
# Two workers where they can be forked; in process elsewhere (spawn would have
# to import this file's module by name).
JOBS = 2 if "fork" in multiprocessing.get_all_start_methods() else 1


@pytest.mark.parametrize("baseline", sorted(BASELINES.glob("*.json")), ids=lambda path: path.stem)
def test_results_match_the_baseline(baseline: Path) -> None:
    document = differential.read_json(baseline)
    allowed = differential.load_allowed(INTENDED)
    differences = []
    notes = []
    for tree_json, result in differential.relint(
        document, None, JOBS, 300.0, progress=False, fast=True
    ):
        found, tree_notes = differential.compare_tree(
            tree_json, result.tree.name, result.entries, result.tree
        )
        differences += found
        notes += tree_notes
    differential.apply_allowed(differences, allowed)
    for note in notes:
        print(note)
    failing = [d for d in differences if d.reason is None]
    intended = [d for d in differences if d.reason is not None]
    if intended:
        warnings.warn(f"{len(intended)} intended differences from {baseline.name}", stacklevel=1)
    assert not failing, (
        f"{len(failing)} differences from {baseline.relative_to(ROOT)} "
        f"(list the intended ones in {INTENDED.relative_to(ROOT)}, with a reason):\n"
        + differential.render(failing, MAX_SHOWN)
    )


def test_intended_differences_have_reasons() -> None:
    # load_allowed rejects entries without a reason or with unknown keys.
    for entry in differential.load_allowed(INTENDED):
        assert entry["reason"].strip()
