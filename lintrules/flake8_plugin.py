"""netcompat-lint's rules as a flake8 plugin.

Registered under the entry point group ``flake8.extension`` with the code
prefix ``NC``, so a team that runs flake8 gets the rules with flake8's own
``--select``/``--ignore``/``per-file-ignores`` and ``# noqa`` comments::

    flake8 --select NC src/
    flake8 --extend-select NC008 src/      # an opt-in rule, named in full

What runs: the rules that are on by default, plus each opt-in rule whose full
code is in flake8's ``select`` or ``extend-select`` (a prefix such as ``NC``
selects only the default rules, as on netcompat-lint's own command line).
Rule options are flake8 options named ``--netcompat-<option>`` (in a config
file ``netcompat-<option> = true``).  The plugin only reports; fixes are
``netcompat-lint check --fix``'s job.

The plugin reads netcompat-lint's own configuration too, found as the
command line finds it: the nearest ``netcompat-lint.toml`` or
``pyproject.toml`` with ``[tool.netcompat-lint]`` above each file.  Its
``select``/``extend-select``/``ignore``/``per-file-ignores`` decide which
rules run (flake8's selection then filters what is shown, and may add opt-in
rules by full code), its rule options apply unless a ``--netcompat-<option>``
is given, and the file-level ``# netcompat-lint: noqa`` comment is honoured.
An invalid configuration stops the run with its one-line message.

The engine's own findings (``NC900`` cannot decode, ``NC901`` cannot
parse, ``NC902`` a rule crashed) are reported too, and never repeat flake8's
``E999``/``E902``: flake8 calls a tree plugin only once it has read the file
and :func:`ast.parse` has succeeded.  So an ``NC901`` here means libcst could
not parse what Python could, and an ``NC900`` that the file declares an
encoding Python does not know (flake8 then reads it as Latin-1 and says
nothing); either way no ``NC`` rule ran on the file.

The engine honours ``# noqa`` comments itself, on the finding's first line;
flake8 then applies its own (which also cover the other lines of a
multi-line statement).  So ``flake8 --disable-noqa`` cannot bring back an
``NC`` finding that a ``# noqa`` comment on its first line hides.

Nothing from flake8 is imported: flake8 stays an optional dependency.
"""

from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from . import __version__
from .config import ConfigResolver
from .engine import lint_source
from .rule import RuleBase as Rule
from .rules import all_rules

if TYPE_CHECKING:
    import argparse
    import ast

#: Prefix of the flake8 options that set rule options (``--netcompat-<name>``).
OPTION_PREFIX = "netcompat-"

Result = tuple[int, int, str, "type[NetcompatChecker]"]


def default_rules() -> tuple[type[Rule], ...]:
    """The rules that run when nothing is selected by full code."""
    return tuple(rule for rule in all_rules() if rule.DEFAULT_ENABLED)


def rules_for(selected: Sequence[str]) -> tuple[type[Rule], ...]:
    """The default rules plus the opt-in rules whose full code is in ``selected``."""
    codes = {code.strip().upper() for code in selected}
    return tuple(rule for rule in all_rules() if rule.DEFAULT_ENABLED or rule.CODE in codes)


def _option_dest(name: str) -> str:
    return (OPTION_PREFIX + name).replace("-", "_")


def _rule_options() -> dict[str, object]:
    """Every rule option with its default (the same keys as the config file's)."""
    options: dict[str, object] = {}
    for rule in all_rules():
        options.update(rule.OPTIONS)
    return options


def source_bytes(lines: Sequence[str]) -> bytes:
    """The bytes of the file whose decoded ``lines`` flake8 passes.

    Encoded in the encoding the file declares (flake8 has removed any BOM),
    so the engine, which decodes as Python does, sees the text flake8 saw.
    When that is impossible (an unknown encoding, or text the declared
    encoding cannot hold because flake8 fell back to Latin-1), UTF-8 bytes,
    which the engine then reports as undecodable (NC900).
    """
    text = "".join(lines)
    utf8 = text.encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(utf8).readline)
        return text.encode(encoding)
    except (SyntaxError, LookupError, UnicodeError):
        return utf8


class NetcompatChecker:
    """The flake8 checker: runs the netcompat-lint rules over one file."""

    name = "netcompat"
    version = __version__

    #: The rules to run; :meth:`parse_options` adds opt-in rules selected by code.
    rules: ClassVar[tuple[type[Rule], ...]] = ()
    #: Rule option values given as flake8 options (those not given are absent).
    rule_options: ClassVar[dict[str, object]] = {}
    #: netcompat-lint's configuration files, found from each file's folder.
    resolver: ClassVar[ConfigResolver | None] = None

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        # flake8 decides a plugin's kind by its parameters: ``tree`` makes this
        # an AST plugin, run once per file and only if ``ast.parse`` succeeded.
        # The rules need the source text (libcst keeps comments and layout).
        del tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """Register ``--netcompat-<option>`` for each rule option flake8 can express."""
        for name, default in _rule_options().items():
            flag = f"--{OPTION_PREFIX}{name}"
            if isinstance(default, bool):
                manager.add_option(
                    flag,
                    action="store_true",
                    default=None,
                    parse_from_config=True,
                    help=f"netcompat-lint rule option {name!r} (default: {default})",
                )
            elif isinstance(default, (int, str)):
                manager.add_option(
                    flag,
                    type=type(default),
                    default=None,
                    parse_from_config=True,
                    help=f"netcompat-lint rule option {name!r} (default: {default!r})",
                )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        """Pick the rules and rule options from flake8's parsed options."""
        selected = [
            *(getattr(options, "select", None) or ()),
            *(getattr(options, "extend_select", None) or ()),
        ]
        cls.rules = rules_for(selected)
        given = {name: getattr(options, _option_dest(name), None) for name in _rule_options()}
        cls.rule_options = {name: value for name, value in given.items() if value is not None}
        cls.resolver = None

    def run(self) -> Iterator[Result]:
        """Yield ``(line, column0, "NCxxx message", type)`` for each finding."""
        from .runner import RunOptions, _display_path, exemption_of, finish, project_imports

        cls = type(self)
        if cls.resolver is None:
            cls.resolver = ConfigResolver(cwd=Path.cwd())
        path = Path(os.path.abspath(self.filename))
        config = cls.resolver.for_file(path)
        chosen = {rule.CODE: rule for rule in config.rules_for(path, config.enabled_rules())}
        for rule in self.rules or default_rules():
            if not rule.DEFAULT_ENABLED:
                chosen.setdefault(rule.CODE, rule)  # an opt-in rule flake8 selects by code
        data = source_bytes(self.lines)
        exemption = exemption_of(data)
        rules = [
            chosen[code]
            for code in sorted(chosen)
            if exemption is None or not exemption.covers(code)
        ]
        options = {**config.options, **self.rule_options}
        named = _display_path(path, config.root).as_posix()
        raw = lint_source(
            data,
            rules,
            fix_style=config.fix_style,
            options=options,
            edits=False,
            path=named,
            imports=project_imports().for_file(path),
        )
        result = finish(data, raw, [rule.CODE for rule in rules], config, RunOptions())
        for finding in result.findings:
            yield (
                finding.line,
                max(finding.column - 1, 0),
                f"{finding.code} {finding.message}",
                type(self),
            )
