"""Fix builders for errno comparisons: write errno constants, merge and rebuild compared values.

The rules (NC001, NC005) decide on :mod:`ast` what a comparison means and
how each constant is spelled (:class:`lintrules.analysis.errno_reads.ErrnoWriter`);
the builders here turn that into libcst nodes when, and only when, a fix is
carried out.  They keep what the target already has: its parentheses, the
spacing around its operator, a container's type and trailing comma, and any
element that carries a comment.  libcst is imported inside the builders, so
naming one in a fix costs a plain check nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Union

from .builders import Builder

if TYPE_CHECKING:
    import libcst as cst

    ElementT = Union[cst.Element, cst.MatchOrElement]

__all__ = [
    "case_rewritten",
    "chain_merged",
    "comparison_rewritten",
    "container_rewritten",
    "contains_comment",
    "errorcode_compare_rewritten",
    "expression_keeping_parens",
    "membership",
    "rebuild_elements",
    "winerror_compare_rewritten",
]

#: How a constant is spelled: the module prefix (``"errno"``, ``"E"``) or None for a bare name.
Prefix = Union[str, None]


def _constant(prefix: Prefix, name: str) -> cst.BaseExpression:
    """``errno.NAME`` (or ``E.NAME``, or ``NAME``) as a node."""
    import libcst as cst

    if prefix is None:
        return cst.Name(name)
    parts = [*prefix.split("."), name]
    expr: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def contains_comment(node: cst.CSTNode) -> bool:
    """Whether ``node`` holds a comment anywhere in its whitespace."""
    import libcst as cst

    class _Finder(cst.CSTVisitor):
        found = False

        def visit_Comment(self, node: cst.Comment) -> bool:
            self.found = True
            return False

    finder = _Finder()
    node.visit(finder)
    return finder.found


def _with_parens(new: cst.BaseExpression, old: cst.CSTNode) -> cst.BaseExpression:
    lpar = getattr(old, "lpar", ())
    rpar = getattr(old, "rpar", ())
    if lpar:
        return new.with_changes(lpar=lpar, rpar=rpar)
    return new


def rebuild_elements(
    elements: Sequence[ElementT],
    names: Sequence[str | None],
    prefix: Prefix,
    *,
    present: Sequence[str | None] = (),
    drop: bool = True,
) -> list[ElementT]:
    """Write each element's errno name, dropping later duplicates of a name.

    Args:
        elements: the container's elements (``cst.Element`` of a tuple, list or
            set, or ``cst.MatchOrElement`` of a ``case a | b`` pattern).
        names: for each element, the errno name to write, or None to keep it
            as it is.
        prefix: how to spell the constants (see :class:`ErrnoWriter`).
        present: for each element kept as it is, the errno name it already
            stands for (``errno.EPIPE``), so a literal meaning the same is
            dropped as a duplicate.
        drop: drop duplicates at all.

    An element is dropped only when no comment would go with it.  The last
    kept element takes the original last element's separator, so no
    trailing comma appears or disappears; when its own separator carries a
    comment (``104,  # Linux`` before a dropped ``10054,``), nothing is
    dropped, so that the comment stays where it was.
    """
    import libcst as cst

    seen: set[str] = set()
    kept: list[ElementT] = []
    already = list(present) + [None] * (len(elements) - len(present))
    for element, name, existing in zip(elements, names, already):
        if name is None:
            if existing is not None:
                seen.add(existing)
            kept.append(element)
            continue
        if drop and name in seen and not contains_comment(element):
            continue
        seen.add(name)
        old: cst.CSTNode = element.value if isinstance(element, cst.Element) else element.pattern
        if isinstance(old, cst.MatchValue):
            old = old.value
        new = _constant(prefix, name)
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
            own = kept[-1].comma
            if isinstance(own, cst.Comma) and contains_comment(own):
                return rebuild_elements(elements, names, prefix, present=present, drop=False)
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
    import libcst as cst

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


# -- NC001: integer literals compared with an errno -------------------------------------


class _Parts:
    """The pieces of a ``subject OP literal`` / ``subject in (...)`` comparison in libcst."""

    def __init__(self, node: cst.Comparison) -> None:
        import libcst as cst

        target = node.comparisons[0]
        self.node = node
        self.operator = target.operator
        self.container: cst.Tuple | cst.List | cst.Set | None = None
        self.subject_first = True
        if isinstance(target.comparator, (cst.Tuple, cst.List, cst.Set)) and isinstance(
            self.operator, (cst.In, cst.NotIn)
        ):
            self.container = target.comparator
            self.subject: cst.BaseExpression = node.left
            self.values = [e.value for e in self.container.elements if isinstance(e, cst.Element)]
        elif isinstance(target.comparator, cst.Integer):
            self.subject, self.values = node.left, [target.comparator]
        else:
            self.subject, self.values = target.comparator, [node.left]
            self.subject_first = False


def comparison_rewritten(
    names: Sequence[str | None],
    existing: Sequence[str | None],
    prefix: Prefix,
    negated: bool,
) -> Builder:
    """``e.errno == 104`` becomes ``e.errno == errno.ECONNRESET``; a container has its elements rewritten.

    ``names`` holds, for each compared value, the constant to write (None:
    keep it); ``existing`` the constant a kept value already is.  A container
    left with one element becomes ``==`` (``!=``).
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.Comparison)
        parts = _Parts(node)
        if parts.container is None:
            name = names[0]
            assert name is not None
            literal = parts.values[0]
            constant = _constant(prefix, name).with_changes(lpar=literal.lpar, rpar=literal.rpar)
            if parts.subject_first:
                target = node.comparisons[0]
                return node.with_changes(comparisons=[target.with_changes(comparator=constant)])
            return node.with_changes(left=constant)
        container = parts.container
        kept = rebuild_elements(container.elements, names, prefix, present=existing)  # type: ignore[arg-type]
        if len(kept) == 1 and not contains_comment(kept[0]):
            only = kept[0]
            assert isinstance(only, cst.Element)
            new = membership(parts.subject, [only.value], negated=negated, operator=parts.operator)
        else:
            new = node.with_changes(
                comparisons=[
                    node.comparisons[0].with_changes(
                        comparator=container.with_changes(elements=kept)
                    )
                ]
            )
        return _with_parens(new, node)

    return build


