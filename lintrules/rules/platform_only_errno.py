"""NC002 platform-only-errno."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import libcst as cst

from .._facts import WSA_EQUAL_ON_WINDOWS, WSA_NAMES
from .._nodes import guarded_against, platform_guarded, qualified_names
from ..gate import AstIndex
from ..rule import Fix, Invalid, Rule, Valid

if TYPE_CHECKING:
    from ..reduce import NodeTest


class PlatformOnlyErrno(Rule):
    """Use of a Windows-only ``errno.WSAE*`` constant without a platform guard.

    ## What it does
    Finds ``errno.WSAECONNRESET`` and the other ``WSAE*`` names of the ``errno``
    module (and ``from errno import WSAE...``) used where no platform check,
    ``hasattr``/``getattr`` probe or ``except AttributeError`` protects them.

    ## Why is this bad?
    The ``WSAE*`` names exist only on Windows.  On Linux and macOS the lookup
    raises ``AttributeError`` (``ImportError`` for a ``from`` import), and
    when it sits in an ``except`` clause the handler itself crashes while
    handling the very error it was written for.

    ## Example
    ```python
    except OSError as e:
        if e.errno == errno.WSAECONNRESET:
            reconnect()
    ```

    ## Use instead
    ```python
    except OSError as e:
        if e.errno == errno.ECONNRESET:
            reconnect()
    ```
    On Windows Python defines ``errno.ECONNRESET`` as the WinSock value (10054),
    so the portable name is equal to the Windows one there and right everywhere
    else.

    ## Fix safety
    Safe, for the names where Python's ``errno`` module gives the portable name
    the WinSock value on Windows (``ECONNRESET``, ``ECONNABORTED``,
    ``ETIMEDOUT``...): behaviour on Windows is unchanged and other platforms
    stop crashing.  No fix for the others (``WSAEBADF`` is 10009 while
    ``errno.EBADF`` is 9 on Windows), nor for WinSock names with no portable
    twin.

    ## Known problems
    A guard is recognised by shape (an ``if`` or conditional expression whose
    test mentions the platform or ``hasattr``/``getattr``, or a ``try`` that
    catches ``AttributeError``/``ImportError``); a guard in a caller is not seen.
    """

    CODE = "NC002"
    NAME = "platform-only-errno"
    MESSAGE = "errno.{name} exists only on Windows: AttributeError on Linux and macOS"
    FIX_TITLE = "Use the portable errno.{portable}"
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = ("WSAE",)

    VALID = [
        Valid("import errno\nif e.errno == errno.ECONNRESET:\n    pass\n"),
        Valid(
            "import errno, sys\nif sys.platform == 'win32':\n    CODES = {errno.WSAECONNRESET}\n",
            id="platform-if",
        ),
        Valid("import errno\nCODE = getattr(errno, 'WSAECONNRESET', None)\n", id="getattr"),
        Valid(
            "import errno\nCODES = hasattr(errno, 'WSAECONNRESET') and {errno.WSAECONNRESET}\n",
            id="hasattr-and",
        ),
        Valid(
            "import errno\ntry:\n    X = errno.WSAECONNRESET\nexcept AttributeError:\n    X = None\n",
            id="try-attributeerror",
        ),
        Valid(
            "class errno:\n    WSAECONNRESET = 1\nx = errno.WSAECONNRESET\n", id="not-the-module"
        ),
        Valid("import errno\nX = errno.WSAECONNRESET if os.name == 'nt' else None\n", id="ifexp"),
    ]
    INVALID = [
        Invalid(
            "import errno\nif e.errno == errno.WSAECONNRESET:\n    pass\n",
            "import errno\nif e.errno == errno.ECONNRESET:\n    pass\n",
            message="exists only on Windows",
        ),
        Invalid(
            "import errno as E\nRESETS = (E.WSAECONNRESET, E.WSAECONNABORTED)\n",
            "import errno as E\nRESETS = (E.ECONNRESET, E.ECONNABORTED)\n",
            count=2,
            id="alias",
        ),
        Invalid(
            "from errno import WSAECONNRESET\n",
            "from errno import ECONNRESET as WSAECONNRESET\n",
            id="from-import",
        ),
        Invalid("import errno\nX = errno.WSAEBADF\n", None, id="no-portable-twin-on-windows"),
        Invalid("import errno\nX = errno.WSAEPROCLIM\n", None, id="no-portable-name"),
        Invalid(
            "import errno\ntry:\n    pass\nexcept OSError as e:\n"
            "    if e.errno == errno.WSAECONNRESET:\n        pass\n",
            "import errno\ntry:\n    pass\nexcept OSError as e:\n"
            "    if e.errno == errno.ECONNRESET:\n        pass\n",
            id="inside-handler",
        ),
    ]

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        return any(
            name.startswith("WSAE")
            for name in (*index.attributes, *index.names, *index.imported_names)
        )

    @classmethod
    def needs(cls, index: AstIndex) -> NodeTest | None:
        # A use of a WSAE name, or of an alias imported for one.
        aliases = _wsa_aliases(index.tree) if index.tree is not None else set()
        return lambda node: _names_wsa(node, aliases)

    def _guarded(self, node: cst.CSTNode) -> bool:
        return platform_guarded(self, node) or guarded_against(
            self, node, ("AttributeError", "ImportError", "NameError")
        )

    def visit_Attribute(self, node: cst.Attribute) -> None:
        name = node.attr.value
        if not name.startswith("WSAE"):
            return
        if f"errno.{name}" not in qualified_names(self, node) or self._guarded(node):
            return
        message = self.MESSAGE.format(name=name)
        fix = None
        if name in WSA_EQUAL_ON_WINDOWS:
            portable = WSA_NAMES[name].name
            fix = Fix(
                node.with_changes(attr=cst.Name(portable)),
                "safe",
                self.FIX_TITLE.format(portable=portable),
            )
            message += f"; errno.{portable} is the same number on Windows and right everywhere"
        self.report(node, message, fix=fix)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if (
            node.relative
            or node.module is None
            or not isinstance(node.module, cst.Name)
            or node.module.value != "errno"
            or isinstance(node.names, cst.ImportStar)
            or self._guarded(node)
        ):
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            if not name.startswith("WSAE"):
                continue
            message = self.MESSAGE.format(name=name).replace("AttributeError", "ImportError")
            fix = None
            if name in WSA_EQUAL_ON_WINDOWS:
                portable = WSA_NAMES[name].name
                bound = alias.evaluated_alias or name
                new_alias = alias.with_changes(
                    name=cst.Name(portable),
                    asname=cst.AsName(name=cst.Name(bound)) if bound != portable else None,
                )
                fix = Fix(new_alias, "safe", self.FIX_TITLE.format(portable=portable), target=alias)
            self.report(alias, message, fix=fix)


def _wsa_aliases(tree: ast.AST) -> set[str]:
    """Names bound by ``from errno import WSAE... as NAME``."""
    return {
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname and alias.name.startswith("WSAE")
    }


def _names_wsa(node: ast.AST, aliases: set[str]) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr.startswith("WSAE")
    if isinstance(node, ast.Name):
        return node.id.startswith("WSAE") or node.id in aliases
    return False
