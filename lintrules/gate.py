"""A one-walk ``ast`` summary of a file that lets rules skip it before libcst.

Parsing with the standard ``ast`` module is an order of magnitude cheaper than
building a libcst tree with metadata.  The engine parses each candidate file
with ``ast`` once, summarises it in an :class:`AstIndex`, and asks every enabled
rule's :meth:`~lintrules.rule.Rule.gate` whether the file can matter.  Only
files some rule keeps go on to libcst.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class AstIndex:
    """What one walk over a module's ``ast`` saw."""

    #: Every ``.attr`` name (``errno``, ``winerror``, ``recv`` ...).
    attributes: set[str] = field(default_factory=set)
    #: Every bare name read or written.
    names: set[str] = field(default_factory=set)
    #: Integer constants that appear inside a comparison or a ``match`` case.
    compared_ints: set[int] = field(default_factory=set)
    #: Integer literals compared directly by ``==``, ``!=``, ``in`` or ``not
    #: in`` (an operand, or an element of a tuple, list or set operand; a
    #: minus sign allowed), or matched by a ``match`` case.
    equality_ints: set[int] = field(default_factory=set)
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
    #: String constants where a rule can read them as text to look for: in a
    #: comparison, an assigned value, the iterable of a comprehension, or an
    #: argument of ``startswith``, ``endswith``, ``__contains__`` or a regular
    #: expression call (not a docstring or a message passed to a function).
    searched_strings: set[str] = field(default_factory=set)
    #: The constant first arguments of calls of ``search``, ``match``,
    #: ``fullmatch`` and ``findall`` (``re.search(pattern, text)``).
    regex_patterns: set[str] = field(default_factory=set)
    #: Some such call takes its pattern from a name (``re.search(PATTERN, text)``).
    regex_pattern_names: bool = False
    #: The tree itself, for a gate that needs a closer look once the summary
    #: says the file may matter.
    tree: ast.AST | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_tree(cls, tree: ast.AST) -> AstIndex:
        """Summarise ``tree`` in one walk.

        The walk is the engine's hot loop for every file that gets past the
        text gates, so it dispatches on the node's type instead of asking a
        chain of ``isinstance`` questions, and reads child fields directly.
        """
        index = cls(tree=tree)
        handlers = index._handlers()
        fields_of = _FIELDS
        stack: list[Any] = [tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            node = pop()
            kind = type(node)
            handler = handlers.get(kind)
            if handler is not None:
                handler(node)
            fields = fields_of.get(kind)
            if fields is None:
                fields = fields_of[kind] = getattr(kind, "_fields", ())
            for name in fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    extend(value)
                elif isinstance(value, ast.AST):
                    push(value)
        return index

    def _handlers(self) -> dict[type, Callable[[Any], None]]:
        attributes, names, calls = self.attributes, self.names, self.calls

        def on_attribute(node: ast.Attribute) -> None:
            attributes.add(node.attr)

        def on_name(node: ast.Name) -> None:
            names.add(node.id)

        def on_call(node: ast.Call) -> None:
            func = node.func
            if isinstance(func, ast.Name):
                calls.add(func.id)
                if func.id in _REGEX_CALLS:
                    self._add_pattern(node)
                    self._add_searched(node.args)
            elif isinstance(func, ast.Attribute):
                calls.add(func.attr)
                if func.attr in _REGEX_CALLS:
                    self._add_pattern(node)
                if func.attr in _SEARCH_CALLS:
                    self._add_searched(node.args)
                owner = func.value
                if isinstance(owner, ast.Name):
                    self.method_calls.add((owner.id, func.attr))
                elif isinstance(owner, ast.Attribute):
                    self.method_calls.add((owner.attr, func.attr))

        def on_alias(node: ast.alias) -> None:
            self.imported_names.add(node.name)

        def on_subscript(node: ast.Subscript) -> None:
            key = node.slice
            if isinstance(key, ast.UnaryOp) and isinstance(key.op, ast.USub):
                key = key.operand  # e[-1]
            if isinstance(key, ast.Constant) and type(key.value) is int:
                self.int_subscript = True
                value = node.value
                if isinstance(value, ast.Name):
                    self.int_subscripted_names.add(value.id)
                elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
                    self.int_subscripted_names.add("[]")

        def on_assign(node: ast.Assign | ast.AnnAssign) -> None:
            if node.value is not None:
                self._add_searched([node.value])

        def on_comprehension(node: ast.comprehension) -> None:
            self._add_searched([node.iter])

        def on_try(node: Any) -> None:
            if len(node.handlers) > 1:
                self.multi_handler_try = True
                self.handler_types.append(_handler_types(node.handlers))

        def on_constant(node: ast.Constant) -> None:
            if isinstance(node.value, str) and len(node.value) <= 200:
                self.short_strings.add(node.value)

        def on_handler(node: ast.ExceptHandler) -> None:
            if node.name:
                self.handler_names.add(node.name)

        def on_match_value(node: Any) -> None:
            self._add_constants(node)
            number = _int_literal(getattr(node, "value", None))
            if number is not None:
                self.equality_ints.add(number)

        handlers: dict[type, Callable[[Any], None]] = {
            ast.Attribute: on_attribute,
            ast.Name: on_name,
            ast.Compare: self._add_compared,
            ast.Call: on_call,
            ast.alias: on_alias,
            ast.Subscript: on_subscript,
            ast.Assign: on_assign,
            ast.AnnAssign: on_assign,
            ast.comprehension: on_comprehension,
            ast.Try: on_try,
            ast.Constant: on_constant,
            ast.ExceptHandler: on_handler,
        }
        for name, handler in (
            ("TryStar", on_try),
            ("MatchValue", on_match_value),
            ("MatchSingleton", on_match_value),
        ):
            kind = getattr(ast, name, None)
            if kind is not None:
                handlers[kind] = handler
        return handlers

    def _add_searched(self, parts: Sequence[ast.AST]) -> None:
        # A literal, or a tuple, list or set of them: what NC004 reads.
        for part in parts:
            elements = part.elts if isinstance(part, (ast.Tuple, ast.List, ast.Set)) else [part]
            for element in elements:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    self.searched_strings.add(element.value)

    def _add_pattern(self, call: ast.Call) -> None:
        if not call.args:
            return
        pattern = call.args[0]
        if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str):
            self.regex_patterns.add(pattern.value)
        elif isinstance(pattern, ast.Name):
            self.regex_pattern_names = True

    def _add_compared(self, node: ast.Compare) -> None:
        parts = (node.left, *node.comparators)
        for part in parts:
            self._add_constants(part)
        if any(isinstance(op, _EQUALITY) for op in node.ops):
            for part in parts:
                elements = part.elts if isinstance(part, (ast.Tuple, ast.List, ast.Set)) else [part]
                for element in elements:
                    number = _int_literal(element)
                    if number is not None:
                        self.equality_ints.add(number)

    def _add_constants(self, part: ast.AST) -> None:
        for sub in ast.walk(part):
            if isinstance(sub, ast.Constant):
                value = sub.value
                if type(value) is int:
                    self.compared_ints.add(value)
                elif isinstance(value, str):
                    self.compared_strings.add(value)
                    self.searched_strings.add(value)


_EQUALITY = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
#: The child fields of each node type, looked up once.
_FIELDS: dict[type, tuple[str, ...]] = {}


def _int_literal(node: ast.AST | None) -> int | None:
    """The value of an integer literal, minus sign allowed (``104``, ``-1``)."""
    negative = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    if negative:
        node = node.operand  # type: ignore[union-attr]
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return -node.value if negative else node.value
    return None


#: Regular expression functions whose pattern may hold a message (NC004).
_REGEX_CALLS = frozenset({"search", "match", "fullmatch", "findall"})
#: Calls whose string arguments are searched for (NC004).
_SEARCH_CALLS = _REGEX_CALLS | {"startswith", "endswith", "__contains__"}


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
