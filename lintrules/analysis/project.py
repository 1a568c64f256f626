"""Names a file imports from its own project, followed into the module that binds them.

A handler that names a class imported from the project itself (``from
._compat import SSLError``) catches whatever that module binds the name to:
``ssl.SSLError`` (which does not catch a reset) if ``_compat`` re-exports it,
``OSError`` (which does) if it says ``SSLError = OSError``.  Seen from one
file, the name means nothing certain; :class:`ProjectImports` reads the
module it comes from, on demand, and follows it:

* a relative import (``from ._compat import X``, ``from .. import m``) from
  the folder of the importing file, and an absolute one (``from
  pkg._compat import X``) when ``pkg`` is the importing file's own
  top-level package (the highest folder of ``__init__.py`` files above it);
* in that module, the module-level bindings of the name: an import (followed
  again when it is the project's own), ``X = other.Name`` or ``X = Name``,
  a ``class X`` (the project's own class, which catches only itself and
  its subclasses), a star import, several of them (``try``/``except
  ImportError``) together; anything else, a missing or unparsable module,
  or a chain deeper than :data:`MAX_DEPTH`, is unknown.

Reading files is the front end's: it hands a ``read(path)`` callable, and
records the files each lint consulted (:attr:`FileImports.consulted`), so
that a cached result is used again only while they are unchanged.  Each
module is parsed once per process while its bytes stay the same.
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Optional

from .model import Model

__all__ = ["MAX_DEPTH", "PROJECT_CLASS", "FileImports", "ProjectImports", "Reader"]

#: ``read(path)``: the file's bytes, or None when it cannot be read.
Reader = Callable[[Path], Optional[bytes]]

#: What :meth:`FileImports.resolve` gives for a class the project defines.
PROJECT_CLASS = "<project class>"
#: How many imports and assignments one name is followed through.
MAX_DEPTH = 8
#: How many modules' models one process keeps (the project's compat modules).
_KEPT = 64


class ProjectImports:
    """The modules of the linted projects, read and modelled when a name needs them."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._models: OrderedDict[Path, tuple[bytes, Model | None]] = OrderedDict()
        self._packages: dict[Path, bool] = {}

    def for_file(self, path: Path) -> FileImports:
        """The resolver of the names that the file at ``path`` imports."""
        return FileImports(self, path)

    def is_package(self, folder: Path) -> bool:
        """Whether ``folder`` holds an ``__init__.py`` (asked once per folder)."""
        known = self._packages.get(folder)
        if known is None:
            known = self._packages[folder] = self._read(folder / "__init__.py") is not None
        return known

    def locate(self, importer: Path, qualified: str) -> list[tuple[Path, str]] | None:
        """Where the module of ``qualified`` would be, and the name in it; None if not the project's.

        ``.m.X`` from ``pkg/a.py`` is ``X`` in ``pkg/m.py`` or
        ``pkg/m/__init__.py``; ``.X`` is ``X`` in ``pkg/__init__.py``; an
        absolute ``pkg.m.X`` only when ``pkg`` is the importer's own top package.
        """
        if qualified.startswith("."):
            level = len(qualified) - len(qualified.lstrip("."))
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            parts = qualified[level:].split(".")
        else:
            top = None
            folder = importer.parent
            while self.is_package(folder):
                top = folder
                if folder.parent == folder:
                    break
                folder = folder.parent
            parts = qualified.split(".")
            if top is None or len(parts) < 2 or parts[0] != top.name:
                return None
            base = top.parent
        if not all(part.isidentifier() for part in parts):
            return None
        *module, name = parts
        folder = base.joinpath(*module)
        if not module:
            return [(folder / "__init__.py", name)]
        return [(folder.with_suffix(".py"), name), (folder / "__init__.py", name)]

    def model(self, path: Path, consulted: set[str]) -> Model | None:
        """The model of the module at ``path`` (None: missing or not parsable)."""
        data = self._read(path)
        if data is None:
            return None
        consulted.add(str(path))
        kept = self._models.get(path)
        if kept is not None and kept[0] == data:
            self._models.move_to_end(path)
            return kept[1]
        model: Model | None
        try:
            model = Model.build(ast.parse(data), data.decode("utf-8", "replace"))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            model = None
        self._models[path] = (data, model)
        if len(self._models) > _KEPT:
            self._models.popitem(last=False)
        return model


