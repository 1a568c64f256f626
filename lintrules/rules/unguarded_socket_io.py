"""NC101 unguarded-socket-io."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from .._sockets import (
    HEURISTIC_OPTION,
    SOCKET_IO_METHODS,
    STREAM_IO_METHODS,
    SocketInference,
    file_has_heuristic_names,
    file_has_socket_evidence,
    reset_guarded,
)
from ..gate import AstIndex
from ..rule import Fix, Invalid, Rule, RuleContext, Valid


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
    normalized error propagate was a choice.  Handlers for ``socket.timeout``
    / ``TimeoutError``, ``ssl.SSLError``, ``BlockingIOError``,
    ``InterruptedError``, ``BrokenPipeError`` or ``ConnectionAbortedError``
    alone do not catch a reset, whether the call sends or receives: a reset
    is ``ConnectionResetError`` on every platform (a send may also see
    ``EPIPE``, but only a handler that covers ``ConnectionResetError`` covers
    the reset).

    An object is a socket when the file shows it: bound from
    ``socket.socket()``, ``socket.create_connection()``,
    ``socket.create_server()``, ``socket.socketpair()``, ``socket.fromfd()``,
    any ``.wrap_socket()``, ``.accept()`` on a known socket, ``with
    socket.socket() as s``; annotated ``socket.socket`` or ``ssl.SSLSocket``;
    an instance attribute whose every assignment in the class (or its bases
    in the same file) is one of those; the ``self.request`` /
    ``self.connection`` of a ``socketserver`` or ``http.server`` request
    handler (``self.socket`` of a datagram handler or a server).  Names alone
    (``sock``, ``conn``) count only with the ``socket-name-heuristic`` option.

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
    The receiver's type is inferred from this file, not proven: a name
    rebound through a helper function, an attribute set from outside the
    class, or a socket passed in without an annotation is not seen (turn on
    ``socket-name-heuristic`` to trust names).  A handler in a caller is not
    seen either, so library code that lets the error propagate on purpose is
    reported; mark it ``# noqa: NC101`` or decorate it with
    ``@netcompat.normalize()``.  ``asyncio``'s ``loop.sock_recv(sock, n)`` and
    friends are not checked.
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
            "def f(conn):\n    return conn.recv(10)  # error\n",
            None,
            unsafe=True,
            options={HEURISTIC_OPTION: True},
            id="name-heuristic",
        ),
    ]

    def __init__(self, context: RuleContext | None = None) -> None:
        super().__init__(context)
        self._sockets = SocketInference(self, heuristic=bool(self.option(HEURISTIC_OPTION)))

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        calls = index.calls
        socket_io = not calls.isdisjoint(SOCKET_IO_METHODS)
        stream_io = not calls.isdisjoint(STREAM_IO_METHODS) and (
            "makefile" in calls or "rfile" in index.attributes or "wfile" in index.attributes
        )
        if not (socket_io or stream_io):
            return False
        # The gate cannot see rule options: a file whose names read like sockets
        # must reach the rule in case socket-name-heuristic is on.
        return file_has_socket_evidence(index) or file_has_heuristic_names(index)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        receiver = func.value
        if method in SOCKET_IO_METHODS:
            if not self._sockets.is_socket(receiver):
                return
        elif method in STREAM_IO_METHODS:
            if not self._sockets.is_stream(receiver):
                return
        else:
            return
        if reset_guarded(self, node):
            return
        call = f"{self._sockets.describe(receiver)}.{method}"
        self.report(
            node,
            self.MESSAGE.format(call=call, advice=_advice(method, receiver)),
            fix=self._fix(node, method),
        )

    def _fix(self, call: cst.Call, method: str) -> Fix | None:
        """``data = sock.recv(n)`` alone on its line: wrap it in try/except."""
        if method != "recv":
            return None
        assign = self.get_metadata(ParentNodeProvider, call, None)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        target = assign.targets[0].target
        if not isinstance(target, cst.Name):
            return None
        line = self.get_metadata(ParentNodeProvider, assign, None)
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return None
        fallback = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(target.value))], cst.SimpleString('b""'))]
        )
        replacement = cst.Try(
            body=cst.IndentedBlock([line.with_changes(leading_lines=())]),
            handlers=[
                cst.ExceptHandler(
                    body=cst.IndentedBlock([fallback]), type=cst.Name("ConnectionResetError")
                )
            ],
            leading_lines=line.leading_lines,
        )
        return Fix(replacement, "unsafe", self.FIX_TITLE or "", target=line)


def _advice(method: str, receiver: cst.BaseExpression) -> str:
    if method == "recv":
        name = receiver.value if isinstance(receiver, cst.Name) else "sock"
        return (
            f"catch ConnectionResetError (a reset is then end of stream), use "
            f"netcompat.recv({name}, n, reset_as_eof=True), or wrap the exchange in "
            "'with netcompat.normalize():'"
        )
    return (
        "catch ConnectionResetError (or OSError) around it, or wrap the exchange in "
        "'with netcompat.normalize():' and handle netcompat.PeerResetError where it matters"
    )
