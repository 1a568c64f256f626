"""A finding's fix edit, applied alone as text, does exactly what its fix does to the tree.

JSON and SARIF output carry each fix as one text edit (a 1-based line/column
range, end exclusive, columns counting characters, and the text to put
there).  Editors and SARIF consumers apply it to the file as it is, one fix at
a time, so the edit must turn the original text into exactly the code the
tree replacement renders: with the statement's indentation, its comments and
blank lines, the file's line endings.  Imports a fix adds are not part of the
edit (documented on ``FixInfo``).

The expected text comes from the tree: the rules run again here and each
report's single replacement is applied with :func:`lintrules.fixing.cst_pass.apply_replacements`
(what ``--fix`` uses).  The hand-written cases below pin the result as a
plain string too, for the shapes that broke the old edits: statements,
nested indentation, comments above, CRLF, tabs and non-ASCII text.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from lintrules import engine
from lintrules.engine import Edit, Finding, lint_source
from lintrules.fixing import cst_pass
from lintrules.rule import REMOVE, Fix, Invalid, Rule, RuleContext
from lintrules.rules import all_rules, rules_by_code

REPO = Path(__file__).resolve().parents[1]
CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.py"))
RULES = all_rules()
BY_CODE = rules_by_code()

#: Line breaks as libcst (and so every finding's position) counts them.
_NEWLINE = re.compile(r"\r\n?|\n")
_CORPUS_OPTIONS = re.compile(r"#\s*corpus-options:\s*(\{.*\})")

Key = tuple[str, int, int, int, int, str]


def apply_edit(source: str, edit: Edit) -> str:
    """``source`` with ``edit`` applied, checking that its range is well formed."""
    starts = [0] + [match.end() for match in _NEWLINE.finditer(source)]

    def offset(line: int, column: int) -> int:
        assert 1 <= line <= len(starts), (line, len(starts))
        start = starts[line - 1]
        end = _NEWLINE.search(source, start)
        length = (end.start() if end is not None else len(source)) - start
        assert 1 <= column <= length + 1, (line, column, length)
        return start + column - 1

    begin = offset(edit.line, edit.column)
    end = offset(edit.end_line, edit.end_column)
    assert begin <= end, edit
    return source[:begin] + edit.content + source[end:]


def _key(finding: Finding) -> Key:
    return (
        finding.code,
        finding.line,
        finding.column,
        finding.end_line,
        finding.end_column,
        finding.message,
    )


def fixed_by_tree(
    source: str, rules: Sequence[type[Rule]], options: dict[str, object], fix_style: str
) -> dict[Key, str]:
    """For each finding with a fix: the whole source after applying that one fix to the tree."""
    module = cst.parse_module(source.encode("utf-8"))
    assert module.code == source
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    context = RuleContext(fix_style=fix_style, options=options)  # type: ignore[arg-type]
    reports = engine._run_ast_rules(ast.parse(source), source, rules, context)
    expected: dict[Key, str] = {}
    # Each fix carried over to this tree as the engine does, then applied alone.
    for report, carried in cst_pass._located(reports, module, wrapper):
        if carried is None:
            continue
        span = report.span
        key = (
            report.code,
            span.line,
            span.column + 1,
            span.end_line,
            span.end_column + 1,
            report.message,
        )
        expected[key] = cst_pass.apply_replacements(
            module, [(carried.node, carried.fix.replacement)]
        ).code
    return expected


def check_edits(
    source: str,
    rules: Sequence[type[Rule]],
    options: dict[str, object] | None = None,
    fix_style: str = "stdlib",
) -> list[tuple[Finding, str]]:
    """Apply every finding's edit alone; each must give what its tree fix gives.

    Returns the findings with a fix and the text their edit produces.
    """
    options = dict(options or {})
    result = lint_source(
        source.encode("utf-8"),
        rules,
        fix_style=fix_style,  # type: ignore[arg-type]
        options=options,
    )
    assert not [f for f in result.findings if f.code.startswith("NC9")], result.findings
    expected = fixed_by_tree(source, rules, options, fix_style)
    checked = []
    for finding in result.findings:
        if finding.fix is None:
            continue
        edit = finding.fix.edit
        assert edit is not None, f"{finding.code} at line {finding.line} has a fix but no edit"
        edited = apply_edit(source, edit)
        want = expected[_key(finding)]
        assert edited == want, (
            f"{finding.code} at {finding.line}:{finding.column}: edit {edit!r}\n"
            f"--- edited\n{edited}\n--- tree\n{want}"
        )
        checked.append((finding, edited))
    return checked


def _example_cases() -> list[object]:
    params: list[object] = []
    for rule in RULES:
        for number, example in enumerate(rule.INVALID):
            label = example.id or str(number)
            params.append(pytest.param(rule, example, id=f"{rule.CODE}-{label}"))
    return params


@pytest.mark.parametrize(("rule", "example"), _example_cases())
def test_invalid_example_edits_match_tree_fix(rule: type[Rule], example: Invalid) -> None:
    options = dict(example.options)
    fix_style = str(options.pop("fix_style", "stdlib"))
    checked = check_edits(example.code, [rule], options, fix_style)
    if example.expected is not None:
        assert checked, "the example has a fix, so its finding must carry an edit"


def _corpus_options(source: str) -> dict[str, object]:
    match = _CORPUS_OPTIONS.search(source)
    if match is None:
        return {}
    options: dict[str, object] = json.loads(match.group(1))
    return options


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_edits_match_tree_fix(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    check_edits(source, RULES, _corpus_options(source))


STDLIB = Path(sysconfig.get_paths()["stdlib"])
STDLIB_FILES = ["telnetlib.py", "asyncio/selector_events.py", "socketserver.py", "smtplib.py"]


@pytest.mark.parametrize("name", STDLIB_FILES)
def test_stdlib_edits_match_tree_fix(name: str) -> None:
    path = STDLIB / name
    if not path.exists():
        pytest.skip(f"{name} is not in this Python's standard library")
    source = path.read_text(encoding="utf-8")
    check_edits(source, RULES)


# -- hand-written statement-level cases ---------------------------------------
# Each source has exactly one finding with a fix; ``after`` is the source with
# that fix's edit applied (so without any import the fix would add).

RECV_NESTED = """\
import socket


