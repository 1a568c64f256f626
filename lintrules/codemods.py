"""netcompat-lint's fixes as one libcst codemod command.

The command does not re-implement any rule as a transformer: it hands the
module's bytes to the engine the linter uses (:func:`lintrules.engine.lint_source`
with the chosen rules), so ``netcompat-lint check --fix`` and ::

    python -m libcst.tool codemod -x lintrules.codemods.RuleCodemod --no-format --rule NC001 src/

always make the same change, verified the same way.  ``--rule`` takes a code
or a prefix and may be repeated; without it every fixing rule that is on by
default runs.  ``--unsafe`` adds the unsafe fixes.  (``-x`` tells libcst's tool
to load a command from outside its configured modules; ``--no-format`` skips
its default formatter, black, which netcompat does not need.)
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile

from .engine import Finding, FixLevel, allowed, lint_source
from .rule import FixStyle, RuleBase
from .rules import all_rules

__all__ = ["RuleCodemod", "fixing_rules"]


def fixing_rules(selectors: Sequence[str] = ()) -> tuple[type[RuleBase], ...]:
    """The fixing rules a codemod run applies: those ``selectors`` name, else the default ones.

    Raises:
        ValueError: a selector names no fixing rule.
    """
    fixing = [rule for rule in all_rules() if rule.FIX_SAFETY is not None]
    if not selectors:
        return tuple(rule for rule in fixing if rule.DEFAULT_ENABLED)
    chosen: list[type[RuleBase]] = []
    for selector in selectors:
        code = selector.strip().upper()
        matching = [rule for rule in fixing if rule.CODE.startswith(code)]
        if not matching:
            known = ", ".join(rule.CODE for rule in fixing)
            raise ValueError(f"--rule {selector!r} names no fixing rule (fixing rules: {known})")
        chosen.extend(rule for rule in matching if rule not in chosen)
    return tuple(sorted(chosen, key=lambda rule: rule.CODE))


class RuleCodemod(CodemodCommand):
    """Apply netcompat-lint's fixes; warn about the findings left unfixed.

    Args:
        context: the codemod context ``libcst.tool`` (or a test) provides.
        rule: rule codes or prefixes (``--rule``, repeatable); default: every
            fixing rule that is on by default.
        unsafe: apply the rules' unsafe fixes too (``--unsafe``).
        fix_style: ``"stdlib"`` or ``"netcompat"`` (``--fix-style``).
        options: rule options (see each rule's ``OPTIONS``); defaults when None.
    """

    DESCRIPTION = (
        "Apply the fixes of netcompat-lint's rules: all that are on by default, "
        "or those --rule names; --unsafe adds the unsafe fixes."
    )

    def __init__(
        self,
        context: CodemodContext,
        rule: Sequence[str] | None = None,
        unsafe: bool = False,
        fix_style: FixStyle = "stdlib",
        options: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(context)
        self.rules = fixing_rules(rule or ())
        self.fix_level: FixLevel = "unsafe" if unsafe else "safe"
        self.fix_style: FixStyle = fix_style
        self.options: dict[str, object] = dict(options or {})

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--rule",
            action="append",
            metavar="CODE",
            help="a rule code or prefix to apply (repeatable; default: every fixing rule on by default)",
        )
        arg_parser.add_argument(
            "--unsafe",
            action="store_true",
            help="also apply fixes that may change behaviour (see each rule's 'Fix safety')",
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
            self.rules,
            fix_level=self.fix_level,
            fix_style=self.fix_style,
            options=self.options,
            edits=False,
            path=self.context.filename,
        )
        for finding in result.findings:
            self.warn(self._describe(finding))
        if result.fixed_source is None:
            codes = ", ".join(rule.CODE for rule in self.rules)
            raise SkipFile(f"no fix of {codes} applies")
        return cst.parse_module(result.fixed_source)
