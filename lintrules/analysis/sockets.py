"""What the socket I/O rules (NC101, NC102) need to know about a file.

Two questions, answered from the file's :class:`~lintrules.analysis.model.Model`:

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
    tuple holding one), ``contextlib.closing()`` of one;
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
* :meth:`ResetGuards.guarded`: does a handler in the same function catch a
  reset (``ConnectionResetError`` or anything wider), or does a
  ``contextlib.suppress``, ``pytest.raises``/``assertRaises`` block,
  ``netcompat.normalize()`` or ``@netcompat.retry`` cover the call, or is
  the error the caller's by contract (a docstring that says the function
  raises a socket error, a socket method of a class that emulates a
  socket)?  Unknown
  exception names (``except self.errors:``, an exception imported from a
  third-party module) count as guards: a rule that reports guarded code gets
  switched off.

Both objects live for one file (one per model, shared by the rules) and
cache what they learn per node, per function and per class, so a file with
many calls on one socket resolves it once.  What they need beyond the model
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
from .project import PROJECT_CLASS

__all__ = [
    "DATAGRAM_SENDS",
    "HEURISTIC_OPTION",
    "KINDS",
    "SEND_METHODS",
    "SOCKET_IO_METHODS",
    "SOCKET_ONLY_METHODS",
    "STREAM_IO_METHODS",
    "Kind",
    "ResetGuards",
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

#: The request handler methods a framework calls, and the method that calls
#: each: socketserver's ``BaseRequestHandler.__init__`` runs ``setup()``,
#: ``handle()`` and ``finish()``; http.server's ``handle()`` runs
#: ``handle_one_request()``, which runs ``do_<COMMAND>()`` (``"do_"``) and
#: the request methods of ``BaseHTTPRequestHandler`` and
#: ``SimpleHTTPRequestHandler`` that a handler may override.
_DISPATCHERS: dict[str, str] = {
    "do_": "handle_one_request",
    **dict.fromkeys(
        (
            "parse_request",
            "send_error",
            "send_response",
            "send_response_only",
            "send_header",
            "end_headers",
            "flush_headers",
            "send_head",
            "copyfile",
            "log_request",
            "log_error",
            "log_message",
        ),
        "handle_one_request",
    ),
    "handle_one_request": "handle",
    "handle": "__init__",
    "setup": "__init__",
    "finish": "__init__",
}
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

#: Handlers that catch ``ConnectionResetError``: the class, its bases and
#: their aliases.
RESET_CATCHERS = frozenset(
    {
        "builtins.OSError",
        "builtins.IOError",
        "builtins.EnvironmentError",
        "builtins.WindowsError",
        "builtins.ConnectionError",
        "builtins.ConnectionResetError",
        "builtins.Exception",
        "builtins.BaseException",
        "socket.error",
        "_socket.error",
        "select.error",
        "os.error",
    }
)
#: Modules whose exception names we know: any of their names not in
#: ``RESET_CATCHERS`` cannot catch a reset (``socket.timeout``,
#: ``ssl.SSLError``, ``netcompat.PeerResetError``...).  A name imported from any
#: other module might be an alias of ``OSError`` and counts as a guard.
_KNOWN_MODULES = frozenset(
    {
        "builtins",
        "socket",
        "_socket",
        "ssl",
        "_ssl",
        "select",
        "selectors",
        "asyncio",
        "concurrent",
        "errno",
        "os",
        "io",
        "http",
        "urllib",
        "email",
        "json",
        "struct",
        "pickle",
        "queue",
        "subprocess",
        "socketserver",
        "ftplib",
        "smtplib",
        "poplib",
        "imaplib",
        "xmlrpc",
        "multiprocessing",
        "threading",
        "time",
        "zlib",
        "binascii",
        "codecs",
        "netcompat",
    }
)
_NORMALIZE = frozenset({"netcompat.normalize", "netcompat._normalize.normalize"})
_RETRY = frozenset({"netcompat.retry", "netcompat._retry.retry"})
_SUPPRESS = frozenset({"contextlib.suppress"})
_CONTEXT_MANAGERS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
#: ``with pytest.raises(E):`` and ``with self.assertRaises(E):`` catch ``E``.
_RAISES = frozenset({"pytest.raises"})
_ASSERT_RAISES = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})

#: Names the ``socket-name-heuristic`` option treats as sockets.
_SOCKET_NAME = re.compile(
    r"_*(?:[A-Za-z0-9]+_)*(?:[a-z]*sock|[a-z]*socket|[a-z]*Socket|conn|connection)", re.ASCII
)
HEURISTIC_OPTION = "socket-name-heuristic"

_MAX_DEPTH = 40
#: How many functions deep a search for guarded callers still looks in other modules.
_MAX_CALLER_HOPS = 6

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
        if owner is None:
            return None
        for classdef in (owner, *self._class_info(owner).local_bases):
            method = self._class_methods(classdef).get(func.attr)
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
        if verdict == _UNKNOWN_V:
            key = self._var_key(name)
            if key is not None and self._used_like_socket((key,), name.id):
                return "socket"
        if verdict in KINDS and self._var_key(name) in self._loopback_ends():
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


def _outside_catches_reset(qualified: str) -> bool:
    """Whether a class the project's imports lead to catches a reset (unknown ones do)."""
    if qualified == PROJECT_CLASS:
        return False  # the project's own class catches only itself
    if qualified in RESET_CATCHERS:
        return True
    return not (qualified.startswith("builtins.") or qualified.partition(".")[0] in _KNOWN_MODULES)