class Client:
    def fetch(self, host):
        sock = socket.create_connection((host, 80))
        if sock:
            # the peer may reset
            # (second line of the comment)
            data = sock.recv(4096)
            return data
"""
RECV_NESTED_AFTER = """\
import socket


class Client:
    def fetch(self, host):
        sock = socket.create_connection((host, 80))
        if sock:
            # the peer may reset
            # (second line of the comment)
            try:
                data = sock.recv(4096)
            except ConnectionResetError:
                data = b""
            return data
"""

RECV_TABS = (
    "import socket\n"
    "def fetch(host):\n"
    "\tsock = socket.create_connection((host, 80))\n"
    "\twhile True:\n"
    "\t\t# one chunk\n"
    "\t\tchunk = sock.recv(10)\n"
    "\t\tif not chunk:\n"
    "\t\t\tbreak\n"
)
RECV_TABS_AFTER = (
    "import socket\n"
    "def fetch(host):\n"
    "\tsock = socket.create_connection((host, 80))\n"
    "\twhile True:\n"
    "\t\t# one chunk\n"
    "\t\ttry:\n"
    "\t\t\tchunk = sock.recv(10)\n"
    "\t\texcept ConnectionResetError:\n"
    '\t\t\tchunk = b""\n'
    "\t\tif not chunk:\n"
    "\t\t\tbreak\n"
)

RECV_LAST_LINE_NO_NEWLINE = (
    "import socket\nsock = socket.create_connection(('h', 1))\ndata = sock.recv(1)"
)
RECV_LAST_LINE_NO_NEWLINE_AFTER = (
    "import socket\nsock = socket.create_connection(('h', 1))\n"
    'try:\n    data = sock.recv(1)\nexcept ConnectionResetError:\n    data = b""'
)

CLAUSES = """\
def f():
    try:
        work()
    # broad
    except OSError as e:  # réseau
        log(e)
    # the reset case
    except ConnectionResetError:
        reconnect()
"""
CLAUSES_AFTER = """\
def f():
    try:
        work()
    # the reset case
    except ConnectionResetError:
        reconnect()
    # broad
    except OSError as e:  # réseau
        log(e)
"""

CLAUSE_REWRITE = """\
import errno


def serve():
    while True:
        try:
            handle()
        except IOError as e:  # réseau
            if e.errno in (errno.EPIPE, errno.ECONNRESET):
                # the client went away
                break
            else:
                raise
"""
CLAUSE_REWRITE_AFTER = """\
import errno


def serve():
    while True:
        try:
            handle()
        except (BrokenPipeError, ConnectionResetError):  # réseau
            # the client went away
            break
