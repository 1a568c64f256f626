"""Run the code before and after the safe fixes of NC001, NC005 and NC006, on real errnos.

A safe fix must keep behaviour on the platform the code was written for and
make the check right elsewhere.  Each case below is a small ``handles(e)``
function; the tests apply ``lint_source(..., fix_level="safe")`` with the three
rules, execute both versions and call them with ``OSError(code, "x")`` for
every errno this Linux machine knows (``errno.errorcode``) and for an
``OSError`` without errno.  The differences must be exactly the ones the case
declares: the same error's number on Linux gained by code written with
another platform's numbers, or another platform's number that Linux reuses
for an unrelated error (54 is EXFULL here) lost.  The platforms the code was
written for are also simulated, with an ``errno`` module built from the
project's table, so Windows-numbered code is checked on "Windows" too.
"""

from __future__ import annotations

import ast
import errno
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from lintrules.engine import lint_source
from lintrules.rules.errorcode_name_compare import ErrorcodeNameCompare
from lintrules.rules.hardcoded_errno import HardcodedErrno
from lintrules.rules.py2_exception_index import Py2ExceptionIndex
from netcompat._errnos import ERRNO_FACTS, PLATFORMS
from netcompat.errno_table import BY_NAME as FACTS_BY_NAME
from netcompat.errno_table import WSA_NAMES, number_on

RULES = (HardcodedErrno, ErrorcodeNameCompare, Py2ExceptionIndex)

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="runs real Linux errno values")

#: What ``handles`` returned, or the exception it raised.
Outcome = object
NO_ERRNO = None


class Py2OSError(OSError):
    """An ``OSError`` that can be indexed like on Python 2, to run the unfixed code."""

    def __getitem__(self, index: int) -> object:
        return self.args[index]


@dataclass(frozen=True)
class Case:
    """One ``handles(e)`` function and what its safe fix may change.

    Attributes:
        id: the test id.
        source: the module defining ``handles(e)``.
        written_for: the platforms whose numbers the code uses; on each the
            fixed code must behave the same (Linux for real, others simulated).
        means: the errno names the check is about; on every platform the
            fixed check must give ``expect`` for their numbers.
        expect: what ``handles`` returns for those errors (False for ``!=``).
        gains: names whose Linux numbers flip from ``not expect`` to
            ``expect`` on Linux (the improvement for foreign-numbered code).
        losses: Linux numbers that flip the other way: another platform's
            number that Linux uses for an unrelated error.
        no_errno: what the original returns for an ``OSError`` without errno,
            when the fix changes it (``KeyError`` from ``errno.errorcode``).
        py2: run the original with exceptions that support ``e[0]``.
    """

    id: str
    source: str
    written_for: tuple[str, ...]
    means: tuple[str, ...]
    expect: bool = True
    gains: tuple[str, ...] = ()
    losses: tuple[int, ...] = ()
    no_errno: Outcome = "same"
    py2: bool = False


def _handler(body: str, *, catch: str = "socket.error", header: str = "import socket\n") -> str:
    """A module whose ``handles(e)`` raises ``e`` and runs ``body`` in the handler."""
    return (
        header
        + "\n\ndef handles(e):\n    try:\n        raise e\n"
        + f"    except {catch} as exc:\n"
        + textwrap.indent(textwrap.dedent(body), " " * 8)
    )


