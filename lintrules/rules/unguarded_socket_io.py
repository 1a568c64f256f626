"""NC101 unguarded-socket-io."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..analysis.sockets import (
    HEURISTIC_OPTION,
    SOCKET_IO_METHODS,
    STREAM_IO_METHODS,
    ResetGuards,
    SocketInference,
    on_own_line,
)
from ..fixing.sockets import reset_as_end_of_stream
from ..rule import Fix, Invalid, Rule, RuleContext, Valid

if TYPE_CHECKING:
    from ..analysis.model import Model


class UnguardedSocketIo(Rule):
    """A socket send or receive that nothing in its function protects from a peer reset.

    ## What it does
    Finds calls of ``recv``, ``recv_into``, ``recvfrom``, ``recvfrom_into``,
    ``recvmsg``, ``send``, ``sendall``, ``sendto`` and ``sendfile`` on an
    object the rule can tell is a socket, and ``read``/``readline``/``write``
    (and friends) on its ``makefile()`` stream or on a stream request
    handler's ``self.rfile`` / ``self.wfile``, when no enclosing handler in
    the same function catches a reset.

    A reset is caught by a handler for ``ConnectionResetError``,
    ``ConnectionError``, ``OSError`` (or its aliases ``socket.error``,
    ``IOError``, ``EnvironmentError``, ``select.error``), ``Exception``,
    ``BaseException`` or a bare ``except``; by ``with
    contextlib.suppress(OSError):``; and by ``netcompat.normalize()`` (as a
    ``with`` block or a decorator) or ``@netcompat.retry``, where letting the
    normalized error propagate was a choice.  An exception name the rule
    cannot resolve (``except self.errors:``, a class imported from a
    third-party module) counts as a guard.  Handlers for ``socket.timeout``
    / ``TimeoutError``, ``ssl.SSLError``, ``BlockingIOError``,
    ``InterruptedError``, ``BrokenPipeError``, ``ConnectionAbortedError`` or
    ``netcompat.PeerResetError`` alone do not catch a reset, whether the call
    sends or receives: a reset is ``ConnectionResetError`` on every platform
    (a send may also see ``EPIPE``, but only a handler that covers
    ``ConnectionResetError`` covers the reset).

    "Enclosing" means in the same function.  A handler around a nested
    ``def`` or a ``lambda`` does not guard its body, which runs later (a
    thread target, a callback); but a nested function, a private method
    (``self._send_packed()``) or a private module-level function whose every
    use in the file is a direct call at a guarded place is guarded by those
    calls.

    An object is a socket when the file shows it: bound from
    ``socket.socket()``, ``socket.create_connection()``,
    ``socket.create_server()``, ``socket.socketpair()``, ``socket.fromfd()``
    (also through ``from socket import *``), any ``.wrap_socket()``,
    ``.accept()`` on a known socket, ``with socket.socket() as s``, or a
    function or method of the same file whose every ``return`` gives one;
    annotated ``socket.socket`` or ``ssl.SSLSocket`` (``Optional`` and ``|
    None`` too); an instance attribute whose every assignment in the class
    (or its bases in the same file) is one of those (``None`` aside); the
    ``self.request`` / ``self.connection`` of a ``socketserver`` or
    ``http.server`` request handler (``self.socket`` of a datagram handler
    or a server).  A name with another kind of binding (a parameter without
    annotation, a loop variable, a call of something unknown) is not a
    socket.  Names alone (``sock``, ``conn``) count only with the
    ``socket-name-heuristic`` option.

    ## Why is this bad?
    A peer that crashes, times out, or closes with unread data makes the next
    send or receive raise ``ConnectionResetError`` (errno 104 on Linux, 54 on
    macOS, WSAECONNRESET 10054 on Windows, where even a UDP ``recvfrom``
    raises it after an ICMP "port unreachable").  Uncaught, it kills the
    thread or the server loop, and how often it happens depends on the
    platform's TCP stack, so code that never saw it on one OS crashes on
    another.

    ## Example
    ```python
    data = sock.recv(4096)
    if not data:
        break
    ```

    ## Use instead
    ```python
    try:
        data = sock.recv(4096)
    except ConnectionResetError:
        data = b""
    if not data:
        break
    ```
    or ``data = netcompat.recv(sock, 4096, reset_as_eof=True)``, or wrap the
    exchange in ``with netcompat.normalize():`` and handle
    ``netcompat.PeerResetError`` where it makes sense.

    ## Fix safety
    Unsafe, and only for the plain statement ``data = sock.recv(n)``: it
    wraps it in a ``try`` that turns a reset into end of stream (``b""``),
    which the usual ``if not data: break`` loop already handles.  Code that
    told a reset from a clean close by the exception now sees a clean close.
    Other shapes get no fix: the message says what to do.

    ## Known problems
    The receiver's type is inferred from this file, not proven: a socket
    passed in without an annotation, made by a function of another module,
    or stored on an attribute from outside the class is not seen (turn on
    ``socket-name-heuristic`` to trust names like ``sock`` and ``conn``, at
    the price of multiprocessing connections and websockets).  A handler in
    a caller is seen only for nested functions and private functions and
    methods, so a
    public method of a library that lets the error reach its caller on
    purpose, or a request handler that relies on ``socketserver`` printing
    the traceback, is reported: mark it ``# noqa: NC101`` or decorate it
    with ``@netcompat.normalize()``.  ``asyncio``'s ``loop.sock_recv(sock,
    n)`` and friends are not checked.
    """

    CODE = "NC101"
    NAME = "unguarded-socket-io"
    MESSAGE = (
        "{call}() raises ConnectionResetError when the peer resets the connection, "
        "and no handler around it catches that; {advice}"
    )
    FIX_TITLE = "Treat a reset as end of stream: wrap in try/except ConnectionResetError"
    FIX_SAFETY = "unsafe"
    REQUIRES_TEXT = ("recv", "send", "makefile", "rfile", "wfile")
    OPTIONS = {HEURISTIC_OPTION: False}

    VALID = [
        Valid(
            "import socket\nsock = socket.create_connection(('h', 1))\ntry:\n"
            "    data = sock.recv(1024)\nexcept ConnectionResetError:\n    data = b''\n",
            id="caught",
        ),
        Valid(
            "import socket\ndef f(sock: socket.socket):\n    try:\n        sock.sendall(b'x')\n"
            "    except socket.error:\n        pass\n",
            id="socket-error-alias",
        ),
        Valid(
            "import socket\nsock = socket.socket()\ntry:\n    sock.sendall(b'x')\n"
            "except (socket.timeout, OSError):\n    pass\n",
            id="tuple-with-oserror",
        ),
        Valid(
            "import contextlib, socket\nsock = socket.socket()\nwith contextlib.suppress(OSError):\n"
            "    sock.sendall(b'bye')\n",
            id="suppress",
        ),
        Valid(
            "import netcompat, socket\n@netcompat.retry()\ndef fetch(addr):\n"
            "    with socket.create_connection(addr) as s:\n        return s.recv(10)\n",
            id="retry-decorator",
        ),
        Valid(
            "import netcompat, socket\ndef fetch(addr):\n"
            "    with socket.create_connection(addr) as s, netcompat.normalize():\n"
            "        return s.recv(10)\n",
            id="normalize-block",
        ),
        Valid(
            "from multiprocessing import Pipe\nparent, child = Pipe()\nmsg = parent.recv()\n",
            id="multiprocessing-pipe",
        ),
        Valid(
            "import socket\nfrom multiprocessing.connection import Listener\n"
            "with Listener(('localhost', 6000)) as listener:\n"
            "    conn, addr = listener.accept()\n    msg = conn.recv()\n",
            id="multiprocessing-listener-accept",
        ),
        Valid(
            "import socket\nasync def handler(ws):\n    msg = await ws.recv()\n    await ws.send(msg)\n",
            id="websocket",
        ),
        Valid("import socket\ndef f(sock):\n    return sock.recv(10)\n", id="unknown-parameter"),
        Valid(
            "import socket\ndef f():\n    sock = socket.create_connection(('h', 1))\n"
            "    sock = make_wrapper(sock)\n    return sock.recv(10)\n",
            id="rebound-to-unknown",
        ),
        Valid(
            "import socket\nimport zmq\ncontext = zmq.Context()\nsocket = context.socket(zmq.REQ)\n"
            "socket.send(b'hi')\n",
            id="zeromq-socket",
        ),
        Valid(
            "import socket\nimport queue\nq = queue.Queue()\nq.send(1)\n", id="not-a-socket-queue"
        ),
        Valid(
            "import socket\nclass H:\n    def __init__(self):\n        self.sock = socket.socket()\n"
            "    def run(self):\n        try:\n            self.sock.sendall(b'x')\n"
            "        except ConnectionError:\n            self.sock.close()\n",
            id="attribute-caught",
        ),
        Valid(
            "import socket\nsock = socket.socket()\ntry:\n    sock.recv(10)\n"
            "except self.retryable_errors:\n    pass\n",
            id="unknown-handler-counts-as-guard",
        ),
        Valid(
            "import socket\nimport requests\nsock = socket.socket()\ntry:\n    sock.recv(10)\n"
            "except requests.exceptions.ConnectionError:\n    pass\n",
            id="third-party-handler-counts-as-guard",
        ),
        Valid(
            "import asyncio, socket\nasync def f(loop, sock: socket.socket):\n"
            "    return await loop.sock_recv(sock, 10)\n",
            id="asyncio-loop-sock-recv-not-checked",
        ),
        Valid(
            "import socket\ndef f(conn):\n    return conn.recv(10)\n",
            id="name-heuristic-off-by-default",
        ),
        Valid(
            "import socket\nRESETS = (ConnectionResetError, BrokenPipeError)\n"
            "def f(sock: socket.socket):\n    try:\n        return sock.recv(10)\n"
            "    except RESETS:\n        return b''\n",
            id="module-level-error-tuple",
        ),
        Valid(
            "import socket\ndef f(sock: socket.socket):\n    try:\n        sock.sendall(b'x')\n"
            "    except:\n        pass\n",
            id="bare-except",
        ),
        Valid(
            "import socket\ndef serve(sock: socket.socket):\n    def execute():\n"
            "        return sock.recv(10)\n    try:\n        return execute()\n"
            "    except ConnectionError:\n        return b''\n",
            id="nested-helper-called-in-try",
        ),
        Valid(
            "import socket\nclass Conn:\n    def __init__(self, addr):\n"
            "        self._sock = socket.create_connection(addr)\n"
            "    def _send_packed(self, data):\n        self._sock.sendall(data)\n"
            "    def execute(self, data):\n        try:\n            self._send_packed(data)\n"
            "        except OSError:\n            self._sock.close()\n",
            id="private-helper-guarded-by-its-callers",
        ),
    ]
    INVALID = [
        Invalid(
            "import socket\nsock = socket.create_connection(('h', 1))\n"
            "while True:\n    data = sock.recv(1024)  # error\n    if not data:\n        break\n",
            "import socket\nsock = socket.create_connection(('h', 1))\n"
            "while True:\n    try:\n        data = sock.recv(1024)  # error\n"
            '    except ConnectionResetError:\n        data = b""\n    if not data:\n        break\n',
            unsafe=True,
            message="sock.recv() raises ConnectionResetError",
            id="recv-loop",
        ),
        Invalid(
            "import socket\nsock = socket.create_connection(('h', 1))\ndata = sock.recv(10)\n",
            None,
            id="no-safe-fix",
        ),
        Invalid(
            "import socket\nsock = socket.socket()\ntry:\n    sock.sendall(b'x')  # error\n"
            "except socket.timeout:\n    pass\n",
            None,
            unsafe=True,
            message="sendall",
            id="timeout-only",
        ),
        Invalid(
            "import socket, ssl\ndef f(ctx: ssl.SSLContext, raw: socket.socket):\n"
            "    tls = ctx.wrap_socket(raw, server_hostname='h')\n    try:\n"
            "        tls.sendall(b'x')  # error\n    except ssl.SSLError:\n        pass\n",
            None,
            unsafe=True,
            id="ssl-error-only",
        ),
        Invalid(
            "import socket\ndef f(sock: socket.socket):\n    try:\n        sock.sendall(b'x')  # error\n"
            "    except BrokenPipeError:\n        pass\n",
            None,
            unsafe=True,
            id="broken-pipe-only",
        ),
        Invalid(
            "import socket\nsrv = socket.create_server(('', 0))\nconn, addr = srv.accept()\n"
            "conn.sendall(b'hello')  # error\n",
            None,
            unsafe=True,
            id="accepted",
        ),
        Invalid(
            "import socket\nsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "data, addr = sock.recvfrom(1500)  # error\n",
            None,
            unsafe=True,
            id="udp-recvfrom",
        ),
        Invalid(
            "import socket\ndef serve(sock: socket.socket):\n    try:\n        def pump():\n"
            "            return sock.recv(10)  # error\n        return pump\n"
            "    except OSError:\n        pass\n",
            None,
            unsafe=True,
            id="nested-def-not-guarded-by-outer-try",
        ),
        Invalid(
            "import socket, threading\nclass Conn:\n    def __init__(self, addr):\n"
            "        self._sock = socket.create_connection(addr)\n"
            "    def _beat(self):\n        self._sock.sendall(b'.')  # error\n"
            "    def start(self):\n        try:\n            threading.Timer(5, self._beat).start()\n"
            "        except OSError:\n            pass\n",
            None,
            unsafe=True,
            id="private-helper-used-as-callback",
        ),
        Invalid(
            "import socket\nclass Client:\n    def __init__(self, addr):\n"
            "        self.sock = socket.create_connection(addr)\n    def ping(self):\n"
            "        self.sock.sendall(b'ping')  # error\n",
            None,
            unsafe=True,
            id="attribute",
        ),
        Invalid(
            "import socketserver\nclass Echo(socketserver.BaseRequestHandler):\n"
            "    def handle(self):\n        data = self.request.recv(1024)  # error\n"
            "        self.request.sendall(data)  # error\n",
            "import socketserver\nclass Echo(socketserver.BaseRequestHandler):\n"
            "    def handle(self):\n        try:\n            data = self.request.recv(1024)  # error\n"
            '        except ConnectionResetError:\n            data = b""\n'
            "        self.request.sendall(data)  # error\n",
            count=2,
            unsafe=True,
            id="socketserver-handler",
        ),
        Invalid(
            "from http.server import BaseHTTPRequestHandler\n"
            "class Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n"
            "        self.send_response(200)\n        self.end_headers()\n"
            "        self.wfile.write(b'hello')  # error\n",
            None,
            unsafe=True,
            message="self.wfile.write()",
            id="http-handler-wfile",
        ),
        Invalid(
            "import socket\nsock = socket.create_connection(('h', 1))\nf = sock.makefile('rb')\n"
            "line = f.readline()  # error\n",
            None,
            unsafe=True,
            id="makefile-stream",
        ),
        Invalid(
            "import socket\nsock = socket.socket()\ntry:\n    sock.send(b'x')  # error\nfinally:\n"
            "    sock.close()\n",
            None,
            unsafe=True,
            id="finally-only",
        ),
        Invalid(
            "import socket\nTIMEOUTS = (socket.timeout, TimeoutError)\n"
            "def f(sock: socket.socket):\n    try:\n        return sock.recv(10)  # error\n"
            "    except TIMEOUTS:\n        return None\n",
            None,
            unsafe=True,
            id="module-level-timeout-tuple",
        ),
        Invalid(
            "import socket\nimport netcompat\ndef f(sock: socket.socket):\n    try:\n"
            "        sock.sendall(b'x')  # error\n    except netcompat.PeerResetError:\n"
            "        pass\n",
            None,
            unsafe=True,
            id="peer-reset-error-needs-normalize",
        ),
        Invalid(
            "import socket\nclass Pop:\n    def __init__(self, host):\n"
            "        self.sock = self._create_socket(host)\n"
            "    def _create_socket(self, host):\n"
            "        return socket.create_connection((host, 110))\n"
            "    def putline(self, line):\n        self.sock.sendall(line)  # error\n",
            None,
            unsafe=True,
            id="socket-from-helper-method",
        ),
        Invalid(
            "def f(conn):\n    return conn.recv(10)  # error\n",
            None,
            unsafe=True,
            options={HEURISTIC_OPTION: True},
            id="name-heuristic",
        ),
    ]

    def __init__(self, model: Model, context: RuleContext | None = None) -> None:
        super().__init__(model, context)
        self._sockets = SocketInference(model, heuristic=bool(self.option(HEURISTIC_OPTION)))
        self._guards = ResetGuards(model)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        method = func.attr
        receiver = func.value
        if method in SOCKET_IO_METHODS:
            if not self._sockets.is_socket(receiver):
                return
        elif method not in STREAM_IO_METHODS or not self._sockets.is_stream(receiver):
            return
        if self._guards.guarded(node):
            return
        call = f"{self._sockets.describe(receiver)}.{method}"
        self.report(
            node,
            self.MESSAGE.format(call=call, advice=_advice(method, receiver)),
            fix=self._fix(node, method),
        )

    def _fix(self, call: ast.Call, method: str) -> Fix | None:
        """``data = sock.recv(n)`` alone on its line: wrap it in try/except."""
        if method != "recv":
            return None
        assign = self.model.parent(call)
        if not isinstance(assign, ast.Assign) or len(assign.targets) != 1:
            return None
        target = assign.targets[0]
        if not isinstance(target, ast.Name) or not on_own_line(self.model, assign):
            return None
        return Fix(reset_as_end_of_stream(target.id), "unsafe", self.FIX_TITLE or "", target=assign)


def _advice(method: str, receiver: ast.expr) -> str:
    if method == "recv":
        name = receiver.id if isinstance(receiver, ast.Name) else "sock"
        return (
            f"catch ConnectionResetError (a reset is then end of stream), use "
            f"netcompat.recv({name}, n, reset_as_eof=True), or wrap the exchange in "
            "'with netcompat.normalize():'"
        )
    return (
        "catch ConnectionResetError (or OSError) around it, or wrap the exchange in "
        "'with netcompat.normalize():' and handle netcompat.PeerResetError where it matters"
    )
