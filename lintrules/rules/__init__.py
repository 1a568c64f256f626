"""The rules, one per module.  Adding a rule is adding a file here.

Each module defines exactly one :class:`~lintrules.rule.Rule` subclass; this
package finds them by walking its own modules, so there is no list to keep in
sync.

What the configuration, the cache and the prefilter need to know about each
rule (:class:`RuleInfo`) is also in ``_manifest.py``, generated from the rule
classes by ``python -m lintrules.docs`` (a test fails when it is stale): a run
that answers every file from the cache then never imports a rule, nor libcst.
"""

from __future__ import annotations

import importlib
import pkgutil
import types
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..rule import RuleBase as Rule


class RuleInfo(NamedTuple):
    """A rule's attributes that select it, configure it and prefilter files for it.

    The names are the rule class's own, so code that reads only these works
    with a :class:`RuleInfo` and a rule class alike.
    """

    CODE: str
    NAME: str
    DEFAULT_ENABLED: bool
    OPTIONS: Mapping[str, object]
    REQUIRES_TEXT: tuple[str, ...]

    @classmethod
    def of(cls, rule: type[Rule]) -> RuleInfo:
        """The record of ``rule`` (what ``_manifest.py`` holds for it)."""
        return cls(
            rule.CODE, rule.NAME, rule.DEFAULT_ENABLED, dict(rule.OPTIONS), rule.REQUIRES_TEXT
        )


@cache
def manifest() -> tuple[RuleInfo, ...]:
    """Every rule's :class:`RuleInfo`, ordered by code, without importing the rules."""
    from ._manifest import RULES

    return RULES


def _rule_in(module_name: str) -> type[Rule]:
    """The one rule class module ``lintrules.rules.<module_name>`` defines."""
    from ..rule import RuleBase

    module = importlib.import_module(f"{__name__}.{module_name}")
    classes = [
        value
        for value in vars(module).values()
        # ``Callable[...]`` aliases pass isinstance(x, type) on 3.9.
        if isinstance(value, type)
        and not isinstance(value, types.GenericAlias)
        and issubclass(value, RuleBase)
        and value.__module__ == module.__name__
    ]
    if len(classes) != 1:
        raise RuntimeError(f"{module.__name__} must define exactly one rule, found {len(classes)}")
    return classes[0]


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, ordered by code."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        rule = _rule_in(info.name)
        if rule.CODE in found:
            raise RuntimeError(f"duplicate rule code {rule.CODE} in {rule.__module__}")
        found[rule.CODE] = rule
    return tuple(found[code] for code in sorted(found))


@cache
def rule_for(code: str) -> type[Rule]:
    """The rule class of ``code``, importing only its module (named after the rule)."""
    for info in manifest():
        if code == info.CODE:
            rule = _rule_in(info.NAME.replace("-", "_"))
            if code != rule.CODE:
                raise RuntimeError(f"the manifest says {code} but the module holds {rule.CODE}")
            return rule
    raise KeyError(code)


def rules_by_code() -> dict[str, type[Rule]]:
    """Every rule class keyed by its code."""
    return {rule.CODE: rule for rule in all_rules()}
