"""NC002 platform-only-errno."""

from __future__ import annotations

import ast

from netcompat.errno_table import WSA_EQUAL_ON_WINDOWS, WSA_NAMES

from ..analysis.guards import (
    defined_by_file,
    guarded_against,
    platform_guarded,
    windows_only_file,
)
from ..fixing.builders import alias_renamed, attribute_renamed
from ..rule import Fix, Invalid, Rule, Valid


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
    A guard is recognised by shape: an ``if``, conditional expression or
    ``and`` whose test mentions the platform or probes for an attribute
    (``hasattr``/``getattr``, ``"WSAECONNRESET" in dir(errno)``, or a flag
    assigned one of those); the right of an ``or`` whose left is false only
    where the attribute exists or on Windows (``not hasattr(errno,
    "WSAEADDRINUSE") or ...``, ``sys.platform != "win32" or ...``); an
    earlier statement of an enclosing block that leaves unless so (``if not
    hasattr(errno, ...): raise``, ``return``, ``continue``, ``sys.exit()``,
    ``pytest.skip()``, ``assert sys.platform == "win32"``); a ``try`` that
    catches ``AttributeError``/``ImportError``.  The probed attribute is not
    matched against the name used (``hasattr(sock, "fileno")`` counts too).
    An exit taken only on Windows (``if sys.platform == "win32": return``)
    is no guard.  The body of a private class or function that the module
    names only under a platform test (``class _SocketWaker`` chosen by
    ``if platformType == "posix": ... else: _Waker = _SocketWaker``) counts
    as guarded.  A file that runs only on Windows is not reported: one
    that imports a Windows-only module at its top (``msvcrt``, ``_winapi``,
    or a module of a package named for Windows, ``from pkg.iocpreactor
    import iocpsupport``) or asserts the platform.  A guard in a caller, or
    in a function called first, is not seen.  A file that gives ``errno``
    the name itself before the use (``errno.WSAEADDRINUSE =
    errno.EADDRINUSE`` where a probe failed, ``setattr``, or a test's
    ``patch.object(errno, "WSAEADDRINUSE", ..., create=True)``) is not
    reported from there on.
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
            "import errno\n"
            "if not hasattr(errno, 'WSAEADDRINUSE') or e.errno != errno.WSAEADDRINUSE:\n"
            "    raise\n",
            id="not-hasattr-or",
        ),
        Valid(
            "import errno\n\n\ndef code():\n"
            "    if not hasattr(errno, 'WSAECONNRESET'):\n        return None\n"
            "    return errno.WSAECONNRESET\n",
            id="early-return",
        ),
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
    ]

    def _guarded(self, node: ast.AST) -> bool:
        model = self.model
        return (
            platform_guarded(model, node)
            or guarded_against(model, node, ("AttributeError", "ImportError", "NameError"))
            or windows_only_file(model)
        )

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = node.attr
        if not name.startswith("WSAE") or isinstance(node.ctx, ast.Store):
            return
        qualified = f"errno.{name}"
        if qualified not in self.model.imported_names(node) or self._guarded(node):
            return
        if defined_by_file(self.model, node, qualified):
            return
        message = self.MESSAGE.format(name=name)
        fix = None
        if name in WSA_EQUAL_ON_WINDOWS:
            portable = WSA_NAMES[name].name
            fix = Fix(attribute_renamed(portable), "safe", self.FIX_TITLE.format(portable=portable))
            message += f"; errno.{portable} is the same number on Windows and right everywhere"
        self.report(node, message, fix=fix)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or node.module != "errno" or self._guarded(node):
            return
        for alias in node.names:
            name = alias.name
            if not name.startswith("WSAE"):
                continue
            message = self.MESSAGE.format(name=name).replace("AttributeError", "ImportError")
            fix = None
            if name in WSA_EQUAL_ON_WINDOWS:
                portable = WSA_NAMES[name].name
                title = self.FIX_TITLE.format(portable=portable)
                fix = Fix(alias_renamed(portable, alias.asname or name), "safe", title)
            self.report(alias, message, fix=fix)
