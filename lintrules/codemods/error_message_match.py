"""Codemod for NC004 error-message-match."""

from __future__ import annotations

from ..rules.error_message_match import ErrorMessageMatch
from ._base import RuleCodemod


class ErrorMessageMatchCommand(RuleCodemod):
    RULE = ErrorMessageMatch
