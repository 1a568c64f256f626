"""``check --fix`` interrupted or raced never leaves a half-written file behind.

The real command runs in child processes on a tree of 40 files that all have
safe fixes.  The original and the fully fixed bytes of every file are
computed beforehand; whatever happens, every file afterwards holds one or the
other:

* two ``--fix`` runs on the same tree at once: both finish, every file is
  fixed, the loser of a race reports the file as changed on disk;
* SIGTERM at random moments (while linting, while writing): the command stops
  with "terminated", exit 2, and no temporary file remains;
* SIGKILL at random moments: a temporary file may remain (a killed process
  cannot clean up); it carries the dead process's id, and the next ``--fix``
  removes it;
* SIGKILL of a run with worker processes: the workers notice and exit (else
  they would hold the output pipes open and the test would time out).

In-process tests pin the cleanup paths deterministically: a SIGTERM raised
inside :func:`lintrules.files.write_atomically`, an interrupted cache write,
and stale temporary files of dead, live and foreign origin.  Nothing here
asserts on timing; each child is bounded by a timeout.  Default: 3 killed runs
(SIGTERM while writing, SIGKILL while writing, SIGKILL while the workers lint); ``NETCOMPAT_INTERRUPT_KILLS=40`` soaks, and
``NETCOMPAT_INTERRUPT_SEED`` picks other random moments.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _cli_helpers import REPO, make_project, run_cli, temporaries

import lintrules.files
import lintrules.runner
from lintrules.engine import lint_source
from lintrules.files import remove_stale_temporaries, write_atomically
from lintrules.rules import rules_by_code

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and process groups")

SELECT = ("NC001", "NC002", "NC005")
FILES = 40
HEADER = "import errno\nimport socket\n"
FUNCTION = """

def send_{n}_{k}(sock):
    try:
        sock.sendall(b"x")
    except socket.error as e:  # keep this comment
        if e.errno == 104:
            return 1
        if e.errno == errno.WSAECONNABORTED:
            return 2
        if errno.errorcode[e.errno] == "EPIPE":
            return 3
        raise
"""
#: Seeded, so a failure can be replayed as far as timing allows.
RANDOM = random.Random(int(os.environ.get("NETCOMPAT_INTERRUPT_SEED", "2024")))
#: Killed runs per test run, alternately SIGTERM and SIGKILL; raise it to soak.
KILLS = int(os.environ.get("NETCOMPAT_INTERRUPT_KILLS", "3"))


def _source(number: object) -> bytes:
    return (HEADER + FUNCTION.format(n=number, k=0)).encode()


@functools.cache
def _fixed_template() -> bytes:
    """The fixed bytes of ``_source("NUMBER")``; fixes do not touch the function name."""
    rules = [rules_by_code()[code] for code in SELECT]
    result = lint_source(_source("NUMBER"), rules, fix_level="safe")
    assert result.fixed_source is not None and not result.findings
    assert b"# keep this comment" in result.fixed_source
    return result.fixed_source


class Tree:
    """The 40 files, what they hold before and what ``--fix`` must make of them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "pyproject.toml").write_text("[tool.netcompat-lint]\n", encoding="utf-8")
        self.original: dict[Path, bytes] = {}
        self.fixed: dict[Path, bytes] = {}
        for number in range(FILES):
            path = root / "pkg" / f"sub{number % 4}" / f"mod{number:02}.py"
            self.original[path] = _source(number)
            self.fixed[path] = _fixed_template().replace(b"NUMBER", str(number).encode())
        self.restore()

    def restore(self) -> None:
        for path, data in self.original.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def first_written(self) -> Path:
        return min(self.original)  # the runner writes in sorted order

    def assert_whole(self) -> tuple[int, int]:
        """Every file is the original or the fixed version; return (original, fixed) counts."""
        counts = [0, 0]
        for path, data in self.original.items():
            now = path.read_bytes()
            assert now in (data, self.fixed[path]), (
                f"{path} is neither original nor fixed:\n{now!r}"
            )
            counts[now == self.fixed[path]] += 1
        return counts[0], counts[1]

    def assert_all_fixed(self) -> None:
        assert self.assert_whole() == (0, FILES)


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _argv(*extra: str) -> list[str]:
    return [sys.executable, "-m", "lintrules", "check", "--select", ",".join(SELECT), *extra]


