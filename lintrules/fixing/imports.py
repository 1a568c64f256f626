"""Adding the imports a fix needs where isort (and ruff's ``I`` rules) would put them.

A module's imports come in sections, each a group of lines separated from the
next by a blank line: ``from __future__``, the standard library, third-party
packages, then the project's own (relative imports last).  Within a section,
``import x`` lines come before ``from x import y`` lines, each sorted by module
name without regard to case.  A new import joins that order:

* ``import errno`` goes into the standard-library group, ``import netcompat``
  into the third-party one (the first group of absolute imports that are not
  the standard library's: which of those are the project's own only the
  project's settings know, so the first such group is taken as third-party);
* a section the module lacks becomes a new group in its place: after
  ``from __future__`` imports and the module docstring, never after the
  relative imports;
* the module's style is kept: a name joins a combined ``import os, sys`` line
  or an existing ``from x import (...)``, in sorted position, with the
  neighbours' spacing;
* an import already at module level (``import errno``, not ``import errno
  as E``: the fix then writes ``errno.X`` and needs the plain one) is not
  added again.

Imports are looked for at module level, before the first function or class.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Union

import libcst as cst

from ..rule import ImportSpec

__all__ = ["add_imports", "section_of"]

Section = Literal["future", "stdlib", "thirdparty", "local"]
_ImportStatement = Union[cst.Import, cst.ImportFrom]
_Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]


def _stdlib_names() -> frozenset[str]:
    """The top-level names of the standard library on the running Python."""
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return frozenset(names)
    # Python 3.9 has no such list: the modules of the standard library's own
    # folders (site-packages is not a module name), and the built-in ones.
    import os
    import pkgutil
    import sysconfig

    paths = sysconfig.get_paths()
    folders = [paths["stdlib"], os.path.join(paths["stdlib"], "lib-dynload")]
    found = {module.name for module in pkgutil.iter_modules(folders)}
    return frozenset(found | set(sys.builtin_module_names))


_STDLIB = _stdlib_names()


def section_of(module: str, level: int = 0) -> Section:
    """The isort section of an import of ``module`` (``level``: its leading dots)."""
    if level:
        return "local"
    top = module.partition(".")[0]
    if top == "__future__":
        return "future"
    return "stdlib" if top in _STDLIB else "thirdparty"


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    assert isinstance(node, cst.Name)
    return node.value


@dataclass
class _Line:
    """One module-level import line: its place in ``Module.body`` and what it imports."""

    index: int
    statement: _ImportStatement
    section: Section
    module: str  # the first module a plain import names, or the from-import's module

    @property
    def plain(self) -> bool:
        return isinstance(self.statement, cst.Import)

    def key(self) -> tuple[str, str, str]:
        """isort's order of lines: module name ignoring case, then with case, then alias."""
        statement = self.statement
        alias = ""
        if isinstance(statement, cst.Import) and statement.names[0].asname is not None:
            alias = _dotted(statement.names[0].asname.name)
        return self.module.lower(), self.module, alias


def _import_lines(module: cst.Module) -> list[list[_Line]]:
    """The module's import groups, in order: runs of import lines without a blank line between."""
    groups: list[list[_Line]] = []
    previous = -2
    for index, statement in enumerate(module.body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break
        if not isinstance(statement, cst.SimpleStatementLine) or not all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            continue
        first = statement.body[0]
        assert isinstance(first, (cst.Import, cst.ImportFrom))
        if isinstance(first, cst.Import):
            name = _dotted(first.names[0].name)
            line = _Line(index, first, section_of(name), name)
        else:
            name = "" if first.module is None else _dotted(first.module)
            line = _Line(index, first, section_of(name, len(first.relative)), name)
        blank_above = any(empty.comment is None for empty in statement.leading_lines)
        if index != previous + 1 or blank_above or not groups:
            groups.append([])
        groups[-1].append(line)
        previous = index
    return groups


def _present(module: cst.Module, spec: ImportSpec) -> bool:
    """Whether a module-level statement already imports ``spec`` under its own name."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import) and spec.name is None:
                if any(
                    alias.asname is None and _dotted(alias.name) == spec.module
                    for alias in small.names
                ):
                    return True
            elif (
                isinstance(small, cst.ImportFrom)
                and spec.name is not None
                and not small.relative
                and small.module is not None
                and _dotted(small.module) == spec.module
                and not isinstance(small.names, cst.ImportStar)
                and any(
                    _dotted(alias.name) == spec.name
                    and (alias.asname is None or _dotted(alias.asname.name) == spec.name)
                    for alias in small.names
                )
            ):
                return True
    return False


def _member_key(name: str) -> tuple[int, str, str]:
    """isort's order of names in ``from x import ...``: CONSTANTS, Classes, then the rest."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name


# -- blank lines -------------------------------------------------------------------

_BLANK = cst.EmptyLine()


def _split_leading(statement: _Statement) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """A statement's lines above it: the blank lines first, then the rest (comments)."""
    lines = list(statement.leading_lines)
    blank = 0
    while blank < len(lines) and lines[blank].comment is None:
        blank += 1
    return lines[:blank], lines[blank:]


def _with_leading(statement: _Statement, lines: Sequence[cst.EmptyLine]) -> _Statement:
    return statement.with_changes(leading_lines=list(lines))


def _after_imports(statement: _Statement) -> _Statement:
    """``statement`` following an import block: two blank lines above a def or class, else one or more."""
    blank, rest = _split_leading(statement)
    wanted = 2 if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) else max(1, len(blank))
    return _with_leading(statement, [_BLANK] * wanted + rest)


# -- building and placing -----------------------------------------------------------


def _name(dotted: str) -> cst.Attribute | cst.Name:
    parts = dotted.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return node


