"""Codemod for NC002 platform-only-errno."""

from __future__ import annotations

from ..rules.platform_only_errno import PlatformOnlyErrno
from ._base import RuleCodemod


class PlatformOnlyErrnoCommand(RuleCodemod):
    RULE = PlatformOnlyErrno
