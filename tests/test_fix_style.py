"""Fixes a maintainer merges unchanged: imports where isort puts them, repetitions merged.

``tests/fixtures/fix_style/NAME.py`` are modules shaped like those the fixes
used to spoil (urllib3's relative imports, cheroot's ``from __future__``, a
module that imports ``netcompat``, the bundled example's ``if``/``elif``);
``NAME.fixed.py`` beside each is the module after ``netcompat-lint check
--fix`` with the arguments on its last line (``# args: ...``).  The command
runs for real on a copy, and ruff's isort check (``ruff check --select I``)
must pass on the input and on the output.

Then the two parts on their own, as before/after pairs: the placing of
imports (:mod:`lintrules.fixing.imports`) and the tidying after the fixes
(:mod:`lintrules.fixing.tidy`), and the notes the fixes' titles carry.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from lintrules.fixing import imports
from lintrules.fixing.cst_pass import apply_replacements
from lintrules.fixing.imports import add_imports, section_of
from lintrules.fixing.tidy import fix_notes, tidied
from lintrules.rule import ImportSpec

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "fix_style"
ERRNO = ImportSpec("errno")
_RUFF_ISORT = (sys.executable, "-m", "ruff", "check", "--select", "I", "--isolated", "--no-cache")
NETCOMPAT = ImportSpec("netcompat")


def _command() -> list[str]:
    """``netcompat-lint`` as installed beside this Python (else the same entry point through -m)."""
    script = Path(sys.executable).with_name("netcompat-lint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lintrules"]


def _lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(), "check", "--no-cache", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _isort_problems(*paths: Path) -> str:
    """What ``ruff check --select I`` says about ``paths`` ("" when they pass)."""
    result = subprocess.run(
        [*_RUFF_ISORT, *map(str, paths)],
        cwd=paths[0].parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def _fixture_args(path: Path) -> list[str]:
    last = path.read_text(encoding="utf-8").rstrip("\n").splitlines()[-1]
    assert last.startswith("# args: "), f"{path.name} must end with a '# args: ...' line"
    return last[len("# args: ") :].split()


def _cases() -> list[object]:
    return [
        pytest.param(path, id=path.stem)
        for path in sorted(FIXTURES.glob("*.py"))
        if not path.name.endswith(".fixed.py")
    ]


# -- the real command on the fixture files ------------------------------------------


@pytest.mark.parametrize("source", _cases())
def test_fix_gives_the_snapshot_and_passes_isort(source: Path, tmp_path: Path) -> None:
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    assert _isort_problems(copy) == "", "the fixture must pass ruff's isort check before the fix"

    result = _lint("--fix", *_fixture_args(source), copy.name, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    expected = source.with_name(source.stem + ".fixed.py").read_text(encoding="utf-8")
    assert copy.read_text(encoding="utf-8") == expected
    assert expected != source.read_text(encoding="utf-8"), "the fixture must have a fix to make"
    assert _isort_problems(copy) == ""

    again = _lint("--diff", *_fixture_args(source), copy.name, cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == "", again.stdout


def test_bundled_example_fixes_merge_the_dead_branch(tmp_path: Path) -> None:
    """``examples/``: the ``elif`` the NC002 fix makes repeat the ``if`` is gone, imports stay sorted."""
    for example in (ROOT / "examples").glob("*.py"):
        shutil.copyfile(example, tmp_path / example.name)
    client = tmp_path / "legacy_client.py"
    assert "elif e.errno == errno.ECONNRESET:" in client.read_text(encoding="utf-8")

    result = _lint("--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    fixed = client.read_text(encoding="utf-8")
    assert fixed.count("if e.errno == errno.ECONNRESET:  # On Windows\n") == 1
    assert "elif e.errno == errno.ECONNRESET" not in fixed
    assert "# On Linux/macOS" not in fixed
    server = (tmp_path / "legacy_server.py").read_text(encoding="utf-8")
    assert "import time\n\nimport netcompat\n\n\ndef handle_request" in server
    assert _isort_problems(client, tmp_path / "legacy_server.py") == ""


# -- titles ---------------------------------------------------------------------------


def _titles(path: Path, *args: str) -> dict[int, str]:
    result = _lint("--output-format", "json", *args, path.name, cwd=path.parent)
    return {
        finding["location"]["row"]: finding["fix"]["message"]
        for finding in json.loads(result.stdout)
        if finding["fix"] is not None
    }


def test_titles_name_untrue_comments_and_repeated_tests() -> None:
    titles = _titles(FIXTURES / "example_branches.py", "--select", "NC001,NC002")
    assert titles == {
        12: 'Use the portable errno.ECONNRESET (the comment "# On Windows" may no longer be true;'
        " the elif on line 14 then repeats this test and is removed)",
        26: 'Compare with errno.ECONNRESET (the comment "# Linux" may no longer be true;'
        " the elif on line 29 then repeats this test and is removed)",
        29: 'Compare with errno.ECONNRESET (the comment "# Windows" may no longer be true;'
        " this elif then repeats the test on line 26 and is removed)",
        38: "Use the portable errno.ECONNRESET"
        " (the elif on line 40 then repeats this test and can no longer run)",
        49: "Compare with errno.ECONNRESET"
        " (the elif on line 51 then repeats this test and can no longer run)",
        51: "Compare with errno.ECONNRESET"
        " (this elif then repeats the test on line 49 and can no longer run)",
    }


def test_titles_name_a_comment_naming_the_old_number() -> None:
    titles = _titles(FIXTURES / "future_only.py", "--select", "NC001")
    assert titles == {
        7: 'Compare with errno.ECONNRESET (the comment "# 104 on Linux" may no longer be true)'
    }


def test_a_fix_that_keeps_the_number_flags_no_comment(tmp_path: Path) -> None:
    """NC003 keeps ``10053`` (``getattr(e, "winerror", None) == 10053``): "# Windows only" stays true."""
    source = tmp_path / "winerror.py"
    source.write_text(
        "def aborted(e):\n    return e.winerror == 10053  # Windows only\n", encoding="utf-8"
    )
    assert _titles(source, "--select", "NC003") == {2: 'Use getattr(e, "winerror", None)'}


# -- placing imports ------------------------------------------------------------------

#: (id, module before, imports asked for, module after, passes ruff's isort check)
IMPORT_FIXES = [
    (
        "stdlib-sorted-in",
        "import os\nimport socket\n\nimport six\n",
        [ERRNO],
        "import errno\nimport os\nimport socket\n\nimport six\n",
    ),
    (
        "stdlib-at-the-end-of-its-group",
        "import abc\nimport collections\n\nfrom . import x\n",
        [ERRNO],
        "import abc\nimport collections\nimport errno\n\nfrom . import x\n",
    ),
    (
        "plain-before-from-imports",
        "import socket\nfrom os import path\n",
        [ERRNO],
        "import errno\nimport socket\nfrom os import path\n",
    ),
    (
        "only-from-imports-in-the-group",
        "from os import path\nfrom typing import Any\n",
        [ERRNO],
        "import errno\nfrom os import path\nfrom typing import Any\n",
    ),
    (
        "third-party-group-created-before-relative",
        '"""Doc."""\n\nimport socket\n\nfrom .a import b\n',
        [NETCOMPAT],
        '"""Doc."""\n\nimport socket\n\nimport netcompat\n\nfrom .a import b\n',
    ),
    (
        "third-party-group-created-last",
        "import socket\n\n\ndef f():\n    pass\n",
        [NETCOMPAT],
        "import socket\n\nimport netcompat\n\n\ndef f():\n    pass\n",
    ),
    (
        "stdlib-group-created-before-third-party",
        "import six\n\nfrom . import a\n",
        [ERRNO],
        "import errno\n\nimport six\n\nfrom . import a\n",
    ),
    (
        "after-future",
        '"""Doc."""\n\nfrom __future__ import annotations\n\nx = 1\n',
        [ERRNO, NETCOMPAT],
        '"""Doc."""\n\nfrom __future__ import annotations\n\nimport errno\n\nimport netcompat\n\n'
        "x = 1\n",
    ),
    (
        "after-the-docstring",
        '"""Doc."""\n\n\nclass A:\n    pass\n',
        [ERRNO],
        '"""Doc."""\n\nimport errno\n\n\nclass A:\n    pass\n',
    ),
    (
        "empty-module",
        "",
        [ERRNO],
        "import errno\n",
    ),
    (
        "below-the-header-comments",
        "#!/usr/bin/env python\n# Copyright\n\nx = 1\n",
        [ERRNO],
        "#!/usr/bin/env python\n# Copyright\n\nimport errno\n\nx = 1\n",
    ),
    (
        "comment-stays-with-its-import",
        "import abc\n\n# the one we need\nimport zlib\n",
        [ERRNO],
        "import abc\nimport errno\n\n# the one we need\nimport zlib\n",
    ),
    (
        "an-alias-is-not-the-module",
        "import errno as E\nimport socket\n",
        [ERRNO],
        "import errno\nimport errno as E\nimport socket\n",
    ),
    (
        "a-from-import-is-not-the-module",
        "import socket\nfrom errno import EPIPE\n",
        [ERRNO],
        "import errno\nimport socket\nfrom errno import EPIPE\n",
    ),
    (
        "name-joins-its-from-import",
        "from netcompat import is_reset, recv\n",
        [ImportSpec("netcompat", "graceful_close")],
        "from netcompat import graceful_close, is_reset, recv\n",
    ),
    (
        "name-joins-a-parenthesised-from-import",
        "from netcompat import (\n    PeerResetError,\n    is_reset,\n)\n",
        [ImportSpec("netcompat", "recv")],
        "from netcompat import (\n    PeerResetError,\n    is_reset,\n    recv,\n)\n",
    ),
    (
        "new-from-import-after-plain-ones",
        "import socket\n\nimport pytest\n",
        [ImportSpec("netcompat", "is_reset")],
        "import socket\n\nimport pytest\nfrom netcompat import is_reset\n",
    ),
]

#: Not isort-clean by ruff's rules, which split ``import a, b``: the file's own style is kept.
COMBINED_STYLE = [
    (
        "joins-a-combined-import",
        "import os, socket, sys\n\nimport six\n",
        [ERRNO],
        "import errno, os, socket, sys\n\nimport six\n",
    ),
    (
        "joins-a-combined-import-in-the-middle",
        "import abc, socket\n",
        [ERRNO],
        "import abc, errno, socket\n",
    ),
]

IMPORT_NOOPS = [
    ("already-imported", "import errno\n", [ERRNO]),
    ("imported-later-at-module-level", "import os\nx = 1\nimport errno\n", [ERRNO]),
    ("imported-in-a-combined-line", "import os, errno\n", [ERRNO]),
    (
        "name-already-imported",
        "from netcompat import is_reset\n",
        [ImportSpec("netcompat", "is_reset")],
    ),
    ("nothing-asked", "import os\n", []),
]


def _added(source: str, specs: list[ImportSpec]) -> str:
    return add_imports(cst.parse_module(source), specs).code


@pytest.mark.parametrize(
    ("source", "specs"), [p[1:] for p in IMPORT_NOOPS], ids=[p[0] for p in IMPORT_NOOPS]
)
def test_imports_noop(source: str, specs: list[ImportSpec]) -> None:
    assert _added(source, specs) == source


@pytest.mark.parametrize(
    ("source", "specs", "expected"),
    [p[1:] for p in IMPORT_FIXES + COMBINED_STYLE],
    ids=[p[0] for p in IMPORT_FIXES + COMBINED_STYLE],
)
def test_imports_fixes(source: str, specs: list[ImportSpec], expected: str) -> None:
    assert _added(source, specs) == expected


def test_placed_imports_pass_ruffs_isort_check(tmp_path: Path) -> None:
    """Every placement above that starts isort-clean ends isort-clean (one ruff run for all)."""
    before, after = [], []
    for number, (_, source, specs, expected) in enumerate(IMPORT_FIXES):
        # Used names, so that no other check could complain.
        uses = "\n".join(f"{spec.name or spec.module}  # noqa" for spec in specs)
        for folder, text in (("before", source), ("after", expected)):
            path = tmp_path / folder / f"case{number}.py"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text + ("\n" if text else "") + uses + "\n", encoding="utf-8")
            (before if folder == "before" else after).append(path)
    assert _isort_problems(*before) == ""
    assert _isort_problems(*after) == ""
    # The combined style is the file's, not isort's: ruff would split it.
    combined = tmp_path / "combined.py"
    combined.write_text(COMBINED_STYLE[0][3], encoding="utf-8")
    assert _isort_problems(combined) != ""


def test_sections() -> None:
    assert section_of("errno") == "stdlib"
    assert section_of("os.path") == "stdlib"
    assert section_of("__future__") == "future"
    assert section_of("netcompat") == "thirdparty"
    assert section_of("pytest") == "thirdparty"
    assert section_of("util", level=1) == "local"


def test_standard_library_without_stdlib_module_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.9 has no ``sys.stdlib_module_names``: the names come from the stdlib's folders."""
    monkeypatch.delattr(sys, "stdlib_module_names", raising=False)
    names = imports._stdlib_names()
    assert {"errno", "socket", "asyncio", "json", "sys", "_socket"} <= names
    assert not {"libcst", "pytest", "netcompat", "lintrules", "site-packages"} & names


