"""A rule's text gate keeps every file its ``ast`` gate keeps.

The text gate runs first and drops most files unparsed, so a text gate that
is tighter than the ``ast`` gate would lose findings silently.  Every rule's
``INVALID`` examples are checked in test_rule_examples.py; here real files
are: the corpus, the examples, this project and part of the standard
library, plus the edge cases each text gate has to survive.
"""

from __future__ import annotations

import ast
import sysconfig
import warnings
from pathlib import Path

import pytest

from lintrules._cst_rule import Rule as CstRule
from lintrules.engine import decode_source
from lintrules.gate import AstIndex
from lintrules.rules import all_rules, rules_by_code

REPO = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
# The rules still on libcst, whose text gates must keep what their ast gates keep.
RULES = tuple(rule for rule in all_rules() if issubclass(rule, CstRule))


def _files() -> list[Path]:
    files = sorted((REPO / "tests" / "corpus").glob("*.py"))
    files += sorted((REPO / "examples").glob("*.py"))
    files += sorted((REPO / "lintrules").rglob("*.py"))
    for pattern in ("*.py", "asyncio/*.py", "multiprocessing/*.py", "http/*.py"):
        files += sorted(STDLIB.glob(pattern))
    return files


def test_text_gates_keep_what_ast_gates_keep() -> None:
    lost = []
    checked = 0
    for path in _files():
        try:
            text = decode_source(path.read_bytes())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                index = AstIndex.from_tree(ast.parse(text))
        except (SyntaxError, ValueError, UnicodeDecodeError):
            continue
        for rule in RULES:
            if rule.needles_in(text) and rule.gate(index):
                checked += 1
                if not rule.text_gate(text):
                    lost.append(f"{rule.CODE} {path}")
    assert checked > 50, "too few files reach an ast gate for this test to mean anything"
    assert lost == []


@pytest.mark.parametrize(
    ("code", "text"),
    [
        # Numbers written otherwise, and next to a comparison a line away.
        ("NC001", "import errno\nif e.errno == 0x68:\n    pass\n"),
        ("NC001", "import errno\nif e.errno in (\n    104,\n    10054,\n):\n    pass\n"),
        ("NC001", "code = e.errno\nmatch code:\n    case 104:\n        pass\n"),
        ("NC001", "import errno\nif e.errno in (f(1), [2], 104):\n    pass\n"),
        ("NC001", "import errno\nif (104, 54) == (e.errno, 0):\n    pass\n"),
        ("NC001", "def check(e):\n    return e.errno == \\\n        104\n"),
        ("NC001", "def check(e):\n    return 104 \\\n        == e.errno\n"),
        # Needles in regular expressions, adjacent literals, escaped quotes.
        ("NC004", "if re.search(r'\\breset\\b', str(e)): pass\n"),
        ("NC004", "if ('broken ' 'pipe') in str(e): pass\n"),
        ("NC004", "if 'can\\'t assign requested address' in str(e): pass\n"),
        ("NC004", 'if "[WinError 10054]" in str(e): pass\n'),
        ("NC004", "if '10054' in str(e): pass\n"),
        # A handler name indexed; Python 2's binding; sys.exc_info().
        ("NC006", "try:\n    pass\nexcept (OSError,\n        ValueError) as err:\n    err [0]\n"),
        ("NC006", "import sys\ne = sys.exc_info()[1]\ne[0]\n"),
        ("NC006", "import sys\n_, e, _ = sys.exc_info()\ne[0]\n"),
        ("NC006", "import sys\nif sys.exc_info()[1][0] == 104: pass\n"),
        # Clauses split over lines, except* and aliases.
        (
            "NC007",
            "try:\n    pass\nexcept (\n    OSError,\n):\n    pass\nexcept ConnectionResetError:\n    pass\n",
        ),
        (
            "NC007",
            "from socket import error as E\ntry:\n    pass\nexcept E:\n    pass\nexcept TimeoutError:\n    pass\n",
        ),
        ("NC102", "import time\ntime.sleep(\n    0.1,\n)  # let it drain\nsock.close()\n"),
    ],
)
def test_text_gate_keeps(code: str, text: str) -> None:
    assert rules_by_code()[code].text_gate(text)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("NC001", "import errno\nx = 104\n"),  # no comparison near the number
        ("NC004", "def reset(self):\n    self.counter.reset()\n"),  # the word outside any string
        ("NC004", "DATE = '2009-09-09'\n"),  # digits that are no table number
        ("NC006", "try:\n    pass\nexcept OSError as e:\n    pass\nrow[0]\n"),
        (
            "NC007",
            "try:\n    pass\nexcept OSError:\n    pass\ntry:\n    pass\nexcept ConnectionResetError:\n    pass\n",
        ),
        ("NC102", "import time\ntime.sleep(1)\n"),
    ],
)
def test_text_gate_drops(code: str, text: str) -> None:
    assert not rules_by_code()[code].text_gate(text)
