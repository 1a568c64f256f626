"""NC007 unreachable-except."""

from __future__ import annotations

import ast
import re

from ..analysis.exception_classes import versions_from
from ..analysis.exceptions import (
    SUPPORTED_VERSIONS,
    Resolved,
    canonical,
    catches,
    clause_text,
    handler_types,
    key,
    shadowing,
    short,
)
from ..fixing.handlers import handler_moved
from ..rule import Fix, Invalid, Rule, Valid

_SEED = """\
import errno
import socket

try:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect((HOST, PORT))
        data = s.recv(1024)
except socket.error as e:
    if e.errno == errno.WSAECONNRESET:  # On Windows
        print("Error: Connection was reset by the peer.")
    elif e.errno == errno.ECONNRESET:  # On Linux/macOS
        print("Error: Connection was reset by the peer.")
    else:
        print(f"A socket error occurred: {e}")
except socket.timeout:  # error
    print("Error: The connection timed out.")
except Exception as e:
    print(f"An unexpected error occurred: {e}")
"""

_SEED_FIXED = """\
import errno
import socket

try:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect((HOST, PORT))
        data = s.recv(1024)
except socket.timeout:  # error
    print("Error: The connection timed out.")
except socket.error as e:
    if e.errno == errno.WSAECONNRESET:  # On Windows
        print("Error: Connection was reset by the peer.")
    elif e.errno == errno.ECONNRESET:  # On Linux/macOS
        print("Error: Connection was reset by the peer.")
    else:
        print(f"A socket error occurred: {e}")
except Exception as e:
    print(f"An unexpected error occurred: {e}")
"""


#: The setting that names the oldest Python the project runs on (see ``config``).
TARGET_VERSION_OPTION = "target-version"


def _try(handlers: str, head: str = "") -> str:
    return f"{head}try:\n    work()\n{handlers}"


