"""A Fixit 2 rule that visits every ``Name`` and reports nothing.

``bench/lint_benchmark.py --fixit PATH`` runs that Fixit with only this rule, so
the time measured is Fixit's own cost (discovery, libcst parse, its default
position metadata, one batched visit) with no rule logic on top.  It is imported
by that Fixit only, never by netcompat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import libcst as cst

    LintRule = Any
else:  # Fixit is only installed in the benchmark's virtual environment.
    from fixit import LintRule


class TrivialNameVisit(LintRule):  # type: ignore[misc]
    """Visit every ``Name`` node and do nothing."""

    VALID: ClassVar[list[Any]] = []
    INVALID: ClassVar[list[Any]] = []

    def visit_Name(self, node: cst.Name) -> None:
        del node
