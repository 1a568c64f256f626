"""After the fixes: merge what they made identical, and name the comments they may make untrue.

A fix rewrites one expression.  Next to the code around it, or to another fix,
it can leave repetitions nobody would write by hand; they are merged in the
same round:

* ``x == A or x == A`` becomes ``x == A`` (``and`` alike): a comparison equal
  to an earlier operand of the same chain is dropped;
* ``x in (A, A)`` keeps one ``A``, and a container left with one element
  becomes ``x == A`` (``not in``: ``!=``), as the rules' own builders write it;
* in an ``if``/``elif`` chain, an ``elif`` whose test became the same as an
  earlier one can no longer run.  It is removed when its body is the same as
  the earlier branch's and the only comments that would go with it are
  platform labels (``# On Linux/macOS``); otherwise it stays, and the fix's
  title says that it can no longer run.

Only repetitions with a side the fixes wrote are touched (never the user's own
``x == A or x == A``), only between expressions without side effects (names,
attributes, literals, subscripts, ``getattr``/``isinstance`` calls), and never
an operand that carries a comment or a container that holds one.  The work is
done statement by statement: each statement holding a fixed expression (for a
test of an ``if``/``elif`` chain, the whole chain) is rebuilt with its fixes
made and tidied, visiting only the way down to the fixes, and takes the
statement's place (:func:`tidied`).

:func:`fix_notes` says the same in each fix's title before it is made, and
names the comments the fix may make untrue: when it takes a number or a
constant out of the code (``104``, ``WSAECONNRESET``), the comments on the
fixed line and just above the fixed statement that name it or name a platform
(``# 10054``, ``# On Windows``).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar, Union

import libcst as cst
from libcst.metadata import CodeRange

from .errno_fixes import membership

__all__ = ["fix_notes", "tidied"]

Replacement = Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]
Fixes = Sequence[tuple[cst.CSTNode, Replacement]]
_NodeT = TypeVar("_NodeT", bound=cst.CSTNode)

_EMPTY = cst.Module(body=[])
_STATEMENT = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
#: Calls that read and do nothing else (builtins as the fixes write them).
_PURE_CALLS = frozenset({"getattr", "hasattr", "isinstance"})
#: Numbers and constants in a string or a comment.
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d[\w.]*")
_PLATFORM = re.compile(
    r"\b(?:windows|win32|win64|winsock|linux|mac ?os(?: ?x)?|os ?x|mac|darwin"
    r"|(?:free|open|net)?bsd|solaris|unix|posix|cygwin)\b",
    re.IGNORECASE,
)
#: The words of a comment that only says which platforms a branch is for.
_LABEL_WORDS = frozenset({"on", "or", "and", "only", "for", "in", "the", "os", "x", "nt"})


# -- what an expression is -----------------------------------------------------------


def _code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


Shape = Union[tuple[object, ...], None]


def _shape(node: cst.CSTNode) -> Shape:
    """What an expression without side effects is, leaving out spacing, comments and parentheses.

    Two expressions with the same shape give the same value when evaluated one
    after the other.  None for anything that may do more than read: a call
    (other than ``getattr``/``hasattr``/``isinstance``), an operator, a
    starred element.
    """
    if isinstance(node, cst.Name):
        return ("name", node.value)
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString)):
        try:
            return ("constant", ast.literal_eval(node.value))
        except (ValueError, SyntaxError, MemoryError):  # an int too long to read, say
            return None
    if isinstance(node, cst.Attribute):
        return _shaped("attribute", [node.value], node.attr.value)
    if isinstance(node, cst.Subscript):
        indexes = [s.slice.value for s in node.slice if isinstance(s.slice, cst.Index)]
        if len(indexes) != len(node.slice):
            return None
        return _shaped("item", [node.value, *indexes])
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        if not all(isinstance(e, cst.Element) for e in node.elements):
            return None
        return _shaped(type(node).__name__, [e.value for e in node.elements])
    if isinstance(node, cst.Comparison):
        operators = tuple(type(t.operator).__name__ for t in node.comparisons)
        return _shaped("compare", [node.left, *(t.comparator for t in node.comparisons)], operators)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return _shaped("not", [node.expression])
    if isinstance(node, cst.BooleanOperation):
        return _shaped(type(node.operator).__name__, [node.left, node.right])
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value in _PURE_CALLS
        and all(not a.star and a.keyword is None for a in node.args)
    ):
        return _shaped("call", [a.value for a in node.args], node.func.value)
    return None


def _shaped(kind: str, parts: Sequence[cst.CSTNode], detail: object = None) -> Shape:
    shapes = [_shape(part) for part in parts]
    return None if None in shapes else (kind, detail, *shapes)


_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node.children``, read from its fields (``children`` rebuilds the node: slower)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(field.name for field in dataclasses.fields(node))
    found: list[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(item for item in value if isinstance(item, cst.CSTNode))
    return found


#: What holds only spacing and comments.
_TRIVIA = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
)


def _walk(node: cst.CSTNode, *, code_only: bool = False) -> Iterator[cst.CSTNode]:
    """``node`` and every node under it (``code_only``: not spacing or comments)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        children = _children(current)
        if code_only:
            children = [child for child in children if not isinstance(child, _TRIVIA)]
        stack.extend(reversed(children))  # so that they come out in order


