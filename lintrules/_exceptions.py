"""What the linter knows about exception classes, asked of libcst trees (legacy rules).

The table and the questions on names (:data:`EXCEPTION_CLASSES`,
:func:`catches`, :func:`canonical`...) live in
:mod:`lintrules.analysis.exception_classes` and are re-exported here; the
``ast`` versions of the questions below are in
:mod:`lintrules.analysis.exceptions`.  This module goes away with the last
rule that detects on libcst.
"""

from __future__ import annotations

from typing import Union

import libcst as cst
from libcst.metadata import (
    Assignment,
    BaseAssignment,
    BuiltinAssignment,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from . import _errno_exprs
from ._cst_rule import Rule
from ._nodes import ancestors
from .analysis.exception_classes import (
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

__all__ = [
    "BY_NAME",
    "EXCEPTION_CLASSES",
    "SUPPORTED_VERSIONS",
    "ExceptionClass",
    "Version",
    "ancestors_of",
    "binding_handler",
    "bound_by_except",
    "canonical",
    "catches",
    "class_of",
    "exists",
    "handler_types",
    "is_os_error",
    "key",
    "short",
]

# -- the same questions asked of code --------------------------------------

Resolved = Union[str, None]


def class_of(rule: Rule, expr: cst.BaseExpression) -> str | None:
    """The table key an expression names (``s.error`` -> ``socket.error``), or None.

    A bare name counts as a builtin only when nothing in the file binds it (a
    local ``class OSError`` is not the builtin); dotted names and imported
    names are resolved through libcst's qualified names, so ``import socket
    as s`` and ``from socket import error`` are understood.  Anything else
    (calls, subscripts, names with several possible meanings) is unknown.
    """
    if isinstance(expr, cst.Name):
        scope = rule.get_metadata(ScopeProvider, expr, None)
        if scope is None:
            return None
        bindings = scope[expr.value]
        if all(isinstance(binding, BuiltinAssignment) for binding in bindings):
            return key(_B + expr.value)
    elif not isinstance(expr, cst.Attribute):
        return None
    names = rule.get_metadata(QualifiedNameProvider, expr, set())
    imported = {n.name for n in names if n.source is QualifiedNameSource.IMPORT}
    if len(imported) != 1 or len(imported) != len(names):
        return None
    (name,) = imported
    return key(name)


def handler_types(rule: Rule, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> list[Resolved]:
    """The classes an ``except`` clause names, one entry per type (None: unknown).

    A bare ``except:`` catches ``BaseException``.  A tuple gives one entry
    per element; a starred element or any other expression gives ``[None]``.
    """
    if handler.type is None:
        return [_B + "BaseException"]
    expr = handler.type
    if isinstance(expr, cst.Tuple):
        found: list[Resolved] = []
        for element in expr.elements:
            if isinstance(element, cst.StarredElement):
                return [None]
            found.append(class_of(rule, element.value))
        return found
    return [class_of(rule, expr)]


def binding_handler(rule: Rule, name: cst.Name) -> cst.ExceptHandler | cst.ExceptStarHandler | None:
    """The ``except ... as name`` clause whose body ``name`` is used in, if any.

    Only the nearest enclosing clause of the same function counts, and only
    when the name has no other binding in its scope.
    """
    if not bound_by_except(rule, name):
        return None
    return _errno_exprs.binding_handler(rule, name)


def _binds_in_handler(rule: Rule, binding: BaseAssignment) -> bool:
    if not isinstance(binding, Assignment):
        return False
    parents = ancestors(rule, binding.node)
    as_name = next(parents, None)
    handler = next(parents, None)
    return isinstance(as_name, cst.AsName) and isinstance(
        handler, (cst.ExceptHandler, cst.ExceptStarHandler)
    )


def bound_by_except(rule: Rule, name: cst.Name) -> bool:
    """Whether every binding of ``name`` in its scope is an ``except ... as name``."""
    scope = rule.get_metadata(ScopeProvider, name, None)
    if scope is None:
        return False
    bindings = scope[name.value]
    return bool(bindings) and all(_binds_in_handler(rule, binding) for binding in bindings)
