"""NC102 sleep-before-close."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Union

import libcst as cst

from .._nodes import ancestors, code_of, qualified_names
from .._sockets import (
    HEURISTIC_OPTION,
    SOCKET_ONLY_METHODS,
    SocketInference,
    file_has_heuristic_receivers,
    file_has_socket_evidence,
)
from ..fixes import module_reference
from ..gate import AstIndex
from ..rule import Fix, ImportSpec, Invalid, Rule, RuleContext, Valid

_SLEEP = frozenset({"time.sleep"})
_CLOSE = frozenset({"close"})
Block = Union[cst.Module, cst.IndentedBlock]
Owner = Union[cst.FunctionDef, cst.Lambda, None]


@dataclass(frozen=True)
class _Pair:
    sleep: cst.Call
    receiver: cst.BaseExpression
    owner: Owner
    #: For the fix: the block and the two statement lines (None when the two
    #: calls share one line, which gets no fix).
    block: Block | None = None
    sleep_line: cst.SimpleStatementLine | None = None
    close_line: cst.SimpleStatementLine | None = None


class SleepBeforeClose(Rule):
    """``time.sleep()`` right before closing a socket: a timing hack that hides a reset.

    ## What it does
    Finds ``time.sleep(...)`` immediately followed, in the same block, by
    ``X.close()`` where ``X`` is a socket (the same inference as NC101), or is
    used like one in the same function (``sendall``, ``recv_into``,
    ``recvfrom``, ``sendto``, ``sendfile``, ``makefile`` or ``getpeername``
    is called on it; ``send`` and ``recv`` alone are not enough, since
    multiprocessing connections, websockets and ZeroMQ sockets have them).

    ## Why is this bad?
    Closing a TCP socket while bytes it never read sit in its receive buffer
    (the rest of a request, a pipelined request, an upload that was refused)
    makes the kernel send an RST instead of a FIN, and the peer gets
    "connection reset by peer", often before it has read the response that
    was just sent.  A short sleep only makes that less likely on a fast
    machine with a fast peer; it does not read the pending input, and it
    stalls the thread on every connection.  Posts that blame the GIL for the
    reset and recommend the sleep describe this bug.

    ## Example
    ```python
    client_socket.sendall(response)
    time.sleep(0.01)
    client_socket.close()
    ```

    ## Use instead
    ```python
    client_socket.sendall(response)
    netcompat.graceful_close(client_socket)
    ```
    ``graceful_close`` shuts the sending side down (the peer gets a FIN after
    all of the response), reads and discards what the peer still sends until
    it closes, a timeout or a byte cap, then closes; it never raises for a
    peer that is already gone.

    ## Fix safety
    Unsafe: it replaces the sleep and the close with
    ``netcompat.graceful_close(X)`` (adding ``import netcompat``), which waits
    for the peer (up to its timeout) instead of a fixed delay, and drops the
    sleep line and the comments above it, which usually explain the hack.
    No fix when the two calls share a line, or when a local name shadows
    ``netcompat``.

    ## Known problems
    The receiver's type is inferred, not proven (see NC101).  A sleep that
    does something else (rate limiting a loop that happens to close a socket
    next) is reported too.
    """

    CODE = "NC102"
    NAME = "sleep-before-close"
    MESSAGE = (
        "time.sleep() before {receiver}.close() does not stop a reset: closing a socket "
        "with unread input sends an RST whatever the delay; use "
        "netcompat.graceful_close({receiver}) (shutdown, drain, close)"
    )
    FIX_TITLE = "Replace the sleep and close with netcompat.graceful_close()"
    FIX_SAFETY = "unsafe"
    REQUIRES_TEXT = ("sleep",)
    OPTIONS = {HEURISTIC_OPTION: False}

    VALID = [
        Valid(
            "import time, socket\nsock = socket.create_connection(('h', 1))\n"
            "sock.sendall(b'x')\nsock.close()\n",
            id="no-sleep",
        ),
        Valid(
            "import time\nfrom multiprocessing import Pipe\nparent, child = Pipe()\n"
            "parent.send('bye')\ntime.sleep(0.1)\nparent.close()\n",
            id="multiprocessing-pipe",
        ),
        Valid(
            "import time, zmq\nctx = zmq.Context()\nsocket = ctx.socket(zmq.REQ)\n"
            "socket.send(b'x')\ntime.sleep(1)\nsocket.close()\n",
            id="zeromq",
        ),
        Valid(
            "import time, socket\nsock = socket.socket()\ntime.sleep(1)\nlog('closing')\n"
            "sock.close()\n",
            id="not-adjacent",
        ),
        Valid(
            "import time\ndef f(f_out):\n    f_out.write(b'x')\n    time.sleep(1)\n    f_out.close()\n",
            id="file-not-socket",
        ),
        Valid(
            "import asyncio\nasync def f(writer):\n    writer.write(b'x')\n"
            "    await asyncio.sleep(0.1)\n    writer.close()\n",
            id="asyncio-sleep",
        ),
        Valid(
            "import time, socket\ndef f(client):\n    client.sendall(b'x')\n\n"
            "def g(client):\n    time.sleep(1)\n    client.close()\n",
            id="socket-use-in-another-function",
        ),
        Valid(
            "def sleep(n):\n    pass\nimport socket\nsock = socket.socket()\nsleep(1)\nsock.close()\n",
            id="local-sleep",
        ),
    ]
    INVALID = [
        Invalid(
            "import time\nimport socket\n\n"
            "def handle_request(client_socket):\n"
            '    response = b"HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n"\n'
            "    client_socket.sendall(response)\n"
            "    # Add a small delay to avoid GIL-related races\n"
            "    time.sleep(0.01)  # error\n"
            "    client_socket.close()  # Ideally should send FIN\n",
            "import time\nimport socket\nimport netcompat\n\n"
            "def handle_request(client_socket):\n"
            '    response = b"HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n"\n'
            "    client_socket.sendall(response)\n"
            "    netcompat.graceful_close(client_socket)  # Ideally should send FIN\n",
            unsafe=True,
            message="netcompat.graceful_close(client_socket)",
            id="seed-handle-request",
        ),
        Invalid(
            "import time, socket\nsock = socket.create_connection(('h', 1))\n"
            "time.sleep(0.5)  # error\nsock.close()\n",
            None,
            id="no-safe-fix",
        ),
        Invalid(
            "from time import sleep\nimport socket\nimport netcompat\n"
            "class Server:\n    def __init__(self):\n        self.sock = socket.socket()\n"
            "    def stop(self):\n        sleep(1)  # error\n        self.sock.close()\n",
            "from time import sleep\nimport socket\nimport netcompat\n"
            "class Server:\n    def __init__(self):\n        self.sock = socket.socket()\n"
            "    def stop(self):\n        netcompat.graceful_close(self.sock)\n",
            unsafe=True,
            id="from-import-attribute",
        ),
        Invalid(
            "import time\nimport netcompat\nimport socket\n\n"
            "def finish(sock: socket.socket):\n    sock.sendall(b'bye')\n\n"
            "    # give the client time to read\n    time.sleep(1)  # error\n\n"
            "    # and close\n    sock.close()\n",
            "import time\nimport netcompat\nimport socket\n\n"
            "def finish(sock: socket.socket):\n    sock.sendall(b'bye')\n\n"
            "    # and close\n    netcompat.graceful_close(sock)\n",
            unsafe=True,
            id="comments-and-blank-lines",
        ),
        Invalid(
            "import time as t, socket\nconn = socket.socket()\n"
            "t.sleep(0.1); conn.close()  # error\n",
            None,
            unsafe=True,
            id="same-line-no-fix",
        ),
        Invalid(
            "import time, socket\ndef f(netcompat: int, sock: socket.socket):\n"
            "    time.sleep(netcompat)  # error\n    sock.close()\n",
            None,
            unsafe=True,
            id="shadowed-netcompat-no-fix",
        ),
    ]

    def __init__(self, context: RuleContext | None = None) -> None:
        super().__init__(context)
        self._sockets = SocketInference(self, heuristic=bool(self.option(HEURISTIC_OPTION)))
        self._pairs: list[_Pair] = []
        #: (owner, receiver source) for every call of a socket-only method.
        self._socket_uses: set[tuple[int, str]] = set()

    @classmethod
    def text_gate(cls, text: str) -> bool:
        # ``sleep`` and, a little further, ``.close()``.
        return cls.needles_in(text) and _SLEEP_THEN_CLOSE.search(text) is not None

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        calls = index.calls
        if "sleep" not in calls or "close" not in calls:
            return False
        if "time" not in index.imported_names and "sleep" not in index.imported_names:
            return False
        return (
            not calls.isdisjoint(SOCKET_ONLY_METHODS)
            or file_has_socket_evidence(index)
            or file_has_heuristic_receivers(index, _CLOSE)
        ) and (index.tree is None or _has_sleep_then_close(index.tree))

    # -- collection -----------------------------------------------------------
    def _owner(self, node: cst.CSTNode) -> Owner:
        for parent in ancestors(self, node):
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                return parent
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in SOCKET_ONLY_METHODS:
            self._socket_uses.add((id(self._owner(node)), code_of(func.value)))

    def visit_Module(self, node: cst.Module) -> None:
        self._collect_lines(node, node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._collect_lines(node, node.body)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._collect_small(node.body)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._collect_small(node.body)

    def _collect_lines(self, block: Block, body: Sequence[cst.BaseStatement]) -> None:
        for first, second in zip(body, body[1:]):
            if not (
                isinstance(first, cst.SimpleStatementLine)
                and isinstance(second, cst.SimpleStatementLine)
                and len(first.body) == 1
                and len(second.body) == 1
            ):
                continue
            sleep = self._sleep_call(first.body[0])
            receiver = _close_receiver(second.body[0])
            if sleep is not None and receiver is not None:
                self._pairs.append(_Pair(sleep, receiver, self._owner(sleep), block, first, second))

    def _collect_small(self, body: Sequence[cst.BaseSmallStatement]) -> None:
        for first, second in zip(body, body[1:]):
            sleep = self._sleep_call(first)
            receiver = _close_receiver(second)
            if sleep is not None and receiver is not None:
                self._pairs.append(_Pair(sleep, receiver, self._owner(sleep)))

    def _sleep_call(self, statement: cst.BaseSmallStatement) -> cst.Call | None:
        if not isinstance(statement, cst.Expr) or not isinstance(statement.value, cst.Call):
            return None
        call = statement.value
        return call if qualified_names(self, call.func) & _SLEEP else None

    # -- decision -------------------------------------------------------------
    def leave_Module(self, original_node: cst.Module) -> None:
        for pair in self._pairs:
            receiver = pair.receiver
            used = (id(pair.owner), code_of(receiver)) in self._socket_uses
            if not (used or self._sockets.is_socket(receiver)):
                continue
            text = self._sockets.describe(receiver)
            self.report(pair.sleep, self.MESSAGE.format(receiver=text), fix=self._fix(pair))

    def _fix(self, pair: _Pair) -> Fix | None:
        block, sleep_line, close_line = pair.block, pair.sleep_line, pair.close_line
        if block is None or sleep_line is None or close_line is None:
            return None
        reference = module_reference(self, pair.receiver, "netcompat")
        if reference is None:
            return None
        name, needs_import = reference
        call = cst.Call(
            func=cst.Attribute(cst.Name(name), cst.Name("graceful_close")),
            args=[cst.Arg(pair.receiver)],
        )
        # Blank lines before the sleep stay; its comments (which explain the
        # hack) go, and so do blank lines that only separated it from the close.
        leading = [
            *(line for line in sleep_line.leading_lines if line.comment is None),
            *(line for line in close_line.leading_lines if line.comment is not None),
        ]
        new_line = close_line.with_changes(body=[cst.Expr(call)], leading_lines=leading)
        body: list[cst.BaseStatement] = []
        for statement in block.body:
            if statement is sleep_line:
                continue
            body.append(new_line if statement is close_line else statement)
        replacement = block.with_changes(body=body)
        imports = (ImportSpec("netcompat"),) if needs_import else ()
        return Fix(replacement, "unsafe", self.FIX_TITLE or "", target=block, imports=imports)


_SLEEP_THEN_CLOSE = re.compile(r"sleep\b[\s\S]{0,400}?\.\s*close\s*\(\s*\)")


def _has_sleep_then_close(tree: ast.AST) -> bool:
    """Whether some statement calling ``sleep`` is followed by an ``X.close()`` one."""
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            body = getattr(node, name, None)
            if not isinstance(body, list):
                continue
            for first, second in zip(body, body[1:]):
                if (
                    isinstance(first, ast.Expr)
                    and isinstance(first.value, ast.Call)
                    and _last_name(first.value.func) == "sleep"
                    and isinstance(second, ast.Expr)
                    and isinstance(second.value, ast.Call)
                    and isinstance(second.value.func, ast.Attribute)
                    and second.value.func.attr == "close"
                ):
                    return True
    return False


def _last_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _close_receiver(statement: cst.BaseSmallStatement) -> cst.BaseExpression | None:
    """``X`` when ``statement`` is ``X.close()``."""
    if not isinstance(statement, cst.Expr) or not isinstance(statement.value, cst.Call):
        return None
    call = statement.value
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == "close" and not call.args:
        return func.value
    return None
