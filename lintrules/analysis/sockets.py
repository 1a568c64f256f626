"""What the socket I/O rules (NC101, NC102) need to know about a file: its sockets.

One question, answered from the file's :class:`~lintrules.analysis.model.Model`:

* :meth:`SocketInference.kind`: can we tell that an expression is a socket,
  and which kind (``"socket"``: stream or of unknown type; ``"datagram"``;
  ``"raw"``: ``SOCK_RAW`` or ``AF_PACKET``; ``"pair"``: an end of
  ``socket.socketpair()`` that stays in this program)?
  Only from evidence in the same file:

  - what made it: ``socket.socket()`` (its ``type`` argument says datagram
    or raw, or its family ``AF_PACKET``),
    ``create_connection()``, ``create_server()``, ``fromfd()``,
    ``socketpair()``, any ``.wrap_socket()``, the first item of any
    ``.accept()`` whose receiver is not known to be something else, a
    function or method of the file whose every ``return`` gives one (or a
    tuple holding one), ``contextlib.closing()`` or eventlet's
    ``greenio.GreenSocket()`` of one;
  - a ``socket.socket`` / ``ssl.SSLSocket`` annotation;
  - where it came from: the argument every call of the function (or of the
    class, for ``__init__``) in this file passes for a parameter, direct
    calls and ``threading.Thread(target=f, args=...)``, ``executor.submit(f,
    ...)``, ``pool.spawn_n(f, ...)``, ``selector.register(sock, events, f)``
    alike (a ``makefile()`` stream passed so is a stream); an item of a
    ``select.select()`` result over a list of known sockets; the
    ``key.fileobj`` of a ``selectors`` selector whose every ``register()``
    is of a known socket; an instance attribute every assignment of which is
    one of those (``None`` aside, and an annotation-only binding yields to
    the kind the others agree on); a ``socketserver`` / ``http.server``
    handler's ``self.request`` / ``self.connection`` (Python 2's module
    names too);
  - ``"pair"`` for the ends of ``socketpair()`` and of a pair made by hand
    (a function that connects a socket to its own listener and accepts it),
    unless the file starts processes;
  - how it is used, for a name or instance attribute nothing above decides:
    a method only sockets have (``getsockname``, ``recvfrom``, ``sendto``,
    ``connect_ex``, ``setsockopt(level, option, value)``, ``bind((host,
    port))``...) called on it in the same function (for an attribute: in the
    same class); or a method that sockets share with look-alikes such as
    paramiko channels (``settimeout``, ``setblocking``, ``getpeername``,
    ``shutdown``, ``makefile``, ``sendall``...) on a name that reads like a
    socket (``sock``, ``conn``, ``client_socket``).  A method only a
    look-alike has (ZeroMQ's ``send_multipart``, multiprocessing's
    ``recv_bytes``, paramiko's ``recv_ready``, a queue's ``put``, a file's
    ``readline``...) vetoes the usage evidence, and so does a binding from
    something known not to be a socket (``multiprocessing``, ``zmq``,
    ``queue``, ``open()``...).

  With the ``socket-name-heuristic`` option, a name alone (``sock``,
  ``conn``) is enough.

Whether anything catches a reset where a socket call raises it is the
question of :mod:`lintrules.analysis.reset_guards`, asked of the same model.

The object lives for one file (one per model, shared by the rules) and
caches what it learns per node, per function and per class, so a file with
many calls on one socket resolves it once.  What it needs beyond the model
(the calls of each method name, the reads of each name) is gathered lazily,
in one pass over the model's node lists, the first time a question needs it.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from collections.abc import Callable, Iterator, Sequence
from typing import Literal, NamedTuple, Union

from .model import Binding, Model, Span

__all__ = [
    "DATAGRAM_SENDS",
    "HEURISTIC_OPTION",
    "KINDS",
    "SEND_METHODS",
    "SOCKET_IO_METHODS",
    "SOCKET_ONLY_METHODS",
    "STREAM_IO_METHODS",
    "Kind",
    "SocketInference",
    "heuristic_name",
    "on_own_line",
    "source_of",
    "unused_name",
]

#: Socket methods that send or receive, so can meet a reset (NC101).
SOCKET_IO_METHODS = frozenset(
    {
        "recv",
        "recv_into",
        "recvfrom",
        "recvfrom_into",
        "recvmsg",
        "send",
        "sendall",
        "sendto",
        "sendfile",
    }
)
#: Sends: on a datagram socket they cannot meet a reset.
SEND_METHODS = frozenset({"send", "sendall", "sendto", "sendfile"})
#: Sends that only a datagram socket makes (an address per datagram).
DATAGRAM_SENDS = frozenset({"sendto"})
#: Methods of a ``makefile()`` stream (or a request handler's rfile/wfile)
#: that read from or write to the connection.
STREAM_IO_METHODS = frozenset(
    {"read", "read1", "readinto", "readline", "readlines", "write", "writelines"}
)
#: Methods that show an object is used like a socket (NC102).  ``send`` and
#: ``recv`` are not enough: multiprocessing connections, websockets and ZeroMQ
#: sockets have them too.
SOCKET_ONLY_METHODS = frozenset(
    {
        "sendall",
        "recv_into",
        "recvfrom",
        "recvfrom_into",
        "recvmsg",
        "sendto",
        "sendmsg",
        "sendfile",
        "makefile",
        "getpeername",
    }
)

#: What an expression is, as far as the file tells: a socket kind, or
#: ``unknown`` (nothing known: usage may decide), ``not`` (known to be
#: something else), ``none`` (the constant ``None``: neutral) or ``cycle``
#: (being worked out further up: neutral).
Kind = Literal["socket", "datagram", "raw", "pair"]
KINDS: frozenset[str] = frozenset({"socket", "datagram", "raw", "pair"})
_UNKNOWN_V = "unknown"
_NOT = "not"
_NONE = "none"
_CYCLE = "cycle"

#: Usage evidence, by method: only sockets have these.
_STRONG_METHODS = frozenset(
    {
        "getsockname",
        "getblocking",
        "recvfrom",
        "recvfrom_into",
        "recvmsg",
        "sendmsg",
        "sendto",
        "connect_ex",
    }
)
#: Sockets have these, and so do look-alikes (paramiko channels, io streams):
#: evidence only on a name that reads like a socket.
_WEAK_METHODS = frozenset(
    {
        "getpeername",
        "settimeout",
        "gettimeout",
        "setblocking",
        "shutdown",
        "makefile",
        "sendall",
        "recv_into",
        "listen",
        "detach",
    }
)
#: Only look-alikes have these: an object used with one is not taken for a
#: socket by its usage (paramiko channels, ZeroMQ sockets, multiprocessing
#: connections, websockets, queues, files and streams).
_LOOKALIKE_METHODS = frozenset(
    {
        # paramiko channels
        "recv_ready",
        "send_ready",
        "recv_stderr",
        "recv_stderr_ready",
        "recv_exit_status",
        "exit_status_ready",
        "exec_command",
        "invoke_shell",
        "invoke_subsystem",
        "get_pty",
        "get_transport",
        "set_combine_stderr",
        "send_stderr",
        "send_exit_status",
        "resize_pty",
        "makefile_stderr",
        "makefile_stdin",
        "shutdown_read",
        "shutdown_write",
        # ZeroMQ sockets
        "send_multipart",
        "recv_multipart",
        "send_string",
        "recv_string",
        "send_json",
        "recv_json",
        "send_pyobj",
        "recv_pyobj",
        "send_serialized",
        "recv_serialized",
        "setsockopt_string",
        "getsockopt_string",
        "subscribe",
        "unsubscribe",
        "bind_to_random_port",
        "monitor",
        "disable_monitor",
        "get_monitor_socket",
        # multiprocessing connections, ZeroMQ
        "send_bytes",
        "recv_bytes",
        "recv_bytes_into",
        "poll",
        # websockets
        "ping",
        "pong",
        # queues
        "put",
        "put_nowait",
        "get_nowait",
        "task_done",
        # files and streams
        "readline",
        "readlines",
        "readinto",
        "flush",
        "seek",
        "tell",
        "drain",
    }
)
#: Methods whose arguments tell a socket from a ZeroMQ socket.
_SHAPED_METHODS = frozenset({"setsockopt", "getsockopt", "bind", "connect"})
_EVIDENCE_METHODS = (
    _STRONG_METHODS | _WEAK_METHODS | _LOOKALIKE_METHODS | _SHAPED_METHODS | SOCKET_IO_METHODS
)
_STRONG, _WEAK, _COUNTER = 2, 1, -1

#: Calls that return a socket.
_SOCKET_FACTORIES = frozenset(
    {
        "socket.socket",
        "socket.SocketType",
        "socket.create_connection",
        "socket.create_server",
        "socket.fromfd",
        "socket.fromshare",
        "_socket.socket",
        "ssl.wrap_socket",
        # the cooperative sockets of gevent and eventlet wrap real ones
        "gevent.socket.socket",
        "gevent.socket.create_connection",
        "gevent.socket.fromfd",
        "eventlet.green.socket.socket",
        "eventlet.green.socket.create_connection",
        "eventlet.green.socket.fromfd",
        # eventlet's convenience functions: a listening or a connected green socket
        "eventlet.listen",
        "eventlet.connect",
        "eventlet.convenience.listen",
        "eventlet.convenience.connect",
        "eventlet.wrap_ssl",
    }
)
#: Factories with a ``type`` argument, and its position.
_TYPE_POSITION = {
    "socket.socket": 1,
    "socket.SocketType": 1,
    "_socket.socket": 1,
    "socket.fromfd": 2,
    "gevent.socket.socket": 1,
    "gevent.socket.fromfd": 2,
    "eventlet.green.socket.socket": 1,
    "eventlet.green.socket.fromfd": 2,
}
#: Calls that return a tuple of sockets.
_PAIR_FACTORIES = frozenset(
    {"socket.socketpair", "gevent.socket.socketpair", "eventlet.green.socket.socketpair"}
)
_SELECT = frozenset({"select.select"})
#: Annotations that make a name a socket.
_SOCKET_TYPES = frozenset({"socket.socket", "socket.SocketType", "_socket.socket", "ssl.SSLSocket"})
_SOCKET_TYPE_TEXT = frozenset({"socket.socket", "socket.SocketType", "ssl.SSLSocket"})
_OPTIONAL = frozenset({"typing.Optional", "typing.Union", "typing_extensions.Optional"})
_ANY = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})
_CLOSING = frozenset({"contextlib.closing"})
#: Green wrappers of an existing socket: what they wrap is what they are (a
#: wrapped end of a loopback pair is still one).  Given a family instead, they
#: make a socket of unknown kind.
_GREEN_WRAPPERS = frozenset({"eventlet.greenio.GreenSocket", "eventlet.greenio.base.GreenSocket"})
#: Modules whose calls never return a socket (other than the factories above):
#: what such a call binds is known not to be one.
_OTHER_MODULES = frozenset(
    {
        "socket",
        "_socket",
        "ssl",
        "zmq",
        "multiprocessing",
        "paramiko",
        "websockets",
        "websocket",
        "queue",
        "asyncio",
        "io",
        "os",
        "subprocess",
        "serial",
        "http",
        "telnetlib",
        "ftplib",
        "smtplib",
        "poplib",
        "imaplib",
        "nntplib",
        "xmlrpc",
        "urllib",
        "urllib3",
        "requests",
        "pexpect",
        "threading",
        "tempfile",
        "sqlite3",
    }
)
#: Builtins whose result is a list of what their argument holds.
_COPIES = frozenset(
    {"builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.sorted"}
)
#: Calls that hand a function its arguments: (callee's last name, position
#: of the function, where its arguments start; None: a tuple at the next
#: position).  ``threading.Thread(target=f, args=...)`` is read apart.
_RUNNERS: dict[str, tuple[int, int | None]] = {
    "start_new_thread": (0, None),
    "submit": (0, 1),
    "spawn": (0, 1),
    "spawn_n": (0, 1),
    "run_in_executor": (1, 2),
}
#: Calls that start another process: an end of ``socketpair()`` may then be
#: shared with it, and talk to a peer that can crash.
_PROCESS_CALLS = frozenset(
    {
        "os.fork",
        "os.forkpty",
        "pty.fork",
        "os.posix_spawn",
        "os.posix_spawnp",
        "multiprocessing.Process",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
    }
)
_PROCESS_PREFIXES = ("subprocess.", "os.spawn", "os.exec", "multiprocessing.")
_PROCESS_METHODS = frozenset({"subprocess_exec", "subprocess_shell", "Process", "Popen"})
_PROCESS_WORDS = ("fork", "subprocess", "Popen", "Process", "spawn", "exec")
#: Words one of which the last name of such a call contains (``check_output``...).
_PROCESS_TAILS = ("fork", "spawn", "exec", "Popen", "run", "call", "check", "Process", "output")

HandlerKind = Literal["base", "stream", "datagram"]
#: Request handler base classes.  ``stream``: ``self.request`` and
#: ``self.connection`` are the connected socket, ``self.rfile``/``self.wfile``
#: its streams.  ``base``: ``self.request`` is the socket (TCP) or a
#: ``(data, socket)`` pair (UDP).  ``datagram``: ``self.socket`` is the socket
#: and the files are in-memory buffers.
_HANDLER_BASES: dict[str, HandlerKind] = {
    "socketserver.BaseRequestHandler": "base",
    "socketserver.StreamRequestHandler": "stream",
    "socketserver.DatagramRequestHandler": "datagram",
    "http.server.BaseHTTPRequestHandler": "stream",
    "http.server.SimpleHTTPRequestHandler": "stream",
    "http.server.CGIHTTPRequestHandler": "stream",
    "wsgiref.simple_server.WSGIRequestHandler": "stream",
    "xmlrpc.server.SimpleXMLRPCRequestHandler": "stream",
}
#: The Python 2 names of the modules above: a class of a Python 2 module is
#: read as the same class of its Python 3 module.
_PY2_MODULES = {
    "SocketServer": "socketserver",
    "BaseHTTPServer": "http.server",
    "SimpleHTTPServer": "http.server",
    "CGIHTTPServer": "http.server",
    "SimpleXMLRPCServer": "xmlrpc.server",
}
#: Server classes whose ``self.socket`` is the server's socket, with its kind.
_SERVER_BASES: dict[str, Kind] = {
    **{
        f"socketserver.{name}": "socket"
        for name in (
            "TCPServer",
            "UnixStreamServer",
            "ThreadingTCPServer",
            "ForkingTCPServer",
            "ThreadingUnixStreamServer",
        )
    },
    **{
        f"socketserver.{name}": "datagram"
        for name in (
            "UDPServer",
            "UnixDatagramServer",
            "ThreadingUDPServer",
            "ForkingUDPServer",
            "ThreadingUnixDatagramServer",
        )
    },
    "http.server.HTTPServer": "socket",
    "http.server.ThreadingHTTPServer": "socket",
    "xmlrpc.server.SimpleXMLRPCServer": "socket",
    "wsgiref.simple_server.WSGIServer": "socket",
}


#: Names the ``socket-name-heuristic`` option treats as sockets.
_SOCKET_NAME = re.compile(
    r"_*(?:[A-Za-z0-9]+_)*(?:[a-z]*sock|[a-z]*socket|[a-z]*Socket|conn|connection)", re.ASCII
)
HEURISTIC_OPTION = "socket-name-heuristic"

_MAX_DEPTH = 40

_BUILTIN_NAMES = frozenset(dir(builtins))
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_DISPLAYS = (ast.List, ast.Tuple, ast.Set)
_TRY: tuple[type[ast.AST], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
_MATCH: tuple[type[ast.AST], ...] = (ast.Match,) if hasattr(ast, "Match") else ()
Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
#: What identifies a variable: ("n", id of the name's binding list) or
#: ("a", id of the class, attribute name).
VarKey = tuple[str, int, str]
#: A call site of a function: its positional arguments, its keywords, and how
#: many of the function's first parameters the call does not pass (``self``).
Site = tuple[Sequence[ast.expr], Sequence[ast.keyword], int]


def heuristic_name(name: str) -> bool:
    """Whether ``name`` reads like a socket (``sock``, ``client_socket``, ``conn``)."""
    return _SOCKET_NAME.fullmatch(name) is not None


def _is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _combine(verdicts: Sequence[str]) -> str:
    """One verdict for a value that may be any of ``verdicts``.

    ``None`` and values still being worked out are neutral; something known
    not to be a socket wins, then something unknown; sockets of several
    kinds are plain sockets.
    """
    rest = [verdict for verdict in verdicts if verdict != _NONE and verdict != _CYCLE]
    if not rest:
        return _CYCLE if _CYCLE in verdicts else _NOT
    if _NOT in rest:
        return _NOT
    if _UNKNOWN_V in rest:
        return _UNKNOWN_V
    first = rest[0]
    return first if all(verdict == first for verdict in rest) else "socket"


class _Binding(NamedTuple):
    """One thing bound to a name or attribute: ``value`` (its item ``element``
    when unpacked from a tuple; an item of it when ``iterated`` by a ``for``),
    an ``annotation``, or the ``parameter`` whose call sites decide."""

    value: ast.expr | None
    element: int | None = None
    annotation: ast.expr | None = None
    neutral: bool = False
    iterated: bool = False
    parameter: ast.arg | None = None


_UNKNOWN = _Binding(None)
_NEUTRAL = _Binding(None, neutral=True)


class _ClassInfo(NamedTuple):
    handler: HandlerKind | None
    server: Kind | None
    local_bases: tuple[ast.ClassDef, ...]


class _FileIndex:
    """What the socket questions need beyond the model, built lazily, once per file.

    Each table is one pass over one of the model's node lists, made the first
    time a question needs it.
    """

    def __init__(self, model: Model) -> None:
        self._model = model
        self._names: dict[str, list[ast.Name]] | None = None
        self._attributes: dict[str, list[ast.Attribute]] | None = None
        self._calls: dict[str, list[ast.Call]] | None = None

    def names(self, name: str) -> list[ast.Name]:
        """The reads (and ``del``) of ``name`` anywhere in the file."""
        if self._names is None:
            self._names = {}
            for node in self._model.nodes(ast.Name):
                if not isinstance(node.ctx, ast.Store):
                    self._names.setdefault(node.id, []).append(node)
        return self._names.get(name, [])

    def attributes(self, attr: str) -> list[ast.Attribute]:
        """Every ``X.attr`` of the file."""
        if self._attributes is None:
            self._attributes = {}
            for node in self._model.nodes(ast.Attribute):
                self._attributes.setdefault(node.attr, []).append(node)
        return self._attributes.get(attr, [])

    def method_calls(self, method: str) -> list[ast.Call]:
        """Every ``X.method(...)`` call of the file."""
        if self._calls is None:
            self._calls = {}
            for call in self._model.nodes(ast.Call):
                func = call.func
                if isinstance(func, ast.Attribute):
                    self._calls.setdefault(func.attr, []).append(call)
        return self._calls.get(method, [])

    def references(self, binding: Binding) -> list[ast.Name]:
        """The reads (and ``del``) of the name that resolve to ``binding``."""
        model = self._model
        return [
            node
            for node in self.names(binding.name)
            if any(b is binding for b in model.lookup(node))
        ]


def _file_index(model: Model) -> _FileIndex:
    index = model.memo.get(_FileIndex)
    if index is None:
        index = model.memo[_FileIndex] = _FileIndex(model)
    assert isinstance(index, _FileIndex)
    return index


def unused_name(model: Model, statement: ast.stmt, candidates: Sequence[str]) -> str | None:
    """The first of ``candidates`` that the scope running ``statement`` neither
    binds nor reads (nor any scope nested in it): a name a fix may bind there."""
    scope = model.scope_of(statement)
    owner = scope.node
    index = _file_index(model)
    for name in candidates:
        if name in scope.bindings:
            continue
        if any(
            owner is model.tree or any(a is owner for a in model.ancestors(read))
            for read in index.names(name)
        ):
            continue
        return name
    return None


def _suites(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The blocks of a compound statement, in source order (not of a def or class)."""
    if isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        yield statement.body
        yield statement.orelse
    elif isinstance(statement, _TRY):
        yield statement.body  # type: ignore[attr-defined]
        for handler in statement.handlers:  # type: ignore[attr-defined]
            yield handler.body
        yield statement.orelse  # type: ignore[attr-defined]
        yield statement.finalbody  # type: ignore[attr-defined]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        yield statement.body
    elif _MATCH and isinstance(statement, _MATCH):
        for case in statement.cases:  # type: ignore[attr-defined]
            yield case.body


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a block and of the blocks nested in it, in source
    order, not entering function or class definitions."""
    stack: list[Iterator[ast.stmt]] = [iter(body)]
    while stack:
        statement = next(stack[-1], None)
        if statement is None:
            stack.pop()
            continue
        yield statement
        if isinstance(statement, (*_DEFINITIONS, ast.Expr, ast.Assign)):
            continue
        suites = list(_suites(statement))
        if suites:
            stack.append(s for suite in suites for s in suite)


def _tuple_index(target: ast.AST, name: ast.AST) -> int | None:
    """The position of ``name`` in a flat tuple/list target (None if nested or starred)."""
    if not isinstance(target, (ast.Tuple, ast.List)):
        return None
    if any(isinstance(element, ast.Starred) for element in target.elts):
        return None
    for position, element in enumerate(target.elts):
        if element is name:
            return position
    return None


def _first_parameter(function: ast.AST) -> ast.arg | None:
    arguments = function.args  # type: ignore[attr-defined]
    first = [*arguments.posonlyargs, *arguments.args][:1]
    return first[0] if first else None


def source_of(model: Model, expr: ast.expr) -> str:
    """The source text of ``expr`` with the parentheses around it, as libcst
    renders it: line breaks as ``\\n``, and continuation lines without the
    indentation of the block the statement is in.

    Only the parentheses between ``expr`` and a ``.`` after it are looked for:
    the rules describe receivers of method calls.
    """
    span = model.span(expr)
    text = _text(model, span)
    parent = model.parent(expr)
    if (
        isinstance(parent, ast.Attribute)
        and parent.value is expr
        and (parent.lineno, parent.col_offset) != (expr.lineno, expr.col_offset)
    ):
        # ``(sock).recv``: the attribute starts at the receiver's parenthesis.
        text = _parenthesized(_text(model, model.span(parent))) or text
    if "\n" not in text:
        return text
    statement = model.statement_of(expr)
    line = model.source.line(statement.lineno if statement is not None else span.line)
    indent = line[: len(line) - len(line.lstrip(" \t\f"))]
    first, *rest = text.split("\n")
    return "\n".join([first, *(r[len(indent) :] if r.startswith(indent) else r for r in rest)])


def on_own_line(model: Model, statement: ast.stmt) -> bool:
    """Whether no other statement (nor a block header) shares the statement's lines:
    it is a line of its own, as libcst's ``SimpleStatementLine`` of one statement."""
    span = model.span(statement)
    source = model.source
    if source.line(span.line)[: span.column].strip():
        return False
    after = source.line(span.end_line)[span.end_column :].lstrip()
    if after.startswith(";"):
        after = after[1:].lstrip()
    return not after or after.startswith("#")


