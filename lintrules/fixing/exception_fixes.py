"""Fix builders for reads of an exception: ``e[0]`` becomes ``e.args[0]``.

As in :mod:`.builders`, libcst is imported only inside the builder, when a
fix is carried out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["args_subscripted", "expression_in_parentheses_of"]

Builder = Callable[["cst.CSTNode"], "cst.CSTNode"]


def args_subscripted() -> Builder:
    """``X[i]`` becomes ``X.args[i]``, ``X``, the index and the spacing untouched."""

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.Subscript)
        return node.with_changes(value=cst.Attribute(node.value, cst.Name("args")))

    return build


def expression_in_parentheses_of(source: str, *, parenthesize: bool) -> Builder:
    """The expression ``source`` in place of the target, inside the target's own parentheses.

    With ``parenthesize`` (a negated test where ``not`` would bind wrongly),
    a target without parentheses gets a pair.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.BaseExpression)
        replacement = cst.parse_expression(source)
        if parenthesize and not node.lpar:
            return replacement.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return replacement.with_changes(lpar=node.lpar, rpar=node.rpar)

    return build
