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

The other way round, :meth:`FileImports.callers` finds the project's
other modules that use a name (a method nobody in its own file calls:
``helper.prepare(sock)`` in the module that picks the helper), for the
guards around those calls.  The project is the importing file's top-level
package; its other files that mention the name, bar test files, are
modelled, as long as there are at most :data:`MAX_CALLER_FILES` of them.

Reading files is the front end's: it hands a ``read(path)`` callable, and
records the files each lint consulted (:attr:`FileImports.consulted`), so
that a cached result is used again only while they are unchanged.  A search
for callers depends on every file of the package (a new caller can appear
anywhere): it is recorded as one key, :func:`callers_key`, whose
:func:`callers_digest` covers the package's listing and the bytes of the
files that mention the name.  Each module is parsed once per process while
its bytes stay the same.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Optional

from .model import Model

__all__ = [
    "CALLERS_PREFIX",
    "MAX_CALLER_FILES",
    "MAX_DEPTH",
    "PROJECT_CLASS",
    "FileImports",
    "ProjectImports",
    "Reader",
    "callers_digest",
    "callers_key",
    "is_test_file",
    "package_files",
    "read_package",
    "split_callers_key",
]

#: ``read(path)``: the file's bytes, or None when it cannot be read.
Reader = Callable[[Path], Optional[bytes]]

#: What :meth:`FileImports.resolve` gives for a class the project defines.
PROJECT_CLASS = "<project class>"
#: How many imports and assignments one name is followed through.
MAX_DEPTH = 8
#: How many modules' models one process keeps (the project's compat modules).
_KEPT = 64
#: The most files a search for a name's callers models; more, and it gives up.
MAX_CALLER_FILES = 16
#: How a consulted key that stands for a search for callers starts.
CALLERS_PREFIX = "callers:"
#: Folders a package's listing does not enter.
_SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "site-packages"})

_TEST_NAMES = (
    "test_*.py",
    "*_test.py",
    "*_tests.py",
    "tests.py",
    "testcase.py",
    "testcases.py",
    "conftest.py",
)
_TEST_FOLDERS = frozenset({"test", "tests"})


def is_test_file(path: str | None) -> bool:
    """Whether ``path`` names test code: ``test_*.py``, ``*_test.py``,
    ``*_tests.py``, ``tests.py``, ``testcase.py``, ``testcases.py`` (the
    shared test cases and servers of a test suite), ``conftest.py``, or a
    file under a ``test/`` or ``tests/`` folder.

    The path is the one the front end gives (relative to the configuration's
    root when the file is inside it); None (a source with no file name) is
    not test code.
    """
    if not path:
        return False
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if not parts:
        return False
    name = parts[-1]
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in _TEST_NAMES):
        return True
    return any(part in _TEST_FOLDERS for part in parts[:-1])


def package_files(root: Path) -> list[Path]:
    """The ``*.py`` files under a package's folder, sorted (not in hidden
    folders, ``__pycache__`` and the like)."""
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(
            f for f in folders if not f.startswith(".") and f not in _SKIPPED_FOLDERS
        )
        found += (Path(folder, f) for f in sorted(files) if f.endswith(".py"))
    return found


def callers_key(root: Path, name: str) -> str:
    """The consulted key of a search for ``name``'s callers in the package at ``root``."""
    return f"{CALLERS_PREFIX}{root}\0{name}"


def split_callers_key(key: str) -> tuple[Path, str]:
    """The package folder and the name of a :func:`callers_key`."""
    root, _, name = key[len(CALLERS_PREFIX) :].partition("\0")
    return Path(root), name


def read_package(root: Path, read: Reader) -> list[tuple[Path, bytes]]:
    """Each ``*.py`` file of the package at ``root`` with its bytes (empty when unreadable)."""
    return [(path, read(path) or b"") for path in package_files(root)]