def _parenthesized(whole: str) -> str | None:
    """The parenthesized receiver at the start of an attribute's text (``(sock)`` of
    ``(sock).recv``), or None if there is none."""
    depth = 0
    end = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(whole).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
                if depth == 0:
                    end = _offset(whole, token.end)
            elif token.string == "." and depth == 0:
                break
    except (tokenize.TokenError, SyntaxError):
        return None
    return whole[:end] if end else None


def _text(model: Model, span: Span) -> str:
    """The source of ``span``, lines joined by ``\\n``."""
    lines = model.source.lines
    first, last = lines[span.line - 1], lines[span.end_line - 1]
    if span.line == span.end_line:
        return first[span.column : span.end_column]
    middle = lines[span.line : span.end_line - 1]
    return "\n".join([first[span.column :], *middle, last[: span.end_column]])


def _offset(text: str, position: tuple[int, int]) -> int:
    """The index in ``text`` of a tokenizer position (1-based line, column)."""
    line, column = position
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset + column


class SocketInference:
    """Answers "is this expression a socket, and of which kind?" for one file.

    Get it with :meth:`of`: the rules of one file share one instance per
    setting of the name heuristic.  Results are cached per node, parameter,
    function and class attribute, so asking about the same name many times
    costs one resolution.  A value whose resolution leads back to itself (a
    recursive call, a list that the loop over it appends to) counts the
    repeat as neutral: the other evidence decides.
    """

    def __init__(self, model: Model, *, heuristic: bool = False) -> None:
        self._model = model
        self._heuristic = heuristic
        self._index = _file_index(model)
        self._cache: dict[object, str] = {}
        self._in_progress: set[object] = set()
        #: Keys whose computation met itself: results that depend on them
        #: are not cached until they are done.
        self._open: set[object] = set()
        #: Results computed during a cycle, valid for the current question only.
        self._tentative: dict[object, str] = {}
        self._class_info_cache: dict[int, _ClassInfo] = {}
        self._class_bindings_cache: dict[int, dict[str | None, dict[str, list[_Binding]]]] = {}
        self._star_socket: bool | None = None
        self._methods_cache: dict[int, dict[str, Function]] = {}
        self._owner_cache: dict[int, ast.ClassDef | None] = {}
        self._sites_cache: dict[int, list[Site | None]] = {}
        self._calls_on_cache: dict[str, dict[VarKey, list[ast.Call]]] = {}
        self._usage_index: dict[VarKey, set[int]] | None = None
        self._aliases: frozenset[str] | None = None
        self._buffered: dict[int, bool] = {}
        self._starts_processes: bool | None = None
        self._loopback: frozenset[VarKey] | None = None

    @classmethod
    def of(cls, model: Model, *, heuristic: bool = False) -> SocketInference:
        """The file's inference for this setting of the name heuristic (made once)."""
        key = (cls, heuristic)
        found = model.memo.get(key)
        if found is None:
            found = model.memo[key] = cls(model, heuristic=heuristic)
        assert isinstance(found, SocketInference)
        return found

    # -- public questions ---------------------------------------------------
    def kind(self, expr: ast.expr) -> Kind | None:
        """The kind of socket ``expr`` is known to be, or None."""
        verdict = self._verdict(expr, 0)
        return verdict if verdict in KINDS else None  # type: ignore[return-value]

    def makes_socket(self, call: ast.Call) -> bool:
        """Whether ``call`` is a socket factory (``socket.socket()``,
        ``create_connection()``, their gevent and eventlet twins)."""
        return bool(self._callee_names(call.func) & _SOCKET_FACTORIES)

    def is_socket(self, expr: ast.expr) -> bool:
        """Whether ``expr`` is known to be a socket."""
        return self.kind(expr) is not None

    def stream_kind(self, expr: ast.expr) -> Kind | None:
        """The kind of socket ``expr`` is a ``makefile()`` stream of (a stream
        request handler's ``self.rfile`` / ``self.wfile`` too), or None."""
        verdict = self._stream(expr, 0)
        return verdict if verdict in KINDS else None  # type: ignore[return-value]

    def buffered_writer(self, expr: ast.expr) -> bool:
        """Whether ``expr`` is a buffered stream a ``write()`` only fills:
        ``sock.makefile("wb")`` (and any write mode without ``buffering=0``),
        or ``self.wfile`` of a stream request handler whose class sets
        ``wbufsize`` to something else than 0.  The socket sees the bytes at
        ``flush()`` (or when the buffer fills), so that is where a reset
        comes out."""
        key = id(expr)
        cached = self._buffered.get(key)
        if cached is None:
            cached = self._buffered[key] = self._buffered_uncached(expr, 0)
        return cached

    def _buffered_uncached(self, expr: ast.expr, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        if isinstance(expr, ast.Call):
            return _buffered_makefile(expr)
        found = self._stream_origin(expr)
        if isinstance(found, ast.ClassDef):
            return (
                isinstance(expr, ast.Attribute)
                and expr.attr == "wfile"
                and self._sets_wbufsize(found)
            )
        values = [
            binding.value
            for binding in found or ()
            if not (binding.element is None and _is_none(binding.value))
        ]
        return (
            bool(values)
            and all(
                binding.parameter is None and binding.element is None and not binding.iterated
                for binding in found or ()
            )
            and all(
                value is not None and self._buffered_uncached(value, depth + 1) for value in values
            )
        )

    def _sets_wbufsize(self, classdef: ast.ClassDef) -> bool:
        """A handler class (or a base of it in this file) with ``wbufsize = N``, N not 0."""
        for owner in (classdef, *self._class_info(classdef).local_bases):
            for statement in _statements(owner.body):
                if (
                    isinstance(statement, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == "wbufsize" for t in statement.targets
                    )
                    and isinstance(statement.value, (ast.Constant, ast.UnaryOp))
                ):
                    return _literal(statement.value) not in (0, None)
        return False

    def is_stream(self, expr: ast.expr) -> bool:
        """Whether ``expr`` is a ``makefile()`` stream of a socket, or a stream
        request handler's ``self.rfile`` / ``self.wfile``."""
        return self.stream_kind(expr) is not None

    def alias_names(self) -> frozenset[str]:
        """The names (and attribute names) this file ever binds to a socket I/O
        method (``recv = s.recv``): the only callees :meth:`bound_method` may resolve."""
        if self._aliases is None:
            found: set[str] = set()
            for assign in self._model.nodes(ast.Assign):
                value = assign.value
                if isinstance(value, ast.Attribute) and value.attr in SOCKET_IO_METHODS:
                    for target in assign.targets:
                        if isinstance(target, ast.Name):
                            found.add(target.id)
                        elif isinstance(target, ast.Attribute):
                            found.add(target.attr)
            self._aliases = frozenset(found)
        return self._aliases

    def bound_method(self, func: ast.expr) -> tuple[ast.Attribute, Kind] | None:
        """``(s.recv, kind)`` when the callee ``func`` is a bound-method alias:
        a name (or ``self`` attribute) every binding of which is the same
        socket I/O method of a known socket (``recv = s.recv``), or a
        ``lambda`` standing in for it when there is no socket (``recv =
        lambda n: b""``)."""
        values: list[ast.expr | None] = []
        if isinstance(func, ast.Name):
            for binding in bindings(self._model, func):
                node = binding.node
                parent = self._model.parent(node)
                if not (
                    binding.kind == "assign"
                    and isinstance(parent, ast.Assign)
                    and any(target is node for target in parent.targets)
                ):
                    return None
                values.append(parent.value)
        elif isinstance(func, ast.Attribute):
            owner = self._instance_class(func.value)
            if owner is None:
                return None
            for found in self._attribute_bindings(owner, func.attr):
                if found.element is not None or found.iterated or found.parameter is not None:
                    return None
                if not _is_none(found.value):
                    values.append(found.value)
        values = [value for value in values if not isinstance(value, ast.Lambda)]
        if not values:
            return None
        first = values[0]
        if not isinstance(first, ast.Attribute) or first.attr not in SOCKET_IO_METHODS:
            return None
        kinds: list[str] = []
        for value in values:
            if not isinstance(value, ast.Attribute) or value.attr != first.attr:
                return None
            kinds.append(self._verdict(value.value, 0))
        kind = _combine(kinds)
        return (first, kind) if kind in KINDS else None  # type: ignore[return-value]

    def describe(self, expr: ast.expr) -> str:
        """Short source text of ``expr`` for messages."""
        text = source_of(self._model, expr)
        return text if len(text) <= 40 else text[:37] + "..."

    # -- memo -------------------------------------------------------------------
    def _memo(self, key: object, compute: Callable[[], str]) -> str:
        """``compute()`` once per key.  A result that leaned on a key still
        being worked out (a cycle) holds only until the outermost question is
        answered; the others are kept for good."""
        cached = self._cache.get(key)
        if cached is None:
            cached = self._tentative.get(key)
        if cached is not None:
            return cached
        if key in self._in_progress:
            self._open.add(key)
            return _CYCLE
        self._in_progress.add(key)
        try:
            result = compute()
        finally:
            self._in_progress.discard(key)
        self._open.discard(key)
        if self._open:
            self._tentative[key] = result
        else:
            self._cache[key] = result
        if not self._in_progress:
            self._tentative.clear()
        return result

    # -- expressions -----------------------------------------------------------
    def _verdict(self, expr: ast.expr, depth: int) -> str:
        if depth > _MAX_DEPTH:
            return _UNKNOWN_V
        return self._memo(("x", id(expr)), lambda: self._verdict_uncached(expr, depth + 1))

    def _verdict_uncached(self, expr: ast.expr, depth: int) -> str:
        if isinstance(expr, ast.Name):
            return self._name_verdict(expr, depth)
        if isinstance(expr, ast.Attribute):
            return self._attribute_verdict(expr, depth)
        if isinstance(expr, ast.Call):
            return self._call_verdict(expr, depth)
        if isinstance(expr, ast.Constant):
            return _NONE if expr.value is None else _NOT
        if isinstance(expr, ast.Subscript):
            index = expr.slice
            if isinstance(index, ast.Constant) and type(index.value) is int:
                return self._element_verdict(expr.value, index.value, depth)
            return _UNKNOWN_V
        if isinstance(expr, ast.NamedExpr):
            return self._verdict(expr.value, depth)
        if isinstance(expr, ast.IfExp):
            return _combine([self._verdict(expr.body, depth), self._verdict(expr.orelse, depth)])
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
            return _combine([self._verdict(value, depth) for value in expr.values])
        if isinstance(
            expr,
            (*_DISPLAYS, ast.Dict, ast.JoinedStr, ast.BinOp, ast.Compare, ast.Lambda, ast.UnaryOp),
        ):
            return _NOT
        return _UNKNOWN_V

    def _callee_names(self, func: ast.expr) -> set[str]:
        """Imported qualified names of a callee; ``socket.X`` for a bare ``X``
        that only ``from socket import *`` can have bound."""
        names = self._model.imported_names(func)
        if names or not isinstance(func, ast.Name) or not self._star_imports_socket():
            return names
        if bindings(self._model, func) or func.id in _BUILTIN_NAMES:
            return names
        return {f"socket.{func.id}"}

    def _star_imports_socket(self) -> bool:
        if self._star_socket is None:
            self._star_socket = any(
                isinstance(statement, ast.ImportFrom)
                and statement.module in ("socket", "_socket")
                and not statement.level
                and any(alias.name == "*" for alias in statement.names)
                for statement in self._model.tree.body
            )
        return self._star_socket

    def _call_verdict(self, call: ast.Call, depth: int) -> str:
        func = call.func
        names = self._callee_names(func)
        factories = names & _SOCKET_FACTORIES
        if factories:
            position = next((_TYPE_POSITION[n] for n in factories if n in _TYPE_POSITION), None)
            return "socket" if position is None else _type_kind(call, position)
        if isinstance(func, ast.Attribute):
            if func.attr == "wrap_socket":
                return "socket"
            if func.attr == "dup" and not call.args and not call.keywords:
                verdict = self._verdict(func.value, depth)
                return verdict if verdict in KINDS else _UNKNOWN_V
        if names & _CLOSING and (call.args or call.keywords):
            return self._verdict(_first_argument(call), depth)
        if names & _GREEN_WRAPPERS:
            wrapped = self._verdict(_first_argument(call), depth) if call.args else _UNKNOWN_V
            return wrapped if wrapped in KINDS else "socket"
        if names:
            if any(name.partition(".")[0] in _OTHER_MODULES for name in names):
                return _NOT
            return _UNKNOWN_V
        if isinstance(func, ast.Name) and func.id == "open" and not bindings(self._model, func):
            return _NOT
        verdict = self._helper_verdict(call, depth)
        if (
            verdict == _UNKNOWN_V
            and (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None))
            == "socket"
            and _type_kind(call, 1) == "raw"
        ):
            # ``socket.socket(AF_PACKET, SOCK_RAW)`` with ``socket`` from a
            # ``from utils import *``: whatever else, it is no connection.
            return "raw"
        return verdict

    def _helper_verdict(self, call: ast.Call, depth: int) -> str:
        """A call of a function, class or method of this file: ``make_socket()``,
        ``self._create_socket()``, or ``self._connect()`` where the class says
        ``_connect = socket.create_connection``."""
        func = call.func
        if isinstance(func, ast.Name):
            found = bindings(self._model, func)
            if len(found) != 1:
                return _UNKNOWN_V
            node = found[0].node
            if isinstance(node, _FUNCTIONS):
                return self._returns_verdict(node, depth)
            if isinstance(node, ast.ClassDef):
                return "socket" if self._derives_from_socket(node) else _NOT
            return _UNKNOWN_V
        method = self._method_of(func)
        if method is not None:
            return self._returns_verdict(method, depth)
        if not isinstance(func, ast.Attribute):
            return _UNKNOWN_V
        owner = self._instance_class(func.value)
        if owner is None:
            return _UNKNOWN_V
        found_bindings = self._attribute_bindings(owner, func.attr)
        if found_bindings and all(
            binding.value is not None
            and binding.element is None
            and bool(self._model.imported_names(binding.value) & _SOCKET_FACTORIES)
            for binding in found_bindings
        ):
            return "socket"
        return _UNKNOWN_V

    def _method_of(self, func: ast.expr) -> Function | None:
        """The method of this file that ``self.name`` calls."""
        if not isinstance(func, ast.Attribute):
            return None
        owner = self._instance_class(func.value)
        return None if owner is None else self._method_named(owner, func.attr)

    def _method_named(self, owner: ast.ClassDef, name: str) -> Function | None:
        """The method ``name`` of class ``owner``, or of the nearest base of it in this file."""
        for classdef in (owner, *self._class_info(owner).local_bases):
            method = self._class_methods(classdef).get(name)
            if method is not None:
                return method
        return None

    def _derives_from_socket(self, classdef: ast.ClassDef) -> bool:
        return any(self._model.imported_names(base) & _SOCKET_TYPES for base in classdef.bases)

    def _returns_verdict(self, function: Function, depth: int) -> str:
        """What every ``return`` of ``function`` gives (None neutral)."""

        def compute() -> str:
            values: list[str] = []
            for statement in _statements(function.body):
                if isinstance(statement, ast.Return):
                    if statement.value is None:
                        values.append(_NONE)
                    else:
                        values.append(self._verdict(statement.value, depth))
                elif isinstance(statement, ast.Expr) and isinstance(
                    statement.value, (ast.Yield, ast.YieldFrom, ast.Await)
                ):
                    values.append(_UNKNOWN_V)
            return _combine(values)

        return self._memo(("r", id(function)), compute)

    def _returns_element(self, function: Function, index: int, depth: int) -> str:
        """What item ``index`` of every tuple ``function`` returns is."""

        def compute() -> str:
            values: list[str] = []
            for statement in _statements(function.body):
                if isinstance(statement, ast.Return):
                    if statement.value is None:
                        values.append(_NONE)
                    else:
                        values.append(self._element_verdict(statement.value, index, depth))
                elif isinstance(statement, ast.Expr) and isinstance(
                    statement.value, (ast.Yield, ast.YieldFrom)
                ):
                    values.append(_UNKNOWN_V)
            return _combine(values)

        return self._memo(("re", id(function), index), compute)

    def _class_methods(self, classdef: ast.ClassDef) -> dict[str, Function]:
        cached = self._methods_cache.get(id(classdef))
        if cached is None:
            cached = {
                statement.name: statement
                for statement in _statements(classdef.body)
                if isinstance(statement, _FUNCTIONS)
            }
            self._methods_cache[id(classdef)] = cached
        return cached

    # -- tuples and collections ------------------------------------------------
    def _element_verdict(self, value: ast.expr, index: int, depth: int) -> str:
        """What item ``index`` of the tuple ``value`` is."""
        if depth > _MAX_DEPTH:
            return _UNKNOWN_V
        depth += 1
        if isinstance(value, ast.Await):
            inner = value.value
            if (
                index == 0
                and isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "sock_accept"
            ):
                return "socket"
            return _UNKNOWN_V
        if isinstance(value, ast.Call):
            func = value.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "accept"
                and not value.args
                and not value.keywords
            ):
                # Only a socket's accept() gives a (socket, address) pair.
                if index != 0:
                    return _NOT
                return _NOT if self._verdict(func.value, depth) == _NOT else "socket"
            names = self._callee_names(func)
            if names & _PAIR_FACTORIES:
                return self._pair_kind() if index in (0, 1) else _NOT
            if names & _SELECT:
                return _NOT  # a list of ready objects
            if isinstance(func, ast.Name):
                found = bindings(self._model, func)
                if len(found) == 1 and isinstance(found[0].node, _FUNCTIONS):
                    return self._returns_element(found[0].node, index, depth)
            method = self._method_of(func)
            if method is not None:
                return self._returns_element(method, index, depth)
            if any(name.partition(".")[0] in _OTHER_MODULES for name in names):
                return _NOT
            return _UNKNOWN_V
        if isinstance(value, (ast.Tuple, ast.List)):
            elements = value.elts
            if any(isinstance(e, ast.Starred) for e in elements) or index >= len(elements):
                return _UNKNOWN_V
            return self._verdict(elements[index], depth)
        if isinstance(value, ast.Attribute) and value.attr == "request":
            # A datagram handler's self.request is (data, socket).
            owner = self._instance_class(value.value)
            if owner is not None and self._class_info(owner).handler in ("base", "datagram"):
                return "datagram" if index == 1 else _NOT
        return _UNKNOWN_V

    def _pair_kind(self) -> str:
        """An end of ``socketpair()``: talks to this program only, unless the
        file starts processes (which may inherit the other end)."""
        if self._starts_processes is None:
            self._starts_processes = self._find_process_start()
        return "socket" if self._starts_processes else "pair"

    def _find_process_start(self) -> bool:
        model = self._model
        text = model.source.text
        if not any(word in text for word in _PROCESS_WORDS):
            return False
        for call in model.nodes(ast.Call):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in _PROCESS_METHODS:
                return True
            if not isinstance(func, (ast.Name, ast.Attribute)):
                continue
            tail = func.id if isinstance(func, ast.Name) else func.attr
            if not any(word in tail for word in _PROCESS_TAILS):
                continue
            for name in model.imported_names(func):
                if name in _PROCESS_CALLS or name.startswith(_PROCESS_PREFIXES):
                    return True
        return False

    def _elements_verdict(self, collection: ast.expr, depth: int) -> str:
        """What every item of the collection ``collection`` is."""
        if depth > _MAX_DEPTH:
            return _UNKNOWN_V
        depth += 1
        if isinstance(collection, _DISPLAYS):
            if not collection.elts:
                return _NONE
            return _combine(
                [
                    self._elements_verdict(item.value, depth)
                    if isinstance(item, ast.Starred)
                    else self._verdict(item, depth)
                    for item in collection.elts
                ]
            )
        if isinstance(collection, ast.Subscript):
            index = collection.slice
            inner = collection.value
            if (
                isinstance(index, ast.Constant)
                and type(index.value) is int
                and isinstance(inner, ast.Call)
                and self._callee_names(inner.func) & _SELECT
            ):
                return self._selected(inner, index.value, depth)
            return _UNKNOWN_V
        if isinstance(collection, ast.Call):
            func = collection.func
            if (
                isinstance(func, ast.Name)
                and {q.name for q in self._model.qualified_names(func)} & _COPIES
            ):
                if not collection.args:
                    return _NONE
                return self._elements_verdict(collection.args[0], depth)
            if isinstance(func, ast.Attribute) and func.attr == "copy" and not collection.args:
                return self._elements_verdict(func.value, depth)
            return _UNKNOWN_V
        if isinstance(collection, ast.BinOp) and isinstance(collection.op, ast.Add):
            return _combine(
                [
                    self._elements_verdict(collection.left, depth),
                    self._elements_verdict(collection.right, depth),
                ]
            )
        key = self._var_key(collection)
        if key is None:
            return _UNKNOWN_V
        return self._memo(("e", key), lambda: self._variable_elements(collection, key, depth))

    def _selected(self, call: ast.Call, index: int, depth: int) -> str:
        """The items of ``select.select(...)[index]``: some of its argument ``index``."""
        if index < len(call.args) and not any(
            isinstance(a, ast.Starred) for a in call.args[: index + 1]
        ):
            return self._elements_verdict(call.args[index], depth)
        return _UNKNOWN_V

    def _variable_elements(self, collection: ast.expr, key: VarKey, depth: int) -> str:
        """The items of a list held by a name or ``self`` attribute: what it is
        bound to, and what ``append``/``add``/``insert``/``extend`` put in it."""
        found = self._variable_bindings(collection)
        if found is None:
            return _UNKNOWN_V
        verdicts: list[str] = []
        for binding in found:
            value = binding.value
            if binding.neutral or (binding.element is None and _is_none(value)):
                verdicts.append(_NONE)
            elif value is None or binding.iterated:
                verdicts.append(_UNKNOWN_V)
            elif binding.element is not None:
                if isinstance(value, ast.Call) and self._callee_names(value.func) & _SELECT:
                    verdicts.append(self._selected(value, binding.element, depth))
                else:
                    verdicts.append(_UNKNOWN_V)
            else:
                verdicts.append(self._elements_verdict(value, depth))
        for method in ("append", "add", "insert", "extend"):
            for call in self._calls_on(method).get(key, ()):
                args = call.args
                if method == "extend" and len(args) == 1:
                    verdicts.append(self._elements_verdict(args[0], depth))
                elif method == "insert" and len(args) == 2:
                    verdicts.append(self._verdict(args[1], depth))
                elif method in ("append", "add") and len(args) == 1:
                    verdicts.append(self._verdict(args[0], depth))
                else:
                    verdicts.append(_UNKNOWN_V)
        return _combine(verdicts) if verdicts else _UNKNOWN_V

    def _iterated_verdict(self, collection: ast.expr, element: int | None, depth: int) -> str:
        """What ``for x in collection`` (``element``: ``for ..., x in``) binds."""
        if element is None:
            return self._elements_verdict(collection, depth)
        if isinstance(collection, ast.Call) and isinstance(collection.func, ast.Name):
            names = {q.name for q in self._model.qualified_names(collection.func)}
            args = collection.args
            if "builtins.enumerate" in names and element == 1 and args:
                return self._elements_verdict(args[0], depth)
            if (
                "builtins.zip" in names
                and element < len(args)
                and not any(isinstance(a, ast.Starred) for a in args[: element + 1])
            ):
                return self._elements_verdict(args[element], depth)
        return _UNKNOWN_V

    # -- selectors ---------------------------------------------------------------
    def _selector_of_key(self, name: ast.Name) -> ast.expr | None:
        """The selector ``sel`` when ``name`` is the key of ``for name, mask in sel.select()``."""
        found = bindings(self._model, name)
        if len(found) != 1:
            return None
        binding = self._binding_of(found[0])
        if not binding.iterated or binding.element != 0 or binding.value is None:
            return None
        events = binding.value
        if isinstance(events, ast.Name):
            values = self._variable_bindings(events)
            if not values or len(values) != 1 or values[0].value is None:
                return None
            events = values[0].value
        if (
            isinstance(events, ast.Call)
            and isinstance(events.func, ast.Attribute)
            and events.func.attr == "select"
            and self._is_selector(events.func.value)
        ):
            return events.func.value
        return None

    def _is_selector(self, expr: ast.expr) -> bool:
        """Whether ``expr`` is bound only to ``selectors.XSelector()`` (None aside)."""
        found = self._variable_bindings(expr)
        if not found:
            return False
        selector = False
        for binding in found:
            value = binding.value
            if binding.neutral or (binding.element is None and _is_none(value)):
                continue
            if value is None or binding.element is not None or not isinstance(value, ast.Call):
                return False
            if not any(
                name.startswith("selectors.") and name.endswith("Selector")
                for name in self._model.imported_names(value.func)
            ):
                return False
            selector = True
        return selector

    def _registered(self, selector: ast.expr, depth: int) -> str:
        """What every ``selector.register(x, ...)`` (and ``modify``) of the file registers."""
        key = self._var_key(selector)
        if key is None:
            return _UNKNOWN_V

        def compute() -> str:
            verdicts: list[str] = []
            for method in ("register", "modify"):
                for call in self._calls_on(method).get(key, ()):
                    target = call.args[0] if call.args else None
                    if isinstance(target, ast.Starred):
                        target = None
                    for keyword in call.keywords:
                        if keyword.arg == "fileobj":
                            target = keyword.value
                    if target is None:
                        verdicts.append(_UNKNOWN_V)
                    else:
                        verdicts.append(self._verdict(target, depth))
            return _combine(verdicts) if verdicts else _UNKNOWN_V

        return self._memo(("reg", key), compute)

    # -- names --------------------------------------------------------------------
    def _name_verdict(self, name: ast.Name, depth: int) -> str:
        if self._heuristic and heuristic_name(name.id):
            return "socket"
        found = bindings(self._model, name)
        if not found:
            return _UNKNOWN_V
        verdicts: list[str] = []
        for binding in found:
            if binding.kind in ("import", "from-import", "function", "class"):
                return _NOT
            verdicts.append(self._binding_verdict(self._binding_of(binding), depth))
        verdict = _combine_annotated(verdicts, [self._annotation_only(b) for b in found])
        key = self._var_key(name)
        if verdict == _UNKNOWN_V and key is not None and self._used_like_socket((key,), name.id):
            verdict = "socket"
        if verdict in KINDS and key in self._loopback_ends():
            return self._pair_kind()
        return verdict

    def _annotation_only(self, binding: Binding) -> bool:
        """Whether a binding of a name says only its type (``x: socket | None = None``)."""
        if binding.kind in ("import", "from-import", "function", "class"):
            return False
        return _annotated_only(self._binding_of(binding))

    # -- loopback pairs made by hand ------------------------------------------
    def _loopback_ends(self) -> frozenset[VarKey]:
        """The variables holding an end of a connection that a function makes
        to its own listener: ``s.connect(listener.getsockname())`` (or to a
        loopback address the listener is bound to) and ``listener.accept()``
        in the same function, the hand-made ``socketpair()`` of platforms
        without one.  Both ends belong to this program, like a socketpair's."""
        if self._loopback is None:
            found: set[VarKey] = set()
            if "accept" in self._model.source.text:
                for method in ("connect", "connect_ex"):
                    for call in self._index.method_calls(method):
                        found |= self._self_connection(call)
            self._loopback = frozenset(found)
        return self._loopback

    def _self_connection(self, connect: ast.Call) -> set[VarKey]:
        """The ends of a connection ``connect`` makes to a listener its own
        function accepts it from (nothing when it does not)."""
        if len(connect.args) != 1 or connect.keywords:
            return set()
        assert isinstance(connect.func, ast.Attribute)
        connected = self._var_key(connect.func.value)
        function = next(
            (a for a in self._model.ancestors(connect) if isinstance(a, (*_FUNCTIONS, ast.Module))),
            None,
        )
        if connected is None or function is None:
            return set()
        address = connect.args[0]
        for accept in self._index.method_calls("accept"):
            if accept.args or accept.keywords:
                continue
            assert isinstance(accept.func, ast.Attribute)
            listener = self._var_key(accept.func.value)
            if listener is None or listener == connected:
                continue
            if not self._inside(accept, function):
                continue
            if not self._points_at(address, listener, function):
                continue
            holder = self._model.parent(accept)
            if not (isinstance(holder, ast.Assign) and len(holder.targets) == 1):
                continue
            target = holder.targets[0]
            end = target.elts[0] if isinstance(target, (ast.Tuple, ast.List)) else None
            accepted = self._var_key(end) if end is not None else None
            if accepted is not None:
                return {connected, accepted}
        return set()

    def _inside(self, node: ast.AST, function: ast.AST) -> bool:
        """Whether ``node`` is in ``function`` (or a function nested in it); at
        module level, in no function at all."""
        ancestors = self._model.ancestors(node)
        if isinstance(function, ast.Module):
            return not any(isinstance(a, (*_FUNCTIONS, ast.Lambda)) for a in ancestors)
        return any(a is function for a in ancestors)

    def _points_at(self, address: ast.expr, listener: VarKey, function: ast.AST) -> bool:
        """Whether ``address`` is the listener's own: built from its
        ``getsockname()`` (directly or through names bound from it), or a
        loopback host that the function binds the listener to as well."""
        if self._names_listener(address, listener, 0):
            return True
        host = _loopback_host(address)
        if host is None:
            return False
        for bind in self._index.method_calls("bind"):
            assert isinstance(bind.func, ast.Attribute)
            if (
                len(bind.args) == 1
                and _loopback_host(bind.args[0]) is not None
                and self._var_key(bind.func.value) == listener
                and self._inside(bind, function)
            ):
                return True
        return False

    def _names_listener(self, expr: ast.expr, listener: VarKey, depth: int) -> bool:
        """Whether ``expr`` holds ``listener.getsockname()``, also through the
        names (and tuple items) it reads that are bound from one."""
        if depth > 3:
            return False
        for node in ast.walk(expr):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "getsockname"
                and self._var_key(node.func.value) == listener
            ):
                return True
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                for binding in bindings(self._model, node):
                    value = self._binding_of(binding).value
                    if value is not None and self._names_listener(value, listener, depth + 1):
                        return True
        return False

    def _variable_bindings(self, expr: ast.expr) -> list[_Binding] | None:
        """The bindings of a name or ``self`` attribute (None: neither, or imported)."""
        if isinstance(expr, ast.Name):
            found: list[_Binding] = []
            for binding in bindings(self._model, expr):
                if binding.kind in ("import", "from-import", "function", "class"):
                    return None
                found.append(self._binding_of(binding))
            return found
        if isinstance(expr, ast.Attribute):
            owner = self._instance_class(expr.value)
            if owner is None:
                return None
            return self._attribute_bindings(owner, expr.attr)
        return None

    def _binding_of(self, binding: Binding) -> _Binding:
        node = binding.node
        if binding.kind == "parameter":
            assert isinstance(node, ast.arg)
            return _Binding(None, annotation=node.annotation, parameter=node)
        if not isinstance(node, ast.Name):
            return _UNKNOWN
        parent = self._model.parent(node)
        if isinstance(parent, ast.Assign):
            if any(target is node for target in parent.targets):
                return _Binding(parent.value)
        elif isinstance(parent, ast.AnnAssign):
            if parent.target is node:
                return _Binding(parent.value, annotation=parent.annotation)
        elif isinstance(parent, ast.withitem):
            if parent.optional_vars is node:
                return _Binding(parent.context_expr)
        elif isinstance(parent, ast.NamedExpr):
            if parent.target is node:
                return _Binding(parent.value)
        elif isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)):
            if parent.target is node:
                return _Binding(parent.iter, iterated=True)
        elif isinstance(parent, (ast.Tuple, ast.List)):
            holder = self._model.parent(parent)
            position = _tuple_index(parent, node)
            if position is None:
                return _UNKNOWN
            if isinstance(holder, ast.Assign) and any(t is parent for t in holder.targets):
                return _Binding(holder.value, element=position)
            if (
                isinstance(holder, (ast.For, ast.AsyncFor, ast.comprehension))
                and holder.target is parent
            ):
                return _Binding(holder.iter, element=position, iterated=True)
        return _UNKNOWN

    def _binding_verdict(self, binding: _Binding, depth: int) -> str:
        annotation = binding.annotation
        if annotation is not None:
            if self._annotation_is_socket(annotation):
                if binding.value is not None and binding.element is None:
                    verdict = self._verdict(binding.value, depth)
                    if verdict in KINDS:
                        return verdict
                return "socket"
            if binding.parameter is not None:
                return (
                    _UNKNOWN_V
                    if self._model.imported_names(annotation) & _ANY
                    or {q.name for q in self._model.qualified_names(annotation)} & _ANY
                    else _NOT
                )
        if binding.neutral:
            return _NONE
        if binding.parameter is not None:
            return self._parameter_verdict(binding.parameter, depth)
        value = binding.value
        if value is None:
            return _UNKNOWN_V
        if binding.iterated:
            return self._iterated_verdict(value, binding.element, depth)
        if binding.element is not None:
            return self._element_verdict(value, binding.element, depth)
        return self._verdict(value, depth)

    def _annotation_is_socket(self, annotation: ast.expr) -> bool:
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            return bool(self._model.imported_names(annotation) & _SOCKET_TYPES)
        if isinstance(annotation, ast.Subscript):
            if not self._model.imported_names(annotation.value) & _OPTIONAL:
                return False
            inner = annotation.slice
            if isinstance(inner, ast.Tuple):
                parts = list(inner.elts)
            elif isinstance(inner, ast.Slice):
                parts = []
            else:
                parts = [inner]
            return self._optional_socket(parts)
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return self._optional_socket([annotation.left, annotation.right])
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            text = annotation.value
            words = [word.strip() for word in text.replace("Optional[", "").rstrip("]").split("|")]
            return any(word in _SOCKET_TYPE_TEXT for word in words) and all(
                word in _SOCKET_TYPE_TEXT or word == "None" for word in words
            )
        return False

    def _optional_socket(self, parts: Sequence[ast.expr]) -> bool:
        others = [part for part in parts if not _is_none(part)]
        return bool(others) and all(self._annotation_is_socket(part) for part in others)

    # -- parameters and their call sites ---------------------------------------
    def _parameter_verdict(self, arg: ast.arg, depth: int) -> str:
        """What the calls of the function in this file pass for parameter ``arg``."""
        return self._memo(("p", id(arg)), lambda: self._parameter_uncached(arg, depth))

    def _parameter_uncached(
        self, arg: ast.arg, depth: int, judge: Callable[[ast.expr, int], str] | None = None
    ) -> str:
        """What the calls pass for ``arg``, each value judged by ``judge``
        (whether it is a socket, by default)."""
        judge = judge or self._verdict
        arguments = self._model.parent(arg)
        assert isinstance(arguments, ast.arguments)
        function = self._model.parent(arguments)
        default = self._default_of(arg)
        fallback = _NONE if _is_none(default) else _UNKNOWN_V
        if not isinstance(function, _FUNCTIONS):
            return fallback
        positional = [*arguments.posonlyargs, *arguments.args]
        position = next((i for i, a in enumerate(positional) if a is arg), None)
        if position is None and not any(a is arg for a in arguments.kwonlyargs):
            return _UNKNOWN_V  # *args, **kwargs
        sites = self._call_sites(function)
        if not sites:
            return fallback
        verdicts: list[str] = []
        for site in sites:
            if site is None:
                verdicts.append(_UNKNOWN_V)
                continue
            value = _argument(site, position, arg.arg)
            if value is _STARRED:
                verdicts.append(_UNKNOWN_V)
            elif value is None:
                verdicts.append(_NONE if default is None else judge(default, depth))
            else:
                verdicts.append(judge(value, depth))
        return _combine(verdicts)

    def _default_of(self, arg: ast.arg) -> ast.expr | None:
        arguments = self._model.parent(arg)
        if not isinstance(arguments, ast.arguments):
            return None
        positional = [*arguments.posonlyargs, *arguments.args]
        for position, candidate in enumerate(positional):
            if candidate is arg:
                offset = position - (len(positional) - len(arguments.defaults))
                return arguments.defaults[offset] if offset >= 0 else None
        for candidate, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
            if candidate is arg:
                return default
        return None

    def _call_sites(self, function: Function) -> list[Site | None]:
        """Where this file calls ``function``, with the arguments each call passes
        (None: a call whose arguments cannot be read)."""
        key = id(function)
        cached = self._sites_cache.get(key)
        if cached is not None:
            return cached
        sites: list[Site | None] = []
        owner = self._method_owner(function)
        model = self._model
        if owner is not None:
            for attribute in self._index.attributes(function.name):
                receiver = self._instance_class(attribute.value)
                if receiver is not None and (
                    receiver is owner or owner in self._class_info(receiver).local_bases
                ):
                    self._add_site(sites, attribute, 1)
            if function.name == "__init__":
                for reference in self._unique_references(owner):
                    self._add_site(sites, reference, 1)
        elif (
            not any(
                isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
                for d in function.decorator_list
            )
            and model.scope_of(function).kind != "class"
        ):
            for reference in self._unique_references(function):
                self._add_site(sites, reference, 0)
        self._sites_cache[key] = sites
        return sites

    def _unique_references(self, definition: Function | ast.ClassDef) -> list[ast.Name]:
        """The reads of a def's or class's name, when nothing else binds the name."""
        scope = self._model.scope_of(definition)
        found = [b for b in scope.lookup(definition.name) if not _is_del(b)]
        if len(found) != 1 or found[0].node is not definition:
            return []
        return self._index.references(found[0])

    def _add_site(self, sites: list[Site | None], reference: ast.expr, offset: int) -> None:
        """The call ``reference`` makes (or hands its arguments to), if any."""
        model = self._model
        parent = model.parent(reference)
        if isinstance(parent, ast.Call):
            if parent.func is reference:
                sites.append((parent.args, parent.keywords, offset))
                return
            if not any(a is reference for a in parent.args):
                return
            position = next(i for i, a in enumerate(parent.args) if a is reference)
            func = parent.func
            tail = func.attr if isinstance(func, ast.Attribute) else None
            if isinstance(func, ast.Name):
                imported = model.imported_names(func)
                tail = next(iter(imported)).rpartition(".")[2] if imported else func.id
            if tail in ("register", "modify") and position == 2 and parent.args:
                # selector.register(sock, events, handler): handler(key.fileobj, mask)
                sites.append(([parent.args[0]], [], offset))
                return
            runner = _RUNNERS.get(tail or "")
            if runner is None or runner[0] != position:
                return
            start = runner[1]
            if start is not None:
                sites.append((parent.args[start:], parent.keywords, offset))
                return
            packed = parent.args[position + 1] if len(parent.args) > position + 1 else None
            if isinstance(packed, (ast.Tuple, ast.List)):
                sites.append((packed.elts, [], offset))
            else:
                sites.append(None)
            return
        if isinstance(parent, ast.keyword) and parent.arg == "target":
            call = model.parent(parent)
            if not isinstance(call, ast.Call) or "threading.Thread" not in model.imported_names(
                call.func
            ):
                return
            packed = next((k.value for k in call.keywords if k.arg == "args"), None)
            if any(k.arg in ("kwargs", None) for k in call.keywords):
                sites.append(None)
            elif packed is None:
                sites.append(([], [], offset))
            elif isinstance(packed, (ast.Tuple, ast.List)):
                sites.append((packed.elts, [], offset))
            else:
                sites.append(None)
        elif isinstance(parent, ast.keyword) and parent.arg == "data":
            call = model.parent(parent)
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("register", "modify")
                and call.args
            ):
                sites.append(([call.args[0]], [], offset))

    # -- usage --------------------------------------------------------------------
    def _var_key(self, expr: ast.expr) -> VarKey | None:
        """What identifies the variable ``expr`` reads: a name's bindings, or a
        ``self`` attribute of a class."""
        if isinstance(expr, ast.Name):
            found = self._model.lookup(expr)
            return ("n", id(found), "") if found else None
        if isinstance(expr, ast.Attribute):
            owner = self._instance_class(expr.value)
            return ("a", id(owner), expr.attr) if owner is not None else None
        return None

    def _calls_on(self, method: str) -> dict[VarKey, list[ast.Call]]:
        """The file's ``X.method(...)`` calls, by the variable ``X``."""
        cached = self._calls_on_cache.get(method)
        if cached is None:
            cached = {}
            for call in self._index.method_calls(method):
                assert isinstance(call.func, ast.Attribute)
                key = self._var_key(call.func.value)
                if key is not None:
                    cached.setdefault(key, []).append(call)
            self._calls_on_cache[method] = cached
        return cached

    def _usage(self) -> dict[VarKey, set[int]]:
        """What the methods called on each variable say, for the whole file (once)."""
        if self._usage_index is None:
            found: dict[VarKey, set[int]] = {}
            for method in _EVIDENCE_METHODS:
                for call in self._index.method_calls(method):
                    level = _evidence(call)
                    if level is None:
                        continue
                    assert isinstance(call.func, ast.Attribute)
                    key = self._var_key(call.func.value)
                    if key is not None:
                        found.setdefault(key, set()).add(level)
            self._usage_index = found
        return self._usage_index

    def _used_like_socket(self, keys: Sequence[VarKey], name: str) -> bool:
        """Whether the variable (``keys``: a name, or an attribute in a class and
        its bases) is used with a method only sockets have, or with one sockets
        share with look-alikes while named like a socket, and with none that
        only look-alikes have."""
        levels: set[int] = set()
        usage = self._usage()
        for key in keys:
            levels |= usage.get(key, set())
        if not levels or _COUNTER in levels:
            return False
        return _STRONG in levels or (_WEAK in levels and heuristic_name(name))

    # -- self.attribute -----------------------------------------------------
    def _attribute_verdict(self, expr: ast.Attribute, depth: int) -> str:
        attr = expr.attr
        if self._heuristic and heuristic_name(attr):
            return "socket"
        value = expr.value
        if attr == "fileobj" and isinstance(value, ast.Name):
            selector = self._selector_of_key(value)
            if selector is not None:
                return self._registered(selector, depth)
        owner = self._instance_class(value)
        if owner is None:
            return _UNKNOWN_V
        return self._memo(("a", id(owner), attr), lambda: self._class_attribute(owner, attr, depth))

    def _class_attribute(self, classdef: ast.ClassDef, attr: str, depth: int) -> str:
        info = self._class_info(classdef)
        if attr == "request" and info.handler in ("base", "stream"):
            return "socket"
        if attr == "connection" and info.handler == "stream":
            return "socket"
        if attr == "socket":
            if info.handler == "datagram":
                return "datagram"
            if info.server is not None:
                return info.server
        found = self._attribute_bindings(classdef, attr)
        verdict = (
            _combine_annotated(
                [self._binding_verdict(b, depth) for b in found],
                [_annotated_only(b) for b in found],
            )
            if found
            else _UNKNOWN_V
        )
        keys = [("a", id(c), attr) for c in (classdef, *info.local_bases)]
        if verdict == _UNKNOWN_V and self._used_like_socket(keys, attr):
            return "socket"
        if verdict in KINDS and any(key in self._loopback_ends() for key in keys):
            return self._pair_kind()
        return verdict

    def _instance_class(self, expr: ast.expr, depth: int = 0) -> ast.ClassDef | None:
        """The class when ``expr`` is the ``self`` (or ``cls``) parameter of one
        of its methods, or a variable bound once to an instance of a class of
        the file: ``answer = Client(...)``, ``answer = self.__class__(...)``."""
        if not isinstance(expr, ast.Name) or depth > _MAX_DEPTH:
            return None
        found = bindings(self._model, expr)
        if len(found) == 1 and found[0].kind == "assign":
            statement = found[0].statement
            if not (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and statement.targets[0] is found[0].node
                and isinstance(statement.value, ast.Call)
            ):
                return None
            made = statement.value.func
            if isinstance(made, ast.Attribute) and made.attr == "__class__":
                return self._instance_class(made.value, depth + 1)
            if isinstance(made, ast.Name):
                classes = bindings(self._model, made)
                if len(classes) == 1 and isinstance(classes[0].node, ast.ClassDef):
                    return classes[0].node
            return None
        if len(found) != 1 or found[0].kind != "parameter":
            return None
        function = found[0].statement
        if not isinstance(function, _FUNCTIONS) or _first_parameter(function) is not found[0].node:
            return None
        return self._method_owner(function)

    def _method_owner(self, function: Function) -> ast.ClassDef | None:
        key = id(function)
        if key in self._owner_cache:
            return self._owner_cache[key]
        owner: ast.ClassDef | None = None
        if not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list
        ):
            # Up through the blocks of the class body (``if _have_ssl:`` around a method).
            for ancestor in self._model.ancestors(function):
                if isinstance(ancestor, ast.ClassDef):
                    owner = ancestor
                    break
                if isinstance(ancestor, (*_FUNCTIONS, ast.Lambda, ast.Module)):
                    break
        self._owner_cache[key] = owner
        return owner

    def _class_info(self, classdef: ast.ClassDef, depth: int = 0) -> _ClassInfo:
        cached = self._class_info_cache.get(id(classdef))
        if cached is not None:
            return cached
        handler: HandlerKind | None = None
        server: Kind | None = None
        local: list[ast.ClassDef] = []
        for base in classdef.bases:
            for name in {_py3_name(q.name) for q in self._model.qualified_names(base)}:
                if name in _HANDLER_BASES and handler != "stream":
                    handler = _HANDLER_BASES[name]
                server = server or _SERVER_BASES.get(name)
            if isinstance(base, ast.Name) and depth < _MAX_DEPTH:
                for binding in bindings(self._model, base):
                    node = binding.node
                    if binding.kind != "class" or node is classdef:
                        continue
                    assert isinstance(node, ast.ClassDef)
                    info = self._class_info(node, depth + 1)
                    if info.handler is not None and handler != "stream":
                        handler = info.handler
                    server = server or info.server
                    local.append(node)
                    local.extend(info.local_bases)
        info = _ClassInfo(handler, server, tuple(local))
        self._class_info_cache[id(classdef)] = info
        return info

    def _attribute_bindings(self, classdef: ast.ClassDef, attr: str) -> list[_Binding]:
        """The bindings of ``self.attr`` an instance of ``classdef`` can see:
        those of its class and its bases in the file, but not those of a
        base's method that a nearer class overrides (``start()`` of a UDP
        subclass that makes a datagram socket where its base made a stream;
        not one that calls the base's too, ``super().__init__(...)``)."""
        found: list[_Binding] = []
        overridden: set[str] = set()
        for owner in (classdef, *self._class_info(classdef).local_bases):
            by_method = self._class_bindings(owner)
            for method, table in by_method.items():
                if method is None or method not in overridden:
                    found.extend(table.get(attr, ()))
            overridden.update(
                statement.name
                for statement in _statements(owner.body)
                if isinstance(statement, _FUNCTIONS) and not _extends_base(statement)
            )
        return found

    def _class_bindings(
        self, classdef: ast.ClassDef
    ) -> dict[str | None, dict[str, list[_Binding]]]:
        """``method -> attr -> bindings`` for ``self.attr = ...`` in each
        method of ``classdef``, and under None, ``attr = ...`` / ``attr: T``
        in its body."""
        cached = self._class_bindings_cache.get(id(classdef))
        if cached is not None:
            return cached
        found: dict[str | None, dict[str, list[_Binding]]] = {None: {}}
        body = found[None]
        for statement in _statements(classdef.body):
            if isinstance(statement, _FUNCTIONS):
                self._method_bindings(statement, found.setdefault(statement.name, {}))
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                body.setdefault(statement.target.id, []).append(
                    _Binding(statement.value, annotation=statement.annotation)
                )
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        body.setdefault(target.id, []).append(_Binding(statement.value))
        self._class_bindings_cache[id(classdef)] = found
        return found

    def _method_bindings(self, method: Function, found: dict[str, list[_Binding]]) -> None:
        first = _first_parameter(method)
        if first is None:
            return
        me = first.arg
        for statement in _statements(method.body):
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    _record_target(target, statement.value, me, found)
            elif isinstance(statement, ast.AnnAssign):
                attr = _self_attribute(statement.target, me)
                if attr is not None:
                    found.setdefault(attr, []).append(
                        _Binding(statement.value, annotation=statement.annotation)
                    )
            elif isinstance(statement, ast.AugAssign):
                attr = _self_attribute(statement.target, me)
                if attr is not None:
                    found.setdefault(attr, []).append(_UNKNOWN)

    # -- streams ------------------------------------------------------------
    def _stream(self, expr: ast.expr, depth: int) -> str:
        if depth > _MAX_DEPTH:
            return _UNKNOWN_V
        return self._memo(("s", id(expr)), lambda: self._stream_uncached(expr, depth + 1))

    def _stream_uncached(self, expr: ast.expr, depth: int) -> str:
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "makefile":
                return self._verdict(func.value, depth)
            return _NOT
        found = self._stream_origin(expr)
        if isinstance(found, ast.ClassDef):
            return "socket"
        if not found:
            return _NOT
        verdicts: list[str] = []
        for binding in found:
            if binding.neutral or (binding.element is None and _is_none(binding.value)):
                verdicts.append(_NONE)
            elif binding.parameter is not None and binding.annotation is None:
                # def handle(stream): ...; pool.spawn_n(handle, conn.makefile("rw"))
                verdicts.append(self._stream_parameter(binding.parameter, depth))
            elif binding.value is None or binding.element is not None or binding.iterated:
                return _NOT
            else:
                verdicts.append(self._stream(binding.value, depth))
        verdict = _combine(verdicts)
        return verdict if verdict in KINDS else _NOT

    def _stream_origin(self, expr: ast.expr) -> ast.ClassDef | list[_Binding] | None:
        """Where a name or instance attribute that may hold a stream comes from:
        the stream request handler class, for its ``self.rfile`` /
        ``self.wfile``; otherwise the variable's bindings (None: unknown)."""
        if isinstance(expr, ast.Name):
            return self._variable_bindings(expr)
        if not isinstance(expr, ast.Attribute):
            return None
        owner = self._instance_class(expr.value)
        if owner is None:
            return None
        if expr.attr in ("rfile", "wfile") and self._class_info(owner).handler == "stream":
            return owner
        return self._attribute_bindings(owner, expr.attr)

    def _stream_parameter(self, arg: ast.arg, depth: int) -> str:
        """What streams the calls of the function in this file pass for ``arg``."""
        return self._memo(
            ("sp", id(arg)), lambda: self._parameter_uncached(arg, depth, self._stream)
        )