def _comments(node: cst.CSTNode) -> list[str]:
    """The comments anywhere in ``node``."""
    return [current.value for current in _walk(node) if isinstance(current, cst.Comment)]


def _nodes(replacement: Replacement) -> list[cst.CSTNode]:
    if isinstance(replacement, cst.FlattenSentinel):
        return list(replacement.nodes)
    if isinstance(replacement, cst.CSTNode):
        return [replacement]
    return []


def _ids(nodes: Sequence[cst.CSTNode]) -> set[int]:
    return {id(node) for root in nodes for node in _walk(root, code_only=True)}


def _written(fixes: Fixes) -> set[int]:
    """The nodes the fixes wrote: in a replacement, and not taken over from its target."""
    written: set[int] = set()
    for target, replacement in fixes:
        written |= _ids(_nodes(replacement)) - _ids([target])
    return written


# -- finding a node's statement, by position -----------------------------------------


def _point(range_: CodeRange, end: bool = False) -> tuple[int, int]:
    at = range_.end if end else range_.start
    return at.line, at.column


def _path(
    module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], target: cst.CSTNode
) -> list[cst.CSTNode]:
    """The nodes from ``module`` down to ``target`` ([] if not found).

    Found by the positions already computed, descending only into the child
    that spans the target (statements by bisection), so the cost is the
    target's depth, not the module's size.
    """
    goal = positions.get(target)
    if goal is None:
        return []
    start, end = _point(goal), _point(goal, end=True)
    path: list[cst.CSTNode] = [module]
    while path[-1] is not target:
        node = path[-1]
        children: Sequence[cst.CSTNode]
        if isinstance(node, (cst.Module, cst.IndentedBlock)):
            children = _statement_at(node.body, positions, start)
        else:
            children = _children(node)
        inner = next(
            (child for child in children if _spans(child, positions, start, end, target)), None
        )
        if inner is None:
            return []
        path.append(inner)
    return path


def _spans(
    node: cst.CSTNode,
    positions: Mapping[cst.CSTNode, CodeRange],
    start: tuple[int, int],
    end: tuple[int, int],
    target: cst.CSTNode,
) -> bool:
    """Whether ``node`` is ``target`` or a non-empty range around it."""
    if node is target:
        return True
    span = positions.get(node)
    return (
        span is not None
        and _point(span) <= start
        and end <= _point(span, end=True)
        and _point(span) < _point(span, end=True)
    )


