"""A line protocol client in the style of poplib/imaplib: sockets from helpers."""

import socket
import ssl

CRLF = b"\r\n"
MAXLINE = 2048


def open_socket(host, port, timeout=None):
    return socket.create_connection((host, port), timeout)


def open_maybe(host, port, factory=None):
    if factory is not None:
        return factory(host, port)
    return socket.create_connection((host, port))


class LineClient:
    _connect = socket.create_connection

    def __init__(self, host, port, timeout=10.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.sock = self._create_socket(timeout)
        self.file = self.sock.makefile("rb")
        self.welcome = self._getresp()

    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout)

    def _putline(self, line):
        self.sock.sendall(line + CRLF)  # NC101

    def _getline(self):
        line = self.file.readline(MAXLINE + 1)  # NC101
        if not line:
            raise EOFError("connection closed")
        return line.rstrip(CRLF)

    def _getresp(self):
        return self._getline()

    def command(self, line):
        self._putline(line)
        return self._getresp()

    def reconnect(self):
        self.sock.close()
        self.sock = self._connect((self.host, self.port), self.timeout)
        self.file = self.sock.makefile("rb")

    if ssl is not None:

        def starttls(self, context):
            self._putline(b"STARTTLS")
            self.sock = context.wrap_socket(self.sock, server_hostname=self.host)
            self.file = self.sock.makefile("rb")
            self.sock.sendall(b"CAPA" + CRLF)  # NC101

    def quit(self):
        try:
            self._putline(b"QUIT")
            self.sock.sendall(b"")
        except OSError:
            pass
        finally:
            self.file.close()
            self.sock.close()


class TlsLineClient(LineClient):
    def __init__(self, host, port, context=None):
        self.context = context or ssl.create_default_context()
        super().__init__(host, port)

    def _create_socket(self, timeout):
        sock = super()._create_socket(timeout)
        return self.context.wrap_socket(sock, server_hostname=self.host)

    def stls(self):
        self.sock.sendall(b"STLS" + CRLF)  # NC101


def probe(host, port):
    sock = open_socket(host, port, timeout=3)
    banner = sock.recv(512)  # NC101
    sock.close()
    return banner


def probe_factory(host, port, factory):
    sock = open_maybe(host, port, factory)
    return sock.recv(512)