def _buffered_makefile(call: ast.Call) -> bool:
    """``x.makefile("w")`` / ``makefile("rwb", -1)``: a write mode with buffering (not 0)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "makefile"):
        return False
    mode = (
        call.args[0]
        if call.args
        else next((k.value for k in call.keywords if k.arg == "mode"), None)
    )
    if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "w" in mode.value):
        return False
    buffering = (
        call.args[1]
        if len(call.args) > 1
        else next((k.value for k in call.keywords if k.arg == "buffering"), None)
    )
    if buffering is None:
        return True
    return isinstance(buffering, (ast.Constant, ast.UnaryOp)) and _literal(buffering) not in (
        0,
        None,
    )


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _annotated_only(binding: _Binding) -> bool:
    """A binding that only says a type: an annotation with no value or ``None``."""
    return (
        binding.annotation is not None
        and binding.parameter is None
        and binding.element is None
        and (binding.value is None or _is_none(binding.value))
    )


def _combine_annotated(verdicts: Sequence[str], annotated: Sequence[bool]) -> str:
    """:func:`_combine`, where a binding that only states the type (``self.r:
    socket.socket | None = None``) yields to the kind the other bindings
    agree on (the ends of a pair, a datagram socket)."""
    others = [v for v, only in zip(verdicts, annotated) if not only]
    if len(others) < len(verdicts):
        combined = _combine(others)
        if combined in KINDS:
            return combined
    return _combine(verdicts)


#: Hosts that only this machine can reach.
_LOOPBACK_HOSTS = frozenset({"localhost", "::1", "0:0:0:0:0:0:0:1"})


def _loopback_host(address: ast.expr) -> str | None:
    """The host of an ``(host, port, ...)`` address when it is a loopback one."""
    if not isinstance(address, ast.Tuple) or not address.elts:
        return None
    host = address.elts[0]
    if not isinstance(host, ast.Constant) or not isinstance(host.value, str):
        return None
    text = host.value
    return text if text in _LOOPBACK_HOSTS or text.startswith("127.") else None


def _py3_name(name: str) -> str:
    """``socketserver.TCPServer`` for ``SocketServer.TCPServer`` (a Python 2 module name)."""
    module, dot, rest = name.partition(".")
    return f"{_PY2_MODULES[module]}.{rest}" if dot and module in _PY2_MODULES else name


def _type_kind(call: ast.Call, position: int) -> str:
    """``datagram`` when the ``type`` argument of a socket factory says
    ``SOCK_DGRAM``; ``raw`` when it says ``SOCK_RAW`` or the family before it
    is ``AF_PACKET`` (packets, not a connection: nothing to reset)."""
    if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return "socket"
    value = next((k.value for k in call.keywords if k.arg == "type"), None)
    if value is None and len(call.args) > position:
        value = call.args[position]
    family = next((k.value for k in call.keywords if k.arg == "family"), None)
    if family is None and position >= 1 and len(call.args) >= position:
        family = call.args[position - 1]
    if (value is not None and _says(value, "SOCK_RAW")) or (
        family is not None and (_says(family, "AF_PACKET") or _says(family, "PF_PACKET"))
    ):
        return "raw"
    return "datagram" if value is not None and _says(value, "SOCK_DGRAM") else "socket"


def _says(value: ast.expr, constant: str) -> bool:
    """``socket.SOCK_DGRAM``, ``SOCK_DGRAM`` or ``SOCK_DGRAM | SOCK_NONBLOCK``."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
        return _says(value.left, constant) or _says(value.right, constant)
    if isinstance(value, ast.Attribute):
        return value.attr == constant
    return isinstance(value, ast.Name) and value.id == constant


