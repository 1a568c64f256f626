"""Carry an ``ast`` rule's fix over to libcst: find the target node, build its replacement.

A rule finds on :mod:`ast` and describes its fix by the ``ast`` node it
replaces and what replaces it (:class:`lintrules.rule.Fix`).  Here, and only
when a fix is wanted, the same node is found in libcst's tree of the same
source by its start position and its kind, and the replacement is built:
source text is parsed as an expression or as statements, a function is
called with the libcst node, :data:`~lintrules.rule.REMOVE` removes it.

When the node cannot be found or the replacement does not parse, the fix is
dropped and the finding stays, without a fix: a wrong fix is worse than none.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping
from typing import Union

import libcst as cst
from libcst.metadata import CodeRange

from ..rule import Fix

__all__ = ["Locator"]

Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]

_SIMPLE_STATEMENTS = (
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Expr,
    ast.Return,
    ast.Raise,
    ast.Assert,
    ast.Delete,
    ast.Pass,
    ast.Break,
    ast.Continue,
    ast.Import,
    ast.ImportFrom,
    ast.Global,
    ast.Nonlocal,
)

#: The libcst classes an ``ast`` class may appear as.
_KINDS: Mapping[type[ast.AST], tuple[type[cst.CSTNode], ...]] = {
    ast.Attribute: (cst.Attribute,),
    ast.Name: (cst.Name,),
    ast.Constant: (
        cst.Integer,
        cst.Float,
        cst.Imaginary,
        cst.SimpleString,
        cst.ConcatenatedString,
        cst.Name,
        cst.Ellipsis,
    ),
    ast.JoinedStr: (cst.FormattedString, cst.ConcatenatedString),
    ast.Call: (cst.Call,),
    ast.Compare: (cst.Comparison,),
    ast.BoolOp: (cst.BooleanOperation,),
    ast.UnaryOp: (cst.UnaryOperation,),
    ast.BinOp: (cst.BinaryOperation,),
    ast.Subscript: (cst.Subscript,),
    ast.Tuple: (cst.Tuple,),
    ast.List: (cst.List,),
    ast.Set: (cst.Set,),
    ast.Dict: (cst.Dict,),
    ast.IfExp: (cst.IfExp,),
    ast.Lambda: (cst.Lambda,),
    ast.Await: (cst.Await,),
    ast.alias: (cst.ImportAlias,),
    ast.ExceptHandler: (cst.ExceptHandler,),
    ast.If: (cst.If,),
    ast.While: (cst.While,),
    ast.For: (cst.For,),
    ast.With: (cst.With,),
    ast.Try: (cst.Try,),
    ast.FunctionDef: (cst.FunctionDef,),
    ast.AsyncFunctionDef: (cst.FunctionDef,),
    ast.AsyncFor: (cst.For,),
    ast.AsyncWith: (cst.With,),
    ast.ClassDef: (cst.ClassDef,),
    ast.comprehension: (cst.CompFor,),
}
if sys.version_info >= (3, 10):
    _KINDS = {
        **_KINDS,
        ast.MatchValue: (cst.MatchValue,),
        ast.MatchOr: (cst.MatchOr,),
        ast.Match: (cst.Match,),
    }
if hasattr(ast, "TryStar"):  # Python 3.11+
    _KINDS = {**_KINDS, ast.TryStar: (cst.TryStar,)}


class Locator:
    """Finds the libcst twins of ``ast`` nodes in one module, by position and kind."""

    def __init__(self, module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.module = module
        self._positions = positions
        self._by_start: dict[tuple[int, int], list[cst.CSTNode]] | None = None

    def _index(self) -> dict[tuple[int, int], list[cst.CSTNode]]:
        if self._by_start is None:
            index: dict[tuple[int, int], list[cst.CSTNode]] = {}
            for node, code_range in self._positions.items():
                start = (code_range.start.line, code_range.start.column)
                index.setdefault(start, []).append(node)
            self._by_start = index
        return self._by_start

    def find(
        self, node: ast.AST, start: tuple[int, int], end: tuple[int, int]
    ) -> cst.CSTNode | None:
        """The libcst node for ``node``, whose range starts at ``start`` (line, 0-based column).

        A simple statement alone on its line maps to its ``SimpleStatementLine``,
        so that replacing it with statements keeps the line's comments.
        """
        if isinstance(node, ast.Module):
            return self.module  # a fix that rewrites the module's own block
        kind = type(node)
        statement = isinstance(node, _SIMPLE_STATEMENTS)
        kinds = _KINDS.get(kind)
        candidates = self._index().get(start, [])
        if statement:
            for candidate in candidates:
                if isinstance(candidate, cst.SimpleStatementLine) and len(candidate.body) == 1:
                    return candidate
            return None
        if kinds is None:
            return None
        matching = [c for c in candidates if isinstance(c, kinds)]
        if not matching:
            return None
        for candidate in matching:
            code_range = self._positions[candidate]
            if (code_range.end.line, code_range.end.column) == end:
                return candidate
        if isinstance(node, (ast.stmt, ast.excepthandler)):
            return matching[0]
        return None

    def replacement(self, fix: Fix, target: cst.CSTNode) -> Replacement | None:
        """The libcst replacement ``fix`` describes for ``target``, or None if it cannot be built."""
        replacement = fix.replacement
        if replacement is None:
            return cst.RemoveFromParent()
        if callable(replacement):
            built = replacement(target)
            if not isinstance(built, (cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel)):
                raise TypeError(f"a fix builder returned {type(built).__name__}, not a libcst node")
            return built
        try:
            if isinstance(target, cst.BaseExpression):
                return cst.parse_expression(replacement)
            statements = cst.parse_module(replacement).body
        except cst.ParserSyntaxError:
            return None
        if len(statements) == 1:
            return statements[0]
        return cst.FlattenSentinel(statements)
