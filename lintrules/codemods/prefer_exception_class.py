"""Codemod for NC008 prefer-exception-class."""

from __future__ import annotations

from ..rules.prefer_exception_class import PreferExceptionClass
from ._base import RuleCodemod


class PreferExceptionClassCommand(RuleCodemod):
    RULE = PreferExceptionClass
