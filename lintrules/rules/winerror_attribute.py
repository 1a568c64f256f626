"""NC003 winerror-attribute."""

from __future__ import annotations

import ast
import itertools
import re
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import (
    Assignment,
    BuiltinAssignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from .._exceptions import bound_by_except, catches, class_of, handler_types, is_os_error
from .._nodes import ancestors, code_of, guarded_against
from ..gate import AstIndex
from ..rule import Fix, Invalid, Rule, RuleContext, Valid

if TYPE_CHECKING:
    from ..reduce import NodeTest

#: Modules that exist only on Windows: a file importing one at its top level
#: (outside ``try``/``if``) cannot run elsewhere, so ``winerror`` is safe there.
WINDOWS_ONLY_MODULES = frozenset(
    {
        "_overlapped", "_winapi", "_winreg", "msvcrt", "nt", "winreg", "winsound",
        # pywin32
        "pythoncom", "pywintypes", "win32api", "win32com", "win32con", "win32event",
        "win32file", "win32gui", "win32pipe", "win32process", "win32security",
        "win32service", "win32serviceutil", "winerror", "wmi",
        "_msi", "_win32sysloader", "_wmi", "msilib", "ntsecuritycon", "servicemanager",
        "win32clipboard", "win32comext", "win32console", "win32cred", "win32crypt",
        "win32evtlog", "win32evtlogutil", "win32job", "win32net", "win32pdh",
        "win32print", "win32profile", "win32timezone", "win32ts", "win32ui",
    }
)  # fmt: skip
#: Modules of portable packages that cannot be imported elsewhere than on Windows.
_WINDOWS_ONLY_SUBMODULES = frozenset(
    {"asyncio.windows_events", "asyncio.windows_utils", "multiprocessing.popen_spawn_win32"}
)
#: Functions that import the module named by their first argument or raise
#: (``importlib.import_module``, ``test.support.import_helper.import_module``,
#: ``pytest.importorskip``, ``__import__``).
_IMPORT_FUNCTIONS = frozenset({"import_module", "importorskip", "__import__"})

#: Words in a test that show the code knows the platform matters.  ``winerror``
#: itself is removed from the test first (it contains "win").
_PLATFORM_WORDS = re.compile(r"(?i)win|\bnt\b|platform|darwin|linux|posix|hasattr")
_WINERROR = re.compile(r"winerror", re.IGNORECASE)
_NEGATION = re.compile(r"\bnot\b|!=")
_EXITS = (cst.Return, cst.Raise, cst.Continue, cst.Break)
#: ``sys.platform == "win32"`` / ``os.name == "nt"``: asserted at the top of a
#: module, it says the module is Windows-only.
_WINDOWS_TEST = re.compile(r"""platform\s*==\s*['"]win32['"]|\bname\s*==\s*['"]nt['"]""")
_NOT_WINDOWS_TEST = re.compile(r"""platform\s*!=\s*['"]win32['"]|\bname\s*!=\s*['"]nt['"]""")
#: The whole of a test that is true only on Windows (``sys.platform ==
#: "win32"``, ``os.name == "nt"``, ``sys.platform.startswith("win")``,
#: ``platform.system() == "Windows"``, a flag named ``MS_WINDOWS``...), and of
#: one that is true everywhere else.
_IS_WINDOWS = re.compile(
    r"""(?:\w+\.)*platform\s*==\s*(['"])win32\1"""
    r"""|(['"])win32\2\s*==\s*(?:\w+\.)*platform"""
    r"""|(?:\w+\.)*name\s*==\s*(['"])nt\3"""
    r"""|(?:\w+\.)*platform\.startswith\(\s*(['"])win(?:32)?\4\s*\)"""
    r"""|(?:\w+\.)*system\(\)\s*==\s*(['"])Windows\5"""
    r"""|(?:\w+\.)*(?i:_?(?:is_?|on_?|ms_?|running_on_)?win(?:dows|32)?)"""
)
_IS_NOT_WINDOWS = re.compile(
    r"""(?:\w+\.)*platform\s*!=\s*(['"])win32\1"""
    r"""|(['"])win32\2\s*!=\s*(?:\w+\.)*platform"""
    r"""|(?:\w+\.)*name\s*!=\s*(['"])nt\3"""
    r"""|(?:\w+\.)*system\(\)\s*!=\s*(['"])Windows\4"""
)
#: The words of an identifier (``TestWin32Error`` -> Test, Win32, Error).
_WORDS = re.compile(r"[A-Z]+\d*(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")
_WINDOWS_WORDS = frozenset({"mswindows", "nt", "win", "win32", "win64", "winapi", "windows", "wsa"})

_OSERROR = "builtins.OSError"


def _names_platform(text: str) -> bool:
    return bool(_PLATFORM_WORDS.search(_WINERROR.sub("", text)))


def _is_winerror_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.SimpleString) and node.evaluated_value == "winerror"


