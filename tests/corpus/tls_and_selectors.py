"""TLS clients and a selectors-based non-blocking server."""

import selectors
import socket
import ssl
from typing import Optional, Union


class TlsClient:
    sock: Optional[ssl.SSLSocket] = None

    def __init__(self, host: str, port: int = 443):
        self.host = host
        self.port = port
        self.context = ssl.create_default_context()

    def connect(self):
        raw = socket.create_connection((self.host, self.port), timeout=10)
        self.sock = self.context.wrap_socket(raw, server_hostname=self.host)

    def request(self, data: bytes) -> bytes:
        try:
            self.sock.sendall(data)  # NC101
            return self.sock.recv(16384)  # NC101
        except ssl.SSLZeroReturnError:
            return b""
        except ssl.SSLError as exc:
            raise RuntimeError(f"TLS failure: {exc}") from exc

    def request_safely(self, data: bytes) -> bytes:
        try:
            self.sock.sendall(data)
            return self.sock.recv(16384)
        except (ssl.SSLError, ConnectionError):
            return b""


def starttls(plain: socket.socket, host: str) -> bytes:
    plain.sendall(b"STARTTLS\r\n")  # NC101
    reply = plain.recv(1024)  # NC101
    if not reply.startswith(b"220"):
        return reply
    tls = ssl.create_default_context().wrap_socket(plain, server_hostname=host)
    tls.sendall(b"EHLO example.com\r\n")  # NC101
    return tls.recv(1024)  # NC101


def either(sock: Union[socket.socket, ssl.SSLSocket], data: bytes):
    sock.sendall(data)  # NC101


def optional_new_style(sock: "socket.socket | None", data: bytes):
    if sock is not None:
        sock.sendall(data)  # NC101


def string_annotation(sock: "socket.socket"):
    return sock.recv(1)  # NC101


sel = selectors.DefaultSelector()


def accept(server: socket.socket, mask):
    conn, addr = server.accept()
    conn.setblocking(False)
    sel.register(conn, selectors.EVENT_READ, read)


def read(conn: socket.socket, mask):
    try:
        data = conn.recv(4096)  # NC101
    except BlockingIOError:
        return
    if data:
        conn.send(data)  # NC101
    else:
        sel.unregister(conn)
        conn.close()


def read_guarded(conn: socket.socket, mask):
    try:
        data = conn.recv(4096)
    except BlockingIOError:
        return
    except ConnectionResetError:
        data = b""
    if not data:
        sel.unregister(conn)
        conn.close()


def main(port: int):
    server = socket.create_server(("", port))
    server.setblocking(False)
    sel.register(server, selectors.EVENT_READ, accept)
    while True:
        for key, mask in sel.select():
            key.data(key.fileobj, mask)


def socketpair_wakeup():
    rsock, wsock = socket.socketpair()
    wsock.send(b"\0")  # both ends are ours: no peer to reset
    return rsock.recv(1)


def from_fd(fd: int):
    sock = socket.fromfd(fd, socket.AF_INET, socket.SOCK_STREAM)
    sock.sendfile(open("/etc/hostname", "rb"))  # NC101
