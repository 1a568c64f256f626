"""Which exception classes does this code name?  ``except`` clauses read through the model.

The questions on names (does ``except A`` catch ``B``? is ``IOError``
``OSError``?) are answered by the table in :mod:`.exception_classes`,
re-exported here so a rule imports from one place.  This module adds the
same questions asked of code:

* :func:`class_of`: the table key an expression names (``s.error`` after
  ``import socket as s`` is ``"socket.error"``), or None;
* :func:`handler_types`: the classes an ``except`` clause names, one entry
  per type;
* :func:`bound_by_except` / :func:`binding_handler`: whether a name is only
  ever an ``except ... as name`` variable, and the clause that binds it
  where it is used;
* :func:`clause_text` / :func:`type_text`: a clause as written
  (``except* (OSError)``), for messages.

Every answer is conservative: whatever is not certain (a call, a variable, a
name with several meanings, a class the table does not know) is None, and
rules stay quiet on None.
"""

from __future__ import annotations

import ast
from typing import Optional

from .exception_classes import (
    _B,
    BY_NAME,
    EXCEPTION_CLASSES,
    SUPPORTED_VERSIONS,
    ExceptionClass,
    Version,
    ancestors_of,
    canonical,
    catches,
    exists,
    is_os_error,
    key,
    short,
)
from .model import Model

__all__ = [
    "BY_NAME",
    "EXCEPTION_CLASSES",
    "SUPPORTED_VERSIONS",
    "ExceptionClass",
    "Resolved",
    "Version",
    "ancestors_of",
    "binding_handler",
    "bound_by_except",
    "canonical",
    "catches",
    "class_of",
    "clause_text",
    "exists",
    "handler_types",
    "is_os_error",
    "key",
    "short",
    "type_text",
]

#: A class an ``except`` clause names: a table key, or None when unknown.
Resolved = Optional[str]


def class_of(model: Model, expr: ast.AST) -> str | None:
    """The table key ``expr`` names (``s.error`` -> ``"socket.error"``), or None.

    A bare name is a builtin only when nothing binds it where it is read (a
    local ``class OSError`` is not the builtin).  Other names and attribute
    chains must resolve, through imports, to exactly one qualified name:
    ``import socket as s; s.error`` and ``from socket import error`` both
    give ``"socket.error"``.  Anything else (calls, subscripts, variables,
    names bound several ways, classes the table does not list) gives None.
    """
    if isinstance(expr, ast.Name):
        if not model.lookup(expr):
            return key(_B + expr.id)
    elif not isinstance(expr, ast.Attribute):
        return None
    names = model.qualified_names(expr)
    imported = {name.name for name in names if name.source == "import"}
    if len(imported) != 1 or len(names) != 1:
        return None
    (name,) = imported
    return key(name)


def handler_types(model: Model, handler: ast.ExceptHandler) -> list[Resolved]:
    """The classes an ``except`` (or ``except*``) clause names, one entry per type.

    A bare ``except:`` gives ``["builtins.BaseException"]``; ``except (A, B)``
    one entry per element, None for each one :func:`class_of` cannot name; a
    tuple with a starred element, ``[None]``.
    """
    expr = handler.type
    if expr is None:
        return [_B + "BaseException"]
    if isinstance(expr, ast.Tuple):
        if any(isinstance(element, ast.Starred) for element in expr.elts):
            return [None]
        return [class_of(model, element) for element in expr.elts]
    return [class_of(model, expr)]


def bound_by_except(model: Model, name: ast.Name) -> bool:
    """Whether every binding of ``name``, where it is read, is an ``except ... as name``."""
    return model.bound_only_by_except(name)


def binding_handler(model: Model, name: ast.Name) -> ast.ExceptHandler | None:
    """The ``except ... as name`` clause whose body this use of ``name`` is in, if any.

    Only the nearest such clause of the same function counts, and only when
    the name has no other binding in its scope (:func:`bound_by_except`).
    """
    if not model.bound_only_by_except(name):
        return None
    return model.binding_handler(name)


def clause_text(model: Model, handler: ast.ExceptHandler) -> str:
    """``except X``, ``except* X`` or ``except:``, with ``X`` as :func:`type_text` gives it."""
    if handler.type is None:
        return "except:"
    star = "*" if _TRY_STAR is not None and isinstance(model.parent(handler), _TRY_STAR) else ""
    return f"except{star} {type_text(model, handler)}"


def type_text(model: Model, handler: ast.ExceptHandler) -> str:
    """The type of an ``except`` clause as written, with its own parentheses (``""``: bare).

    ``except (OSError):`` gives ``(OSError)``, comments and line breaks
    inside the parentheses included: the text libcst renders for the type.
    """
    if handler.type is None:
        return ""
    start = model.span(handler)
    return model.written(handler.type, (start.line, start.column + len("except")))


_TRY_STAR: type[ast.AST] | None = getattr(ast, "TryStar", None)


def shadowing(
    earlier: list[list[Resolved]],
    later: list[Resolved],
    versions: tuple[Version, ...] = SUPPORTED_VERSIONS,
) -> list[tuple[int, str, str]] | None:
    """For each type of ``later``, the first earlier clause catching it on
    every one of ``versions``; None if one escapes."""
    found: list[tuple[int, str, str]] = []
    for inner in later:
        if inner is None:
            return None
        hit = next(
            (
                (i, outer, inner)
                for i, clause in enumerate(earlier)
                for outer in clause
                if outer is not None and catches(outer, inner, versions=versions)
            ),
            None,
        )
        if hit is None:
            return None
        found.append(hit)
    return found


def unreachable(model: Model, handler: ast.ExceptHandler) -> bool:
    """Whether an earlier clause of the same ``try`` catches everything
    ``handler`` names, on every supported Python (NC007's question)."""
    statement = model.parent(handler)
    handlers: list[ast.ExceptHandler] = getattr(statement, "handlers", [])
    index = next((i for i, h in enumerate(handlers) if h is handler), 0)
    if index == 0:
        return False
    earlier = [handler_types(model, h) for h in handlers[:index]]
    return shadowing(earlier, handler_types(model, handler)) is not None
