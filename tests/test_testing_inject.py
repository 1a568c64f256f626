"""netcompat.testing.inject_reset on real loopback sockets, under the stdlib and real libraries."""

from __future__ import annotations

import asyncio
import builtins
import errno
import http.client
import http.server
import socket
import socketserver
import ssl
import sys
import threading
from collections.abc import Iterator

import pytest
from _net import LOCALHOST, TIMEOUT, connected_pair, in_thread, serving

import netcompat
from netcompat._errnos import ERRNO_FACTS, ERRNO_TEXTS, PLATFORMS, WINERROR_FACTS
from netcompat.testing import (
    KINDS,
    OPS,
    inject_reset,
    leftovers,
    reset_error,
    simulate_platform,
)

FACTS = {fact.name: fact for fact in ERRNO_FACTS}
TEXTS = {text.name: text for text in ERRNO_TEXTS}
KIND_ROWS = {"reset": "ECONNRESET", "aborted": "ECONNABORTED", "shutdown": "ESHUTDOWN"}


@pytest.fixture(autouse=True)
def _never_leaks() -> Iterator[None]:
    assert leftovers() == []
    yield
    assert leftovers() == []
    assert "recv" not in socket.socket.__dict__
    assert socket.socket.accept is _REAL_ACCEPT
    assert ssl.SSLSocket.recv is _REAL_SSL_RECV


_REAL_ACCEPT = socket.socket.accept
_REAL_SSL_RECV = ssl.SSLSocket.recv


# -- the exception itself -------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("kind", sorted(KIND_ROWS))
def test_the_error_is_the_platform_one(platform: str, kind: str) -> None:
    fact, text = FACTS[KIND_ROWS[kind]], TEXTS[KIND_ROWS[kind]]
    with connected_pair() as (client, _server), inject_reset(platform=platform, kind=kind), pytest.raises(OSError) as caught:
        client.recv(10)
    err = caught.value
    assert isinstance(err, getattr(builtins, fact.exception))
    assert type(err).__name__ == fact.exception
    assert err.errno == getattr(fact, platform)
    assert err.strerror == getattr(text, platform)
    if platform == "win32":
        assert err.winerror == fact.wsa  # type: ignore[attr-defined]
        assert str(err) == f"[WinError {fact.wsa}] {text.win32}"
        assert err.args == (fact.wsa, text.win32, None, fact.wsa, None)
    else:
        assert str(err) == f"[Errno {getattr(fact, platform)}] {getattr(text, platform)}"
        assert err.args == (getattr(fact, platform), getattr(text, platform))
        if sys.platform != "win32":
            assert not hasattr(err, "winerror")


def test_windows_reset_reads_like_windows() -> None:
    err = reset_error("reset", platform="win32")
    assert isinstance(err, ConnectionResetError)
    assert str(err) == "[WinError 10054] An existing connection was forcibly closed by the remote host"


def test_proactor_shapes() -> None:
    netname, aborted = WINERROR_FACTS[0], WINERROR_FACTS[1]
    err = reset_error("proactor", platform="win32")
    assert isinstance(err, ConnectionResetError)
    assert (err.errno, err.winerror) == (netname.errno, netname.code)  # type: ignore[attr-defined]
    assert str(err) == f"[WinError {netname.code}] {netname.message}"
    accept = reset_error("proactor", platform="win32", op="accept")
    assert type(accept).__name__ == "OSError"  # asyncio converts reads and writes only
    err = reset_error("proactor_aborted", platform="win32")
    assert isinstance(err, ConnectionAbortedError)
    assert (err.errno, err.winerror) == (aborted.errno, aborted.code)  # type: ignore[attr-defined]
    for shape in (err, accept):
        assert netcompat.is_reset(shape)
    with pytest.raises(ValueError, match=r"proactor.*win32"):
        reset_error("proactor", platform="linux")


def test_broken_pipe_on_windows_is_error_broken_pipe() -> None:
    err = reset_error("broken_pipe", platform="win32")
    broken = next(w for w in WINERROR_FACTS if w.name == "ERROR_BROKEN_PIPE")
    assert isinstance(err, BrokenPipeError)
    assert (err.errno, err.winerror) == (errno.EPIPE, broken.code)  # type: ignore[attr-defined]


def test_every_kind_is_a_reset_to_netcompat() -> None:
    for platform in PLATFORMS:
        for kind in KINDS:
            if kind.startswith("proactor") and platform != "win32":
                continue
            assert netcompat.is_reset(reset_error(kind, platform=platform), platform=platform)


