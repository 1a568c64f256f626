"""Finding the files to lint, and writing fixed files without ever losing data.

Discovery walks directories without following directory symlinks (so a symlink
loop cannot trap it), honours ``.gitignore`` files and the configured excludes,
and always keeps a file the user named explicitly.

Writing is atomic: the new bytes go to a temporary file in the same folder,
which takes the original's mode bits and is then renamed over the original.
A file whose bytes changed on disk since they were read is left alone.  An
interrupted write removes its temporary file; one left by a killed process
is removed by the next run that fixes files in that folder.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Folders no one wants linted; ``exclude`` in the configuration adds more.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".netcompat_cache",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
)

PYTHON_SUFFIXES: tuple[str, ...] = (".py", ".pyi")


class _GitIgnorePattern:
    """One line of a ``.gitignore`` file, compiled to a regular expression."""

    def __init__(self, base: Path, line: str) -> None:
        self.base = base
        self.negated = line.startswith("!")
        if self.negated:
            line = line[1:]
        self.dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line
        line = line.lstrip("/")
        self.regex = re.compile(_glob_to_regex(line, anchored))

    def matches(self, relative: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        return self.regex.match(relative) is not None


def _glob_to_regex(pattern: str, anchored: bool) -> str:
    out = [] if anchored else ["(?:.*/)?"]
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    out.append("(?:/.*)?$")
    return "".join(out)


@dataclass
class _IgnoreRules:
    patterns: list[_GitIgnorePattern] = field(default_factory=list)

    def extended(self, directory: Path) -> _IgnoreRules:
        gitignore = directory / ".gitignore"
        try:
            text = gitignore.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return self
        added = [
            _GitIgnorePattern(directory, line.rstrip())
            for line in text.splitlines()
            if line.strip() and not line.startswith("#")
        ]
        return _IgnoreRules(self.patterns + added) if added else self

    def ignored(self, path: Path, is_dir: bool) -> bool:
        result = False
        for pattern in self.patterns:
            try:
                relative = path.relative_to(pattern.base).as_posix()
            except ValueError:
                continue
            if pattern.matches(relative, is_dir):
                result = not pattern.negated
        return result


def _ancestor_rules(start: Path) -> _IgnoreRules:
    """``.gitignore`` files above ``start``, up to the enclosing repository root."""
    chain: list[Path] = []
    for parent in start.parents:
        chain.append(parent)
        if (parent / ".git").exists():
            break
    else:
        chain = []
    rules = _IgnoreRules()
    for directory in reversed(chain):
        rules = rules.extended(directory)
    return rules


@dataclass(frozen=True)
class Discovery:
    """The files found, and the paths the user named that do not exist."""

    files: list[Path]
    missing: list[str]


def _excluded(path: Path, root: Path, excludes: Sequence[str]) -> bool:
    name = path.name
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        relative = path.as_posix()
    for pattern in excludes:
        if fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern):
            return True
        if fnmatch.fnmatchcase(relative, pattern.rstrip("/") + "/*"):
            return True
    return False


def discover(
    paths: Iterable[str],
    *,
    root: Path,
    excludes: Sequence[str] = (),
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> Discovery:
    """Expand ``paths`` into the Python files to lint, sorted and without duplicates.

    Args:
        paths: files and folders named by the user.
        root: the project root; exclude patterns are relative to it.
        excludes: glob patterns (on a name or a root-relative path) to skip.
        respect_gitignore: skip what ``.gitignore`` files ignore.
        force_exclude: apply ``excludes`` to files named explicitly too (for
            pre-commit, which names every staged file).
    """
    all_excludes = (*DEFAULT_EXCLUDES, *excludes)
    found: dict[Path, None] = {}
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            missing.append(raw)
            continue
        absolute = Path(os.path.abspath(path))
        if path.is_dir():
            rules = _ancestor_rules(absolute) if respect_gitignore else _IgnoreRules()
            for file in _walk(absolute, root, all_excludes, rules, respect_gitignore):
                found[file] = None
        elif not (force_exclude and _excluded_with_parents(absolute, root, all_excludes)):
            # A file named on the command line is linted unless --force-exclude.
            found[absolute] = None
    return Discovery(_one_name_per_file(sorted(found)), missing)


def _excluded_with_parents(path: Path, root: Path, excludes: Sequence[str]) -> bool:
    if _excluded(path, root, excludes):
        return True
    return any(
        _excluded(parent, root, excludes)
        for parent in path.parents
        if parent == root or root in parent.parents
    )


def _one_name_per_file(files: list[Path]) -> list[Path]:
    """Drop symlinks to files already in ``files`` (else a fix writes twice)."""
    kept: dict[str, Path] = {}
    for file in files:
        key = os.path.realpath(file)
        other = kept.get(key)
        if other is None or (other.is_symlink() and not file.is_symlink()):
            kept[key] = file
    return sorted(kept.values())


def _walk(
    directory: Path,
    root: Path,
    excludes: Sequence[str],
    rules: _IgnoreRules,
    respect_gitignore: bool,
) -> Iterator[Path]:
    if respect_gitignore:
        rules = rules.extended(directory)
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError:
            continue
        if _excluded(path, root, excludes) or rules.ignored(path, is_dir):
            continue
        if is_dir:
            yield from _walk(path, root, excludes, rules, respect_gitignore)
        elif is_file and path.suffix in PYTHON_SUFFIXES:
            yield path


class FileChangedError(Exception):
    """The file changed on disk between reading and writing; it was left alone."""


#: ``.<name>.<pid>.<random>.netcompat-tmp``: the temporary file of
#: :func:`write_atomically`, named after the file it replaces and the process
#: writing it.  A process killed outright (SIGKILL, power loss) cannot remove
#: it; :func:`remove_stale_temporaries` does, on the next ``--fix``.
TEMPORARY_SUFFIX = ".netcompat-tmp"
_TEMPORARY_NAME = re.compile(r"\..+\.(?P<pid>[0-9]+)\.[^.]+" + re.escape(TEMPORARY_SUFFIX))


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no harmless liveness probe (os.kill terminates on Windows): keep it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # EPERM: alive, and someone else's
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files that killed runs left in ``folder``; return them.

    Only files named like :func:`write_atomically`'s whose process no longer
    runs (on this machine) are removed: a concurrent run's file is left alone.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY_NAME.fullmatch(entry.name)
        if match is None or _process_alive(int(match.group("pid"))):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def write_atomically(path: Path, original: bytes, new: bytes) -> None:
    """Replace ``path``'s bytes ``original`` with ``new``, atomically.

    The temporary file lives in the same folder (so the rename is atomic on
    the same file system), gets the original's permission bits, and replaces
    the original only if the original still holds ``original``.  A symlink is
    followed: its target is rewritten and the link stays a link.

    Raises:
        FileChangedError: the file no longer holds ``original``.
        OSError: reading, writing or renaming failed; nothing was replaced.
    """
    target = Path(os.path.realpath(path))
    info = target.stat()
    with open(target, "rb") as handle:
        if handle.read() != original:
            raise FileChangedError(f"{path} changed on disk since it was read; not written")
    fd, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        if hasattr(os, "chown"):
            # Keep the owner too: a run as root must not hand a user's file to root.
            with contextlib.suppress(OSError):
                os.chown(temporary, info.st_uid, info.st_gid)
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
