"""The rule format: one class per file, holding its code, docs, examples and fixes.

A rule is a libcst :class:`~libcst.BatchableCSTVisitor`.  The engine runs every
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

import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal, Union

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

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .gate import AstIndex
    from .reduce import NodeTest

FixStyle = Literal["stdlib", "netcompat"]
Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]


@dataclass(frozen=True)
class ImportSpec:
    """An import a fix needs: ``import module`` or ``from module import name``."""

    module: str
    name: str | None = None


@dataclass(frozen=True)
class Fix:
    """A node replacement proposed by a rule.

    Args:
        replacement: the node that takes the place of ``target``.
        safety: ``"safe"`` keeps behaviour on the platform the code was written
            for and makes it right elsewhere; ``"unsafe"`` may change behaviour.
        title: one line saying what the fix does, shown in JSON/SARIF output.
        target: the node to replace; defaults to the reported node.
        imports: imports the replacement relies on; the engine adds the
            missing ones after applying the fix.
    """

    replacement: Replacement
    safety: Safety
    title: str
    target: cst.CSTNode | None = None
    imports: tuple[ImportSpec, ...] = ()


@dataclass(frozen=True)
class Valid:
    """Code on which the rule must report nothing."""

    code: str
    id: str | None = None
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """Code on which the rule must report, with the expected fix if any.

    Args:
        code: the source; the finding must start on the line marked
            ``# error`` if there is one, else anywhere.
        expected: the whole fixed source after applying the fixes allowed by
            ``unsafe`` (``None``: the rule must offer no fix of that level).
        unsafe: apply unsafe fixes too when computing ``expected``.
        message: a substring the finding's message must contain.
        count: how many findings the rule must report.
        options: settings for the run (``fix_style``, rule options).
    """

    code: str
    expected: str | None = None
    unsafe: bool = False
    message: str | None = None
    count: int = 1
    id: str | None = None
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    """Settings a rule may read: the fix style and per-rule options."""

    fix_style: FixStyle = "stdlib"
    options: Mapping[str, object] = field(default_factory=dict)


@dataclass
class Report:
    """One finding as a rule produced it, before the engine adds the path."""

    code: str
    name: str
    message: str
    range: CodeRange
    node: cst.CSTNode
    fix: Fix | None


class Rule(cst.BatchableCSTVisitor):
    """Base class of every rule.  Subclasses live one per file in ``lintrules.rules``."""

    CODE: ClassVar[str]
    NAME: ClassVar[str]
    MESSAGE: ClassVar[str]
    FIX_TITLE: ClassVar[str | None] = None
    FIX_SAFETY: ClassVar[Safety | None] = None
    #: Whether the rule runs without being selected explicitly.
    DEFAULT_ENABLED: ClassVar[bool] = True
    #: The rule can only fire in a file containing at least one of these strings.
    REQUIRES_TEXT: ClassVar[tuple[str, ...]] = ()
    #: Options the rule reads from ``RuleContext.options``, with their defaults.
    OPTIONS: ClassVar[Mapping[str, object]] = {}
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []

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
    def needles_in(cls, text: str) -> bool:
        """Whether one of ``REQUIRES_TEXT`` appears in ``text`` (True if there are none)."""
        return not cls.REQUIRES_TEXT or any(needle in text for needle in cls.REQUIRES_TEXT)

    @classmethod
    def text_gate(cls, text: str) -> bool:
        """Return False when the file's text proves the rule cannot fire.

        The first and cheapest gate, run on every file: the default keeps a
        file in which one of ``REQUIRES_TEXT`` appears.  A rule whose needles
        are common words overrides it with a tighter test (a regular
        expression on the text) that must still keep every file its
        :meth:`gate` would keep; the tests check that on every ``INVALID``
        example and on the standard library.
        """
        return cls.needles_in(text)

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

    # -- documentation ---------------------------------------------------
    @classmethod
    def documentation(cls) -> str:
        """The rule's long documentation (its class docstring, dedented)."""
        doc = cls.__doc__ or ""
        first, _, rest = doc.partition("\n")
        return (first.strip() + "\n" + textwrap.dedent(rest)).strip() + "\n"

    @classmethod
    def summary(cls) -> str:
        """The first line of the documentation."""
        return cls.documentation().splitlines()[0]
