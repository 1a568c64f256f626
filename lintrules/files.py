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
import functools
import os
import re
import signal
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
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

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether the ``.gitignore`` files ignore ``path`` (absolute, as the walk spells it)."""
        result = False
        base: Path | None = None
        relative: str | None = None
        for pattern in self.patterns:
            if pattern.base is not base:
                base = pattern.base
                relative = _inside(path, str(base))
            if relative is not None and pattern.matches(relative, is_dir):
                result = not pattern.negated
        return result


def _inside(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` with forward slashes, or None if not inside it.

    Both are spelled by the walk (absolute, normalised, one separator), so
    comparing the text is comparing the path components.
    """
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    return relative.replace(os.sep, "/") if os.sep != "/" else relative


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


class _Excludes:
    """Exclude patterns, compiled once into two regular expressions.

    A path is excluded when a pattern matches its name or its root-relative
    path (as :func:`fnmatch.fnmatchcase` would), or when ``pattern/*``
    matches that path.  ``fnmatch.translate`` gives each pattern's expression,
    anchored at the end; joined by ``|`` they say whether any matches.
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        names = [fnmatch.translate(pattern) for pattern in patterns]
        below = [fnmatch.translate(pattern.rstrip("/") + "/*") for pattern in patterns]
        self._name = re.compile("|".join(names)).match if names else None
        self._relative = re.compile("|".join(names + below)).match if names else None

    def __call__(self, name: str, relative: str) -> bool:
        if self._name is None or self._relative is None:
            return False
        return self._name(name) is not None or self._relative(relative) is not None


@functools.lru_cache(maxsize=8)
def _compiled(excludes: tuple[str, ...]) -> _Excludes:
    return _Excludes(excludes)


def _relative_to_root(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _excluded(path: Path, root: Path, excludes: Sequence[str]) -> bool:
    return _compiled(tuple(excludes))(path.name, _relative_to_root(path, root))


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
    matcher = _compiled(all_excludes)
    # Each file found, and whether it is a symlink (None: not known yet).
    found: dict[Path, bool | None] = {}
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            missing.append(raw)
            continue
        absolute = Path(os.path.abspath(path))
        if path.is_dir():
            rules = _ancestor_rules(absolute) if respect_gitignore else _IgnoreRules()
            for file, is_link in _walk(absolute, root, matcher, rules, respect_gitignore):
                found[file] = is_link
        elif not (force_exclude and _excluded_with_parents(absolute, root, all_excludes)):
            # A file named on the command line is linted unless --force-exclude.
            found[absolute] = None
    return Discovery(_one_name_per_file(sorted(found), found), missing)


def excluded_with_parents(path: Path, root: Path, excludes: Sequence[str]) -> bool:
    """Whether ``excludes`` (relative to ``root``) match ``path`` or a folder above it within ``root``."""
    return _excluded_with_parents(path, root, excludes)


def _excluded_with_parents(path: Path, root: Path, excludes: Sequence[str]) -> bool:
    if _excluded(path, root, excludes):
        return True
    return any(
        _excluded(parent, root, excludes)
        for parent in path.parents
        if parent == root or root in parent.parents
    )


def _one_name_per_file(
    files: list[Path], links: Mapping[Path, bool | None] | None = None
) -> list[Path]:
    """Drop symlinks to files already in ``files`` (else a fix writes twice).

    ``links`` says which files are symlinks, where the walk already knows.
    The real path of a file that is not a symlink is its folder's real path
    and its name, so each folder is resolved once, not each file.
    """
    kept: dict[str, Path] = {}
    folders: dict[str, str] = {}
    for file in files:
        is_link = None if links is None else links.get(file)
        if is_link is None:
            is_link = os.path.islink(file)
        if is_link:
            key = os.path.realpath(file)
        else:
            folder, name = os.path.split(file)
            real = folders.get(folder)
            if real is None:
                real = folders[folder] = os.path.realpath(folder)
            key = os.path.join(real, name)
        other = kept.get(key)
        if other is None or (other.is_symlink() and not file.is_symlink()):
            kept[key] = file
    return sorted(kept.values())


def _suffix(name: str) -> str:
    """``PurePath(name).suffix``, without making a path (``.py`` has none, ``a.py`` has)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _walk(
    directory: Path,
    root: Path,
    excluded: _Excludes,
    rules: _IgnoreRules,
    respect_gitignore: bool,
) -> Iterator[tuple[Path, bool]]:
    """The Python files under ``directory``, each with whether it is a symlink."""
    if respect_gitignore:
        rules = rules.extended(directory)
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    # A file's root-relative path is its folder's and its name.
    folder = _relative_to_root(directory, root)
    prefix = "" if folder == "." else folder if folder.endswith("/") else folder + "/"
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file()
            is_link = is_file and entry.is_symlink()
        except OSError:
            continue
        if is_dir:
            path = Path(entry.path)
            # A folder may be the root itself (when walking its parent): ask pathlib.
            if excluded(name, _relative_to_root(path, root)) or rules.ignored(entry.path, True):
                continue
            yield from _walk(path, root, excluded, rules, respect_gitignore)
        elif (
            is_file
            and _suffix(name) in PYTHON_SUFFIXES
            and not excluded(name, prefix + name)
            and not rules.ignored(entry.path, False)
        ):
            yield Path(entry.path), is_link


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
    # Ctrl-C or SIGTERM (turned into an exception by the CLI) could strike
    # between creating the temporary file and the ``try`` that removes it:
    # they wait until the file is replaced or removed.
    import tempfile  # here, not at the top: a plain check never writes, and it costs start-up

    with _interruptions_deferred():
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


@contextlib.contextmanager
def _interruptions_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (where the platform can) while the block runs."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = mask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)