class WinerrorAttribute(Rule):
    """``X.winerror`` read where ``X`` may be an exception, without a guard.

    ## What it does
    Finds reads of the ``winerror`` attribute of something that may be an
    exception (a name bound by an ``except`` clause, a parameter, anything
    whose type the rule cannot see), and ``getattr(X, "winerror")`` without a
    default, when no guard protects them.  A guard is ``hasattr(X,
    "winerror")`` (in an enclosing ``if``, on the left of an ``and``, or
    earlier in the same function), a platform check (``sys.platform``,
    ``os.name``, an ``IS_WINDOWS`` flag), a ``try`` that catches
    ``AttributeError``, or code that runs only on Windows:

    - a file that says so at its top: an unguarded import of ``msvcrt``,
      ``_winapi``, ``win32api``... (``importlib.import_module("_winapi")``
      too), an ``assert sys.platform == "win32"``, or ``if sys.platform !=
      "win32": raise ImportError(...)``;
    - what follows such an import in the same block (the rest of a ``try``
      body after ``from nt import x``, of a function after ``import _wmi``),
      and the ``else:`` of a ``try`` whose body has one, with the functions
      defined there (``ntpath``'s ``realpath``); not its ``except
      ImportError:``, which runs where the import failed;
    - a function whose name says Windows (``_windows_code``,
      ``test_WindowsError``, ``_nt_readlink``; not ``rewind``);
    - a test decorated ``@unittest.skipUnless(sys.platform == "win32",
      ...)`` or ``@skipIf(os.name != "nt", ...)`` (``pytest.mark.skipif``
      too), or a method of a class so decorated;
    - an ``except`` clause that catches only classes of Windows-only modules
      (``except pywintypes.error as e:``).

    ## Why is this bad?
    ``OSError`` has a ``winerror`` attribute only on Windows.  Elsewhere the
    read raises ``AttributeError``, usually inside the ``except`` clause that
    was handling a network error, so a dropped connection becomes a crash.

    ## Example
    ```python
    except OSError as e:
        if e.winerror == 10054:
            reconnect()
    ```

    ## Use instead
    ```python
    except OSError as e:
        if getattr(e, "winerror", None) == 10054:
            reconnect()
    ```
    Better still, test the portable ``ConnectionResetError`` or
    ``e.errno == errno.ECONNRESET`` (NC001/NC008 help with that).

    ## Fix safety
    Safe: ``e.winerror`` becomes ``getattr(e, "winerror", None)``.  On
    Windows every ``OSError`` has the attribute, so the value is the same;
    elsewhere ``None`` compares unequal to every code, which is what the
    check means there.  No fix when ``getattr`` is rebound in the file, nor
    for ``del``/augmented assignments.

    ## Known problems
    What ``X`` is, is inferred locally: a name bound by ``except C as X`` is an
    exception (not reported when every ``C`` is a known class outside the
    ``OSError`` family, like ``ValueError``); ``self`` is one only in a class
    deriving from a known ``OSError`` class that never sets ``winerror``
    itself; a parameter annotated with a type other than a known exception,
    a module, a class, or a name assigned a literal (other than ``None``)
    is not one; any other expression may be
    one and is reported.  Guards in a caller, or a platform check stored in a
    variable with an unusual name, are not seen.  Modules that fail to import
    off Windows are a fixed list: ``from ctypes import windll`` or a vendored
    Windows-only package does not mark its ``try:`` as Windows-only.
    """

    CODE = "NC003"
    NAME = "winerror-attribute"
    MESSAGE = (
        "`{target}` exists only on Windows: AttributeError on Linux and macOS; "
        '`getattr({obj}, "winerror", None)` is the same on Windows and None elsewhere'
    )
    FIX_TITLE = 'Use getattr({obj}, "winerror", None)'
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = ("winerror",)

    VALID = [
        Valid(
            "try:\n    work()\nexcept OSError as e:\n"
            "    if getattr(e, 'winerror', None) == 10054:\n        pass\n",
            id="getattr-with-default",
        ),
        Valid(
            "try:\n    work()\nexcept OSError as e:\n"
            "    if hasattr(e, 'winerror') and e.winerror == 10054:\n        pass\n",
            id="hasattr-and",
        ),
        Valid(
            "try:\n    work()\nexcept OSError as e:\n    if hasattr(e, 'winerror'):\n"
            "        code = e.winerror\n",
            id="hasattr-if",
        ),
        Valid(
            "def code(e):\n    if not hasattr(e, 'winerror'):\n        return None\n"
            "    return e.winerror\n",
            id="hasattr-earlier-in-function",
        ),
        Valid(
            "import sys\ntry:\n    work()\nexcept OSError as e:\n"
            "    if sys.platform == 'win32':\n        log(e.winerror)\n",
            id="platform-if",
        ),
        Valid(
            "import os\ntry:\n    work()\nexcept OSError as e:\n"
            "    if os.name == 'nt' and e.winerror == 64:\n        pass\n",
            id="platform-and",
        ),
        Valid(
            "import sys\ndef code(e):\n    if sys.platform != 'win32':\n        return None\n"
            "    return e.winerror\n",
            id="platform-early-return",
        ),
        Valid("x = e.winerror if IS_WINDOWS else None\n", id="platform-flag-ifexp"),
        Valid("def _windows_code(e):\n    return e.winerror\n", id="function-named-for-windows"),
        Valid(
            "try:\n    code = e.winerror\nexcept AttributeError:\n    code = None\n",
            id="try-attributeerror",
        ),
        Valid(
            "class Failure:\n    def __init__(self, code):\n        self.winerror = code\n"
            "    def describe(self):\n        return self.winerror\n",
            id="self-in-class-that-sets-it",
        ),
        Valid(
            "class Failure(OSError):\n    winerror = None\n    def describe(self):\n"
            "        return self.winerror\n",
            id="self-in-oserror-class-that-defines-it",
        ),
        Valid(
            "class Report:\n    def describe(self):\n        return self.winerror\n",
            id="self-not-an-exception",
        ),
        Valid(
            "def show(result: WinResult):\n    return result.winerror\n",
            id="parameter-annotated-with-other-type",
        ),
        Valid("import ntstatus\nprint(ntstatus.winerror)\n", id="module-attribute"),
        Valid("class Codes:\n    winerror = 5\nprint(Codes.winerror)\n", id="class-attribute"),
        Valid(
            "try:\n    work()\nexcept ValueError as e:\n    print(e.winerror)\n",
            id="caught-type-not-an-oserror",
        ),
        Valid(
            "import win32api\ntry:\n    win32api.Beep(1, 1)\nexcept OSError as e:\n"
            "    print(e.winerror)\n",
            id="windows-only-file",
        ),
        Valid("e.winerror = 5\ndel e.winerror\n", id="store-and-del"),
        Valid(
            "import sys\nassert sys.platform == 'win32'\ndef f(exc):\n    return exc.winerror\n",
            id="module-asserts-windows",
        ),
        Valid(
            "import sys\nif sys.platform != 'win32':\n    raise ImportError('Windows only')\n"
            "def f(exc):\n    return exc.winerror\n",
            id="module-refuses-other-platforms",
        ),
        Valid(
            "try:\n    work()\nexcept* OSError as group:\n    print(group.winerror)\n",
            id="exception-group",
        ),
        Valid("info = {'code': 5}\nprint(info.winerror)\n", id="name-bound-to-a-literal"),
        Valid("message = 'winerror'\n", id="text-only"),
        Valid(
            "try:\n    from nt import _getfinalpathname\nexcept ImportError:\n    pass\n"
            "else:\n    try:\n        _getfinalpathname(path)\n    except OSError as ex:\n"
            "        code = ex.winerror\n",
            id="else-of-try-importing-nt",
        ),
        Valid(
            "try:\n    from nt import readlink as _nt_readlink\nexcept ImportError:\n"
            "    realpath = abspath\nelse:\n    def _readlink_deep(path):\n        try:\n"
            "            return _nt_readlink(path)\n        except OSError as ex:\n"
            "            if ex.winerror in (1, 2):\n                return path\n            raise\n",
            id="def-in-else-of-try-importing-nt",
        ),
        Valid(
            "try:\n    import _winapi\n    try:\n        _winapi.CloseHandle(handle)\n"
            "    except OSError as e:\n        print(e.winerror)\nexcept ImportError:\n    pass\n",
            id="try-body-after-windows-import",
        ),
        Valid(
            "def query():\n    import _wmi\n    try:\n        return _wmi.exec_query('SELECT 1')\n"
            "    except OSError as e:\n        return e.winerror\n",
            id="function-body-after-windows-import",
        ),
        Valid(
            "import importlib\nwinapi = importlib.import_module('_winapi')\n"
            "def code(exc):\n    return exc.winerror\n",
            id="module-imported-by-name",
        ),
        Valid(
            "import sys, unittest\nclass Test(unittest.TestCase):\n"
            "    @unittest.skipUnless(sys.platform == 'win32', 'Windows only')\n"
            "    def test_code(self):\n        try:\n            work()\n"
            "        except OSError as e:\n            self.assertEqual(e.winerror, 5)\n",
            id="test-skipped-unless-windows",
        ),
        Valid(
            "import os, pytest\n@pytest.mark.skipif(os.name != 'nt', reason='Windows only')\n"
            "class TestPipes:\n    def test_code(self):\n        try:\n            work()\n"
            "        except OSError as e:\n            assert e.winerror == 232\n",
            id="class-skipped-off-windows",
        ),
        Valid(
            "try:\n    import pywintypes\nexcept ImportError:\n    pywintypes = None\n"
            "def code():\n    try:\n        work()\n    except pywintypes.error as e:\n"
            "        return e.winerror\n",
            id="catches-a-windows-only-class",
        ),
    ]
    INVALID = [
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    if e.winerror == 10054:  # error\n"
            "        reconnect()\n",
            "try:\n    work()\nexcept OSError as e:\n"
            '    if getattr(e, "winerror", None) == 10054:  # error\n        reconnect()\n',
            message="`e.winerror` exists only on Windows",
            id="except-oserror",
        ),
        Invalid(
            "import socket\ntry:\n    work()\nexcept socket.error as err:\n"
            "    log.info('code %s', err.winerror)  # error\n",
            "import socket\ntry:\n    work()\nexcept socket.error as err:\n"
            "    log.info('code %s', getattr(err, \"winerror\", None))  # error\n",
            id="socket-error",
        ),
        Invalid(
            "try:\n    work()\nexcept Exception as e:\n"
            "    if e.winerror == 64 or e.winerror == 1236:  # error\n        pass\n",
            "try:\n    work()\nexcept Exception as e:\n"
            '    if getattr(e, "winerror", None) == 64 or getattr(e, "winerror", None) == 1236:'
            "  # error\n        pass\n",
            count=2,
            id="or-is-not-a-guard",
        ),
        Invalid(
            "import os\ntry:\n    work()\nexcept OSError as e:\n"
            "    if os.name == 'nt' or e.winerror == 64:  # error\n        pass\n",
            "import os\ntry:\n    work()\nexcept OSError as e:\n"
            "    if os.name == 'nt' or getattr(e, \"winerror\", None) == 64:  # error\n"
            "        pass\n",
            id="platform-or-is-not-a-guard",
        ),
        Invalid(
            "def is_reset(exc):\n    return exc.winerror in (64, 10054)  # error\n",
            "def is_reset(exc):\n"
            '    return getattr(exc, "winerror", None) in (64, 10054)  # error\n',
            id="unknown-parameter",
        ),
        Invalid(
            "def is_reset(exc: OSError) -> bool:\n    return exc.winerror == 64  # error\n",
            "def is_reset(exc: OSError) -> bool:\n"
            '    return getattr(exc, "winerror", None) == 64  # error\n',
            id="annotated-parameter",
        ),
        Invalid(
            "import sys\ncode = sys.exc_info()[1].winerror  # error\n",
            'import sys\ncode = getattr(sys.exc_info()[1], "winerror", None)  # error\n',
            id="exc-info",
        ),
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    code = getattr(e, 'winerror')  # error\n",
            "try:\n    work()\nexcept OSError as e:\n"
            "    code = getattr(e, 'winerror', None)  # error\n",
            message="`getattr(e, 'winerror')` without a default",
            id="getattr-without-default",
        ),
        Invalid(
            "getattr = lambda o, n, d=None: d\ntry:\n    work()\nexcept OSError as e:\n"
            "    print(e.winerror)  # error\n",
            None,
            id="getattr-rebound-no-fix",
        ),
        Invalid(
            "class ProactorError(ConnectionError):\n    def describe(self):\n"
            "        return self.winerror  # error\n",
            "class ProactorError(ConnectionError):\n    def describe(self):\n"
            '        return getattr(self, "winerror", None)  # error\n',
            id="self-in-oserror-subclass",
        ),
        Invalid(
            "try:\n    work()\nexcept OSError as e:\n    try:\n        code = e.winerror  # error\n"
            "    except KeyError:\n        code = None\n",
            'try:\n    work()\nexcept OSError as e:\n    try:\n        code = getattr(e, "winerror", None)'
            "  # error\n    except KeyError:\n        code = None\n",
            id="try-without-attributeerror",
        ),
        Invalid(
            "try:\n    import win32api\nexcept ImportError:\n    win32api = None\n"
            "try:\n    work()\nexcept OSError as e:\n    print(e.winerror)  # error\n",
            "try:\n    import win32api\nexcept ImportError:\n    win32api = None\n"
            'try:\n    work()\nexcept OSError as e:\n    print(getattr(e, "winerror", None))  # error\n',
            id="optional-windows-import-is-no-guard",
        ),
        Invalid(
            "for error in errors:\n    if error.winerror == 232:  # error\n        pass\n",
            'for error in errors:\n    if getattr(error, "winerror", None) == 232:  # error\n'
            "        pass\n",
            id="loop-variable",
        ),
        Invalid(
            'try:\n    work()\nexcept OSError as e:\n    print(f"code {e.winerror}")  # error\n',
            "try:\n    work()\nexcept OSError as e:\n"
            "    print(f\"code {getattr(e, 'winerror', None)}\")  # error\n",
            id="inside-an-f-string",
        ),
        Invalid(
            "last = None\nfor attempt in range(3):\n    try:\n        work()\n"
            "    except OSError as e:\n        last = e\nprint(last.winerror)  # error\n",
            "last = None\nfor attempt in range(3):\n    try:\n        work()\n"
            '    except OSError as e:\n        last = e\nprint(getattr(last, "winerror", None))  # error\n',
            id="none-placeholder-then-exception",
        ),
        Invalid(
            "try:\n    from nt import _getfinalpathname\nexcept ImportError:\n"
            "    def code(exc):\n        return exc.winerror  # error\n",
            "try:\n    from nt import _getfinalpathname\nexcept ImportError:\n"
            '    def code(exc):\n        return getattr(exc, "winerror", None)  # error\n',
            id="except-importerror-of-try-importing-nt",
        ),
        Invalid(
            "def code(exc):\n    try:\n        value = exc.winerror  # error\n"
            "        import msvcrt\n    except ImportError:\n        value = None\n",
            "def code(exc):\n    try:\n"
            '        value = getattr(exc, "winerror", None)  # error\n'
            "        import msvcrt\n    except ImportError:\n        value = None\n",
            id="before-the-windows-import",
        ),
        Invalid(
            "try:\n    from ctypes import wintypes\nexcept ImportError:\n    wintypes = None\n"
            "else:\n    def code(exc):\n        return exc.winerror  # error\n",
            "try:\n    from ctypes import wintypes\nexcept ImportError:\n    wintypes = None\n"
            'else:\n    def code(exc):\n        return getattr(exc, "winerror", None)  # error\n',
            id="else-of-try-importing-a-portable-module",
        ),
        Invalid(
            "import sys, unittest\nclass Test(unittest.TestCase):\n"
            "    @unittest.skipIf(sys.platform == 'win32', 'POSIX only')\n"
            "    def test_code(self):\n        try:\n            work()\n"
            "        except OSError as e:\n            print(e.winerror)  # error\n",
            "import sys, unittest\nclass Test(unittest.TestCase):\n"
            "    @unittest.skipIf(sys.platform == 'win32', 'POSIX only')\n"
            "    def test_code(self):\n        try:\n            work()\n"
            '        except OSError as e:\n            print(getattr(e, "winerror", None))  # error\n',
            id="test-skipped-on-windows",
        ),
        Invalid(
            "import sys, unittest\n"
            "@unittest.skipUnless(sys.platform == 'win32' or HAVE_PIPES, 'pipes')\n"
            "def test_code(exc):\n    print(exc.winerror)  # error\n",
            "import sys, unittest\n"
            "@unittest.skipUnless(sys.platform == 'win32' or HAVE_PIPES, 'pipes')\n"
            'def test_code(exc):\n    print(getattr(exc, "winerror", None))  # error\n',
            id="test-skipped-unless-windows-or-else",
        ),
        Invalid(
            "try:\n    from win32api import error\nexcept ImportError:\n    error = OSError\n"
            "try:\n    work()\nexcept error as e:\n    print(e.winerror)  # error\n",
            "try:\n    from win32api import error\nexcept ImportError:\n    error = OSError\n"
            'try:\n    work()\nexcept error as e:\n    print(getattr(e, "winerror", None))  # error\n',
            id="windows-class-with-portable-fallback",
        ),
        Invalid(
            "def rewind(exc):\n    return exc.winerror  # error\n",
            'def rewind(exc):\n    return getattr(exc, "winerror", None)  # error\n',
            id="function-name-merely-contains-win",
        ),
    ]

    def __init__(self, context: RuleContext | None = None) -> None:
        super().__init__(context)
        self._windows_only = False
        #: (function, object text) pairs after a ``hasattr(X, "winerror")``.
        self._probed: set[tuple[int, str]] = set()
        #: Functions that returned early on a platform test.
        self._platform_exit: set[int] = set()

    @classmethod
    def gate(cls, index: AstIndex) -> bool:
        return "winerror" in index.attributes or (
            "getattr" in index.calls and "winerror" in index.short_strings
        )

    @classmethod
    def needs(cls, index: AstIndex) -> NodeTest | None:
        # What guards a read is around it (or at module level, which stays).
        del index
        return _names_winerror

    # -- what the file tells about the platform ---------------------------
    def visit_Module(self, node: cst.Module) -> None:
        for statement in node.body:
            if isinstance(statement, cst.If) and _refuses_non_windows(statement):
                self._windows_only = True
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                asserts = isinstance(small, cst.Assert) and _WINDOWS_TEST.search(
                    code_of(small.test)
                )
                if asserts or _imports_windows_module(small):
                    self._windows_only = True

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Name) or func.value not in ("hasattr", "getattr"):
            return
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        if len(positional) < 2 or not _is_winerror_string(positional[1].value):
            return
        if func.value == "hasattr":
            self._probed.add((id(self._function(node)), code_of(positional[0].value)))
        elif len(positional) == 2 and len(node.args) == 2:
            self._check(node, positional[0].value, getattr_call=True)

    def visit_If(self, node: cst.If) -> None:
        body = node.body
        if not isinstance(body, cst.IndentedBlock) or not body.body:
            return
        last = body.body[-1]
        exits = isinstance(last, cst.SimpleStatementLine) and any(
            isinstance(small, _EXITS) for small in last.body
        )
        if exits and _names_platform(code_of(node.test)):
            self._platform_exit.add(id(self._function(node)))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "winerror" or self._is_target(node):
            return
        self._check(node, node.value, getattr_call=False)

    # -- the finding -------------------------------------------------------
    def _check(
        self, node: cst.BaseExpression, obj: cst.BaseExpression, *, getattr_call: bool
    ) -> None:
        if self._windows_only or not self._may_be_exception(obj) or self._guarded(node, obj):
            return
        text = code_of(obj)
        fix = None
        if self._getattr_is_builtin(node):
            if getattr_call:
                assert isinstance(node, cst.Call)
                last = node.args[-1].with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
                replacement: cst.BaseExpression = node.with_changes(
                    args=[*node.args[:-1], last, cst.Arg(cst.Name("None"))]
                )
            else:
                replacement = cst.Call(
                    cst.Name("getattr"),
                    [
                        cst.Arg(obj),
                        cst.Arg(cst.SimpleString(self._quoted(node, "winerror"))),
                        cst.Arg(cst.Name("None")),
                    ],
                    lpar=node.lpar,
                    rpar=node.rpar,
                )
            fix = Fix(replacement, "safe", self.FIX_TITLE.format(obj=text))
        if getattr_call:
            message = (
                f"`{code_of(node)}` without a default raises AttributeError on Linux and macOS; "
                "add a default of None"
            )
        else:
            message = self.MESSAGE.format(target=code_of(node), obj=text)
        self.report(node, message, fix=fix)

    def _quoted(self, node: cst.CSTNode, text: str) -> str:
        """``text`` as a string literal that may stand at ``node`` (inside an f-string too)."""
        for parent in ancestors(self, node):
            if isinstance(parent, cst.FormattedString) and '"' in parent.start:
                return f"'{text}'"
        return f'"{text}"'

    def _is_target(self, node: cst.Attribute) -> bool:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.Del)):
            return parent.target is node
        return False

    def _getattr_is_builtin(self, node: cst.CSTNode) -> bool:
        scope = self.get_metadata(ScopeProvider, node, None)
        return scope is not None and all(
            isinstance(binding, BuiltinAssignment) for binding in scope["getattr"]
        )

    def _function(self, node: cst.CSTNode) -> cst.CSTNode | None:
        for parent in ancestors(self, node):
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                return parent
        return None

    # -- is it an exception? -----------------------------------------------
    def _may_be_exception(self, obj: cst.BaseExpression) -> bool:
        if isinstance(obj, (cst.Call, cst.Subscript, cst.Attribute)):
            return True
        if not isinstance(obj, cst.Name):
            return False
        if obj.value == "self":
            return self._self_may_be_exception(obj)
        if bound_by_except(self, obj):
            return self._caught_may_be_oserror(obj)
        scope = self.get_metadata(ScopeProvider, obj, None)
        if scope is None:
            return True
        for binding in scope[obj.value]:
            if not isinstance(binding, Assignment):
                continue
            bound = binding.node
            if isinstance(bound, (cst.Import, cst.ImportFrom, cst.ClassDef, cst.FunctionDef)):
                return False
            if isinstance(bound, cst.Param) and bound.annotation is not None:
                caught = class_of(self, bound.annotation.annotation)
                if caught is None or not _may_hold_oserror(caught):
                    return False
            if _is_literal(self._assigned(bound)):
                return False
        return True

    def _assigned(self, target: cst.CSTNode) -> cst.BaseExpression | None:
        """The value of ``target = value`` (a single target), else None."""
        parent = self.get_metadata(ParentNodeProvider, target, None)
        if isinstance(parent, cst.AssignTarget):
            statement = self.get_metadata(ParentNodeProvider, parent, None)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                return statement.value
        return None

    def _caught_may_be_oserror(self, name: cst.Name) -> bool:
        scope = self.get_metadata(ScopeProvider, name, None)
        assert scope is not None
        for binding in scope[name.value]:
            assert isinstance(binding, Assignment)
            handler = list(itertools.islice(ancestors(self, binding.node), 2))[-1]
            if isinstance(handler, cst.ExceptStarHandler):
                continue  # an exception group: no winerror anywhere, not a portability bug
            if not isinstance(handler, cst.ExceptHandler):
                return True
            for caught in handler_types(self, handler):
                if caught is None or _may_hold_oserror(caught):
                    return True
        return False

    def _self_may_be_exception(self, name: cst.Name) -> bool:
        classdef = next((p for p in ancestors(self, name) if isinstance(p, cst.ClassDef)), None)
        if classdef is None or _defines_winerror(classdef):
            return False
        bases = [class_of(self, arg.value) for arg in classdef.bases if arg.keyword is None]
        return any(base is not None and is_os_error(base) for base in bases)

    # -- is it guarded? ----------------------------------------------------
    def _guarded(self, node: cst.CSTNode, obj: cst.BaseExpression) -> bool:
        function = id(self._function(node))
        if function in self._platform_exit or (function, code_of(obj)) in self._probed:
            return True
        if guarded_against(self, node, ("AttributeError",)):
            return True
        child: cst.CSTNode = node
        for parent in ancestors(self, node):
            if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and child is not parent.test:
                if _test_guards(parent.test, positive=child is parent.body):
                    return True
            elif isinstance(parent, cst.BooleanOperation) and child is parent.right:
                is_and = isinstance(parent.operator, cst.And)
                if _test_guards(parent.left, positive=is_and, negated_only=not is_and):
                    return True
            elif isinstance(parent, (cst.FunctionDef, cst.ClassDef)) and child is parent.body:
                if isinstance(parent, cst.FunctionDef) and _says_windows(parent.name.value):
                    return True
                if any(_skips_off_windows(decorator) for decorator in parent.decorators):
                    return True
            elif (
                isinstance(parent, cst.ExceptHandler)
                and child is parent.body
                and self._catches_windows_only_classes(parent)
            ):
                return True
            if _runs_after_windows_import(parent, child):
                return True
            child = parent
        return False

    def _catches_windows_only_classes(self, handler: cst.ExceptHandler) -> bool:
        """``except pywintypes.error:``: classes that exist only where a Windows module imported.

        Every meaning of every name must come from a Windows-only module (a
        fallback ``error = OSError`` in an ``except ImportError:`` spoils it).
        """
        if handler.type is None:
            return False
        types = handler.type
        elements = (
            [element.value for element in types.elements]
            if isinstance(types, cst.Tuple)
            else [types]
        )
        for element in elements:
            names = self.get_metadata(QualifiedNameProvider, element, set())
            if not any(name.source is QualifiedNameSource.IMPORT for name in names):
                return False
            if not all(_is_windows_module(name.name.rpartition(".")[0]) for name in names):
                return False
        return bool(elements)