CASES = [
    # -- written with Linux numbers: identical on Linux for every errno ------------
    Case("linux-seed", _handler("return exc.errno == 104  # Connection reset by peer\n"),
         ("linux",), ("ECONNRESET",)),
    Case("linux-not-equal", _handler("return exc.errno != 11\n"), ("linux",), ("EAGAIN",), expect=False),
    Case("linux-tuple-two-names", _handler("return exc.errno in (104, 32)\n"),
         ("linux",), ("ECONNRESET", "EPIPE")),
    Case("linux-or-chain", _handler("return exc.errno == 104 or exc.errno == 103\n"),
         ("linux",), ("ECONNRESET", "ECONNABORTED")),
    Case("linux-ambiguous-108-beside-104", _handler("return exc.errno in (104, 108)\n"),
         ("linux",), ("ECONNRESET", "ESHUTDOWN")),
    Case("linux-non-socket-number-kept", _handler("return exc.errno in (104, 2)\n", catch="OSError"),
         ("linux",), ("ECONNRESET",)),
    Case("linux-copied-local", _handler("code = exc.errno\nreturn code in [111, 113]\n"),
         ("linux",), ("ECONNREFUSED", "EHOSTUNREACH")),
    Case("linux-getattr", _handler("return getattr(exc, 'errno', None) == 104\n", catch="Exception"),
         ("linux",), ("ECONNRESET",)),
    Case("linux-args", _handler("return exc.args[0] not in (104, 32)\n"),
         ("linux",), ("ECONNRESET", "EPIPE"), expect=False),
    Case(
        "linux-helper",
        "def get_errno(e):\n    return e.errno\n\n\ndef handles(e):\n    return get_errno(e) == 111\n",
        ("linux",), ("ECONNREFUSED",),
    ),
    # -- written with Windows numbers: Linux gains the same error --------------------
    Case("windows-seed", _handler("return exc.errno == 10054\n"),
         ("win32",), ("ECONNRESET",), gains=("ECONNRESET",)),
    Case("windows-args-pair", _handler("return exc.args[0] in (10054, 10053)\n"),
         ("win32",), ("ECONNRESET", "ECONNABORTED"), gains=("ECONNRESET", "ECONNABORTED")),
    Case("windows-would-block", _handler("return exc.errno == 10035\n"),
         ("win32",), ("EWOULDBLOCK",), gains=("EWOULDBLOCK",)),
    # -- several platforms' numbers ------------------------------------------------
    Case("seed-or-chain", _handler("return exc.errno == 10054 or exc.errno == 104\n"),
         ("linux", "win32"), ("ECONNRESET",)),
    Case("seed-list", _handler("return exc.errno in [10054, 104]\n"),
         ("linux", "win32"), ("ECONNRESET",)),
    Case("three-platforms", _handler("return exc.errno in (104, 10054, 54)\n"),
         ("linux", "darwin", "freebsd", "win32"), ("ECONNRESET",), losses=(54,)),
    Case("einprogress-linux-and-macos", _handler("return exc.errno in (115, 36)\n", catch="OSError"),
         ("linux", "darwin"), ("EINPROGRESS",), losses=(36,)),
    # -- written with macOS numbers: Linux trades EXFULL for ECONNRESET --------------
    Case("macos-54", _handler("return exc.errno == 54\n"),
         ("darwin", "freebsd"), ("ECONNRESET",), gains=("ECONNRESET",), losses=(54,)),
    # -- NC005: names through errno.errorcode ----------------------------------------
    Case(
        "errorcode-name",
        _handler("return errno.errorcode[exc.errno] == 'ECONNRESET'\n",
                 header="import errno\nimport socket\n"),
        ("linux", "darwin"), ("ECONNRESET",), no_errno="KeyError",
    ),
    Case(
        "errorcode-with-wsa-spelling",
        _handler("return errno.errorcode[exc.errno] in ('ECONNRESET', 'WSAECONNRESET')\n",
                 header="import errno\nimport socket\n"),
        ("linux", "darwin", "win32"), ("ECONNRESET",), no_errno="KeyError",
    ),
    Case(
        "errorcode-get",
        _handler("return errno.errorcode.get(exc.errno) not in ('ECONNRESET', 'EPIPE')\n",
                 header="import errno\nimport socket\n"),
        ("linux", "darwin"), ("ECONNRESET", "EPIPE"), expect=False,
    ),
    # -- NC006 then NC001: Python 2 indexing -------------------------------------------
    Case("py2-index-then-errno", _handler("return exc[0] == 104\n"),
         ("linux",), ("ECONNRESET",), py2=True),
    Case("py2-index-windows", _handler("return exc[0] in (10054, 10053)\n"),
         ("win32",), ("ECONNRESET", "ECONNABORTED"), gains=("ECONNRESET", "ECONNABORTED"), py2=True),
    Case("py2-index-message", _handler("return exc[1] == 'x'\n", catch="OSError"),
         ("linux",), (), py2=True),
]  # fmt: skip

MATCH_CASES = [
    Case(
        "match-case",
        _handler("match exc.errno:\n    case 104 | 10054:\n        return True\n"
                 "    case _:\n        return False\n"),
        ("linux", "win32"), ("ECONNRESET",),
    ),
]  # fmt: skip

