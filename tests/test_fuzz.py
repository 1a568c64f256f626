"""The engine survives any Python code: property tests on hypothesmith-generated modules.

Every rule runs, the opt-in ones too, at every fix level, on modules drawn from
Python's grammar (``hypothesmith.from_grammar``) and from libcst's node types
(``hypothesmith.from_node``).  :func:`_fuzz_helpers.check_source` holds the
properties: no exception and no NC902 finding, untouched bytes when nothing is
fixable, fixed code that parses (and compiles when the input did), and a
second fix run that changes nothing.

Random modules almost never contain the text the rules look for, so the
prefilter and the gates would stop nearly all of them before any rule runs.
Each example is therefore also linted by "open" copies of the rules, whose
``REQUIRES_TEXT`` and gate let everything through: a gate only saves time, so a
rule's visitor must cope with any tree.  The errno shapes the rules are about
are fuzzed in ``test_fix_roundtrip_seeded.py``.

Budget: 40 grammar and 20 node examples by default (generating them is most
of the cost: about 8 s together); ``NETCOMPAT_FUZZ_EXAMPLES=N`` runs N of each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import hypothesmith
import pytest
from _fuzz_helpers import check_source, fuzz_settings
from hypothesis import example, given
from hypothesis import strategies as st

from lintrules.engine import FixLevel
from lintrules.rule import FixStyle
from lintrules.rule import RuleBase as Rule
from lintrules.rules import all_rules

RULES: tuple[type[Rule], ...] = all_rules()


def _open(rule: type[Rule]) -> type[Rule]:
    """A copy of ``rule`` that the prefilter and the gate never stop."""

    def gate(cls: type[Rule], index: Any) -> bool:
        del index
        return True

    def text_gate(cls: type[Rule], text: str) -> bool:
        del text
        return True

    namespace = {
        "REQUIRES_TEXT": (),
        "text_gate": classmethod(text_gate),
        "gate": classmethod(gate),
        "__module__": __name__,
    }
    return type(f"Open{rule.__name__}", (rule,), namespace)


REPO = Path(__file__).resolve().parents[1]
OPEN_RULES = tuple(_open(rule) for rule in RULES)

FIX_LEVELS: list[FixLevel] = ["safe", "unsafe"]
FIX_STYLES: list[FixStyle] = ["stdlib", "netcompat"]

pytestmark = [
    # The generated code is odd on purpose; compile() warns about it.
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


def _variants(source: str, newline: str) -> bytes:
    return source.replace("\n", newline).encode("utf-8")


def _check_everything(source: str, newline: str, fix_level: FixLevel, style: FixStyle) -> None:
    data = _variants(source, newline)
    check_source(data, RULES, fix_level=fix_level, fix_style=style)
    check_source(data, OPEN_RULES, fix_level=fix_level, fix_style=style)


NEWLINES = st.sampled_from(["\n", "\r\n"])
LEVELS = st.sampled_from(FIX_LEVELS)
STYLES = st.sampled_from(FIX_STYLES)


@fuzz_settings(40)
@given(source=hypothesmith.from_grammar(), newline=NEWLINES, fix_level=LEVELS, style=STYLES)
# Shapes that once mattered: empty, no final newline, a lone comment, tabs.
@example(source="", newline="\n", fix_level="unsafe", style="stdlib")
@example(source="x = 1", newline="\r\n", fix_level="unsafe", style="stdlib")
@example(source="# errno 104\n", newline="\n", fix_level="safe", style="netcompat")
@example(source="if x:\n\tpass\n", newline="\n", fix_level="unsafe", style="stdlib")
def test_grammar_modules(source: str, newline: str, fix_level: FixLevel, style: FixStyle) -> None:
    _check_everything(source, newline, fix_level, style)


@fuzz_settings(20)
@given(source=hypothesmith.from_node(), newline=NEWLINES, fix_level=LEVELS, style=STYLES)
def test_node_modules(source: str, newline: str, fix_level: FixLevel, style: FixStyle) -> None:
    _check_everything(source, newline, fix_level, style)


# Code nested deeper than CPython or libcst can take once crashed libcst's
# native parser (a segfault that ends the whole run), took minutes, or let a
# RecursionError escape: each must be an NC901 finding.  A child process runs
# them, so a regression fails this test rather than killing the session.
DEEP = {
    "parentheses": "y = " + "(" * 3000 + "1" + ")" * 3000,
    "brackets": "y = " + "[" * 3000 + "]" * 3000,
    "unary": "y = " + "-" * 10000 + "1",
    "attributes": "y = a" + ".b" * 10000,
    "calls": "y = f" + "()" * 5000,
    "lambdas": "y = " + "lambda: " * 4000 + "1",
    "and-chain": "y = " + " and ".join(["e"] * 8000),
    "import-dots": "import a" + ".b" * 8000,
    "from-import-dots": "from a" + ".b" * 2000 + " import c",
    "elif-chain": "if x:\n    pass\n" + "elif x:\n    pass\n" * 2000,
}
#: Compiles with ``ast`` but not with ``compile()`` (too many nested blocks),
#: before the fix as after: the fix is not to blame and is applied.
NOT_COMPILABLE = "with " + ", ".join(["a"] * 2000) + ":\n    pass"
_DEEP_SCRIPT = """
import json, sys
from lintrules.engine import lint_source
from lintrules.rules import all_rules
out = {}
for name, statement in json.loads(sys.stdin.read()).items():
    data = ("import errno\\nx = errno.WSAECONNRESET\\n" + statement + "\\n").encode()
    result = lint_source(data, all_rules(), fix_level="unsafe")
    out[name] = [result.fixed_source is None, [(f.code, f.message) for f in result.findings]]
print(json.dumps(out))
"""


def test_nesting_too_deep_is_a_finding_not_a_crash() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", _DEEP_SCRIPT],
        input=json.dumps({**DEEP, "not-compilable": NOT_COMPILABLE}),
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    for name in DEEP:
        unchanged, findings = results[name]
        assert unchanged, name
        assert [code for code, _ in findings] == ["NC901"], (name, findings)
        assert "nesting too deep" in findings[0][1], (name, findings)
    assert results["not-compilable"] == [False, []]
