"""A one-walk ``ast`` summary of a file that lets rules skip it before libcst.

Parsing with the standard ``ast`` module is an order of magnitude cheaper than
building a libcst tree with metadata.  The engine parses each candidate file
with ``ast`` once, summarises it in an :class:`AstIndex`, and asks every enabled
rule's :meth:`~lintrules.rule.Rule.gate` whether the file can matter.  Only
files some rule keeps go on to libcst.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class AstIndex:
    """What one walk over a module's ``ast`` saw."""

    #: Every ``.attr`` name (``errno``, ``winerror``, ``recv`` ...).
    attributes: set[str] = field(default_factory=set)
    #: Every bare name read or written.
    names: set[str] = field(default_factory=set)
    #: Integer constants that appear inside a comparison or a ``match`` case.
    compared_ints: set[int] = field(default_factory=set)
    #: String constants that appear inside a comparison.
    compared_strings: set[str] = field(default_factory=set)
    #: Names imported with ``from module import name``.
    imported_names: set[str] = field(default_factory=set)
    #: Names of called functions and methods (last dotted part).
    calls: set[str] = field(default_factory=set)
    #: Some subscript uses a constant integer index (``e[0]``, ``e.args[0]``).
    int_subscript: bool = False
    #: The module has a ``try`` with at least two handlers.
    multi_handler_try: bool = False
    #: Names bound by ``except ... as name`` clauses.
    handler_names: set[str] = field(default_factory=set)
    #: Bare names subscripted with a constant integer (``e`` of ``e[0]``);
    #: ``"[]"`` when a constant-integer subscript is itself subscripted so
    #: (``sys.exc_info()[1][0]``).
    int_subscripted_names: set[str] = field(default_factory=set)
    #: ``(receiver, method)`` of method calls on a name or attribute:
    #: ``("sock", "recv")`` for ``sock.recv()`` and for ``self.sock.recv()``.
    method_calls: set[tuple[str, str]] = field(default_factory=set)
    #: For each ``try`` with at least two handlers, the types its clauses name as
    #: dotted text, one tuple per clause (``()`` for a bare ``except``; ``"?"``
    #: for a type that is not a dotted name).
    handler_types: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    #: String constants of at most 200 characters.
    short_strings: set[str] = field(default_factory=set)

    @classmethod
    def from_tree(cls, tree: ast.AST) -> AstIndex:
        """Summarise ``tree`` in one walk."""
        index = cls()
        attributes = index.attributes
        names = index.names
        calls = index.calls
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                attributes.add(node.attr)
            elif isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Compare):
                index._add_compared(node)
            elif isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name):
                    calls.add(func.id)
                elif isinstance(func, ast.Attribute):
                    calls.add(func.attr)
                    owner = func.value
                    if isinstance(owner, ast.Name):
                        index.method_calls.add((owner.id, func.attr))
                    elif isinstance(owner, ast.Attribute):
                        index.method_calls.add((owner.attr, func.attr))
            elif isinstance(node, ast.alias):
                index.imported_names.add(node.name)
            elif isinstance(node, ast.Subscript):
                key = node.slice
                if isinstance(key, ast.UnaryOp) and isinstance(key.op, ast.USub):
                    key = key.operand  # e[-1]
                if isinstance(key, ast.Constant) and type(key.value) is int:
                    index.int_subscript = True
                    value = node.value
                    if isinstance(value, ast.Name):
                        index.int_subscripted_names.add(value.id)
                    elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
                        index.int_subscripted_names.add("[]")
            elif isinstance(node, ast.Try) and len(node.handlers) > 1:
                index.multi_handler_try = True
                index.handler_types.append(_handler_types(node.handlers))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if len(node.value) <= 200:
                    index.short_strings.add(node.value)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                index.handler_names.add(node.name)
            elif _is_match_value(node):
                index._add_constants(node)
            elif type(node).__name__ == "TryStar" and len(getattr(node, "handlers", ())) > 1:
                index.multi_handler_try = True
                index.handler_types.append(_handler_types(getattr(node, "handlers", [])))
        return index

    def _add_compared(self, node: ast.Compare) -> None:
        for part in (node.left, *node.comparators):
            self._add_constants(part)

    def _add_constants(self, part: ast.AST) -> None:
        for sub in ast.walk(part):
            if isinstance(sub, ast.Constant):
                value = sub.value
                if type(value) is int:
                    self.compared_ints.add(value)
                elif isinstance(value, str):
                    self.compared_strings.add(value)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return "?" if owner == "?" else f"{owner}.{node.attr}"
    return "?"


def _handler_types(handlers: Sequence[ast.ExceptHandler]) -> tuple[tuple[str, ...], ...]:
    """The dotted type names of each clause (``()`` for a bare ``except``)."""
    found: list[tuple[str, ...]] = []
    for handler in handlers:
        caught = handler.type
        if caught is None:
            found.append(())
        elif isinstance(caught, ast.Tuple):
            found.append(tuple(_dotted(element) for element in caught.elts))
        else:
            found.append((_dotted(caught),))
    return tuple(found)


def _is_match_value(node: ast.AST) -> bool:
    return type(node).__name__ in ("MatchValue", "MatchSingleton")
