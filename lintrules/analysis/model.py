"""The semantic model of one file, built from Python's :mod:`ast` in one walk.

Every rule asks this model its questions; no rule walks the tree itself.  One
iterative walk (so no nesting depth breaks it) gives:

* the parent of every node (``model.parent(node)``, ``model.ancestors(node)``)
  and every node of a type in source order (``model.nodes(ast.Attribute)``);
* scopes (module, class, function, lambda, comprehension) with their
  bindings, ``global``/``nonlocal`` declarations, the class-scope rule (a
  function body does not see its class's names) and walrus targets, which
  bind in the enclosing non-comprehension scope;
* qualified names of names and attribute chains that come from imports
  (``import errno as E`` makes ``E.ECONNRESET`` ``errno.ECONNRESET``; a
  relative ``from .m import Y`` makes ``Y`` ``.m.Y``); a name bound nowhere
  in a module with ``from x import *`` is *unknown*, not free;
* exact source positions: :mod:`ast` columns are UTF-8 byte offsets, the
  model reports 1-based character columns, as editors and libcst do.

The walk is the cost every rule shares, so it does nothing a question does
not need: scope lookups and qualified names are computed when asked.
"""

from __future__ import annotations

import ast
import builtins
from ast import AST
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar, Union

if TYPE_CHECKING:
    from .project import FileImports

__all__ = [
    "Binding",
    "BindingKind",
    "Model",
    "QualifiedName",
    "Scope",
    "ScopeKind",
    "Source",
]

ScopeKind = Literal["module", "class", "function", "lambda", "comprehension"]
BindingKind = Literal[
    "import",  # import a.b / import a.b as c (node: ast.alias)
    "from-import",  # from m import x (node: ast.alias)
    "assign",  # a store of a Name: =, +=, :=, annotated, del (node: ast.Name)
    "for",  # a for-loop or comprehension target (node: ast.Name)
    "with",  # a with-item target (node: ast.Name)
    "function",  # def / async def (node: the FunctionDef)
    "class",  # class (node: the ClassDef)
    "parameter",  # a function or lambda parameter (node: ast.arg)
    "except",  # except ... as name (node: the ExceptHandler)
    "match",  # a capture in a match pattern (node: the pattern)
]
QualifiedSource = Literal["import", "local", "builtin"]

_BUILTINS = frozenset(dir(builtins))
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

N = TypeVar("N", bound=ast.AST)

#: The attribute the walk gives every node it reaches: its parent.  Kept on
#: the node rather than in a dict keyed by ``id()``: no key object per node
#: (tens of MB for a generated file) and no lookup by number.
_PARENT = "_nc_parent"
#: The attribute the walk gives every ``ast.Name``: the scope it is evaluated in.
_SCOPE = "_nc_scope"
Definer = Union[ast.alias, ast.Name, ast.arg, ast.AST]


class QualifiedName(NamedTuple):
    """What a name or attribute chain refers to: ``("errno.ECONNRESET", "import")``."""

    name: str
    source: QualifiedSource


class Binding:
    """One place that binds a name in a scope."""

    __slots__ = ("kind", "name", "node", "scope", "statement")

    def __init__(
        self, name: str, kind: BindingKind, node: ast.AST, scope: Scope, statement: ast.AST
    ) -> None:
        self.name = name
        self.kind: BindingKind = kind
        #: The binding node: ``ast.alias``, the stored ``ast.Name``, the
        #: ``FunctionDef``/``ClassDef``, the ``ast.arg`` or the ``ExceptHandler``.
        self.node = node
        self.scope = scope
        #: The statement (or comprehension, or lambda) the binding belongs to.
        self.statement = statement

    @property
    def imported(self) -> str | None:
        """For an import binding, the qualified name it binds (``errno``, ``.m.Y``)."""
        node = self.node
        if self.kind == "import":
            assert isinstance(node, ast.alias)
            # ``import a.b`` binds ``a``; ``import a.b as c`` binds ``a.b``.
            return node.name if node.asname else node.name.split(".", 1)[0]
        if self.kind == "from-import":
            assert isinstance(node, ast.alias)
            statement = self.statement
            assert isinstance(statement, ast.ImportFrom)
            module = "." * statement.level + (statement.module or "")
            if module.endswith("."):
                return module + node.name
            return f"{module}.{node.name}"
        return None

    def __repr__(self) -> str:
        return f"<Binding {self.kind} {self.name!r} line {getattr(self.node, 'lineno', '?')}>"