@contextlib.contextmanager
def _started(argv: list[str], cwd: Path) -> Iterator[subprocess.Popen[str]]:
    """Run ``argv`` in its own process group; whatever happens, end that group."""
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        # Worker processes of a killed run: only the group this test started.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def _stale(tree: Tree) -> list[Path]:
    return temporaries(tree.root)


# -- two runs at once ------------------------------------------------------------------------------
def test_two_fix_runs_at_once(tree: Tree) -> None:
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(_started(_argv("--fix", "--jobs", "2"), tree.root))
        second = stack.enter_context(_started(_argv("--fix", "--jobs", "1"), tree.root))
        outcomes = [_finish(first), _finish(second)]
    for code, out, err in outcomes:
        assert code in (0, 1), err
        assert err == ""
        # A file the other run fixed first is reported, not overwritten.
        for line in out.splitlines()[:-1]:
            assert "NC900" in line and "changed on disk since it was read; not written" in line
    tree.assert_all_fixed()
    assert _stale(tree) == []
    cache = tree.root / ".netcompat_cache"
    assert [p.name for p in cache.rglob("*.tmp")] == []


# -- killed runs -----------------------------------------------------------------------------------
def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def _kill_at_a_random_moment(
    process: subprocess.Popen[str], tree: Tree, how: signal.Signals, jobs: str, moment: str
) -> None:
    """Signal ``process`` while it lints, or just after it starts writing."""
    deadline = time.monotonic() + 60
    if moment == "linting":
        # While its worker processes lint (--jobs 2); or after a random pause.
        pool = jobs != "1"
        until = deadline if pool else time.monotonic() + RANDOM.uniform(0.0, 1.5)
        while process.poll() is None and time.monotonic() < until:
            if pool and _children(process.pid):
                time.sleep(RANDOM.uniform(0.0, 0.1))
                break
            time.sleep(0.002)
    else:
        first = tree.first_written()
        inode = first.stat().st_ino
        before = set(_stale(tree))  # left by earlier killed runs
        while process.poll() is None and time.monotonic() < deadline:
            if first.stat().st_ino != inode or set(_stale(tree)) - before:
                break
            time.sleep(0.0005)
        time.sleep(RANDOM.uniform(0.0, 0.03))
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(how)


#: (signal, --jobs, when) of the first attempts; later ones are drawn at random.
SCHEDULE = [
    (signal.SIGTERM, "2", "writing"),
    (signal.SIGKILL, "1", "writing"),  # may leave a temporary file
    (signal.SIGKILL, "2", "linting"),  # orphans worker processes
]


