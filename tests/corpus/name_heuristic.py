"""Helpers that receive sockets without annotations: found only with the heuristic."""
# corpus-options: {"socket-name-heuristic": true}

import time


def line_to(sock, line):
    sock.sendall(line + b"\n")  # NC101


def reply_from(conn):
    return conn.recv(1024)  # NC101


def forward(client_socket, upstream_sock):
    upstream_sock.sendall(client_socket.recv(4096))  # NC101 NC101


def guarded(conn):
    try:
        return conn.recv(1024)
    except OSError:
        return b""


def not_socket_names(ws, q, channel, frame):
    ws.send(b"x")
    q.send(1)
    channel.recv(10)
    frame.send(None)


class Client:
    def __init__(self, sock):
        self._sock = sock

    def ping(self):
        self._sock.send(b"PING")  # NC101
        time.sleep(0.5)  # NC102
        self._sock.close()