class Scope:
    """A namespace: the module, a class body, a function, a lambda or a comprehension."""

    __slots__ = (
        "bindings",
        "children",
        "declared_global",
        "declared_nonlocal",
        "kind",
        "node",
        "parent",
    )

    def __init__(self, kind: ScopeKind, node: ast.AST, parent: Scope | None) -> None:
        self.kind: ScopeKind = kind
        self.node = node
        self.parent = parent
        self.bindings: dict[str, list[Binding]] = {}
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()
        self.children: list[Scope] = []

    @property
    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def _target(self, name: str) -> Scope:
        """The scope in which a store of ``name`` here binds."""
        if name in self.declared_global:
            return self.module
        if name in self.declared_nonlocal:
            scope = self.parent
            while scope is not None:
                if scope.kind in ("function", "lambda") and (
                    name in scope.bindings or scope.parent is None
                ):
                    return scope
                scope = scope.parent
        return self

    def lookup(self, name: str) -> list[Binding]:
        """The bindings ``name`` may refer to when read in this scope (``[]``: free).

        Like Python: the scope's own bindings wherever they are in it,
        ``global``/``nonlocal`` declarations, then the enclosing scopes, class
        bodies skipped except the innermost when reading from it directly.
        """
        scope: Scope | None = self._target(name)
        first = True
        while scope is not None:
            if (first or scope.kind != "class") and name in scope.bindings:
                return scope.bindings[name]
            first = False
            scope = scope.parent
        return []

    def binds(self, name: str) -> bool:
        return name in self.bindings

    def __repr__(self) -> str:
        return f"<Scope {self.kind} line {getattr(self.node, 'lineno', 0)}>"


