"""Request handlers for socketserver and http.server."""

import http.server
import io
import json
import socket
import socketserver
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler


class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(1024)  # NC101
            if not data:
                break
            self.request.sendall(data)  # NC101


class GuardedEchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            while data := self.request.recv(1024):
                self.request.sendall(data)
        except ConnectionResetError:
            pass


class LineHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for _ in range(100):
            line = self.rfile.readline()  # NC101
            if not line:
                break
            self.wfile.write(line.upper())  # NC101
        self.connection.sendall(b"bye\n")  # NC101


class QuietLineHandler(socketserver.StreamRequestHandler):
    def handle(self):
        try:
            line = self.rfile.readline(65537)
            self.wfile.write(line)
        except (ConnectionError, TimeoutError):
            return


class BaseProtocolHandler(socketserver.StreamRequestHandler):
    def reply(self, payload):
        self.wfile.write(json.dumps(payload).encode() + b"\n")  # NC101


class JsonHandler(BaseProtocolHandler):
    def handle(self):
        request = json.loads(self.rfile.readline())  # NC101
        self.reply({"ok": True, "echo": request})


class UdpHandler(socketserver.DatagramRequestHandler):
    def handle(self):
        # rfile and wfile are in-memory buffers here, not the socket.
        data = self.rfile.read()
        self.wfile.write(data)
        self.socket.sendto(b"ack", self.client_address)  # a UDP send meets no reset


class RawUdpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data.upper(), self.client_address)  # a UDP send meets no reset
        self.request[1].sendto(b"done", self.client_address)


class ApiHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)  # NC101

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = self.rfile.read(length)  # NC101
        try:
            self.send_response(201)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.log_message("client went away")

    def do_PUT(self):
        self.send_response(204)
        self.end_headers()
        try:
            self.wfile.write(b"")  # NC101
        except BrokenPipeError:
            pass


class FilesHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")  # NC101
            return
        super().do_GET()


class TunnelHandler(http.server.BaseHTTPRequestHandler):
    def do_CONNECT(self):
        host, _, port = self.path.partition(":")
        upstream = socket.create_connection((host, int(port)))
        self.send_response(200)
        self.end_headers()
        self.connection.sendall(upstream.recv(4096))  # NC101 NC101


class NotAHandler:
    """Has request/rfile/wfile attributes of its own, none of them sockets."""

    def __init__(self, request):
        self.request = request
        self.rfile = io.BytesIO()
        self.wfile = io.BytesIO()

    def handle(self):
        self.request.send(b"x")
        self.wfile.write(self.rfile.read())


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True

    def notify(self, message):
        self.socket.sendall(message)  # NC101


if __name__ == "__main__":
    with socketserver.TCPServer(("", 8000), EchoHandler) as server:
        server.serve_forever()
