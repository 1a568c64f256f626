"""The rules, one per module.  Adding a rule is adding a file here.

Each module defines exactly one :class:`~lintrules.rule.Rule` subclass; this
package finds them by walking its own modules, so there is no list to keep in
sync.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from ..rule import Rule


@cache
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class, ordered by code."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        classes = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Rule)
            and value is not Rule
            and value.__module__ == module.__name__
        ]
        if len(classes) != 1:
            raise RuntimeError(
                f"{module.__name__} must define exactly one rule, found {len(classes)}"
            )
        rule = classes[0]
        if rule.CODE in found:
            raise RuntimeError(f"duplicate rule code {rule.CODE} in {module.__name__}")
        found[rule.CODE] = rule
    return tuple(found[code] for code in sorted(found))


def rules_by_code() -> dict[str, type[Rule]]:
    """Every rule class keyed by its code."""
    return {rule.CODE: rule for rule in all_rules()}