def _statement_at(
    body: Sequence[cst.BaseStatement],
    positions: Mapping[cst.CSTNode, CodeRange],
    start: tuple[int, int],
) -> Sequence[cst.CSTNode]:
    """The statement of ``body`` that starts last at or before ``start`` (as a list)."""
    low, high = 0, len(body)
    while low < high:
        middle = (low + high) // 2
        span = positions.get(body[middle])
        if span is not None and _point(span) <= start:
            low = middle + 1
        else:
            high = middle
    return body[low - 1 : low] if low else []


def _in_test(path: Sequence[cst.CSTNode], index: int) -> bool:
    """Whether ``path[index]`` is an ``if``/``elif``/``while`` and the path goes through its test."""
    node = path[index]
    return (
        isinstance(node, (cst.If, cst.While))
        and index + 1 < len(path)
        and path[index + 1] is node.test
    )


def _statement_index(path: Sequence[cst.CSTNode]) -> int | None:
    """The index in ``path`` of the innermost statement holding its last node (or being it)."""
    for index in range(len(path) - 1, 0, -1):
        if isinstance(path[index], _STATEMENT):
            return index
    return None


def _root(path: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
    """What is rebuilt to tidy around an expression fix: its statement, or its whole ``if`` chain."""
    if len(path) < 2 or not isinstance(path[-1], cst.BaseExpression):
        return None
    index = _statement_index(path[:-1])
    if index is None:
        return None
    if _in_test(path, index):
        while index > 1 and _elif_of(path[index - 1], path[index]):
            index -= 1
    return path[index]


def _elif_of(node: cst.CSTNode, branch: cst.CSTNode) -> bool:
    """Whether ``branch`` is the ``elif`` of the ``if`` (or ``elif``) ``node``."""
    return isinstance(node, cst.If) and node.orelse is branch


# -- the tidying --------------------------------------------------------------------


def _with_outer_parentheses(new: cst.BaseExpression, old: cst.BaseExpression) -> cst.BaseExpression:
    return new.with_changes(lpar=[*old.lpar, *new.lpar], rpar=[*new.rpar, *old.rpar])


def _chain(node: cst.BooleanOperation) -> tuple[list[cst.BaseExpression], list[cst.BaseBooleanOp]]:
    """The operands of an ``a or b or c`` chain and the operator before each (the first has none)."""
    rights: list[tuple[cst.BaseBooleanOp, cst.BaseExpression]] = []
    current: cst.BaseExpression = node
    kind = type(node.operator)
    while (
        isinstance(current, cst.BooleanOperation)
        and type(current.operator) is kind
        and (current is node or not current.lpar)
    ):
        rights.append((current.operator, current.right))
        current = current.left
    rights.reverse()
    return [current] + [right for _, right in rights], [node.operator] + [op for op, _ in rights]


def _may_repeat(node: cst.BaseExpression) -> bool:
    """Whether ``node`` holds an ``and``/``or`` chain or an ``in`` test: what the tidying merges."""
    return any(
        isinstance(n, cst.BooleanOperation)
        or (isinstance(n, cst.ComparisonTarget) and isinstance(n.operator, (cst.In, cst.NotIn)))
        for n in _walk(node, code_only=True)
    )


def _label(comment: str) -> bool:
    """Whether a comment only names platforms (``# On Linux/macOS``, ``# Windows or Linux``)."""
    text = comment.lstrip("#")
    rest = _PLATFORM.sub(" ", text)
    return bool(_PLATFORM.search(text)) and all(
        word.lower() in _LABEL_WORDS or word.isdigit() for word in re.findall(r"[A-Za-z0-9]+", rest)
    )


def _own_comments(branch: cst.If) -> list[str]:
    """The comments that go when an ``elif`` goes, besides those of its body."""
    found = [line.comment.value for line in branch.leading_lines if line.comment is not None]
    found += _comments(branch.test)
    body = branch.body
    if isinstance(body, cst.IndentedBlock):
        found += _comments(body.header)
        found += [line.comment.value for line in body.footer if line.comment is not None]
    elif isinstance(body, cst.SimpleStatementSuite):
        found += _comments(body.trailing_whitespace)
    return found


def _body_text(branch: cst.If) -> str:
    body = branch.body
    statements: Sequence[cst.CSTNode] = body.body
    return type(body).__name__ + "".join(_code(statement) for statement in statements)


class _Tidy(cst.CSTTransformer):
    """Make the fixes inside one statement, and merge what they made identical."""

    def __init__(self, fixes: Fixes, paths: Sequence[Sequence[cst.CSTNode]]) -> None:
        """``fixes`` to make, each with its ``path`` from the module (:func:`_path`)."""
        super().__init__()
        self._fixes = fixes
        self._replacements = {id(target): new for target, new in fixes}
        self._written_ids: set[int] | None = None  # computed when first asked
        # Only the way down to the fixes is visited: the rest cannot change.
        self._ancestors = {id(node) for path in paths for node in path}
        self._in_replacement = 0
        self._made: list[cst.CSTNode] = []  # keeps the nodes made here (and their ids) alive
        self._elifs: set[int] = set()
        self._shapes: dict[int, Shape] = {}
        #: Each dead ``elif`` found: (the chain's first ``if`` as it was, the
        #: index of the live branch, of the dead one, whether it was removed).
        self.repeats: list[tuple[cst.If, int, int, bool]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.If) and isinstance(node.orelse, cst.If):
            self._elifs.add(id(node.orelse))
        if self._in_replacement:
            return True
        return id(node) in self._ancestors and id(node) not in self._replacements

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Replacement:
        if id(original_node) in self._replacements:
            replacement = self._replacements[id(original_node)]
            if not isinstance(replacement, cst.BaseExpression) or not _may_repeat(replacement):
                return replacement
            self._in_replacement += 1  # tidied too, all of it, as it is all written
            try:
                return replacement.visit(self)
            finally:
                self._in_replacement -= 1
        if self._in_replacement and id(original_node) in self._written:
            self._make(updated_node)  # rebuilt from written nodes: written
        if isinstance(updated_node, cst.BooleanOperation):
            return self._operands_merged(updated_node)
        if isinstance(updated_node, cst.Comparison):
            return self._elements_merged(updated_node)
        if isinstance(updated_node, cst.If) and id(original_node) not in self._elifs:
            assert isinstance(original_node, cst.If)
            return self._branches_merged(original_node, updated_node)
        return updated_node

    @property
    def _written(self) -> set[int]:
        if self._written_ids is None:
            self._written_ids = _written(self._fixes)
        return self._written_ids

    def _wrote(self, node: cst.CSTNode) -> bool:
        written = self._written
        return any(id(current) in written for current in _walk(node, code_only=True))

    def _shape(self, node: cst.BaseExpression) -> Shape:
        if id(node) not in self._shapes:
            self._shapes[id(node)] = _shape(node)
            self._made.append(node)
        return self._shapes[id(node)]

    def _make(self, node: _NodeT) -> _NodeT:
        self._made.append(node)
        self._written.add(id(node))
        return node

    def _repeats(
        self, values: Sequence[cst.BaseExpression], j: int, kept: Sequence[int]
    ) -> int | None:
        """The kept value that ``values[j]`` repeats, one side written by a fix, or None."""
        shape = self._shape(values[j])
        if shape is None:
            return None
        for i in kept:
            if self._shape(values[i]) == shape and (
                self._wrote(values[i]) or self._wrote(values[j])
            ):
                return i
        return None

    def _operands_merged(self, node: cst.BooleanOperation) -> cst.BaseExpression:
        operands, operators = _chain(node)
        kept = [0]
        for j in range(1, len(operands)):
            if (
                isinstance(operands[j], cst.Comparison)
                and self._repeats(operands, j, kept) is not None
                and not _comments(operands[j])
                and not _comments(operators[j])
            ):
                continue
            kept.append(j)
        if len(kept) == len(operands):
            return node
        merged = operands[0]
        for j in kept[1:]:
            merged = cst.BooleanOperation(left=merged, operator=operators[j], right=operands[j])
        if isinstance(merged, cst.BooleanOperation):
            return self._make(merged.with_changes(lpar=node.lpar, rpar=node.rpar))
        return self._make(_with_outer_parentheses(merged, node))

    def _elements_merged(self, node: cst.Comparison) -> cst.BaseExpression:
        if len(node.comparisons) != 1:
            return node
        target = node.comparisons[0]
        container = target.comparator
        if (
            not isinstance(target.operator, (cst.In, cst.NotIn))
            or not isinstance(container, (cst.Tuple, cst.List, cst.Set))
            or not all(isinstance(e, cst.Element) for e in container.elements)
        ):
            return node
        elements = list(container.elements)
        values = [e.value for e in elements]
        kept = [0]
        for j in range(1, len(values)):
            if self._repeats(values, j, kept) is None:
                kept.append(j)
        if len(kept) == len(values) or _comments(container):
            return node
        if len(kept) == 1:
            single = membership(
                node.left,
                [values[0]],
                negated=isinstance(target.operator, cst.NotIn),
                operator=target.operator,
            )
            return self._make(single.with_changes(lpar=node.lpar, rpar=node.rpar))
        # The last one left takes the container's end: its trailing comma or none.
        remaining = [elements[i] for i in kept]
        remaining[-1] = remaining[-1].with_changes(comma=elements[-1].comma)
        smaller = container.with_changes(elements=remaining)
        return self._make(node.with_changes(comparisons=[target.with_changes(comparator=smaller)]))

    def _branches_merged(self, original: cst.If, node: cst.If) -> cst.BaseStatement:
        branches: list[cst.If] = []
        tail: cst.If | cst.Else | None = node
        while isinstance(tail, cst.If):
            branches.append(tail)
            tail = tail.orelse
        tests = [branch.test for branch in branches]
        kept = [0]
        for j in range(1, len(branches)):
            live = self._repeats(tests, j, kept)
            if live is None or None in [self._shape(tests[k]) for k in range(live + 1, j)]:
                kept.append(j)
                continue
            removed = _body_text(branches[live]) == _body_text(branches[j]) and all(
                _label(comment) for comment in _own_comments(branches[j])
            )
            self.repeats.append((original, live, j, removed))
            if not removed:
                kept.append(j)
        if len(kept) == len(branches):
            return node
        merged: cst.If | cst.Else | None = tail
        for i in reversed(kept):
            merged = branches[i].with_changes(orelse=merged)
        assert isinstance(merged, cst.If)
        return merged


# -- what the engine calls -------------------------------------------------------------


def tidied(
    module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], fixes: Fixes
) -> list[tuple[cst.CSTNode, Replacement]]:
    """The replacements that make ``fixes`` in ``module``, tidied.

    Each statement (or ``if`` chain) holding an expression fix is replaced
    whole, by itself with its fixes made and merged; a statement fix outside
    those stays as it is.  ``positions``: those of ``module``.
    """
    paths = [_path(module, positions, target) for target, _ in fixes]
    roots = {id(root): root for root in map(_root, paths) if root is not None}
    groups: dict[int, list[int]] = {}
    result: list[tuple[cst.CSTNode, Replacement]] = []
    for n, path in enumerate(paths):
        outer = next((id(node) for node in path if id(node) in roots), None)
        if outer is None:
            result.append(fixes[n])
        else:
            groups.setdefault(outer, []).append(n)
    for outer, members in groups.items():
        tidy = _Tidy([fixes[n] for n in members], [paths[n] for n in members])
        result.append((roots[outer], roots[outer].visit(tidy)))
    return result


