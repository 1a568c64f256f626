"""A line-based echo client: the shapes client code takes, guarded and not."""

import contextlib
import logging
import socket
import ssl
import threading
import time

import netcompat
from netcompat import normalize

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
PORT = 7007


def fetch_all(host, port, request):
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(request)  # NC101
    chunks = []
    while True:
        data = sock.recv(4096)  # NC101
        if not data:
            break
        chunks.append(data)
    sock.close()
    return b"".join(chunks)


def fetch_all_guarded(host, port, request):
    sock = socket.create_connection((host, port), timeout=5)
    try:
        sock.sendall(request)
        chunks = []
        while True:
            data = sock.recv(4096)
            if not data:
                break
            chunks.append(data)
    except ConnectionResetError:
        log.warning("server reset the connection")
        return b""
    finally:
        sock.close()
    return b"".join(chunks)


def ping(addr):
    with socket.create_connection(addr) as conn:
        conn.sendall(b"PING\n")  # NC101
        try:
            reply = conn.recv(64)  # NC101
        except socket.timeout:
            return None
        return reply


def ping_timeout_only(addr):
    with socket.create_connection(addr, timeout=2) as conn:
        try:
            conn.sendall(b"PING\n")  # NC101
            return conn.recv(64)  # NC101
        except (socket.timeout, TimeoutError):
            return None


def ping_any_socket_error(addr):
    with socket.create_connection(addr, timeout=2) as conn:
        try:
            conn.sendall(b"PING\n")
            return conn.recv(64)
        except socket.error as exc:
            log.info("ping failed: %s", exc)
            return None


def ping_connection_error(addr):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(addr)
    try:
        s.send(b"PING\n")
        return s.recv(64)
    except (ConnectionError, TimeoutError):
        return None
    finally:
        s.close()


def deliver_then_close(addr, payload):
    s = socket.socket()
    s.connect(addr)
    try:
        s.send(payload)  # NC101
    finally:
        s.close()


def goodbye(sock: socket.socket):
    with contextlib.suppress(OSError):
        sock.sendall(b"QUIT\n")
    sock.close()


def goodbye_wrong_suppress(sock: socket.socket):
    with contextlib.suppress(BrokenPipeError):
        sock.sendall(b"QUIT\n")  # NC101
    sock.close()


def greeting(sock: socket.socket) -> bytes:
    reader = sock.makefile("rb")
    try:
        return reader.readline()  # NC101
    finally:
        reader.close()


def read_greeting_guarded(sock: socket.socket) -> bytes:
    reader = sock.makefile("rb")
    try:
        return reader.readline()
    except OSError:
        return b""


@netcompat.retry(attempts=3)
def query(addr, line):
    with socket.create_connection(addr, timeout=5) as s:
        s.sendall(line)
        return s.recv(1024)


@normalize()
def query_normalized(addr, line):
    with socket.create_connection(addr, timeout=5) as s:
        s.sendall(line)
        return s.recv(1024)


def query_normalized_block(addr, line):
    with socket.create_connection(addr, timeout=5) as s:
        with netcompat.normalize():
            s.sendall(line)
            reply = s.recv(1024)
        s.sendall(b"BYE\n")  # NC101
    return reply


def with_callback(addr, on_line):
    sock = socket.create_connection(addr)
    try:
        def pump():
            while True:
                line = sock.recv(256)  # NC101
                if not line:
                    return
                on_line(line)

        threading.Thread(target=pump, daemon=True).start()
    except OSError:
        log.exception("connection failed")


def with_helper(addr, on_line):
    sock = socket.create_connection(addr)

    def pump():
        while True:
            line = sock.recv(256)
            if not line:
                return
            on_line(line)

    def pump_twice():
        pump()
        pump()

    try:
        pump_twice()
    except OSError:
        log.exception("connection failed")
    finally:
        sock.close()


def with_helper_escaping(addr, on_line):
    sock = socket.create_connection(addr)

    def pump():
        return sock.recv(256)  # NC101

    try:
        pump()
    except OSError:
        pass
    return pump


def with_helper_unguarded_call(addr):
    sock = socket.create_connection(addr)

    def pump():
        return sock.recv(256)  # NC101

    try:
        pump()
    except OSError:
        pass
    pump()


def handler_body_not_guarded(sock: socket.socket):
    try:
        sock.sendall(b"HELLO\n")
    except OSError:
        sock.sendall(b"ERROR\n")  # NC101


def blocking_io_only(sock: socket.socket, buf: bytearray) -> int:
    try:
        return sock.recv_into(buf)  # NC101
    except (BlockingIOError, InterruptedError):
        return 0


def tls_fetch(host, request):
    context = ssl.create_default_context()
    raw = socket.create_connection((host, 443))
    tls = context.wrap_socket(raw, server_hostname=host)
    try:
        tls.sendall(request)  # NC101
        return tls.recv(65536)  # NC101
    except ssl.SSLError:
        return b""
    finally:
        tls.close()


def tls_fetch_guarded(host, request):
    context = ssl.create_default_context()
    with socket.create_connection((host, 443)) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            try:
                tls.sendall(request)
                return tls.recv(65536)
            except (ssl.SSLError, OSError):
                return b""


def maybe_tls(host, port, use_tls: bool):
    sock = socket.create_connection((host, port))
    if use_tls:
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    data = sock.recv(1024)  # NC101
    return data


def lazily_connected(host, port, sock=None):
    if sock is None:
        sock = socket.create_connection((host, port))
    return sock.recv(10)  # NC101


def reconnecting(host, port, retries=3):
    for attempt in range(retries):
        try:
            sock = socket.create_connection((host, port))
            sock.sendall(b"HELLO\n")  # NC101
            return sock
        except ConnectionRefusedError:
            time.sleep(2**attempt)
    raise RuntimeError("no server")


def unknown_origin(make_socket):
    sock = make_socket()
    return sock.recv(10)


def print_banner(addr):
    s = socket.create_connection(addr)
    print(s.recv(100).decode())  # NC101
    s.close()


if __name__ == "__main__":
    client = socket.create_connection((HOST, PORT))
    client.sendall(b"hello\n")  # NC101
    print(client.recv(1024))  # NC101
    client.close()
