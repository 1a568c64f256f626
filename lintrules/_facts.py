"""The errno table, seen from the linter: lookups by name, number and platform.

Everything here is derived from :mod:`netcompat._errnos`, the project's one
table of errno facts; the linter never writes an errno number of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from netcompat._errnos import ERRNO_FACTS, PLATFORMS, WINERROR_FACTS, ErrnoFact

#: Human names of the platform columns, for messages.
PLATFORM_LABELS: Mapping[str, str] = {
    "linux": "Linux",
    "darwin": "macOS",
    "freebsd": "FreeBSD",
    "win32": "Windows",
    "win32_crt": "the Windows CRT",
}

FACTS_BY_NAME: Mapping[str, ErrnoFact] = {fact.name: fact for fact in ERRNO_FACTS}

#: WinSock names (``WSAECONNRESET``) to the table row of their portable name.
WSA_NAMES: Mapping[str, ErrnoFact] = {
    "WSA" + fact.name: fact for fact in ERRNO_FACTS if fact.wsa is not None
}

#: Names where ``errno.WSAEX == errno.EX`` on Windows, so ``errno.EX`` is a
#: safe replacement: Python prefers the WinSock value for them.
WSA_EQUAL_ON_WINDOWS: frozenset[str] = frozenset(
    name for name, fact in WSA_NAMES.items() if fact.win32 == fact.wsa
)

WINERROR_NAMES: Mapping[int, str] = {fact.code: fact.name for fact in WINERROR_FACTS}


def number_on(fact: ErrnoFact, platform: str) -> int | None:
    """The fact's number in one column (``linux``, ``darwin``, ``win32_crt`` ...)."""
    value: int | None = getattr(fact, platform)
    return value


def meanings(number: int) -> dict[str, list[str]]:
    """Every (column -> names) meaning ``number`` has in the table.

    Columns are the platforms plus ``win32_crt``.  ``108`` gives
    ``{"linux": ["ESHUTDOWN"], "win32_crt": ["ECONNRESET"]}``.
    """
    found: dict[str, list[str]] = {}
    for column in (*PLATFORMS, "win32_crt"):
        for fact in ERRNO_FACTS:
            if number_on(fact, column) == number:
                found.setdefault(column, []).append(fact.name)
    return found


def all_numbers() -> frozenset[int]:
    """Every number the table gives for any name on any platform column."""
    return frozenset(
        value
        for fact in ERRNO_FACTS
        for value in (fact.linux, fact.darwin, fact.freebsd, fact.win32, fact.win32_crt, fact.wsa)
        if value is not None
    )