def _chain(
    node: cst.BooleanOperation,
) -> tuple[cst.BaseExpression, list[cst.BooleanOperation]]:
    """Split an ``a or b or c`` chain into its first operand and its links.

    libcst nests the chain to the left: ``((a or b) or c)``.  The links are
    the nested operations from the inside out, so link ``i`` ends with
    operand ``i + 1``.  A parenthesised inner chain is one operand.
    """
    import libcst as cst

    links: list[cst.BooleanOperation] = []
    current: cst.BaseExpression = node
    operator_type = type(node.operator)
    while (
        isinstance(current, cst.BooleanOperation)
        and type(current.operator) is operator_type
        and (current is node or not current.lpar)
    ):
        links.append(current)
        current = current.left
    links.reverse()
    return current, links


def chain_merged(start: int, names: Sequence[str | None], prefix: Prefix, negated: bool) -> Builder:
    """Merge comparisons ``start`` to the last of an ``or`` (``and``) chain into one membership test.

    The target is the chain up to the last merged comparison (libcst nests
    ``a or b or c`` as ``(a or b) or c``); ``names`` holds, for each
    compared literal of the merged comparisons in order, the constant to
    write (None: keep the literal).  ``e.errno == 104 or e.errno == 10054``
    becomes ``e.errno == errno.ECONNRESET``.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.BooleanOperation)
        first_operand, links = _chain(node)
        prefixes: list[cst.BaseExpression] = [first_operand, *links]
        operands = [first_operand] + [link.right for link in links]
        run = []
        for operand in operands[start:]:
            assert isinstance(operand, cst.Comparison)
            run.append(_Parts(operand))
        first = run[0]
        values: list[cst.BaseExpression] = []
        seen: set[str] = set()
        for value, name in zip((v for p in run for v in p.values), names):
            if name is None:
                values.append(value)
            elif name not in seen:
                seen.add(name)
                values.append(_constant(prefix, name))
        merged = membership(
            first.subject,
            values,
            negated=negated,
            operator=first.operator,
            subject_first=first.subject_first or len(values) > 1,
        )
        if start == 0:
            return merged.with_changes(lpar=node.lpar, rpar=node.rpar)
        before = prefixes[start]
        assert isinstance(before, cst.BooleanOperation)
        return cst.BooleanOperation(
            left=prefixes[start - 1],
            operator=before.operator,
            right=merged,
            lpar=node.lpar,
            rpar=node.rpar,
        )

    return build


def case_rewritten(
    names: Sequence[str | None], existing: Sequence[str | None], prefix: Prefix
) -> Builder:
    """``case 104:`` becomes ``case errno.ECONNRESET:``; ``case 104 | 54:`` has its alternatives merged."""

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        if isinstance(node, cst.MatchValue):
            name = names[0]
            assert name is not None
            return node.with_changes(value=_constant(prefix, name))
        assert isinstance(node, cst.MatchOr)
        kept = rebuild_elements(node.patterns, names, prefix, present=existing)
        if len(kept) == 1:
            only = kept[0]
            assert isinstance(only, cst.MatchOrElement)
            return only.pattern
        return node.with_changes(patterns=kept)

    return build


def container_rewritten(
    names: Sequence[str | None], existing: Sequence[str | None], prefix: Prefix
) -> Builder:
    """``BAD = {errno.EBADF, 10053}`` has its elements rewritten: ``{errno.EBADF, errno.ECONNABORTED}``.

    The target is the assignment's line (a tuple's parentheses are not its
    own in libcst, so the tuple cannot be the target); the collection is its
    value, or the one argument of ``set(...)``/``frozenset(...)``.  The
    container keeps its type; a tuple left with one element keeps a comma.
    """

    def rebuilt(node: cst.BaseExpression) -> cst.BaseExpression:
        import libcst as cst

        if isinstance(node, cst.Call):
            argument = node.args[0]
            return node.with_changes(args=[argument.with_changes(value=rebuilt(argument.value))])
        assert isinstance(node, (cst.Tuple, cst.List, cst.Set))
        kept = rebuild_elements(node.elements, names, prefix, present=existing)  # type: ignore[arg-type]
        if isinstance(node, cst.Tuple) and len(kept) == 1:
            only = kept[0]
            assert isinstance(only, cst.Element)
            if not isinstance(only.comma, cst.Comma):
                kept = [only.with_changes(comma=cst.Comma())]
        return node.with_changes(elements=kept)

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.SimpleStatementLine)
        assignment = node.body[0]
        assert isinstance(assignment, cst.Assign)
        value = rebuilt(assignment.value)
        return node.with_changes(body=[assignment.with_changes(value=value)])

    return build


def expression_keeping_parens(source: str) -> Builder:
    """Replace an expression with ``source``, keeping the target's own parentheses."""

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        return _with_parens(cst.parse_expression(source), node)

    return build


