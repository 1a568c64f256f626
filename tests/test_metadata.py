"""``resolve_metadata`` against libcst's own providers, node by node.

For every node of every tree (the rule corpus, the examples, every rule's
VALID/INVALID example, a few large stdlib modules and a zoo of syntax), the
answer of our mapping must be the answer of
``MetadataWrapper(module, unsafe_skip_copy=True).resolve(provider)``: the same
parent node, an equal ``CodeRange``, the same qualified names, and a scope that
corresponds one-to-one to libcst's (same kind, same defining node, same parent
scope, same assignments and accesses).  Nodes libcst has no value for must have
none either, and nodes from outside the tree get the ``.get`` default.  The
same through ``metadata_wrapper``, the engine's way in, and through a visitor's
``get_metadata``.
"""

from __future__ import annotations

import gc
import sysconfig
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import libcst as cst
import pytest
from libcst._metadata_dependent import LazyValue
from libcst.metadata import (
    CodeRange,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from lintrules import _metadata
from lintrules._cst_rule import Invalid, Valid
from lintrules._metadata import metadata_wrapper, resolve_metadata
from lintrules.rules import all_rules

_Node = TypeVar("_Node", bound=cst.CSTNode)
ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = (ParentNodeProvider, PositionProvider, ScopeProvider, QualifiedNameProvider)
STDLIB = Path(sysconfig.get_paths()["stdlib"])
STDLIB_MODULES = (
    "socket.py",
    "ftplib.py",
    "ntpath.py",
    "asyncio/selector_events.py",
    "http/client.py",
    "socketserver.py",
    "smtplib.py",
    "ssl.py",
    "subprocess.py",
    "imaplib.py",
)

#: Syntax the other sources may lack: every scope kind, every binding form,
#: newer grammar, odd whitespace, comments in the header and the footer.
ZOO = '''\
#!/usr/bin/env python
# header comment

"""Module docstring."""
from __future__ import annotations
import os.path as osp, sys
from . import sibling
from .pkg.mod import (a as b,
    c)
from socket import *
x: int = 1; y = z = [*range(3)]
del y
(w := 5)
global_count = 0

@decorator(arg)
class Outer(Base, metaclass=Meta):
    attr = [i for i in range(10) if i]
    def method(self, /, a, *args, b=1, **kwargs) -> "Outer":
        nonlocal_target = 1
        def inner():
            nonlocal nonlocal_target
            global global_count
            nonlocal_target += 1
            return lambda q, *r: (q, r, nonlocal_target)
        return inner

async def coroutine(items):
    async with ctx() as (first, second):
        async for item in items:
            await item
    return {k: v async for k, v in items}, {s for s in items}, (g for g in items)

def typed[T: int, *Ts, **P](arg: T) -> T:
    return arg

type Alias[K] = dict[K, int]

class Generic[T]:
    pass

match command.split():
    case [action, *rest] if rest:
        pass
    case {"key": value, **others}:
        pass
    case Point(x=0, y=yy) | [yy, _]:
        pass
    case _:
        pass

try:
    pass
except* (ValueError, TypeError) as group:
    pass

try:
    import ssl
except ImportError as error:
    ssl = None
else:
    print(f"{error!r:>{width}} {x=}" f'{ {"a": 1}["a"] }')
finally:
    pass

for index, (left, right) in enumerate(pairs):
    if index:
        continue
    elif left:
        break
    else:
        pass
else:
    pass

while False:
    pass
with open(osp.join("a", "b")) as handle, other():
    value = handle.read() \\
        if handle else b"bytes" rb"raw"
print(value[1:2, ::3], sys.argv[0], os.sep, *args, **kwargs)
assert value, "message"
raise SystemExit(1) from None
# footer comment
'''

#: The same module with other newlines, no trailing newline, tabs, an empty file.
VARIANTS = {
    "crlf": ZOO.replace("\n", "\r\n"),
    "cr": "x = 1\rif x:\r    y = 2\r",
    "no-trailing-newline": "import errno\ndef f():\n    return errno.EAGAIN",
    "tabs": "if True:\n\tif False:\n\t\tpass\n\telse:\n\t\tx = 1\n",
    "empty": "",
    "only-comment": "# nothing\n",
    "semicolons": "import socket; s = socket.socket(); s.close()\n",
}


def _sources() -> Iterator[Any]:
    yield pytest.param(ZOO, id="zoo")
    for name, code in VARIANTS.items():
        yield pytest.param(code, id=f"zoo-{name}")
    for path in sorted((ROOT / "tests" / "corpus").rglob("*.py")):
        yield pytest.param(path, id=f"corpus/{path.name}")
    for path in sorted((ROOT / "examples").glob("*.py")):
        yield pytest.param(path, id=f"examples/{path.name}")
    for name in STDLIB_MODULES:
        yield pytest.param(STDLIB / name, id=f"stdlib/{name}")


def _rule_examples() -> Iterator[Any]:
    for rule in all_rules():
        examples: list[Valid | Invalid] = [*rule.VALID, *rule.INVALID]
        codes = [example.code for example in examples]
        yield pytest.param(codes, id=rule.CODE)


def _walk(module: cst.Module) -> list[cst.CSTNode]:
    """Every node of the tree, found through libcst's own ``children``."""
    nodes: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.children)
    return nodes


