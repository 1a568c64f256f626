"""The one codemod class every fixing rule's command derives from.

A rule's codemod does not re-implement the rule as a transformer: it hands the
module's bytes to the same engine the linter uses (:func:`lintrules.engine.lint_source`
with only that rule enabled), so ``netcompat-lint check --fix`` and
``python -m libcst.tool codemod -x lintrules.codemods.<module>.<Command>``
always make the same change, verified the same way.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile

from ..engine import Finding, FixLevel, allowed, lint_source
from ..rule import FixStyle, Rule


class RuleCodemod(CodemodCommand):
    """Apply one rule's fixes; warn about the findings it leaves unfixed.

    Subclasses only name their rule (``RULE = PlatformOnlyErrno``); the
    ``DESCRIPTION`` shown by ``libcst.tool`` is taken from the rule's summary.

    Args:
        context: the codemod context ``libcst.tool`` (or a test) provides.
        unsafe: apply the rule's unsafe fixes too (``--unsafe``).
        fix_style: ``"stdlib"`` or ``"netcompat"`` (``--fix-style``).
        options: rule options (see the rule's ``OPTIONS``); defaults when None.
    """

    RULE: ClassVar[type[Rule]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        rule = cls.__dict__.get("RULE")
        if rule is not None and "DESCRIPTION" not in cls.__dict__:
            cls.DESCRIPTION = f"{rule.CODE} {rule.NAME}: {rule.summary()}"

    def __init__(
        self,
        context: CodemodContext,
        unsafe: bool = False,
        fix_style: FixStyle = "stdlib",
        options: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(context)
        self.fix_level: FixLevel = "unsafe" if unsafe else "safe"
        self.fix_style: FixStyle = fix_style
        self.options: dict[str, object] = dict(options or {})

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--unsafe",
            action="store_true",
            help="also apply fixes that may change behaviour (see the rule's 'Fix safety')",
        )
        arg_parser.add_argument(
            "--fix-style",
            choices=("stdlib", "netcompat"),
            default="stdlib",
            help="write fixes with the standard library (default) or with netcompat.is_reset",
        )

    def _describe(self, finding: Finding) -> str:
        text = f"line {finding.line}, column {finding.column}: {finding.code} {finding.message}"
        if finding.fix is not None and not allowed(self.fix_level, finding.fix.safety):
            text += " (an unsafe fix is available: rerun with --unsafe)"
        else:
            text += " (not fixed)"
        return text

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        result = lint_source(
            tree.bytes,
            [self.RULE],
            fix_level=self.fix_level,
            fix_style=self.fix_style,
            options=self.options,
        )
        for finding in result.findings:
            self.warn(self._describe(finding))
        if result.fixed_source is None:
            raise SkipFile(f"no {self.RULE.CODE} fix applies")
        return cst.parse_module(result.fixed_source)
