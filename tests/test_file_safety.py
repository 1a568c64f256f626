"""``check --fix`` never loses data: real files before and after, through ``main``.

Encodings, line endings, indentation, mode bits, comments and symlinks survive
a fix; files that cannot be read or parsed become findings and the run goes on;
a file that changed on disk, or a fix that does not parse, is never written.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import pytest
from _cli_helpers import (
    RESET_FIXED,
    RESET_SOURCE,
    BrokenFixDemo,
    ImportDemo,
    install_rules,
    lint_module_argv,
    make_project,
    run_cli,
    run_subprocess,
    temporaries,
)

import lintrules.files
import lintrules.runner
from lintrules.engine import lint_source
from lintrules.files import FileChangedError, write_atomically
from lintrules.rules import all_rules

NC002 = ("--select", "NC002")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch)


def fix(*paths: str) -> tuple[int, str]:
    result = run_cli("check", *NC002, "--fix", "--no-cache", *paths)
    return result.code, result.out


def assert_fixed(project: Path, path: Path, before: bytes, after: bytes) -> None:
    path.write_bytes(before)
    code, out = fix()
    assert code == 0, out
    assert path.read_bytes() == after
    # Idempotent: a second run finds nothing and writes nothing.
    mtime = path.stat().st_mtime_ns
    assert fix() == (0, "All checks passed (1 file checked).\n")
    assert path.read_bytes() == after
    assert path.stat().st_mtime_ns == mtime
    assert temporaries(project) == []


# -- what survives a fix ---------------------------------------------------------------
def test_crlf_stays_crlf(project: Path) -> None:
    before = b"import errno\r\nif e.errno == errno.WSAECONNRESET:\r\n    pass\r\n"
    after = b"import errno\r\nif e.errno == errno.ECONNRESET:\r\n    pass\r\n"
    assert_fixed(project, project / "crlf.py", before, after)


def test_crlf_file_gets_a_crlf_import_line(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_rules(monkeypatch, ImportDemo)
    path = project / "crlf.py"
    path.write_bytes(b'"""Doc."""\r\nimport os\r\n\r\nX = IMPORT_DEMO\r\n')
    result = run_cli("check", "--select", "NC895", "--fix", "--no-cache")
    assert (result.code, result.out) == (0, "Fixed 1 finding.\n")
    after = path.read_bytes()
    assert after == b'"""Doc."""\r\nimport errno\r\nimport os\r\n\r\nX = errno.ECONNRESET\r\n'
    assert b"\n" not in after.replace(b"\r\n", b"")


def test_latin1_cookie_keeps_latin1_bytes(project: Path) -> None:
    before = (
        b"# -*- coding: latin-1 -*-\nimport errno\nNAME = 'caf\xe9'  # caf\xe9\n"
        b"if e.errno == errno.WSAECONNRESET:\n    pass\n"
    )
    after = before.replace(b"WSAECONNRESET", b"ECONNRESET")
    assert_fixed(project, project / "latin.py", before, after)
    assert b"caf\xc3\xa9" not in (project / "latin.py").read_bytes()


def test_utf8_bom_is_kept(project: Path) -> None:
    before = (
        b"\xef\xbb\xbf" + RESET_SOURCE.replace("import errno", "import errno  # \xe9t\xe9").encode()
    )
    after = before.replace(b"WSAECONNRESET", b"ECONNRESET")
    assert_fixed(project, project / "bom.py", before, after)
    assert (project / "bom.py").read_bytes().startswith(b"\xef\xbb\xbfimport errno")


def test_tab_indented_file(project: Path) -> None:
    before = b"import errno\ndef f(e):\n\tif e.errno == errno.WSAECONNRESET:\n\t\treturn 1\n"
    after = b"import errno\ndef f(e):\n\tif e.errno == errno.ECONNRESET:\n\t\treturn 1\n"
    assert_fixed(project, project / "tabs.py", before, after)


def test_no_final_newline(project: Path) -> None:
    assert_fixed(
        project,
        project / "nonl.py",
        b"import errno\nX = errno.WSAECONNRESET",
        b"import errno\nX = errno.ECONNRESET",
    )


def test_comments_are_kept(project: Path) -> None:
    before = (
        b"#!/usr/bin/env python\n# top comment\nimport errno  # the module\n\n"
        b"def f(e):\n    # before\n    if e.errno == (  # inside\n        errno.WSAECONNRESET  # the name\n"
        b"    ):  # after\n        pass  # body\n# trailing\n"
    )
    after = before.replace(b"WSAECONNRESET", b"ECONNRESET")
    assert_fixed(project, project / "comments.py", before, after)


def test_mode_bits_are_kept(project: Path) -> None:
    path = project / "script.py"
    path.write_text(RESET_SOURCE)
    path.chmod(0o754)
    assert fix() == (0, "Fixed 1 finding.\n")
    assert path.read_text() == RESET_FIXED
    assert stat.S_IMODE(path.stat().st_mode) == 0o754


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_owner_is_kept_when_root_fixes_a_users_file(project: Path) -> None:
    path = project / "users.py"
    path.write_text(RESET_SOURCE)
    os.chown(path, 4321, 4322)
    assert fix() == (0, "Fixed 1 finding.\n")
    assert path.read_text() == RESET_FIXED
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)


def test_symlink_target_is_rewritten_and_link_stays_a_link(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "target.py"
    outside.write_text(RESET_SOURCE)
    link = project / "link.py"
    link.symlink_to(outside)
    assert fix() == (0, "Fixed 1 finding.\n")
    assert link.is_symlink() and os.readlink(link) == str(outside)
    assert outside.read_text() == RESET_FIXED
    assert temporaries(outside.parent) == []


def test_symlink_and_its_target_in_one_run_are_fixed_once(project: Path) -> None:
    target = project / "target.py"
    target.write_text(RESET_SOURCE)
    (project / "sub").mkdir()
    (project / "sub" / "link.py").symlink_to("../target.py")
    code, out = fix()
    assert (code, out) == (0, "Fixed 1 finding.\n")  # no "changed on disk" for the second name
    assert target.read_text() == RESET_FIXED
    assert (project / "sub" / "link.py").is_symlink()


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.py").write_text(RESET_SOURCE)
    (tmp_path / "a" / "loop").symlink_to("..")
    (tmp_path / "a" / "self").symlink_to(".")
    done = run_subprocess(
        [*lint_module_argv(), "check", *NC002, "--no-cache"], tmp_path, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert [line.split(":")[0] for line in done.stdout.splitlines()[:-1]] == ["a/x.py"]


# -- files that cannot be linted -------------------------------------------------------------
def test_syntax_error_is_reported_and_the_run_goes_on(project: Path) -> None:
    broken = project / "a_broken.py"
    broken.write_text("import errno\nX = errno.WSAECONNRESET\ny = = 2\n")
    good = project / "b_good.py"
    good.write_text(RESET_SOURCE)
    code, out = fix()
    assert code == 1
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert out.splitlines()[0] == f"a_broken.py:3:5: NC901 cannot parse with Python {version}: invalid syntax"
    assert broken.read_text() == "import errno\nX = errno.WSAECONNRESET\ny = = 2\n"
    assert good.read_text() == RESET_FIXED


def test_syntax_error_in_a_file_no_rule_could_fire_on_is_not_parsed(project: Path) -> None:
    (project / "broken.py").write_text("y = = 2\n")
    assert fix() == (0, "All checks passed (1 file checked).\n")


def test_python2_file_is_reported_as_python2(project: Path) -> None:
    source = (
        'import errno, socket\nprint "connecting"\ntry:\n    pass\nexcept socket.error, e:\n'
        "    if e.errno == errno.WSAECONNRESET:\n        pass\n"
    )
    path = project / "old.py"
    path.write_text(source)
    code, out = fix()
    assert code == 1
    [line, _summary] = out.splitlines()
    # The column of a Python 2 print statement differs between Python versions.
    assert re.match(
        r"old\.py:2:\d+: NC901 cannot parse with Python 3\.\d+ \(this looks like Python 2 code\): ",
        line,
    )
    assert path.read_text() == source


def test_empty_file_has_no_finding(project: Path) -> None:
    (project / "empty.py").write_bytes(b"")
    assert fix() == (0, "All checks passed (1 file checked).\n")


def test_binary_file_named_py_is_an_io_finding(project: Path) -> None:
    (project / "blob.py").write_bytes(b"WSAE\x00\x01\x02\xff" * 4)
    (project / "latin.py").write_bytes(b"X = 'WSAE \xe9\xff'\n")  # not UTF-8, no cookie
    code, out = fix()
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("blob.py:1:1: NC900 ")
    assert lines[1].startswith("latin.py:1:1: NC900 cannot decode source")
    assert (project / "blob.py").read_bytes() == b"WSAE\x00\x01\x02\xff" * 4


def test_undecodable_file_is_reported_without_any_rule_text(project: Path) -> None:
    """``check`` reports what lint_source reports, even where no rule's words appear."""
    (project / "blob.py").write_bytes(b"\x00\x01\x02\xff" * 4)
    (project / "latin.py").write_bytes(b"X = '\xe9\xff'\n")  # not UTF-8, no cookie
    (project / "cookie.py").write_bytes(b"# -*- coding: uft-8 -*-\nX = 1\n")  # unknown codec
    (project / "fine.py").write_bytes(b"# -*- coding: latin-1 -*-\nX = '\xe9'\n")
    code, out = fix()
    assert code == 1
    found = sorted(line.split(":")[0] + " " + line.split()[1] for line in out.splitlines()[:-1])
    assert found == ["blob.py NC900", "cookie.py NC900", "latin.py NC900"], out
    for name in ("blob.py", "latin.py", "cookie.py"):
        [finding] = lint_source((project / name).read_bytes(), all_rules()).findings
        assert finding.code == "NC900"