def callers_digest(files: Sequence[tuple[Path, bytes]], name: str) -> bytes:
    """What a search for ``name``'s callers depends on: the package's listing
    (``files``, from :func:`read_package`), and the bytes of each of its
    files that mention the name."""
    needle = name.encode()
    digest = hashlib.blake2b(digest_size=16)
    for path, data in files:
        digest.update(os.fsencode(path) + b"\0")
        if needle in data:
            digest.update(hashlib.blake2b(data, digest_size=16).digest())
    return digest.digest()


class ProjectImports:
    """The modules of the linted projects, read and modelled when a name needs them."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self._models: OrderedDict[Path, tuple[bytes, Model | None]] = OrderedDict()
        self._packages: dict[Path, bool] = {}
        self._listings: dict[Path, list[tuple[Path, bytes]]] = {}
        self._imports: dict[Path, FileImports] = {}

    def for_file(self, path: Path) -> FileImports:
        """The resolver of the names that the file at ``path`` imports."""
        return FileImports(self, path)

    def is_package(self, folder: Path) -> bool:
        """Whether ``folder`` holds an ``__init__.py`` (asked once per folder)."""
        known = self._packages.get(folder)
        if known is None:
            known = self._packages[folder] = self._read(folder / "__init__.py") is not None
        return known

    def top_package(self, path: Path) -> Path | None:
        """The highest folder of ``__init__.py`` files above ``path``; None outside a package."""
        top = None
        folder = path.parent
        while self.is_package(folder):
            top = folder
            if folder.parent == folder:
                break
            folder = folder.parent
        return top

    def mentions(self, root: Path, name: str) -> list[Path]:
        """The files of the package at ``root`` whose bytes contain ``name``."""
        listing = self._listings.get(root)
        if listing is None:
            listing = self._listings[root] = read_package(root, self._read)
        needle = name.encode()
        return [path for path, data in listing if needle in data]

    def new_run(self) -> None:
        """Forget what the folders held: a process that lints again sees files
        made or removed since (the models stay, checked against the bytes)."""
        self._packages.clear()
        self._listings.clear()

    def imports_of(self, path: Path, model: Model) -> FileImports:
        """The resolver of another module's imports, set on its model (made once:
        it keeps what that module's analysis consulted)."""
        found = self._imports.get(path)
        if found is None:
            found = self._imports[path] = FileImports(self, path)
        model.project = found
        return found

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
            top = self.top_package(importer)
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
        self._consulted: set[str] = set()
        self._borrowed: dict[Path, FileImports] = {}

    @property
    def consulted(self) -> set[str]:
        """The modules read to answer (their paths, and :func:`callers_key`
        keys): the answers hold while they do not change.  They include what
        the analysis of the callers' modules consulted."""
        found: set[str] = set()
        todo: list[FileImports] = [self]
        seen: set[int] = set()
        while todo:
            imports = todo.pop()
            if id(imports) not in seen:
                seen.add(id(imports))
                found |= imports._consulted
                todo += imports._borrowed.values()
        return found

    def callers(self, name: str) -> list[Model] | None:
        """The models of the package's other files that mention ``name``, test
        files aside (their uses are the tests', not callers to rely on); None
        when the file is in no package, or more than :data:`MAX_CALLER_FILES`
        files mention it.  Each model's ``project`` is set, so that its own
        imports resolve."""
        root = self._project.top_package(self._path)
        if root is None:
            return None
        self._consulted.add(callers_key(root, name))
        paths = [
            path
            for path in self._project.mentions(root, name)
            if path != self._path and not is_test_file(path.relative_to(root.parent).as_posix())
        ]
        if len(paths) > MAX_CALLER_FILES:
            return None
        found = []
        for path in paths:
            model = self._project.model(path, self._consulted)
            if model is not None:
                self._borrowed[path] = self._project.imports_of(path, model)
                found.append(model)
        return found

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
            model = self._project.model(module_path, self._consulted)
            if model is not None:
                return self._binding_of(module_path, model, name, depth + 1)
        return None

    def _outside_or_followed(
        self, importer: Path, qualified: str, depth: int
    ) -> frozenset[str] | None:
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
