"""Settings from ``[tool.netcompat-lint]`` in ``pyproject.toml`` and the command line.

Every key is validated: an unknown key, a wrong type, an unknown rule code or
an invalid value is a :class:`ConfigError` with one clear sentence, which the
command line turns into exit code 2.

Rules are known here by their :class:`~lintrules.rules.RuleInfo` (the
generated manifest), not their classes: reading the configuration imports
neither the rules nor libcst.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from . import rules as registry
from .findings import ENGINE_CODES
from .noqa import UNUSED_NOQA
from .rules import RuleInfo

if TYPE_CHECKING:
    from .rule import FixStyle
    from .rule import RuleBase as Rule


def _toml() -> ModuleType:
    """``tomllib`` (``tomli`` before 3.11), imported when a file is read, not at start-up."""
    if sys.version_info >= (3, 11):
        import tomllib as toml
    else:  # pragma: no cover - exercised on 3.9 and 3.10
        import tomli as toml
    return toml


SECTION = "tool.netcompat-lint"
#: The tool's own configuration file: the same keys as ``[tool.netcompat-lint]``, at the top level.
CONFIG_FILE = "netcompat-lint.toml"
#: The keys of a ``pyproject.toml`` that other tools define at its top level.
_PYPROJECT_KEYS = ("build-system", "project", "tool", "dependency-groups")
_KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "extend-exclude",
    "fix-style",
    "respect-gitignore",
)
FIX_STYLES: tuple[FixStyle, ...] = ("stdlib", "netcompat")
#: The setting naming the oldest Python the linted project runs on (NC007 reads it).
TARGET_VERSION = "target-version"
#: Its values, as ruff spells them.
TARGET_VERSIONS = ("py39", "py310", "py311", "py312", "py313", "py314")


class ConfigError(ValueError):
    """The configuration or the command line asks for something invalid."""


class _Coded(Protocol):
    """A rule class or its :class:`RuleInfo`: anything with a rule code."""

    @property
    def CODE(self) -> str: ...


_R = TypeVar("_R", bound=_Coded)


@dataclass(frozen=True)
class Config:
    """The resolved settings of one run."""

    root: Path
    source: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    fix_style: FixStyle = "stdlib"
    respect_gitignore: bool = True
    options: Mapping[str, object] = field(default_factory=dict)

    def enabled_infos(self) -> tuple[RuleInfo, ...]:
        """The rules this configuration turns on, as manifest records (no import)."""
        return resolve_infos(self.select, self.extend_select, self.ignore)

    @property
    def unused_noqa(self) -> bool:
        """Whether ``NC903`` (unused ``# noqa`` codes) is on: opt-in, by its full code or ``ALL``."""
        code = UNUSED_NOQA[0]
        selectors = (*(self.select or ()), *self.extend_select)
        return any(s in (code, "ALL") for s in selectors) and not _matches(code, self.ignore)

    def enabled_rules(self) -> tuple[type[Rule], ...]:
        """The rule classes this configuration turns on (imports the rules)."""
        return resolve_rules(self.select, self.extend_select, self.ignore)

    def rules_for(self, path: Path, rules: Sequence[_R]) -> tuple[_R, ...]:
        """``rules`` (classes or records) minus those ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return tuple(rules)
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            relative = path.as_posix()
        ignored: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(path.name, pattern):
                ignored.extend(codes)
        return tuple(rule for rule in rules if not _matches(rule.CODE, ignored))


def _matches(code: str, selectors: Iterable[str]) -> bool:
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


def known_codes() -> set[str]:
    """Every code a selector may name: the rules', the engine's and ``NC903`` (unused noqa)."""
    return {rule.CODE for rule in registry.manifest()} | set(ENGINE_CODES) | {UNUSED_NOQA[0]}


def validate_selectors(selectors: Iterable[str], where: str) -> tuple[str, ...]:
    """Upper-case and check each selector names at least one rule."""
    codes = known_codes()
    result = []
    for raw in selectors:
        selector = raw.strip().upper()
        if not selector:
            continue
        if selector != "ALL" and not any(code.startswith(selector) for code in codes):
            raise ConfigError(f"{where}: unknown rule code or prefix {raw!r}")
        result.append(selector)
    return tuple(result)


def resolve_rules(
    select: Sequence[str] | None, extend_select: Sequence[str], ignore: Sequence[str]
) -> tuple[type[Rule], ...]:
    """The rule classes :func:`resolve_infos` chooses."""
    by_code = registry.rules_by_code()
    return tuple(by_code[info.CODE] for info in resolve_infos(select, extend_select, ignore))


def resolve_infos(
    select: Sequence[str] | None, extend_select: Sequence[str], ignore: Sequence[str]
) -> tuple[RuleInfo, ...]:
    """Apply select / extend-select / ignore to the rule set.

    A full code selects that rule even if it is off by default; a prefix
    (``NC0``) or ``ALL`` selects the default-enabled rules it covers, plus
    opt-in rules only for ``ALL``.  ``ignore`` wins over both.
    """

    def chosen(rule: RuleInfo, selectors: Sequence[str]) -> bool:
        for selector in selectors:
            if selector == rule.CODE or selector == "ALL":
                return True
            if rule.CODE.startswith(selector) and rule.DEFAULT_ENABLED:
                return True
        return False

    result = []
    for rule in registry.manifest():
        if select is None:
            on = rule.DEFAULT_ENABLED or chosen(rule, extend_select)
        else:
            on = chosen(rule, (*select, *extend_select))
        if on and not _matches(rule.CODE, [s for s in ignore if s != "ALL"]):
            if "ALL" in ignore:
                continue
            result.append(rule)
    return tuple(result)


def _string_list(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(cast("list[str]", value))
    raise ConfigError(f"[{SECTION}] {key} must be a list of strings, got {value!r}")


def _rule_options() -> dict[str, object]:
    options: dict[str, object] = {}
    for rule in registry.manifest():
        options.update(rule.OPTIONS)
    return options


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``, whatever it holds."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        # A folder of that name is a broken project, not a reason to read a parent's settings.
        if candidate.is_file() or candidate.is_dir():
            return candidate
    return None


def find_config(start: Path) -> Path | None:
    """The configuration file that governs the files in folder ``start``, as ruff finds its own.

    The nearest folder at or above ``start`` with a ``netcompat-lint.toml``,
    or a ``pyproject.toml`` with a ``[tool.netcompat-lint]`` table (or a
    table that looks like it, which :func:`load_config` then rejects), wins;
    in one folder ``netcompat-lint.toml`` comes first.
    """
    for directory in (start, *start.parents):
        found = config_in(directory)
        if found is not None:
            return found
    return None


def config_in(directory: Path) -> Path | None:
    """The configuration file of ``directory`` itself, if it has one (see :func:`find_config`)."""
    own = directory / CONFIG_FILE
    candidate = directory / "pyproject.toml"
    if own.is_file():
        if candidate.is_file() and _mentions_us(candidate):
            _reject_lookalikes(candidate)
        return own
    if candidate.is_dir() or (candidate.is_file() and _mentions_us(candidate)):
        return candidate
    return None


def _reject_lookalikes(pyproject: Path) -> None:
    """A ``[tool.netcompat]`` next to a ``netcompat-lint.toml`` is a mistake too."""
    tool = _load_toml(pyproject).get("tool", {})
    for name in tool if isinstance(tool, dict) else ():
        if _looks_like_ours(name):
            raise ConfigError(
                f"{pyproject}: unknown table [tool.{name}]; did you mean [{SECTION}]?"
            )


def _mentions_us(pyproject: Path) -> bool:
    """Whether ``pyproject`` has our table or one that looks like it (remembered by its stat)."""
    try:
        info = pyproject.stat()
    except OSError:
        return True  # unreadable: reported when read
    return _mentions_us_cached(pyproject, info.st_mtime_ns, info.st_size, info.st_ino)


@functools.lru_cache(maxsize=1024)
def _mentions_us_cached(pyproject: Path, mtime_ns: int, size: int, inode: int) -> bool:
    del mtime_ns, size, inode  # the cache key: a changed file is read again
    try:
        with open(pyproject, "rb") as handle:
            document = _toml().load(handle)
    except (OSError, ValueError):
        return True  # a broken pyproject.toml is reported, as ruff does, not skipped
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        return True
    return any(name == "netcompat-lint" or _looks_like_ours(name) for name in tool)


def _looks_like_ours(name: str) -> bool:
    """A ``[tool.*]`` table name meant to be ``netcompat-lint`` but spelled otherwise."""
    if name == "netcompat-lint":
        return False
    folded = name.lower().replace("_", "-").replace(".", "-")
    if folded.startswith("netcompat"):
        return True
    import difflib

    return bool(difflib.get_close_matches(folded, ["netcompat-lint"], n=1, cutoff=0.8))


def _load_toml(path: Path) -> dict[str, Any]:
    toml = _toml()
    try:
        with open(path, "rb") as handle:
            document: dict[str, Any] = toml.load(handle)
            return document
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from error
    except toml.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: not UTF-8 ({error.reason})") from error


def load_config(path: Path | None, *, root: Path) -> Config:
    """Read the settings in ``path`` (defaults when None).

    A ``pyproject.toml`` holds them in ``[tool.netcompat-lint]``; any other
    file (``netcompat-lint.toml``, or a file given with ``--config``) at its
    top level, as ``ruff.toml`` does.
    """
    if path is None:
        # No configuration file: the project's own pyproject.toml may still say
        # which Pythons it runs on (read only if there is one: no TOML parser otherwise).
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            try:
                return _with_inferred_target(Config(root=root), _load_toml(pyproject))
            except ConfigError:
                pass  # not ours to report: the defaults hold
        return Config(root=root)
    document = _load_toml(path)
    if path.name != "pyproject.toml":
        if "tool" in document and isinstance(document["tool"], dict):
            nested = [
                name
                for name in document["tool"]
                if name == "netcompat-lint" or _looks_like_ours(name)
            ]
            if nested:
                raise ConfigError(
                    f"{path}: [tool.{nested[0]}] is for pyproject.toml; in {path.name} "
                    "write the settings at the top level, without a table header"
                )
        return config_from_table(document, root=root, source=path, where=str(path))
    tool: Any = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"[tool] in {path} must be a table")
    for name in tool:
        if _looks_like_ours(name):
            raise ConfigError(f"{path}: unknown table [tool.{name}]; did you mean [{SECTION}]?")
    for key in document:
        if key not in _PYPROJECT_KEYS and key in (*_KEYS, *_rule_options()):
            raise ConfigError(
                f"{path}: top-level key {key!r} is not read; "
                f"did you mean to put it under [{SECTION}]?"
            )
    table: Any = tool.get("netcompat-lint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{SECTION}] in {path} must be a table")
    config = config_from_table(table, root=root, source=path)
    return _with_inferred_target(config, document)


def _with_inferred_target(config: Config, pyproject: Mapping[str, Any]) -> Config:
    """``config`` with ``target-version`` taken from ``requires-python`` when it sets none."""
    if TARGET_VERSION in config.options:
        return config
    project = pyproject.get("project")
    requires = project.get("requires-python") if isinstance(project, dict) else None
    target = target_from_requires_python(requires) if isinstance(requires, str) else ""
    if not target:
        return config
    return dataclasses.replace(config, options={**config.options, TARGET_VERSION: target})


def target_from_requires_python(requires: str) -> str:
    """The ``target-version`` a ``requires-python`` specifier means: its lower
    bound (``">=3.11"``, ``"~=3.10"``, ``">=3.9, <4"``: the highest of the
    lower bounds of its clauses), or ``""`` when it has none or allows a
    Python older than 3.9 (then every supported version counts: a clause
    dead on Python 3 is dead for a project that also runs on Python 2).

    >>> target_from_requires_python(">=3.11"), target_from_requires_python(">=2.7, !=3.0.*")
    ('py311', '')
    """
    import re

    bounds = [
        (int(major), int(minor))
        for major, minor in re.findall(r"(?:>=|~=|==|>)\s*(\d+)\.(\d+)", requires)
    ]
    if not bounds:
        return ""
    major, minor = max(bounds)
    oldest = int(TARGET_VERSIONS[0][3:])
    newest = int(TARGET_VERSIONS[-1][3:])
    if major != 3 or minor <= oldest:
        return "" if (major, minor) <= (3, oldest) else TARGET_VERSIONS[-1]
    return f"py3{min(minor, newest)}"


def config_from_table(
    table: Mapping[str, object], *, root: Path, source: Path | None, where: str | None = None
) -> Config:
    """Validate one ``[tool.netcompat-lint]`` table (or a ``netcompat-lint.toml`` document)."""
    if where is None:
        where = f"[{SECTION}]" + (f" in {source}" if source else "")
    rule_options = _rule_options()
    values: dict[str, Any] = {}
    options: dict[str, object] = {}
    for key, value in table.items():
        if key in ("select", "extend-select", "ignore"):
            values[key.replace("-", "_")] = validate_selectors(
                _string_list(value, key), f"{where} {key}"
            )
        elif key in ("exclude", "extend-exclude"):
            values[key.replace("-", "_")] = _string_list(value, key)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} per-file-ignores must be a table of glob = [codes]")
            values["per_file_ignores"] = {
                str(pattern): validate_selectors(_string_list(codes, key), f"{where} {key}")
                for pattern, codes in value.items()
            }
        elif key == "fix-style":
            if value not in FIX_STYLES:
                raise ConfigError(
                    f"{where} fix-style must be one of {', '.join(FIX_STYLES)}, got {value!r}"
                )
            values["fix_style"] = value
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} respect-gitignore must be true or false")
            values["respect_gitignore"] = value
        elif key in rule_options:
            default = rule_options[key]
            if type(value) is not type(default):
                raise ConfigError(
                    f"{where} {key} must be a {type(default).__name__}, got {value!r}"
                )
            if key == TARGET_VERSION and value not in TARGET_VERSIONS:
                raise ConfigError(
                    f"{where} {key} must be one of {', '.join(TARGET_VERSIONS)}, got {value!r}"
                )
            options[key] = value
        else:
            known = sorted([*_KEYS, *rule_options])
            import difflib

            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
            raise ConfigError(f"{where}: unknown key {key!r} ({hint})")
    return Config(root=root, source=source, options=options, **values)


class ConfigResolver:
    """Each file's configuration, found as ruff finds its own.

    Without ``override`` (``--config``), a file follows the nearest
    configuration file at or above its folder (:func:`find_config`); a file
    with none above it gets the defaults, rooted at the working directory's
    project (its nearest ``pyproject.toml``, else the working directory).
    With ``override``, every file follows that one file.  ``adjust`` applies
    the command line's settings on top of each.
    """

    def __init__(
        self,
        *,
        cwd: Path,
        override: Path | None = None,
        adjust: Callable[[Config], Config] | None = None,
    ) -> None:
        self._adjust = adjust if adjust is not None else (lambda config: config)
        self._by_folder: dict[Path, Config] = {}
        self._by_source: dict[Path | None, Config] = {}
        self._override = override
        pyproject = find_pyproject(cwd)
        self._default_root = pyproject.parent.resolve() if pyproject is not None else cwd
        if override is not None:
            self.base = self._load(override)
        else:
            self.base = self.for_folder(cwd)

    def _load(self, source: Path | None) -> Config:
        config = self._by_source.get(source)
        if config is None:
            root = source.parent.resolve() if source is not None else self._default_root
            config = self._adjust(load_config(source, root=root))
            self._by_source[source] = config
        return config

    def for_folder(self, folder: Path) -> Config:
        """The configuration of the files directly in ``folder``."""
        if self._override is not None:
            return self.base
        config = self._by_folder.get(folder)
        if config is None:
            source = config_in(folder)
            if source is not None:
                config = self._load(source)
            elif folder.parent != folder:
                config = self.for_folder(folder.parent)
            else:
                config = self._load(None)
            self._by_folder[folder] = config
        return config

    def for_file(self, path: Path) -> Config:
        """The configuration of ``path``."""
        return self.for_folder(path.parent)