class FileImports:
    """What one file's imports from its own project are bound to."""

    def __init__(self, project: ProjectImports, path: Path) -> None:
        self._project = project
        self._path = path
        #: The modules read to answer (their paths): the answers hold while they do not change.
        self.consulted: set[str] = set()

    def resolve(self, qualified: str) -> frozenset[str] | None:
        """What the imported ``qualified`` name (``.m.X``, ``pkg.m.X``) is bound to.

        Qualified names from outside the project (``ssl.SSLError``,
        ``builtins.OSError``), :data:`PROJECT_CLASS` for the project's own
        classes; None when the name is not the project's or is not known.
        """
        return self._follow(self._path, qualified, 0) or None

    def resolve_starred(self, name: str, modules: Sequence[str]) -> frozenset[str] | None:
        """What a ``name`` bound nowhere in the file is, when the file star-imports ``modules``.

        Like :meth:`resolve`, from every module that binds the name (a module
        from outside the project may bind anything: it gives ``module.name``).
        """
        found: set[str] = set()
        for module in modules:
            more = self._outside_or_followed(self._path, _member(module, name), 0)
            if more is None:
                return None
            found |= more
        return frozenset(found) or None

    def _follow(self, importer: Path, qualified: str, depth: int) -> frozenset[str] | None:
        if depth > MAX_DEPTH:
            return None
        located = self._project.locate(importer, qualified)
        if located is None:
            return None
        for module_path, name in located:
            model = self._project.model(module_path, self.consulted)
            if model is not None:
                return self._binding_of(module_path, model, name, depth + 1)
        return None

    def _outside_or_followed(self, importer: Path, qualified: str, depth: int) -> frozenset[str] | None:
        """``qualified``, imported by ``importer``: followed if the project's, else itself."""
        if self._project.locate(importer, qualified) is None:
            return frozenset({qualified})
        return self._follow(importer, qualified, depth)

    def _binding_of(self, path: Path, model: Model, name: str, depth: int) -> frozenset[str] | None:
        """What ``name`` is bound to at the top of the module at ``path``.

        Empty when the module binds no such name (not even through its star
        imports of the project's modules); None when that is not known.
        """
        if depth > MAX_DEPTH:
            return None
        bindings = model.module_scope.bindings.get(name)
        found: set[str] = set()
        if not bindings:
            for star in model.star_imports:
                more = self._outside_or_followed(path, _member(star, name), depth + 1)
                if more is None:
                    return None
                found |= more
            return frozenset(found)
        for binding in bindings:
            if binding.kind == "class":
                found.add(PROJECT_CLASS)
                continue
            imported = binding.imported
            if imported is not None:
                more = self._outside_or_followed(path, imported, depth + 1)
            elif binding.kind == "assign":
                more = self._assigned(path, model, binding.statement, depth + 1)
            else:
                return None
            if not more:
                return None
            found |= more
        return frozenset(found)

    def _assigned(
        self, path: Path, model: Model, statement: ast.AST, depth: int
    ) -> frozenset[str] | None:
        """What ``X = Name`` or ``X = module.Name`` at module level gives ``X``."""
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.value, (ast.Name, ast.Attribute))
        ):
            return None
        value = statement.value
        found: set[str] = set()
        names = model.qualified_names(value)
        if not names:
            return None
        for qualified in names:
            if qualified.source == "local":
                if not isinstance(value, ast.Name):
                    return None
                more = self._binding_of(path, model, value.id, depth + 1)
            elif qualified.source == "import":
                more = self._outside_or_followed(path, qualified.name, depth + 1)
            else:
                more = frozenset({qualified.name})
            if not more:
                return None
            found |= more
        return frozenset(found)


def _member(module: str, name: str) -> str:
    """``module.name``, where ``module`` may be a relative import's ``.`` or ``..``."""
    return module + name if module.endswith(".") else f"{module}.{name}"