# Tests run as root, where chmod 000 does not stop reading (CAP_DAC_OVERRIDE).
# These paths fail for root too: open() raises ENOENT / ELOOP whoever you are.
@pytest.mark.parametrize(
    ("make", "error"),
    [
        pytest.param(
            lambda p: p.symlink_to("nowhere.py"), "No such file or directory", id="broken-link"
        ),
        pytest.param(
            lambda p: p.symlink_to(p.name), "Too many levels of symbolic links", id="self-loop"
        ),
    ],
)
def test_unreadable_file_named_explicitly(project: Path, make, error: str) -> None:  # type: ignore[no-untyped-def]
    make(project / "gone.py")
    (project / "good.py").write_text(RESET_SOURCE)
    result = run_cli("check", *NC002, "--fix", "gone.py", "good.py")
    assert result.code == 1
    assert result.out.splitlines()[0] == f"gone.py:1:1: NC900 cannot read file: {error}"
    assert (project / "good.py").read_text() == RESET_FIXED


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifo_named_explicitly_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n")
    os.mkfifo(tmp_path / "pipe.py")
    done = run_subprocess([*lint_module_argv(), "check", *NC002, "pipe.py"], tmp_path, timeout=60)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "pipe.py:1:1: NC900 cannot read file: not a regular file"


