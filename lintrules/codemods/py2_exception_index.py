"""Codemod for NC006 py2-exception-index."""

from __future__ import annotations

from ..rules.py2_exception_index import Py2ExceptionIndex
from ._base import RuleCodemod


class Py2ExceptionIndexCommand(RuleCodemod):
    RULE = Py2ExceptionIndex
