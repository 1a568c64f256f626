"""Which expressions read an OS errno, and how a fix may spell an errno constant there.

The rules about errno comparisons (NC001 ``hardcoded-errno``, NC005
``errorcode-name-compare``, NC006, NC008) ask the same questions of the
file's :class:`~lintrules.analysis.model.Model`; they are answered here, on
:mod:`ast` nodes, once.

*Does this expression read the errno of something that can be an OSError?*
    :func:`errno_read` recognises ``X.errno``, ``X.args[0]``,
    ``getattr(X, "errno", ...)``, a helper whose name says errno
    (``get_errno(X)``, ``errno_from_exception(X)``) and a local copied from one
    of those (``code = e.errno``, ``code, msg = e.args``).  It returns an
    :class:`ErrnoRead` saying what ``X`` is and which ``except`` clause binds
    it.  :func:`exception_origin` and :func:`caught_origin` answer the
    underlying question for an exception object or an ``except`` clause;
    :func:`is_exc_info_value` recognises ``sys.exc_info()[1]``.  The
    ``except`` clause binding a name is the model's own question
    (:meth:`Model.binding_handler`, :meth:`Model.enclosing_handler`).

*Is this expression an errno constant?*
    :func:`errno_name_of` gives ``"EPIPE"`` for ``errno.EPIPE``, ``E.EPIPE``
    after ``import errno as E`` or ``EPIPE`` after ``from errno import EPIPE``.

*How does a fix spell ``errno.ECONNRESET`` here?*
    :func:`errno_writer` answers with an :class:`ErrnoWriter`: ``errno.X``,
    ``E.X`` (``import errno as E``), the bare ``X`` (``from errno import X``),
    the import the fix needs, or None when a local variable hides the module.
    :func:`module_reference` is the same question for any module
    (``netcompat.is_reset``).  Building the libcst nodes is
    :mod:`lintrules.fixing.errno_fixes`' job.

*Small questions of source text* the rules share: :func:`int_literal`
(``104``, not ``True``), :func:`string_literal` (one plain string literal, as
libcst's ``SimpleString``), :func:`has_comment` and :func:`source_text`.

What an exception can be is an :data:`Origin`:

``"socket"``
    caught by a clause spelled for sockets: ``socket.error`` (also as a
    ``socket`` module of another package re-exports it, ``gevent.socket.error``,
    ``six.moves.http_client.socket.error``),
    ``socket.timeout``, ``select.error``, ``ConnectionError`` and its
    subclasses, ``BrokenPipeError``, ``TimeoutError``, ``BlockingIOError``,
    ``http.client.RemoteDisconnected``;
``"os"``
    caught as another ``OSError`` (``OSError``, ``IOError``,
    ``EnvironmentError``, ``os.error``, ``FileNotFoundError``...);
``"any"``
    ``Exception``, ``BaseException``, a bare ``except``, or not bound by an
    ``except`` clause at all (a parameter, an attribute): it may be an
    ``OSError``;
``"foreign"``
    its ``errno`` is not an OS errno: every caught type is a builtin
    exception outside the ``OSError`` family (``ValueError``), a class
    imported from any other module (``mysql.connector.Error``,
    ``psycopg2.Error``, ``requests.ConnectionError``, whose own ``errno`` is
    None), ``socket.gaierror``/``socket.herror`` (resolver codes) or an
    ``ssl`` error (OpenSSL codes), or a class of this module that does not
    derive from ``OSError``.

Nothing here imports libcst.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from netcompat.errno_table import BY_NAME

from ..rule import ImportSpec
from .model import Binding, Model, Scope, imports_module

__all__ = [
    "ErrnoRead",
    "ErrnoWriter",
    "Origin",
    "Shape",
    "caught_origin",
    "errno_name_of",
    "errno_read",
    "errno_writer",
    "exception_origin",
    "has_comment",
    "int_literal",
    "is_exc_info_value",
    "looks_like_exception",
    "module_reference",
    "source_text",
    "string_literal",
]

Origin = Literal["socket", "os", "any", "foreign"]
Shape = Literal["errno", "args", "getattr", "helper", "local"]

# What a caught type is, before it is folded into an Origin: "broad" is
# Exception/BaseException/bare except, "unknown" a name we cannot resolve.
_Kind = Literal["socket", "os", "broad", "unknown", "foreign"]
_KIND_ORDER: tuple[_Kind, ...] = ("socket", "os", "unknown", "broad", "foreign")

#: Classes whose spelling says the handler is about sockets.
_SOCKET_CLASSES = frozenset(
    {
        "builtins.ConnectionError",
        "builtins.ConnectionResetError",
        "builtins.ConnectionAbortedError",
        "builtins.ConnectionRefusedError",
        "builtins.BrokenPipeError",
        "builtins.TimeoutError",
        "builtins.BlockingIOError",
        "socket.error",
        "socket.timeout",
        "select.error",
        "http.client.RemoteDisconnected",
    }
)
#: Standard-library OSError names that builtins introspection cannot see.
_OS_CLASSES = frozenset(
    {"builtins.WindowsError", "os.error", "urllib.error.URLError", "urllib.error.HTTPError"}
)
_BROAD_CLASSES = frozenset({"builtins.Exception", "builtins.BaseException"})

#: Names that read like an exception object (``e``, ``exc``, ``err``,
#: ``socket_error``, ``exc_info``, ``__cause__``).  Used only where an
#: attribute is too common to trust on its own (``X.args[0]``).
_EXCEPTION_NAME = re.compile(
    r"^_*(?:e|ex|exc|err|error|exception|why|cause|context|__cause__|__context__"
    r"|[a-z0-9]+_(?:e|ex|exc|err|error|exception)"
    r"|(?:exc|err|error|exception)_?[a-z]*)\d*_*$",
    re.IGNORECASE,
)

#: How deep :func:`caught_origin` follows local classes and tuples.
_MAX_DEPTH = 6


# -- literals and source text ----------------------------------------------------


def int_literal(node: ast.AST) -> int | None:
    """The value of a non-negative integer literal (``104``, ``0x68``), else None (``True`` too)."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def source_text(model: Model, node: ast.AST) -> str:
    """The source of ``node``, without the parentheses around it (as :meth:`Model.segment`).

    Sliced from the lines the node spans, so asking costs the node's size,
    not the file's.
    """
    span = model.span(node)
    source = model.source
    if span.line == span.end_line:
        return source.line(span.line)[span.column : span.end_column]
    lines = [source.line(span.line)[span.column :]]
    lines.extend(source.line(number) for number in range(span.line + 1, span.end_line))
    lines.append(source.line(span.end_line)[: span.end_column])
    return "\n".join(lines)