def _removed(target: cst.CSTNode, replacement: Replacement) -> set[str]:
    """The numbers and constants in ``target`` that the replacement no longer has."""
    return _constants([target]) - _constants(_nodes(replacement))


def _constants(nodes: Sequence[cst.CSTNode]) -> set[str]:
    """The numbers and the CONSTANT names in ``nodes``, strings included (not comments)."""
    found: set[str] = set()
    for root in nodes:
        for node in _walk(root, code_only=True):
            if isinstance(node, (cst.Integer, cst.Float)) or (
                isinstance(node, cst.Name) and len(node.value) > 1 and node.value.isupper()
            ):
                found.add(node.value)
            elif isinstance(node, cst.SimpleString):
                found.update(t for t in _TOKEN.findall(node.value) if t[0].isdigit() or t.isupper())
    return found


def _comments_near(path: Sequence[cst.CSTNode]) -> list[str]:
    """The comments on the fixed node's line and on the lines just above its statement."""
    index = _statement_index(path)
    if index is None:
        return []
    statement = path[index]
    above: list[str] = []
    for line in reversed(statement.leading_lines):  # type: ignore[attr-defined]
        if line.comment is None:
            break
        above.insert(0, line.comment.value)
    near = above + _comments(path[-1])
    trailing: cst.TrailingWhitespace | None = None
    if isinstance(statement, cst.SimpleStatementLine):
        trailing = statement.trailing_whitespace
    elif _in_test(path, index):
        body = statement.body  # type: ignore[attr-defined]
        trailing = body.header if isinstance(body, cst.IndentedBlock) else body.trailing_whitespace
    if trailing is not None and trailing.comment is not None:
        near.append(trailing.comment.value)
    return list(dict.fromkeys(near))


