"""Fix builders that make an attribute read safe: ``getattr(X, "name", None)``.

As in :mod:`.builders`, libcst is imported only inside the builder, when a
fix is carried out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["default_added", "getattr_read"]

Builder = Callable[["cst.CSTNode"], "cst.CSTNode"]


def getattr_read(quoted: str) -> Builder:
    """``X.name`` becomes ``getattr(X, <quoted>, None)``; ``X`` and outer parentheses kept.

    ``quoted`` is the attribute's name as a string literal that may stand
    where the read is (single quotes inside a double-quoted f-string).
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.Attribute)
        return cst.Call(
            cst.Name("getattr"),
            [cst.Arg(node.value), cst.Arg(cst.SimpleString(quoted)), cst.Arg(cst.Name("None"))],
            lpar=node.lpar,
            rpar=node.rpar,
        )

    return build


def default_added() -> Builder:
    """``getattr(X, "name")`` becomes ``getattr(X, "name", None)``, its arguments as written."""

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.Call)
        last = node.args[-1].with_changes(
            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        return node.with_changes(args=[*node.args[:-1], last, cst.Arg(cst.Name("None"))])

    return build