# -- tidying after the fixes ------------------------------------------------------------


def _fix_104(source: str, replacement: str = "errno.ECONNRESET") -> str:
    """``source`` with every ``104`` replaced by ``replacement``, tidied as the engine does."""
    module = cst.parse_module(source)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    targets = [n for n in positions if isinstance(n, cst.Integer) and n.value == "104"]
    fixes = [(target, cst.parse_expression(replacement)) for target in targets]
    return apply_replacements(module, tidied(module, positions, fixes)).code


TIDY_FIXES = [
    (
        "or-chain",
        "a = e.errno == 104 or e.errno == errno.ECONNRESET\n",
        "a = e.errno == errno.ECONNRESET\n",
    ),
    (
        "and-chain",
        "a = e.errno != errno.ECONNRESET and e.errno != 104\n",
        "a = e.errno != errno.ECONNRESET\n",
    ),
    (
        "three-operands",
        "a = x == 1 or e.errno == 104 or e.errno == errno.ECONNRESET\n",
        "a = x == 1 or e.errno == errno.ECONNRESET\n",
    ),
    (
        "both-written",
        "a = (e.errno == 104 or e.errno == 104)\n",
        "a = (e.errno == errno.ECONNRESET)\n",
    ),
    (
        "tuple-to-equality",
        "a = e.errno in (104, errno.ECONNRESET)\n",
        "a = e.errno == errno.ECONNRESET\n",
    ),
    (
        "not-in-to-inequality",
        "a = e.errno not in {errno.ECONNRESET, 104}\n",
        "a = e.errno != errno.ECONNRESET\n",
    ),
    (
        "tuple-keeps-the-others",
        "a = e.errno in (104, errno.EPIPE, errno.ECONNRESET,)\n",
        "a = e.errno in (errno.ECONNRESET, errno.EPIPE,)\n",
    ),
    (
        "elif-with-the-same-body",
        "if e.errno == 104:\n    raise\nelif e.errno == errno.ECONNRESET:  # macOS\n    raise\nelse:\n    pass\n",
        "if e.errno == errno.ECONNRESET:\n    raise\nelse:\n    pass\n",
    ),
    (
        "elif-with-a-platform-label-above",
        "if e.errno == errno.ECONNRESET:\n    return 1\n# Windows\nelif e.errno == 104:\n    return 1\n",
        "if e.errno == errno.ECONNRESET:\n    return 1\n",
    ),
]