class _ScopePairs:
    """Pairs libcst's scopes with ours; each pairing must be one-to-one and alike.

    The scope visitor parses string annotations into small trees of its own,
    so a node outside ``tree`` is compared by its kind and code.
    """

    def __init__(self, tree: set[int]) -> None:
        self.tree = tree
        self.theirs_to_ours: dict[int, Scope] = {}
        self.ours_to_theirs: dict[int, Scope] = {}

    def key(self, node: cst.CSTNode | None) -> object:
        if node is None or id(node) in self.tree:
            return id(node)
        return type(node).__name__, cst.Module([]).code_for_node(node)

    def assignments(self, scope: Scope) -> set[tuple[str, str, object]]:
        return {
            (a.name, type(a).__name__, self.key(getattr(a, "node", None)))
            for a in scope.assignments
        }

    def accesses(self, scope: Scope) -> set[tuple[object, frozenset[tuple[str, object]]]]:
        return {
            (
                self.key(access.node),
                frozenset((r.name, self.key(getattr(r, "node", None))) for r in access.referents),
            )
            for access in scope.accesses
        }

    def check(self, theirs: Scope | None, ours: Scope | None) -> None:
        if theirs is None or ours is None:
            assert theirs is ours
            return
        paired = self.theirs_to_ours.get(id(theirs))
        if paired is not None:
            assert paired is ours, "one libcst scope maps to two of ours"
            return
        assert id(ours) not in self.ours_to_theirs, "two libcst scopes map to one of ours"
        self.theirs_to_ours[id(theirs)] = ours
        self.ours_to_theirs[id(ours)] = theirs
        assert type(theirs) is type(ours)
        assert getattr(theirs, "node", None) is getattr(ours, "node", None)
        assert getattr(theirs, "name", None) == getattr(ours, "name", None)
        assert self.assignments(theirs) == self.assignments(ours)
        assert self.accesses(theirs) == self.accesses(ours)
        if theirs.parent is not theirs:
            self.check(theirs.parent, ours.parent)


_MISSING = object()


def _compare(
    module: cst.Module,
    theirs: Mapping[Any, Mapping[cst.CSTNode, object]],
    ours: Mapping[Any, Mapping[cst.CSTNode, object]],
) -> None:
    """Fail unless ``ours`` answers as ``theirs`` for every node of ``module``."""
    # libcst's parent map holds every node but the module: its ``children``, walked.
    nodes = [module, *theirs[ParentNodeProvider]]
    tree = {id(node) for node in nodes}
    foreign = [cst.Name("outsider"), *_walk(cst.parse_module("x = 1\n"))]
    scopes = _ScopePairs(tree)
    for provider in PROVIDERS:
        their_map, our_map = theirs[provider], ours[provider]
        label = provider.__name__
        # Only the scope visitor gives values to nodes outside the tree: those
        # of the string annotations it parses, new objects on each run.
        assert len(our_map) == len(their_map), label
        assert {id(n) for n in our_map if id(n) in tree} == {
            id(n) for n in their_map if id(n) in tree
        }, label
        for node in foreign:
            assert our_map.get(node, _MISSING) is _MISSING, label
            with pytest.raises(KeyError):
                our_map[node]
        for node in nodes:
            expected = their_map.get(node, _MISSING)
            if isinstance(expected, LazyValue):
                expected = expected()
            got = our_map.get(node, _MISSING)
            if expected is _MISSING:
                assert got is _MISSING, (label, node)
                continue
            assert our_map[node] is got, (label, node)
            if provider is ParentNodeProvider:
                assert got is expected, (label, node)
            elif provider is ScopeProvider:
                scopes.check(expected, got)  # type: ignore[arg-type]
            elif provider is QualifiedNameProvider:
                assert set(got) == set(expected), (label, node)  # type: ignore[call-overload]
            else:
                assert got == expected, (label, node)


def _check(code: str | bytes) -> None:
    # Garbage collection would take a third of the time, scanning the trees.
    enabled = gc.isenabled()
    gc.disable()
    try:
        module = cst.parse_module(code)
        theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(PROVIDERS)
        _compare(module, theirs, resolve_metadata(module, PROVIDERS))
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("source", list(_sources()))
def test_same_metadata_as_libcst(source: str | Path) -> None:
    _check(source.read_bytes() if isinstance(source, Path) else source)