def test_default_platform_is_the_simulated_one() -> None:
    with simulate_platform("darwin"), connected_pair() as (client, _server), inject_reset(), pytest.raises(ConnectionResetError) as caught:
        client.recv(1)
    assert caught.value.errno == FACTS["ECONNRESET"].darwin


# -- every operation --------------------------------------------------------------------


def _run(op: str, client: socket.socket, server: socket.socket) -> None:
    if op == "recv":
        client.recv(10)
    elif op == "recv_into":
        client.recv_into(bytearray(10))
    elif op == "recvfrom":
        client.recvfrom(10)
    elif op == "send":
        client.send(b"x")
    elif op == "sendall":
        client.sendall(b"x")
    elif op == "connect":
        with socket.create_server((LOCALHOST, 0)) as listener, socket.socket() as fresh:
            fresh.settimeout(TIMEOUT)
            fresh.connect(listener.getsockname())
    elif op == "accept":
        with socket.create_server((LOCALHOST, 0)) as listener:
            listener.settimeout(TIMEOUT)
            with socket.create_connection(listener.getsockname(), timeout=TIMEOUT):
                conn, _ = listener.accept()
                conn.close()


@pytest.mark.parametrize("platform", ["linux", "win32"])
@pytest.mark.parametrize("op", OPS)
def test_each_operation_fails_once_then_works(op: str, platform: str) -> None:
    with connected_pair() as (client, server):
        server.sendall(b"data" * 4)
        with inject_reset(platform=platform, op=op) as injection:
            with pytest.raises(ConnectionResetError) as caught:
                _run(op, client, server)
            _run(op, client, server)  # times=1: the next call is real
        assert caught.value.errno == getattr(FACTS["ECONNRESET"], platform)
        assert injection.failures == 1 and injection.calls == 1  # counting stops when used up
        assert injection.errors == [caught.value]


def test_other_operations_are_not_counted() -> None:
    with connected_pair() as (client, server), inject_reset(op="send", after_calls=1) as inj:
        server.sendall(b"abc")
        assert client.recv(3) == b"abc"
        client.sendall(b"not a send")
        client.send(b"1")
        with pytest.raises(ConnectionResetError):
            client.send(b"2")
        assert inj.calls == 2


def test_after_calls_and_times() -> None:
    with connected_pair() as (client, server):
        server.sendall(b"abcdef")
        with inject_reset(op="recv", sock=client, after_calls=2, times=2) as inj:
            assert client.recv(1) == b"a"
            assert client.recv(1) == b"b"
            for _ in range(2):
                with pytest.raises(ConnectionResetError):
                    client.recv(1)
            assert client.recv(1) == b"c"  # no data was consumed by the failures
        assert inj.exhausted and inj.failures == 2 and inj.calls == 4


def test_times_none_fails_until_the_block_ends() -> None:
    with connected_pair() as (client, server):
        server.sendall(b"z")
        with inject_reset(op="recv", times=None) as inj:
            for _ in range(5):
                with pytest.raises(ConnectionResetError):
                    client.recv(1)
        assert client.recv(1) == b"z"
        assert inj.failures == 5 and not inj.exhausted


def test_after_bytes_on_a_read_delivers_exactly_that_many() -> None:
    with connected_pair() as (client, server):
        server.sendall(b"0123456789")
        with inject_reset(op="any_recv", sock=client, after_bytes=7) as inj:
            got = b""
            with pytest.raises(ConnectionResetError):
                while True:
                    got += client.recv(4)
        assert got == b"0123456"
        assert inj.transferred == 7


def test_after_bytes_on_sendall_sends_the_first_bytes_then_fails() -> None:
    with connected_pair() as (client, server):
        with inject_reset(op="sendall", after_bytes=5) as inj:
            client.sendall(b"ab")
            with pytest.raises(ConnectionResetError):
                client.sendall(b"cdefgh")
        client.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := server.recv(100):
            received += chunk
        assert received == b"abcde"
        assert inj.transferred == 5


def test_after_bytes_on_send_shortens_the_send() -> None:
    with connected_pair() as (client, _server), inject_reset(op="send", after_bytes=3):
        assert client.send(b"abcdef") == 3
        with pytest.raises(ConnectionResetError):
            client.send(b"g")


def test_only_the_chosen_socket() -> None:
    with connected_pair() as (client, server), connected_pair() as (other, other_server):
        server.sendall(b"a")
        other_server.sendall(b"b")
        with inject_reset(sock=client, times=None):
            assert other.recv(1) == b"b"
            with pytest.raises(ConnectionResetError):
                client.recv(1)


def test_sockets_created_inside_the_block_are_included() -> None:
    with inject_reset(op="sendall"), connected_pair() as (client, _server), pytest.raises(ConnectionResetError):
        client.sendall(b"x")


