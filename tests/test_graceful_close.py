"""graceful_close on real loopback connections, and the first seed's scenario.

Seed 000: a server reads only part of a request, sends its response and closes.
With bytes still unread the kernel sends RST instead of FIN, and the client's
read ends in "connection reset by peer".  ``graceful_close`` (and the server
classes built on it) must give the client the whole response and a clean EOF.
"""

from __future__ import annotations

import os
import socket
import socketserver
import time
import wsgiref.simple_server
from collections.abc import Iterable
from typing import TYPE_CHECKING, Callable

import pytest
from _net import (
    LOCALHOST,
    TIMEOUT,
    Exchange,
    abort,
    address_of,
    connected_pair,
    in_thread,
    post_head,
    read_to_eof,
    serving,
    tcp_pair,
    wait_readable,
)

import netcompat

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

#: Tries of the seed scenario per variant.
SEED_TRIES = 20
#: What the seed's server reads of the request before answering.
SEED_READ = 64
SEED_BODY = b"k=v&" * 1024
SEED_REQUEST = post_head(len(SEED_BODY), "/api") + SEED_BODY
SEED_PAYLOAD = b'{"ok": true}'
SEED_RESPONSE = (
    b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
    % (len(SEED_PAYLOAD), SEED_PAYLOAD)
)
#: Small bounds for the tests that hit them on purpose.
SHORT_TIMEOUT = 0.2


def client_exchange(address: tuple[str, int], request: bytes = SEED_REQUEST) -> Exchange:
    """The seed's client: send the whole request, then read the response to EOF."""
    result = Exchange()
    with socket.create_connection(address, timeout=TIMEOUT) as sock:
        try:
            sock.sendall(request)
            result.response = read_to_eof(sock)
            result.clean_eof = True
        except OSError as exc:
            result.errors.append(exc)
    return result


def seed_try(close: Callable[[socket.socket], object]) -> tuple[Exchange, int, object]:
    """One seed exchange against a raw server that closes with ``close``.

    Returns what the client saw, how many request bytes the server read, and
    what ``close`` returned.
    """
    outcome: dict[str, object] = {}
    with socket.create_server((LOCALHOST, 0)) as listener:

        def serve() -> None:
            conn, _ = listener.accept()
            conn.settimeout(TIMEOUT)
            outcome["read"] = len(conn.recv(SEED_READ))
            conn.sendall(SEED_RESPONSE)
            outcome["closed"] = close(conn)

        server = in_thread(serve)
        exchange = client_exchange(listener.getsockname()[:2])
        server.join(TIMEOUT)
        assert not server.is_alive()
    read = outcome["read"]
    assert isinstance(read, int)
    return exchange, read, outcome["closed"]


def test_seed_plain_close_resets_the_client() -> None:
    exchanges = [seed_try(socket.socket.close)[0] for _ in range(SEED_TRIES)]
    resets = sum(exchange.peer_gone for exchange in exchanges)
    assert resets > SEED_TRIES // 2, f"{resets} resets in {SEED_TRIES} tries"


def test_seed_graceful_close_delivers_response_and_eof() -> None:
    for _ in range(SEED_TRIES):
        exchange, read, drained = seed_try(netcompat.graceful_close)
        assert exchange.errors == []
        assert exchange.clean_eof
        assert exchange.response == SEED_RESPONSE
        # Everything the server did not read was drained, up to the client's FIN.
        assert drained == len(SEED_REQUEST) - read


class SeedHandler(socketserver.BaseRequestHandler):
    """The seed's server as a socketserver handler: read part, answer, return."""

    def handle(self) -> None:
        self.request.recv(SEED_READ)
        self.request.sendall(SEED_RESPONSE)


class GracefulTCPServer(netcompat.GracefulCloseMixin, socketserver.TCPServer):
    pass


def test_seed_with_mixin_on_socketserver() -> None:
    with serving(GracefulTCPServer((LOCALHOST, 0), SeedHandler)) as address:
        for _ in range(SEED_TRIES):
            exchange = client_exchange(address)
            assert exchange.errors == []
            assert exchange.clean_eof
            assert exchange.response == SEED_RESPONSE


