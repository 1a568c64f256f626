"""A module named for its platform: NC001 takes its numbers as that platform's own (issue 10).

``scapy/arch/linux.py`` is imported only on Linux, so ``e.errno == 99`` there
is EADDRNOTAVAIL wherever it runs; the same line in a module of no platform
is reported.
"""

from __future__ import annotations

import pytest

from lintrules.analysis.guards import named_for_linux
from lintrules.engine import lint_source
from lintrules.rules import rule_for

SOURCE = b"""\
import socket

def read_routes(s):
    try:
        s.connect(("10.0.0.1", 0))
    except socket.error as e:
        if e.errno == {number}:
            return None
        raise
"""


def _codes(number: int, path: str | None) -> list[str]:
    result = lint_source(
        SOURCE.replace(b"{number}", str(number).encode()), [rule_for("NC001")], path=path
    )
    return [finding.code for finding in result.findings]


@pytest.mark.parametrize("path", ["scapy/arch/linux.py", "pkg/_linux_io.py", "pkg/linux/route.py"])
def test_linux_numbers_in_a_linux_module_are_right(path: str) -> None:
    assert _codes(99, path) == []  # EADDRNOTAVAIL on Linux, the only place this runs
    assert _codes(104, path) == []


@pytest.mark.parametrize("path", ["scapy/arch/bsd.py", "pkg/route.py", None])
def test_the_same_numbers_elsewhere_are_reported(path: str | None) -> None:
    assert _codes(99, path) == ["NC001"]


def test_a_number_that_is_not_linux_s_is_still_reported_in_a_linux_module() -> None:
    assert _codes(10054, "scapy/arch/linux.py") == ["NC001"]  # WinSock's, never Linux's


@pytest.mark.parametrize(
    ("path", "linux"),
    [
        ("scapy/arch/linux.py", True),
        ("a/b/linux_netlink.py", True),
        ("a/linux/b.py", True),
        ("a\\linux\\b.py", True),
        ("a/linuxish.py", False),
        ("a/b/unlinux.py", False),
        ("a/b/windows.py", False),
        (None, False),
    ],
)
def test_named_for_linux(path: str | None, linux: bool) -> None:
    assert named_for_linux(path) is linux
