"""Check runs leave out function bodies no rule needs: same findings, same lines."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from lintrules import engine
from lintrules._cst_rule import Rule, RuleContext
from lintrules.reduce import blank_out, cold_bodies, reduce_source, source_lines
from lintrules.rules import all_rules

REPO = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
# The rules still on libcst: their gates and reductions are what these tests check.
RULES = tuple(rule for rule in all_rules() if issubclass(rule, Rule))
#: Rules that can be reduced for (the others need whole files and switch it off).
REDUCIBLE = tuple(rule for rule in RULES if rule.needs.__func__ is not Rule.needs.__func__)  # type: ignore[attr-defined]


def _findings(data: bytes, rules: tuple[type[Rule], ...], reduce: bool) -> list[tuple[object, ...]]:
    analysis = engine._analyse(data, rules, RuleContext(), reduce=reduce)
    return [
        (f.code, f.line, f.column, f.end_line, f.end_column, f.message, f.fix)
        for f in analysis.findings
    ]


def _hot_name(name: str):  # type: ignore[no-untyped-def]
    return lambda node: isinstance(node, ast.Name) and node.id == name


def test_source_lines_count_like_python() -> None:
    text = "a = '\x0c'  # \u2028\r\nb = 1\rc = 2\nd"
    assert source_lines(text) == ["a = '\x0c'  # \u2028\r\n", "b = 1\r", "c = 2\n", "d"]
    assert "".join(source_lines(text)) == text
    assert len(source_lines(text)) == len(text.splitlines()) - 2  # form feed, U+2028


def test_cold_bodies_keep_lines_endings_and_hot_functions() -> None:
    text = (
        "import errno\r\n"
        "def cold(x):\r\n"
        "\t'''doc\r\n"
        "\tmore'''\r\n"
        "\treturn x\r\n"
        "def hot(e):\r\n"
        "    return TARGET\r\n"
        "def one_line(): return 1\r\n"
        "class C:\r\n"
        "    def method(self):\r\n"
        "        def inner():\r\n"
        "            pass\r\n"
        "        return inner\r\n"
        "    def outer(self):\r\n"
        "        def keep():\r\n"
        "            return TARGET\r\n"
        "        def drop():\r\n"
        "            return 2\r\n"
        "        return keep\r\n"
    )
    reduced = reduce_source(text, ast.parse(text), [_hot_name("TARGET")])
    assert reduced is not None
    assert reduced.split("\r\n") == [
        "import errno",
        "def cold(x):",
        '\t"""',
        "",
        '"""',
        "def hot(e):",
        "    return TARGET",
        "def one_line(): return 1",
        "class C:",
        "    def method(self):",
        '        """',
        "",
        '"""',
        "    def outer(self):",
        "        def keep():",
        "            return TARGET",
        "        def drop():",
        "            ...",
        "        return keep",
        "",
    ]
    assert len(source_lines(reduced)) == len(source_lines(text))
    cst.parse_module(reduced)
    compile(reduced, "<reduced>", "exec")


def test_nothing_cold_gives_none() -> None:
    text = "def f():\n    return TARGET\n"
    assert reduce_source(text, ast.parse(text), [_hot_name("TARGET")]) is None


def test_inner_cold_spans_are_covered_by_the_outer_one() -> None:
    text = "def a():\n    def b():\n        return 1\n    return b\n"
    lines = source_lines(text)
    spans = cold_bodies(ast.parse(text), lambda node: False, lines)
    assert spans == [(2, 4)]
    assert blank_out(lines, spans) == 'def a():\n    """\n\n"""\n'


def _example_sources() -> list[tuple[str, str]]:
    found = []
    for rule in RULES:
        for number, example in enumerate([*rule.VALID, *rule.INVALID]):
            found.append((f"{rule.CODE}-{number}", example.code))
    return found


@pytest.mark.parametrize(("name", "code"), _example_sources(), ids=lambda v: str(v)[:40])
def test_examples_give_the_same_findings_reduced(name: str, code: str) -> None:
    data = code.encode("utf-8")
    for rules in (REDUCIBLE, *((rule,) for rule in REDUCIBLE)):
        assert _findings(data, rules, True) == _findings(data, rules, False), name


def _files() -> list[Path]:
    files = sorted((REPO / "tests" / "corpus").glob("*.py"))
    files += sorted((REPO / "examples").glob("*.py"))
    files += sorted((REPO / "lintrules").rglob("*.py"))
    for relative in ("ntpath.py", "socket.py", "asyncio/windows_events.py", "subprocess.py"):
        if (STDLIB / relative).exists():
            files.append(STDLIB / relative)
    return files


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_files_give_the_same_findings_reduced(path: Path) -> None:
    data = path.read_bytes()
    assert _findings(data, REDUCIBLE, True) == _findings(data, REDUCIBLE, False)
    # The engine falls back to the whole file when a reduction does not
    # parse; that must never be needed.
    text = engine.decode_source(data)
    for rules in (REDUCIBLE, *((rule,) for rule in REDUCIBLE)):
        reduced = _reduced(text, rules)
        if reduced is not None:
            cst.parse_module(reduced)
            compile(reduced, str(path), "exec")


def _reduced(text: str, rules: tuple[type[Rule], ...]) -> str | None:
    tree = ast.parse(text)
    index = _index(text)
    tests = [rule.needs(index) for rule in rules]
    return reduce_source(text, tree, [t for t in tests if t is not None])


def test_decorated_first_statements_go_with_their_decorators() -> None:
    text = (
        "class C:\n"
        "    @classmethod\n"
        "    @other(1,\n"
        "           2)\n"
        "    def setup(cls):\n"
        "        pass\n"
        "def f():\n"
        "    @decorator\n"
        "    class Inner:\n"
        "        x = 1\n"
        "    return Inner\n"
    )
    reduced = reduce_source(text, ast.parse(text), [lambda node: False])
    assert reduced == 'class C:\n    """\n\n\n\n"""\ndef f():\n    """\n\n\n"""\n'
    cst.parse_module(reduced)


def test_reduction_happens_on_a_large_file() -> None:
    """The reduced run must actually leave bodies out (else the tests above prove nothing)."""
    text = (REPO / "lintrules" / "engine.py").read_text(encoding="utf-8")
    tests = [rule.needs(_index(text)) for rule in REDUCIBLE]
    reduced = reduce_source(text, ast.parse(text), [t for t in tests if t is not None])
    assert reduced is not None
    assert len(reduced) < 0.7 * len(text)
    assert reduced.count('\n"""\n') >= 10


def _index(text: str):  # type: ignore[no-untyped-def]
    from lintrules.gate import AstIndex

    return AstIndex.from_tree(ast.parse(text))