def bindings(model: Model, name: ast.Name) -> list[Binding]:
    """The bindings of ``name`` where it stands; a ``del`` unbinds, it binds nothing."""
    found = model.lookup(name)
    if any(_is_del(binding) for binding in found):
        return [binding for binding in found if not _is_del(binding)]
    return found


def _is_del(binding: Binding) -> bool:
    node = binding.node
    return isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del)


# -- guards ---------------------------------------------------------------------
#: In a docstring: says that something is raised.
_RAISES_WORD = re.compile(r"\brais(?:e|es|ed|ing)\b", re.IGNORECASE)
#: In a docstring: an error that covers a reset, by its class or in prose.
_RESET_WORDS = re.compile(
    r"\b(?:(?:socket|_socket|select|os)\.error|OSError|IOError|EnvironmentError"
    r"|ConnectionError|ConnectionResetError"
    r"|(?:network|socket) (?:errors?|exceptions?|failures?)"
    r"|rais(?:e|es|ing) on (?:any )?(?:errors?|failures?))\b",
    re.IGNORECASE,
)
#: Methods only a socket (or something that stands in for one) has: a class
#: that defines several of them emulates a socket.
_EMULATED_IO = frozenset({"recv", "recv_into", "recvfrom", "send", "sendall", "sendto"})
_EMULATED_OTHER = frozenset(
    {
        "fileno",
        "makefile",
        "settimeout",
        "gettimeout",
        "setblocking",
        "getpeername",
        "getsockname",
        "setsockopt",
        "getsockopt",
        "shutdown",
    }
)

#: The methods of a socket (and of a stream over one) an emulator may define.
_EMULATED_API = (
    _EMULATED_IO
    | _EMULATED_OTHER
    | {"read", "readinto", "write", "recvmsg", "sendmsg", "sendfile", "unwrap", "do_handshake"}
)


#: A function named like one of these (leading underscores aside), or
#: ``<verb>_...`` / ``..._<verb>``, is an I/O primitive of its own:
#: ``_safe_read``, ``write_chunk``, ``sendfile``, ``_send_100_continue``.
_IO_VERBS = frozenset({"read", "recv", "send", "write", "flush", "sendall", "readline"})
#: ``handle_read``, ``on_write``, ``do_read``: what an event loop calls when a
#: socket is ready, whose errors reach the loop, not a caller.
_CAMEL_HUMP = re.compile(r"([a-z0-9])([A-Z])")
_CALLBACK_WORDS = frozenset({"handle", "on", "do", "process", "dispatch", "callback", "cb"})
_IO_NAMES = re.compile(
    r"_*(?:(?:read|recv|send|write)(?:1|all|into|line|lines|file|msg|from|from_into|_into|to)?"
    r"|flush|readexactly)(?:_\w+)?"
)
#: Errors of a stream that say the peer is slow or gone but do not cover a
#: reset: a function that catches one of them handles some of its stream's
#: failures itself.  (``InterruptedError``, ``BlockingIOError`` and
#: ``ssl.SSLWantReadError`` are the mechanics of a read, not failures.)
_PARTIAL_HANDLERS = frozenset(
    {
        "builtins.TimeoutError",
        "builtins.BrokenPipeError",
        "builtins.ConnectionAbortedError",
        "builtins.ConnectionRefusedError",
    }
)
_PARTIAL_MODULES = frozenset({"socket", "_socket", "ssl", "_ssl"})
_NOT_PARTIAL = frozenset(
    {
        "ssl.SSLWantReadError",
        "ssl.SSLWantWriteError",
        "_ssl.SSLWantReadError",
        "_ssl.SSLWantWriteError",
    }
)
#: ``OSError`` and its aliases: a class derived from one is a kind of socket error.
_OSERROR_KIND = RESET_CATCHERS - {"builtins.Exception", "builtins.BaseException"}


def is_io_primitive_name(name: str) -> bool:
    """Whether a function's name says it is a read or a write of its own:
    ``read``, ``readinto``, ``_recv``, ``sendall``, ``write_chunk``,
    ``_send_100_continue``, ``flush``, ``_safe_read``, ``socketRecv``; not
    an event callback (``handle_read``, ``on_write``, ``doRead``)."""
    name = _CAMEL_HUMP.sub(r"\1_\2", name).lower()  # socketRecv: socket_recv
    if _IO_NAMES.fullmatch(name):
        return True
    first, _, last = name.strip("_").rpartition("_")
    return bool(first) and last in _IO_VERBS and first.partition("_")[0] not in _CALLBACK_WORDS