def test_killed_fix_runs_leave_whole_files(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    killed: set[str] = set()
    for attempt in range(KILLS):
        if attempt < len(SCHEDULE):
            how, jobs, moment = SCHEDULE[attempt]
        else:
            how = RANDOM.choice([signal.SIGTERM, signal.SIGKILL])
            jobs = RANDOM.choice(["1", "2"])
            moment = RANDOM.choice(["linting", "writing"])
        tree.restore()
        with _started(_argv("--fix", "--no-cache", "--jobs", jobs), tree.root) as process:
            _kill_at_a_random_moment(process, tree, how, jobs, moment)
            code, _, err = _finish(process)
        context = f"attempt {attempt}, {how.name} while {moment}, jobs {jobs}: exit {code}, {err!r}"
        assert "Traceback" not in err, context
        left, fixed = tree.assert_whole()
        # Shown with -s: how often a kill landed mid-write (both counts > 0).
        print(f"{context}: {left} original, {fixed} fixed, {len(_stale(tree))} temporary")
        if how == signal.SIGTERM:
            # Handled: "terminated" and exit 2; or too early for the handler
            # (still importing, nothing written), or too late (run over).
            assert code in (0, 2, -signal.SIGTERM), context
            if code == 2:
                assert err == "netcompat-lint: terminated\n", context
        else:
            assert code in (0, -signal.SIGKILL), context
            killed.add(str(process.pid))
        # Only a SIGKILLed process leaves a temporary file, named after it.
        for path in _stale(tree):
            assert path.name.split(".")[-3] in killed, (path, context)
    # The next run fixes everything and removes what the killed ones left.
    monkeypatch.chdir(tree.root)
    done = run_cli("check", "--select", ",".join(SELECT), "--fix", "--no-cache")
    assert done.code == 0, done
    tree.assert_all_fixed()
    assert _stale(tree) == []


# -- the cleanup paths, deterministically --------------------------------------------------------------
def test_sigterm_while_writing_finishes_that_file_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGTERM that lands in the middle of a write waits for the rename.

    Between creating the temporary file and the ``try`` that would remove it
    there is no safe moment to stop, so write_atomically holds SIGINT and
    SIGTERM back until the file is replaced: that file is whole and fixed,
    the next one untouched, and no temporary file is left.
    """
    project = make_project(tmp_path, monkeypatch)
    first, second = project / "a.py", project / "b.py"
    for path in (first, second):
        path.write_bytes(_source(1))
    real_fsync = os.fsync

    def fsync_then_sigterm(fd: int) -> None:
        real_fsync(fd)
        os.kill(os.getpid(), signal.SIGTERM)  # sent in write_atomically, before the rename

    def unhandled(signum: int, frame: object) -> None:
        raise AssertionError("main() did not handle SIGTERM")

    monkeypatch.setattr(lintrules.files.os, "fsync", fsync_then_sigterm)
    # Should main() not handle it, this fails the test instead of ending pytest.
    previous = signal.signal(signal.SIGTERM, unhandled)
    try:
        result = run_cli("check", "--select", ",".join(SELECT), "--fix", "--no-cache")
        # The handler is main()'s only while it runs.
        assert signal.getsignal(signal.SIGTERM) is unhandled
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (result.code, result.err) == (2, "netcompat-lint: terminated\n")
    assert first.read_bytes() == _fixed_template().replace(b"NUMBER", b"1")
    assert second.read_bytes() == _source(1)
    assert temporaries(project) == []


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_of_dead_processes_only_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text("x = 1\n")
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as live:
        try:
            dead = tmp_path / f".a.py.{_dead_pid()}.k3j_x9qz.netcompat-tmp"
            running = tmp_path / f".a.py.{live.pid}.abcd1234.netcompat-tmp"
            ours = tmp_path / f".a.py.{os.getpid()}.abcd1234.netcompat-tmp"
            foreign = [
                tmp_path / "notes.netcompat-tmp",
                tmp_path / ".a.py.abcdefgh.netcompat-tmp",  # no process id
                tmp_path / ".a.py.123.abc.netcompat-tmp.bak",
            ]
            for path in (dead, running, ours, *foreign):
                path.write_text("half")
            assert remove_stale_temporaries(tmp_path) == [dead]
            assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
                p.name for p in (target, running, ours, *foreign)
            )
        finally:
            live.kill()


def test_write_atomically_names_its_temporary_file_after_its_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(lintrules.files.os, "replace", spy)
    write_atomically(target, b"old\n", b"new\n")
    [name] = seen
    assert name.startswith(f".a.py.{os.getpid()}.") and name.endswith(".netcompat-tmp")
    assert lintrules.files._TEMPORARY_NAME.fullmatch(name)


def test_a_fix_run_removes_temporaries_a_killed_run_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, monkeypatch)
    (project / "pkg").mkdir()
    clean = project / "pkg" / "clean.py"
    clean.write_text("x = 1\n")
    stale = project / "pkg" / f".clean.py.{_dead_pid()}.zz9_8yy7.netcompat-tmp"
    stale.write_bytes(_source(1)[:10])  # half of what the killed run meant to write
    # A run that only reports touches nothing.
    assert run_cli("check", "--select", ",".join(SELECT)).code == 0
    assert stale.exists()
    assert run_cli("check", "--select", ",".join(SELECT), "--diff").code == 0
    assert stale.exists()
    # A fixing run cleans the folders it fixes in, even when no file needs a fix.
    assert run_cli("check", "--select", ",".join(SELECT), "--fix").code == 0
    assert not stale.exists()
    assert clean.read_text() == "x = 1\n"


def test_interrupted_cache_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = lintrules.runner.Cache(tmp_path, "key")
    cache.put(tmp_path / "a.py", "digest", [])

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt  # SIGTERM turned into an exception by main()

    monkeypatch.setattr(lintrules.runner.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.save()
    assert [p.name for p in cache.directory.iterdir()] == []
