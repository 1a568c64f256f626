"""The rule format: one class per file, holding its code, docs, examples and fix.

A rule detects on Python's :mod:`ast`, through the file's semantic model
(:class:`lintrules.analysis.Model`): the engine parses the file once, builds the
model once, and calls each rule's ``visit_<AstClass>(node)`` methods for the
nodes of that class, in source order.  A rule never walks the tree and never
touches files: it calls :meth:`Rule.report`, optionally with a :class:`Fix`.

A fix names the node to replace and what replaces it.  libcst carries it out,
and only when a fix is wanted: ``--fix``, ``--diff``, the codemods, and the
edits of JSON/SARIF output.  A plain check never imports libcst.

Everything a user reads about a rule lives on its class:

* ``CODE`` / ``NAME``: the contract (``NC002`` / ``platform-only-errno``).
* ``MESSAGE``: the default finding text; ``FIX_TITLE``: what the fix does.
* ``FIX_SAFETY``: ``"safe"``, ``"unsafe"`` or ``None`` (never fixes).
* the class docstring: the long documentation, in sections *What it does*,
  *Why is this bad?*, *Example*, *Use instead*, *Fix safety*, *Known problems*.
* ``VALID`` / ``INVALID``: a handful of examples that are also tests; the
  rest of a rule's cases live in ``tests/fixtures/``.
* ``REQUIRES_TEXT``: strings one of which the file must contain for the rule
  to fire; the engine skips files without them, unparsed.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Union

from .findings import Safety as Safety

if TYPE_CHECKING:
    import libcst as cst

    from .analysis.model import Model, Span
    from .analysis.project import FileImports

FixStyle = Literal["stdlib", "netcompat"]


@dataclass(frozen=True)
class ImportSpec:
    """An import a fix needs: ``import module`` or ``from module import name``."""

    module: str
    name: str | None = None


#: What a fix puts in place of its target: Python source (an expression for
#: an expression, statements for a statement), a function that builds the
#: libcst replacement from the target's libcst node, or :data:`REMOVE`.
Replacement = Union[str, "Callable[[cst.CSTNode], Any]", None]
#: The replacement that deletes the target (a statement, an ``except`` clause,
#: an import alias).
REMOVE = None


@dataclass(frozen=True)
class Fix:
    """How to fix a finding: which node, and what takes its place.

    Args:
        replacement: source text, a function from the target's libcst node
            to its libcst replacement (for fixes that keep the target's own
            comments and spacing), or :data:`REMOVE`.
        safety: ``"safe"`` keeps behaviour on the platform the code was written
            for and makes it right on the others; ``"unsafe"`` may change
            behaviour and runs only when asked.
        title: one line saying what the fix does.
        target: the ``ast`` node to replace; defaults to the reported node.
        imports: imports the replacement relies on; the fixer adds the
            missing ones where isort would put them.
    """

    replacement: Replacement
    safety: Safety
    title: str
    target: ast.AST | None = None
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
    """Settings a rule may read: the fix style, per-rule options and the file's path."""

    fix_style: FixStyle = "stdlib"
    options: Mapping[str, object] = field(default_factory=dict)
    #: The file's path as the front end names it (relative to the configuration's
    #: root when inside it); None for a source without a file name.
    path: str | None = None
    #: How the names the file imports from its own project resolve (the
    #: front end's reader of the project's modules); None: they are unknown.
    imports: FileImports | None = None


@dataclass
class Report:
    """One finding as a rule produced it, before the engine adds noqa and positions."""

    code: str
    name: str
    message: str
    span: Span
    node: ast.AST | None
    fix: Fix | None
    #: Where the fix's target is, when it is not the reported node.
    fix_span: Span | None = None


#: ``ast`` classes of syntax newer than Python 3.9: a rule may visit them
#: everywhere; on an older Python there is simply nothing to visit.
_NEWER_SYNTAX = frozenset(
    {
        "Match",
        "match_case",
        "MatchValue",
        "MatchSingleton",
        "MatchSequence",
        "MatchMapping",
        "MatchClass",
        "MatchStar",
        "MatchAs",
        "MatchOr",  # 3.10
        "TryStar",  # 3.11
        "TypeAlias",
        "TypeVar",
        "ParamSpec",
        "TypeVarTuple",  # 3.12
    }
)


class RuleBase:
    """What every rule declares, whatever it detects on: its contract and docs."""

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

    @classmethod
    def needles_in(cls, text: str) -> bool:
        """Whether one of ``REQUIRES_TEXT`` appears in ``text`` (True if there are none)."""
        return not cls.REQUIRES_TEXT or any(needle in text for needle in cls.REQUIRES_TEXT)

    @classmethod
    def text_gate(cls, text: str) -> bool:
        """Return False when the file's text proves the rule cannot fire."""
        return cls.needles_in(text)

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


class Rule(RuleBase):
    """Base class of every rule.  Subclasses live one per file in ``lintrules.rules``.

    Define ``visit_<AstClass>(self, node)`` methods (``visit_Attribute``,
    ``visit_ExceptHandler``...); ask ``self.model`` about names, scopes and
    parents; call :meth:`report`.
    """

    def __init__(self, model: Model, context: RuleContext | None = None) -> None:
        self.model = model
        self.context = context if context is not None else RuleContext()
        self.reports: list[Report] = []

    @classmethod
    def visitors(cls) -> dict[type[ast.AST], str]:
        """The ``ast`` classes the rule visits, with the method that visits each."""
        found: dict[type[ast.AST], str] = {}
        for attribute in dir(cls):
            if attribute.startswith("visit_"):
                name = attribute[len("visit_") :]
                kind = getattr(ast, name, None)
                if kind is None and name in _NEWER_SYNTAX:
                    continue  # this Python cannot parse such code, so never has the node
                if not (isinstance(kind, type) and issubclass(kind, ast.AST)):
                    raise TypeError(f"{cls.__name__}.{attribute}: ast has no class by that name")
                found[kind] = attribute
        return found

    def run(self) -> None:
        """Visit every node the rule asked for (override to drive the rule differently)."""
        for kind, attribute in self.visitors().items():
            nodes = self.model.nodes(kind)
            if nodes:
                visit = getattr(self, attribute)
                for node in nodes:
                    visit(node)

    def option(self, name: str) -> object:
        """The value of rule option ``name`` (the default from ``OPTIONS`` if unset)."""
        return self.context.options.get(name, self.OPTIONS[name])

    def report(self, node: ast.AST, message: str | None = None, *, fix: Fix | None = None) -> None:
        """Record a finding at ``node``, with an optional fix."""
        self.reports.append(
            Report(
                code=self.CODE,
                name=self.NAME,
                message=message if message is not None else self.MESSAGE,
                span=self.model.span(node),
                node=node,
                fix=fix,
                fix_span=None if fix is None or fix.target is None else self.model.span(fix.target),
            )
        )
