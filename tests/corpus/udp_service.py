"""UDP: a metrics sender and a small request/response service.

On Windows a recvfrom() after a datagram was answered by ICMP "port
unreachable" raises ConnectionResetError (WSAECONNRESET), so UDP receive
loops need the same guard as TCP ones.  Sends meet no reset (UDP has no
connection to reset), so they are left alone.
"""

import socket
import struct
import time

MAX_DATAGRAM = 65507


class StatsClient:
    def __init__(self, host="127.0.0.1", port=8125):
        self.addr = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def incr(self, name, value=1):
        self.sock.sendto(f"{name}:{value}|c".encode(), self.addr)  # a UDP send meets no reset

    def gauge(self, name, value):
        try:
            self.sock.sendto(f"{name}:{value}|g".encode(), self.addr)
        except OSError:
            pass  # metrics are best effort


def serve(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", port))
    while True:
        data, addr = sock.recvfrom(MAX_DATAGRAM)  # NC101
        if data == b"ping":
            sock.sendto(b"pong", addr)


def serve_windows_safe(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", port))
    buf = bytearray(MAX_DATAGRAM)
    while True:
        try:
            n, addr = sock.recvfrom_into(buf)
        except ConnectionResetError:
            continue  # ICMP port unreachable from an earlier sendto (Windows)
        sock.sendto(bytes(buf[:n]), addr)


def query(server, payload, timeout=1.0):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(payload, server)
        try:
            reply, _ = sock.recvfrom(MAX_DATAGRAM)  # NC101
        except socket.timeout:
            return None
        return reply


def ntp_time(server="pool.ntp.org"):
    packet = b"\x1b" + 47 * b"\0"
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        client.sendto(packet, (server, 123))
        data, _ = client.recvfrom(1024)
    except OSError:
        return None
    finally:
        client.close()
    seconds = struct.unpack("!12I", data)[10]
    return seconds - 2208988800


def heartbeat(sock: socket.socket, addr, count):
    for _ in range(count):
        sock.sendto(b"beat", addr)
        time.sleep(1)
    sock.close()
