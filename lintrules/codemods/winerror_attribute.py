"""Codemod for NC003 winerror-attribute."""

from __future__ import annotations

from ..rules.winerror_attribute import WinerrorAttribute
from ._base import RuleCodemod


class WinerrorAttributeCommand(RuleCodemod):
    RULE = WinerrorAttribute
