"""Replacements that keep the target's own spacing and comments, for rules to name in a fix.

Each function returns the builder a :class:`lintrules.rule.Fix` carries; the
builder runs only when the fix is carried out, and only then imports libcst,
so a rule that names one costs nothing on a plain check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["alias_renamed", "attribute_renamed"]

Builder = Callable[["cst.CSTNode"], "cst.CSTNode"]


def attribute_renamed(attr: str) -> Builder:
    """``X.OLD`` becomes ``X.attr``, ``X`` and the spacing untouched."""

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.Attribute)
        return node.with_changes(attr=cst.Name(attr))

    return build


def alias_renamed(name: str, bound: str) -> Builder:
    """``OLD as X`` (or ``OLD``) becomes ``name as bound`` (``name`` alone when they are equal)."""

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.ImportAlias)
        return node.with_changes(
            name=cst.Name(name),
            asname=cst.AsName(name=cst.Name(bound)) if bound != name else None,
        )

    return build
