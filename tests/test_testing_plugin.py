"""The pytest plugin: the netcompat_platforms marker and the peer_reset fixture."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _net import TIMEOUT, connected_pair

from netcompat._errnos import ERRNO_FACTS
from netcompat.testing import current_platform, leftovers

FACTS = {fact.name: fact for fact in ERRNO_FACTS}


@pytest.mark.netcompat_platforms("linux", "darwin", "win32")
def test_marker_runs_once_per_platform_under_its_view(
    netcompat_platform: str, peer_reset: object, request: pytest.FixtureRequest
) -> None:
    assert request.node.name.endswith(f"[{netcompat_platform}]")
    assert current_platform() == netcompat_platform
    assert getattr(FACTS["ECONNRESET"], netcompat_platform) == errno.ECONNRESET
    assert hasattr(errno, "WSAECONNRESET") == (netcompat_platform == "win32")


@pytest.mark.netcompat_platforms()
def test_marker_without_arguments_means_all_four(netcompat_platform: str) -> None:
    assert netcompat_platform in ("linux", "darwin", "freebsd", "win32")


@pytest.mark.netcompat_platforms("darwin", "win32")
def test_peer_reset_is_bound_to_the_platform(peer_reset) -> None:  # type: ignore[no-untyped-def]
    with connected_pair() as (client, _server):
        with peer_reset(op="recv"), pytest.raises(ConnectionResetError) as caught:
            client.recv(1)
        assert caught.value.errno == errno.ECONNRESET  # the simulated value
        armed = peer_reset.arm(op="sendall", sock=client)
        with pytest.raises(ConnectionResetError):
            client.sendall(b"x")
        assert armed.failures == 1


def test_peer_reset_without_the_marker_uses_the_running_platform(peer_reset) -> None:  # type: ignore[no-untyped-def]
    assert peer_reset.platform is None and current_platform() is None
    with connected_pair() as (client, _server):
        with peer_reset(), pytest.raises(ConnectionResetError) as caught:
            client.recv(1)
        assert caught.value.errno == errno.ECONNRESET


def test_a_test_that_asks_for_nothing_runs_untouched() -> None:
    # The plugin is loaded in this session (entry point); nothing is patched.
    assert leftovers() == []
    assert "recv" not in socket.socket.__dict__
    assert os.strerror.__module__ in ("posix", "nt")


def _run_pytest(tmp_path: Path, source: str, *args: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_sample.py"
    test_file.write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "--strict-markers",
         str(test_file), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


SAMPLE = '''
    import errno
    import socket

    import pytest

    from netcompat.testing import leftovers


    @pytest.mark.netcompat_platforms("linux", "darwin", "win32")
    def test_handler(peer_reset):
        a, b = socket.socketpair()
        with a, b:
            peer_reset.arm(op="recv", sock=a)
            try:
                a.recv(1)
            except OSError as e:
                assert e.errno == errno.ECONNRESET
            else:
                raise AssertionError("no reset")
            assert False, "fails on purpose, after arming"


    def test_after_the_failures_nothing_leaked():
        assert leftovers() == []
        assert not hasattr(errno, "WSAECONNRESET")
'''


def test_ids_name_the_platform_and_failures_never_leak(tmp_path: Path) -> None:
    result = _run_pytest(tmp_path, SAMPLE)
    for platform in ("linux", "darwin", "win32"):
        assert f"test_handler[{platform}] FAILED" in result.stdout, result.stdout
    assert "test_after_the_failures_nothing_leaked PASSED" in result.stdout, result.stdout


def test_a_bad_platform_in_the_marker_is_a_collection_error(tmp_path: Path) -> None:
    source = '''
        import pytest

        @pytest.mark.netcompat_platforms("windows")
        def test_x():
            pass
    '''
    result = _run_pytest(tmp_path, source)
    assert result.returncode != 0
    assert "unknown platform 'windows'" in result.stdout + result.stderr


def test_importing_the_plugin_patches_nothing() -> None:
    code = textwrap.dedent(
        """
        import errno, os, socket, sys
        before = (dict(errno.errorcode), os.strerror, dict(vars(socket.socket)))
        import netcompat.testing._plugin
        after = (dict(errno.errorcode), os.strerror, dict(vars(socket.socket)))
        assert before == after, "the plugin patched something at import"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=TIMEOUT * 6)