def string_literal(model: Model, node: ast.AST) -> str | None:
    """The value of a single string literal (not bytes, f-strings or ``"a" "b"``)."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    segment = source_text(model, node)
    single = (
        segment[-1:] in ("'", '"')
        and segment.lstrip("rRuU")[:1] in ("'", '"')
        and _string_tokens(segment) == 1
    )
    return node.value if single else None


def _string_tokens(text: str) -> int:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return 0
    return sum(token.type == tokenize.STRING for token in tokens)


def has_comment(model: Model, node: ast.AST) -> bool:
    """Whether the source of ``node`` holds a comment (its own text, parentheses around it not included)."""
    segment = source_text(model, node)
    if "#" not in segment:
        return False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    return any(token.type == tokenize.COMMENT for token in tokens)


# -- what an exception can be ----------------------------------------------------


def _fold(kinds: Iterable[_Kind]) -> _Kind:
    """The kind of a tuple of caught types: the one most likely to be an OSError."""
    found = set(kinds)
    for kind in _KIND_ORDER:
        if kind in found:
            return kind
    return "foreign"


def _origin(kind: _Kind) -> Origin:
    if kind == "broad" or kind == "unknown":
        return "any"
    return kind


def _builtin_kind(name: str) -> _Kind:
    value = getattr(builtins, name, None)
    if not isinstance(value, type) or not issubclass(value, BaseException):
        return "foreign" if value is not None else "unknown"
    if issubclass(value, OSError):
        return "os"
    return "foreign"


#: ``six.moves`` names of standard-library modules.
_SIX_MOVES = {
    "six.moves.http_client": "http.client",
    "six.moves.socketserver": "socketserver",
    "six.moves.urllib.error": "urllib.error",
    "six.moves.builtins": "builtins",
}
#: The ``socket`` module's exception names, which modules named ``socket`` of
#: other packages re-export (``gevent.socket.error``, ``eventlet.green.socket``,
#: ``http.client.socket.error``).
_SOCKET_MODULE_NAMES = frozenset({"error", "timeout", "herror", "gaierror"})


def _canonical(qualified: str) -> str:
    """The standard-library name an imported name stands for.

    ``six.moves.http_client.socket.error`` and ``gevent.socket.error`` are
    ``socket.error``: ``six.moves`` names a standard module, and a module
    named ``socket`` anywhere (a green copy, or ``socket`` reached as an
    attribute of a module that imported it) re-exports the socket module's
    exceptions.
    """
    for alias, module in _SIX_MOVES.items():
        if qualified == alias or qualified.startswith(alias + "."):
            qualified = module + qualified[len(alias) :]
            break
    head, _, last = qualified.rpartition(".")
    if last in _SOCKET_MODULE_NAMES and head.endswith(".socket"):
        return f"socket.{last}"
    return qualified


def _qualified_kind(qualified: str, source: str) -> _Kind | None:
    """The kind of an imported or builtin name; None for a local one."""
    if source == "import":
        qualified = _canonical(qualified)
    if qualified in _SOCKET_CLASSES:
        return "socket"
    if qualified in _OS_CLASSES:
        return "os"
    if qualified in _BROAD_CLASSES:
        return "broad"
    if source == "builtin":
        return _builtin_kind(qualified.rpartition(".")[2])
    if source == "import":
        # A relative import is this project's own code: it may subclass OSError.
        return "unknown" if qualified.startswith(".") else "foreign"
    return None


def _assignments(model: Model, name: ast.Name) -> list[Binding]:
    """The bindings of ``name`` where it is read, ``del`` statements left out."""
    return [
        binding
        for binding in model.lookup(name)
        if not (isinstance(binding.node, ast.Name) and isinstance(binding.node.ctx, ast.Del))
    ]


def _assigned_value(model: Model, binding: Binding) -> ast.expr | None:
    """The value a simple ``name = value`` (or ``name: T = value``, ``name := value``) binds."""
    target = binding.node
    if binding.kind != "assign" or not isinstance(target, ast.Name):
        return None
    parent = model.parent(target)
    if isinstance(parent, ast.Assign):
        if len(parent.targets) == 1 and parent.targets[0] is target:
            return parent.value
    elif isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.target is target:
        return parent.value
    return None


def _unpacked_from(model: Model, binding: Binding) -> tuple[int, ast.expr] | None:
    """``(index, value)`` for a name bound by unpacking: ``code, msg = value``."""
    target = binding.node
    if binding.kind != "assign" or not isinstance(target, ast.Name):
        return None
    sequence = model.parent(target)
    if not isinstance(sequence, (ast.Tuple, ast.List)):
        return None
    statement = model.parent(sequence)
    if not isinstance(statement, ast.Assign) or statement.targets != [sequence]:
        return None
    if any(isinstance(element, ast.Starred) for element in sequence.elts):
        return None
    index = next(i for i, element in enumerate(sequence.elts) if element is target)
    return index, statement.value


def _class_kind(model: Model, node: ast.ClassDef, depth: int) -> _Kind:
    """A class of this module: an OSError subclass, or something else."""
    kinds = [_type_kind(model, base, depth + 1) for base in node.bases]
    if not kinds:
        return "foreign"
    kind = _fold(kinds)
    # A direct subclass of Exception is a custom error, not an OSError.
    return "foreign" if kind == "broad" else kind


def _local_kind(model: Model, node: ast.Name, depth: int) -> _Kind:
    kinds: list[_Kind] = []
    for binding in _assignments(model, node):
        if isinstance(binding.node, ast.ClassDef):
            kinds.append(_class_kind(model, binding.node, depth))
            continue
        value = _assigned_value(model, binding)
        kinds.append("unknown" if value is None else _type_kind(model, value, depth + 1))
    return _fold(kinds) if kinds else "unknown"


def _type_kind(model: Model, node: ast.expr, depth: int = 0) -> _Kind:
    """What the caught type expression ``node`` (of ``except node:``) is."""
    if depth > _MAX_DEPTH:
        return "unknown"
    if isinstance(node, ast.Starred):
        node = node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        return _fold(
            _type_kind(model, element, depth + 1)
            for element in node.elts
            if not isinstance(element, ast.Starred)
        )
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return "unknown"
    kinds: list[_Kind] = []
    local = False
    for qualified in model.qualified_names(node):
        kind = _qualified_kind(qualified.name, qualified.source)
        if kind is None:
            local = True
        else:
            kinds.append(kind)
    if local and isinstance(node, ast.Name):
        kinds.append(_local_kind(model, node, depth))
    return _fold(kinds) if kinds else "unknown"


def caught_origin(model: Model, caught: ast.expr | None) -> Origin:
    """What an exception caught by ``except caught:`` can be (None: a bare ``except``).

    A tuple is as OS-like as its most OS-like member, so
    ``except (mysql.connector.Error, socket.error)`` is ``"socket"``.
    Names are resolved through imports (``from socket import error``) and
    through classes and tuples defined in the module.
    """
    if caught is None:
        return "any"
    return _origin(_type_kind(model, caught))


def _is_exc_info_call(model: Model, node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and "sys.exc_info" in {
        q.name for q in model.qualified_names(node.func)
    }


def is_exc_info_value(model: Model, node: ast.AST) -> bool:
    """Whether ``node`` is ``sys.exc_info()[1]``."""
    if not isinstance(node, ast.Subscript) or int_literal(node.slice) != 1:
        return False
    call = node.value
    return (
        isinstance(call, ast.Call)
        and not call.args
        and not call.keywords
        and _is_exc_info_call(model, call)
    )


def looks_like_exception(name: str) -> bool:
    """Whether a name reads like an exception object: ``e``, ``exc``, ``err``, ``socket_error``."""
    return bool(_EXCEPTION_NAME.match(name))


_NOT_OBJECTS = ("import", "from-import", "class", "function")


def exception_origin(model: Model, node: ast.expr, *, need_evidence: bool = False) -> Origin | None:
    """What the object ``node`` (the ``X`` of ``X.errno``) can be.

    Args:
        model: the file's semantic model.
        node: the expression holding the object.
        need_evidence: require a sign that ``node`` is an exception at all: a
            name bound by an ``except`` clause or by ``sys.exc_info()[1]``,
            ``sys.exc_info()[1]`` itself, or a name that reads like one
            (``e``, ``exc``, ``err``, ``socket_error``).  Used for
            ``X.args[0]``, since ``args`` is a common attribute.

    Returns:
        The :data:`Origin`, or None when ``node`` is not an exception object
        (a module, a class, a function) or, with ``need_evidence``, when
        nothing says it is one.
    """
    if is_exc_info_value(model, node):
        return "any"
    if isinstance(node, ast.Name):
        handler = model.binding_handler(node)
        if handler is not None:
            return caught_origin(model, handler.type)
        bindings = _assignments(model, node)
        if bindings and all(binding.kind in _NOT_OBJECTS for binding in bindings):
            return None
        for binding in bindings:
            value = _assigned_value(model, binding)
            if value is not None and is_exc_info_value(model, value):
                return "any"
            unpacked = _unpacked_from(model, binding)
            if unpacked is not None and unpacked[0] == 1 and _is_exc_info_call(model, unpacked[1]):
                return "any"
        if need_evidence and not looks_like_exception(node.id):
            return None
        return "any"
    if need_evidence:
        if isinstance(node, ast.Attribute) and looks_like_exception(node.attr):
            return "any"
        return None
    return "any"


# -- errno reads -------------------------------------------------------------------


@dataclass(frozen=True)
class ErrnoRead:
    """An expression whose value is the errno of something that can be an OSError.

    Attributes:
        node: the expression itself (``e.errno``, ``code``...).
        shape: ``"errno"`` (``X.errno``), ``"args"`` (``X.args[0]``),
            ``"getattr"`` (``getattr(X, "errno", ...)``), ``"helper"``
            (``get_errno(X)``) or ``"local"`` (a variable copied from one of
            those in the same scope).
        exception: the ``X`` the errno is read from, when the expression (or
            the assignment a local was copied from) names it.
        origin: what ``X`` can be; never ``"foreign"`` (then there is no read).
        handler: the ``except`` clause that binds ``X``, if ``X`` is a name
            bound by one around this use.
    """

    node: ast.expr
    shape: Shape
    exception: ast.expr | None
    origin: Origin
    handler: ast.ExceptHandler | None


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _read_from(
    model: Model,
    node: ast.expr,
    shape: Shape,
    exception: ast.expr | None,
    *,
    need_evidence: bool = False,
) -> ErrnoRead | None:
    if exception is None:
        return ErrnoRead(node, shape, None, "any", None)
    origin = exception_origin(model, exception, need_evidence=need_evidence)
    if origin is None or origin == "foreign":
        return None
    handler = model.binding_handler(exception) if isinstance(exception, ast.Name) else None
    return ErrnoRead(node, shape, exception, origin, handler)


def _args_item(node: ast.expr) -> ast.expr | None:
    """``X`` when ``node`` is ``X.args``."""
    if isinstance(node, ast.Attribute) and node.attr == "args":
        return node.value
    return None


def _direct_read(model: Model, node: ast.expr) -> ErrnoRead | None:
    if isinstance(node, ast.Attribute) and node.attr == "errno":
        if "errno" in {q.name for q in model.qualified_names(node.value)}:
            return None  # errno.errno: not an exception
        return _read_from(model, node, "errno", node.value)
    if isinstance(node, ast.Subscript) and int_literal(node.slice) == 0:
        exception = _args_item(node.value)
        if exception is None:
            return None
        return _read_from(model, node, "args", exception, need_evidence=True)
    if isinstance(node, ast.Call):
        callee = _callee_name(node.func)
        if callee is None:
            return None
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        if callee == "getattr":
            if len(positional) >= 2 and string_literal(model, positional[1]) == "errno":
                return _read_from(model, node, "getattr", positional[0])
            return None
        if "errno" in callee and "errorcode" not in callee:
            return _read_from(model, node, "helper", positional[0] if positional else None)
    return None


def _local_read(model: Model, node: ast.Name) -> ErrnoRead | None:
    bindings = _assignments(model, node)
    if not bindings:
        return None
    first: ErrnoRead | None = None
    for binding in bindings:
        read: ErrnoRead | None = None
        value = _assigned_value(model, binding)
        if isinstance(value, ast.Constant) and value.value is None:
            continue  # ``code = None`` before the ``try``: no errno yet
        if value is not None:
            read = _direct_read(model, value)
        else:
            unpacked = _unpacked_from(model, binding)
            if unpacked is not None and unpacked[0] == 0:
                source = unpacked[1]
                exception = _args_item(source)
                if exception is not None:
                    read = _read_from(model, source, "args", exception, need_evidence=True)
        if read is None:
            return None
        first = first or read
    if first is None:
        return None
    return ErrnoRead(node, "local", first.exception, first.origin, first.handler)


def errno_read(model: Model, node: ast.expr) -> ErrnoRead | None:
    """Whether ``node`` reads the errno of something that can be an OSError.

    Recognised: ``X.errno``; ``X.args[0]`` when ``X`` is bound by an
    ``except`` clause or by ``sys.exc_info()``, or reads like an exception
    name (``self.args[0]`` is not an errno); ``getattr(X, "errno", ...)``;
    a call whose name contains ``errno`` (``get_errno(X)``,
    ``errno_from_exception(X)``, ``ctypes.get_errno()``); and a name every
    assignment of which in its scope copies one of those
    (``code = e.errno``, ``code = e.args[0]``, ``code, msg = e.args``),
    a ``name = None`` placeholder aside (``errno = None`` before the ``try``).

    Returns:
        The :class:`ErrnoRead`, or None (also when ``X`` is ``"foreign"``:
        ``except mysql.connector.Error as e: e.errno`` is a server code).
    """
    direct = _direct_read(model, node)
    if direct is not None:
        return direct
    if isinstance(node, ast.Name):
        return _local_read(model, node)
    return None


# -- errno constants and how to spell them -------------------------------------------


def errno_name_of(model: Model, node: ast.expr) -> str | None:
    """``"EPIPE"`` for an expression that is ``errno.EPIPE`` (however imported), else None.

    Only names of the errno table count.
    """
    for name in model.imported_names(node):
        module, _, constant = name.rpartition(".")
        if module == "errno" and constant in BY_NAME:
            return constant
    return None


def module_reference(model: Model, node: ast.AST, module: str) -> tuple[str, bool] | None:
    """How code at ``node`` can refer to ``module``: ``(name, needs_import)`` or None.

    ``("errno", False)`` when ``import errno`` already binds it there,
    ``("E", False)`` for ``import errno as E``, ``("errno", True)`` when the
    name is free and an import must be added, and None when a local binding
    shadows the name and no module-level alias reaches the module (the fix
    must then be declined rather than produce wrong code).
    """
    scope = model.scope_of(node)
    bindings = scope.lookup(module)
    if bindings and all(imports_module(b, module, module) for b in bindings):
        return module, False
    # Free or shadowed: look for an alias imported at module level that reaches here.
    for name in model.module_aliases(module):
        if name == module:
            continue
        reachable = scope.lookup(name)
        if reachable and all(imports_module(b, module, name) for b in reachable):
            return name, False
    if not bindings:
        return module, True
    return None


def _bare(scope: Scope, name: str) -> bool:
    """Whether ``name`` is bound where it is read only by ``from errno import name``."""
    bindings = scope.lookup(name)
    return bool(bindings) and all(
        binding.kind == "from-import"
        and isinstance(binding.node, ast.alias)
        and isinstance(binding.statement, ast.ImportFrom)
        and binding.statement.level == 0
        and binding.statement.module == "errno"
        and binding.node.name == name
        for binding in bindings
    )


@dataclass(frozen=True)
class ErrnoWriter:
    """How a fix at one place spells errno constants.

    Attributes:
        prefix: ``"errno"``, an alias (``"E"``) or None for the bare names
            brought in by ``from errno import NAME``.
        imports: what the fix must add (``import errno``), if anything.
    """

    prefix: str | None
    imports: tuple[ImportSpec, ...]

    def spelled(self, name: str) -> str:
        """The constant as source text: ``errno.NAME``, ``E.NAME`` or ``NAME``."""
        return name if self.prefix is None else f"{self.prefix}.{name}"


def errno_writer(
    model: Model, node: ast.AST, names: Iterable[str], *, dotted: bool = False
) -> ErrnoWriter | None:
    """How to spell the errno constants ``names`` at ``node``; None if impossible.

    Bare names are used when every one of them is already imported with
    ``from errno import NAME`` and not shadowed there (unless ``dotted``, as
    a ``case`` pattern needs: a bare name there would capture).  Otherwise
    ``errno.NAME`` through :func:`module_reference`, which follows
    ``import errno as E`` and returns None when a local ``errno`` variable
    hides the module: the fix must then be declined.
    """
    scope = model.scope_of(node)
    wanted = list(dict.fromkeys(names))
    if not dotted and wanted and all(_bare(scope, name) for name in wanted):
        return ErrnoWriter(None, ())
    reference = module_reference(model, node, "errno")
    if reference is None:
        return None
    prefix, needs_import = reference
    return ErrnoWriter(prefix, (ImportSpec("errno"),) if needs_import else ())
