"""GracefulCloseMixin, GracefulWSGIServer and make_server, on real loopback servers.

The case they fix: a client uploads a large body, the server answers 413 without
reading it and closes.  ``socketserver.TCPServer.shutdown_request`` sends a FIN
(``shutdown(SHUT_WR)``) and then ``close()``-s with the upload still arriving, so
the kernel resets the connection and the still-sending client fails with
EPIPE / ECONNRESET instead of reading the 413.
"""

from __future__ import annotations

import http.server
import inspect
import socket
import socketserver
import subprocess
import sys
import wsgiref.simple_server
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pytest
from _net import LOCALHOST, Exchange, post_head, serving, upload

import netcompat

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

#: Uploads per server variant; the graceful variants must succeed every time.
UPLOAD_TRIES = 10
#: Size of the refused upload.
UPLOAD_SIZE = 5 * 1024 * 1024

REJECT_BODY = b"upload refused: too large\n"


def reject_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A WSGI app that answers 413 and never reads ``wsgi.input``."""
    start_response(
        "413 Content Too Large",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(REJECT_BODY)))],
    )
    return [REJECT_BODY]


class QuietWSGIHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class RejectHTTPHandler(http.server.BaseHTTPRequestHandler):
    """http.server handler that answers a POST with 413 without reading the body."""

    def do_POST(self) -> None:
        self.send_response(413)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(REJECT_BODY)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(REJECT_BODY)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class RejectStreamHandler(socketserver.StreamRequestHandler):
    """Plain socketserver handler: read the request line only, answer 413."""

    def handle(self) -> None:
        self.rfile.readline()
        self.wfile.write(
            b"HTTP/1.0 413 Content Too Large\r\nContent-Length: %d\r\n\r\n%s"
            % (len(REJECT_BODY), REJECT_BODY)
        )


class GracefulHTTPServer(netcompat.GracefulCloseMixin, http.server.HTTPServer):
    pass


class GracefulThreadingHTTPServer(netcompat.GracefulCloseMixin, http.server.ThreadingHTTPServer):
    pass


class GracefulTCPServer(netcompat.GracefulCloseMixin, socketserver.TCPServer):
    pass


class CappedTCPServer(netcompat.GracefulCloseMixin, socketserver.TCPServer):
    """The mixin with a byte cap far below the upload: it gives up and closes."""

    graceful_close_max_drain = 64 * 1024


ServerFactory = Callable[[], socketserver.TCPServer]

PLAIN: dict[str, ServerFactory] = {
    "wsgiref": lambda: wsgiref.simple_server.make_server(
        LOCALHOST, 0, reject_app, handler_class=QuietWSGIHandler
    ),
    "http.server": lambda: http.server.HTTPServer((LOCALHOST, 0), RejectHTTPHandler),
    "socketserver": lambda: socketserver.TCPServer((LOCALHOST, 0), RejectStreamHandler),
}

GRACEFUL: dict[str, ServerFactory] = {
    "netcompat.make_server": lambda: netcompat.make_server(
        LOCALHOST, 0, reject_app, handler_class=QuietWSGIHandler
    ),
    "HTTPServer+mixin": lambda: GracefulHTTPServer((LOCALHOST, 0), RejectHTTPHandler),
    "ThreadingHTTPServer+mixin": lambda: GracefulThreadingHTTPServer(
        (LOCALHOST, 0), RejectHTTPHandler
    ),
    "TCPServer+mixin": lambda: GracefulTCPServer((LOCALHOST, 0), RejectStreamHandler),
}


def run_uploads(factory: ServerFactory, tries: int) -> list[Exchange]:
    with serving(factory()) as address:
        return [upload(address, post_head(UPLOAD_SIZE), UPLOAD_SIZE) for _ in range(tries)]


def assert_full_413(exchange: Exchange) -> None:
    assert exchange.errors == []
    assert exchange.clean_eof
    head, sep, body = exchange.response.partition(b"\r\n\r\n")
    assert sep, exchange.response
    status_line, *header_lines = head.split(b"\r\n")
    assert status_line.split()[1] == b"413", status_line
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(b":") for line in header_lines)
    }
    assert headers[b"content-length"] == str(len(REJECT_BODY)).encode()
    assert body == REJECT_BODY


@pytest.mark.parametrize("name", sorted(GRACEFUL))
def test_graceful_server_delivers_413_to_a_client_still_uploading(name: str) -> None:
    for exchange in run_uploads(GRACEFUL[name], UPLOAD_TRIES):
        assert_full_413(exchange)


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_server_resets_a_client_still_uploading(name: str) -> None:
    # The baseline the mixin fixes: shutdown(SHUT_WR) + close() with the upload
    # still arriving resets the connection, and the sender sees it.
    exchanges = run_uploads(PLAIN[name], UPLOAD_TRIES)
    resets = sum(exchange.peer_gone for exchange in exchanges)
    assert resets > UPLOAD_TRIES // 2, f"{resets} resets in {UPLOAD_TRIES} uploads"


def test_mixin_byte_cap_is_honoured() -> None:
    # A cap of 64 KiB gives up on a 5 MB upload, so the reset comes back: this
    # shows the class attribute reaches graceful_close.
    exchanges = run_uploads(
        lambda: CappedTCPServer((LOCALHOST, 0), RejectStreamHandler), UPLOAD_TRIES
    )
    resets = sum(exchange.peer_gone for exchange in exchanges)
    assert resets > UPLOAD_TRIES // 2, f"{resets} resets in {UPLOAD_TRIES} uploads"


def test_mixin_still_calls_close_request() -> None:
    filenos: list[int] = []

    class Recording(GracefulTCPServer):
        def close_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
            assert isinstance(request, socket.socket)
            filenos.append(request.fileno())
            super().close_request(request)

    exchanges = run_uploads(lambda: Recording((LOCALHOST, 0), RejectStreamHandler), 2)
    for exchange in exchanges:
        assert_full_413(exchange)
    # Called once per connection, after graceful_close closed the socket.
    assert filenos == [-1, -1]


def test_make_server_defaults_to_the_graceful_server() -> None:
    server = netcompat.make_server(LOCALHOST, 0, reject_app)
    with server:
        assert type(server) is netcompat.GracefulWSGIServer
        assert isinstance(server, wsgiref.simple_server.WSGIServer)
        assert server.get_app() is reject_app
        assert server.RequestHandlerClass is wsgiref.simple_server.WSGIRequestHandler


def test_make_server_accepts_a_custom_server_class() -> None:
    class Custom(netcompat.GracefulWSGIServer):
        graceful_close_timeout = 0.5

    server = netcompat.make_server(
        LOCALHOST, 0, reject_app, server_class=Custom, handler_class=QuietWSGIHandler
    )
    with server:
        assert type(server) is Custom
        assert server.RequestHandlerClass is QuietWSGIHandler
        assert server.graceful_close_timeout == 0.5


def test_mixin_defaults_match_graceful_close() -> None:
    defaults = inspect.signature(netcompat.graceful_close).parameters
    assert netcompat.GracefulCloseMixin.graceful_close_timeout == defaults["timeout"].default
    assert netcompat.GracefulCloseMixin.graceful_close_max_drain == defaults["max_drain"].default


def test_importing_netcompat_does_not_load_the_server_stack() -> None:
    # wsgiref pulls in http.server, http.client and ssl; the server helpers load
    # on first use instead, and the lazy names still resolve.
    code = (
        "import sys, netcompat\n"
        "heavy = {'wsgiref.simple_server', 'http.server', 'ssl'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "assert netcompat.make_server is netcompat._server.make_server\n"
        "assert 'wsgiref.simple_server' in sys.modules\n"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
