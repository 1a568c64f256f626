"""A library-style connection class: private helpers guarded by their callers."""

import socket
import threading


class ConnectionError_(Exception):
    """A library's own error type (not an alias of OSError)."""


class Connection:
    def __init__(self, host, port, timeout=5.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self._sock = None

    def connect(self):
        if self._sock is None:
            self._sock = socket.create_connection((self.host, self.port), self.timeout)

    def _send_packed(self, *chunks):
        for chunk in chunks:
            self._sock.sendall(chunk)

    def _read_line(self):
        buf = bytearray()
        while not buf.endswith(b"\r\n"):
            chunk = self._sock.recv(1)
            if not chunk:
                raise ConnectionError_("closed")
            buf += chunk
        return bytes(buf[:-2])

    def _read_response(self):
        return self._read_line()

    def execute(self, *args):
        self.connect()
        try:
            self._send_packed(*(a.encode() + b"\r\n" for a in args))
            return self._read_response()
        except socket.timeout as exc:
            raise ConnectionError_("timeout") from exc
        except OSError as exc:
            self.disconnect()
            raise ConnectionError_(str(exc)) from exc

    def _ping_raw(self):
        self._sock.sendall(b"PING\r\n")  # NC101

    def ping(self):
        try:
            self._ping_raw()
        except socket.timeout:
            return False
        return True

    def _heartbeat(self):
        self._sock.sendall(b"\r\n")  # NC101

    def start_heartbeat(self):
        try:
            threading.Timer(30.0, self._heartbeat).start()
        except OSError:
            pass

    def transmit_raw(self, data):
        # Public API: a caller's handler is not seen (known problem).
        self._sock.sendall(data)  # NC101

    def _drain(self):
        self._sock.recv(65536)  # NC101

    def close(self):
        try:
            self._drain()
        except OSError:
            pass
        self._drain()

    def disconnect(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class Pool:
    def __init__(self, factory):
        self.factory = factory

    def _send(self, conn: socket.socket, data):
        conn.sendall(data)

    def broadcast(self, conns, data):
        for conn in conns:
            try:
                self._send(conn, data)
            except ConnectionError:
                continue


def _handshake(sock: socket.socket):
    sock.sendall(b"HELLO\r\n")
    return sock.recv(64)


def _greet(sock: socket.socket):
    sock.sendall(b"HI\r\n")  # NC101


def open_session(addr):
    sock = socket.create_connection(addr)
    try:
        banner = _handshake(sock)
    except OSError:
        sock.close()
        raise
    _greet(sock)
    return sock, banner


def public_helper(sock: socket.socket):
    sock.sendall(b"PUBLIC\r\n")  # NC101


def use_public(sock: socket.socket):
    try:
        public_helper(sock)
    except OSError:
        pass
