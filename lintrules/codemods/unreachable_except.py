"""Codemod for NC007 unreachable-except."""

from __future__ import annotations

from ..rules.unreachable_except import UnreachableExcept
from ._base import RuleCodemod


class UnreachableExceptCommand(RuleCodemod):
    RULE = UnreachableExcept
