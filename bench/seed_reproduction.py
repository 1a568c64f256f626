"""Reproduce the first seed's "RST instead of FIN" on loopback and count resets per fix.

Seed 000: a server reads only part of a request, answers, and closes; the client
reading the answer gets "connection reset by peer".  This script runs that
exchange ``--tries`` times per way of closing, and a 5 MB upload refused with
413 ``--upload-tries`` times per WSGI server, then prints how many tries ended
in a reset.

Usage: python bench/seed_reproduction.py [--tries N] [--upload-tries N]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import threading
import wsgiref.simple_server
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

try:
    import netcompat
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import netcompat

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

TIMEOUT = 5.0
HOST = "127.0.0.1"
READ = 64
BODY = b"k=v&" * 1024
RESPONSE = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"
UPLOAD_SIZE = 5 * 1024 * 1024
CHUNK = 64 * 1024


def head(size: int) -> bytes:
    return f"POST / HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {size}\r\n\r\n".encode()


class Outcome(NamedTuple):
    """How one try ended for the client."""

    reset: bool  # some operation failed with "the peer went away"
    complete: bool  # whole response read, then a clean EOF, and no error


def shutdown_then_close(sock: socket.socket) -> None:
    """What socketserver.TCPServer does: FIN first, then close."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
    sock.close()


def seed_try(close: Callable[[socket.socket], object]) -> Outcome:
    with socket.create_server((HOST, 0)) as listener:

        def serve() -> None:
            conn, _ = listener.accept()
            conn.settimeout(TIMEOUT)
            conn.recv(READ)
            conn.sendall(RESPONSE)
            close(conn)

        server = threading.Thread(target=serve, daemon=True)
        server.start()
        with socket.create_connection(listener.getsockname()[:2], timeout=TIMEOUT) as sock:
            try:
                sock.sendall(head(len(BODY)) + BODY)
                data = b""
                while chunk := sock.recv(65536):
                    data += chunk
                outcome = Outcome(False, data == RESPONSE)
            except OSError as exc:
                outcome = Outcome(netcompat.is_reset(exc), False)
        server.join(TIMEOUT)
    return outcome


def reject_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("413 Content Too Large", [("Content-Length", "9")])
    return [b"too large"]


class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def upload_try(server: wsgiref.simple_server.WSGIServer) -> Outcome:
    """Upload UPLOAD_SIZE bytes from a thread while reading the response."""
    errors: list[OSError] = []
    host, port = server.server_address[:2]
    assert isinstance(host, str)
    with socket.create_connection((host, port), timeout=TIMEOUT) as sock:

        def send() -> None:
            try:
                sock.sendall(head(UPLOAD_SIZE))
                piece = b"x" * CHUNK
                for _ in range(UPLOAD_SIZE // CHUNK):
                    sock.sendall(piece)
            except OSError as exc:
                errors.append(exc)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError as exc:
            errors.append(exc)
        sender.join(TIMEOUT)
    complete = not errors and data.startswith(b"HTTP/1.0 413") and data.endswith(b"too large")
    return Outcome(any(netcompat.is_reset(exc) for exc in errors), complete)


def upload_tries(
    make: Callable[..., wsgiref.simple_server.WSGIServer], tries: int
) -> list[Outcome]:
    server = make(HOST, 0, reject_app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        return [upload_try(server) for _ in range(tries)]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=200, help="seed exchanges per variant")
    parser.add_argument("--upload-tries", type=int, default=20, help="5 MB uploads per server")
    args = parser.parse_args(argv)

    rows: list[tuple[str, list[Outcome]]] = [
        ("seed: close()", [seed_try(socket.socket.close) for _ in range(args.tries)]),
        (
            "seed: shutdown(SHUT_WR)+close()",
            [seed_try(shutdown_then_close) for _ in range(args.tries)],
        ),
        (
            "seed: netcompat.graceful_close()",
            [seed_try(netcompat.graceful_close) for _ in range(args.tries)],
        ),
        (
            "5 MB upload: wsgiref make_server",
            upload_tries(wsgiref.simple_server.make_server, args.upload_tries),
        ),
        (
            "5 MB upload: netcompat.make_server",
            upload_tries(netcompat.make_server, args.upload_tries),
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'variant':<{width}}  resets  complete  tries")
    for name, outcomes in rows:
        resets = sum(o.reset for o in outcomes)
        complete = sum(o.complete for o in outcomes)
        print(f"{name:<{width}}  {resets:>6}  {complete:>8}  {len(outcomes):>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