def _refuses_non_windows(statement: cst.If) -> bool:
    """``if sys.platform != "win32": raise ImportError(...)`` at the top of a module."""
    body = statement.body
    return (
        statement.orelse is None
        and bool(_NOT_WINDOWS_TEST.search(code_of(statement.test)))
        and isinstance(body, cst.IndentedBlock)
        and len(body.body) == 1
        and isinstance(body.body[0], cst.SimpleStatementLine)
        and isinstance(body.body[0].body[0], cst.Raise)
    )


def _is_windows_module(dotted: str) -> bool:
    """Whether importing ``dotted`` fails everywhere but on Windows."""
    return dotted.split(".")[0] in WINDOWS_ONLY_MODULES or any(
        dotted == module or dotted.startswith(module + ".") for module in _WINDOWS_ONLY_SUBMODULES
    )


def _imports_windows_module(small: cst.BaseSmallStatement) -> bool:
    """``import msvcrt``, ``from nt import x``, ``m = importlib.import_module("_winapi")``.

    Code after such a statement runs only where the import worked: on Windows.
    """
    if isinstance(small, cst.Import):
        return any(_is_windows_module(code_of(alias.name)) for alias in small.names)
    if isinstance(small, cst.ImportFrom):
        if small.relative or small.module is None:
            return False
        module = code_of(small.module)
        if _is_windows_module(module):
            return True
        return not isinstance(small.names, cst.ImportStar) and any(
            _is_windows_module(f"{module}.{code_of(alias.name)}") for alias in small.names
        )
    value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign, cst.Expr)) else None
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    called = func.attr.value if isinstance(func, cst.Attribute) else code_of(func)
    if called not in _IMPORT_FUNCTIONS or not value.args or value.args[0].keyword is not None:
        return False
    name = value.args[0].value
    return (
        isinstance(name, cst.SimpleString)
        and isinstance(name.evaluated_value, str)
        and _is_windows_module(name.evaluated_value)
    )


