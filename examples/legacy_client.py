"""A small HTTP client written the way the seeds write network code.

Every handler here "works" on the machine it was written on and is wrong,
or crashes, on the others.  Run ``netcompat-lint check examples/`` to see
each problem, and ``netcompat-lint check --diff examples/`` for the fixes.
"""

import errno
import socket
import time

HOST = "example.com"
PORT = 80


def fetch(path="/"):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect((HOST, PORT))
            s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: example.com\r\n\r\n")
            return s.recv(1024)
    except socket.error as e:
        # Check if the error is a connection reset
        if e.errno == errno.WSAECONNRESET:  # On Windows
            print("Error: Connection was reset by the peer.")
        elif e.errno == errno.ECONNRESET:  # On Linux/macOS
            print("Error: Connection was reset by the peer.")
        else:
            print(f"A socket error occurred: {e}")
    except socket.timeout:
        print("Error: The connection timed out.")
    return None


def is_reset(e):
    # "A more cross-platform way is to compare the integer value directly"
    return e.errno == 10054 or e.errno == 104  # Windows or Linux


def resilient_request(max_retries=3):
    for attempt in range(max_retries):
        try:
            return fetch()
        except socket.error as e:
            if e.errno in [10054, 104]:  # Connection Reset
                time.sleep(2**attempt)
                continue
            raise
    return None


def robust_request(max_retries=10):
    for attempt in range(max_retries):
        try:
            return fetch()
        except socket.error as e:
            if e.errno == 104:  # Connection reset by peer
                print(f"Attempt {attempt + 1} failed: {e}")
                time.sleep(1)
            else:
                raise
    raise Exception("Max retries exceeded")


def describe(e):
    if "Connection reset by peer" in str(e):
        return "reset"
    if e.winerror == 10053:
        return "aborted"
    if errno.errorcode[e.errno] == "EPIPE":
        return "broken pipe"
    return "other"


def legacy_handler(e):
    # Ported from Python 2, where socket.error could be indexed.
    try:
        raise e
    except socket.error as err:
        if err[0] == 104:
            return "reset"
        return "other"
