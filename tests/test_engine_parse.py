"""A long source is parsed a piece at a time (lintrules.engine.parse): same tree, same errors."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from lintrules import engine
from lintrules.rules import all_rules

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generated_file import generate


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut every source longer than 200 characters into pieces of about 100."""
    monkeypatch.setattr(engine, "CHUNKED_PARSE_CHARS", 200)
    monkeypatch.setattr(engine, "_CHUNK_CHARS", 100)


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


_FUNCTIONS = "".join(f"def f{n}(a):\n    return a + {n}\n\n\n" for n in range(20))
_SOURCES = {
    "functions": _FUNCTIONS,
    "crlf": _FUNCTIONS.replace("\n", "\r\n"),
    "cr": _FUNCTIONS.replace("\n", "\r"),
    "string-at-column-0": 'X = """\n' + _FUNCTIONS + '"""\n' + _FUNCTIONS,
    "brackets-at-column-0": "X = [\n" + "".join(f"f{n},\n" for n in range(60)) + "]\n" + _FUNCTIONS,
    "clauses": "".join(f"if a{n}:\n    pass\nelse:\n    pass\n" for n in range(30)),
    "try-clauses": "".join(
        f"try:\n    a{n}()\nexcept OSError:\n    pass\nfinally:\n    b()\n" for n in range(20)
    ),
    "decorators": "".join(f"@decorator_{n}\ndef f{n}():\n    pass\n" for n in range(30)),
    "continuation": "X = 1 + \\\n" + "\\\n".join("2 +" for _ in range(60)) + "\\\n3\n" + _FUNCTIONS,
    "non-ascii": "".join(f"def f{n}():\n    return 'é{n}'\n" for n in range(30)),
}


@pytest.mark.parametrize("name", sorted(_SOURCES))
def test_pieces_give_the_whole_tree(small_pieces: None, name: str) -> None:
    text = _SOURCES[name]
    assert len(text) > engine.CHUNKED_PARSE_CHARS
    assert _dump(engine.parse(text)) == _dump(ast.parse(text))


def test_cuts_are_made(small_pieces: None) -> None:
    """The test above is about pieces: the functions source really is cut, before each def."""
    cuts = engine._cuts(_FUNCTIONS)
    assert len(cuts) > 5
    assert all(_FUNCTIONS.startswith("def ", cut) for cut in cuts[:-1])


@pytest.mark.parametrize("where", ["first piece", "last piece"])
def test_a_syntax_error_is_the_whole_file_s(small_pieces: None, where: str) -> None:
    broken = "def broken(:\n    pass\n"
    text = broken + _FUNCTIONS if where == "first piece" else _FUNCTIONS + broken
    with pytest.raises(SyntaxError) as whole:
        ast.parse(text)
    with pytest.raises(SyntaxError) as pieces:
        engine.parse(text)
    assert (pieces.value.msg, pieces.value.lineno, pieces.value.offset) == (
        whole.value.msg,
        whole.value.lineno,
        whole.value.offset,
    )


def test_findings_of_a_generated_file_are_the_same_in_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "generated.py"
    generate(path, findings=300)
    data = path.read_bytes()
    rules = [rule for rule in all_rules() if rule.DEFAULT_ENABLED]
    whole = engine.lint_source(data, rules, edits=False)
    monkeypatch.setattr(engine, "CHUNKED_PARSE_CHARS", 1000)
    monkeypatch.setattr(engine, "_CHUNK_CHARS", 2000)
    pieces = engine.lint_source(data, rules, edits=False)
    assert [f.code for f in whole.findings] == ["NC001"] * 300
    assert pieces.findings == whole.findings