def _suite_imports_windows_module(suite: cst.BaseSuite) -> bool:
    """Whether a block has a Windows-only import among its own statements (not nested)."""
    statements: list[cst.CSTNode] = list(suite.body)
    return any(_statement_imports_windows_module(statement) for statement in statements)


def _statement_imports_windows_module(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return any(_imports_windows_module(small) for small in statement.body)
    return isinstance(statement, cst.BaseSmallStatement) and _imports_windows_module(statement)


def _runs_after_windows_import(parent: cst.CSTNode, child: cst.CSTNode) -> bool:
    """Whether ``child`` of ``parent`` runs only once a Windows-only import worked.

    That is when an earlier statement of the same block imports a Windows-only
    module (the rest of a ``try`` body after ``from nt import x``, of a
    function after ``import _wmi``), or when ``child`` is the ``else:`` of a
    ``try`` whose body does.  The ``except`` clauses are not: they run when
    the import failed.
    """
    if isinstance(parent, (cst.Try, cst.TryStar)):
        return child is parent.orelse and _suite_imports_windows_module(parent.body)
    if isinstance(parent, (cst.Module, cst.IndentedBlock)):
        siblings: list[cst.CSTNode] = list(parent.body)
    elif isinstance(parent, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        siblings = list(parent.body)
    else:
        return False
    for sibling in siblings:
        if sibling is child:
            return False
        if _statement_imports_windows_module(sibling):
            return True
    return False


def _says_windows(identifier: str) -> bool:
    """``_windows_code``, ``TestWin32Error``, ``_nt_readlink``; not ``rewind`` or ``window``."""
    return any(word.lower() in _WINDOWS_WORDS for word in _WORDS.findall(identifier))


def _skips_off_windows(decorator: cst.Decorator) -> bool:
    """``@unittest.skipUnless(sys.platform == "win32", ...)``, ``@skipIf(os.name != "nt", ...)``.

    The body of a test so decorated runs only on Windows (``pytest.mark.skipif``
    too).  The condition must say so by itself: ``skipUnless(IS_WIN or X)`` does not.
    """
    call = decorator.decorator
    if not isinstance(call, cst.Call) or not call.args or call.args[0].keyword is not None:
        return False
    func = call.func
    called = func.attr.value if isinstance(func, cst.Attribute) else code_of(func)
    condition = call.args[0].value
    if called == "skipUnless":
        return _only_on_windows(condition, True)
    return called in ("skipIf", "skipif") and _only_on_windows(condition, False)


def _bare(expression: cst.BaseExpression) -> str:
    text = code_of(expression).strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def _only_on_windows(test: cst.BaseExpression, value: bool) -> bool:
    """Whether ``test`` can be ``value`` only on Windows (True: ``win32``, False: ``not win32``).

    For a True outcome one Windows-only operand of ``and`` is enough and
    ``or`` needs both; for a False outcome the other way round.  ``not``
    flips the outcome asked about.
    """
    if isinstance(test, cst.BooleanOperation):
        left, right = _only_on_windows(test.left, value), _only_on_windows(test.right, value)
        either = isinstance(test.operator, cst.And if value else cst.Or)
        return (left or right) if either else (left and right)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _only_on_windows(test.expression, not value)
    return bool((_IS_WINDOWS if value else _IS_NOT_WINDOWS).fullmatch(_bare(test)))


def _test_guards(test: cst.BaseExpression, *, positive: bool, negated_only: bool = False) -> bool:
    """Whether a test protects the code it leads to.

    A platform check or ``hasattr`` protects either branch; ``getattr(X,
    "winerror", ...)`` only the branch taken when it is true.  On the left of
    ``or`` only a negative check (``not hasattr``, ``!= "win32"``) protects.
    """
    text = code_of(test)
    if negated_only and not _NEGATION.search(text):
        return False
    if _names_platform(text):
        return True
    return positive and "getattr" in text and "winerror" in text


_LITERALS = (
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Integer,
    cst.Float,
    cst.Dict,
    cst.List,
    cst.Set,
    cst.Tuple,
    cst.DictComp,
    cst.ListComp,
    cst.SetComp,
)


def _is_literal(value: cst.BaseExpression | None) -> bool:
    """A value that is clearly not an exception (``None`` does not count: it is a placeholder)."""
    return isinstance(value, _LITERALS)


def _may_hold_oserror(name: str) -> bool:
    """Whether an object of class ``name`` may be an ``OSError`` (and so carry ``winerror``)."""
    return is_os_error(name) or catches(name, _OSERROR)


def _defines_winerror(classdef: cst.ClassDef) -> bool:
    finder = _WinerrorDefinition()
    classdef.visit(finder)
    return finder.found


class _WinerrorDefinition(cst.CSTVisitor):
    """Finds ``self.winerror = ...``, a class-level ``winerror`` or a ``def winerror``."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def _target(self, target: cst.BaseExpression) -> None:
        if (isinstance(target, cst.Name) and target.value == "winerror") or (
            isinstance(target, cst.Attribute) and target.attr.value == "winerror"
        ):
            self.found = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value == "winerror":
            self.found = True


def _names_winerror(node: ast.AST) -> bool:
    """``X.winerror``, or ``"winerror"`` (``getattr(X, "winerror")``)."""
    return (isinstance(node, ast.Attribute) and node.attr == "winerror") or (
        isinstance(node, ast.Constant) and node.value == "winerror"
    )
