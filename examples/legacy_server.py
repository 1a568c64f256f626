"""A tiny request handler written the way the first seed writes it.

It replies without reading the whole request and then "fixes" the resets that
follow with a sleep before close.  The real fix is
``netcompat.graceful_close(client_socket)``.
"""

import socket
import time


def handle_request(client_socket):
    # Simulate request processing
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    client_socket.sendall(response)
    # Add a small delay to avoid GIL-related races
    time.sleep(0.01)
    client_socket.close()  # Ideally should send FIN


def serve(port=8080):
    server = socket.create_server(("127.0.0.1", port))
    while True:
        conn, _ = server.accept()
        request = conn.recv(1024)
        if request:
            handle_request(conn)