def ignore_body_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A WSGI app that answers a POST without reading its body."""
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(SEED_PAYLOAD)))],
    )
    return [SEED_PAYLOAD]


class QuietWSGIHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_seed_with_make_server() -> None:
    server = netcompat.make_server(LOCALHOST, 0, ignore_body_app, handler_class=QuietWSGIHandler)
    with serving(server) as address:
        for _ in range(SEED_TRIES):
            exchange = client_exchange(address)
            assert exchange.errors == []
            assert exchange.clean_eof
            assert exchange.response.startswith(b"HTTP/1.0 200 ")
            assert exchange.response.endswith(b"\r\n\r\n" + SEED_PAYLOAD)


def send_until_error(sock: socket.socket, attempts: int = 3) -> OSError | None:
    """Send a byte up to ``attempts`` times; the first error, or None."""
    for _ in range(attempts):
        try:
            sock.sendall(b"!")
        except OSError as exc:
            return exc
        time.sleep(0.01)
    return None


def test_stock_tcpserver_sends_fin_then_still_resets() -> None:
    # socketserver.TCPServer.shutdown_request does shutdown(SHUT_WR) + close():
    # the client reads the response and a clean EOF, but the close with unread
    # request bytes still resets the connection, so the client's next send fails.
    for _ in range(SEED_TRIES // 4):
        with socketserver.TCPServer((LOCALHOST, 0), SeedHandler) as server:
            handler = in_thread(server.handle_request)
            with socket.create_connection(address_of(server), timeout=TIMEOUT) as sock:
                sock.sendall(SEED_REQUEST)
                assert read_to_eof(sock) == SEED_RESPONSE
                handler.join(TIMEOUT)
                assert not handler.is_alive()
                error = send_until_error(sock)
            assert error is not None
            assert netcompat.is_reset(error), error


def test_mixin_keeps_draining_until_the_client_is_done() -> None:
    # The same exchange with the mixin: the server lingers, so the client can
    # finish sending after it read the response, and both sides close cleanly.
    for _ in range(SEED_TRIES // 4):
        with GracefulTCPServer((LOCALHOST, 0), SeedHandler) as server:
            handler = in_thread(server.handle_request)
            with socket.create_connection(address_of(server), timeout=TIMEOUT) as sock:
                sock.sendall(SEED_REQUEST)
                assert read_to_eof(sock) == SEED_RESPONSE
                sock.sendall(b"trailing bytes the server never reads")
                sock.shutdown(socket.SHUT_WR)
                handler.join(TIMEOUT)
                assert not handler.is_alive()
                assert sock.recv(1) == b""


# --- bounds and idempotence -------------------------------------------------


def test_returns_bytes_drained_up_to_eof() -> None:
    with connected_pair() as (client, server):
        client.sendall(b"a" * 300_000)
        client.shutdown(socket.SHUT_WR)
        assert netcompat.graceful_close(server) == 300_000
        assert server.fileno() == -1
        assert read_to_eof(client) == b""


def test_sends_pending_data_before_fin() -> None:
    with connected_pair() as (client, server):
        client.sendall(b"unread request")
        server.sendall(b"response")
        seen: list[bytes] = []

        def read_then_close() -> None:
            seen.append(read_to_eof(client))
            client.close()

        reader = in_thread(read_then_close)
        # The FIN follows the response; the client reads both, closes, and
        # that EOF ends the drain.
        assert netcompat.graceful_close(server) == len(b"unread request")
        reader.join(TIMEOUT)
        assert seen == [b"response"]


def test_fin_goes_out_before_the_drain() -> None:
    # The peer sees EOF right away, while graceful_close is still draining:
    # the client's read would time out (long before the drain's own deadline)
    # if the FIN only went out at close().
    with connected_pair() as (client, server):
        client.settimeout(TIMEOUT / 5)
        drained: list[int] = []
        closer = in_thread(
            lambda: drained.append(netcompat.graceful_close(server, timeout=TIMEOUT))
        )
        assert read_to_eof(client) == b""
        client.sendall(b"late")
        client.close()
        closer.join(TIMEOUT)
        assert drained == [4]


def test_already_closed_socket() -> None:
    client, server = tcp_pair()
    with client:
        server.close()
        assert netcompat.graceful_close(server) == 0
        assert netcompat.graceful_close(server) == 0
        assert server.fileno() == -1


def test_descriptor_closed_behind_its_back() -> None:
    # EBADF from shutdown and from close: nothing to linger on, nothing raised.
    # (No other thread runs here, so the descriptor number cannot be reused.)
    client, server = tcp_pair()
    with client:
        os.close(server.fileno())
        assert netcompat.graceful_close(server) == 0
        assert server.fileno() == -1


def test_twice_in_a_row() -> None:
    with connected_pair() as (client, server):
        client.close()
        assert netcompat.graceful_close(server) == 0
        assert netcompat.graceful_close(server) == 0
        assert server.fileno() == -1


def test_peer_already_reset() -> None:
    client, server = tcp_pair()
    with server:
        abort(client)
        wait_readable(server)
        assert netcompat.graceful_close(server) == 0
        assert server.fileno() == -1


def test_peer_sent_data_then_reset() -> None:
    client, server = tcp_pair()
    with server:
        client.sendall(b"x" * 1000)
        abort(client)
        wait_readable(server)
        netcompat.graceful_close(server)  # must not raise
        assert server.fileno() == -1


def test_peer_that_never_closes_stops_at_the_timeout() -> None:
    with connected_pair() as (client, server):
        client.sendall(b"y" * 1000)
        wait_readable(server)
        drained = netcompat.graceful_close(server, timeout=SHORT_TIMEOUT)
        assert drained == 1000
        assert server.fileno() == -1
        # The client got our FIN even though it never closed.
        assert read_to_eof(client) == b""


def test_peer_that_keeps_sending_stops_at_the_byte_cap() -> None:
    cap = 100_000  # not a multiple of the drain buffer
    client, server = tcp_pair()
    errors: list[OSError] = []

    def flood() -> None:
        try:
            for _ in range(1024):  # up to 64 MiB: more than the socket buffers hold
                client.sendall(b"z" * 65536)
        except OSError as exc:
            errors.append(exc)

    with client:
        sender = in_thread(flood)
        wait_readable(server)
        assert netcompat.graceful_close(server, timeout=TIMEOUT, max_drain=cap) == cap
        assert server.fileno() == -1
        sender.join(TIMEOUT)
        assert not sender.is_alive()
        # Closing with the flood still arriving resets it: the cap was the stop.
        assert len(errors) == 1
        assert netcompat.is_reset(errors[0]), errors[0]


def test_zero_bounds_close_right_after_shutdown() -> None:
    with connected_pair() as (client, server):
        client.sendall(b"q" * 10)
        assert netcompat.graceful_close(server, timeout=0) == 0
        assert server.fileno() == -1
    with connected_pair() as (client, server):
        client.sendall(b"q" * 10)
        assert netcompat.graceful_close(server, max_drain=0) == 0
        assert server.fileno() == -1


def test_negative_bounds_are_rejected() -> None:
    with connected_pair() as (_, server):
        with pytest.raises(ValueError):
            netcompat.graceful_close(server, timeout=-1.0)
        with pytest.raises(ValueError):
            netcompat.graceful_close(server, max_drain=-1)
