"""pre-commit installs and runs this checkout's hooks (``.pre-commit-hooks.yaml``).

``pre-commit try-repo <checkout> ...`` clones the checkout (with a temporary
commit of its staged and modified tracked files, when it has any: untracked
files are not part of it), pip-installs it into a fresh virtualenv, which
needs PyPI for libcst, and runs the hooks in a throw-away git repository.
Slow (about 30 s per run), so marked ``integration``: ``tox -e integration``
or ``pytest -m integration``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

BAD = """\
import socket


def read(sock: socket.socket) -> bytes:
    try:
        return sock.recv(4096)
    except OSError as e:
        if e.errno == 104:
            return b""
        raise
"""
GOOD = """\
import errno
import socket


def read(sock: socket.socket) -> bytes:
    try:
        return sock.recv(4096)
    except ConnectionResetError:
        return b""
    except OSError as e:
        if e.errno == errno.EPIPE:
            return b""
        raise
"""


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (tox -e integration)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (REPO / ".git").exists():
        pytest.skip("the checkout is not a git repository")
    tracked = _git("ls-files", ".pre-commit-hooks.yaml", "pyproject.toml", cwd=REPO).split()
    assert tracked == [".pre-commit-hooks.yaml", "pyproject.toml"], "commit the hooks file"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.pop("PYTHONPATH", None)
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env["PRE_COMMIT_COLOR"] = "never"
    return env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository with one file that has a finding and one that has none."""
    _git("init", "--quiet", ".", cwd=tmp_path)
    (tmp_path / "bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    _git("add", "bad.py", "good.py", cwd=tmp_path)
    return tmp_path


def try_repo(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_hook_fails_on_a_finding(environment: dict[str, str], project: Path) -> None:
    result = try_repo(environment, project, "netcompat-lint", "--all-files")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "netcompat-lint" in output and "Failed" in output
    assert "bad.py:8:12: NC001 [*] 104 is ECONNRESET only on Linux" in output
    assert "good.py" not in output


def test_the_hooks_pass_on_a_clean_file(environment: dict[str, str], project: Path) -> None:
    # No hook id: every hook in .pre-commit-hooks.yaml runs, the fix hook too.
    result = try_repo(environment, project, "--files", "good.py")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert output.count("Passed") == 2, output
    assert (project / "good.py").read_text(encoding="utf-8") == GOOD