"""

SLEEP_CLOSE = """\
import socket
import time


def finish(sock: socket.socket):
    if sock:
        sock.sendall(b'bye')

        # give the client time to read
        time.sleep(1)

        # and close
        sock.close()
    return True
"""
SLEEP_CLOSE_AFTER = """\
import socket
import time


def finish(sock: socket.socket):
    if sock:
        sock.sendall(b'bye')

        # and close
        netcompat.graceful_close(sock)
    return True
"""

ALIAS_AFTER_TEXT = "données = 1; from errno import WSAECONNRESET as reset, EPIPE\n"
ALIAS_AFTER_TEXT_AFTER = "données = 1; from errno import ECONNRESET as reset, EPIPE\n"

NUMBER_AFTER_TEXT = """\
try:
    pass
except OSError as e:
    print("réseau coupé", e.errno == (104))
"""
NUMBER_AFTER_TEXT_AFTER = """\
try:
    pass
except OSError as e:
    print("réseau coupé", e.errno == (errno.ECONNRESET))
"""


# A clause that holds a function no rule looks at: a check run may parse the
# file with that body left out (``lintrules.reduce``), but the edit must
# still carry the body as it is.
CLAUSE_WITH_FUNCTION = """\
def f():
    try:
        work()
    except OSError:
        def helper():
            return 1
        a(helper)
    except ConnectionResetError:
        b()
"""
CLAUSE_WITH_FUNCTION_AFTER = """\
def f():
    try:
        work()
    except ConnectionResetError:
        b()
    except OSError:
        def helper():
            return 1
        a(helper)
"""


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


STATEMENT_CASES = [
    pytest.param("NC101", RECV_NESTED, RECV_NESTED_AFTER, id="NC101-nested-comments"),
    pytest.param(
        "NC101", _crlf(RECV_NESTED), _crlf(RECV_NESTED_AFTER), id="NC101-nested-comments-crlf"
    ),
    pytest.param("NC101", RECV_TABS, RECV_TABS_AFTER, id="NC101-tabs"),
    pytest.param("NC101", _crlf(RECV_TABS), _crlf(RECV_TABS_AFTER), id="NC101-tabs-crlf"),
    pytest.param(
        "NC101",
        RECV_LAST_LINE_NO_NEWLINE,
        RECV_LAST_LINE_NO_NEWLINE_AFTER,
        id="NC101-last-line-without-newline",
    ),
    pytest.param("NC007", CLAUSES, CLAUSES_AFTER, id="NC007-comments"),
    pytest.param(
        "NC007", CLAUSE_WITH_FUNCTION, CLAUSE_WITH_FUNCTION_AFTER, id="NC007-nested-function"
    ),
    pytest.param("NC007", _crlf(CLAUSES), _crlf(CLAUSES_AFTER), id="NC007-comments-crlf"),
    pytest.param("NC008", CLAUSE_REWRITE, CLAUSE_REWRITE_AFTER, id="NC008-clause"),
    pytest.param(
        "NC008", _crlf(CLAUSE_REWRITE), _crlf(CLAUSE_REWRITE_AFTER), id="NC008-clause-crlf"
    ),
    pytest.param("NC102", SLEEP_CLOSE, SLEEP_CLOSE_AFTER, id="NC102-comments-blank-lines"),
    pytest.param(
        "NC102", _crlf(SLEEP_CLOSE), _crlf(SLEEP_CLOSE_AFTER), id="NC102-comments-blank-lines-crlf"
    ),
    pytest.param(
        "NC102",
        SLEEP_CLOSE.replace("    ", "\t"),
        SLEEP_CLOSE_AFTER.replace("    ", "\t"),
        id="NC102-tabs",
    ),
    pytest.param(
        "NC002", ALIAS_AFTER_TEXT, ALIAS_AFTER_TEXT_AFTER, id="NC002-alias-after-non-ascii"
    ),
    pytest.param(
        "NC001", NUMBER_AFTER_TEXT, NUMBER_AFTER_TEXT_AFTER, id="NC001-parenthesized-non-ascii"
    ),
]


@pytest.mark.parametrize(("code", "source", "after"), STATEMENT_CASES)
def test_statement_edit(code: str, source: str, after: str) -> None:
    checked = check_edits(source, [BY_CODE[code]])
    assert len(checked) == 1, checked
    finding, edited = checked[0]
    assert finding.code == code
    assert edited == after
    compile(edited, "<edited>", "exec", dont_inherit=True)
    edit = finding.fix.edit if finding.fix is not None else None
    assert edit is not None
    # The edit is local: it covers the changed lines, not the statement's
    # unchanged comments or lines before or after them.
    before_lines, after_lines = source.splitlines(), after.splitlines()
    same_head = next(n for n, (old, new) in enumerate(zip(before_lines, after_lines)) if old != new)
    same_tail = next(
        n
        for n, (old, new) in enumerate(zip(reversed(before_lines), reversed(after_lines)))
        if old != new
    )
    assert edit.line == same_head + 1
    assert edit.end_line <= len(before_lines) - same_tail + 1


def test_expression_edit_is_the_target_range() -> None:
    """An unparenthesized expression keeps the plain edit: the target's range, the new code."""
    source = "try:\n    pass\nexcept OSError as e:\n    print('réseau', e.errno == 104)\n"
    checked = check_edits(source, [BY_CODE["NC001"]])
    assert len(checked) == 1
    finding, _ = checked[0]
    assert finding.fix is not None
    assert finding.fix.edit == Edit("e.errno == errno.ECONNRESET", 4, 21, 4, 35)