@pytest.mark.parametrize("codes", list(_rule_examples()))
def test_same_metadata_as_libcst_on_rule_examples(codes: list[str]) -> None:
    for code in codes:
        try:
            cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue  # examples of code the engine cannot parse
        _check(code)


def test_same_metadata_with_shared_nodes() -> None:
    """A tree built by hand may hold one node object at two places."""
    statement = cst.parse_statement("x = errno.EAGAIN\n")
    shared = cst.parse_expression("socket.error")
    pair = cst.Tuple([cst.Element(shared), cst.Element(shared)])
    module = cst.Module(
        body=[
            cst.parse_statement("import errno, socket\n"),
            statement,
            cst.SimpleStatementLine([cst.Expr(pair)]),
            statement,
        ]
    )
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(PROVIDERS)
    _compare(module, theirs, resolve_metadata(module, PROVIDERS))


class _Recorder(cst.BatchableCSTVisitor):
    """Reads, for every name, what the rules read, through ``get_metadata``."""

    METADATA_DEPENDENCIES = (*PROVIDERS, ExpressionContextProvider)

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[object, ...]] = []

    def visit_Name(self, node: cst.Name) -> None:
        scope = self.get_metadata(ScopeProvider, node, None)
        self.seen.append(
            (
                node,
                self.get_metadata(ParentNodeProvider, node),
                self.get_metadata(PositionProvider, node),
                type(scope),
                getattr(scope, "node", None),
                {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())},
                self.get_metadata(ExpressionContextProvider, node, None),
            )
        )


def test_metadata_wrapper_visits_as_libcst_does() -> None:
    module = cst.parse_module(ZOO)
    theirs, ours = _Recorder(), _Recorder()
    MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([theirs])
    wrapper = metadata_wrapper(module)
    wrapper.visit_batched([ours])
    assert ours.seen == theirs.seen
    assert len(theirs.seen) > 100
    assert wrapper.module is module
    _compare(
        module,
        MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(PROVIDERS),
        wrapper.resolve_many(PROVIDERS),
    )
    # Its mappings are ours, not libcst's.
    assert type(wrapper.resolve(ParentNodeProvider)) is type(
        resolve_metadata(module, PROVIDERS)[ParentNodeProvider]
    )


def _first(module: cst.Module, kind: type[_Node], code: str) -> _Node:
    """The first node of type ``kind`` whose code is ``code``."""
    for node in _walk(module):
        if isinstance(node, kind) and module.code_for_node(node) == code:
            return node
    raise LookupError(code)


def test_nothing_computed_until_read(monkeypatch: pytest.MonkeyPatch) -> None:
    module = cst.parse_module("import socket\nsocket.socket().recv(1)\n")

    def refuse(*args: object) -> None:
        raise AssertionError("computed before it was read")

    monkeypatch.setattr(_metadata, "_scopes", refuse)
    metadata = resolve_metadata(module, PROVIDERS)
    call = _first(module, cst.Call, "socket.socket()")
    assert metadata[ParentNodeProvider][call.func] is call
    assert metadata[PositionProvider][call] == CodeRange((2, 0), (2, 15))
    with pytest.raises(AssertionError, match="computed before"):
        metadata[QualifiedNameProvider][call]


def test_qualified_names_of_an_import() -> None:
    module = cst.parse_module("import socket as s\ns.socket().recv(1)\n")
    metadata = resolve_metadata(module, PROVIDERS)
    call = _first(module, cst.Call, "s.socket()")
    names = metadata[QualifiedNameProvider][call.func]
    assert {q.name for q in names} == {"socket.socket"}  # type: ignore[attr-defined]
    # ``socket`` after the dot has no scope: an empty set, not the ``.get`` default.
    attr = cst.ensure_type(call.func, cst.Attribute).attr
    assert metadata[ScopeProvider].get(attr, "none") == "none"
    assert metadata[QualifiedNameProvider].get(attr, None) == set()
    assert metadata[QualifiedNameProvider].get(cst.Name("socket"), None) is None


def test_comparison_notices_a_wrong_answer() -> None:
    """The check itself must fail when one node's answer differs."""
    module = cst.parse_module("import errno\nif e.errno == errno.EAGAIN:\n    pass\n")
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve_many(PROVIDERS)
    ours = resolve_metadata(module, PROVIDERS)
    constant = _first(module, cst.Attribute, "errno.EAGAIN")
    for provider, wrong in (
        (ParentNodeProvider, module),
        (PositionProvider, ours[PositionProvider][module]),
        (ScopeProvider, None),
        (QualifiedNameProvider, set()),
    ):
        changed: dict[cst.CSTNode, object] = dict(ours[provider])
        changed[constant] = wrong
        broken = {p: changed if p is provider else ours[p] for p in PROVIDERS}
        with pytest.raises(AssertionError):
            _compare(module, theirs, broken)