def test_peer_selects_the_client_side() -> None:
    with socket.create_server((LOCALHOST, 0)) as listener:
        address = listener.getsockname()
        with socket.create_connection(address, timeout=TIMEOUT) as client:
            conn, _ = listener.accept()
            with conn, inject_reset(op="sendall", peer=address, times=None) as inj:
                conn.settimeout(TIMEOUT)
                conn.sendall(b"server side is not affected")
                with pytest.raises(ConnectionResetError):
                    client.sendall(b"x")
        assert inj.calls == 1


def test_remote_disconnected_is_an_end_of_stream() -> None:
    with connected_pair() as (client, server):
        server.sendall(b"q")
        with inject_reset(kind="remote_disconnected", op="recv"):
            assert client.recv(1) == b""
        assert client.recv(1) == b"q"


def test_tls_eof_only_touches_tls_sockets() -> None:
    with connected_pair() as (client, server):
        server.sendall(b"p")
        with inject_reset(kind="tls_eof", op="recv") as inj:
            assert client.recv(1) == b"p"
        assert inj.calls == 0
    err = reset_error("tls_eof")
    assert isinstance(err, ssl.SSLEOFError) and err.errno == ssl.SSL_ERROR_EOF


# -- under libraries ---------------------------------------------------------------------


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:
        pass



class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client side was reset on purpose; the server's write may fail

@pytest.fixture
def http_address() -> Iterator[tuple[str, int]]:
    server = _QuietServer((LOCALHOST, 0), _Hello)
    server.daemon_threads = True
    with serving(server) as address:
        yield address


@pytest.mark.parametrize("platform", PLATFORMS)
def test_http_client_sees_the_platform_reset(http_address: tuple[str, int], platform: str) -> None:
    conn = http.client.HTTPConnection(*http_address, timeout=TIMEOUT)
    try:
        with inject_reset(platform=platform, op="recv_into", peer=http_address):
            conn.request("GET", "/")
            with pytest.raises(ConnectionResetError) as caught:
                conn.getresponse()
    finally:
        conn.close()
    assert caught.value.errno == getattr(FACTS["ECONNRESET"], platform)


def test_http_client_remote_disconnected(http_address: tuple[str, int]) -> None:
    conn = http.client.HTTPConnection(*http_address, timeout=TIMEOUT)
    try:
        with inject_reset(kind="remote_disconnected", op="any_recv", peer=http_address):
            conn.request("GET", "/")
            with pytest.raises(http.client.RemoteDisconnected):
                conn.getresponse()
    finally:
        conn.close()


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain, seen = [], set()
    todo = [exc]
    while todo:
        node = todo.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        chain.append(node)
        todo.extend(arg for arg in node.args if isinstance(arg, BaseException))
        for linked in (node.__cause__, node.__context__):
            if linked is not None:
                todo.append(linked)
    return chain


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_requests_wraps_the_injected_error(http_address: tuple[str, int], platform: str) -> None:
    requests = pytest.importorskip("requests", reason="requests is in the test extra")
    url = f"http://{http_address[0]}:{http_address[1]}/"
    with requests.Session() as session:
        with inject_reset(platform=platform, op="any_recv", peer=http_address) as inj, pytest.raises(requests.ConnectionError) as caught:
            session.get(url, timeout=TIMEOUT)
        assert session.get(url, timeout=TIMEOUT).text == "hello"
    [injected] = inj.errors
    assert injected in _cause_chain(caught.value)
    assert netcompat.is_reset(caught.value)
    assert caught.value.errno is None  # requests' own wrapping is intact


def test_urllib3_wraps_the_injected_error(http_address: tuple[str, int]) -> None:
    urllib3 = pytest.importorskip("urllib3", reason="urllib3 is in the test extra")
    with urllib3.PoolManager(retries=False) as pool, inject_reset(platform="win32", op="any_recv", peer=http_address) as inj, pytest.raises(urllib3.exceptions.ProtocolError) as caught:
        pool.request("GET", f"http://{http_address[0]}:{http_address[1]}/")
    assert inj.errors[0] in _cause_chain(caught.value)


