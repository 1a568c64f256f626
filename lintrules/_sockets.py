"""What the socket I/O rules (NC101, NC102) need to know about a file.

Two questions, both answered from one libcst tree with the metadata every rule
already has (scopes, qualified names, parents):

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
* :class:`ResetGuards`: does a handler in the same function catch a reset
  (``ConnectionResetError`` or anything wider), or does a
  ``contextlib.suppress``, ``netcompat.normalize()`` or ``@netcompat.retry``
  cover the call?  Unknown exception names (``except self.errors:``, an
  exception imported from a third-party module) count as guards: a rule that
  reports guarded code gets switched off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import libcst as cst
from libcst.metadata import (
    Assignment,
    ClassScope,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from ._nodes import ancestors, code_of, qualified_names
from .gate import AstIndex
from ._cst_rule import Rule

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

#: Names whose presence in a file is evidence that it handles sockets.
_EVIDENCE_CALLS = frozenset(
    {
        "socket",
        "create_connection",
        "create_server",
        "socketpair",
        "fromfd",
        "fromshare",
        "wrap_socket",
    }
)
_EVIDENCE_ATTRIBUTES = frozenset({"socket", "SSLSocket", "SocketType", "wrap_socket"})
_HANDLER_SHORT_NAMES = frozenset(name.rpartition(".")[2] for name in _HANDLER_BASES) | frozenset(
    name.rpartition(".")[2] for name in _SERVER_BASES
)
_HANDLER_ATTRIBUTES = frozenset({"request", "connection", "rfile", "wfile", "socket"})

_MAX_DEPTH = 8

Verdict = Literal["socket", "neutral", "other"]


def heuristic_name(name: str) -> bool:
    """Whether ``name`` reads like a socket (``sock``, ``client_socket``, ``conn``)."""
    return _SOCKET_NAME.fullmatch(name) is not None


def file_has_socket_evidence(index: AstIndex) -> bool:
    """Whether the ``ast`` summary shows anything the inference could use.

    A file none of whose names says "socket" (no ``socket.socket``,
    ``create_connection``, ``wrap_socket``, ``SSLSocket``, request handler
    base ...) cannot have an expression :class:`SocketInference` proves to be
    a socket.
    """
    if not index.calls.isdisjoint(_EVIDENCE_CALLS):
        return True
    if not index.attributes.isdisjoint(_EVIDENCE_ATTRIBUTES):
        return True
    bases = index.names | index.attributes | index.imported_names
    return not bases.isdisjoint(_HANDLER_SHORT_NAMES) and not index.attributes.isdisjoint(
        _HANDLER_ATTRIBUTES
    )


def file_has_heuristic_receivers(index: AstIndex, methods: frozenset[str]) -> bool:
    """Whether one of ``methods`` is called on something whose name reads like a socket.

    Rule gates cannot see rule options, so a rule that offers
    ``socket-name-heuristic`` keeps such files in case the option is on.
    """
    return any(
        method in methods and heuristic_name(receiver) for receiver, method in index.method_calls
    )


@dataclass(frozen=True)
class _ClassInfo:
    handler: HandlerKind | None
    server: bool
    local_bases: tuple[cst.ClassDef, ...]


@dataclass(frozen=True)
class _Binding:
    """One thing bound to a name or attribute: ``value`` (element ``index`` of
    it when unpacked from a tuple), or just an ``annotation``."""

    value: cst.BaseExpression | None
    index: int | None = None
    annotation: cst.BaseExpression | None = None
    neutral: bool = False


_UNKNOWN = _Binding(None)
_NEUTRAL = _Binding(None, neutral=True)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _statements(suite: cst.BaseSuite) -> Iterator[cst.BaseStatement | cst.BaseSmallStatement]:
    """The statements of a block and of the blocks nested in it, not entering
    function or class definitions."""
    body: Sequence[cst.BaseStatement | cst.BaseSmallStatement] = suite.body
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
            continue
        yield statement
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        yield from _nested_statements(statement)


def _nested_statements(
    statement: cst.BaseStatement | cst.BaseSmallStatement,
) -> Iterator[cst.BaseStatement | cst.BaseSmallStatement]:
    suites: list[cst.BaseSuite] = []
    if isinstance(statement, cst.If):
        suites.append(statement.body)
        orelse: cst.If | cst.Else | None = statement.orelse
        while orelse is not None:
            suites.append(orelse.body)
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    elif isinstance(statement, (cst.For, cst.While)):
        suites.append(statement.body)
        if statement.orelse is not None:
            suites.append(statement.orelse.body)
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        suites.append(statement.body)
        suites.extend(handler.body for handler in statement.handlers)
        if statement.orelse is not None:
            suites.append(statement.orelse.body)
        if statement.finalbody is not None:
            suites.append(statement.finalbody.body)
    elif isinstance(statement, cst.With):
        suites.append(statement.body)
    elif isinstance(statement, cst.Match):
        suites.extend(case.body for case in statement.cases)
    for suite in suites:
        yield from _statements(suite)


def _tuple_index(target: cst.BaseExpression, name: cst.CSTNode) -> int | None:
    """The position of ``name`` in a flat tuple/list target (None if nested or starred)."""
    if not isinstance(target, (cst.Tuple, cst.List)):
        return None
    if any(isinstance(element, cst.StarredElement) for element in target.elements):
        return None
    for position, element in enumerate(target.elements):
        if element.value is name:
            return position
    return None


class SocketInference:
    """Answers "is this expression a socket?" for one rule run over one file.

    Results are cached per node, so asking about the same name many times
    costs one resolution.
    """

    def __init__(self, rule: Rule, *, heuristic: bool = False) -> None:
        self._rule = rule
        self._heuristic = heuristic
        self._socket_cache: dict[int, bool] = {}
        self._class_info_cache: dict[int, _ClassInfo] = {}
        self._class_bindings_cache: dict[int, dict[str, list[_Binding]]] = {}
        self._in_progress: set[int] = set()
        self._returns_cache: dict[int, bool] = {}
        self._star_socket: bool | None = None
        self._methods_cache: dict[int, dict[str, cst.FunctionDef]] = {}

    # -- public questions ---------------------------------------------------
    def is_socket(self, expr: cst.BaseExpression) -> bool:
        """Whether ``expr`` is known to be a socket."""
        return self._is_socket(expr, 0)

    def is_stream(self, expr: cst.BaseExpression) -> bool:
        """Whether ``expr`` is a ``makefile()`` stream of a socket, or a stream
        request handler's ``self.rfile`` / ``self.wfile``."""
        return self._is_stream(expr, 0)

    def describe(self, expr: cst.BaseExpression) -> str:
        """Short source text of ``expr`` for messages."""
        text = code_of(expr)
        return text if len(text) <= 40 else text[:37] + "..."

    # -- sockets ----------------------------------------------------------------
    def _is_socket(self, expr: cst.BaseExpression, depth: int) -> bool:
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

    def _socket_uncached(self, expr: cst.BaseExpression, depth: int) -> bool:
        if isinstance(expr, cst.Call):
            return self._call_returns_socket(expr, depth)
        if isinstance(expr, cst.Subscript):
            return self._subscript_is_socket(expr, depth)
        if isinstance(expr, cst.NamedExpr):
            return self._is_socket(expr.value, depth)
        if isinstance(expr, cst.IfExp):
            return self._all_socket([expr.body, expr.orelse], depth)
        if isinstance(expr, cst.Name):
            if self._heuristic and heuristic_name(expr.value):
                return True
            return self._verdict(self._name_bindings(expr), depth)
        if isinstance(expr, cst.Attribute):
            if self._heuristic and heuristic_name(expr.attr.value):
                return True
            owner = self._instance_class(expr.value)
            if owner is None:
                return False
            return self._attribute_is_socket(owner, expr.attr.value, depth)
        return False

    def _all_socket(self, values: Sequence[cst.BaseExpression], depth: int) -> bool:
        bindings = [_NEUTRAL if _is_none(value) else _Binding(value) for value in values]
        return self._verdict(bindings, depth)

    def _callee_names(self, func: cst.BaseExpression) -> set[str]:
        """Qualified names of a callee; ``socket.X`` for a bare ``X`` that only
        ``from socket import *`` can have bound."""
        names = qualified_names(self._rule, func)
        if names or not isinstance(func, cst.Name) or not self._star_imports_socket(func):
            return names
        scope = self._rule.get_metadata(ScopeProvider, func, None)
        if scope is None or scope[func.value]:
            return names
        return {f"socket.{func.value}"}

    def _star_imports_socket(self, node: cst.CSTNode) -> bool:
        if self._star_socket is None:
            module = None
            for parent in ancestors(self._rule, node):
                module = parent
            body = module.body if isinstance(module, cst.Module) else ()
            self._star_socket = any(
                isinstance(line, cst.SimpleStatementLine)
                and any(
                    isinstance(small, cst.ImportFrom)
                    and isinstance(small.names, cst.ImportStar)
                    and isinstance(small.module, cst.Name)
                    and small.module.value in ("socket", "_socket")
                    and not small.relative
                    for small in line.body
                )
                for line in body
            )
        return self._star_socket

    def _call_returns_socket(self, call: cst.Call, depth: int) -> bool:
        func = call.func
        names = self._callee_names(func)
        if names & _SOCKET_FACTORIES:
            return True
        if isinstance(func, cst.Attribute):
            if func.attr.value == "wrap_socket":
                return True
            if func.attr.value == "dup" and not call.args:
                return self._is_socket(func.value, depth)
        if names & _CLOSING and call.args:
            return self._is_socket(call.args[0].value, depth)
        return self._helper_returns_socket(func, depth)

    def _helper_returns_socket(self, func: cst.BaseExpression, depth: int) -> bool:
        """A call of a function or method of this file that returns a socket:
        ``make_socket()``, ``self._create_socket()``, or ``self._connect()``
        where the class says ``_connect = socket.create_connection``."""
        if isinstance(func, cst.Name):
            scope = self._rule.get_metadata(ScopeProvider, func, None)
            if scope is None:
                return False
            assignments = list(scope[func.value])
            if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
                return False
            node = assignments[0].node
            return isinstance(node, cst.FunctionDef) and self._returns_socket(node, depth)
        if not isinstance(func, cst.Attribute):
            return False
        owner = self._instance_class(func.value)
        if owner is None:
            return False
        name = func.attr.value
        for classdef in (owner, *self._class_info(owner).local_bases):
            method = self._class_methods(classdef).get(name)
            if method is not None:
                return self._returns_socket(method, depth)
        bindings = self._attribute_bindings(owner, name)
        return bool(bindings) and all(
            binding.value is not None
            and binding.index is None
            and bool(qualified_names(self._rule, binding.value) & _SOCKET_FACTORIES)
            for binding in bindings
        )

    def _returns_socket(self, function: cst.FunctionDef, depth: int) -> bool:
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
                if isinstance(statement, cst.Return):
                    values.append(_Binding(statement.value) if statement.value else _NEUTRAL)
                elif isinstance(statement, cst.Expr) and isinstance(
                    statement.value, (cst.Yield, cst.Await)
                ):
                    values.append(_UNKNOWN)
            result = self._verdict(values, depth + 1)
        finally:
            self._in_progress.discard(key)
        self._returns_cache[key] = result
        return result

    def _class_methods(self, classdef: cst.ClassDef) -> dict[str, cst.FunctionDef]:
        cached = self._methods_cache.get(id(classdef))
        if cached is None:
            cached = {
                statement.name.value: statement
                for statement in _statements(classdef.body)
                if isinstance(statement, cst.FunctionDef)
            }
            self._methods_cache[id(classdef)] = cached
        return cached

    def _accept_on_socket(self, value: cst.BaseExpression, depth: int) -> bool:
        """``srv.accept()`` where ``srv`` is a known socket."""
        return (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "accept"
            and not value.args
            and self._is_socket(value.func.value, depth)
        )

    def _subscript_is_socket(self, expr: cst.Subscript, depth: int) -> bool:
        if len(expr.slice) != 1:
            return False
        element = expr.slice[0].slice
        if not isinstance(element, cst.Index) or not isinstance(element.value, cst.Integer):
            return False
        return self._element_is_socket(expr.value, int(element.value.value), depth)

    def _element_is_socket(self, value: cst.BaseExpression, index: int, depth: int) -> bool:
        """Whether element ``index`` of the tuple ``value`` is a socket."""
        if index == 0 and self._accept_on_socket(value, depth):
            return True
        if isinstance(value, cst.Call) and self._callee_names(value.func) & _PAIR_FACTORIES:
            return index in (0, 1)
        if isinstance(value, (cst.Tuple, cst.List)):
            elements = value.elements
            if any(isinstance(e, cst.StarredElement) for e in elements) or index >= len(elements):
                return False
            return self._is_socket(elements[index].value, depth)
        if index == 1 and isinstance(value, cst.Attribute) and value.attr.value == "request":
            # A datagram handler's self.request is (data, socket).
            owner = self._instance_class(value.value)
            return owner is not None and self._class_info(owner).handler in ("base", "datagram")
        return False

    def _binding_is_socket(self, binding: _Binding, depth: int) -> bool:
        if binding.annotation is not None and self._annotation_is_socket(binding.annotation):
            return True
        if binding.value is None:
            return False
        if binding.index is not None:
            return self._element_is_socket(binding.value, binding.index, depth)
        return self._is_socket(binding.value, depth)

    def _verdict(self, bindings: Sequence[_Binding] | None, depth: int) -> bool:
        """A socket when some binding is one and every other one is ``None``."""
        if not bindings:
            return False
        found = False
        for binding in bindings:
            if binding.neutral or (binding.index is None and _is_none(binding.value)):
                continue
            if not self._binding_is_socket(binding, depth):
                return False
            found = True
        return found

    def _annotation_is_socket(self, annotation: cst.BaseExpression) -> bool:
        if isinstance(annotation, (cst.Name, cst.Attribute)):
            return bool(qualified_names(self._rule, annotation) & _SOCKET_TYPES)
        if isinstance(annotation, cst.Subscript):
            if not qualified_names(self._rule, annotation.value) & _OPTIONAL:
                return False
            parts = [
                element.slice.value
                for element in annotation.slice
                if isinstance(element.slice, cst.Index)
            ]
            return self._optional_socket(parts)
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            return self._optional_socket([annotation.left, annotation.right])
        if isinstance(annotation, cst.SimpleString):
            text = annotation.evaluated_value
            if isinstance(text, bytes):
                return False
            words = [word.strip() for word in text.replace("Optional[", "").rstrip("]").split("|")]
            return any(word in _SOCKET_TYPE_TEXT for word in words) and all(
                word in _SOCKET_TYPE_TEXT or word == "None" for word in words
            )
        return False

    def _optional_socket(self, parts: Sequence[cst.BaseExpression]) -> bool:
        others = [part for part in parts if not _is_none(part)]
        return bool(others) and all(self._annotation_is_socket(part) for part in others)

    # -- names --------------------------------------------------------------
    def _name_bindings(self, name: cst.Name) -> list[_Binding] | None:
        scope = self._rule.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        bindings: list[_Binding] = []
        for assignment in scope[name.value]:
            if isinstance(assignment, ImportAssignment) or not isinstance(assignment, Assignment):
                return None
            bindings.append(self._binding_of(assignment.node))
        return bindings

    def _binding_of(self, node: cst.CSTNode) -> _Binding:
        if isinstance(node, cst.Param):
            if node.annotation is not None:
                return _Binding(None, annotation=node.annotation.annotation)
            if node.default is not None and _is_none(node.default):
                return _NEUTRAL
            return _UNKNOWN
        if not isinstance(node, cst.Name):
            return _UNKNOWN
        parent = self._parent(node)
        if isinstance(parent, cst.AssignTarget):
            statement = self._parent(parent)
            if isinstance(statement, cst.Assign):
                return _Binding(statement.value)
        elif isinstance(parent, cst.AnnAssign) and parent.target is node:
            return _Binding(parent.value, annotation=parent.annotation.annotation)
        elif isinstance(parent, cst.AsName):
            item = self._parent(parent)
            if isinstance(item, cst.WithItem):
                return _Binding(item.item)
        elif isinstance(parent, cst.NamedExpr) and parent.target is node:
            return _Binding(parent.value)
        elif isinstance(parent, cst.Element):
            target = self._parent(parent)
            holder = self._parent(target) if target is not None else None
            if isinstance(holder, cst.AssignTarget) and isinstance(target, cst.BaseExpression):
                statement = self._parent(holder)
                position = _tuple_index(target, node)
                if isinstance(statement, cst.Assign) and position is not None:
                    return _Binding(statement.value, index=position)
        return _UNKNOWN

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        parent: cst.CSTNode | None = self._rule.get_metadata(ParentNodeProvider, node, None)
        return parent

    # -- self.attribute -----------------------------------------------------
    def _instance_class(self, expr: cst.BaseExpression) -> cst.ClassDef | None:
        """The class when ``expr`` is the ``self`` (or ``cls``) parameter of one of its methods."""
        if not isinstance(expr, cst.Name):
            return None
        scope = self._rule.get_metadata(ScopeProvider, expr, None)
        if scope is None:
            return None
        assignments = list(scope[expr.value])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        param = assignments[0].node
        if not isinstance(param, cst.Param):
            return None
        parameters = self._parent(param)
        function = self._parent(parameters) if parameters is not None else None
        if not isinstance(parameters, cst.Parameters) or not isinstance(function, cst.FunctionDef):
            return None
        first = (*parameters.posonly_params, *parameters.params)[:1]
        if not first or first[0] is not param:
            return None
        if any(
            isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
            for d in function.decorators
        ):
            return None
        # Up through the blocks of the class body (``if _have_ssl:`` around a method).
        for owner in ancestors(self._rule, function):
            if isinstance(owner, cst.ClassDef):
                return owner
            if isinstance(owner, (cst.FunctionDef, cst.Lambda, cst.Module)):
                return None
        return None

    def _class_info(self, classdef: cst.ClassDef, depth: int = 0) -> _ClassInfo:
        cached = self._class_info_cache.get(id(classdef))
        if cached is not None:
            return cached
        handler: HandlerKind | None = None
        server = False
        local: list[cst.ClassDef] = []
        for arg in classdef.bases:
            base = arg.value
            names = {n.name for n in self._rule.get_metadata(QualifiedNameProvider, base, set())}
            for name in names:
                if name in _HANDLER_BASES and handler != "stream":
                    handler = _HANDLER_BASES[name]
                server = server or name in _SERVER_BASES
            if isinstance(base, cst.Name) and depth < _MAX_DEPTH:
                scope = self._rule.get_metadata(ScopeProvider, base, None)
                for assignment in scope[base.value] if scope is not None else ():
                    if isinstance(assignment, Assignment) and isinstance(
                        assignment.node, cst.ClassDef
                    ):
                        if assignment.node is classdef:
                            continue
                        info = self._class_info(assignment.node, depth + 1)
                        if info.handler is not None and handler != "stream":
                            handler = info.handler
                        server = server or info.server
                        local.append(assignment.node)
                        local.extend(info.local_bases)
        info = _ClassInfo(handler, server, tuple(local))
        self._class_info_cache[id(classdef)] = info
        return info

    def _attribute_bindings(self, classdef: cst.ClassDef, attr: str) -> list[_Binding]:
        bindings: list[_Binding] = []
        for owner in (classdef, *self._class_info(classdef).local_bases):
            bindings.extend(self._class_bindings(owner).get(attr, ()))
        return bindings

    def _class_bindings(self, classdef: cst.ClassDef) -> dict[str, list[_Binding]]:
        """``attr -> bindings`` for ``self.attr = ...`` in the methods of
        ``classdef`` and ``attr = ...`` / ``attr: T`` in its body."""
        cached = self._class_bindings_cache.get(id(classdef))
        if cached is not None:
            return cached
        found: dict[str, list[_Binding]] = {}
        body = classdef.body
        for statement in _statements(body):
            if isinstance(statement, cst.FunctionDef):
                self._method_bindings(statement, found)
            elif isinstance(statement, cst.AnnAssign) and isinstance(statement.target, cst.Name):
                found.setdefault(statement.target.value, []).append(
                    _Binding(statement.value, annotation=statement.annotation.annotation)
                )
            elif isinstance(statement, cst.Assign):
                for target in statement.targets:
                    if isinstance(target.target, cst.Name):
                        found.setdefault(target.target.value, []).append(_Binding(statement.value))
        self._class_bindings_cache[id(classdef)] = found
        return found

    def _method_bindings(self, method: cst.FunctionDef, found: dict[str, list[_Binding]]) -> None:
        first = (*method.params.posonly_params, *method.params.params)[:1]
        if not first:
            return
        me = first[0].name.value
        for statement in _statements(method.body):
            if isinstance(statement, cst.Assign):
                for target in statement.targets:
                    self._record_target(target.target, statement.value, me, found)
            elif isinstance(statement, cst.AnnAssign):
                target_node = statement.target
                if self._self_attribute(target_node, me) is not None:
                    assert isinstance(target_node, cst.Attribute)
                    found.setdefault(target_node.attr.value, []).append(
                        _Binding(statement.value, annotation=statement.annotation.annotation)
                    )
            elif isinstance(statement, cst.AugAssign):
                attr = self._self_attribute(statement.target, me)
                if attr is not None:
                    found.setdefault(attr, []).append(_UNKNOWN)

    def _record_target(
        self,
        target: cst.BaseExpression,
        value: cst.BaseExpression,
        me: str,
        found: dict[str, list[_Binding]],
    ) -> None:
        attr = self._self_attribute(target, me)
        if attr is not None:
            found.setdefault(attr, []).append(_Binding(value))
            return
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                inner = element.value
                attr = self._self_attribute(inner, me)
                if attr is None:
                    continue
                position = _tuple_index(target, inner)
                found.setdefault(attr, []).append(
                    _Binding(value, index=position) if position is not None else _UNKNOWN
                )

    @staticmethod
    def _self_attribute(target: cst.BaseExpression, me: str) -> str | None:
        if (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == me
        ):
            return target.attr.value
        return None

    def _attribute_is_socket(self, classdef: cst.ClassDef, attr: str, depth: int) -> bool:
        info = self._class_info(classdef)
        if attr == "request" and info.handler in ("base", "stream"):
            return True
        if attr == "connection" and info.handler == "stream":
            return True
        if attr == "socket" and (info.handler == "datagram" or info.server):
            return True
        return self._verdict(self._attribute_bindings(classdef, attr), depth)

    # -- streams ------------------------------------------------------------
    def _is_stream(self, expr: cst.BaseExpression, depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return False
        if isinstance(expr, cst.Call):
            func = expr.func
            return (
                isinstance(func, cst.Attribute)
                and func.attr.value == "makefile"
                and self._is_socket(func.value, depth + 1)
            )
        bindings: list[_Binding] | None = None
        if isinstance(expr, cst.Name):
            bindings = self._name_bindings(expr)
        elif isinstance(expr, cst.Attribute):
            owner = self._instance_class(expr.value)
            if owner is None:
                return False
            attr = expr.attr.value
            if attr in ("rfile", "wfile") and self._class_info(owner).handler == "stream":
                return True
            bindings = self._attribute_bindings(owner, attr)
        if not bindings:
            return False
        found = False
        for binding in bindings:
            if binding.neutral or (binding.index is None and _is_none(binding.value)):
                continue
            if binding.value is None or binding.index is not None:
                return False
            if not self._is_stream(binding.value, depth + 1):
                return False
            found = True
        return found


# -- guards ---------------------------------------------------------------------
def _catches_reset(rule: Rule, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """Whether an ``except`` clause's type (or a ``suppress`` argument) catches a reset.

    True for ``OSError`` and its aliases and bases, for names we cannot
    resolve, and for a tuple holding any of them.
    """
    if depth > _MAX_DEPTH:
        return True
    if isinstance(expr, (cst.Tuple, cst.List)):
        return any(
            isinstance(element, cst.StarredElement)
            or _catches_reset(rule, element.value, depth + 1)
            for element in expr.elements
        )
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return True
    names = rule.get_metadata(QualifiedNameProvider, expr, set())
    if not names:
        return True
    for name in names:
        if name.name in RESET_CATCHERS:
            return True
        if name.source is QualifiedNameSource.BUILTIN:
            continue
        if (
            name.name.partition(".")[0] in _KNOWN_MODULES
            and name.source is QualifiedNameSource.IMPORT
        ):
            continue
        if name.source is QualifiedNameSource.LOCAL and isinstance(expr, cst.Name):
            if _local_catches_reset(rule, expr, depth):
                return True
            continue
        return True
    return False


def _local_catches_reset(rule: Rule, name: cst.Name, depth: int) -> bool:
    scope = rule.get_metadata(ScopeProvider, name, None)
    if scope is None:
        return True
    for assignment in scope[name.value]:
        if not isinstance(assignment, Assignment) or isinstance(assignment, ImportAssignment):
            return True
        node = assignment.node
        if isinstance(node, cst.ClassDef):
            continue  # a class defined here cannot catch OSError
        parent = rule.get_metadata(ParentNodeProvider, node, None)
        statement = (
            rule.get_metadata(ParentNodeProvider, parent, None) if parent is not None else None
        )
        if isinstance(parent, cst.AssignTarget) and isinstance(statement, cst.Assign):
            if _catches_reset(rule, statement.value, depth + 1):
                return True
            continue
        return True
    return False


def _handler_catches_reset(rule: Rule, handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    return handler.type is None or _catches_reset(rule, handler.type)


def _with_item_guards(rule: Rule, item: cst.WithItem) -> bool:
    call = item.item
    if not isinstance(call, cst.Call):
        return False
    names = qualified_names(rule, call.func)
    if names & _NORMALIZE:
        return True
    if names & _SUPPRESS:
        return any(arg.star == "*" or _catches_reset(rule, arg.value) for arg in call.args)
    return False


def _decorated_with_guard(rule: Rule, function: cst.FunctionDef) -> bool:
    for decorator in function.decorators:
        expr = decorator.decorator
        target = expr.func if isinstance(expr, cst.Call) else expr
        if qualified_names(rule, target) & (_NORMALIZE | _RETRY):
            return True
    return False


class ResetGuards:
    """Answers "is a reset raised here caught or normalized?" for one rule run.

    Walks out from the node to the enclosing function: a ``try`` whose body
    holds it and one of whose handlers catches a reset, a ``with`` block of
    ``contextlib.suppress(OSError)`` or ``netcompat.normalize()``, or a
    function decorated with ``@netcompat.normalize()`` / ``@netcompat.retry``.

    A handler around a nested ``def`` or a ``lambda`` does not count: the body
    runs later, elsewhere (a thread target, a callback).  But a nested
    function, a private method or a private module-level function (``_name``)
    that is only ever used as a direct call at guarded places of this file is
    guarded by those calls' handlers.  For private methods that needs every ``._name`` attribute of the
    file: the rule passes each to :meth:`note_attribute` during its visit and
    asks :meth:`guarded` only after the visit (in ``leave_Module``).
    """

    def __init__(self, rule: Rule) -> None:
        self._rule = rule
        self._private_refs: dict[str, list[cst.Attribute]] = {}

    def note_attribute(self, node: cst.Attribute) -> None:
        """Record ``X._name``; call it for every Attribute node of the module."""
        name = node.attr.value
        if name.startswith("_") and not name.endswith("__"):
            self._private_refs.setdefault(name, []).append(node)

    def guarded(self, node: cst.CSTNode) -> bool:
        """Whether a reset raised by ``node`` is caught or normalized."""
        return self._guarded(node, frozenset())

    def _guarded(self, node: cst.CSTNode, active: frozenset[int]) -> bool:
        rule = self._rule
        child = node
        for parent in ancestors(rule, node):
            if isinstance(parent, cst.FunctionDef) and child is parent.body:
                return _decorated_with_guard(rule, parent) or self._called_only_guarded(
                    parent, active
                )
            if isinstance(parent, cst.Lambda) and child is parent.body:
                return False
            if (
                isinstance(parent, (cst.Try, cst.TryStar))
                and child is parent.body
                and any(_handler_catches_reset(rule, handler) for handler in parent.handlers)
            ):
                return True
            if (
                isinstance(parent, cst.With)
                and child is parent.body
                and any(_with_item_guards(rule, item) for item in parent.items)
            ):
                return True
            child = parent
        return False

    def _called_only_guarded(self, function: cst.FunctionDef, active: frozenset[int]) -> bool:
        """A nested function or private method whose every use is a guarded call."""
        if id(function) in active:
            return False
        scope = self._rule.get_metadata(ScopeProvider, function, None)
        name = function.name.value
        if scope is None:
            return False
        assignments = list(scope[name])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return False
        assignment = assignments[0]
        if assignment.node is not function:
            return False
        uses: list[cst.CSTNode]
        private = name.startswith("_") and not name.endswith("__")
        if isinstance(scope, FunctionScope) or (isinstance(scope, GlobalScope) and private):
            uses = [access.node for access in assignment.references]
        elif isinstance(scope, ClassScope) and private and name in self._private_refs:
            if assignment.references:
                return False  # used in the class body itself (an alias, a callback table)
            uses = list(self._private_refs[name])
        else:
            return False
        active = active | {id(function)}
        checked = 0
        for use in uses:
            call = self._rule.get_metadata(ParentNodeProvider, use, None)
            if not isinstance(call, cst.Call) or call.func is not use:
                return False  # passed on, returned or stored: runs who knows where
            if any(parent is function for parent in ancestors(self._rule, call)):
                continue  # a recursive call: guarded if the other calls are
            if not self._guarded(call, active):
                return False
            checked += 1
        return checked > 0
