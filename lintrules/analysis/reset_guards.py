"""Does anything catch a reset where a socket call raises it?  For NC101.

:meth:`ResetGuards.guarded` answers it for one node of a file, from the file's
:class:`~lintrules.analysis.model.Model` and its
:class:`~lintrules.analysis.sockets.SocketInference`: a handler in the same
function catches a reset (``ConnectionResetError`` or anything wider), or a
``contextlib.suppress``, ``pytest.raises``/``assertRaises`` block,
``netcompat.normalize()`` or ``@netcompat.retry`` covers the call, or every
caller of the function does, or the error is the caller's by contract (a
docstring that says the function raises a socket error, a socket method of a
class that emulates a socket, a read or write primitive of its own).  Unknown
exception names (``except self.errors:``, an exception imported from a
third-party module) count as guards: a rule that reports guarded code gets
switched off.

One object per file (``ResetGuards.of(model)``), shared by the rules and by
other files' searches for guarded callers; it caches what it learns per
statement and per function.
"""

from __future__ import annotations

import ast
import re

from .model import Binding, Model
from .project import PROJECT_CLASS
from .sockets import (
    _FUNCTIONS,
    _MAX_DEPTH,
    _NOT,
    _TRY,
    Function,
    SocketInference,
    _Binding,
    _file_index,
    _first_parameter,
    _is_del,
    _is_none,
    _own_statements,
    _statements,
    bindings,
)

__all__ = [
    "RESET_CATCHERS",
    "ResetGuards",
    "documents_reset",
    "is_io_primitive_name",
    "tests_empty",
]

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
#: How many functions deep a search for guarded callers still looks in other modules.
_MAX_CALLER_HOPS = 6
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


def _outside_catches_reset(qualified: str) -> bool:
    """Whether a class the project's imports lead to catches a reset (unknown ones do)."""
    if qualified == PROJECT_CLASS:
        return False  # the project's own class catches only itself
    if qualified in RESET_CATCHERS:
        return True
    return not (qualified.startswith("builtins.") or qualified.partition(".")[0] in _KNOWN_MODULES)


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


def _calls_base(model: Model, call: ast.Call, name: str) -> bool:
    """Whether ``call``, in a method called ``name``, calls a base's method of
    that name: ``super().name(...)`` or ``Base.name(self, ...)`` (not
    ``other.name(...)``, which delegates to another object)."""
    if not _in_method_named(model, call, name) or not isinstance(call.func, ast.Attribute):
        return False
    receiver = call.func.value
    if (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Name)
        and receiver.func.id == "super"
    ):
        return True
    function = next(a for a in model.ancestors(call) if isinstance(a, _FUNCTIONS))
    first = _first_parameter(function)
    return (
        first is not None
        and bool(call.args)
        and isinstance(call.args[0], ast.Name)
        and call.args[0].id == first.arg
    )


def _in_method_named(model: Model, node: ast.AST, name: str) -> bool:
    """Whether ``node`` is in the body of a method called ``name`` (its
    innermost function, defined in a class body)."""
    function = next((a for a in model.ancestors(node) if isinstance(a, _FUNCTIONS)), None)
    return (
        function is not None and function.name == name and model.scope_of(function).kind == "class"
    )


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
            method = inference._method_named(owner, func.attr)
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
                isinstance(call, ast.Call) and _calls_base(self._model, call, name)
            ):
                continue  # a setting; itself, or an override calling its base: neither way
            if not (
                isinstance(call, ast.Call) and call.func is use and self._guarded(call, active)
            ):
                return False
        while dispatcher is not None:
            override = inference._method_named(owner, dispatcher)
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
        if self._makes_socket(function):
            return False  # a whole exchange on a socket of its own, not a read of a stream
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

    def _makes_socket(self, function: Function) -> bool:
        """Whether the function makes the socket it talks on (``socket.socket()``,
        ``create_connection()``...): ``send_tcp(data, host, port)`` that
        connects, sends and reads is an exchange of its own, whatever its name."""
        inference = SocketInference.of(self._model)
        return any(
            isinstance(node, ast.Call) and inference.makes_socket(node)
            for node in _own_statements(function)
        )

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
            if method and _calls_base(model, call, function.name):
                continue  # an override calling its base (``super().send()``): neither way
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
        around it.  An override's call of its base (``Base.name(self)``,
        ``super().name()`` in a method of the same name) is the override's,
        whose callers are those same uses: it counts neither way; a call on
        another object there (``resolver.name()``, delegation) is a use like
        any other.  No when a module uses the name
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
                if _calls_base(other, call, name):
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