class UnreachableExcept(Rule):
    """An ``except`` clause that never runs because an earlier clause catches its type.

    ## What it does
    Finds an ``except`` clause of a ``try`` (or ``except*`` clause of a
    ``try``/``except*``) whose every exception type is already caught by an
    earlier clause of the same statement: ``except socket.error`` before
    ``except socket.timeout``, ``except OSError`` before ``except
    ConnectionResetError``, ``except Exception`` before anything but
    ``BaseException``'s other children.  Aliases are understood
    (``IOError``, ``EnvironmentError``, ``socket.error``, ``select.error`` and
    ``os.error`` are all ``OSError``), and so are ``import socket as s`` and
    ``from socket import error``.  A tuple clause is unreachable only when
    every type in it is caught earlier.

    ## Why is this bad?
    Python tries the clauses in order and runs the first that matches, so the
    later clause is dead code: its handling (a timeout message, a retry on a
    reset) never happens.  ``socket.timeout`` is a subclass of ``OSError``
    (``socket.error``), and since Python 3.10 simply another name for
    ``TimeoutError``, so ``except socket.error`` placed first swallows every
    timeout.

    ## Example
    ```python
    try:
        data = sock.recv(1024)
    except socket.error as e:
        log.warning("socket error: %s", e)
    except socket.timeout:
        retry()
    ```

    ## Use instead
    ```python
    try:
        data = sock.recv(1024)
    except socket.timeout:
        retry()
    except socket.error as e:
        log.warning("socket error: %s", e)
    ```

    ## Fix safety
    Unsafe: the fix moves the narrower clause (with its comments and body)
    just before the earliest clause that shadows it, so its body now runs for
    those errors where the broader clause's body ran before: that is the
    intent of the code, but it is a change of behaviour.  No fix for a
    duplicate clause (the fix would only make the other copy dead), for a
    clause whose move would shadow a clause it jumps over, or for a bare
    ``except:`` (it must stay last).

    ## Known problems
    Only exception classes of the standard library are known (builtins and
    the ``socket``, ``ssl``, ``select``, ``asyncio``, ``concurrent.futures``,
    ``urllib.error``, ``http.client`` and ``smtplib`` ones); a clause naming
    any other class, a variable or a starred tuple is never reported nor
    counted as shadowing.  A clause is reported only if it is dead on every
    supported Python (3.9 to 3.13): ``except TimeoutError`` before ``except
    socket.timeout`` is dead only from 3.10 on, so it is not reported,
    unless the project says it runs on 3.10 or newer only: the
    ``target-version`` setting (``"py310"``, as ruff spells it; also
    ``--target-version``), or else the lower bound of ``requires-python``
    in the ``pyproject.toml`` that holds the configuration (or, with none,
    the project's own at the working directory).  So
    ``except OSError`` before ``except asyncio.TimeoutError`` is reported
    for ``requires-python = ">=3.11"``, where that is ``TimeoutError``.  A
    project that also runs on Python 2 is told about clauses dead on Python
    3 (``except IOError`` after ``except socket.error``): the handling they
    hold never happens there, which maintainers fix.  Nor
    is a clause that a comment marks as the Python 2 branch (``except
    select.error:  # Python 2``, or ``# this is for Python 2.x`` before its
    first statement): dead on Python 3, it runs on the Python 2 that such a
    project still supports.  The comment is taken at its word.
    """

    CODE = "NC007"
    NAME = "unreachable-except"
    MESSAGE = "`{clause}` can never run: {why}"
    FIX_TITLE = "Move `{clause}` before `{outer}`"
    FIX_SAFETY = "unsafe"
    REQUIRES_TEXT = ("except",)
    OPTIONS = {TARGET_VERSION_OPTION: ""}

    VALID = [
        Valid(
            _try("except ValueError:\n    a()\nexcept OSError:\n    b()\n"), id="unrelated-types"
        ),
        Valid(
            _try("except ConnectionResetError:\n    a()\nexcept OSError:\n    b()\n"),
            id="narrow-first",
        ),
        Valid(
            _try(
                "except socket.timeout:\n    a()\nexcept socket.error:\n    b()\n",
                "import socket\n",
            ),
            id="seed-order-fixed",
        ),
        Valid(
            _try(
                "except Exception:\n    a()\nexcept MyError:\n    b()\n",
                "class MyError(Exception):\n    pass\n",
            ),
            id="user-class-unknown",
        ),
        Valid(
            _try(
                "except OSError:\n    a()\nexcept select.error as e:\n"
                "    # this is for Python 2.x, where select.error is no OSError\n    b(e)\n",
                "import select\n",
            ),
            id="marked-python2-branch",
        ),
    ]
    INVALID = [
        Invalid(
            _SEED,
            _SEED_FIXED,
            unsafe=True,
            message="`except socket.timeout` can never run: `except socket.error` on line 9",
            id="seed-socket-error-before-timeout",
        ),
        Invalid(_SEED, None, id="seed-no-safe-fix"),
        Invalid(
            _try("except OSError:\n    a()\nexcept ConnectionResetError:  # error\n    b()\n"),
            _try("except ConnectionResetError:  # error\n    b()\nexcept OSError:\n    a()\n"),
            unsafe=True,
            message="ConnectionResetError is a subclass of OSError",
            id="oserror-before-reset",
        ),
        Invalid(
            _try("except IOError:\n    a()\nexcept BrokenPipeError:  # error\n    b()\n"),
            _try("except BrokenPipeError:  # error\n    b()\nexcept IOError:\n    a()\n"),
            unsafe=True,
            message="BrokenPipeError is a subclass of OSError; IOError is OSError",
            id="ioerror-alias",
        ),
        Invalid(
            _try("except EnvironmentError:\n    a()\nexcept OSError:  # error\n    b()\n"),
            None,
            unsafe=True,
            message="EnvironmentError and OSError are the same class",
            id="alias-duplicate-no-fix",
        ),
        Invalid(
            _try(
                "except select.error:\n    a()\nexcept socket.gaierror:  # error\n    b()\n",
                "import select, socket\n",
            ),
            _try(
                "except socket.gaierror:  # error\n    b()\nexcept select.error:\n    a()\n",
                "import select, socket\n",
            ),
            unsafe=True,
            id="select-error-alias",
        ),
        Invalid(
            _try(
                "except OSError:\n    a()\nexcept select.error:  # error  (works on Python 2 and 3)\n"
                "    b()\n",
                "import select\n",
            ),
            None,
            unsafe=True,
            id="python2-and-3-comment-is-no-marker",
        ),
    ]

    def run(self) -> None:
        for kind in _TRIES:
            for node in self.model.nodes(kind):
                self._check(node)

    def _check(self, node: ast.AST) -> None:
        handlers: list[ast.ExceptHandler] = getattr(node, "handlers", [])
        if len(handlers) < 2:
            return
        types = [handler_types(self.model, handler) for handler in handlers]
        versions = versions_from(str(self.option(TARGET_VERSION_OPTION)))
        for index in range(1, len(handlers)):
            shadows = shadowing(types[:index], types[index], versions)
            if shadows is not None and not self._python2_branch(handlers[index]):
                self._report(node, handlers, index, shadows, types)

    def _python2_branch(self, handler: ast.ExceptHandler) -> bool:
        """Whether a comment on the ``except`` line, or before the clause's
        first statement, says the clause is for Python 2 (``# this is for
        Python 2.x``, ``# py2``): a branch kept on purpose for a Python the
        project still supports, where it runs."""
        first = handler.body[0].lineno if handler.body else handler.lineno
        source = self.model.source
        return any(
            _PYTHON2_COMMENT.search(source.line(number))
            for number in range(handler.lineno, first + 1)
        )

    def _report(
        self,
        node: ast.AST,
        handlers: list[ast.ExceptHandler],
        index: int,
        shadows: list[tuple[int, str, str]],
        types: list[list[Resolved]],
    ) -> None:
        handler = handlers[index]
        clause = clause_text(self.model, handler)
        lines = [handlers[i].lineno for i, _, _ in shadows]
        if len(shadows) == 1:
            i, outer_type, inner_type = shadows[0]
            reason = _why(outer_type, inner_type)
            why = f"`{clause_text(self.model, handlers[i])}` on line {lines[0]} already catches it"
            why += f" ({reason})" if reason else ""
        else:
            parts = [
                f"{short(inner_type)} by `{clause_text(self.model, handlers[i])}` on line {line}"
                for (i, _, inner_type), line in zip(shadows, lines)
            ]
            why = "every type it names is caught earlier (" + "; ".join(parts) + ")"
        first = min(i for i, _, _ in shadows)
        fix = None
        moved = types[index]
        if handler.type is not None and not any(
            _covers(moved, types[k]) for k in range(first, index)
        ):
            outer = clause_text(self.model, handlers[first])
            fix = Fix(
                handler_moved(index, first),
                "unsafe",
                self.FIX_TITLE.format(clause=clause, outer=outer),
                target=node,
            )
        self.report(handler, self.MESSAGE.format(clause=clause, why=why), fix=fix)


#: A comment that says the code around it is for Python 2.
_PYTHON2_COMMENT = re.compile(
    r"#.*\b(?:python\s*2(?![.\d]*\s*(?:and|/|or|\+|&)\s*3)|py2)\b", re.IGNORECASE
)

_TRIES: tuple[type[ast.AST], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


def _covers(moved: list[Resolved], clause: list[Resolved]) -> bool:
    """Whether ``moved``, placed before ``clause``, would catch everything it names."""
    return all(
        inner is not None and any(outer is not None and catches(outer, inner) for outer in moved)
        for inner in clause
    )


def _why(outer: str, inner: str) -> str:
    """Why ``except outer`` catches ``inner``, in words."""
    last = SUPPORTED_VERSIONS[-1]
    outer_key, inner_key = key(outer) or outer, key(inner) or inner
    target = canonical(outer_key, last)
    if outer_key == inner_key:
        return ""
    if target == canonical(inner_key, last):
        return f"{short(outer_key)} and {short(inner_key)} are the same class"
    reason = f"{short(inner_key)} is a subclass of {short(target)}"
    if target != outer_key:
        reason += f"; {short(outer_key)} is {short(target)}"
    return reason