def test_socketserver_handler_sees_the_reset() -> None:
    seen: list[BaseException] = []

    class Echo(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            try:
                self.request.recv(100)
            except OSError as exc:
                seen.append(exc)

    server = socketserver.ThreadingTCPServer((LOCALHOST, 0), Echo)
    server.daemon_threads = True
    server.block_on_close = True
    with serving(server) as address, socket.socket() as client:
        client.settimeout(TIMEOUT)
        client.bind((LOCALHOST, 0))
        # The server's end of this connection is the one whose peer is the client.
        with inject_reset(platform="win32", op="recv", peer=client.getsockname()):
            client.connect(address)
            client.sendall(b"hi")
            assert client.recv(1) == b""  # the handler returned and the server closed
    assert len(seen) == 1 and getattr(seen[0], "winerror", None) == FACTS["ECONNRESET"].wsa


@pytest.mark.parametrize("platform", PLATFORMS)
def test_asyncio_selector_loop(platform: str) -> None:
    async def main() -> BaseException | None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"hello")
            await writer.drain()
            await reader.read()  # until the client closes
            writer.close()

        server = await asyncio.start_server(handle, LOCALHOST, 0)
        port = server.sockets[0].getsockname()[1]
        try:
            with inject_reset(platform=platform, op="recv", peer=(LOCALHOST, port)):
                reader, writer = await asyncio.open_connection(LOCALHOST, port)
                try:
                    await asyncio.wait_for(reader.read(100), TIMEOUT)
                except OSError as exc:
                    return exc
                finally:
                    writer.close()
            return None
        finally:
            server.close()
            await server.wait_closed()

    loop = asyncio.SelectorEventLoop()
    try:
        err = loop.run_until_complete(main())
    finally:
        loop.close()
    assert isinstance(err, ConnectionResetError)
    assert err.errno == getattr(FACTS["ECONNRESET"], platform)


# -- never leaks ---------------------------------------------------------------------------


def test_restored_after_an_exception_and_with_threads() -> None:
    errors: list[BaseException] = []
    with connected_pair() as (client, server):
        with pytest.raises(KeyError), inject_reset(op="recv", times=None):

            def worker() -> None:
                try:
                    client.recv(1)
                except OSError as exc:
                    errors.append(exc)

            thread = in_thread(worker)
            thread.join(TIMEOUT)
            raise KeyError("the test failed")
        assert leftovers() == []
        server.sendall(b"k")
        assert client.recv(1) == b"k"
    assert len(errors) == 1


def test_nested_injections_share_the_patch() -> None:
    with connected_pair() as (client, server):
        server.sendall(b"ab")
        with inject_reset(op="recv", after_calls=1) as outer:
            with inject_reset(op="recv", kind="aborted") as inner, pytest.raises(ConnectionAbortedError):
                client.recv(1)
            assert client.recv(1) == b"a"
            with pytest.raises(ConnectionResetError):
                client.recv(1)
        assert inner.failures == outer.failures == 1


def test_an_injection_cannot_be_entered_twice() -> None:
    injection = inject_reset()
    with injection, pytest.raises(RuntimeError, match="already active"):
        injection.__enter__()


# -- bad use ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"platform": "windows"}, ValueError, "unknown platform"),
        ({"kind": "timeout"}, ValueError, "unknown kind"),
        ({"op": "read"}, ValueError, "unknown op"),
        ({"after_calls": -1}, ValueError, "after_calls must be >= 0"),
        ({"after_bytes": -5}, ValueError, "after_bytes must be >= 0"),
        ({"times": 0}, ValueError, "times must be >= 1"),
        ({"times": -1}, ValueError, "times must be >= 1"),
        ({"after_calls": 1.5}, TypeError, "after_calls must be an int"),
        ({"after_calls": True}, TypeError, "after_calls must be an int"),
        ({"op": "connect", "after_bytes": 1}, ValueError, "after_bytes only applies"),
        ({"kind": "remote_disconnected", "op": "send"}, ValueError, "receive operations"),
        ({"kind": "proactor", "platform": "darwin"}, ValueError, "win32"),
        ({"op": "accept", "peer": (LOCALHOST, 1)}, ValueError, "peer="),
        ({"sock": "not a socket"}, TypeError, "sock must be a socket"),
        ({"kind": 3}, TypeError, "kind must be a str"),
    ],
)
def test_bad_use_is_a_clear_error(
    options: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        inject_reset(**options)  # type: ignore[arg-type]


def test_a_thread_can_use_its_own_injection() -> None:
    results: list[str] = []
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def worker() -> None:
        with connected_pair() as (client, _server), inject_reset(sock=client, kind="aborted"):
            barrier.wait()
            try:
                client.recv(1)
            except ConnectionAbortedError:
                results.append("aborted")

    thread = in_thread(worker)
    with connected_pair() as (client, _server), inject_reset(sock=client):
        barrier.wait()
        with pytest.raises(ConnectionResetError):
            client.recv(1)
    thread.join(TIMEOUT)
    assert results == ["aborted"]