def tests_empty(test: ast.expr, name: str | None = None) -> bool:
    """``not name``, ``name == b""`` (either side) or ``len(name) == 0``; any
    name when ``name`` is None."""

    def is_name(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and (name is None or node.id == name)

    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return is_name(test.operand)
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    left, right = test.left, test.comparators[0]
    for one, other in ((left, right), (right, left)):
        if is_name(one) and isinstance(other, ast.Constant) and other.value in (b"", ""):
            return True
        if (
            isinstance(one, ast.Call)
            and isinstance(one.func, ast.Name)
            and one.func.id == "len"
            and len(one.args) == 1
            and is_name(one.args[0])
            and isinstance(other, ast.Constant)
            and other.value == 0
            and type(other.value) is int
        ):
            return True
    return False


def _extends_base(method: Function) -> bool:
    """Whether a method calls its namesake of a base (``super().start()``,
    ``Base.start(self)``): it adds to the base's method instead of replacing it."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method.name
        for node in _own_statements(method)
    )


def _only_tested(model: Model, use: ast.expr) -> bool:
    """Whether ``X.name`` is only tested, not run or passed on: the test of
    an ``if``/``while``/``assert``, an operand of ``and``/``or``/``not`` or
    of a comparison in one (``if self.config.serve_wpad and ...``), where a
    setting of the same name is what it usually is."""
    node: ast.AST = use
    parent = model.parent(node)
    while isinstance(parent, (ast.BoolOp, ast.UnaryOp, ast.Compare)):
        if isinstance(parent, ast.UnaryOp) and not isinstance(parent.op, ast.Not):
            return False
        node, parent = parent, model.parent(parent)
    return isinstance(parent, (ast.If, ast.While, ast.Assert, ast.IfExp)) and parent.test is node


def _in_method_named(model: Model, node: ast.AST, name: str) -> bool:
    """Whether ``node`` is in the body of a method called ``name`` (its
    innermost function, defined in a class body)."""
    function = next((a for a in model.ancestors(node) if isinstance(a, _FUNCTIONS)), None)
    return (
        function is not None
        and function.name == name
        and model.scope_of(function).kind == "class"
    )


def _own_statements(function: Function) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of nested functions, lambdas or classes."""
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, (*_FUNCTIONS, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))


def _cleans_up(block: list[ast.stmt]) -> bool:
    """Whether an end-of-stream branch does more than hand the end on: a call
    (``self.mark_dead()``, ``sock.close()``) or an assignment before it
    returns, breaks or raises."""
    return any(isinstance(s, (ast.Expr, ast.Assign, ast.AugAssign, ast.Delete)) for s in block)


def documents_reset(docstring: str | None) -> bool:
    """Whether a docstring says the function raises a socket error: a
    paragraph that names raising and an error covering a reset
    (``socket.error``, ``OSError``, ``ConnectionError``... or "network
    errors" in prose), as in ``Raises:`` / ``:raises:`` sections."""
    if not docstring or not _RAISES_WORD.search(docstring):
        return False
    return any(
        _RAISES_WORD.search(paragraph) and _RESET_WORDS.search(paragraph)
        for paragraph in re.split(r"\n\s*\n", docstring)
    )


def _emulated_methods(classdef: ast.ClassDef) -> frozenset[str]:
    """The socket methods of a class that emulates a socket, and the methods
    of the class they call (``self._io_loop()``); nothing for other classes.

    A class emulates a socket when it defines two of a socket's I/O methods
    and two of its other methods (``fileno``, ``settimeout``, ``makefile``...).
    """
    methods: dict[str, list[Function]] = {}
    for statement in _statements(classdef.body):
        if isinstance(statement, _FUNCTIONS):
            methods.setdefault(statement.name, []).append(statement)
    names = methods.keys()
    if len(names & _EMULATED_IO) < 2 or len(names & _EMULATED_OTHER) < 2:
        return frozenset()
    found = set(names & _EMULATED_API)
    todo = list(found)
    while todo:
        for method in methods[todo.pop()]:
            me = _first_parameter(method)
            if me is None:
                continue
            for node in ast.walk(method):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == me.arg
                    and node.func.attr in methods
                    and node.func.attr not in found
                ):
                    found.add(node.func.attr)
                    todo.append(node.func.attr)
    return frozenset(found)


