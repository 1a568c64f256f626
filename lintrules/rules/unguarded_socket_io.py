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
