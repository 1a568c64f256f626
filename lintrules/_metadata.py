"""libcst metadata for the rules, computed lazily and more cheaply than libcst does.

:func:`resolve_metadata` answers exactly what
``MetadataWrapper(module, unsafe_skip_copy=True).resolve(Provider)`` answers
(same value for every node, same nodes without a value), but each mapping is
only computed when a rule first reads it, and the four providers the rules use
are computed faster:

- ``ParentNodeProvider``: one iterative walk over the nodes' fields instead of
  a visitor that builds every node's ``children`` list;
- ``PositionProvider``: libcst's own code generation, with a lighter codegen
  state that keeps plain tuples (a ``CodeRange`` is built for a node when it is
  read);
- ``ScopeProvider``: libcst's own scope visitor (with a cheaper node-type
  test), run directly rather than inside a batched visit of the whole tree
  that calls nothing else (the same for the ``ExpressionContextProvider`` it
  depends on);
- ``QualifiedNameProvider``: ``scope.get_qualified_names_for(node)`` for the
  nodes asked about only, as libcst's provider does behind its ``LazyValue``.

Any other provider is resolved by libcst through a shared ``MetadataWrapper``.
The scope and qualified-name shortcuts lean on how libcst's visitors work
inside, so they are used only with the libcst releases they were checked
against; with any other, libcst's own providers run.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import re
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from typing import Any, Callable, ClassVar, Generic, TypeVar

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import (
    BaseMetadataProvider,
    CodePosition,
    CodeRange,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ProviderT,
    QualifiedName,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)
from libcst.metadata import scope_provider as _scope_provider
from libcst.metadata.scope_provider import ScopeVisitor

__all__ = ["DEFAULT_PROVIDERS", "metadata_wrapper", "resolve_metadata"]

#: The providers the rules read.
DEFAULT_PROVIDERS: tuple[ProviderT, ...] = (
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
    QualifiedNameProvider,
)

_V = TypeVar("_V")
_Provider = type[BaseMetadataProvider[Any]]
_Span = tuple[int, int, int, int]

#: What libcst's position state splits a token on to count lines.
_NEWLINE = re.compile(r"\r\n?|\n")


class _Lazy(Mapping[cst.CSTNode, _V], Generic[_V]):
    """A read-only node mapping whose dict is computed on first use."""

    def __init__(self, compute: Callable[[], Mapping[cst.CSTNode, _V]]) -> None:
        self._compute: Callable[[], Mapping[cst.CSTNode, _V]] | None = compute
        self._data: Mapping[cst.CSTNode, _V] | None = None

    @property
    def data(self) -> Mapping[cst.CSTNode, _V]:
        data = self._data
        if data is None:
            compute = self._compute
            assert compute is not None
            data = self._data = compute()
            self._compute = None
        return data

    def __getitem__(self, node: cst.CSTNode) -> _V:
        return self.data[node]

    def __contains__(self, node: object) -> bool:
        return node in self.data

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


# -- ParentNodeProvider -------------------------------------------------------

#: For each node class, the dataclass fields that may hold child nodes.
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_NOT_NODES = frozenset({str, bool, int, float, type(None)})


def _child_fields(cls: type) -> tuple[str, ...]:
    names = tuple(f.name for f in dataclasses.fields(cls))
    _CHILD_FIELDS[cls] = names
    return names


def _parents(module: cst.Module) -> dict[cst.CSTNode, cst.CSTNode]:
    """Map every node under ``module`` to its parent, as ``ParentNodeProvider`` does.

    libcst's provider sets, for every node, each of its ``children`` to it:
    the children are the node's fields that hold a node, flattened from
    sequences; a ``MaybeSentinel`` or ``None`` field is none.  A node that
    appears twice in the tree (never in a parsed one) gets the parent libcst
    would leave last, so then libcst itself computes the map.
    """
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    child_fields = _CHILD_FIELDS
    node_base = cst.CSTNode
    not_nodes = _NOT_NODES
    stack: list[cst.CSTNode] = [module]
    push = stack.append
    pop = stack.pop
    links = 0
    while stack:
        node = pop()
        cls = type(node)
        names = child_fields.get(cls)
        if names is None:
            names = _child_fields(cls)
        for name in names:
            value = getattr(node, name)
            kind = type(value)
            if kind in not_nodes:
                continue
            if kind is tuple or kind is list:
                for item in value:
                    if isinstance(item, node_base):
                        parents[item] = node
                        push(item)
                        links += 1
            elif isinstance(value, node_base):
                parents[value] = node
                push(value)
                links += 1
    if links != len(parents):
        return dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider))
    return parents


# -- PositionProvider ---------------------------------------------------------


class _Record:
    """``record_syntactic_position`` as a plain context manager (no generator)."""

    __slots__ = ("column", "end_node", "line", "node", "start_node", "state")

    def __init__(
        self,
        state: _PositionState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node
        self.end_node = end_node
        self.line = state.line
        self.column = state.column

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        state = self.state
        spans = state.spans
        if self.start_node is not None:
            start = spans[self.start_node]
            line, column = start[0], start[1]
        else:
            line, column = self.line, self.column
        if self.end_node is not None:
            end = spans[self.end_node]
            spans[self.node] = (line, column, end[2], end[3])
        else:
            spans[self.node] = (line, column, state.line, state.column)


class _PositionState(CodegenState):
    """libcst's ``PositionProvidingCodegenState``, keeping spans as tuples.

    The nodes' ``_codegen_impl`` drive it exactly as they drive libcst's state:
    a node's span is its syntactic range when the node records one, else
    everything it generated (whitespace included).
    """

    __slots__ = ("_starts", "column", "line", "spans")

    def __init__(self, default_indent: str, default_newline: str) -> None:
        super().__init__(default_indent=default_indent, default_newline=default_newline)
        self.line = 1
        self.column = 0
        self._starts: list[tuple[int, int]] = []
        self.spans: dict[cst.CSTNode, _Span] = {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            segments = _NEWLINE.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        line, column = self._starts.pop()
        spans = self.spans
        if node not in spans:
            spans[node] = (line, column, self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _Record:
        return _Record(self, node, start_node, end_node)


class _Positions(Mapping[cst.CSTNode, CodeRange]):
    """Node spans computed on first use; a ``CodeRange`` made when a node is read."""

    def __init__(self, module: cst.Module) -> None:
        self._module: cst.Module | None = module
        self._spans: dict[cst.CSTNode, _Span] | None = None
        self._ranges: dict[cst.CSTNode, CodeRange] = {}

    @property
    def spans(self) -> dict[cst.CSTNode, _Span]:
        spans = self._spans
        if spans is None:
            module = self._module
            assert module is not None
            state = _PositionState(module.default_indent, module.default_newline)
            module._codegen(state)
            spans = self._spans = state.spans
            self._module = None
        return spans

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._ranges.get(node)
        if found is None:
            line, column, end_line, end_column = self.spans[node]
            found = self._ranges[node] = CodeRange(
                CodePosition(line, column), CodePosition(end_line, end_column)
            )
        return found

    def __contains__(self, node: object) -> bool:
        return node in self.spans

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)


# -- ScopeProvider ------------------------------------------------------------


#: Per provider class, whether it does all its work in ``visit_Module``.
_MODULE_ONLY: dict[type, bool] = {}


def _visits_module_only(provider: BaseMetadataProvider[Any]) -> bool:
    """Whether a batchable provider does all its work in ``visit_Module``.

    Then calling that method is what libcst's batched visit of the whole tree
    does for it, minus the visit of every other node.
    """
    cls = type(provider)
    known = _MODULE_ONLY.get(cls)
    if known is None:
        known = _MODULE_ONLY[cls] = isinstance(provider, cst.BatchableCSTVisitor) and set(
            provider.get_visitors()
        ) == {"visit_Module"}
    return known


def _direct(
    provider: BaseMetadataProvider[Any],
    module: cst.Module,
    metadata: Mapping[_Provider, Mapping[cst.CSTNode, object]],
    run: Callable[[cst.Module], object] | None = None,
) -> Mapping[cst.CSTNode, object] | None:
    """The provider's metadata computed without a batched visit, or None if that cannot be.

    ``run`` replaces the provider's ``visit_Module`` (given the same effect).
    """
    if provider.gen_cache is not None or not _visits_module_only(provider):
        return None
    computed = getattr(provider, "_computed", None)
    if not isinstance(computed, dict):
        return None
    if run is None:
        run = provider.visit_Module  # type: ignore[attr-defined]
    provider.metadata = metadata
    try:
        run(module)
    finally:
        provider.metadata = {}
    return computed


#: libcst releases whose scope visitor and qualified-name visitor the
#: shortcuts below were checked against (tests/test_metadata.py compares
#: every node's metadata with libcst's own providers).  With any other
#: release, libcst's providers run as they are.
_CHECKED_LIBCST = frozenset({(1, 9)})


@cache
def _libcst_checked() -> bool:
    """Whether the installed libcst is a release the shortcuts were checked against."""
    try:
        version = importlib.metadata.version("libcst")
    except importlib.metadata.PackageNotFoundError:
        return False
    match = re.match(r"(\d+)\.(\d+)", version)
    return match is not None and (int(match[1]), int(match[2])) in _CHECKED_LIBCST


class _ScopeVisitor(ScopeVisitor):
    """libcst's scope visitor, with a cheaper test of each node it leaves.

    libcst's ``on_leave`` asks ``isinstance`` of a tuple of 18 node classes on
    every node (a slow check, node classes being ABCs: a third of the visit);
    here the answer is remembered per node class.
    """

    _assignment_like: ClassVar[dict[type, bool]] = {}

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.provider.set_metadata(original_node, self.scope)
        cls = type(original_node)
        assignment_like = self._assignment_like.get(cls)
        if assignment_like is None:
            assignment_like = self._assignment_like[cls] = isinstance(
                original_node, _scope_provider._ASSIGNMENT_LIKE_NODES
            )
        if assignment_like:
            self.scope._assignment_count += 1
        super(ScopeVisitor, self).on_leave(original_node)


def _scopes(
    module: cst.Module, wrapper: Callable[[], MetadataWrapper]
) -> Mapping[cst.CSTNode, Scope | None]:
    contexts = _direct(ExpressionContextProvider(), module, {})
    if contexts is not None:
        provider = ScopeProvider()
        run: Callable[[cst.Module], object] | None = None
        if _libcst_checked():

            def run(module: cst.Module) -> None:
                visitor = _ScopeVisitor(provider)
                module.visit(visitor)
                visitor.infer_accesses()

        scopes = _direct(provider, module, {ExpressionContextProvider: contexts}, run)
        if scopes is not None:
            return scopes  # type: ignore[return-value]
    return wrapper().resolve(ScopeProvider)


# -- QualifiedNameProvider ----------------------------------------------------


class _QualifiedNames(Mapping[cst.CSTNode, Collection[QualifiedName]]):
    """What ``QualifiedNameProvider`` gives, each node's names computed when asked.

    libcst's provider gives every node of the tree a value: an empty set when
    the node has no scope, else (lazily) ``scope.get_qualified_names_for(node)``.
    """

    def __init__(
        self,
        module: cst.Module,
        parents: Mapping[cst.CSTNode, cst.CSTNode],
        scopes: Mapping[cst.CSTNode, Scope | None],
    ) -> None:
        self._module = module
        self._parents = parents
        self._scopes = scopes
        self._names: dict[cst.CSTNode, Collection[QualifiedName]] = {}

    def __getitem__(self, node: cst.CSTNode) -> Collection[QualifiedName]:
        names = self._names.get(node)
        if names is None:
            if node is not self._module and node not in self._parents:
                raise KeyError(node)
            scope = self._scopes.get(node, None)
            names = self._names[node] = scope.get_qualified_names_for(node) if scope else set()
        return names

    def __contains__(self, node: object) -> bool:
        return node is self._module or node in self._parents

    def __iter__(self) -> Iterator[cst.CSTNode]:
        yield self._module
        yield from self._parents

    def __len__(self) -> int:
        return len(self._parents) + 1


# -- the entry point ----------------------------------------------------------


def resolve_metadata(
    module: cst.Module, providers: Collection[_Provider]
) -> dict[ProviderT, Mapping[cst.CSTNode, object]]:
    """The metadata of ``module`` for ``providers``, each mapping computed on first use.

    Every mapping answers ``[node]`` and ``.get(node, default)`` exactly as
    ``MetadataWrapper(module, unsafe_skip_copy=True).resolve(provider)`` does
    (``QualifiedNameProvider`` values are the sets libcst's ``LazyValue``
    would give), so the result can be set as a visitor's ``metadata``.
    ``module`` is not copied: its nodes are the keys.
    """
    shared: list[MetadataWrapper] = []

    def wrapper() -> MetadataWrapper:
        if not shared:
            shared.append(MetadataWrapper(module, unsafe_skip_copy=True))
        return shared[0]

    def by_libcst(provider: _Provider) -> _Lazy[object]:
        return _Lazy(lambda: wrapper().resolve(provider))

    parents: _Lazy[cst.CSTNode] = _Lazy(lambda: _parents(module))
    scopes: _Lazy[Scope | None] = _Lazy(lambda: _scopes(module, wrapper))
    result: dict[ProviderT, Mapping[cst.CSTNode, object]] = {}
    for provider in providers:
        if provider is ParentNodeProvider:
            result[provider] = parents
        elif provider is PositionProvider:
            result[provider] = _Positions(module)
        elif provider is ScopeProvider:
            result[provider] = scopes
        elif (
            provider is QualifiedNameProvider
            and _libcst_checked()
            and _visits_module_only(QualifiedNameProvider())
        ):
            result[provider] = _QualifiedNames(module, parents, scopes)
        else:
            result[provider] = by_libcst(provider)
    return result


def metadata_wrapper(
    module: cst.Module, providers: Collection[_Provider] = DEFAULT_PROVIDERS
) -> MetadataWrapper:
    """``MetadataWrapper(module, unsafe_skip_copy=True)``, holding :func:`resolve_metadata`'s mappings.

    Its ``resolve``, ``resolve_many`` and ``visit_batched`` give those mappings
    for ``providers`` (and libcst's for any other provider), so code written
    for a wrapper gets the lazy, cheaper metadata unchanged.  A version of
    libcst whose wrapper keeps its results elsewhere gets a plain wrapper.
    """
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    resolved = getattr(wrapper, "_metadata", None)
    if isinstance(resolved, dict) and not resolved:
        resolved.update(resolve_metadata(module, providers))
    return wrapper
