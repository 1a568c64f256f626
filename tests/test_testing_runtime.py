"""The runtime shim under all four platform views, with platform-exact injected errors.

The same behaviour the real-socket tests check on the running OS
(tests/test_sockets.py, test_normalize.py, test_retry.py, test_classify.py),
here for the errors Linux, macOS, FreeBSD and Windows raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import http.server
from collections.abc import Iterator

import pytest
from _net import LOCALHOST, TIMEOUT, connected_pair, serving

import netcompat
from netcompat import PeerResetError, ResetKind
from netcompat.testing import reset_error

pytestmark = pytest.mark.netcompat_platforms()  # linux, darwin, freebsd, win32

#: Kinds that are table rows, and the errno name each one stands for.
KIND_NAMES = {
    "reset": "ECONNRESET",
    "aborted": "ECONNABORTED",
    "broken_pipe": "EPIPE",
    "shutdown": "ESHUTDOWN",
    "network_reset": "ENETRESET",
    "not_connected": "ENOTCONN",
}


@pytest.mark.parametrize("kind", sorted(KIND_NAMES))
def test_is_reset_and_classify(netcompat_platform: str, kind: str) -> None:
    err = reset_error(kind)
    assert netcompat.is_reset(err)
    assert netcompat.classify(err) is ResetKind(kind)
    assert netcompat.is_reset(err, platform=netcompat_platform)


def test_timeouts_and_refusals_stay_non_resets(netcompat_platform: str) -> None:
    assert not netcompat.is_reset(TimeoutError(errno.ETIMEDOUT, "timed out"))
    assert not netcompat.is_reset(ConnectionRefusedError(errno.ECONNREFUSED, "refused"))


@pytest.mark.parametrize("kind", ["reset", "aborted", "broken_pipe", "shutdown"])
def test_normalize_turns_the_platform_error_into_one_type(peer_reset, kind: str) -> None:  # type: ignore[no-untyped-def]
    with connected_pair() as (client, _server), peer_reset(kind=kind, op="sendall") as injection, pytest.raises(PeerResetError) as caught, netcompat.normalize():
        client.sendall(b"payload")
    [original] = injection.errors
    peer = caught.value
    assert peer.__cause__ is original and peer.original is original
    assert peer.kind is ResetKind(kind)
    assert peer.errname == KIND_NAMES[kind]
    assert peer.errno == original.errno
    assert peer.winerror == getattr(original, "winerror", None)


def test_normalize_on_a_coroutine_under_the_selector_loop(peer_reset) -> None:  # type: ignore[no-untyped-def]
    async def main() -> ResetKind | None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"x")
            await writer.drain()
            await reader.read()
            writer.close()

        server = await asyncio.start_server(handle, LOCALHOST, 0)
        port = server.sockets[0].getsockname()[1]
        try:
            with peer_reset(op="recv", peer=(LOCALHOST, port)):
                reader, writer = await asyncio.open_connection(LOCALHOST, port)
                try:
                    async with netcompat.normalize():
                        await asyncio.wait_for(reader.read(10), TIMEOUT)
                except PeerResetError as peer:
                    return peer.kind
                finally:
                    writer.close()
            return None
        finally:
            server.close()
            await server.wait_closed()

    loop = asyncio.SelectorEventLoop()
    try:
        assert loop.run_until_complete(main()) is ResetKind.RESET
    finally:
        loop.close()


def test_recv_raises_peer_reset_error(peer_reset) -> None:  # type: ignore[no-untyped-def]
    with connected_pair() as (client, server):
        server.sendall(b"abc")
        with peer_reset(op="recv", sock=client), pytest.raises(PeerResetError) as caught:
            netcompat.recv(client, 10)
        assert caught.value.errname == "ECONNRESET"
        assert netcompat.recv(client, 10) == b"abc"


def test_recv_reset_as_eof(peer_reset) -> None:  # type: ignore[no-untyped-def]
    with connected_pair() as (client, _server), peer_reset(op="recv"):
        assert netcompat.recv(client, 10, reset_as_eof=True) == b""


def test_recv_exactly_after_some_bytes(peer_reset) -> None:  # type: ignore[no-untyped-def]
    with connected_pair() as (client, server):
        server.sendall(b"0123456789")
        with peer_reset(op="recv_into", sock=client, after_bytes=4), pytest.raises(netcompat.ShortReadError) as caught:
            netcompat.recv_exactly(client, 10, reset_as_eof=True)
        assert caught.value.partial == b"0123"
        assert isinstance(caught.value.__cause__, PeerResetError)


def test_sendall_raises_peer_reset_error(peer_reset, netcompat_platform: str) -> None:  # type: ignore[no-untyped-def]
    with connected_pair() as (client, _server), peer_reset(op="sendall", kind="aborted"), pytest.raises(PeerResetError) as caught:
        netcompat.sendall(client, b"data")
    assert caught.value.kind is ResetKind.ABORTED
    assert caught.value.errno == errno.ECONNABORTED  # the simulated platform's number


def test_retry_retries_the_platform_reset_then_succeeds(peer_reset) -> None:  # type: ignore[no-untyped-def]
    attempts: list[int] = []

    @netcompat.retry(attempts=3, initial=0, jitter=False, sleep=lambda _: None)
    def fetch() -> bytes:
        attempts.append(1)
        with connected_pair() as (client, server):
            server.sendall(b"ok")
            return client.recv(2)

    with peer_reset(op="recv", times=2) as injection:
        assert fetch() == b"ok"
    assert len(attempts) == 3 and injection.failures == 2


def test_retry_gives_up_with_the_original(peer_reset) -> None:  # type: ignore[no-untyped-def]
    @netcompat.retry(attempts=2, initial=0, jitter=False, sleep=lambda _: None)
    def fetch() -> bytes:
        with connected_pair() as (client, _server):
            return client.recv(2)

    with peer_reset(op="recv", times=None) as injection, pytest.raises(ConnectionResetError) as caught:
        fetch()
    assert caught.value is injection.errors[-1]


def test_requests_wrapper_is_recognised(peer_reset) -> None:  # type: ignore[no-untyped-def]
    requests = pytest.importorskip("requests", reason="requests is in the test extra")
    with socket_server() as address, peer_reset(op="any_recv", peer=address), pytest.raises(requests.ConnectionError) as caught:
        requests.get(f"http://{address[0]}:{address[1]}/", timeout=TIMEOUT)
    assert netcompat.is_reset(caught.value)
    with pytest.raises(PeerResetError) as normalized, netcompat.normalize():
        raise caught.value
    assert normalized.value.errname == "ECONNRESET"


def test_proactor_shape_is_a_reset_under_win32(netcompat_platform: str) -> None:
    if netcompat_platform != "win32":
        with pytest.raises(ValueError, match="win32"):
            reset_error("proactor")
        return
    for kind in ("proactor", "proactor_aborted"):
        err = reset_error(kind)
        assert netcompat.is_reset(err)
        assert PeerResetError(err).winerror == err.winerror  # type: ignore[attr-defined]


# A tiny HTTP server for the requests test.


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass



class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client side was reset on purpose; the server's write may fail

@contextlib.contextmanager
def socket_server() -> Iterator[tuple[str, int]]:
    server = _QuietServer((LOCALHOST, 0), _Ok)
    server.daemon_threads = True
    with serving(server) as address:
        yield address