def _evidence(call: ast.Call) -> int | None:
    """What calling this method says about its receiver: strong, weak or counter evidence."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    method = func.attr
    if method in _LOOKALIKE_METHODS:
        return _COUNTER
    args = call.args
    if method in SOCKET_IO_METHODS and args:
        # ``proactor.recv(sock, n)``, ``loop.sendto(conn, data)``: a socket is
        # the argument, so the receiver is something that works on sockets.
        first = args[0]
        name = (
            first.id
            if isinstance(first, ast.Name)
            else first.attr
            if isinstance(first, ast.Attribute)
            else None
        )
        if name is not None and heuristic_name(name):
            return _COUNTER
    if method in _STRONG_METHODS:
        return _STRONG
    if method in _WEAK_METHODS:
        return _WEAK
    if method == "setsockopt":
        # socket: setsockopt(level, option, value); ZeroMQ: setsockopt(option, value)
        return _STRONG if len(args) >= 3 else _COUNTER if len(args) == 2 else None
    if method == "getsockopt":
        return _STRONG if len(args) >= 2 else _COUNTER if len(args) == 1 else None
    if method in ("bind", "connect") and len(args) == 1:
        address = args[0]
        if isinstance(address, ast.Tuple):
            return _STRONG  # (host, port); ZeroMQ takes "tcp://host:port"
        if isinstance(address, (ast.Constant, ast.JoinedStr)):
            text = address.value if isinstance(address, ast.Constant) else ""
            if isinstance(address, ast.JoinedStr):
                text = "".join(
                    part.value
                    for part in address.values
                    if isinstance(part, ast.Constant) and isinstance(part.value, str)
                )
            if isinstance(text, str) and "://" in text:
                return _COUNTER
    return None


#: An argument that cannot be read (behind ``*args`` / ``**kwargs``).
_STARRED = ast.expr()


def _argument(site: Site, position: int | None, name: str) -> ast.expr | None:
    """What a call passes for the parameter at ``position`` named ``name``
    (None: nothing, the default applies; ``_STARRED``: cannot tell)."""
    args, keywords, offset = site
    if position is not None:
        index = position - offset
        if index < 0:
            return _STARRED
        for current, value in enumerate(args):
            if isinstance(value, ast.Starred):
                return _STARRED
            if current == index:
                return value
    for keyword in keywords:
        if keyword.arg is None:
            return _STARRED
        if keyword.arg == name:
            return keyword.value
    return None


def _first_argument(call: ast.Call) -> ast.expr:
    """The value of a call's first argument, positional or keyword, in source order."""
    arguments: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
    first = min(arguments, key=lambda a: (a.lineno, a.col_offset))
    if isinstance(first, ast.keyword):
        return first.value
    return first.value if isinstance(first, ast.Starred) else first


