"""Fix builders for ``except`` clauses that test an errno: name the class instead.

NC008 decides on :mod:`ast` that a clause has one of the two re-raise shapes
and that no comment would be lost; the builder here carries the rewrite out
on the clause's libcst node, keeping the kept body's own spacing and
comments.  As in :mod:`.builders`, libcst is imported only inside the
builder, when a fix is carried out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .builders import Builder

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["clause_narrowed"]


def clause_narrowed(classes: Sequence[str], *, keep_name: bool) -> Builder:
    """``except X as e:`` whose body starts with an errno test, narrowed to ``classes``.

    The two shapes the rule accepts:

    * ``if <errno test>: BODY`` / ``else: raise``, alone in the clause:
      ``BODY`` becomes the clause's body;
    * ``if <negated errno test>: raise`` then ``BODY``: the ``if`` goes.

    The ``if`` line's comment moves to the ``except`` line (the rule declines
    when both have one); ``as e`` stays only with ``keep_name``.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.ExceptHandler)
        block = node.body
        assert isinstance(block, cst.IndentedBlock)
        first = block.body[0]
        assert isinstance(first, cst.If)
        inner = first.body
        assert isinstance(inner, cst.IndentedBlock)
        header = inner.header if block.header.comment is None else block.header
        body: cst.IndentedBlock
        if isinstance(first.orelse, cst.Else):
            body = inner.with_changes(header=header, footer=block.footer)
        else:
            body = block.with_changes(header=header, body=block.body[1:])
        names = [cst.Name(name) for name in classes]
        new_type: cst.BaseExpression = (
            names[0]
            if len(names) == 1
            else cst.Tuple(
                [
                    cst.Element(
                        name,
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                        if index < len(names) - 1
                        else cst.MaybeSentinel.DEFAULT,
                    )
                    for index, name in enumerate(names)
                ]
            )
        )
        return node.with_changes(type=new_type, name=node.name if keep_name else None, body=body)

    return build
