"""Which expressions read an OS errno, and how fixes write errno constants back.

Rules about errno comparisons (NC001 ``hardcoded-errno``, NC005
``errorcode-name-compare``, NC008) share two questions, answered here once:

*Is this expression an errno read from something that can be an OSError?*
    :func:`errno_read` recognises ``X.errno``, ``X.args[0]``,
    ``getattr(X, "errno", ...)``, a helper whose name says errno
    (``get_errno(X)``, ``errno_from_exception(X)``) and a local copied from one
    of those (``code = e.errno``, ``code, msg = e.args``).  It returns an
    :class:`ErrnoRead` saying what ``X`` is and which ``except`` clause bound
    it, or None.  :func:`exception_origin` and :func:`caught_origin` answer
    the underlying question for an exception object or an ``except`` clause.

*How does a fix write ``errno.ECONNRESET`` here?*
    :func:`errno_writer` picks ``errno.X``, ``E.X`` (``import errno as E``)
    or the bare ``X`` (``from errno import X``), says which import the fix
    needs, and declines when a local variable shadows the module.
    :func:`rebuild_elements` and :func:`membership` rebuild compared
    containers with merged duplicates, keeping their type, commas and comments.

What an exception can be is an :data:`Origin`:

``"socket"``
    caught by a clause spelled for sockets: ``socket.error``,
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
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Union

import libcst as cst
from libcst.metadata import (
    Assignment,
    BaseAssignment,
    ParentNodeProvider,
    QualifiedName,
    QualifiedNameProvider,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

from ._facts import FACTS_BY_NAME
from ._nodes import ancestors
from .fixes import attribute_chain, module_reference
from ._cst_rule import ImportSpec, Rule

__all__ = [
    "ErrnoRead",
    "ErrnoWriter",
    "Handler",
    "Origin",
    "binding_handler",
    "caught_origin",
    "contains_comment",
    "enclosing_handler",
    "errno_name_of",
    "errno_read",
    "errno_writer",
    "exception_origin",
    "is_exc_info_value",
    "membership",
    "rebuild_elements",
]

Origin = Literal["socket", "os", "any", "foreign"]
Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]
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

_MAX_DEPTH = 6


# -- what an exception can be ------------------------------------------------


def _fold(kinds: Iterable[_Kind]) -> _Kind:
    """The kind of a tuple of caught types: the one most likely to be an OSError."""
    found = set(kinds)
    for kind in _KIND_ORDER:
        if kind in found:
            return kind
    return "foreign"


def _origin(kind: _Kind) -> Origin:
    if kind in ("broad", "unknown"):
        return "any"
    return kind  # type: ignore[return-value]


def _builtin_kind(name: str) -> _Kind:
    value = getattr(builtins, name, None)
    if not isinstance(value, type) or not issubclass(value, BaseException):
        return "foreign" if value is not None else "unknown"
    if issubclass(value, OSError):
        return "os"
    return "foreign"


def _qualified_kind(qualified: str, source: QualifiedNameSource) -> _Kind | None:
    """The kind of an imported or builtin name; None for a local one."""
    if qualified in _SOCKET_CLASSES:
        return "socket"
    if qualified in _OS_CLASSES:
        return "os"
    if qualified in _BROAD_CLASSES:
        return "broad"
    if source is QualifiedNameSource.BUILTIN:
        return _builtin_kind(qualified.rpartition(".")[2])
    if source is QualifiedNameSource.IMPORT:
        # A relative import is this project's own code: it may subclass OSError.
        return "unknown" if qualified.startswith(".") else "foreign"
    return None


def _class_kind(rule: Rule, node: cst.ClassDef, depth: int) -> _Kind:
    """A class of this module: an OSError subclass, or something else."""
    kinds = [_type_kind(rule, arg.value, depth + 1) for arg in node.bases if arg.keyword is None]
    if not kinds:
        return "foreign"
    kind = _fold(kinds)
    # A direct subclass of Exception is a custom error, not an OSError.
    return "foreign" if kind == "broad" else kind


def _local_kind(rule: Rule, node: cst.Name, depth: int) -> _Kind:
    scope = rule.get_metadata(ScopeProvider, node, None)
    if scope is None:
        return "unknown"
    kinds: list[_Kind] = []
    for assignment in scope[node.value]:
        target = getattr(assignment, "node", None)
        if isinstance(target, cst.ClassDef):
            kinds.append(_class_kind(rule, target, depth))
            continue
        value = _assigned_value(rule, assignment)
        kinds.append("unknown" if value is None else _type_kind(rule, value, depth + 1))
    return _fold(kinds) if kinds else "unknown"


def _type_kind(rule: Rule, node: cst.BaseExpression, depth: int = 0) -> _Kind:
    """What the caught type expression ``node`` (of ``except node:``) is."""
    if depth > _MAX_DEPTH:
        return "unknown"
    if isinstance(node, (cst.Tuple, cst.List)):
        return _fold(
            _type_kind(rule, element.value, depth + 1)
            for element in node.elements
            if isinstance(element, cst.Element)
        )
    if not isinstance(node, (cst.Name, cst.Attribute)):
        return "unknown"
    names = rule.get_metadata(QualifiedNameProvider, node, set())
    kinds: list[_Kind] = []
    local = False
    for name in names:
        kind = _qualified_kind(name.name, name.source)
        if kind is None:
            local = True
        else:
            kinds.append(kind)
    if local and isinstance(node, cst.Name):
        kinds.append(_local_kind(rule, node, depth))
    return _fold(kinds) if kinds else "unknown"


def caught_origin(rule: Rule, caught: cst.BaseExpression | None) -> Origin:
    """What an exception caught by ``except caught:`` can be (None: bare ``except``).

    A tuple is as OS-like as its most OS-like member, so
    ``except (mysql.connector.Error, socket.error)`` is ``"socket"``.
    Names are resolved through imports (``from socket import error``) and
    through classes and tuples defined in the module.
    """
    if caught is None:
        return "any"
    return _origin(_type_kind(rule, caught))


def binding_handler(rule: Rule, name: cst.Name) -> Handler | None:
    """The ``except ... as name`` clause whose body contains this use of ``name``.

    The search is lexical and stops at the enclosing function, class or
    lambda, so of two handlers binding ``e`` in one function the one around
    the use is found.  A rebinding of ``name`` inside the handler body is
    not noticed.
    """
    child: cst.CSTNode = name
    for parent in ancestors(rule, name):
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return None
        if (
            isinstance(parent, (cst.ExceptHandler, cst.ExceptStarHandler))
            and child is parent.body
            and parent.name is not None
            and isinstance(parent.name.name, cst.Name)
            and parent.name.name.value == name.value
        ):
            return parent
        child = parent
    return None


def enclosing_handler(rule: Rule, node: cst.CSTNode) -> Handler | None:
    """The ``except`` clause whose body contains ``node`` (within its function)."""
    child: cst.CSTNode = node
    for parent in ancestors(rule, node):
        if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return None
        if isinstance(parent, (cst.ExceptHandler, cst.ExceptStarHandler)) and child is parent.body:
            return parent
        child = parent
    return None


def is_exc_info_value(rule: Rule, node: cst.BaseExpression) -> bool:
    """Whether ``node`` is ``sys.exc_info()[1]``."""
    if not isinstance(node, cst.Subscript) or _int_index(node) != 1:
        return False
    call = node.value
    return (
        isinstance(call, cst.Call)
        and not call.args
        and "sys.exc_info"
        in {q.name for q in rule.get_metadata(QualifiedNameProvider, call.func, set())}
    )


def _assigned_value(rule: Rule, assignment: BaseAssignment) -> cst.BaseExpression | None:
    """The value a simple ``name = value`` (or ``name: T = value``, ``name := value``) binds."""
    if not isinstance(assignment, Assignment) or not isinstance(assignment.node, cst.Name):
        return None
    parent = rule.get_metadata(ParentNodeProvider, assignment.node, None)
    if isinstance(parent, cst.AssignTarget):
        statement = rule.get_metadata(ParentNodeProvider, parent, None)
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement.value
    elif isinstance(parent, (cst.AnnAssign, cst.NamedExpr)) and parent.value is not None:
        return parent.value
    return None


def _unpacked_from(rule: Rule, assignment: BaseAssignment) -> tuple[int, cst.BaseExpression] | None:
    """``(index, value)`` for a name bound by unpacking: ``code, msg = value``."""
    if not isinstance(assignment, Assignment) or not isinstance(assignment.node, cst.Name):
        return None
    element = rule.get_metadata(ParentNodeProvider, assignment.node, None)
    if not isinstance(element, cst.Element):
        return None
    sequence = rule.get_metadata(ParentNodeProvider, element, None)
    if not isinstance(sequence, (cst.Tuple, cst.List)):
        return None
    target = rule.get_metadata(ParentNodeProvider, sequence, None)
    if not isinstance(target, cst.AssignTarget):
        return None
    statement = rule.get_metadata(ParentNodeProvider, target, None)
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
        return None
    if any(isinstance(e, cst.StarredElement) for e in sequence.elements):
        return None
    index = next(i for i, e in enumerate(sequence.elements) if e is element)
    return index, statement.value


def _looks_like_exception(name: str) -> bool:
    return bool(_EXCEPTION_NAME.match(name))


def exception_origin(
    rule: Rule, node: cst.BaseExpression, *, need_evidence: bool = False
) -> Origin | None:
    """What the object ``node`` (the ``X`` of ``X.errno``) can be.

    Args:
        rule: the running rule (for metadata).
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
    if is_exc_info_value(rule, node):
        return "any"
    if isinstance(node, cst.Name):
        handler = binding_handler(rule, node)
        if handler is not None:
            return caught_origin(rule, handler.type)
        scope = rule.get_metadata(ScopeProvider, node, None)
        assignments = list(scope[node.value]) if scope is not None else []
        if assignments and all(
            isinstance(
                getattr(a, "node", None),
                (cst.Import, cst.ImportFrom, cst.ClassDef, cst.FunctionDef),
            )
            for a in assignments
        ):
            return None
        for assignment in assignments:
            value = _assigned_value(rule, assignment)
            if value is not None and is_exc_info_value(rule, value):
                return "any"
            unpacked = _unpacked_from(rule, assignment)
            if unpacked is not None and unpacked[0] == 1 and _is_exc_info_call(rule, unpacked[1]):
                return "any"
        if need_evidence and not _looks_like_exception(node.value):
            return None
        return "any"
    if need_evidence:
        if isinstance(node, cst.Attribute) and _looks_like_exception(node.attr.value):
            return "any"
        return None
    return "any"