if sys.version_info >= (3, 10):
    CASES += MATCH_CASES


# -- helpers -------------------------------------------------------------------


def fix(source: str) -> str:
    """The safely fixed source; it must parse, compile, and not change on a second run."""
    result = lint_source(source.encode(), RULES, fix_level="safe")
    assert not [f for f in result.findings if f.code.startswith("NC9")], result.findings
    assert result.fixed_source is not None, "expected a safe fix"
    fixed = result.fixed_source.decode()
    ast.parse(fixed)
    compile(fixed, "<fixed>", "exec")
    again = lint_source(fixed.encode(), RULES, fix_level="safe")
    assert again.fixed_source is None, "a second fix run must change nothing"
    assert not [f for f in again.findings if f.fix is not None and f.fix.safety == "safe"]
    return fixed


def load(source: str) -> Callable[[BaseException], object]:
    namespace: dict[str, object] = {"__name__": "snippet"}
    exec(compile(source, "<snippet>", "exec"), namespace)
    handles = namespace["handles"]
    assert callable(handles)
    return handles


def call(
    handles: Callable[[BaseException], object], code: int | None, *, py2: bool = False
) -> Outcome:
    kind = Py2OSError if py2 else OSError
    error = kind("x") if code is None else kind(code, "x")
    try:
        return handles(error)
    except (KeyError, TypeError, IndexError) as raised:
        return type(raised).__name__


def fake_errno(platform: str) -> types.ModuleType:
    """An ``errno`` module as ``platform`` would have it, from the table.

    ``errorcode`` keeps the first name of a shared number (EAGAIN before
    EWOULDBLOCK) and, on Windows, gives WinSock numbers their ``WSAE*`` names,
    as CPython's ``errnomodule.c`` does.
    """
    module = types.ModuleType("errno")
    errorcode: dict[int, str] = {}
    for fact in ERRNO_FACTS:
        value = number_on(fact, platform)
        if value is not None:
            setattr(module, fact.name, value)
            errorcode.setdefault(value, fact.name)
    for name in ("ENOENT", "EACCES", "EEXIST"):  # the same everywhere
        setattr(module, name, getattr(errno, name))
        errorcode[getattr(errno, name)] = name
    if platform == "win32":
        for name, fact in WSA_NAMES.items():
            assert fact.wsa is not None
            setattr(module, name, fact.wsa)
            errorcode[fact.wsa] = name
    module.errorcode = errorcode  # type: ignore[attr-defined]
    return module


@contextmanager
def errno_of(platform: str) -> Iterator[types.ModuleType]:
    """Make ``import errno`` give ``platform``'s numbers while snippets load."""
    saved = sys.modules["errno"]
    module = fake_errno(platform)
    sys.modules["errno"] = module
    try:
        yield module
    finally:
        sys.modules["errno"] = saved


def codes_of(platform: str) -> set[int | None]:
    """Every errno a platform can raise, as far as the test knows."""
    if platform == "linux":
        return {*errno.errorcode, NO_ERRNO}
    columns = ("win32", "wsa", "win32_crt") if platform == "win32" else (platform,)
    numbers = {number_on(f, c) for f in ERRNO_FACTS for c in columns}
    # ENOENT, EACCES and EEXIST are the same everywhere; they must never change.
    return {n for n in numbers if n is not None} | {errno.ENOENT, errno.EACCES, errno.EEXIST}


def differences(
    original: Callable[[BaseException], object],
    fixed: Callable[[BaseException], object],
    codes: set[int | None],
    *,
    py2: bool,
) -> dict[int | None, tuple[Outcome, Outcome]]:
    found = {}
    for code in codes:
        before = call(original, code, py2=py2)
        after = call(fixed, code)
        if before != after:
            found[code] = (before, after)
    return found


