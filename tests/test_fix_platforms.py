"""The linter's fixes, checked under every platform view with an injected reset.

Each handler below is wrong somewhere.  Run under ``simulate_platform`` with
``inject_reset`` on a real socket, the original shows its bug on the
platform it was wrong on (it misses the reset, or crashes while handling
it), and the handler the linter fixed catches the reset on all four.  Only
``lintrules.engine.lint_source`` and ``lintrules.rules.all_rules`` are used.
"""

from __future__ import annotations

import socket
from typing import Any, NamedTuple

import pytest

from lintrules.engine import lint_source
from lintrules.rules import all_rules
from netcompat._errnos import ERRNO_FACTS, ERRNO_TEXTS, PLATFORMS
from netcompat.testing import inject_reset, leftovers, simulate_platform

_RESET = next(fact for fact in ERRNO_FACTS if fact.name == "ECONNRESET")
_ABORT = next(fact for fact in ERRNO_FACTS if fact.name == "ECONNABORTED")
_TEXT = next(text for text in ERRNO_TEXTS if text.name == "ECONNRESET")

_SOURCE = """\
import errno


def read_or_eof(sock):
    try:
        return sock.recv(4096)
    except OSError as e:
        if {condition}:
            return b""
        raise
"""


class Case(NamedTuple):
    id: str
    condition: str
    fix_level: str
    #: What the original does on each platform of PLATFORMS.
    original: tuple[str, ...]


CASES = [
    Case("errno-104", f"e.errno == {_RESET.linux}", "safe",
         ("caught", "missed", "missed", "missed")),
    Case("errno-in-tuple", f"e.errno in ({_RESET.linux}, {_RESET.wsa})", "safe",
         ("caught", "missed", "missed", "caught")),
    Case("wsa-constant", "e.errno == errno.WSAECONNRESET", "safe",
         ("crashed", "crashed", "crashed", "caught")),
    Case("winerror", f"e.winerror == {_RESET.wsa}", "safe",
         ("crashed", "crashed", "crashed", "caught")),
    Case("winerror-in-tuple", f"e.winerror in ({_ABORT.wsa}, {_RESET.wsa})", "safe",
         ("crashed", "crashed", "crashed", "caught")),
    Case("winerror-and-errno", f"e.errno == {_RESET.linux} or e.winerror == {_RESET.wsa}", "safe",
         ("caught", "crashed", "crashed", "caught")),
    Case("message", f'"{_TEXT.linux}" in str(e)', "unsafe",
         ("caught", "caught", "caught", "missed")),
]  # fmt: skip


def _fixed_bytes(result: Any) -> bytes | None:
    # lint_source's result holds the fixed bytes (``fixed``; ``fixed_source``
    # before the engine rewrite), or None when nothing changed.
    fixed = getattr(result, "fixed", None)
    if fixed is None:
        fixed = getattr(result, "fixed_source", None)
    assert fixed is None or isinstance(fixed, bytes)
    return fixed


def fix(source: str, fix_level: str) -> str:
    result = lint_source(source.encode(), all_rules(), fix_level=fix_level)  # type: ignore[arg-type]
    fixed = _fixed_bytes(result)
    assert fixed is not None, f"the linter did not fix:\n{source}"
    return fixed.decode()


def outcome(source: str, platform: str) -> str:
    """What ``read_or_eof`` in ``source`` does with ``platform``'s reset."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<handler>", "exec"), namespace)
    client, server = socket.socketpair()
    with client, server, simulate_platform(platform), inject_reset(sock=client) as injection:
        try:
            assert namespace["read_or_eof"](client) == b""
        except BaseException as exc:
            return "missed" if exc is injection.errors[0] else "crashed"
        return "caught"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_original_shows_its_bug(case: Case) -> None:
    source = _SOURCE.format(condition=case.condition)
    assert tuple(outcome(source, platform) for platform in PLATFORMS) == case.original
    assert lint_source(source.encode(), all_rules()).findings, "the linter sees nothing"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_fixed_handler_catches_the_reset_everywhere(case: Case) -> None:
    fixed = fix(_SOURCE.format(condition=case.condition), case.fix_level)
    assert [outcome(fixed, platform) for platform in PLATFORMS] == ["caught"] * len(PLATFORMS), fixed


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_no_fixed_handler_crashes(case: Case) -> None:
    fixed = fix(_SOURCE.format(condition=case.condition), case.fix_level)
    assert "crashed" not in [outcome(fixed, platform) for platform in PLATFORMS], fixed
    assert leftovers() == []