def _is_exc_info_call(rule: Rule, node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and "sys.exc_info" in {
        q.name for q in rule.get_metadata(QualifiedNameProvider, node.func, set())
    }


# -- errno reads ----------------------------------------------------------------


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

    node: cst.BaseExpression
    shape: Shape
    exception: cst.BaseExpression | None
    origin: Origin
    handler: Handler | None


def _int_index(node: cst.Subscript) -> int | None:
    if len(node.slice) != 1:
        return None
    index = node.slice[0].slice
    if not isinstance(index, cst.Index) or not isinstance(index.value, cst.Integer):
        return None
    value = index.value.evaluated_value
    return value if isinstance(value, int) else None


def _simple_string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _callee_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _read_from(
    rule: Rule,
    node: cst.BaseExpression,
    shape: Shape,
    exception: cst.BaseExpression | None,
    *,
    need_evidence: bool = False,
) -> ErrnoRead | None:
    if exception is None:
        return ErrnoRead(node, shape, None, "any", None)
    origin = exception_origin(rule, exception, need_evidence=need_evidence)
    if origin is None or origin == "foreign":
        return None
    handler = binding_handler(rule, exception) if isinstance(exception, cst.Name) else None
    return ErrnoRead(node, shape, exception, origin, handler)


def _direct_read(rule: Rule, node: cst.BaseExpression) -> ErrnoRead | None:
    if isinstance(node, cst.Attribute) and node.attr.value == "errno":
        if "errno" in {q.name for q in rule.get_metadata(QualifiedNameProvider, node.value, set())}:
            return None  # errno.errno: not an exception
        return _read_from(rule, node, "errno", node.value)
    if isinstance(node, cst.Subscript) and _int_index(node) == 0:
        value = node.value
        if isinstance(value, cst.Attribute) and value.attr.value == "args":
            return _read_from(rule, node, "args", value.value, need_evidence=True)
        return None
    if isinstance(node, cst.Call):
        callee = _callee_name(node.func)
        if callee is None:
            return None
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if callee == "getattr":
            if len(positional) >= 2 and _simple_string(positional[1]) == "errno":
                return _read_from(rule, node, "getattr", positional[0])
            return None
        if "errno" in callee and "errorcode" not in callee:
            return _read_from(rule, node, "helper", positional[0] if positional else None)
    return None


def _local_read(rule: Rule, node: cst.Name) -> ErrnoRead | None:
    scope = rule.get_metadata(ScopeProvider, node, None)
    if scope is None:
        return None
    assignments = list(scope[node.value])
    if not assignments:
        return None
    first: ErrnoRead | None = None
    for assignment in assignments:
        read: ErrnoRead | None = None
        value = _assigned_value(rule, assignment)
        if value is not None:
            read = _direct_read(rule, value)
        else:
            unpacked = _unpacked_from(rule, assignment)
            if unpacked is not None and unpacked[0] == 0:
                source = unpacked[1]
                if isinstance(source, cst.Attribute) and source.attr.value == "args":
                    read = _read_from(rule, source, "args", source.value, need_evidence=True)
        if read is None:
            return None
        first = first or read
    assert first is not None
    return ErrnoRead(node, "local", first.exception, first.origin, first.handler)


def errno_read(rule: Rule, node: cst.BaseExpression) -> ErrnoRead | None:
    """Whether ``node`` reads the errno of something that can be an OSError.

    Recognised: ``X.errno``; ``X.args[0]`` when ``X`` is bound by an
    ``except`` clause or by ``sys.exc_info()``, or reads like an exception
    name (``self.args[0]`` is not an errno); ``getattr(X, "errno", ...)``;
    a call whose name contains ``errno`` (``get_errno(X)``,
    ``errno_from_exception(X)``, ``ctypes.get_errno()``); and a name every
    assignment of which in its scope copies one of those
    (``code = e.errno``, ``code = e.args[0]``, ``code, msg = e.args``).

    Returns:
        The :class:`ErrnoRead`, or None (also when ``X`` is ``"foreign"``:
        ``except mysql.connector.Error as e: e.errno`` is a server code).
    """
    direct = _direct_read(rule, node)
    if direct is not None:
        return direct
    if isinstance(node, cst.Name):
        return _local_read(rule, node)
    return None


# -- writing errno constants -----------------------------------------------------


def errno_name_of(rule: Rule, node: cst.BaseExpression) -> str | None:
    """``"EPIPE"`` for an expression that is ``errno.EPIPE`` (however imported), else None.

    Only names of the errno table count.
    """
    names: Collection[QualifiedName] = rule.get_metadata(QualifiedNameProvider, node, set())
    for qualified in names:
        if qualified.source is not QualifiedNameSource.IMPORT:
            continue
        module, _, name = qualified.name.rpartition(".")
        if module == "errno" and name in FACTS_BY_NAME:
            return name
    return None


def _imported_from_errno(assignment: BaseAssignment, name: str) -> bool:
    node = getattr(assignment, "node", None)
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return False
    if node.relative or not isinstance(node.module, cst.Name) or node.module.value != "errno":
        return False
    return any(
        alias.evaluated_name == name and (alias.evaluated_alias or name) == name
        for alias in node.names
    )


def _bare(scope: Scope, name: str) -> bool:
    """Whether ``name`` is bound in ``scope`` only by ``from errno import name``."""
    bound = list(scope[name])
    return bool(bound) and all(_imported_from_errno(a, name) for a in bound)


@dataclass(frozen=True)
class ErrnoWriter:
    """How a fix at one place writes errno constants.

    Attributes:
        prefix: ``"errno"``, an alias (``"E"``) or None for bare names
            brought in by ``from errno import NAME``.
        imports: what the fix must add (``import errno``), if anything.
    """

    prefix: str | None
    imports: tuple[ImportSpec, ...]

    def constant(self, name: str) -> cst.BaseExpression:
        """``errno.NAME`` (or ``E.NAME``, or ``NAME``) as a node."""
        if self.prefix is None:
            return cst.Name(name)
        return attribute_chain(f"{self.prefix}.{name}")

    def spelled(self, name: str) -> str:
        """The constant as source text, for messages."""
        return name if self.prefix is None else f"{self.prefix}.{name}"


def errno_writer(
    rule: Rule, node: cst.CSTNode, names: Iterable[str], *, dotted: bool = False
) -> ErrnoWriter | None:
    """How to write the errno constants ``names`` at ``node``; None if impossible.

    Bare names are used when every one of them is already imported with
    ``from errno import NAME`` and not shadowed there (unless ``dotted``, as
    a ``case`` pattern needs: a bare name there would capture).  Otherwise
    ``errno.NAME`` through :func:`lintrules.fixes.module_reference`, which
    follows ``import errno as E`` and returns None when a local ``errno``
    variable hides the module: the fix must then be declined.
    """
    scope = rule.get_metadata(ScopeProvider, node, None)
    wanted = list(dict.fromkeys(names))
    if not dotted and scope is not None and wanted and all(_bare(scope, n) for n in wanted):
        return ErrnoWriter(None, ())
    reference = module_reference(rule, node, "errno")
    if reference is None:
        return None
    prefix, needs_import = reference
    return ErrnoWriter(prefix, (ImportSpec("errno"),) if needs_import else ())


# -- rebuilding compared values --------------------------------------------------


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> bool:
        self.found = True
        return False


def contains_comment(node: cst.CSTNode) -> bool:
    """Whether ``node`` holds a comment anywhere in its whitespace."""
    finder = _CommentFinder()
    node.visit(finder)
    return finder.found


ElementT = Union[cst.Element, cst.MatchOrElement]


def rebuild_elements(
    elements: Sequence[ElementT],
    names: Sequence[str | None],
    writer: ErrnoWriter,
    *,
    present: Sequence[str | None] = (),
) -> list[ElementT]:
    """Write each element's errno name, dropping later duplicates of a name.

    Args:
        elements: the container's elements (``cst.Element`` of a tuple, list or
            set, or ``cst.MatchOrElement`` of a ``case a | b`` pattern).
        names: for each element, the errno name to write, or None to keep it
            as it is.
        writer: how to spell the constants.
        present: for each element kept as it is, the errno name it already
            stands for (``errno.EPIPE``), so a literal meaning the same is
            dropped as a duplicate.

    An element is dropped only when no comment would go with it.  The last
    kept element takes the original last element's separator, so no
    trailing comma appears or disappears.
    """
    seen: set[str] = set()
    kept: list[ElementT] = []
    already = list(present) + [None] * (len(elements) - len(present))
    for element, name, existing in zip(elements, names, already):
        if name is None:
            if existing is not None:
                seen.add(existing)
            kept.append(element)
            continue
        if name in seen and not contains_comment(element):
            continue
        seen.add(name)
        old: cst.CSTNode = element.value if isinstance(element, cst.Element) else element.pattern
        if isinstance(old, cst.MatchValue):
            old = old.value
        new = writer.constant(name)
        if isinstance(new, (cst.Attribute, cst.Name)) and isinstance(old, cst.BaseExpression):
            new = new.with_changes(lpar=old.lpar, rpar=old.rpar)
        if isinstance(element, cst.MatchOrElement):
            kept.append(element.with_changes(pattern=cst.MatchValue(new)))
        else:
            kept.append(element.with_changes(value=new))
    if kept and elements and kept[-1] is not elements[-1]:
        last = elements[-1]
        if isinstance(last, cst.MatchOrElement):
            assert isinstance(kept[-1], cst.MatchOrElement)
            kept[-1] = kept[-1].with_changes(separator=last.separator)
        else:
            assert isinstance(kept[-1], cst.Element)
            kept[-1] = kept[-1].with_changes(comma=last.comma)
    return kept


def membership(
    subject: cst.BaseExpression,
    values: Sequence[cst.BaseExpression] | cst.Tuple | cst.List | cst.Set,
    *,
    negated: bool,
    operator: cst.BaseCompOp | None = None,
    subject_first: bool = True,
) -> cst.Comparison:
    """``subject == value`` for one value, ``subject in (a, b)`` for several.

    Args:
        subject: the errno expression.
        values: the values, or a ready container (kept as it is unless it
            holds a single element).
        negated: build ``!=`` / ``not in`` instead.
        operator: the original operator, whose whitespace is kept.
        subject_first: for a single value, keep the subject on the left
            (``False`` writes ``errno.X == e.errno``).
    """
    if isinstance(values, (cst.Tuple, cst.List, cst.Set)):
        items: list[cst.BaseExpression] = [
            e.value for e in values.elements if isinstance(e, cst.Element)
        ]
        container: cst.BaseExpression | None = values if len(values.elements) > 1 else None
    else:
        items = list(values)
        container = None
        if len(items) > 1:
            container = cst.Tuple(
                [
                    cst.Element(
                        item,
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                        if i < len(items) - 1
                        else cst.MaybeSentinel.DEFAULT,
                    )
                    for i, item in enumerate(items)
                ]
            )
    before = cst.SimpleWhitespace(" ")
    after = cst.SimpleWhitespace(" ")
    if operator is not None:
        before = getattr(operator, "whitespace_before", before)
        after = getattr(operator, "whitespace_after", after)
    if container is None:
        value = items[0]
        if isinstance(value, (cst.Attribute, cst.Name)):
            value = value.with_changes(lpar=(), rpar=())
        op: cst.BaseCompOp = (
            cst.NotEqual(whitespace_before=before, whitespace_after=after)
            if negated
            else cst.Equal(whitespace_before=before, whitespace_after=after)
        )
        if subject_first:
            return cst.Comparison(subject, [cst.ComparisonTarget(op, value)])
        return cst.Comparison(value, [cst.ComparisonTarget(op, subject)])
    op = (
        cst.NotIn(whitespace_before=before, whitespace_after=after)
        if negated
        else cst.In(whitespace_before=before, whitespace_after=after)
    )
    return cst.Comparison(subject, [cst.ComparisonTarget(op, container)])
