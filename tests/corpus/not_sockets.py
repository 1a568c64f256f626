"""Things with send/recv/read/write/close that are not sockets: no findings here."""

import asyncio
import io
import multiprocessing
import queue
import socket
import subprocess
import time
from multiprocessing import Pipe
from multiprocessing.connection import Client, Listener


def worker(conn):
    while True:
        job = conn.recv()
        if job is None:
            break
        conn.send(job * 2)
    time.sleep(0.1)
    conn.close()


def run_pool():
    parent, child = Pipe()
    proc = multiprocessing.Process(target=worker, args=(child,))
    proc.start()
    parent.send(21)
    answer = parent.recv()
    parent.send(None)
    time.sleep(0.1)
    parent.close()
    return answer


def rpc_server(address, authkey):
    with Listener(address, authkey=authkey) as listener:
        conn, addr = listener.accept()
        with conn:
            message = conn.recv()
            conn.send(("echo", message))


def rpc_client(address, authkey):
    conn = Client(address, authkey=authkey)
    conn.send("hello")
    reply = conn.recv()
    conn.close()
    return reply


async def websocket_echo(ws):
    async for message in ws:
        await ws.send(message)
    reply = await ws.recv()
    return reply


class Mailbox:
    def __init__(self):
        self.q = queue.Queue()

    def send(self, item):
        self.q.put(item)

    def recv(self):
        return self.q.get()


def post(mailbox: Mailbox):
    mailbox.send("x")
    return mailbox.recv()


def drive(generator):
    frame = generator()
    value = next(frame)
    while True:
        try:
            value = frame.send(value)
        except StopIteration:
            return value


def zmq_request(zmq):
    context = zmq.Context()
    socket = context.socket(zmq.REQ)
    socket.connect("tcp://localhost:5555")
    socket.send(b"Hello")
    message = socket.recv()
    time.sleep(1)
    socket.close()
    return message


async def loop_sock_io(loop, sock: socket.socket):
    # asyncio's loop.sock_* methods are not checked (documented).
    data = await loop.sock_recv(sock, 1024)
    await loop.sock_sendall(sock, data)


async def stream_io(host, port):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(b"hello")
    await writer.drain()
    data = await reader.read(100)
    await asyncio.sleep(0.1)
    writer.close()
    return data


def files(path):
    with open(path, "rb") as f:
        head = f.read(10)
    out = io.BytesIO()
    out.write(head)
    proc = subprocess.Popen(["cat"], stdin=subprocess.PIPE)
    proc.stdin.write(head)
    time.sleep(0.1)
    proc.stdin.close()
    return out


def makefile_of_unknown(channel):
    f = channel.makefile("rb")
    return f.read()


def socket_module_functions():
    name = socket.gethostname()
    return socket.gethostbyname(name)


class Sender:
    def __init__(self, transport):
        self.sock = transport

    def send(self, data):
        self.sock.send(data)
        time.sleep(0.1)
        self.sock.close()


def typed_not_socket(sock: "Mailbox"):
    sock.send(1)
    return sock.recv()


def listed(socks: "list[socket.socket]"):
    for s in socks:
        s.sendall(b"x")
