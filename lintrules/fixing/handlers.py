"""Fix builders for ``try`` statements: reorder their ``except`` clauses.

As in :mod:`.builders`, libcst is imported only inside the builder, when a
fix is carried out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["handler_moved"]

Builder = Callable[["cst.CSTNode"], "cst.CSTNode"]


def handler_moved(index: int, before: int) -> Builder:
    """The ``try`` with its clause number ``index`` moved just before clause ``before``.

    Each clause moves with its own comments and body; ``else`` and
    ``finally`` stay where they are.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, (cst.Try, cst.TryStar))
        handlers = list(node.handlers)
        moved = handlers.pop(index)
        handlers.insert(before, moved)
        return node.with_changes(handlers=handlers)

    return build