def _self_attribute(target: ast.expr, me: str) -> str | None:
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == me
    ):
        return target.attr
    return None


def _record_target(
    target: ast.expr, value: ast.expr, me: str, found: dict[str, list[_Binding]]
) -> None:
    attr = _self_attribute(target, me)
    if attr is not None:
        found.setdefault(attr, []).append(_Binding(value))
        return
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            inner = element.value if isinstance(element, ast.Starred) else element
            attr = _self_attribute(inner, me)
            if attr is None:
                continue
            position = _tuple_index(target, inner)
            found.setdefault(attr, []).append(
                _Binding(value, element=position) if position is not None else _UNKNOWN
            )


def bindings(model: Model, name: ast.Name) -> list[Binding]:
    """The bindings of ``name`` where it stands; a ``del`` unbinds, it binds nothing."""
    found = model.lookup(name)
    if any(_is_del(binding) for binding in found):
        return [binding for binding in found if not _is_del(binding)]
    return found


def _is_del(binding: Binding) -> bool:
    node = binding.node
    return isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del)


def _extends_base(method: Function) -> bool:
    """Whether a method calls its namesake of a base (``super().start()``,
    ``Base.start(self)``): it adds to the base's method instead of replacing it."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method.name
        for node in _own_statements(method)
    )


def _own_statements(function: Function) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of nested functions, lambdas or classes."""
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (*_FUNCTIONS, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