def _new_statement(spec: ImportSpec) -> cst.SimpleStatementLine:
    if spec.name is None:
        small: _ImportStatement = cst.Import([cst.ImportAlias(_name(spec.module))])
    else:
        small = cst.ImportFrom(
            module=_name(spec.module), names=[cst.ImportAlias(cst.Name(spec.name))]
        )
    return cst.SimpleStatementLine([small])


def _join(statement: _ImportStatement, alias: cst.ImportAlias, position: int) -> _ImportStatement:
    """``statement`` with ``alias`` at ``position`` of its names, spaced like its neighbours."""
    names = list(statement.names)  # type: ignore[arg-type]
    inner = next(
        (n.comma for n in names[:-1] if isinstance(n.comma, cst.Comma)),
        cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
    )
    if position == len(names):
        last = names[-1]
        names[-1] = last.with_changes(comma=inner)
        names.append(alias.with_changes(comma=last.comma))
    else:
        names.insert(position, alias.with_changes(comma=inner))
    return statement.with_changes(names=names)


def _insert_before(body: list[_Statement], at: int, new: _Statement, *, new_group: bool) -> None:
    """Put ``new`` before ``body[at]``: it takes the blank lines above that statement.

    ``new_group``: it starts a group of its own, so the statement after it is
    set off by a blank line (or by the blank lines code wants after imports).
    """
    if at == len(body):
        body.append(new)
        return
    following = body[at]
    blank, rest = _split_leading(following)
    body.insert(at, _with_leading(new, blank))
    if not new_group:
        body[at + 1] = _with_leading(following, rest)
    elif _is_import_line(following):
        body[at + 1] = _with_leading(following, [_BLANK, *rest])
    else:
        body[at + 1] = _after_imports(_with_leading(following, rest))


def _is_import_line(statement: _Statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _start(module: cst.Module) -> int:
    """Where the first import goes in a module without any: after its docstring."""
    body = module.body
    if body and isinstance(body[0], cst.SimpleStatementLine):
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(
            first.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            return 1
    return 0


def _add_one(module: cst.Module, spec: ImportSpec) -> cst.Module:
    section = section_of(spec.module)
    groups = _import_lines(module)
    body = list(module.body)
    home = next((g for g in groups if any(line.section == section for line in g)), None)
    if home is None:
        _new_group(module, body, groups, section, _new_statement(spec))
        return module.with_changes(body=body)
    lines = [line for line in home if line.section == section]
    if spec.name is not None:
        for line in lines:
            statement = line.statement
            if (
                isinstance(statement, cst.ImportFrom)
                and line.module == spec.module
                and not isinstance(statement.names, cst.ImportStar)
            ):
                names = [_dotted(alias.name) for alias in statement.names]
                position = sum(_member_key(n) < _member_key(spec.name) for n in names)
                alias = cst.ImportAlias(cst.Name(spec.name))
                holder = body[line.index]
                assert isinstance(holder, cst.SimpleStatementLine)
                joined = _join(statement, alias, position)
                body[line.index] = holder.with_changes(
                    body=[joined if small is statement else small for small in holder.body]
                )
                return module.with_changes(body=body)
    plain = spec.name is None
    same_kind = [line for line in lines if line.plain == plain]
    if plain:
        combined = next(
            (line for line in same_kind if len(line.statement.names) > 1),  # type: ignore[arg-type]
            None,
        )
        if combined is not None:
            statement = combined.statement
            assert isinstance(statement, cst.Import)
            names = [_dotted(alias.name).lower() for alias in statement.names]
            position = sum(name <= spec.module.lower() for name in names)
            holder = body[combined.index]
            assert isinstance(holder, cst.SimpleStatementLine)
            joined = _join(statement, cst.ImportAlias(_name(spec.module)), position)
            body[combined.index] = holder.with_changes(
                body=[joined if small is statement else small for small in holder.body]
            )
            return module.with_changes(body=body)
    new = _new_statement(spec)
    key = (spec.module.lower(), spec.module, "")
    later = [line for line in same_kind if line.key() > key]
    if later:
        _insert_before(body, later[0].index, new, new_group=False)
    elif same_kind:
        body.insert(same_kind[-1].index + 1, new)
    elif plain:
        _insert_before(body, lines[0].index, new, new_group=False)
    else:
        body.insert(lines[-1].index + 1, new)
    return module.with_changes(body=body)


def _new_group(
    module: cst.Module,
    body: list[_Statement],
    groups: Sequence[Sequence[_Line]],
    section: Section,
    new: cst.SimpleStatementLine,
) -> None:
    """Start ``section``'s group with ``new``: after the sections before it, before the rest."""
    order: tuple[Section, ...] = ("future", "stdlib", "thirdparty", "local")
    before = set(order[: order.index(section)])
    earlier = [g for g in groups if all(line.section in before for line in g)]
    if earlier:
        # After the last group of the sections that come first, set off by a blank line.
        at = earlier[-1][-1].index + 1
        body.insert(at, new.with_changes(leading_lines=[_BLANK]))
        if at + 1 < len(body) and not _is_import_line(body[at + 1]):
            body[at + 1] = _after_imports(body[at + 1])
    elif groups:
        _insert_before(body, groups[0][0].index, new, new_group=True)
    else:
        at = _start(module)
        _insert_before(body, at, new, new_group=True)
        if at:  # one blank line at most between the docstring and the imports
            body[at] = _with_leading(body[at], body[at].leading_lines[:1])


def add_imports(module: cst.Module, imports: Iterable[ImportSpec]) -> cst.Module:
    """``module`` with each import of ``imports`` that it lacks, placed as isort would."""
    empty = not module.body
    for spec in dict.fromkeys(imports):
        if not _present(module, spec):
            module = _add_one(module, spec)
    return module.with_changes(has_trailing_newline=True) if empty else module
