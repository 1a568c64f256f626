"""Codemod for NC005 errorcode-name-compare."""

from __future__ import annotations

from ..rules.errorcode_name_compare import ErrorcodeNameCompare
from ._base import RuleCodemod


class ErrorcodeNameCompareCommand(RuleCodemod):
    RULE = ErrorcodeNameCompare
