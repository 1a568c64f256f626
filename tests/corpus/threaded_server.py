"""A small threaded HTTP-ish server written against the socket module."""

import logging
import socket
import threading
import time
from time import sleep

log = logging.getLogger("server")

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def handle_request(client_socket):
    # Simulate request processing
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    client_socket.sendall(response)  # NC101
    # Add a small delay to avoid GIL-related races
    time.sleep(0.01)  # NC102
    client_socket.close()  # Ideally should send FIN


def handle_known(conn: socket.socket, addr):
    request = conn.recv(65536)  # NC101
    log.info("%s asked %r", addr, request[:40])
    conn.sendall(RESPONSE)  # NC101
    time.sleep(0.05)  # NC102
    conn.close()


def handle_guarded(conn: socket.socket):
    try:
        conn.recv(65536)
        conn.sendall(RESPONSE)
    except OSError as exc:
        log.debug("client went away: %s", exc)
    finally:
        conn.close()


def handle_pipelined(conn: socket.socket):
    try:
        conn.sendall(RESPONSE)
    except (ConnectionResetError, BrokenPipeError):
        return
    sleep(0.1)  # NC102
    conn.close()


def handle_sleep_not_last(conn: socket.socket):
    time.sleep(0.1)
    try:
        conn.sendall(RESPONSE)
    except OSError:
        pass
    conn.close()


def serve_forever(port):
    srv = socket.create_server(("", port), reuse_port=False)
    while True:
        conn, addr = srv.accept()
        threading.Thread(target=handle_known, args=(conn, addr), daemon=True).start()


def serve_inline(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as srv:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("", port))
        srv.listen()
        while True:
            conn, _ = srv.accept()
            with conn:
                data = conn.recv(1024)  # NC101
                if data.startswith(b"GET"):
                    conn.sendall(RESPONSE)  # NC101


def serve_one(port):
    srv = socket.create_server(("", port))
    client = srv.accept()[0]
    client.sendall(RESPONSE)  # NC101
    time.sleep(1); client.close()  # NC102


class Worker(threading.Thread):
    """One connection per thread; the socket is an attribute."""

    def __init__(self, conn: socket.socket, addr):
        super().__init__(daemon=True)
        self.conn = conn
        self.addr = addr

    def run(self):
        try:
            self.serve()
        finally:
            self.stop()

    def serve(self):
        while True:
            line = self.conn.recv(1024)  # NC101
            if not line:
                return
            self.conn.sendall(line.upper())  # NC101

    def stop(self):
        time.sleep(0.2)  # NC102
        self.conn.close()


class Listener:
    sock = None

    def __init__(self, port):
        self.port = port
        self.clients = []

    def start(self):
        self.sock = socket.create_server(("", self.port))

    def broadcast(self, message):
        for client in self.clients:
            client.sendall(message)  # NC101

    def accept_one(self):
        conn, _ = self.sock.accept()
        self.clients.append(conn)
        conn.sendall(b"welcome\n")  # NC101
        return conn


class Registry:
    """Not a socket: its send() queues messages."""

    def __init__(self):
        self.conn = None
        self.pending = []

    def send(self, message):
        self.pending.append(message)

    def flush(self, transport):
        self.conn = transport
        for message in self.pending:
            self.conn.send(message)
        time.sleep(0.1)
        self.conn.close()


def wait_and_close(sock: socket.socket, delay: float):
    # Let the peer read everything first.
    time.sleep(delay)  # NC102

    sock.close()  # done