class ResetGuards:
    """Answers "is a reset raised here caught or normalized?" for one file.

    Walks out from the node to the enclosing function: a ``try`` whose body
    holds it and one of whose handlers catches a reset, a ``with`` block of
    ``contextlib.suppress(OSError)``, ``netcompat.normalize()``,
    ``pytest.raises(E)`` or ``self.assertRaises(E)`` (``E`` catching a
    reset), or a function decorated with ``@netcompat.normalize()`` /
    ``@netcompat.retry``.

    A handler around a nested ``def`` or a ``lambda`` does not count: the body
    runs later, elsewhere (a thread target, a callback).  Except for a lambda
    called in place: ``iter(lambda: s.recv(n), b"")`` consumed where it
    stands (a ``for`` loop, a comprehension, an argument of a call), and
    ``pytest.raises(E, lambda: ...)`` / ``assertRaises(E, lambda: ...)``.  And
    a nested function, a method, a private module-level function
    (``_name``) or one the module's ``__all__`` leaves out that is only ever
    used as a direct call at guarded places of this file is guarded by those
    calls' handlers; a method this file never uses, by its calls in the
    package's other modules when they are all at guarded places there; a
    request handler's method that its framework runs (``handle()``,
    ``do_GET()``), by the handler's override of the method that runs it,
    when that calls the framework's version at guarded places only.  A
    ``with`` block of a ``@contextlib.contextmanager`` of the file whose
    every ``yield`` stands in a ``try`` that catches a reset is guarded too.

    A function whose docstring says it raises a socket error, and a socket
    method of a class that emulates a socket (with the methods of the class
    it calls), let the error out by contract: that counts as a guard.
    """

    def __init__(self, model: Model) -> None:
        self._model = model
        self._try_cache: dict[int, bool] = {}
        self._with_cache: dict[int, bool] = {}
        self._function_cache: dict[int, bool] = {}
        self._emulator_cache: dict[int, frozenset[str]] = {}
        self._index = _file_index(model)
        self._all: tuple[bool, frozenset[str]] | None = None
        self._manager_cache: dict[int, bool] = {}
        self._variable_manager: dict[tuple[object, ...], bool] = {}

    @classmethod
    def of(cls, model: Model) -> ResetGuards:
        """The file's guards (made once: the rule and other files' callers share them)."""
        found = model.memo.get(cls)
        if found is None:
            found = model.memo[cls] = cls(model)
        assert isinstance(found, ResetGuards)
        return found

    def guarded(self, node: ast.AST) -> bool:
        """Whether a reset raised by ``node`` is caught or normalized."""
        return self._guarded(node, frozenset())

    def catches_reset(self, expr: ast.expr, depth: int = 0) -> bool:
        """Whether an ``except`` clause's type (or a ``suppress`` argument) catches a reset.

        True for ``OSError`` and its aliases and bases, for names we cannot
        resolve, and for a tuple holding any of them.
        """
        if depth > _MAX_DEPTH:
            return True
        if isinstance(expr, (ast.Tuple, ast.List)):
            return any(
                isinstance(element, ast.Starred) or self.catches_reset(element, depth + 1)
                for element in expr.elts
            )
        if not isinstance(expr, (ast.Name, ast.Attribute)):
            return True
        names = self._model.qualified_names(expr)
        project = self._model.project
        if not names:
            if project is not None and isinstance(expr, ast.Name) and self._model.unknown(expr):
                # Bound nowhere here: from one of the file's star imports.
                starred = project.resolve_starred(expr.id, self._model.star_imports)
                if starred is not None:
                    return any(_outside_catches_reset(target) for target in starred)
            return True
        for name in names:
            if name.name in RESET_CATCHERS:
                return True
            if name.source == "builtin":
                continue
            if name.source == "import" and name.name.partition(".")[0] in _KNOWN_MODULES:
                continue
            if name.source == "local" and isinstance(expr, ast.Name):
                if self._local_catches_reset(expr, depth):
                    return True
                continue
            if name.source == "import" and project is not None:
                # A class of the project itself: what its module binds it to.
                resolved = project.resolve(name.name)
                if resolved is not None:
                    if any(_outside_catches_reset(target) for target in resolved):
                        return True
                    continue
            return True
        return False

    def _local_catches_reset(self, name: ast.Name, depth: int) -> bool:
        for binding in bindings(self._model, name):
            if binding.kind == "class":
                continue  # a class defined here cannot catch OSError
            node = binding.node
            parent = self._model.parent(node)
            if (
                binding.kind == "assign"
                and isinstance(parent, ast.Assign)
                and any(target is node for target in parent.targets)
            ):
                if self.catches_reset(parent.value, depth + 1):
                    return True
                continue
            return True
        return False

    def _try_guards(self, statement: ast.AST) -> bool:
        key = id(statement)
        cached = self._try_cache.get(key)
        if cached is None:
            cached = any(
                handler.type is None or self.catches_reset(handler.type)
                for handler in statement.handlers  # type: ignore[attr-defined]
            )
            self._try_cache[key] = cached
        return cached

    def _with_guards(self, statement: ast.With | ast.AsyncWith) -> bool:
        key = id(statement)
        cached = self._with_cache.get(key)
        if cached is None:
            cached = any(self._item_guards(item) for item in statement.items)
            self._with_cache[key] = cached
        return cached

    def _item_guards(self, item: ast.withitem) -> bool:
        call = item.context_expr
        if not isinstance(call, ast.Call):
            return False
        names = self._model.imported_names(call.func)
        if names & _NORMALIZE:
            return True
        if self._is_raises(call):
            expected = self._expected(call)
            return expected is not None and self.catches_reset(expected)
        if names & _SUPPRESS:
            return any(
                isinstance(arg, ast.Starred) or self.catches_reset(arg) for arg in call.args
            ) or any(self.catches_reset(keyword.value) for keyword in call.keywords)
        return self._manager_guards(call.func, 0)

    def _manager_guards(self, func: ast.expr, depth: int) -> bool:
        """Whether ``func`` is a context manager of this file that catches a
        reset (see :meth:`_guarding_manager`): a function, a method of the
        class (``self.handling``), or what every assignment of the name or
        attribute binds, following a parameter to what every call of its
        function passes (``self.handling = handling`` in ``__init__``)."""
        if depth > _MAX_DEPTH:
            return False
        inference = SocketInference.of(self._model)
        found: list[_Binding] | None
        if isinstance(func, ast.Attribute):
            owner = inference._instance_class(func.value)
            if owner is None:
                return False
            for classdef in (owner, *inference._class_info(owner).local_bases):
                method = inference._class_methods(classdef).get(func.attr)
                if method is not None:
                    return self._guarding_manager(method)
            key: tuple[object, ...] = ("a", id(owner), func.attr)
            found = inference._attribute_bindings(owner, func.attr)
        elif isinstance(func, ast.Name):
            defined = bindings(self._model, func)
            if defined and all(b.kind == "function" for b in defined):
                return all(
                    isinstance(b.node, _FUNCTIONS) and self._guarding_manager(b.node)
                    for b in defined
                )
            key = ("n", *(id(b.node) for b in defined))
            found = inference._variable_bindings(func)
        else:
            return False
        if not found:
            return False
        cached = self._variable_manager.get(key)
        if cached is None:
            self._variable_manager[key] = False  # met again while worked out: no
            cached = self._variable_manager[key] = self._bindings_guard(found, depth)
        return cached

    def _bindings_guard(self, found: list[_Binding], depth: int) -> bool:
        """Whether every binding of a variable gives a context manager that
        catches a reset (``None`` aside)."""
        inference = SocketInference.of(self._model)

        def judge(value: ast.expr, depth: int) -> str:
            return "socket" if self._manager_guards(value, depth + 1) else _NOT

        seen = 0
        for binding in found:
            if binding.parameter is not None:
                verdict = inference._parameter_uncached(binding.parameter, depth, judge)
                if verdict != "socket":
                    return False
            elif binding.value is None or binding.element is not None or binding.iterated:
                return False
            elif _is_none(binding.value):
                continue  # ``self.handling = None`` until it is set
            elif not self._manager_guards(binding.value, depth + 1):
                return False
            seen += 1
        return seen > 0

    def _guarding_manager(self, function: Function) -> bool:
        """A ``@contextlib.contextmanager`` function whose every ``yield``
        stands in a ``try`` that catches a reset (or a ``with`` block that
        does): the body of a ``with`` block of it runs there."""
        key = id(function)
        cached = self._manager_cache.get(key)
        if cached is not None:
            return cached
        self._manager_cache[key] = False  # a manager that uses itself
        model = self._model
        decorated = any(
            model.imported_names(d.func if isinstance(d, ast.Call) else d) & _CONTEXT_MANAGERS
            for d in function.decorator_list
        )
        yields = [
            node
            for node in ast.walk(function)
            if isinstance(node, (ast.Yield, ast.YieldFrom))
            and next(
                (a for a in model.ancestors(node) if isinstance(a, (*_FUNCTIONS, ast.Lambda))),
                None,
            )
            is function
        ]
        result = decorated and bool(yields) and all(self._yield_guarded(y) for y in yields)
        self._manager_cache[key] = result
        return result

    def _yield_guarded(self, node: ast.expr) -> bool:
        """A handler of the same function around the ``yield``."""
        child: ast.AST = node
        for parent in self._model.ancestors(node):
            if isinstance(parent, _FUNCTIONS):
                return False
            if self._block_guards(parent, child):
                return True
            child = parent
        return False

    def _block_guards(self, block: ast.AST, child: ast.AST) -> bool:
        """Whether ``child``, a statement directly in ``block``, is guarded by it:
        the body of a ``try`` whose handlers catch a reset, or of a guarding ``with``."""
        if not isinstance(child, ast.stmt):
            return False
        if isinstance(block, _TRY):
            return any(child is s for s in block.body) and self._try_guards(block)  # type: ignore[attr-defined]
        return isinstance(block, (ast.With, ast.AsyncWith)) and self._with_guards(block)

    def _decorated_with_guard(self, function: Function) -> bool:
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self._model.imported_names(target) & (_NORMALIZE | _RETRY):
                return True
        return False

    def _guarded(self, node: ast.AST, active: frozenset[int]) -> bool:
        child = node
        for parent in self._model.ancestors(node):
            if isinstance(parent, _FUNCTIONS):
                if isinstance(child, ast.stmt):  # in the body, not a decorator or default
                    return self._function_guarded(parent, active)
            elif isinstance(parent, ast.Lambda):
                if child is parent.body:
                    runs_at = self._lambda_runs_at(parent)
                    if isinstance(runs_at, bool):
                        return runs_at
                    return self._guarded(runs_at, active)
            elif self._block_guards(parent, child):
                return True
            child = parent
        return False

    def _function_guarded(self, function: Function, active: frozenset[int]) -> bool:
        if active:
            return (
                self._by_contract(function)
                or self._dispatched_guarded(function, active)
                or self._called_only_guarded(function, active)
            )
        key = id(function)
        cached = self._function_cache.get(key)
        if cached is None:
            cached = (
                self._by_contract(function)
                or self._dispatched_guarded(function, frozenset())
                or self._called_only_guarded(function, active)
            )
            self._function_cache[key] = cached
        return cached

    def _dispatched_guarded(self, function: Function, active: frozenset[int]) -> bool:
        """A request handler's method that its framework calls (``handle()``,
        http.server's ``do_GET()``...), where the handler class (or a base of
        it in the file) overrides the method that dispatches to it and calls
        the framework's own version at a guarded place only::

            def handle_one_request(self):
                try:
                    super().handle_one_request()   # runs do_GET()
                except Exception:
                    log.exception("request failed")

        The file's own calls of the method must be guarded too: an override
        that dispatches by itself, without the framework's version, is one."""
        name = function.name
        dispatcher = _DISPATCHERS.get("do_" if name.startswith("do_") else name)
        if dispatcher is None:
            return False
        inference = SocketInference.of(self._model)
        owner = inference._method_owner(function)
        if owner is None or inference._class_info(owner).handler is None:
            return False
        if -id(function) in active:
            return True  # reached again from its own callees: its entries are being checked
        if id(function) in active:
            return False  # being checked another way, higher up
        uses = self._uses(function)
        if uses is None:
            return False
        active = active | {id(function), -id(function)}
        for use in uses:
            call = self._model.parent(use)
            if _only_tested(self._model, use) or (
                isinstance(call, ast.Call) and _in_method_named(self._model, call, name)
            ):
                continue  # a setting; itself, or an override calling its base: neither way
            if not (isinstance(call, ast.Call) and call.func is use and self._guarded(call, active)):
                return False
        while dispatcher is not None:
            override = next(
                (
                    method
                    for classdef in (owner, *inference._class_info(owner).local_bases)
                    for method in _statements(classdef.body)
                    if isinstance(method, _FUNCTIONS) and method.name == dispatcher
                ),
                None,
            )
            if override is not None:
                calls = [
                    node
                    for node in _own_statements(override)
                    if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == dispatcher
                ]
                return bool(calls) and all(self._guarded(call, active) for call in calls)
            dispatcher = _DISPATCHERS.get(dispatcher)  # the framework's own: one level up
        return False

    def _by_contract(self, function: Function) -> bool:
        """Whether the function lets a reset out on purpose: decorated with
        ``@netcompat.normalize()`` / ``@netcompat.retry``, its docstring says
        it raises a socket error, or it is a method of a class that emulates
        a socket."""
        return (
            self._decorated_with_guard(function)
            or documents_reset(ast.get_docstring(function, clean=False))
            or self._in_socket_emulator(function)
            or self._io_primitive(function)
            or self._telnet_option_callback(function)
        )

    def _telnet_option_callback(self, function: Function) -> bool:
        """A function the file uses only as a ``telnetlib`` option callback
        (``conn.set_option_negotiation_callback(self._process_option)``):
        telnetlib calls it from inside its own reads, in place of its own
        unguarded replies, so a reset reaches the read's caller either way."""
        uses = self._uses(function)
        if not uses:
            return False
        for use in uses:
            call = self._model.parent(use)
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "set_option_negotiation_callback"
                and any(argument is use for argument in call.args)
            ):
                return False
        return True

    def _io_primitive(self, function: Function) -> bool:
        """A read or write of its own (``read``, ``_safe_read``, ``sendall``,
        ``write_chunk``: see :func:`is_io_primitive_name`) that hands its
        stream's errors on whole, as the socket method it wraps does: the
        file uses it only by calling it (not as a thread target or
        callback), it catches none of its stream's other errors
        (``socket.timeout``, ``ssl.SSLError``, ``BrokenPipeError``...) and
        its end-of-stream branches (``if not data:``) only return, break or
        raise.  One that handles a timeout or cleans up on end of stream
        (``self.mark_dead()``) handles the peer going away, and the reset is
        the case it missed.  A nested one is a primitive only inside another
        (``_recv()`` in a ``recv()`` that catches ``socket.timeout`` is not)."""
        if not is_io_primitive_name(function.name):
            return False
        outer = next(
            (a for a in self._model.ancestors(function) if isinstance(a, _FUNCTIONS)), None
        )
        if outer is not None and not self._io_primitive(outer):
            return False  # a helper of a function that handles the stream's failures
        uses = self._uses(function, alternatives=True)
        if uses is None:
            return False
        owner = self._model.scope_of(function).node
        if isinstance(owner, ast.ClassDef):
            # ``X.read`` of any other object is no use of this method.
            inference = SocketInference.of(self._model)
            uses = [
                use
                for use in uses
                if isinstance(use, ast.Attribute) and inference._instance_class(use.value) is owner
            ]
        if any(self._escapes(use) for use in uses):
            return False  # passed on or stored: runs who knows where, for whom
        return not any(self._handles_failure(node) for node in _own_statements(function))

    def _handles_failure(self, node: ast.AST) -> bool:
        """An ``except`` clause for one of the stream's other failures, or an
        end-of-stream branch that cleans up or raises the code's own error."""
        if isinstance(node, ast.ExceptHandler):
            return node.type is not None and self._partial_handler(node.type)
        return (
            isinstance(node, ast.If)
            and tests_empty(node.test)
            and (_cleans_up(node.body) or self._raises_other_error(node.body))
        )

    def _raises_other_error(self, block: list[ast.stmt]) -> bool:
        """Whether an end-of-stream branch raises the code's own error, one
        that is not a ``ConnectionError`` (``raise ConnectionClosed()``): its
        callers handle that, and a reset reaches them as something else."""
        todo: list[ast.AST] = list(block)
        while todo:
            node = todo.pop()
            if isinstance(node, ast.Raise) and node.exc is not None:
                raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if not self._reset_kind(raised, 0):
                    return True
            elif not isinstance(node, (*_FUNCTIONS, ast.Lambda, ast.ClassDef)):
                todo.extend(ast.iter_child_nodes(node))
        return False

    def _reset_kind(self, expr: ast.expr, depth: int) -> bool:
        """Whether an exception class is known to be ``OSError`` or one of its
        subclasses (``RemoteDisconnected(ConnectionResetError, BadStatusLine)``),
        so a caller that handles it by its base handles a reset too."""
        if depth > _MAX_DEPTH or not isinstance(expr, (ast.Name, ast.Attribute)):
            return False
        for name in self._model.qualified_names(expr):
            if name.name in _OSERROR_KIND:
                return True
            if name.source == "local" and isinstance(expr, ast.Name):
                for binding in bindings(self._model, expr):
                    node = binding.node
                    if (
                        binding.kind == "class"
                        and isinstance(node, ast.ClassDef)
                        and any(self._reset_kind(base, depth + 1) for base in node.bases)
                    ):
                        return True
            project = self._model.project
            if name.source == "import" and project is not None:
                resolved = project.resolve(name.name)
                if resolved is not None and resolved & _OSERROR_KIND:
                    return True
        return False

    def _escapes(self, use: ast.expr) -> bool:
        """Whether a use of a function hands the function itself on: as an
        argument (``Thread(target=f)``, ``spawn(f, conn)``), a value assigned,
        returned or yielded, an item of a container.  A call, a test
        (``if self.cfg.sendfile:``) or a comparison keeps it here."""
        parent = self._model.parent(use)
        if isinstance(parent, ast.Call):
            return parent.func is not use
        return isinstance(
            parent,
            (
                ast.keyword,
                ast.Assign,
                ast.AnnAssign,
                ast.NamedExpr,
                ast.Return,
                ast.Yield,
                ast.YieldFrom,
                ast.List,
                ast.Tuple,
                ast.Set,
                ast.Dict,
                ast.Lambda,
                ast.Starred,
            ),
        )

    def _partial_handler(self, expr: ast.expr) -> bool:
        """Whether an ``except`` clause's type names one of a stream's errors
        that is not a reset (``socket.timeout``, ``ssl.SSLError``...)."""
        if isinstance(expr, (ast.Tuple, ast.List)):
            return any(self._partial_handler(element) for element in expr.elts)
        for name in self._model.qualified_names(expr):
            if name.name in RESET_CATCHERS:
                continue
            if name.name in _PARTIAL_HANDLERS:
                return True
            if (
                name.source == "import"
                and name.name.partition(".")[0] in _PARTIAL_MODULES
                and name.name not in _NOT_PARTIAL
            ):
                return True
        return False

    def _in_socket_emulator(self, function: Function) -> bool:
        """A socket method of a class that defines a socket's methods itself
        (``recv``, ``sendall``, ``fileno``, ``settimeout``...), or a method
        those use: it wraps a socket and hands its errors on, as a socket
        would."""
        for ancestor in self._model.ancestors(function):
            if isinstance(ancestor, ast.ClassDef):
                key = id(ancestor)
                cached = self._emulator_cache.get(key)
                if cached is None:
                    cached = self._emulator_cache[key] = _emulated_methods(ancestor)
                return function.name in cached
            if isinstance(ancestor, (*_FUNCTIONS, ast.Lambda, ast.Module)):
                return False
        return False

    def _called_only_guarded(self, function: Function, active: frozenset[int]) -> bool:
        """A function or method of this file that is called here, and whose
        every use in the file is a guarded call: a nested function, a method
        (its uses are every ``X.name`` of the file but those on a socket or on
        the ``self`` of an unrelated class), a private module-level function,
        or a public one that the module's ``__all__`` leaves out.

        A public module-level function of a module without ``__all__`` (or
        listed in it) is the module's API: its callers are elsewhere.  A
        ``__dunder__`` method is called implicitly, and a method the class
        body uses (an alias, a callback table) runs who knows where."""
        if id(function) in active:
            return False
        model = self._model
        if model.scope_of(function).kind == "module" and not function.name.startswith("_"):
            exported = self._exported()
            if exported is None or function.name in exported or "*" in exported:
                return False  # the module's API: its callers are in other modules
        uses = self._uses(function)
        if uses is None:
            return False
        active = active | {id(function)}
        method = model.scope_of(function).kind == "class"
        checked = 0
        for use in uses:
            call = model.parent(use)
            if _only_tested(model, use):
                continue
            if not isinstance(call, ast.Call) or call.func is not use:
                return False  # passed on, returned or stored: runs who knows where
            if any(parent is function for parent in model.ancestors(call)):
                continue  # a recursive call: guarded if the other calls are
            if not self._guarded(call, active):
                return False
            checked += 1
        if method and not checked:
            return self._called_guarded_elsewhere(function.name, active)
        return checked > 0

    def _called_guarded_elsewhere(self, name: str, active: frozenset[int]) -> bool:
        """A method nothing in its file calls (but itself, or an override of
        it), whose every ``X.name`` in the package's other modules (test files
        aside) is a call at a guarded place of that module:
        ``helper.prepare(sock)`` in a ``connect()`` that catches ``OSError``
        around it.  A call in a method of the same name (``Base.name(self)``,
        ``super().name()`` in an override) is the override's, whose callers
        are those same uses: it counts neither way.  No when a module uses the name
        some other way (a bare ``name``, a string ``"name"`` for ``getattr``),
        when no module calls it, and when the file is not in a package or the
        name is in too many files to look at (see
        :meth:`lintrules.analysis.project.FileImports.callers`)."""
        project = self._model.project
        if project is None or len(active) > _MAX_CALLER_HOPS:
            return False
        models = project.callers(name)
        if not models:
            return False
        checked = 0
        for other in models:
            index = _file_index(other)
            if index.names(name) or any(
                isinstance(c, ast.Constant) and c.value == name for c in other.nodes(ast.Constant)
            ):
                return False  # a function of that name, or getattr(x, "name"): not told apart
            inference = SocketInference.of(other)
            guards = ResetGuards.of(other)
            for use in index.attributes(name):
                if inference.is_socket(use.value):
                    continue  # sock.send(): the socket's own method
                call = other.parent(use)
                if not isinstance(call, ast.Call) or call.func is not use:
                    return False  # passed on, returned or stored: runs who knows where
                if _in_method_named(other, call, name):
                    continue  # an override calling its base, or itself: called with the rest
                if not guards._guarded(call, active):
                    return False
                checked += 1
        return checked > 0

    def _uses(self, function: Function, alternatives: bool = False) -> list[ast.expr] | None:
        """Where the file uses a function or method by name: the reads of a
        nested or module-level function, every ``X.name`` of the file for a
        method (but those on a socket or on the ``self`` of an unrelated
        class).  None when that cannot be told: the name is bound more than
        once (unless ``alternatives`` allows other definitions of it, as in
        ``if ...: def recv_udp(...)`` / ``else: def recv_udp(...)``), a
        ``__dunder__`` method (called implicitly), a method the class body
        uses (an alias, a callback table)."""
        scope = self._model.scope_of(function)
        name = function.name
        found = [b for b in scope.lookup(name) if not _is_del(b)]
        if not any(b.node is function for b in found) or not (
            len(found) == 1 or (alternatives and all(isinstance(b.node, _FUNCTIONS) for b in found))
        ):
            return None
        if scope.kind in ("function", "module"):
            return [use for binding in found for use in self._references(binding)]
        if scope.kind == "class":
            if (name.startswith("__") and name.endswith("__")) or any(
                self._references(binding) for binding in found
            ):
                return None
            return [
                use
                for use in self._index.attributes(name)
                if not self._other_receiver(use.value, scope.node)
            ]
        return None

    def _other_receiver(self, receiver: ast.expr, owner: ast.AST) -> bool:
        """Whether ``receiver.name`` cannot be the method of class ``owner``:
        the receiver is a socket the file shows (``self.sock.recv``), or the
        ``self`` of a class of the file that neither derives from ``owner``
        nor is one of its bases."""
        inference = SocketInference.of(self._model)
        if inference.is_socket(receiver):
            return True
        other = inference._instance_class(receiver)
        if other is None or other is owner or not isinstance(owner, ast.ClassDef):
            return False
        return (
            owner not in inference._class_info(other).local_bases
            and other not in inference._class_info(owner).local_bases
        )

    def _exported(self) -> frozenset[str] | None:
        """The names of the module's ``__all__`` (a list or tuple of strings,
        also grown with ``+=``, ``append`` or ``extend``; ``*`` when it is
        computed some other way), None when there is none."""
        if self._all is None:
            names: set[str] = set()
            declared = False
            for statement in _statements(self._model.tree.body):
                value: ast.expr | None = None
                if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    targets = (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                    )
                    if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                        continue
                    value = statement.value
                elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                    # __all__.append("name"), __all__.extend([...])
                    func = statement.value.func
                    if not (
                        isinstance(func, ast.Attribute)
                        and isinstance(func.value, ast.Name)
                        and func.value.id == "__all__"
                    ):
                        continue
                    args = statement.value.args
                    value = ast.List(args) if func.attr == "append" else next(iter(args), None)
                else:
                    continue
                declared = True
                if isinstance(value, (ast.List, ast.Tuple)) and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
                ):
                    names.update(str(e.value) for e in value.elts)  # type: ignore[attr-defined]
                else:
                    names.add("*")
            self._all = (declared, frozenset(names))
        return self._all[1] if self._all[0] else None

    def _references(self, binding: Binding) -> list[ast.expr]:
        """The reads (and ``del``) of the name that resolve to ``binding``."""
        return list(self._index.references(binding))

    def _is_raises(self, call: ast.Call) -> bool:
        """``pytest.raises(...)`` or ``X.assertRaises(...)`` (and its Regex forms)."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _ASSERT_RAISES:
            return True
        return bool(self._model.imported_names(func) & _RAISES)

    @staticmethod
    def _expected(call: ast.Call) -> ast.expr | None:
        """The exception class(es) a ``raises`` call expects."""
        if call.args:
            first = call.args[0]
            return None if isinstance(first, ast.Starred) else first
        return next(
            (k.value for k in call.keywords if k.arg in ("expected_exception", "exception")),
            None,
        )

    def _lambda_runs_at(self, function: ast.Lambda) -> ast.AST | bool:
        """Where a lambda's body runs, for the guards around it: the call that
        consumes it in place (``iter(lambda: ..., sentinel)`` used where it
        stands, ``pytest.raises(E, lambda: ...)``); True when that call itself
        catches a reset, False when the body runs later, elsewhere."""
        model = self._model
        call = model.parent(function)
        if not isinstance(call, ast.Call):
            return False
        position = next((i for i, a in enumerate(call.args) if a is function), None)
        if position is None:
            return False
        if position >= 1 and self._is_raises(call):
            expected = call.args[0]
            return True if self.catches_reset(expected) else call
        if (
            position == 0
            and len(call.args) == 2
            and isinstance(call.func, ast.Name)
            and ("builtins.iter", "builtin") in model.qualified_names(call.func)
        ):
            user = model.parent(call)
            if isinstance(user, (ast.For, ast.AsyncFor, ast.comprehension)) and user.iter is call:
                return call
            if isinstance(user, ast.Call) and any(a is call for a in user.args):
                return call
        return False
