"""Settings from ``[tool.netcompat-lint]`` in ``pyproject.toml`` and the command line.

Every key is validated: an unknown key, a wrong type, an unknown rule code or
an invalid value is a :class:`ConfigError` with one clear sentence, which the
command line turns into exit code 2.

Rules are known here by their :class:`~lintrules.rules.RuleInfo` (the
generated manifest), not their classes: reading the configuration imports
neither the rules nor libcst.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from . import rules as registry
from .findings import ENGINE_CODES
from .rules import RuleInfo

if TYPE_CHECKING:
    from .rule import FixStyle, Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9 and 3.10
    import tomli as tomllib

SECTION = "tool.netcompat-lint"
FIX_STYLES: tuple[FixStyle, ...] = ("stdlib", "netcompat")


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
    return {rule.CODE for rule in registry.manifest()} | set(ENGINE_CODES)


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
    """The nearest ``pyproject.toml`` at or above ``start``."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        # A folder of that name is a broken project, not a reason to read a parent's settings.
        if candidate.is_file() or candidate.is_dir():
            return candidate
    return None


def load_config(path: Path | None, *, root: Path) -> Config:
    """Read ``[tool.netcompat-lint]`` from ``path`` (defaults when None or absent)."""
    if path is None:
        return Config(root=root)
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: not UTF-8 ({error.reason})") from error
    tool: Any = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"[tool] in {path} must be a table")
    table: Any = tool.get("netcompat-lint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{SECTION}] in {path} must be a table")
    return config_from_table(table, root=path.parent, source=path)


def config_from_table(table: Mapping[str, object], *, root: Path, source: Path | None) -> Config:
    """Validate one ``[tool.netcompat-lint]`` table."""
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
            options[key] = value
        else:
            known = sorted(
                [
                    "select",
                    "extend-select",
                    "ignore",
                    "per-file-ignores",
                    "exclude",
                    "extend-exclude",
                    "fix-style",
                    "respect-gitignore",
                    *rule_options,
                ]
            )
            raise ConfigError(f"{where}: unknown key {key!r} (known keys: {', '.join(known)})")
    return Config(root=root, source=source, options=options, **values)