TIDY_NOOPS = [
    (
        "users-own-repetition",
        "a = e.errno == errno.EPIPE or e.errno == errno.EPIPE or e.errno == 104\n",
    ),
    ("calls-may-differ", "a = code(e) == 104 or code(e) == errno.ECONNRESET\n"),
    ("not-a-comparison", "a = e.errno or e.errno or 104\n"),
    (
        "operand-with-a-comment",
        "a = (e.errno == 104  # Linux\n     or e.errno == errno.ECONNRESET)\n",
    ),
    ("container-with-a-comment", "a = e.errno in (\n    104,  # Linux\n    errno.ECONNRESET,\n)\n"),
    ("users-own-tuple", "a = e.errno in (errno.EPIPE, errno.EPIPE, 104)\n"),
    (
        "elif-with-another-body",
        "if e.errno == 104:\n    return 1\nelif e.errno == errno.ECONNRESET:\n    return 2\n",
    ),
    (
        "elif-with-a-comment-that-is-no-label",
        "if e.errno == 104:\n    return 1\nelif e.errno == errno.ECONNRESET:  # keep: see #12\n    return 1\n",
    ),
    (
        "a-call-in-between-may-change-it",
        "if e.errno == 104:\n    return 1\nelif refresh(e):\n    return 2\nelif e.errno == errno.ECONNRESET:\n"
        "    return 1\n",
    ),
    (
        "users-own-elif",
        "if e.errno == errno.EPIPE:\n    return 1\nelif e.errno == errno.EPIPE:\n    return 1\na = 104\n",
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [p[1:] for p in TIDY_FIXES], ids=[p[0] for p in TIDY_FIXES]
)
def test_tidy_fixes(source: str, expected: str) -> None:
    assert _fix_104(source) == expected


@pytest.mark.parametrize("source", [p[1] for p in TIDY_NOOPS], ids=[p[0] for p in TIDY_NOOPS])
def test_tidy_noop(source: str) -> None:
    """Only the fix itself: ``104`` becomes ``errno.ECONNRESET``, nothing else moves."""
    assert _fix_104(source) == source.replace("104", "errno.ECONNRESET")


def test_notes_agree_with_the_tidying() -> None:
    """A removed ``elif`` is announced as removed, a kept one as dead: the notes run the same tidying."""
    for source, outcome in (
        (TIDY_FIXES[7][1], "is removed"),
        (TIDY_NOOPS[6][1], "can no longer run"),
    ):
        module = cst.parse_module(source)
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        (target,) = [n for n in positions if isinstance(n, cst.Integer) and n.value == "104"]
        (note,) = fix_notes(module, positions, [(target, cst.parse_expression("errno.ECONNRESET"))])
        assert note.endswith(f"the elif on line 3 then repeats this test and {outcome})"), note


def test_notes_quote_two_comments_at_most() -> None:
    source = (
        "x = 1\n# Linux\n# 104 is ECONNRESET there\n# macOS differs\nok = e.errno == 104  # reset\n"
    )
    module = cst.parse_module(source)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    (target,) = [n for n in positions if isinstance(n, cst.Integer) and n.value == "104"]
    (note,) = fix_notes(module, positions, [(target, cst.parse_expression("errno.ECONNRESET"))])
    # "# reset" names neither a platform nor the number: it stays out.
    assert note == ' (the comments "# Linux" and 2 more may no longer be true)'
