"""A select()-based TCP proxy: two sockets per session, bytes pumped both ways."""

import errno
import logging
import select
import socket
import threading

log = logging.getLogger("proxy")

BUFSIZE = 65536


def pipe(source: socket.socket, sink: socket.socket) -> bool:
    """Move one chunk; False when the source is finished."""
    data = source.recv(BUFSIZE)  # NC101
    if not data:
        return False
    sink.sendall(data)  # NC101
    return True


def pipe_guarded(source: socket.socket, sink: socket.socket) -> bool:
    try:
        data = source.recv(BUFSIZE)
        if data:
            sink.sendall(data)
    except (ConnectionResetError, BrokenPipeError):
        return False
    return bool(data)


def pipe_broken_pipe_only(source: socket.socket, sink: socket.socket) -> bool:
    try:
        data = source.recv(BUFSIZE)  # NC101
        sink.sendall(data)  # NC101
    except BrokenPipeError:
        return False
    return bool(data)


def pipe_aborted_only(source: socket.socket, sink: socket.socket) -> bool:
    try:
        data = source.recv(BUFSIZE)  # NC101
        sink.sendall(data)  # NC101
    except ConnectionAbortedError:
        return False
    return bool(data)


def pipe_errno_check(source: socket.socket, sink: socket.socket) -> bool:
    try:
        data = source.recv(BUFSIZE)
        sink.sendall(data)
    except OSError as exc:
        if exc.errno not in (errno.ECONNRESET, errno.EPIPE):
            raise
        return False
    return bool(data)


class Session:
    def __init__(self, client: socket.socket, upstream_addr):
        self.client = client
        self.upstream = socket.create_connection(upstream_addr)
        self.closed = False

    def run(self):
        sockets = [self.client, self.upstream]
        while not self.closed:
            readable, _, _ = select.select(sockets, [], [], 1.0)
            for sock in readable:
                peer = self.upstream if sock is self.client else self.client
                try:
                    chunk = sock.recv(BUFSIZE)
                except OSError:
                    chunk = b""
                if not chunk:
                    self.close()
                    return
                peer.sendall(chunk)  # NC101

    def to_upstream(self, data):
        self.upstream.sendall(data)  # NC101

    def to_client(self, data):
        self.client.sendall(data)  # NC101

    def close(self):
        self.closed = True
        self.client.close()
        self.upstream.close()


def serve(listen_port, upstream_addr):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("", listen_port))
    server.listen(128)
    while True:
        client, addr = server.accept()
        log.info("session from %s", addr)
        session = Session(client, upstream_addr)
        threading.Thread(target=session.run, daemon=True).start()


def relay_once(client: socket.socket, upstream: socket.socket):
    """Forward one request and its response, with a nested helper."""

    def forward(src, dst):
        while True:
            block = src.recv(BUFSIZE)
            if not block:
                break
            dst.sendall(block)

    def forward_typed(src: socket.socket, dst: socket.socket):
        while True:
            block = src.recv(BUFSIZE)  # NC101
            if not block:
                break
            dst.sendall(block)  # NC101

    try:
        threading.Thread(target=forward_typed, args=(client, upstream)).start()
        forward(upstream, client)
    except OSError:
        pass


def splice(a: socket.socket, b: socket.socket):
    a.sendall(b.recv(BUFSIZE))  # NC101 NC101
