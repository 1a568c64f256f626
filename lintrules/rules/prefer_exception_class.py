"""NC008 prefer-exception-class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import libcst as cst
from libcst.metadata import BuiltinAssignment, ParentNodeProvider, ScopeProvider

from netcompat._errnos import ERRNO_FACTS

from .._errno_exprs import contains_comment, errno_name_of, errno_read
from .._exceptions import EXCEPTION_CLASSES, catches, handler_types, is_os_error
from .._nodes import code_of
from ..gate import AstIndex
from .._cst_rule import Fix, Invalid, Rule, RuleContext, Valid

_OSERROR = "builtins.OSError"
_BOOLEAN_PARENTS = (
    cst.If,
    cst.While,
    cst.IfExp,
    cst.BooleanOperation,
    cst.UnaryOperation,
    cst.Assert,
)


def _table_classes() -> dict[str, tuple[str, ...]]:
    """Each PEP 3151 class of the table, with the errno names it stands for."""
    found: dict[str, list[str]] = {}
    for fact in ERRNO_FACTS:
        if fact.exception is not None:
            found.setdefault(fact.exception, []).append(fact.name)
    return {name: tuple(names) for name, names in found.items()}


#: ``"BrokenPipeError" -> ("EPIPE", "ESHUTDOWN")``: from the table's ``exception`` column.
CLASS_ERRNOS = _table_classes()

#: Classes other names became on later Pythons: ``TimeoutError`` is also
#: ``socket.timeout`` from 3.10 on (from the exception table).
LATER_ALIASES: dict[str, tuple[str, ...]] = {
    exception: tuple(
        f"{row.name} from Python {row.alias_since[0]}.{row.alias_since[1]}"
        for row in EXCEPTION_CLASSES
        if row.alias_of == "builtins." + exception and row.alias_since is not None
    )
    for exception in CLASS_ERRNOS
}


class _Test(NamedTuple):
    """An errno test the rule can restate with classes."""

    comparison: cst.Comparison
    exception: cst.BaseExpression | None
    names: tuple[str, ...]
    classes: tuple[str, ...]
    negated: bool
    fixable: bool


def _example(body: str, head: str = "import errno\n") -> str:
    return f"{head}try:\n    work()\n{body}"


class PreferExceptionClass(Rule):
    """An errno test that a PEP 3151 exception class says directly.

    ## What it does
    Finds ``e.errno == errno.ECONNRESET`` (and ``!=``, ``in (...)``,
    ``getattr(e, "errno", None) == ...``, a copy of ``e.errno`` in a variable)
    where every errno compared has its own ``OSError`` subclass in the errno
    table: ``ECONNRESET`` -> ``ConnectionResetError``, ``ECONNABORTED`` ->
    ``ConnectionAbortedError``, ``EPIPE``/``ESHUTDOWN`` -> ``BrokenPipeError``,
    ``ECONNREFUSED`` -> ``ConnectionRefusedError``, ``ETIMEDOUT`` ->
    ``TimeoutError``, ``EAGAIN``/``EWOULDBLOCK``/``EINPROGRESS``/``EALREADY``
    -> ``BlockingIOError``.  And the clause that catches a broad error only to
    re-raise all but one errno:

    ```python
    except OSError as e:
        if e.errno == errno.ECONNRESET:
            reconnect()
        else:
            raise
    ```

    This rule is opt-in (not enabled by default).

    ## Why is this bad?
    Since Python 3.3 (PEP 3151) CPython raises these subclasses itself, on
    every platform, from the errno the OS reports, so the class says the same
    as the errno test in fewer words and without the errno module.  It also
    cannot hit a Windows-only or Linux-only errno spelling, and an ``except
    ConnectionResetError`` lets every other error propagate untouched instead
    of catching and re-raising it.

    ## Example
    ```python
    except OSError as e:
        if e.errno != errno.ECONNRESET:
            raise
        reconnect()
    ```

    ## Use instead
    ```python
    except ConnectionResetError:
        reconnect()
    ```

    ## Fix safety
    Unsafe.  The class test and the errno test disagree for exceptions built
    by hand (``ConnectionResetError()`` has no errno; a custom ``OSError``
    subclass with errno ``ECONNRESET`` is not a ``ConnectionResetError``),
    and a class may stand for more errnos than were compared:
    ``BrokenPipeError`` is also ``ESHUTDOWN`` when only ``EPIPE`` was
    tested, ``BlockingIOError`` also ``EINPROGRESS`` and ``EALREADY``, and
    ``TimeoutError`` is also ``socket.timeout`` from Python 3.10 on; the
    message says when that happens.  The clause rewrite drops ``as e`` when
    the body does not use it, and is not offered when a later clause of the
    same ``try`` could catch the errors that were re-raised before, or when
    it would drop a comment.  The errno-test fix needs the exception bound by
    an ``except`` clause of a standard-library class.

    ## Known problems
    An errno test mixing names with and without a class (``ECONNRESET`` and
    ``ENETRESET``) is not reported.
    """

    CODE = "NC008"
    NAME = "prefer-exception-class"
    MESSAGE = "`{test}` is what `{check}` says directly{extra}"
    FIX_TITLE = "Use `{check}`"
    FIX_SAFETY = "unsafe"
    DEFAULT_ENABLED = False
    REQUIRES_TEXT = ("errno",)

    VALID = [
        Valid(
            _example("except OSError as e:\n    if e.errno == errno.ENETRESET:\n        pass\n"),
            id="no-class-for-errno",
        ),
        Valid(
            _example(
                "except OSError as e:\n"
                "    if e.errno in (errno.ECONNRESET, errno.ENETRESET):\n        pass\n"
            ),
            id="mixed-with-classless-errno",
        ),
        Valid(
            _example("except OSError as e:\n    if e.errno == 104:\n        pass\n"),
            id="number-is-nc001",
        ),
        Valid(
            _example(
                "except mysql.connector.Error as e:\n"
                "    if e.errno == errno.ECONNRESET:\n        pass\n",
                "import errno\nimport mysql.connector\n",
            ),
            id="database-error",
        ),
        Valid(
            "import errno\ndef same(code):\n    return code == errno.ECONNRESET\n",
            id="plain-integer",
        ),
        Valid(
            _example(
                "except OSError as e:\n    if isinstance(e, ConnectionResetError):\n        pass\n"
            ),
            id="already-a-class",
        ),
        Valid(
            _example(
                "except OSError as e:\n    if e.errno == errno.WSAECONNRESET:\n        pass\n"
            ),
            id="windows-name-is-nc002",
        ),
        Valid("import errno\nprint(errno.ECONNRESET)\n", id="constant-not-compared"),
    ]
    INVALID = [
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        reconnect()\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n    if isinstance(e, ConnectionResetError):"
                "  # error\n        reconnect()\n"
            ),
            unsafe=True,
            message="`e.errno == errno.ECONNRESET` is what `isinstance(e, ConnectionResetError)`",
            id="errno-equals",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        reconnect()\n"
            ),
            None,
            id="no-safe-fix",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if e.errno in (errno.ECONNRESET, errno.ECONNABORTED):  # error\n"
                "        reconnect()\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if isinstance(e, (ConnectionResetError, ConnectionAbortedError)):  # error\n"
                "        reconnect()\n"
            ),
            unsafe=True,
            id="errno-in-tuple",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if errno.ECONNREFUSED != e.errno:  # error\n        raise\n    wait()\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if not isinstance(e, ConnectionRefusedError):  # error\n        raise\n"
                "    wait()\n"
            ),
            unsafe=True,
            id="not-equal-reversed",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n    if e.errno == errno.EPIPE:  # error\n"
                "        pass\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n    if isinstance(e, BrokenPipeError):  # error\n"
                "        pass\n"
            ),
            unsafe=True,
            message="BrokenPipeError also covers ESHUTDOWN",
            id="epipe-widens-to-eshutdown",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):  # error\n        pass\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n"
                "    if isinstance(e, BlockingIOError):  # error\n        pass\n"
            ),
            unsafe=True,
            message="BlockingIOError also covers EINPROGRESS, EALREADY",
            id="eagain-ewouldblock",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    log(e)\n"
                "    timed_out = getattr(e, 'errno', None) == errno.ETIMEDOUT  # error\n"
            ),
            _example(
                "except OSError as e:\n    log(e)\n"
                "    timed_out = isinstance(e, TimeoutError)  # error\n"
            ),
            unsafe=True,
            message="TimeoutError also covers socket.timeout from Python 3.10",
            id="getattr-errno",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    code = e.errno\n"
                "    retry = code == E.ECONNRESET and attempts < 3  # error\n",
                "import errno as E\n",
            ),
            _example(
                "except OSError as e:\n    code = e.errno\n"
                "    retry = isinstance(e, ConnectionResetError) and attempts < 3  # error\n",
                "import errno as E\n",
            ),
            unsafe=True,
            id="alias-and-local-copy",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        reconnect()\n    else:\n        raise\n"
            ),
            _example("except ConnectionResetError:  # error\n    reconnect()\n"),
            unsafe=True,
            message="the except clause can name ConnectionResetError",
            id="clause-if-else-raise",
        ),
        Invalid(
            _example(
                "except socket.error as err:\n    if err.errno != errno.ECONNRESET:  # error\n"
                "        raise\n    log.warning('reset: %s', err)\n    reconnect()\n",
                "import errno\nimport socket\n",
            ),
            _example(
                "except ConnectionResetError as err:  # error\n    log.warning('reset: %s', err)\n"
                "    reconnect()\n",
                "import errno\nimport socket\n",
            ),
            unsafe=True,
            id="clause-guard-raise-keeps-name",
        ),
        Invalid(
            "import errno\n\n\ndef serve():\n    while True:\n        try:\n            handle()\n"
            "        except IOError as e:\n"
            "            if e.errno in (errno.EPIPE, errno.ECONNRESET):  # error\n"
            "                # the client went away\n                break\n"
            "            else:\n                raise\n",
            "import errno\n\n\ndef serve():\n    while True:\n        try:\n            handle()\n"
            "        except (BrokenPipeError, ConnectionResetError):  # error\n"
            "            # the client went away\n            break\n",
            unsafe=True,
            id="clause-tuple-nested-keeps-comment",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        reconnect()\n    else:\n        raise\nexcept Exception:\n    log()\n"
            ),
            _example(
                "except OSError as e:\n    if isinstance(e, ConnectionResetError):  # error\n"
                "        reconnect()\n    else:\n        raise\nexcept Exception:\n    log()\n"
            ),
            unsafe=True,
            id="later-clause-would-catch-the-rest",
        ),
        Invalid(
            _example(
                "except OSError as e:\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        reconnect()\n    else:  # not ours\n        raise\n"
            ),
            _example(
                "except OSError as e:\n    if isinstance(e, ConnectionResetError):  # error\n"
                "        reconnect()\n    else:  # not ours\n        raise\n"
            ),
            unsafe=True,
            id="clause-comment-would-be-lost",
        ),
        Invalid(
            "import errno\ndef is_reset(exc):\n    return exc.errno == errno.ECONNRESET  # error\n",
            None,
            unsafe=True,
            id="not-bound-by-except-no-fix",
        ),
        Invalid(
            "from errno import ECONNRESET\n"
            + _example(
                "except OSError as e:\n    log(e)\n    if e.errno == ECONNRESET:  # error\n"
                "        pass\n",
                "",
            ),
            "from errno import ECONNRESET\n"
            + _example(
                "except OSError as e:\n    log(e)\n"
                "    if isinstance(e, ConnectionResetError):  # error\n        pass\n",
                "",
            ),
            unsafe=True,
            id="from-errno-import",
        ),
        Invalid(
            "ConnectionResetError = RuntimeError\n"
            + _example(
                "except OSError as e:\n    log(e)\n    if e.errno == errno.ECONNRESET:  # error\n"
                "        pass\n"
            ),
            None,
            unsafe=True,
            id="class-name-shadowed-no-fix",
        ),
    ]

    def __init__(self, context: RuleContext | None = None) -> None:
        super().__init__(context)
        #: Comparisons a clause rewrite already reported.
        self._done: set[int] = set()

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        return not _ALL_NAMES.isdisjoint(index.attributes | index.names | index.imported_names)

    # -- errno tests -------------------------------------------------------
    def visit_Comparison(self, node: cst.Comparison) -> None:
        if id(node) in self._done:
            return
        test = self._test(node)
        if test is None:
            return
        check = _spelled(test)
        fix = None
        if test.fixable:
            replacement = self._isinstance(node, test)
            if replacement is not None:
                fix = Fix(replacement, "unsafe", self.FIX_TITLE.format(check=check))
        self.report(node, self._message(test, check), fix=fix)

    def _test(self, node: cst.Comparison) -> _Test | None:
        if len(node.comparisons) != 1:
            return None
        target = node.comparisons[0]
        left, op, right = node.left, target.operator, target.comparator
        if isinstance(op, (cst.Equal, cst.NotEqual)):
            sides = ((left, right), (right, left))
            for read_side, constant in sides:
                name = errno_name_of(self, constant)
                if name is not None:
                    return self._make(node, read_side, (name,), isinstance(op, cst.NotEqual))
            return None
        if isinstance(op, (cst.In, cst.NotIn)) and isinstance(
            right, (cst.Tuple, cst.List, cst.Set)
        ):
            names: list[str] = []
            for element in right.elements:
                name = (
                    errno_name_of(self, element.value) if isinstance(element, cst.Element) else None
                )
                if name is None:
                    return None
                names.append(name)
            return self._make(node, left, tuple(names), isinstance(op, cst.NotIn))
        return None

    def _make(
        self,
        node: cst.Comparison,
        read_side: cst.BaseExpression,
        names: tuple[str, ...],
        negated: bool,
    ) -> _Test | None:
        read = errno_read(self, read_side)
        if read is None or not names:
            return None
        classes: list[str] = []
        for name in names:
            exception = next(f.exception for f in ERRNO_FACTS if f.name == name)
            if exception is None:
                return None
            if exception not in classes:
                classes.append(exception)
        fixable = (
            isinstance(read.exception, cst.Name)
            and read.handler is not None
            and all(_std_catch(t) for t in handler_types(self, read.handler))
        )
        return _Test(node, read.exception, names, tuple(classes), negated, fixable)

    def _message(self, test: _Test, check: str, extra: str = "") -> str:
        wider = []
        for exception in test.classes:
            others = [n for n in CLASS_ERRNOS[exception] if n not in test.names]
            others.extend(LATER_ALIASES.get(exception, ()))
            if others:
                wider.append(f"{exception} also covers {', '.join(others)}")
        if wider:
            extra = f" (but {'; '.join(wider)})" + extra
        return self.MESSAGE.format(test=code_of(test.comparison), check=check, extra=extra)

    def _isinstance(self, node: cst.Comparison, test: _Test) -> cst.BaseExpression | None:
        if not isinstance(test.exception, cst.Name) or not all(
            self._builtin(node, name) for name in test.classes
        ):
            return None
        classes: cst.BaseExpression = (
            cst.Name(test.classes[0])
            if len(test.classes) == 1
            else cst.Tuple([cst.Element(cst.Name(c)) for c in test.classes])
        )
        call: cst.BaseExpression = cst.Call(
            cst.Name("isinstance"), [cst.Arg(cst.Name(test.exception.value)), cst.Arg(classes)]
        )
        if not test.negated:
            return call.with_changes(lpar=node.lpar, rpar=node.rpar)
        negation = cst.UnaryOperation(cst.Not(), call)
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if node.lpar or isinstance(parent, (*_BOOLEAN_PARENTS, cst.Return)):
            return negation.with_changes(lpar=node.lpar, rpar=node.rpar)
        return negation.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])

    def _builtin(self, node: cst.CSTNode, name: str) -> bool:
        scope = self.get_metadata(ScopeProvider, node, None)
        return scope is not None and all(isinstance(b, BuiltinAssignment) for b in scope[name])

    # -- the clause that re-raises all but one errno ----------------------------
    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        shape = self._reraise_shape(node)
        if shape is None:
            return
        test, body = shape
        caught = handler_types(self, node)
        if len(caught) != 1 or caught[0] is None or not is_os_error(caught[0]):
            return
        if not all(catches(caught[0], exception) for exception in test.classes):
            return
        if not self._later_clauses_miss_oserror(node):
            return
        if any(not self._builtin(node, name) for name in test.classes):
            return
        assert isinstance(test.exception, cst.Name)
        names = [cst.Name(c) for c in test.classes]
        new_type: cst.BaseExpression = (
            names[0]
            if len(names) == 1
            else cst.Tuple(
                [
                    cst.Element(
                        n,
                        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                        if i < len(names) - 1
                        else cst.MaybeSentinel.DEFAULT,
                    )
                    for i, n in enumerate(names)
                ]
            )
        )
        keep_name = _uses(body, test.exception.value)
        replacement = node.with_changes(
            type=new_type,
            name=node.name if keep_name else None,
            body=body,
        )
        spelled = f"except {code_of(new_type)}"
        self._done.add(id(test.comparison))
        message = self._message(
            test,
            _spelled(test),
            f"; the except clause can name {', '.join(test.classes)} instead of re-raising the rest",
        )
        self.report(
            test.comparison,
            message,
            fix=Fix(replacement, "unsafe", f"Use `{spelled}`", target=node),
        )

    def _reraise_shape(self, node: cst.ExceptHandler) -> tuple[_Test, cst.IndentedBlock] | None:
        """The errno test and the body to keep, for the two re-raise shapes."""
        block = node.body
        if (
            node.name is None
            or not isinstance(node.name.name, cst.Name)
            or not isinstance(block, cst.IndentedBlock)
            or not block.body
        ):
            return None
        first = block.body[0]
        if (
            not isinstance(first, cst.If)
            or any(contains_comment(line) for line in first.leading_lines)
            or contains_comment(first.test)
        ):
            return None
        test = self._test(first.test) if isinstance(first.test, cst.Comparison) else None
        if test is None or not test.fixable or not _is_name(test.exception, node.name.name.value):
            return None
        inner = first.body
        if not isinstance(inner, cst.IndentedBlock):
            return None
        if not test.negated and len(block.body) == 1:
            # if <errno test>: BODY / else: raise
            orelse = first.orelse
            if (
                not isinstance(orelse, cst.Else)
                or contains_comment(orelse)
                or any(contains_comment(line) for line in inner.footer)
            ):
                return None
            if not _is_reraise(orelse.body, test.exception):
                return None
            header = _merge_header(block.header, inner.header)
            if header is None:
                return None
            return test, inner.with_changes(header=header, footer=block.footer)
        if test.negated and len(block.body) > 1 and first.orelse is None:
            # if <not errno test>: raise / BODY
            bare = inner.with_changes(header=cst.TrailingWhitespace())
            if not _is_reraise(inner, test.exception) or contains_comment(bare):
                return None
            header = _merge_header(block.header, inner.header)
            if header is None:
                return None
            return test, block.with_changes(header=header, body=block.body[1:])
        return None

    def _later_clauses_miss_oserror(self, node: cst.ExceptHandler) -> bool:
        """Whether no later clause of the same ``try`` could catch an ``OSError``."""
        statement = self.get_metadata(ParentNodeProvider, node, None)
        if not isinstance(statement, cst.Try):
            return False
        handlers: Sequence[cst.ExceptHandler] = statement.handlers
        later = handlers[[id(h) for h in handlers].index(id(node)) + 1 :]
        for handler in later:
            for caught in handler_types(self, handler):
                if caught is None or is_os_error(caught) or catches(caught, _OSERROR):
                    return False
        return True


_ALL_NAMES = frozenset(name for names in CLASS_ERRNOS.values() for name in names)


def _std_catch(name: str | None) -> bool:
    """A caught type the class test can stand in for: known, and OSError or broader/narrower."""
    return name is not None and (is_os_error(name) or catches(name, _OSERROR))


def _spelled(test: _Test) -> str:
    subject = code_of(test.exception) if test.exception is not None else "e"
    classes = test.classes[0] if len(test.classes) == 1 else f"({', '.join(test.classes)})"
    check = f"isinstance({subject}, {classes})"
    return f"not {check}" if test.negated else check


def _is_name(node: cst.BaseExpression | None, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _is_reraise(suite: cst.BaseSuite, exception: cst.BaseExpression | None) -> bool:
    """Whether a suite is just ``raise`` (or ``raise e`` of the caught ``e``)."""
    statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement]
    if isinstance(suite, cst.IndentedBlock):
        if len(suite.body) != 1 or not isinstance(suite.body[0], cst.SimpleStatementLine):
            return False
        statements = suite.body[0].body
    elif isinstance(suite, cst.SimpleStatementSuite):
        statements = suite.body
    else:
        return False
    if len(statements) != 1 or not isinstance(statements[0], cst.Raise):
        return False
    raised = statements[0]
    if raised.cause is not None:
        return False
    return raised.exc is None or (
        isinstance(exception, cst.Name) and _is_name(raised.exc, exception.value)
    )


def _merge_header(
    outer: cst.TrailingWhitespace, inner: cst.TrailingWhitespace
) -> cst.TrailingWhitespace | None:
    """The header line of the merged clause: whichever has a comment (None: both do)."""
    if outer.comment is not None and inner.comment is not None:
        return None
    return outer if outer.comment is not None else inner


class _NameUse(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.found = True


def _uses(body: cst.CSTNode, name: str) -> bool:
    finder = _NameUse(name)
    body.visit(finder)
    return finder.found
