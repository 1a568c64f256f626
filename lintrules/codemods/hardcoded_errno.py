"""Codemod for NC001 hardcoded-errno."""

from __future__ import annotations

from ..rules.hardcoded_errno import HardcodedErrno
from ._base import RuleCodemod


class HardcodedErrnoCommand(RuleCodemod):
    RULE = HardcodedErrno