def test_folder_named_like_a_python_file_is_walked(project: Path) -> None:
    (project / "pkg.py").mkdir()
    (project / "pkg.py" / "inner.py").write_text(RESET_SOURCE)
    code, _ = fix()
    assert code == 0
    assert (project / "pkg.py" / "inner.py").read_text() == RESET_FIXED


# -- never overwrite what we did not read -------------------------------------------------------
def test_write_atomically_refuses_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"changed by someone else\n")
    with pytest.raises(FileChangedError):
        write_atomically(path, b"what we read\n", b"what we would write\n")
    assert path.read_bytes() == b"changed by someone else\n"
    assert temporaries(tmp_path) == []


def test_write_atomically_replaces_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")
    path.chmod(0o640)
    inode = path.stat().st_ino
    write_atomically(path, b"old\n", b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode, "a rename, not an in-place rewrite"
    assert temporaries(tmp_path) == []


def test_failed_rename_leaves_original_and_no_temporary(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "a.py"
    path.write_text(RESET_SOURCE)

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(lintrules.files.os, "replace", refuse)
    code, out = fix()
    assert code == 1
    assert out.splitlines()[0] == "a.py:1:1: NC900 cannot write fixed file: Permission denied"
    assert path.read_text() == RESET_SOURCE
    assert temporaries(project) == []


def test_file_changed_during_the_run_is_not_overwritten(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "a.py"
    path.write_text(RESET_SOURCE)
    concurrent = "# edited in the editor meanwhile\n" + RESET_SOURCE
    real = lintrules.runner._lint_all

    def lint_then_edit(*args, **kwargs):  # type: ignore[no-untyped-def]
        results = real(*args, **kwargs)
        path.write_text(concurrent)  # between our read and our write
        return results

    monkeypatch.setattr(lintrules.runner, "_lint_all", lint_then_edit)
    code, out = fix()
    assert code == 1
    assert "a.py:1:1: NC900 " in out and "changed on disk since it was read; not written" in out
    assert "Fixed" not in out
    assert path.read_text() == concurrent
    assert temporaries(project) == []


def test_fix_that_does_not_parse_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_rules(monkeypatch, BrokenFixDemo)
    path = project / "a.py"
    source = "x = BROKEN_DEMO  # a comment\n"
    path.write_text(source)
    result = run_cli("check", "--select", "NC898", "--fix", "--no-cache")
    assert result.code == 1
    codes = [line.split(": ")[1].split()[0] for line in result.lines[:-1]]
    assert codes == ["NC898", "NC902"]
    assert "a fix for NC898 was not applied" in result.out
    assert path.read_text() == source
    assert temporaries(project) == []
    # --diff shows nothing for it either.
    diff = run_cli("check", "--select", "NC898", "--diff", "--no-cache")
    assert "+x = import" not in diff.out


def test_second_fix_run_changes_nothing_across_a_tree(project: Path) -> None:
    sources = {
        "a.py": RESET_SOURCE,
        "pkg/b.py": "from errno import WSAECONNRESET, WSAECONNABORTED\n",
        "pkg/c.py": "import errno as E\nRESETS = (E.WSAECONNRESET, E.WSAEBADF)\n",
    }
    for name, text in sources.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    first = run_cli("check", *NC002, "--fix")
    assert first.code == 1  # WSAEBADF has no fix
    snapshot = {name: (project / name).read_bytes() for name in sources}
    assert snapshot["pkg/b.py"] == (
        b"from errno import ECONNRESET as WSAECONNRESET, ECONNABORTED as WSAECONNABORTED\n"
    )
    second = run_cli("check", *NC002, "--fix")
    assert "Fixed" not in second.out
    assert {name: (project / name).read_bytes() for name in sources} == snapshot
    assert temporaries(project) == []


def test_diff_never_writes(project: Path) -> None:
    path = project / "a.py"
    path.write_bytes(RESET_SOURCE.replace("\n", "\r\n").encode())
    before = path.read_bytes()
    result = run_cli("check", *NC002, "--diff")
    assert result.code == 1
    assert "+if e.errno == errno.ECONNRESET:" in result.out
    assert path.read_bytes() == before
    assert temporaries(project) == []