# -- NC005: names compared through errno.errorcode ------------------------------------------


def _operand(node: cst.BaseExpression) -> cst.BaseExpression:
    """``node``, parenthesised if it binds less tightly than a comparison operand must."""
    import libcst as cst

    low = isinstance(
        node, (cst.BooleanOperation, cst.Comparison, cst.IfExp, cst.Lambda, cst.NamedExpr)
    ) or (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not))
    if low and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _errorcode_key(node: cst.BaseExpression) -> cst.BaseExpression:
    """``K`` of ``errno.errorcode[K]`` or ``errno.errorcode.get(K)``."""
    import libcst as cst

    if isinstance(node, cst.Subscript):
        index = node.slice[0].slice
        assert isinstance(index, cst.Index)
        return index.value
    assert isinstance(node, cst.Call)
    return node.args[0].value


def errorcode_compare_rewritten(
    names: Sequence[str | None], prefix: Prefix, negated: bool, subject_first: bool
) -> Builder:
    """``errno.errorcode[K] == "ECONNRESET"`` becomes ``K == errno.ECONNRESET``.

    ``names`` holds the constant for each compared string, in order;
    ``subject_first`` says the lookup is on the left of ``==``/``!=``.  A
    container keeps its type, commas and comments; duplicates are merged.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.Comparison)
        target = node.comparisons[0]
        lookup = node.left if subject_first else target.comparator
        key = _operand(_errorcode_key(lookup))
        comparator = target.comparator
        replacement: cst.Comparison
        if isinstance(comparator, (cst.Tuple, cst.List, cst.Set)) and isinstance(
            target.operator, (cst.In, cst.NotIn)
        ):
            kept = rebuild_elements(comparator.elements, names, prefix)  # type: ignore[arg-type]
            values = comparator.with_changes(elements=kept)
            replacement = membership(key, values, negated=negated, operator=target.operator)
        else:
            name = names[0]
            assert name is not None
            replacement = membership(
                key,
                [_constant(prefix, name)],
                negated=negated,
                operator=target.operator,
                subject_first=subject_first,
            )
        if node.lpar:
            replacement = replacement.with_changes(lpar=node.lpar, rpar=node.rpar)
        return replacement

    return build


# -- NC003: WinSock codes compared with ``X.winerror`` ------------------------------------------


def winerror_compare_rewritten(
    names: Sequence[str], prefix: Prefix, negated: bool, subject_first: bool
) -> Builder:
    """``e.winerror == 10054`` becomes ``e.errno == errno.ECONNRESET``.

    ``names`` holds the constant for each compared value, in order (the
    literal ``10054`` or a constant ``errno.WSAECONNRESET``); ``subject_first``
    says ``X.winerror`` is on the left.  ``X`` keeps its spelling; a
    container keeps its type, commas and comments, duplicates merged.
    """

    def build(node: cst.CSTNode) -> cst.CSTNode:
        import libcst as cst

        assert isinstance(node, cst.Comparison)
        target = node.comparisons[0]
        read = node.left if subject_first else target.comparator
        assert isinstance(read, cst.Attribute)
        subject = read.with_changes(attr=cst.Name("errno"))
        other = target.comparator if subject_first else node.left
        replacement: cst.BaseExpression
        if isinstance(other, (cst.Tuple, cst.List, cst.Set)) and isinstance(
            target.operator, (cst.In, cst.NotIn)
        ):
            kept = rebuild_elements(other.elements, names, prefix)  # type: ignore[arg-type]
            values = other.with_changes(elements=kept)
            replacement = membership(subject, values, negated=negated, operator=target.operator)
        else:
            constant = _constant(prefix, names[0])
            if isinstance(other, (cst.Attribute, cst.Name, cst.Integer)):
                constant = constant.with_changes(lpar=other.lpar, rpar=other.rpar)
            if subject_first:
                replacement = node.with_changes(
                    left=subject, comparisons=[target.with_changes(comparator=constant)]
                )
            else:
                replacement = node.with_changes(
                    left=constant, comparisons=[target.with_changes(comparator=subject)]
                )
        return _with_parens(replacement, node)

    return build
