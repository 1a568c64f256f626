"""What every lint and fix result must satisfy, whatever the input: the fuzz tests' oracle.

:func:`check_source` runs the engine on one source the way ``check`` and
``check --fix`` do and asserts the properties that hold for any input:

* linting never raises and never produces an NC902 internal-error finding;
* findings lie inside the file and survive the cache's JSON round trip;
* a source without a fixable finding comes back untouched (``fixed_source`` is
  None: byte-identical);
* fixed code parses with libcst, and compiles when the input compiled;
* fixing the fixed code again changes nothing.

The budget: ``NETCOMPAT_FUZZ_EXAMPLES`` (tox passes ``NETCOMPAT_*`` through)
replaces every property test's default number of examples, for a long run::

    NETCOMPAT_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py tests/test_fix_roundtrip_seeded.py
"""

from __future__ import annotations

import io
import json
import os
import tokenize
import warnings
from collections import Counter
from collections.abc import Sequence

import libcst as cst
from hypothesis import HealthCheck, settings

from lintrules.engine import (
    INTERNAL_ERROR,
    Finding,
    FixLevel,
    SourceResult,
    allowed,
    decode_source,
    lint_source,
)
from lintrules.rule import FixStyle
from lintrules.rule import RuleBase as Rule

ENVIRONMENT = "NETCOMPAT_FUZZ_EXAMPLES"


def fuzz_settings(default: int) -> settings:
    """Hypothesis settings: ``default`` examples, or ``$NETCOMPAT_FUZZ_EXAMPLES``."""
    override = os.environ.get(ENVIRONMENT, "").strip()
    examples = int(override) if override else default
    return settings(
        max_examples=examples,
        deadline=None,
        # The failing example is printed; nothing is written into the checkout.
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


def compiles(data: bytes) -> bool:
    """Whether CPython (this one) compiles ``data``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(decode_source(data), "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError, LookupError, RecursionError, MemoryError):
        return False
    return True


def comments(text: str) -> Counter[str]:
    """The comments of ``text``, as a multiset (empty when it does not tokenize)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return Counter()
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


def _no_internal_error(findings: Sequence[Finding], data: bytes) -> None:
    broken = [f.message for f in findings if f.code == INTERNAL_ERROR[0]]
    assert not broken, f"{broken} on:\n{data.decode('utf-8', 'replace')}"


def _findings_are_sane(findings: Sequence[Finding], data: bytes) -> None:
    lines = max(1, len(data.splitlines()) + 1)
    for finding in findings:
        assert 1 <= finding.line <= finding.end_line <= lines, finding
        assert finding.column >= 1 and finding.end_column >= 1, finding
        if finding.line == finding.end_line:
            assert finding.column <= finding.end_column, finding
        # What the cache stores must come back equal.
        assert Finding.from_dict(json.loads(json.dumps(finding.to_dict()))) == finding


def check_source(
    data: bytes,
    rules: Sequence[type[Rule]],
    *,
    fix_level: FixLevel,
    fix_style: FixStyle = "stdlib",
) -> SourceResult:
    """Lint, then fix at ``fix_level``, asserting the properties above; return the fix result."""
    report = lint_source(data, rules, fix_style=fix_style)
    _no_internal_error(report.findings, data)
    _findings_are_sane(report.findings, data)
    assert report.fixed_source is None, "linting without a fix level must not change anything"

    fixed = lint_source(data, rules, fix_level=fix_level, fix_style=fix_style)
    _no_internal_error(fixed.findings, data)
    fixable = [f for f in report.findings if f.fix is not None and allowed(fix_level, f.fix.safety)]
    if not fixable:
        assert fixed.fixed_source is None, "nothing to fix, yet the bytes changed"
        assert fixed.findings == report.findings
        return fixed
    new = fixed.fixed_source
    if new is None:
        return fixed  # every fix declined (overlap, verification): nothing written
    assert fixed.fixes_applied > 0
    _findings_are_sane(fixed.findings, new)
    cst.parse_module(new)  # raises if the fix broke the syntax
    if compiles(data):
        assert compiles(new), f"the fix does not compile:\n{new.decode('utf-8', 'replace')}"

    again = lint_source(new, rules, fix_level=fix_level, fix_style=fix_style)
    _no_internal_error(again.findings, new)
    assert again.fixed_source is None, (
        "a second fix run changed the code again:\n"
        f"{new.decode('utf-8', 'replace')}\n---\n{(again.fixed_source or b'').decode()}"
    )
    assert again.findings == fixed.findings
    return fixed
