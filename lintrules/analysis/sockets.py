"""What the socket I/O rules (NC101, NC102) need to know about a file.

Two questions, answered from the file's :class:`~lintrules.analysis.model.Model`:

* :meth:`SocketInference.is_socket`: can we tell that an expression is a
  socket?  Only from evidence in the same file: a binding from
  ``socket.socket()``, ``socket.create_connection()``, ``create_server()``,
  ``socketpair()``, ``fromfd()``, any ``.wrap_socket()``, ``.accept()`` on a
  known socket, a ``socket.socket`` / ``ssl.SSLSocket`` annotation, an
  instance attribute every assignment of which (in the class and its bases
  defined in the same file) is one of those, or a ``socketserver`` /
  ``http.server`` handler's ``self.request`` / ``self.connection``.  A name
  with several bindings is a socket only when every binding that is not
  ``None`` is one.  Names alone (``sock``, ``conn``) count only with the
  ``socket-name-heuristic`` option.
* :meth:`ResetGuards.guarded`: does a handler in the same function catch a
  reset (``ConnectionResetError`` or anything wider), or does a
  ``contextlib.suppress``, ``netcompat.normalize()`` or ``@netcompat.retry``
  cover the call?  Unknown exception names (``except self.errors:``, an
  exception imported from a third-party module) count as guards: a rule that
  reports guarded code gets switched off.

Both objects live for one file and cache what they learn per node, per
function and per class, so a file with many calls on one socket resolves it
once.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from collections.abc import Iterator, Sequence
from typing import Literal, NamedTuple, Union

from .model import Binding, Model, Span

__all__ = [
    "HEURISTIC_OPTION",
    "SOCKET_IO_METHODS",
    "SOCKET_ONLY_METHODS",
    "STREAM_IO_METHODS",
    "ResetGuards",
    "SocketInference",
    "heuristic_name",
    "on_own_line",
    "source_of",
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
    }
)
#: Calls that return a tuple of sockets.
_PAIR_FACTORIES = frozenset({"socket.socketpair"})
#: Annotations that make a name a socket.
_SOCKET_TYPES = frozenset({"socket.socket", "socket.SocketType", "_socket.socket", "ssl.SSLSocket"})
_SOCKET_TYPE_TEXT = frozenset({"socket.socket", "socket.SocketType", "ssl.SSLSocket"})
_OPTIONAL = frozenset({"typing.Optional", "typing.Union", "typing_extensions.Optional"})
_CLOSING = frozenset({"contextlib.closing"})

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
#: Server classes whose ``self.socket`` is the server's socket.
_SERVER_BASES = frozenset(
    f"socketserver.{name}"
    for name in (
        "TCPServer",
        "UDPServer",
        "UnixStreamServer",
        "UnixDatagramServer",
        "ThreadingTCPServer",
        "ThreadingUDPServer",
        "ForkingTCPServer",
        "ForkingUDPServer",
        "ThreadingUnixStreamServer",
        "ThreadingUnixDatagramServer",
    )
) | {
    "http.server.HTTPServer",
    "http.server.ThreadingHTTPServer",
    "xmlrpc.server.SimpleXMLRPCServer",
    "wsgiref.simple_server.WSGIServer",
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

#: Names the ``socket-name-heuristic`` option treats as sockets.
_SOCKET_NAME = re.compile(
    r"_*(?:[A-Za-z0-9]+_)*(?:[a-z]*sock|[a-z]*socket|[a-z]*Socket|conn|connection)", re.ASCII
)
HEURISTIC_OPTION = "socket-name-heuristic"

_MAX_DEPTH = 8

_BUILTIN_NAMES = frozenset(dir(builtins))
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_TRY: tuple[type[ast.AST], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
_MATCH: tuple[type[ast.AST], ...] = (ast.Match,) if hasattr(ast, "Match") else ()
Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def heuristic_name(name: str) -> bool:
    """Whether ``name`` reads like a socket (``sock``, ``client_socket``, ``conn``)."""
    return _SOCKET_NAME.fullmatch(name) is not None


def _is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


class _Binding(NamedTuple):
    """One thing bound to a name or attribute: ``value`` (its item ``element``
    it when unpacked from a tuple), or just an ``annotation``."""

    value: ast.expr | None
    element: int | None = None
    annotation: ast.expr | None = None
    neutral: bool = False


_UNKNOWN = _Binding(None)
_NEUTRAL = _Binding(None, neutral=True)


class _ClassInfo(NamedTuple):
    handler: HandlerKind | None
    server: bool
    local_bases: tuple[ast.ClassDef, ...]


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
    """Answers "is this expression a socket?" for one file.

    Results are cached per node, function and class, so asking about the
    same name many times costs one resolution.
    """

    def __init__(self, model: Model, *, heuristic: bool = False) -> None:
        self._model = model
        self._heuristic = heuristic
        self._socket_cache: dict[int, bool] = {}
        self._class_info_cache: dict[int, _ClassInfo] = {}
        self._class_bindings_cache: dict[int, dict[str, list[_Binding]]] = {}
        self._in_progress: set[int] = set()
        self._returns_cache: dict[int, bool] = {}
        self._star_socket: bool | None = None
        self._methods_cache: dict[int, dict[str, Function]] = {}
        self._owner_cache: dict[int, ast.ClassDef | None] = {}

    # -- public questions ---------------------------------------------------
    def is_socket(self, expr: ast.expr) -> bool:
        """Whether ``expr`` is known to be a socket."""
        return self._is_socket(expr, 0)

    def is_stream(self, expr: ast.expr) -> bool:
        """Whether ``expr`` is a ``makefile()`` stream of a socket, or a stream
        request handler's ``self.rfile`` / ``self.wfile``."""
        return self._is_stream(expr, 0)

    def describe(self, expr: ast.expr) -> str:
        """Short source text of ``expr`` for messages."""
        text = source_of(self._model, expr)
        return text if len(text) <= 40 else text[:37] + "..."

    # -- sockets ----------------------------------------------------------------
    def _is_socket(self, expr: ast.expr, depth: int) -> bool:
        key = id(expr)
        cached = self._socket_cache.get(key)
        if cached is not None:
            return cached
        if depth > _MAX_DEPTH or key in self._in_progress:
            return False
        self._in_progress.add(key)
        try:
            result = self._socket_uncached(expr, depth + 1)
        finally:
            self._in_progress.discard(key)
        self._socket_cache[key] = result
        return result

    def _socket_uncached(self, expr: ast.expr, depth: int) -> bool:
        if isinstance(expr, ast.Call):
            return self._call_returns_socket(expr, depth)
        if isinstance(expr, ast.Subscript):
            return self._subscript_is_socket(expr, depth)
        if isinstance(expr, ast.NamedExpr):
            return self._is_socket(expr.value, depth)
        if isinstance(expr, ast.IfExp):
            return self._all_socket([expr.body, expr.orelse], depth)
        if isinstance(expr, ast.Name):
            if self._heuristic and heuristic_name(expr.id):
                return True
            return self._verdict(self._name_bindings(expr), depth)
        if isinstance(expr, ast.Attribute):
            if self._heuristic and heuristic_name(expr.attr):
                return True
            owner = self._instance_class(expr.value)
            if owner is None:
                return False
            return self._attribute_is_socket(owner, expr.attr, depth)
        return False

    def _all_socket(self, values: Sequence[ast.expr], depth: int) -> bool:
        bindings = [_NEUTRAL if _is_none(value) else _Binding(value) for value in values]
        return self._verdict(bindings, depth)

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

    def _call_returns_socket(self, call: ast.Call, depth: int) -> bool:
        func = call.func
        names = self._callee_names(func)
        if names & _SOCKET_FACTORIES:
            return True
        if isinstance(func, ast.Attribute):
            if func.attr == "wrap_socket":
                return True
            if func.attr == "dup" and not call.args and not call.keywords:
                return self._is_socket(func.value, depth)
        if names & _CLOSING and (call.args or call.keywords):
            return self._is_socket(_first_argument(call), depth)
        return self._helper_returns_socket(func, depth)

    def _helper_returns_socket(self, func: ast.expr, depth: int) -> bool:
        """A call of a function or method of this file that returns a socket:
        ``make_socket()``, ``self._create_socket()``, or ``self._connect()``
        where the class says ``_connect = socket.create_connection``."""
        if isinstance(func, ast.Name):
            found = bindings(self._model, func)
            if len(found) != 1 or found[0].kind != "function":
                return False
            node = found[0].node
            assert isinstance(node, _FUNCTIONS)
            return self._returns_socket(node, depth)
        if not isinstance(func, ast.Attribute):
            return False
        owner = self._instance_class(func.value)
        if owner is None:
            return False
        name = func.attr
        for classdef in (owner, *self._class_info(owner).local_bases):
            method = self._class_methods(classdef).get(name)
            if method is not None:
                return self._returns_socket(method, depth)
        found_bindings = self._attribute_bindings(owner, name)
        return bool(found_bindings) and all(
            binding.value is not None
            and binding.element is None
            and bool(self._model.imported_names(binding.value) & _SOCKET_FACTORIES)
            for binding in found_bindings
        )

    def _returns_socket(self, function: Function, depth: int) -> bool:
        """Whether every ``return`` of ``function`` gives a socket (or None)."""
        key = id(function)
        cached = self._returns_cache.get(key)
        if cached is not None:
            return cached
        if key in self._in_progress or depth > _MAX_DEPTH:
            return False
        self._in_progress.add(key)
        try:
            values: list[_Binding] = []
            for statement in _statements(function.body):
                if isinstance(statement, ast.Return):
                    values.append(_Binding(statement.value) if statement.value else _NEUTRAL)
                elif isinstance(statement, ast.Expr) and isinstance(
                    statement.value, (ast.Yield, ast.YieldFrom, ast.Await)
                ):
                    values.append(_UNKNOWN)
            result = self._verdict(values, depth + 1)
        finally:
            self._in_progress.discard(key)
        self._returns_cache[key] = result
        return result

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

    def _accept_on_socket(self, value: ast.expr, depth: int) -> bool:
        """``srv.accept()`` where ``srv`` is a known socket."""
        return (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "accept"
            and not value.args
            and not value.keywords
            and self._is_socket(value.func.value, depth)
        )

    def _subscript_is_socket(self, expr: ast.Subscript, depth: int) -> bool:
        element = expr.slice
        if not isinstance(element, ast.Constant) or type(element.value) is not int:
            return False
        return self._element_is_socket(expr.value, element.value, depth)

    def _element_is_socket(self, value: ast.expr, index: int, depth: int) -> bool:
        """Whether element ``index`` of the tuple ``value`` is a socket."""
        if index == 0 and self._accept_on_socket(value, depth):
            return True
        if isinstance(value, ast.Call) and self._callee_names(value.func) & _PAIR_FACTORIES:
            return index in (0, 1)
        if isinstance(value, (ast.Tuple, ast.List)):
            elements = value.elts
            if any(isinstance(e, ast.Starred) for e in elements) or index >= len(elements):
                return False
            return self._is_socket(elements[index], depth)
        if index == 1 and isinstance(value, ast.Attribute) and value.attr == "request":
            # A datagram handler's self.request is (data, socket).
            owner = self._instance_class(value.value)
            return owner is not None and self._class_info(owner).handler in ("base", "datagram")
        return False

    def _binding_is_socket(self, binding: _Binding, depth: int) -> bool:
        if binding.annotation is not None and self._annotation_is_socket(binding.annotation):
            return True
        if binding.value is None:
            return False
        if binding.element is not None:
            return self._element_is_socket(binding.value, binding.element, depth)
        return self._is_socket(binding.value, depth)

    def _verdict(self, found: Sequence[_Binding] | None, depth: int) -> bool:
        """A socket when some binding is one and every other one is ``None``."""
        if not found:
            return False
        socket = False
        for binding in found:
            if binding.neutral or (binding.element is None and _is_none(binding.value)):
                continue
            if not self._binding_is_socket(binding, depth):
                return False
            socket = True
        return socket

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

    # -- names --------------------------------------------------------------
    def _name_bindings(self, name: ast.Name) -> list[_Binding] | None:
        found: list[_Binding] = []
        for binding in bindings(self._model, name):
            if binding.kind in ("import", "from-import"):
                return None
            found.append(self._binding_of(binding))
        return found

    def _binding_of(self, binding: Binding) -> _Binding:
        node = binding.node
        if binding.kind == "parameter":
            assert isinstance(node, ast.arg)
            if node.annotation is not None:
                return _Binding(None, annotation=node.annotation)
            return _NEUTRAL if _is_none(self._default_of(node)) else _UNKNOWN
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
        elif isinstance(parent, (ast.Tuple, ast.List)):
            holder = self._model.parent(parent)
            if isinstance(holder, ast.Assign) and any(t is parent for t in holder.targets):
                position = _tuple_index(parent, node)
                if position is not None:
                    return _Binding(holder.value, element=position)
        return _UNKNOWN

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

    # -- self.attribute -----------------------------------------------------
    def _instance_class(self, expr: ast.expr) -> ast.ClassDef | None:
        """The class when ``expr`` is the ``self`` (or ``cls``) parameter of one of its methods."""
        if not isinstance(expr, ast.Name):
            return None
        found = bindings(self._model, expr)
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
        server = False
        local: list[ast.ClassDef] = []
        for base in classdef.bases:
            for name in {q.name for q in self._model.qualified_names(base)}:
                if name in _HANDLER_BASES and handler != "stream":
                    handler = _HANDLER_BASES[name]
                server = server or name in _SERVER_BASES
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
        found: list[_Binding] = []
        for owner in (classdef, *self._class_info(classdef).local_bases):
            found.extend(self._class_bindings(owner).get(attr, ()))
        return found

    def _class_bindings(self, classdef: ast.ClassDef) -> dict[str, list[_Binding]]:
        """``attr -> bindings`` for ``self.attr = ...`` in the methods of
        ``classdef`` and ``attr = ...`` / ``attr: T`` in its body."""
        cached = self._class_bindings_cache.get(id(classdef))
        if cached is not None:
            return cached
        found: dict[str, list[_Binding]] = {}
        for statement in _statements(classdef.body):
            if isinstance(statement, _FUNCTIONS):
                self._method_bindings(statement, found)
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                found.setdefault(statement.target.id, []).append(
                    _Binding(statement.value, annotation=statement.annotation)
                )
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(_Binding(statement.value))
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

    def _attribute_is_socket(self, classdef: ast.ClassDef, attr: str, depth: int) -> bool:
        info = self._class_info(classdef)
        if attr == "request" and info.handler in ("base", "stream"):
            return True
        if attr == "connection" and info.handler == "stream":
            return True
        if attr == "socket" and (info.handler == "datagram" or info.server):
            return True
        return self._verdict(self._attribute_bindings(classdef, attr), depth)

    # -- streams ------------------------------------------------------------
    def _is_stream(self, expr: ast.expr, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        if isinstance(expr, ast.Call):
            func = expr.func
            return (
                isinstance(func, ast.Attribute)
                and func.attr == "makefile"
                and self._is_socket(func.value, depth + 1)
            )
        found: list[_Binding] | None = None
        if isinstance(expr, ast.Name):
            found = self._name_bindings(expr)
        elif isinstance(expr, ast.Attribute):
            owner = self._instance_class(expr.value)
            if owner is None:
                return False
            attr = expr.attr
            if attr in ("rfile", "wfile") and self._class_info(owner).handler == "stream":
                return True
            found = self._attribute_bindings(owner, attr)
        if not found:
            return False
        stream = False
        for binding in found:
            if binding.neutral or (binding.element is None and _is_none(binding.value)):
                continue
            if binding.value is None or binding.element is not None:
                return False
            if not self._is_stream(binding.value, depth + 1):
                return False
            stream = True
        return stream


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


# -- guards ---------------------------------------------------------------------
class ResetGuards:
    """Answers "is a reset raised here caught or normalized?" for one file.

    Walks out from the node to the enclosing function: a ``try`` whose body
    holds it and one of whose handlers catches a reset, a ``with`` block of
    ``contextlib.suppress(OSError)`` or ``netcompat.normalize()``, or a
    function decorated with ``@netcompat.normalize()`` / ``@netcompat.retry``.

    A handler around a nested ``def`` or a ``lambda`` does not count: the body
    runs later, elsewhere (a thread target, a callback).  But a nested
    function, a private method or a private module-level function (``_name``)
    that is only ever used as a direct call at guarded places of this file is
    guarded by those calls' handlers.
    """

    def __init__(self, model: Model) -> None:
        self._model = model
        self._try_cache: dict[int, bool] = {}
        self._with_cache: dict[int, bool] = {}
        self._function_cache: dict[int, bool] = {}
        self._names: dict[str, list[ast.Name]] | None = None
        self._private_refs: dict[str, list[ast.Attribute]] | None = None

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
        if not names:
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
        if names & _SUPPRESS:
            return any(
                isinstance(arg, ast.Starred) or self.catches_reset(arg) for arg in call.args
            ) or any(self.catches_reset(keyword.value) for keyword in call.keywords)
        return False

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
                    return False
            elif isinstance(parent, _TRY):
                if (
                    isinstance(child, ast.stmt)
                    and any(child is s for s in parent.body)  # type: ignore[attr-defined]
                    and self._try_guards(parent)
                ):
                    return True
            elif (
                isinstance(parent, (ast.With, ast.AsyncWith))
                and isinstance(child, ast.stmt)
                and self._with_guards(parent)
            ):
                return True
            child = parent
        return False

    def _function_guarded(self, function: Function, active: frozenset[int]) -> bool:
        if active:
            return self._decorated_with_guard(function) or self._called_only_guarded(
                function, active
            )
        key = id(function)
        cached = self._function_cache.get(key)
        if cached is None:
            cached = self._decorated_with_guard(function) or self._called_only_guarded(
                function, active
            )
            self._function_cache[key] = cached
        return cached

    def _called_only_guarded(self, function: Function, active: frozenset[int]) -> bool:
        """A nested function or private method whose every use is a guarded call."""
        if id(function) in active:
            return False
        model = self._model
        scope = model.scope_of(function)
        name = function.name
        found = [b for b in scope.lookup(name) if not _is_del(b)]
        if len(found) != 1 or found[0].node is not function:
            return False
        binding = found[0]
        uses: list[ast.expr]
        private = name.startswith("_") and not name.endswith("__")
        if scope.kind == "function" or (scope.kind == "module" and private):
            uses = self._references(binding)
        elif scope.kind == "class" and private and name in self._private_attributes():
            if self._references(binding):
                return False  # used in the class body itself (an alias, a callback table)
            uses = list(self._private_attributes()[name])
        else:
            return False
        active = active | {id(function)}
        checked = 0
        for use in uses:
            call = model.parent(use)
            if not isinstance(call, ast.Call) or call.func is not use:
                return False  # passed on, returned or stored: runs who knows where
            if any(parent is function for parent in model.ancestors(call)):
                continue  # a recursive call: guarded if the other calls are
            if not self._guarded(call, active):
                return False
            checked += 1
        return checked > 0

    def _references(self, binding: Binding) -> list[ast.expr]:
        """The reads (and ``del``) of the name that resolve to ``binding``."""
        if self._names is None:
            self._names = {}
            for node in self._model.nodes(ast.Name):
                if not isinstance(node.ctx, ast.Store):
                    self._names.setdefault(node.id, []).append(node)
        return [
            node
            for node in self._names.get(binding.name, ())
            if any(b is binding for b in self._model.lookup(node))
        ]

    def _private_attributes(self) -> dict[str, list[ast.Attribute]]:
        """``X._name`` for every private ``_name`` of the file."""
        if self._private_refs is None:
            self._private_refs = {}
            for node in self._model.nodes(ast.Attribute):
                name = node.attr
                if name.startswith("_") and not name.endswith("__"):
                    self._private_refs.setdefault(name, []).append(node)
        return self._private_refs
