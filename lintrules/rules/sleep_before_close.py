"""NC102 sleep-before-close."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..analysis.errno_reads import module_reference
from ..analysis.sockets import (
    HEURISTIC_OPTION,
    SOCKET_ONLY_METHODS,
    SocketInference,
    on_own_line,
    source_of,
)
from ..fixing.sockets import BlockPath, graceful_close
from ..rule import Fix, ImportSpec, Invalid, Rule, RuleContext, Valid

if TYPE_CHECKING:
    from ..analysis.model import Model

_SLEEP = frozenset({"time.sleep"})
#: Calls that send: the hack sleeps so that what was just sent gets through.
_SENDS = frozenset(
    {"send", "sendall", "sendto", "sendfile", "sendmsg", "write", "writelines", "flush"}
)
_OWNERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class SleepBeforeClose(Rule):
    """``time.sleep()`` right before closing a socket: a timing hack that hides a reset.

    ## What it does
    Finds ``time.sleep(...)`` immediately followed, in the same block, by
    ``X.close()`` (alone, or as the whole body of a ``try``) where ``X`` is a socket (the same inference as NC101: what
    made it, its annotation, what the callers pass, how it is used), or is
    used like one in the same function (``sendall``, ``recv_into``,
    ``recvfrom``, ``sendto``, ``sendfile``, ``makefile`` or ``getpeername``
    is called on it; ``send`` and ``recv`` alone are not enough, since
    multiprocessing connections, websockets and ZeroMQ sockets have them).
    A datagram socket, or an end of ``socket.socketpair()`` that stays in
    the program, is left alone: closing it sends no RST to a peer.

    Test files are checked like any other.  Unlike an unguarded receive
    (NC101, which a test should leave uncaught so that a reset fails it), a
    sleep before a close is what makes a test flaky: whether the peer reads
    the response or gets a reset depends on how fast the machine and its
    TCP stack are, so the test passes or fails by timing.

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
    No fix when the two calls share a line, when the close stands in a
    ``try``, or when a local name shadows ``netcompat``.

    Only a sleep that comes after a send or a write in the same function
    (or, for a socket the function is given, in its callers; for
    ``self.sock``, a send on it in any method of the file) is the hack ("give the data time to get out"): a sleep after a connect or a
    receive alone waits for something else (a test outlasting the server's
    timeout) and is left alone.

    ## Known problems
    The receiver's type is inferred, not proven (see NC101).  A sleep that
    does something else after a send (rate limiting a loop that happens to
    close a socket next) is reported too.  A datagram socket whose type the file does not
    show (a parameter used with ``sendto``) is reported like a stream
    socket.
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
            "import time\nimport socket\n\nimport netcompat\n\n\n"
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
            "sock.sendall(b'bye')\ntime.sleep(0.5)  # error\nsock.close()\n",
            None,
            id="no-safe-fix",
        ),
        Invalid(
            "from time import sleep\nimport socket\nimport netcompat\n"
            "class Server:\n    def __init__(self):\n        self.sock = socket.socket()\n"
            "    def send(self, data):\n        self.sock.sendall(data)\n"
            "    def stop(self):\n        sleep(1)  # error\n        self.sock.close()\n",
            "from time import sleep\nimport socket\nimport netcompat\n"
            "class Server:\n    def __init__(self):\n        self.sock = socket.socket()\n"
            "    def send(self, data):\n        self.sock.sendall(data)\n"
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
            "import time as t, socket\nconn = socket.socket()\nconn.send(b'x')\n"
            "t.sleep(0.1); conn.close()  # error\n",
            None,
            unsafe=True,
            id="same-line-no-fix",
        ),
        Invalid(
            "import time, socket\ndef f(netcompat: int, sock: socket.socket):\n"
            "    sock.sendall(b'x')\n    time.sleep(netcompat)  # error\n    sock.close()\n",
            None,
            unsafe=True,
            id="shadowed-netcompat-no-fix",
        ),
    ]

    def __init__(self, model: Model, context: RuleContext | None = None) -> None:
        super().__init__(model, context)
        self._sockets = SocketInference.of(model, heuristic=bool(self.option(HEURISTIC_OPTION)))
        #: (owner, receiver source) for every call of a socket-only method.
        self._socket_uses: set[tuple[int, str]] | None = None
        self._send_lines: tuple[dict[int, list[int]], set[str]] | None = None

    def visit_Expr(self, node: ast.Expr) -> None:
        sleep = node.value
        if not (isinstance(sleep, ast.Call) and self.model.imported_names(sleep.func) & _SLEEP):
            return
        block, owner, path = self._block_of(node)
        position = next(index for index, statement in enumerate(block) if statement is node)
        if position + 1 == len(block):
            return
        closing = block[position + 1]
        receiver = _close_receiver(closing)
        body: list[ast.stmt] = getattr(closing, "body", [])
        wrapped = receiver is None and isinstance(closing, _TRY) and len(body) == 1
        if wrapped:  # ``try: s.close()`` / ``except OSError: pass``: the same close
            receiver = _close_receiver(body[0])
        if receiver is None:
            return
        # The close on the sleep's line (``t.sleep(1); s.close()``) or alone on the next one.
        same_line = block[position + 1].lineno == node.end_lineno
        if not same_line and not (
            on_own_line(self.model, node) and on_own_line(self.model, block[position + 1])
        ):
            return
        kind = self._sockets.kind(receiver)
        if kind in ("datagram", "raw", "pair"):
            return  # no peer to reset
        owner_of_sleep = _owner(self.model, sleep)
        used = (id(owner_of_sleep), source_of(self.model, receiver)) in self._uses()
        if not (used or kind is not None):
            return
        if not self._sent_before(sleep, owner_of_sleep, receiver):
            return  # nothing sent before it: the sleep waits for something else (a timeout)
        fix = (
            None
            if same_line or wrapped
            else self._fix(receiver, owner, path, _line_of(block, position))
        )
        text = self._sockets.describe(receiver)
        self.report(sleep, self.MESSAGE.format(receiver=text), fix=fix)

    def _sent_before(self, sleep: ast.Call, owner: ast.AST | None, receiver: ast.expr) -> bool:
        """Whether something was sent before the sleep: a send or write earlier in
        its function; a socket the function is given (its callers sent); for a
        ``self.sock`` closed in one method, a send on ``self.sock`` in any
        method (``stop()`` closing what ``send()`` wrote to)."""
        lines, receivers = self._sends()
        if any(line < sleep.lineno for line in lines.get(id(owner), ())):
            return True
        if isinstance(receiver, ast.Name) and any(
            binding.kind == "parameter" for binding in self.model.lookup(receiver)
        ):
            return True  # a closing helper given the socket: its callers sent
        return (
            isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "self"
            and source_of(self.model, receiver) in receivers
        )

    def _sends(self) -> tuple[dict[int, list[int]], set[str]]:
        """The lines of the sends and writes of each def or lambda (the module:
        ``id(None)``), and the ``self.X`` receivers of sends anywhere."""
        if self._send_lines is None:
            found: dict[int, list[int]] = {}
            receivers: set[str] = set()
            for call in self.model.nodes(ast.Call):
                func = call.func
                if isinstance(func, ast.Attribute) and func.attr in _SENDS:
                    found.setdefault(id(_owner(self.model, call)), []).append(call.lineno)
                    if isinstance(func.value, ast.Attribute):
                        receivers.add(source_of(self.model, func.value))
            self._send_lines = (found, receivers)
        return self._send_lines

    def _uses(self) -> set[tuple[int, str]]:
        if self._socket_uses is None:
            self._socket_uses = {
                (id(_owner(self.model, call)), source_of(self.model, call.func.value))
                for call in self.model.nodes(ast.Call)
                if isinstance(call.func, ast.Attribute) and call.func.attr in SOCKET_ONLY_METHODS
            }
        return self._socket_uses

    def _block_of(self, statement: ast.stmt) -> tuple[list[ast.stmt], ast.AST, BlockPath]:
        """The statement list holding ``statement``, the node it belongs to and the path to it."""
        parent = self.model.parent(statement)
        assert parent is not None
        if isinstance(parent, ast.Module):
            return parent.body, parent, ()
        holder = self.model.parent(parent)
        if isinstance(parent, ast.ExceptHandler) and holder is not None:
            handlers: list[ast.ExceptHandler] = holder.handlers  # type: ignore[attr-defined]
            index = next(i for i, handler in enumerate(handlers) if handler is parent)
            return parent.body, holder, ("handlers", index, "body")
        if _MATCH_CASE is not None and isinstance(parent, _MATCH_CASE) and holder is not None:
            cases: list[ast.AST] = holder.cases  # type: ignore[attr-defined]
            index = next(i for i, case in enumerate(cases) if case is parent)
            return parent.body, holder, ("cases", index, "body")  # type: ignore[attr-defined]
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is statement for s in block):
                return block, parent, (field,)
        raise AssertionError(f"{statement!r} is in no block of {parent!r}")

    def _fix(self, receiver: ast.expr, owner: ast.AST, path: BlockPath, line: int) -> Fix | None:
        reference = module_reference(self.model, receiver, "netcompat")
        if reference is None:
            return None
        name, needs_import = reference
        imports = (ImportSpec("netcompat"),) if needs_import else ()
        return Fix(
            graceful_close(path, line, name),
            "unsafe",
            self.FIX_TITLE or "",
            target=owner,
            imports=imports,
        )


_MATCH_CASE: type[ast.AST] | None = getattr(ast, "match_case", None)
_TRY: tuple[type[ast.AST], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


def _owner(model: Model, node: ast.AST) -> ast.AST | None:
    """The innermost def or lambda around ``node`` (through class bodies)."""
    return next((a for a in model.ancestors(node) if isinstance(a, _OWNERS)), None)


def _line_of(block: list[ast.stmt], position: int) -> int:
    """The index of ``block[position]``'s line among the block's lines (``a; b`` is one)."""
    return sum(
        1 for index in range(1, position + 1) if block[index].lineno != block[index - 1].end_lineno
    )


def _close_receiver(statement: ast.stmt) -> ast.expr | None:
    """``X`` when ``statement`` is ``X.close()``."""
    if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
        return None
    call = statement.value
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "close"
        and not call.args
        and not call.keywords
    ):
        return func.value
    return None
