"""Fix builders of the socket I/O rules (NC101, NC102).

Each function returns the builder a :class:`lintrules.rule.Fix` carries; libcst
is imported only inside the builder, when the fix is carried out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["BlockPath", "graceful_close", "reset_as_end_of_stream", "reset_as_own_error"]

Builder = Callable[["cst.CSTNode"], "cst.CSTNode"]
#: A builder that declines (None: no fix) when the code is not the expected shape.
MaybeBuilder = Callable[["cst.CSTNode"], "cst.CSTNode | None"]


def reset_as_end_of_stream(name: str) -> Builder:
    """``name = sock.recv(n)`` (its whole line) becomes a ``try`` that reads a reset as ``b""``.

    The statement keeps its line's trailing comment; the comments and blank
    lines above it stay above the ``try``.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.SimpleStatementLine)
        fallback = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(name))], cst.SimpleString('b""'))]
        )
        return cst.Try(
            body=cst.IndentedBlock([node.with_changes(leading_lines=())]),
            handlers=[
                cst.ExceptHandler(
                    body=cst.IndentedBlock([fallback]), type=cst.Name("ConnectionResetError")
                )
            ],
            leading_lines=node.leading_lines,
        )

    return build


def reset_as_own_error(exception: str, bound: str) -> Builder:
    """``data = sock.recv(n)`` (its whole line) becomes a ``try`` that raises
    ``exception`` (the error the code raises for an empty read) from a reset:
    ``except ConnectionResetError as <bound>: raise <exception> from <bound>``.

    ``exception`` is the source of the error expression; the statement keeps
    its comments as :func:`reset_as_end_of_stream` does.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.SimpleStatementLine)
        raise_line = cst.SimpleStatementLine(
            [cst.Raise(exc=cst.parse_expression(exception), cause=cst.From(cst.Name(bound)))]
        )
        return cst.Try(
            body=cst.IndentedBlock([node.with_changes(leading_lines=())]),
            handlers=[
                cst.ExceptHandler(
                    body=cst.IndentedBlock([raise_line]),
                    type=cst.Name("ConnectionResetError"),
                    name=cst.AsName(cst.Name(bound)),
                )
            ],
            leading_lines=node.leading_lines,
        )

    return build


#: How to reach a block from the statement that owns it: attribute names and
#: list positions (``("handlers", 1, "body")``); empty for the module itself.
BlockPath = tuple["str | int", ...]


def graceful_close(path: BlockPath, line: int, module: str) -> MaybeBuilder:
    """In the block at ``path``, lines ``line`` (``time.sleep(...)``) and ``line + 1``
    (``X.close()``) become one ``module.graceful_close(X)``.

    The blank lines above the sleep stay and its comments (which explain the
    hack) go; the comments above the close stay, the blank lines between the
    two go.  The close line keeps its trailing comment.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode | None:
        import libcst as cst

        block = _reach(node, path)
        body = list(getattr(block, "body", ()))
        if line + 1 >= len(body):
            return None
        sleep_line, close_line = body[line], body[line + 1]
        if not (
            isinstance(sleep_line, cst.SimpleStatementLine)
            and isinstance(close_line, cst.SimpleStatementLine)
            and len(sleep_line.body) == 1
            and len(close_line.body) == 1
        ):
            return None
        close = close_line.body[0]
        if not (
            isinstance(close, cst.Expr)
            and isinstance(close.value, cst.Call)
            and isinstance(close.value.func, cst.Attribute)
        ):
            return None
        call = cst.Call(
            func=cst.Attribute(cst.Name(module), cst.Name("graceful_close")),
            args=[cst.Arg(close.value.func.value)],
        )
        leading = [
            *(empty for empty in sleep_line.leading_lines if empty.comment is None),
            *(empty for empty in close_line.leading_lines if empty.comment is not None),
        ]
        new_line = close_line.with_changes(body=[cst.Expr(call)], leading_lines=leading)
        new_block = block.with_changes(body=[*body[:line], new_line, *body[line + 2 :]])
        return _replaced(node, path, new_block)

    return build


def _reach(node: cst.CSTNode, path: BlockPath) -> cst.CSTNode:
    """The node at ``path`` below ``node``; an ``else``/``finally`` clause is
    passed through to its block (``("orelse",)`` reaches the ``Else``'s block)."""
    current: object = node
    for step in path:
        current = current[step] if isinstance(step, int) else getattr(current, step)  # type: ignore[index]
    import libcst as cst

    if isinstance(current, (cst.Else, cst.Finally)):
        current = current.body
    assert isinstance(current, cst.CSTNode)
    return current


def _replaced(node: cst.CSTNode, path: BlockPath, block: cst.CSTNode) -> cst.CSTNode:
    """``node`` with the block at ``path`` replaced by ``block``."""
    import libcst as cst

    if not path:
        if isinstance(node, (cst.Else, cst.Finally)):
            return node.with_changes(body=block)
        return block
    step, rest = str(path[0]), path[1:]
    child = getattr(node, step)
    if rest and isinstance(rest[0], int):
        items = list(child)
        items[rest[0]] = _replaced(items[rest[0]], rest[1:], block)
        return node.with_changes(**{step: items})
    return node.with_changes(**{step: _replaced(child, rest, block)})
