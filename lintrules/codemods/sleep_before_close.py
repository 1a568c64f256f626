"""Codemod for NC102 sleep-before-close."""

from __future__ import annotations

from ..rules.sleep_before_close import SleepBeforeClose
from ._base import RuleCodemod


class SleepBeforeCloseCommand(RuleCodemod):
    RULE = SleepBeforeClose