class Source:
    """The decoded text of a file, with line access and byte-to-character columns."""

    __slots__ = ("_ascii", "lines", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        #: The lines as Python splits them (``\\n``, ``\\r\\n`` or ``\\r``), without their ends.
        self.lines: list[str] = _python_lines(text)
        self._ascii = text.isascii()

    def column(self, line: int, byte_offset: int) -> int:
        """The 0-based character column of ``byte_offset`` on 1-based ``line``."""
        if self._ascii or not 0 < line <= len(self.lines):
            return byte_offset
        text = self.lines[line - 1]
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""


def imports_module(binding: Binding, module: str, bound: str) -> bool:
    """Whether ``binding`` is ``import module`` (``bound == module``) or ``import module as bound``."""
    alias = binding.node
    return (
        binding.kind == "import"
        and isinstance(alias, ast.alias)
        and alias.name == module
        and (alias.asname or alias.name) == bound
    )


def _python_lines(text: str) -> list[str]:
    """Split ``text`` on the line ends Python's tokenizer knows: ``\\n``, ``\\r\\n``, ``\\r``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class Span(NamedTuple):
    """A source range: 1-based lines, 0-based character columns, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


class Model:
    """The semantic model of one parsed file.  Build it with :meth:`Model.build`."""

    def __init__(self, tree: ast.Module, source: Source) -> None:
        self.tree = tree
        self.source = source
        self._scopes: dict[int, Scope] = {}  # scope-creating node -> its scope
        self._by_type: dict[type, list[ast.AST]] = {}
        self.module_scope = Scope("module", tree, None)
        #: Modules star-imported at module level (``from socket import *``).
        self.star_imports: list[str] = []
        self._module_aliases: dict[str, tuple[str, ...]] = {}
        #: What analysis modules work out once per file (their indexes), keyed
        #: by their own key.  Kept here so that it dies with the model: a
        #: cache beside it would keep every model alive that its values name.
        self.memo: dict[object, object] = {}
        #: How the names this file imports from its own project resolve
        #: (the engine sets it from the front end's reader); None: unknown.
        self.project: FileImports | None = None

    # -- construction ------------------------------------------------------
    @classmethod
    def build(cls, tree: ast.Module, text: str) -> Model:
        model = cls(tree, Source(text))
        model._walk()
        return model

    def dispose(self) -> None:
        """Take back what the walk put on the nodes, and forget the scopes and the memo.

        The parent and scope links make the tree cyclic, so only the cyclic
        GC could free it, walking every object; once they are gone, dropping
        the last reference frees the tree at once.  It also keeps nodes that
        outlive the model (shared with another tree) from keeping it alive.
        The model cannot answer questions afterwards.
        """
        for nodes in self._by_type.values():
            for node in nodes:
                attributes = node.__dict__
                attributes.pop(_PARENT, None)
                attributes.pop(_SCOPE, None)
        for scope in self._scopes.values():
            scope.bindings.clear()
            scope.children.clear()
            scope.parent = None
        self._scopes.clear()
        self._by_type.clear()
        self.memo.clear()

    def _walk(self) -> None:
        tree = self.tree
        by_type = self._by_type
        module = self.module_scope
        self._scopes[id(tree)] = module
        # (node, parent, scope, statement); popped in source order.
        stack: list[tuple[ast.AST, ast.AST, Scope, ast.AST]] = [
            (child, tree, module, child) for child in reversed(tree.body)
        ]
        pop, push = stack.pop, stack.append
        by_type[ast.Module] = [tree]
        plans = _PLANS
        while stack:
            node, parent, scope, statement = pop()
            node._nc_parent = parent  # type: ignore[attr-defined]
            kind = type(node)
            plan = plans.get(kind)
            if plan is None:
                plan = _plan(kind)
            statement_kind, special, fields = plan
            nodes = by_type.get(kind)
            if nodes is None:
                by_type[kind] = [node]
            else:
                nodes.append(node)
            if statement_kind:
                statement = node
            if special:
                if special == _NAME:
                    assert isinstance(node, ast.Name)
                    node._nc_scope = scope  # type: ignore[attr-defined]
                    if not isinstance(node.ctx, ast.Load):
                        self._bind(
                            scope._target(node.id), node.id, _store_kind(parent), node, statement
                        )
                    continue
                if special == _DEFINITION:
                    self._enter_definition(node, parent, scope, statement, stack)
                    continue
                if special == _COMPREHENSION:
                    self._enter_comprehension(node, scope, stack)
                    continue
                if special == _WALRUS:
                    assert isinstance(node, ast.NamedExpr)
                    # The walrus target binds outside any comprehension.
                    outer = scope
                    while outer.kind == "comprehension" and outer.parent is not None:
                        outer = outer.parent
                    walrus = node.target
                    walrus._nc_scope = scope  # type: ignore[attr-defined]
                    walrus._nc_parent = node  # type: ignore[attr-defined]
                    by_type.setdefault(ast.Name, []).append(walrus)
                    self._bind(outer._target(walrus.id), walrus.id, "assign", walrus, statement)
                    push((node.value, node, scope, statement))
                    continue
                self._declare(node, special, scope, statement)
            # Children in reverse, so that they pop in source order.
            for field in fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    for item in reversed(value):
                        if isinstance(item, AST):
                            push((item, node, scope, statement))
                elif isinstance(value, AST):
                    push((value, node, scope, statement))

    def _declare(self, node: ast.AST, special: int, scope: Scope, statement: ast.AST) -> None:
        """What an import, ``global``, ``nonlocal``, ``except ... as`` or match capture binds."""
        if special == _IMPORT:
            self._bind_imports(node, scope)
        elif special == _GLOBAL:
            assert isinstance(node, ast.Global)
            scope.declared_global.update(node.names)
        elif special == _NONLOCAL:
            assert isinstance(node, ast.Nonlocal)
            scope.declared_nonlocal.update(node.names)
        elif special == _EXCEPT:
            assert isinstance(node, ast.ExceptHandler)
            if node.name:
                self._bind(scope._target(node.name), node.name, "except", node, node)
        else:  # a match capture
            name = getattr(node, "name", None) or getattr(node, "rest", None)
            if name:
                self._bind(scope._target(name), name, "match", node, statement)

    def _bind(
        self, scope: Scope, name: str, kind: BindingKind, node: ast.AST, statement: ast.AST
    ) -> None:
        binding = Binding(name, kind, node, scope, statement)
        found = scope.bindings.get(name)
        if found is None:
            scope.bindings[name] = [binding]
        else:
            found.append(binding)

    def _bind_imports(self, node: ast.AST, scope: Scope) -> None:
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names:
            alias._nc_parent = node  # type: ignore[attr-defined]
            self._by_type.setdefault(ast.alias, []).append(alias)
            if alias.name == "*":
                if isinstance(node, ast.ImportFrom) and scope.kind == "module":
                    self.star_imports.append("." * node.level + (node.module or ""))
                continue
            if isinstance(node, ast.Import):
                bound = alias.asname or alias.name.split(".", 1)[0]
                self._bind(scope._target(bound), bound, "import", alias, node)
            else:
                bound = alias.asname or alias.name
                self._bind(scope._target(bound), bound, "from-import", alias, node)

    def _enter_definition(
        self,
        node: ast.AST,
        parent: ast.AST | None,
        scope: Scope,
        statement: ast.AST,
        stack: list[tuple[ast.AST, ast.AST, Scope, ast.AST]],
    ) -> None:
        """Push a def, class or lambda: its header in ``scope``, its body in a new one."""
        outer: list[ast.AST] = []
        inner: list[ast.AST] = []
        if isinstance(node, ast.ClassDef):
            self._bind(scope._target(node.name), node.name, "class", node, node)
            new = Scope("class", node, scope)
            outer = [*node.decorator_list, *node.bases, *node.keywords]
            outer.extend(getattr(node, "type_params", ()))
            inner = list(node.body)
        else:
            assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(node, ast.Lambda):
                new = Scope("lambda", node, scope)
            else:
                self._bind(scope._target(node.name), node.name, "function", node, node)
                new = Scope("function", node, scope)
                outer = [*node.decorator_list]
                if node.returns is not None:
                    outer.append(node.returns)
                outer.extend(getattr(node, "type_params", ()))
            arguments = node.args
            arguments._nc_parent = node  # type: ignore[attr-defined]
            self._by_type.setdefault(ast.arguments, []).append(arguments)
            outer.extend(d for d in arguments.defaults)
            outer.extend(d for d in arguments.kw_defaults if d is not None)
            for arg in _all_args(arguments):
                arg._nc_parent = arguments  # type: ignore[attr-defined]
                self._by_type.setdefault(ast.arg, []).append(arg)
                self._bind(new, arg.arg, "parameter", arg, node)
                if arg.annotation is not None:
                    outer.append(arg.annotation)
            inner = list(node.body) if isinstance(node.body, list) else [node.body]
        scope.children.append(new)
        self._scopes[id(node)] = new
        pushed: list[tuple[ast.AST, ast.AST, Scope, ast.AST]] = []
        for child in outer:
            parent_of = arguments if _is_in_arguments(child, node) else node
            pushed.append((child, parent_of, scope, statement))
        body_statement = statement if isinstance(node, ast.Lambda) else node
        for child in inner:
            pushed.append(
                (child, node, new, child if isinstance(child, ast.stmt) else body_statement)
            )
        pushed.reverse()
        stack.extend(pushed)

    def _enter_comprehension(
        self,
        node: ast.AST,
        scope: Scope,
        stack: list[tuple[ast.AST, ast.AST, Scope, ast.AST]],
    ) -> None:
        assert isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
        new = Scope("comprehension", node, scope)
        scope.children.append(new)
        self._scopes[id(node)] = new
        statement = self._statement_for(node)
        pushed: list[tuple[ast.AST, ast.AST, Scope, ast.AST]] = []
        for index, generator in enumerate(node.generators):
            generator._nc_parent = node  # type: ignore[attr-defined]
            self._by_type.setdefault(ast.comprehension, []).append(generator)
            # The first iterable is evaluated outside; everything else inside.
            pushed.append((generator.iter, generator, scope if index == 0 else new, statement))
            pushed.append((generator.target, generator, new, statement))
            pushed.extend((test, generator, new, statement) for test in generator.ifs)
        if isinstance(node, ast.DictComp):
            pushed.append((node.key, node, new, statement))
            pushed.append((node.value, node, new, statement))
        else:
            pushed.append((node.elt, node, new, statement))
        pushed.reverse()
        stack.extend(pushed)

    def _statement_for(self, node: ast.AST) -> ast.AST:
        current: ast.AST | None = node
        while current is not None and not isinstance(current, ast.stmt):
            current = getattr(current, _PARENT, None)
        return current if current is not None else self.tree

    # -- the tree ----------------------------------------------------------
    def nodes(self, kind: type[N]) -> Sequence[N]:
        """Every node of class ``kind`` (exactly, not subclasses), in source order."""
        found = self._by_type.get(kind, ())
        return found  # type: ignore[return-value]

    def has(self, kind: type[ast.AST]) -> bool:
        return kind in self._by_type

    def parent(self, node: ast.AST) -> ast.AST | None:
        return getattr(node, _PARENT, None)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """The parents of ``node``, nearest first, up to the module."""
        current = getattr(node, _PARENT, None)
        while current is not None:
            yield current
            current = getattr(current, _PARENT, None)

    def statement_of(self, node: ast.AST) -> ast.stmt | None:
        """The innermost statement holding ``node`` (``node`` itself if it is one)."""
        current: ast.AST | None = node
        while current is not None and not isinstance(current, ast.stmt):
            current = getattr(current, _PARENT, None)
        return current

    def enclosing_function(self, node: ast.AST) -> ast.AST | None:
        """The innermost def, async def or lambda around ``node`` (None at module or class level)."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (*_FUNCTIONS, ast.Lambda)):
                return ancestor
            if isinstance(ancestor, ast.ClassDef):
                return None
        return None

    # -- scopes and names ----------------------------------------------------
    def scope_of(self, node: ast.AST) -> Scope:
        """The scope in which ``node`` is evaluated."""
        found: Scope | None = getattr(node, _SCOPE, None)
        if found is not None:
            return found
        child = node
        for ancestor in self.ancestors(node):
            scope = self._scopes.get(id(ancestor))
            if scope is not None:
                if _evaluated_inside(ancestor, child):
                    return scope
                return scope.parent if scope.parent is not None else scope
            child = ancestor
        return self.module_scope

    def scope_created_by(self, node: ast.AST) -> Scope | None:
        """The scope a def, class, lambda or comprehension creates."""
        return self._scopes.get(id(node))

    def lookup(self, name: ast.Name) -> list[Binding]:
        """The bindings the name may refer to where it stands (``[]``: free)."""
        return self.scope_of(name).lookup(name.id)

    def value_bindings(self, name: ast.Name) -> list[Binding]:
        """The bindings that may give the name its value where it is read.

        :meth:`lookup` without ``del name``, which makes the name local but
        binds no value (libcst's scopes read it the same way).
        """
        return [
            binding
            for binding in self.lookup(name)
            if not (isinstance(binding.node, ast.Name) and isinstance(binding.node.ctx, ast.Del))
        ]

    def assigned_value(self, name: ast.Name) -> ast.expr | None:
        """The value of ``name`` when one plain assignment (``name = value``,
        a single target) binds it where it is read."""
        found = self.value_bindings(name)
        if len(found) != 1 or found[0].kind != "assign":
            return None
        target = found[0].node
        statement = self.parent(target)
        if isinstance(statement, ast.Assign) and statement.targets == [target]:
            return statement.value
        return None

    def unknown(self, name: ast.Name) -> bool:
        """Whether a free name may come from a star import (so it means nothing certain)."""
        return bool(self.star_imports) and not self.lookup(name) and name.id not in _BUILTINS

    def qualified_names(self, expr: ast.AST) -> set[QualifiedName]:
        """What a name or attribute chain refers to, as libcst's provider says it.

        ``E.ECONNRESET`` after ``import errno as E`` gives
        ``{("errno.ECONNRESET", "import")}``; a local ``class errno`` gives
        ``{("errno", "local")}``; a free builtin ``{("builtins.ValueError",
        "builtin")}``; anything else (a call result, a free name) the empty set.
        """
        attributes: list[str] = []
        current = expr
        while isinstance(current, ast.Attribute):
            attributes.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            return set()
        suffix = "".join("." + a for a in reversed(attributes))
        bindings = self.lookup(current)
        if not bindings:
            if current.id in _BUILTINS and not self.star_imports:
                return {QualifiedName(f"builtins.{current.id}{suffix}", "builtin")}
            if current.id in _BUILTINS:
                return {QualifiedName(f"builtins.{current.id}{suffix}", "builtin")}
            return set()
        found: set[QualifiedName] = set()
        for binding in bindings:
            imported = binding.imported
            if imported is not None:
                if binding.kind == "import" and not attributes:
                    found.add(QualifiedName(imported, "import"))
                elif binding.kind == "import" and isinstance(binding.node, ast.alias):
                    found.add(
                        QualifiedName(_import_chain(binding.node, current.id, attributes), "import")
                    )
                else:
                    found.add(QualifiedName(imported + suffix, "import"))
            else:
                found.add(QualifiedName(self._local_name(binding) + suffix, "local"))
        return found

    def imported_names(self, expr: ast.AST) -> set[str]:
        """The import-sourced qualified names of ``expr`` (``{"errno.ECONNRESET"}``)."""
        return {q.name for q in self.qualified_names(expr) if q.source == "import"}

    def module_aliases(self, module: str) -> tuple[str, ...]:
        """Names the module scope binds (among others) to ``import module [as name]``, in order.

        Computed once per module name: a fix asks it for every finding, and a
        generated file may hold tens of thousands of both.
        """
        found = self._module_aliases.get(module)
        if found is None:
            found = tuple(
                name
                for name, bindings in self.module_scope.bindings.items()
                if any(imports_module(binding, module, name) for binding in bindings)
            )
            self._module_aliases[module] = found
        return found

    def _local_name(self, binding: Binding) -> str:
        parts = [binding.name]
        scope: Scope | None = binding.scope
        while scope is not None and scope.parent is not None:
            node = scope.node
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                if scope.kind == "function":
                    parts.append("<locals>")
                parts.append(node.name)
            elif isinstance(node, ast.Lambda):
                parts.extend(("<locals>", "<lambda>"))
            else:
                parts.extend(("<locals>", "<comprehension>"))
            scope = scope.parent
        return ".".join(reversed(parts))

    # -- exception handlers --------------------------------------------------
    def enclosing_handler(self, node: ast.AST) -> ast.ExceptHandler | None:
        """The ``except`` clause whose body holds ``node``, within its own function."""
        child = node
        for parent in self.ancestors(node):
            if isinstance(parent, (*_FUNCTIONS, ast.ClassDef, ast.Lambda)):
                return None
            if isinstance(parent, ast.ExceptHandler) and child in parent.body:
                return parent
            child = parent
        return None

    def binding_handler(self, name: ast.Name) -> ast.ExceptHandler | None:
        """The ``except ... as NAME`` clause whose body this use of the name is in.

        The search is lexical and stops at the enclosing function, class or
        lambda, so of two handlers binding ``e`` in one function the one
        around the use is found.  A rebinding inside the body is not noticed
        (:meth:`bound_only_by_except` tells).
        """
        child: ast.AST = name
        for parent in self.ancestors(name):
            if isinstance(parent, (*_FUNCTIONS, ast.ClassDef, ast.Lambda)):
                return None
            if (
                isinstance(parent, ast.ExceptHandler)
                and parent.name == name.id
                and any(child is statement for statement in parent.body)
            ):
                return parent
            child = parent
        return None

    def bound_only_by_except(self, name: ast.Name) -> bool:
        """Whether every binding of the name, where it is used, is an ``except ... as`` clause."""
        bindings = self.value_bindings(name)
        return bool(bindings) and all(binding.kind == "except" for binding in bindings)

    # -- positions -----------------------------------------------------------
    def span(self, node: ast.AST) -> Span:
        """The node's range with character columns (an ``ast.alias`` on 3.9 included)."""
        line = getattr(node, "lineno", None)
        if line is None:
            return self._alias_span(node)
        column = self.source.column(line, node.col_offset)  # type: ignore[attr-defined]
        end_line = node.end_lineno  # type: ignore[attr-defined]
        end_column = self.source.column(end_line, node.end_col_offset)  # type: ignore[attr-defined]
        return Span(line, column, end_line, end_column)

    def _alias_span(self, node: ast.AST) -> Span:
        """An ``ast.alias`` has no position before Python 3.10: find it in its statement."""
        statement = self.parent(node)
        if not isinstance(node, ast.alias) or statement is None:
            return Span(1, 0, 1, 0)
        return _find_alias(self, statement, node)

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node`` (lines joined with ``\\n``), without parentheses around it.

        Sliced from the lines the node spans: asking costs the node's size, not the file's.
        """
        span = self.span(node)
        line = self.source.line
        if span.line == span.end_line:
            return line(span.line)[span.column : span.end_column]
        lines = [line(span.line)[span.column :]]
        lines.extend(line(number) for number in range(span.line + 1, span.end_line))
        lines.append(line(span.end_line)[: span.end_column])
        return "\n".join(lines)

    def written(self, node: ast.AST, after: tuple[int, int]) -> str:
        """The source of ``node`` with its own parentheses, as libcst renders the node.

        :mod:`ast` positions leave a node's parentheses out: the value of
        ``(e).x`` spans ``e``.  ``after`` (1-based line, character column) is
        where the syntax before the node ends (the start of ``(e).x``, the end
        of ``except``): each ``(`` between it and the node opens one of the
        node's own parentheses, closed by as many ``)`` after it.
        """
        span = self.span(node)
        lines = self.source.lines
        line, column = after
        begin: tuple[int, int] | None = None
        opened = 0
        while (line, column) < (span.line, span.column):
            text = self.source.line(line)
            if column >= len(text) or text[column] == "#":
                line, column = line + 1, 0
                continue
            if text[column] == "(":
                opened += 1
                begin = begin or (line, column)
            column += 1
        line, column = span.end_line, span.end_column
        while opened and line <= len(lines):
            text = self.source.line(line)
            char = text[column] if column < len(text) else "\n"
            if char in "#\n" or (char == "\\" and column == len(text) - 1):
                line, column = line + 1, 0
                continue
            if char == ")":
                opened -= 1
            column += 1
        if begin is None or opened:
            return self._between((span.line, span.column), (span.end_line, span.end_column))
        return self._between(begin, (line, column))

    def _between(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        """The source between two (1-based line, character column) positions."""
        (line, column), (end_line, end_column) = start, end
        if line == end_line:
            return self.source.line(line)[column:end_column]
        parts = [self.source.line(line)[column:]]
        parts.extend(self.source.line(number) for number in range(line + 1, end_line))
        parts.append(self.source.line(end_line)[:end_column])
        return "\n".join(parts)


#: Fields that hold no node worth a visit: the ``Load``/``Store``/``Del``
#: singletons (shared by every name, so they have no one parent) and the
#: ``and``/``+``/``==`` operator singletons.
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops"})


# What the walk does at a node of each class, besides recording it and its parent.
_NAME, _DEFINITION, _COMPREHENSION, _WALRUS, _IMPORT, _GLOBAL, _NONLOCAL, _EXCEPT, _CAPTURE = range(
    1, 10
)
_SPECIAL: dict[str, int] = {
    "Name": _NAME,
    "FunctionDef": _DEFINITION,
    "AsyncFunctionDef": _DEFINITION,
    "Lambda": _DEFINITION,
    "ClassDef": _DEFINITION,
    "ListComp": _COMPREHENSION,
    "SetComp": _COMPREHENSION,
    "DictComp": _COMPREHENSION,
    "GeneratorExp": _COMPREHENSION,
    "NamedExpr": _WALRUS,
    "Import": _IMPORT,
    "ImportFrom": _IMPORT,
    "Global": _GLOBAL,
    "Nonlocal": _NONLOCAL,
    "ExceptHandler": _EXCEPT,
    "MatchAs": _CAPTURE,
    "MatchStar": _CAPTURE,
    "MatchMapping": _CAPTURE,
}
#: Per ``ast`` class: (is a statement, its _SPECIAL code or 0, its child-holding
#: fields in reverse order), computed once per class.
_PLANS: dict[type, tuple[bool, int, tuple[str, ...]]] = {}


def _plan(kind: type) -> tuple[bool, int, tuple[str, ...]]:
    fields = [f for f in getattr(kind, "_fields", ()) if f not in _SKIPPED_FIELDS]
    found = _PLANS[kind] = (
        issubclass(kind, ast.stmt),
        _SPECIAL.get(kind.__name__, 0),
        tuple(reversed(fields)),
    )
    return found


def _store_kind(parent: ast.AST | None) -> BindingKind:
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)):
        return "for"
    if isinstance(parent, ast.withitem):
        return "with"
    return "assign"


def _all_args(arguments: ast.arguments) -> list[ast.arg]:
    found = [*arguments.posonlyargs, *arguments.args]
    if arguments.vararg is not None:
        found.append(arguments.vararg)
    found.extend(arguments.kwonlyargs)
    if arguments.kwarg is not None:
        found.append(arguments.kwarg)
    return found


def _is_in_arguments(child: ast.AST, node: ast.AST) -> bool:
    arguments = getattr(node, "args", None)
    if not isinstance(arguments, ast.arguments):
        return False
    return any(child is d for d in (*arguments.defaults, *arguments.kw_defaults)) or any(
        child is a.annotation for a in _all_args(arguments)
    )


def _evaluated_inside(owner: ast.AST, child: ast.AST) -> bool:
    """Whether ``child`` of scope-creating ``owner`` is evaluated in ``owner``'s scope."""
    if isinstance(owner, ast.ClassDef):
        return any(child is statement for statement in owner.body)
    if isinstance(owner, _FUNCTIONS):
        return any(child is statement for statement in owner.body)
    if isinstance(owner, ast.Lambda):
        return child is owner.body
    if isinstance(owner, _COMPREHENSIONS):
        if isinstance(child, ast.comprehension):
            return True  # its iter is handled by the walk's own record
        return True
    return True


def _import_chain(alias: ast.alias, bound: str, attributes: list[str]) -> str:
    """``import a.b.c`` binds ``a``; ``a.b.x`` then names ``a.b.x`` (libcst's reading)."""
    if alias.asname:
        return alias.name + "".join("." + a for a in reversed(attributes))
    return bound + "".join("." + a for a in reversed(attributes))


def _find_alias(model: Model, statement: ast.AST, alias: ast.alias) -> Span:
    """Locate ``alias`` in the text of its import statement (Python 3.9 has no alias positions)."""
    import io
    import tokenize

    start = model.span(statement)
    lines = model.source.lines[start.line - 1 : start.end_line]
    if not lines:
        return Span(start.line, start.column, start.line, start.column)
    first = lines[0][start.column :]
    text = "\n".join([first, *lines[1:]])
    names = statement.names if isinstance(statement, (ast.Import, ast.ImportFrom)) else []
    index = next(i for i, a in enumerate(names) if a is alias)
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(text).readline)
        if t.type
        not in (
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.COMMENT,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        )
    ]
    # Skip to after "import", then walk the comma-separated aliases.
    position = next(i for i, t in enumerate(tokens) if t.string == "import") + 1
    if position < len(tokens) and tokens[position].string == "(":
        position += 1
    current = 0
    begin = tokens[position]
    end = begin
    for token in tokens[position:]:
        if token.string in (",", ")"):
            if current == index:
                break
            current += 1
            begin = None  # type: ignore[assignment]
            continue
        if begin is None:
            begin = token
        end = token

    def place(row: int, col: int) -> tuple[int, int]:
        return start.line + row - 1, col + (start.column if row == 1 else 0)

    line, column = place(*begin.start)
    end_line, end_column = place(*end.end)
    return Span(line, column, end_line, end_column)
