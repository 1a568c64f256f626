"""The former rule format, for the rules not yet moved to :mod:`lintrules.rule`.

A rule here is a libcst :class:`~libcst.BatchableCSTVisitor`.  The engine runs every
enabled rule in one batched visit of one tree, so rules never walk the tree
themselves and never touch files: they call :meth:`Rule.report`, optionally with
a :class:`Fix`, and the engine decides what to apply and whether the result may
be written.

Everything a user reads about a rule lives on its class:

* ``CODE`` / ``NAME``: the contract (``NC001`` / ``hardcoded-errno``).
* ``MESSAGE``: the default finding text; ``FIX_TITLE``: what the fix does.
* ``FIX_SAFETY``: ``"safe"``, ``"unsafe"`` or ``None`` (never fixes).
* the class docstring: the long documentation, in sections *What it does*,
  *Why is this bad?*, *Example*, *Use instead*, *Fix safety*, *Known problems*.
* ``VALID`` / ``INVALID``: examples that are also the rule's tests.
* ``REQUIRES_TEXT`` and :meth:`Rule.gate`: the cheap checks that let the engine
  skip files (and skip libcst entirely) when the rule cannot fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Union

import libcst as cst
from libcst.metadata import (
    CodeRange,
    ParentNodeProvider,
    PositionProvider,
    ProviderT,
    QualifiedNameProvider,
    ScopeProvider,
)

from .findings import Safety as Safety
from .rule import FixStyle as FixStyle
from .rule import ImportSpec as ImportSpec
from .rule import Invalid as Invalid
from .rule import RuleBase
from .rule import RuleContext as RuleContext
from .rule import Valid as Valid

if TYPE_CHECKING:

    from .gate import AstIndex
    from .reduce import NodeTest

Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]


@dataclass(frozen=True)
class Fix:
    """A node replacement proposed by a libcst rule (see :class:`lintrules.rule.Fix`)."""

    replacement: Replacement
    safety: Safety
    title: str
    target: cst.CSTNode | None = None
    imports: tuple[ImportSpec, ...] = ()


@dataclass
class Report:
    """One finding as a rule produced it, before the engine adds the path."""

    code: str
    name: str
    message: str
    range: CodeRange
    node: cst.CSTNode
    fix: Fix | None


class Rule(RuleBase, cst.BatchableCSTVisitor):
    """Base class of every rule.  Subclasses live one per file in ``lintrules.rules``."""

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        PositionProvider,
        ParentNodeProvider,
        ScopeProvider,
        QualifiedNameProvider,
    )

    def __init__(self, context: RuleContext | None = None) -> None:
        super().__init__()
        self.context = context if context is not None else RuleContext()
        self.reports: list[Report] = []

    # -- the cheap gates -------------------------------------------------
    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        """Return False when the file's ``ast`` summary proves the rule cannot fire.

        The default keeps every file.  A test checks that every ``INVALID``
        example passes its rule's gate, so a gate can never lose a finding that
        the examples describe.
        """
        del index
        return True

    @classmethod
    def needs(cls, index: AstIndex) -> NodeTest | None:
        """Which ``ast`` nodes the rule reads, so other function bodies can go.

        For a check run the engine replaces the body of every function that
        holds no node passing the returned test by ``...`` before libcst
        parses the file (see :mod:`lintrules.reduce`).  Return None (the
        default) when a finding may depend on code in other functions.  A
        test checks that every example and corpus file gives the same
        findings with and without the reduction.
        """
        del index
        return None

    # -- helpers for subclasses -------------------------------------------
    def option(self, name: str) -> object:
        """The value of rule option ``name`` (the default from ``OPTIONS`` if unset)."""
        return self.context.options.get(name, self.OPTIONS[name])

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        fix: Fix | None = None,
    ) -> None:
        """Record a finding at ``node``, with an optional fix."""
        code_range = self.get_metadata(PositionProvider, node)
        self.reports.append(
            Report(
                code=self.CODE,
                name=self.NAME,
                message=message if message is not None else self.MESSAGE,
                range=code_range,
                node=node,
                fix=fix,
            )
        )
