"""Building blocks rules use to write fixes, and the code that applies them.

Rules build replacement nodes; they never edit text.  The helpers here answer
the questions every fix has to get right: under which name is a module
reachable at this node (``import errno as E`` makes it ``E``; a local variable
called ``errno`` makes the module unreachable there), and how to apply a set of
non-overlapping replacements and the imports they need in one go.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from ._cst_rule import ImportSpec, Replacement, Rule


def _imports_module(assignment: object, module: str, bound: str) -> bool:
    if not isinstance(assignment, Assignment):
        return False
    node = assignment.node
    if not isinstance(node, cst.Import):
        return False
    for alias in node.names:
        if alias.evaluated_name != module:
            continue
        if (alias.evaluated_alias or alias.evaluated_name) == bound:
            return True
    return False


def module_reference(rule: Rule, node: cst.CSTNode, module: str) -> tuple[str, bool] | None:
    """How ``node`` can refer to ``module``: ``(name, needs_import)`` or None.

    ``("errno", False)`` when ``import errno`` already binds it there,
    ``("E", False)`` for ``import errno as E``, ``("errno", True)`` when the
    name is free and an import must be added, and None when a local binding
    shadows the name and no alias reaches the module (the fix must then be
    declined rather than produce wrong code).
    """
    scope = rule.get_metadata(ScopeProvider, node, None)
    if scope is None:
        return None
    bindings = scope[module]
    if bindings and all(_imports_module(assignment, module, module) for assignment in bindings):
        return module, False
    # Free or shadowed: look for an alias imported at module level that reaches here.
    for assignment in scope.globals.assignments:
        name = assignment.name
        if name != module and _imports_module(assignment, module, name):
            reachable = scope[name]
            if reachable and all(_imports_module(a, module, name) for a in reachable):
                return name, False
    if not bindings:
        return module, True
    return None


def attribute_chain(dotted: str) -> cst.BaseExpression:
    """``"errno.ECONNRESET"`` as a libcst expression."""
    parts = dotted.split(".")
    expr: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, Replacement]) -> None:
        super().__init__()
        self._replacements = replacements

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNode]:
        replacement = self._replacements.get(id(original_node))
        if replacement is None:
            return updated_node
        return replacement


def apply_replacements(
    module: cst.Module, replacements: Sequence[tuple[cst.CSTNode, Replacement]]
) -> cst.Module:
    """Replace each target node (by identity) in ``module`` in one pass."""
    if not replacements:
        return module
    table = {id(target): new for target, new in replacements}
    result = module.visit(_Replace(table))
    assert isinstance(result, cst.Module)
    return result


def add_imports(module: cst.Module, imports: Iterable[ImportSpec]) -> cst.Module:
    """Add the imports that are not there yet, after the existing ones."""
    # libcst.codemod pulls in libcst.matchers (about 0.2 s to import): only
    # a run that fixes needs it.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, ImportItem

    items = [ImportItem(spec.module, spec.name) for spec in dict.fromkeys(imports)]
    if not items:
        return module
    context = CodemodContext()
    return AddImportsVisitor(context, items).transform_module(module)