def _untrue_note(comments: Sequence[str]) -> str:
    """``the comment "# On Windows" may no longer be true`` (two quoted at most)."""
    if len(comments) == 1:
        return f'the comment "{comments[0]}" may no longer be true'
    if len(comments) == 2:
        return f'the comments "{comments[0]}" and "{comments[1]}" may no longer be true'
    return f'the comments "{comments[0]}" and {len(comments) - 1} more may no longer be true'


def fix_notes(
    module: cst.Module, positions: Mapping[cst.CSTNode, CodeRange], fixes: Fixes
) -> list[str]:
    """For each fix, what its title should add (``""``: nothing).

    The comments the fix may make untrue, and the ``elif`` branches it makes
    repeat an earlier test (with the other fixes in the same chain).
    """
    notes: list[list[str]] = [[] for _ in fixes]
    paths = [_path(module, positions, target) for target, _ in fixes]
    chains: dict[int, cst.If] = {}
    for n, ((target, replacement), path) in enumerate(zip(fixes, paths)):
        if not path:
            continue
        removed = _removed(target, replacement)
        if removed:
            untrue = [
                c
                for c in _comments_near(path)
                if _PLATFORM.search(c) or removed & set(_TOKEN.findall(c))
            ]
            if untrue:
                notes[n].append(_untrue_note(untrue))
        root = _root(path)
        if isinstance(root, cst.If) and isinstance(root.orelse, cst.If):
            chains[id(root)] = root
    inside: dict[int, list[int]] = {key: [] for key in chains}
    for n, path in enumerate(paths):
        for node in path:
            if id(node) in inside:
                inside[id(node)].append(n)
    for key, root in chains.items():
        members = [(n, fixes[n]) for n in inside[key]]
        tidy = _Tidy([fix for _, fix in members], [paths[n] for n, _ in members])
        root.visit(tidy)
        branches: list[cst.If] = []
        branch: cst.If | cst.Else | None = root
        while isinstance(branch, cst.If):
            branches.append(branch)
            branch = branch.orelse
        lines = [positions[b].start.line for b in branches]
        for top, live, dead, gone in tidy.repeats:
            if top is not root:
                continue
            outcome = "is removed" if gone else "can no longer run"
            for n, _ in members:
                if any(node is branches[live].test for node in paths[n]):
                    notes[n].append(
                        f"the elif on line {lines[dead]} then repeats this test and {outcome}"
                    )
                elif any(node is branches[dead].test for node in paths[n]):
                    notes[n].append(
                        f"this elif then repeats the test on line {lines[live]} and {outcome}"
                    )
    return [f" ({'; '.join(parts)})" if parts else "" for parts in notes]