def test_json_output_edit_applies(tmp_path: Path) -> None:
    """End to end: the JSON the CLI prints carries an edit that applies to the file as it is."""
    path = tmp_path / "client.py"
    path.write_bytes(_crlf(RECV_NESTED).encode("utf-8"))
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "lintrules",
            "check",
            "--no-cache",
            "--output-format",
            "json",
            "--select",
            "NC101",
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    items = json.loads(completed.stdout)
    fixes = [item for item in items if item["fix"] is not None]
    assert len(fixes) == 1, items
    data = fixes[0]["fix"]["edit"]
    edit = Edit(data["content"], data["line"], data["column"], data["end_line"], data["end_column"])
    original = path.read_bytes().decode("utf-8")
    assert apply_edit(original, edit) == _crlf(RECV_NESTED_AFTER)


# -- shapes no real rule writes yet -------------------------------------------


class ShapesDemo(Rule):
    """Test-only rule: a call statement ``shape()`` is rewritten as the shape says.

    ``drop()`` removes its line, ``twice()`` becomes two lines, ``wide()`` a
    call spread over lines, ``(tight())`` loses its parentheses.

    ## What it does
    Test only.
    """

    CODE = "NC894"
    NAME = "shapes-demo"
    MESSAGE = "shape found"
    FIX_TITLE = "Reshape"
    FIX_SAFETY = "unsafe"

    def visit_Expr(self, node: ast.Expr) -> None:
        call = node.value
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            return
        shape = call.func.id
        fix: Fix
        if shape == "drop":
            fix = Fix(REMOVE, "unsafe", "Reshape")
        elif shape == "twice":
            fix = Fix(_twice, "unsafe", "Reshape")
        elif shape == "wide":
            fix = Fix("wide(\n    first,\n    second,\n)", "unsafe", "Reshape", target=call)
        elif shape == "tight":
            fix = Fix("tightened()", "unsafe", "Reshape", target=call)
        else:
            return
        self.report(node, fix=fix)


def _twice(node: cst.CSTNode) -> cst.FlattenSentinel[cst.CSTNode]:
    assert isinstance(node, cst.SimpleStatementLine)
    return cst.FlattenSentinel([node, node.with_changes(leading_lines=())])


SHAPES = """\
import os  # réseau
drop()


# above the decorators
@decorator(
    option=1,
)
# between
@other
def outer():
    twice()
    while True:
        # above
        drop()
        print("é"); x = 1
    match os.name:
        case "posix":
            if x:
                wide()
                (tight())
        case _:
            drop()
            twice()
    class Inner:
        def method(self):
            # keep me
            wide()
drop()
twice()"""


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("indent", ["    ", "\t", "  "], ids=["spaces", "tab", "two"])
def test_every_shape_of_replacement(newline: str, indent: str) -> None:
    source = SHAPES
    if sys.version_info < (3, 10):
        # This Python's ast cannot read ``match``: the same blocks under ``if``.
        source = source.replace("match os.name:", "if os.name:")
        source = source.replace('case "posix":', "if True:").replace("case _:", "if True:")
    source = source.replace("    ", indent).replace("\n", newline)
    checked = check_edits(source, [ShapesDemo])
    assert len(checked) == 10
    for _, edited in checked:
        cst.parse_module(edited)
        if sys.version_info >= (3, 10):  # ``match``
            compile(edited, "<edited>", "exec", dont_inherit=True)