# -- the tests -----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_safe_fix_keeps_linux_behaviour(case: Case) -> None:
    fixed_source = fix(case.source)
    original, fixed = load(case.source), load(fixed_source)
    expected: dict[int | None, tuple[Outcome, Outcome]] = {}
    for name in case.gains:
        expected[getattr(errno, name)] = (not case.expect, case.expect)
    for number in case.losses:
        expected[number] = (case.expect, not case.expect)
    if case.no_errno != "same":
        expected[NO_ERRNO] = (case.no_errno, not case.expect)
    found = differences(original, fixed, codes_of("linux"), py2=case.py2)
    assert found == expected, fixed_source


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_safe_fix_keeps_behaviour_where_the_code_was_written(case: Case) -> None:
    fixed_source = fix(case.source)
    for platform in case.written_for:
        if platform == "linux":
            continue  # the real thing, above
        with errno_of(platform):
            original, fixed = load(case.source), load(fixed_source)
        found = differences(original, fixed, codes_of(platform) - {NO_ERRNO}, py2=case.py2)
        if case.no_errno == "KeyError":
            # errno.errorcode lacks some numbers the platform may raise (the
            # Windows CRT's): the lookup crashed there, the fixed code does not.
            found = {k: v for k, v in found.items() if v != ("KeyError", not case.expect)}
        assert found == {}, (platform, fixed_source)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixed_check_is_right_on_every_platform(case: Case) -> None:
    fixed_source = fix(case.source)
    for platform in PLATFORMS:
        with errno_of(platform):
            fixed = load(fixed_source)
        for name in case.means:
            value = number_on(FACTS_BY_NAME[name], platform)
            assert value is not None
            assert call(fixed, value) is case.expect, (platform, name, fixed_source)


def test_windows_numbers_now_match_the_linux_reset() -> None:
    """The improvement, spelled out: 10054-only code now sees Linux's ECONNRESET."""
    source = _handler("return exc.errno == 10054\n")
    original, fixed = load(source), load(fix(source))
    reset = OSError(errno.ECONNRESET, "Connection reset by peer")
    assert original(reset) is False
    assert fixed(reset) is True


def test_py2_index_crashes_before_and_works_after() -> None:
    source = _handler("return exc[0] == 104\n")
    original, fixed = load(source), load(fix(source))
    with pytest.raises(TypeError, match="not subscriptable"):
        original(OSError(errno.ECONNRESET, "x"))
    assert fixed(OSError(errno.ECONNRESET, "x")) is True


def test_errorcode_lookup_no_longer_raises_keyerror() -> None:
    source = _handler(
        "return errno.errorcode[exc.errno] == 'ECONNRESET'\n",
        header="import errno\nimport socket\n",
    )
    original, fixed = load(source), load(fix(source))
    with pytest.raises(KeyError):
        original(OSError("timed out"))
    assert fixed(OSError("timed out")) is False


def test_errorcode_name_was_never_true_on_windows() -> None:
    source = _handler(
        "return errno.errorcode[exc.errno] == 'ECONNRESET'\n",
        header="import errno\nimport socket\n",
    )
    fixed_source = fix(source)
    with errno_of("win32") as windows:
        original, fixed = load(source), load(fixed_source)
        reset = windows.ECONNRESET
    assert call(original, reset) is False
    assert call(fixed, reset) is True


def test_nc006_then_nc001_in_one_run() -> None:
    """NC006 turns ``e[0]`` into ``e.args[0]``; the engine's next round lets NC001 fix that."""
    before = (
        "import socket\n"
        "try:\n"
        "    pass\n"
        "except socket.error as e:\n"
        "    if e[0] == 104:\n"
        "        pass\n"
    )
    after = (
        "import errno\n"
        "import socket\n"
        "try:\n"
        "    pass\n"
        "except socket.error as e:\n"
        "    if e.args[0] == errno.ECONNRESET:\n"
        "        pass\n"
    )
    result = lint_source(before.encode(), RULES, fix_level="safe")
    assert result.fixed_source is not None
    assert result.fixed_source.decode() == after
    assert result.findings == ()
    assert result.fixes_applied == 2
    # NC006 alone leaves the number for NC001.
    only = lint_source(before.encode(), [Py2ExceptionIndex], fix_level="safe")
    assert only.fixed_source is not None
    assert "e.args[0] == 104" in only.fixed_source.decode()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("return exc.errno == 110\n", id="ambiguous-110"),
        pytest.param("return exc.errno in (10054, 108)\n", id="crt-number"),
        pytest.param("return exc.errno == 10009\n", id="wsaebadf"),
    ],
)
def test_guesses_are_not_applied_as_safe_fixes(body: str) -> None:
    source = _handler(body)
    result = lint_source(source.encode(), RULES, fix_level="safe")
    assert result.fixed_source is None
    assert [f.code for f in result.findings] == ["NC001"]
