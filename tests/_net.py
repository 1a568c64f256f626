"""Real-socket helpers shared by the network tests (127.0.0.1 only, every wait bounded)."""

from __future__ import annotations

import contextlib
import errno
import select
import socket
import socketserver
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Callable

from netcompat import is_reset
from netcompat._errnos import ERRNO_FACTS

#: Every socket and every join in the tests waits at most this long.
TIMEOUT = 5.0
LOCALHOST = "127.0.0.1"


def tcp_pair() -> tuple[socket.socket, socket.socket]:
    """A connected (client, server) TCP pair on loopback, both with ``TIMEOUT``."""
    with socket.create_server((LOCALHOST, 0)) as listener:
        client = socket.create_connection(listener.getsockname()[:2], timeout=TIMEOUT)
        server, _ = listener.accept()
    server.settimeout(TIMEOUT)
    return client, server


@contextlib.contextmanager
def connected_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """``tcp_pair()`` that closes both ends on exit."""
    client, server = tcp_pair()
    with client, server:
        yield client, server


def abort(sock: socket.socket) -> None:
    """Close ``sock`` with a TCP RST instead of a FIN (``SO_LINGER`` on, zero seconds)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def wait_readable(sock: socket.socket) -> None:
    """Block until ``sock`` is readable (data, EOF or a reset arrived), at most ``TIMEOUT``."""
    readable, _, _ = select.select([sock], [], [], TIMEOUT)
    assert readable, "socket did not become readable in time"


def unused_port() -> int:
    """A loopback port that was just bound and released, with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        port: int = probe.getsockname()[1]
    return port


def expected_kind(exc: OSError) -> str | None:
    """The ``ResetKind`` value the errno table gives for ``exc.errno`` on this platform."""
    name = errno.errorcode.get(exc.errno or 0)
    column = sys.platform if sys.platform in ("linux", "darwin", "win32") else "freebsd"
    for fact in ERRNO_FACTS:
        if fact.name == name and getattr(fact, column) == exc.errno:
            if fact.only_on and column not in fact.only_on:
                return None
            return fact.kind
    return None


def read_to_eof(sock: socket.socket) -> bytes:
    """Read until the peer's FIN; a reset or a timeout raises."""
    chunks: list[bytes] = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


@dataclass
class Exchange:
    """What a client saw of one request/response exchange."""

    response: bytes = b""
    clean_eof: bool = False
    errors: list[OSError] = field(default_factory=list)

    @property
    def peer_gone(self) -> bool:
        """Whether any operation failed because the server reset or dropped the connection."""
        return any(is_reset(e) for e in self.errors)


def upload(
    address: tuple[str, int], head: bytes, body_size: int, *, chunk: int = 64 * 1024
) -> Exchange:
    """Send ``head`` then ``body_size`` bytes from a thread while reading the response.

    The reader runs at the same time as the sender, like a client that is still
    uploading when the server answers; the sender sends the whole body unless a
    send fails.  The socket is closed once both are done.
    """
    result = Exchange()
    with socket.create_connection(address, timeout=TIMEOUT) as sock:

        def send() -> None:
            try:
                sock.sendall(head)
                piece = b"x" * chunk
                left = body_size
                while left > 0:
                    sock.sendall(piece[: min(chunk, left)])
                    left -= chunk
            except OSError as exc:
                result.errors.append(exc)

        sender = in_thread(send)
        try:
            result.response = read_to_eof(sock)
            result.clean_eof = True
        except OSError as exc:
            result.errors.append(exc)
        finally:
            sender.join(TIMEOUT)
        assert not sender.is_alive(), "sender thread did not finish"
    return result


def post_head(body_size: int, path: str = "/upload") -> bytes:
    """An HTTP/1.1 POST request head announcing ``body_size`` bytes."""
    return (
        f"POST {path} HTTP/1.1\r\nHost: {LOCALHOST}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {body_size}\r\n\r\n"
    ).encode("ascii")


def address_of(server: socketserver.BaseServer) -> tuple[str, int]:
    """The (host, port) a TCP server is bound to."""
    address = server.server_address
    assert isinstance(address, tuple)
    host, port = address[:2]
    assert isinstance(host, str)
    assert isinstance(port, int)
    return host, port


@contextlib.contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[tuple[str, int]]:
    """Run ``server.serve_forever`` in a thread; shut it down and close it on exit."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield address_of(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "server thread did not stop"


def in_thread(target: Callable[[], object]) -> threading.Thread:
    """Start ``target`` in a daemon thread and return the thread."""
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread
