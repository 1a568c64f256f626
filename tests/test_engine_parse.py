"""A long source is parsed a piece at a time (lintrules.engine.parse): same tree, same errors."""

from __future__ import annotations

import ast
import gc
import sys
import weakref
from pathlib import Path

import pytest

from lintrules import engine
from lintrules.analysis.model import Model
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


# --- A long source is linted a group of pieces at a time (engine._lint_in_pieces)


@pytest.fixture
def lint_groups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lint every source over 1,000 characters in groups of two pieces of about 400.

    Returns a list that gets one item per group linted, so a test can tell
    that the source really went through in groups.
    """
    monkeypatch.setattr(engine, "PIECEWISE_LINT_CHARS", 1000)
    monkeypatch.setattr(engine, "CHUNKED_PARSE_CHARS", 1000)
    monkeypatch.setattr(engine, "_CHUNK_CHARS", 400)
    monkeypatch.setattr(engine, "_GROUP_CHARS", 800)
    groups: list[int] = []
    lint_group = engine._lint_group

    def counted(*args: object, **kwargs: object) -> list[engine.Finding]:
        groups.append(1)
        return lint_group(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_lint_group", counted)
    return groups


_ALL_RULES = list(all_rules())

# Names bound at the top (an import alias, a module constant, an exception
# class) that functions far below depend on: lost, they would drop findings
# (NC002 sees errno.WSAECONNABORTED through E) or change them.
_HEADER = '''\
import errno as E

RESETS = (104, 10054)


class Reset(ConnectionResetError):
    pass

'''
_READERS = "".join(
    f'''
def read_{n}(sock):
    try:
        return sock.recv(4096)
    except Reset:
        return b""
    except OSError as e:
        if e.errno == E.WSAECONNABORTED or e.errno in RESETS:
            return b""
        if e.errno == 104:{"  # noqa: NC001" if n % 7 == 0 else ""}
            return None
        raise
'''
    for n in range(40)
)


@pytest.mark.parametrize("edits", [False, True])
def test_groups_find_what_the_whole_file_finds(lint_groups: list[int], edits: bool) -> None:
    data = (_HEADER + _READERS).encode()
    pieces = engine.lint_source(data, _ALL_RULES, edits=edits)
    grouped = len(lint_groups)
    with pytest.MonkeyPatch.context() as whole_file:
        whole_file.setattr(engine, "PIECEWISE_LINT_CHARS", len(data) + 1)
        whole = engine.lint_source(data, _ALL_RULES, edits=edits)
    assert pieces.findings == whole.findings
    assert pieces.noqa_used == whole.noqa_used
    assert sum(f.code == "NC002" for f in whole.findings) == 40
    assert {f.code for f in whole.findings} == {"NC001", "NC002"}
    # Fix edits need the whole tree (libcst carries them over): no groups then.
    assert grouped == (0 if edits else len(lint_groups)) and (edits or grouped > 3)


def test_a_generated_file_in_groups(lint_groups: list[int], tmp_path: Path) -> None:
    path = tmp_path / "generated.py"
    generate(path, findings=200)
    data = path.read_bytes()
    rules = [rule for rule in _ALL_RULES if rule.DEFAULT_ENABLED]
    pieces = engine.lint_source(data, rules, edits=False)
    assert len(lint_groups) > 10
    assert [(f.code, f.line) for f in pieces.findings] == [
        ("NC001", line)
        for line, text in enumerate(data.decode().splitlines(), 1)
        if "e.errno == 104" in text
    ]


def test_a_bad_cut_lints_the_whole_file(lint_groups: list[int]) -> None:
    """A string that holds lines like top-level statements: the pieces do not parse."""
    text = 'HELP = """\n' + _READERS + '"""\n' + _READERS
    data = (_HEADER + text).encode()
    assert len(engine._cuts(_HEADER + text)) > 3
    findings = engine.lint_source(data, _ALL_RULES, edits=False).findings
    assert lint_groups == []
    string = range(_HEADER.count("\n") + 1, (_HEADER + 'HELP = """\n' + _READERS).count("\n") + 1)
    assert len(findings) > 40
    assert not [f for f in findings if f.line in string]


def test_a_linted_group_is_freed_before_the_next(
    lint_groups: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What keeps the memory of a huge file down: the trees of finished groups do not pile up."""
    path = tmp_path / "generated.py"
    generate(path, findings=300)
    alive: list[int] = []
    run_rules_on = engine._run_rules_on

    def counted(*args: object) -> list[object]:
        alive.append(sum(isinstance(o, ast.AST) for o in gc.get_objects()))
        return run_rules_on(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_run_rules_on", counted)
    engine.lint_source(path.read_bytes(), [r for r in _ALL_RULES if r.DEFAULT_ENABLED], edits=False)
    assert len(alive) > 20
    # Each group is the same size: a leak would grow this count with every group.
    assert max(alive[1:]) < 1.5 * alive[1]


def test_a_file_s_model_dies_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Per-file indexes live on the model: a worker linting many files does not keep them all."""
    models: list[weakref.ref[Model]] = []
    build = Model.build.__func__  # type: ignore[attr-defined]

    def recorded(cls: type[Model], tree: ast.Module, text: str) -> Model:
        model: Model = build(cls, tree, text)
        models.append(weakref.ref(model))
        return model

    monkeypatch.setattr(Model, "build", classmethod(recorded))
    source = _HEADER + _READERS + (
        "\n\nclass _Waker:\n    def wake(self):\n        self.s.send(b'x')\n\n\n"
        "def serve(listener):\n    conn, _ = listener.accept()\n    return conn.recv(1)\n"
    )
    result = engine.lint_source(source.encode(), _ALL_RULES, edits=False)
    assert "NC101" in {f.code for f in result.findings}
    assert len(models) == 1
    gc.collect()
    assert models[0]() is None
