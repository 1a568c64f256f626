"""The errno table, public: every socket error's number on every platform.

The rows live in :mod:`netcompat._errnos` (one row per error, each column's
source cited there).  This module is the documented way to read them, for
users and for the linter (``lintrules`` reads nothing else): the rows, and the
indexes derived from them once.

Example::

    >>> from netcompat import errno_table
    >>> errno_table.BY_NAME["ECONNRESET"].darwin
    54
    >>> errno_table.meanings(108)
    {'linux': ['ESHUTDOWN'], 'win32_crt': ['ECONNRESET']}
    >>> errno_table.WSA_NAMES["WSAECONNRESET"].name
    'ECONNRESET'

Columns (:data:`COLUMNS`) are the platforms of :data:`PLATFORMS` (spelled as
``sys.platform`` spells them) plus ``win32_crt``, the Microsoft C runtime's
own numbers, which C extensions built with MSVC can surface.
"""

from __future__ import annotations

from collections.abc import Mapping

from netcompat._errnos import (
    ERRNO_FACTS,
    ERRNO_TEXTS,
    MESSAGE_TEXTS,
    PLATFORMS,
    WINERROR_FACTS,
    ErrnoFact,
    ErrnoText,
    MessageText,
    WinErrorFact,
)

__all__ = [
    "BY_NAME",
    "COLUMNS",
    "ERRNO_FACTS",
    "ERRNO_TEXTS",
    "MESSAGE_TEXTS",
    "PLATFORMS",
    "PLATFORM_LABELS",
    "WINERROR_FACTS",
    "WINERROR_NAMES",
    "WSA_EQUAL_ON_WINDOWS",
    "WSA_NAMES",
    "ErrnoFact",
    "ErrnoText",
    "MessageText",
    "WinErrorFact",
    "all_numbers",
    "meanings",
    "number_on",
]

#: The columns a number can be read in: every platform, then the Windows CRT.
COLUMNS: tuple[str, ...] = (*PLATFORMS, "win32_crt")

#: Human names of the columns, for messages.
PLATFORM_LABELS: Mapping[str, str] = {
    "linux": "Linux",
    "darwin": "macOS",
    "freebsd": "FreeBSD",
    "win32": "Windows",
    "win32_crt": "the Windows CRT",
}

#: Every row by its portable name (``"ECONNRESET"``).
BY_NAME: Mapping[str, ErrnoFact] = {fact.name: fact for fact in ERRNO_FACTS}

#: WinSock names (``"WSAECONNRESET"``) to the row of their portable name.
WSA_NAMES: Mapping[str, ErrnoFact] = {
    "WSA" + fact.name: fact for fact in ERRNO_FACTS if fact.wsa is not None
}

#: WinSock names whose portable twin has the same value on Windows
#: (``errno.ECONNRESET == errno.WSAECONNRESET == 10054`` there), so the
#: portable name is a drop-in replacement.
WSA_EQUAL_ON_WINDOWS: frozenset[str] = frozenset(
    name for name, fact in WSA_NAMES.items() if fact.win32 == fact.wsa
)

#: Windows ``winerror`` codes that mean a dropped connection, to their names.
WINERROR_NAMES: Mapping[int, str] = {fact.code: fact.name for fact in WINERROR_FACTS}


def number_on(fact: ErrnoFact, column: str) -> int | None:
    """The row's number in one column (``"linux"``, ``"darwin"``, ``"win32_crt"`` ...)."""
    if column not in COLUMNS and column != "wsa":
        raise ValueError(f"unknown column {column!r}; expected one of {', '.join(COLUMNS)}")
    value: int | None = getattr(fact, column)
    return value


def _meanings_index() -> dict[int, dict[str, list[str]]]:
    index: dict[int, dict[str, list[str]]] = {}
    for column in COLUMNS:
        for fact in ERRNO_FACTS:
            number = number_on(fact, column)
            if number is not None:
                index.setdefault(number, {}).setdefault(column, []).append(fact.name)
    return index


_MEANINGS = _meanings_index()


def meanings(number: int) -> dict[str, list[str]]:
    """Every meaning ``number`` has, by column: ``108`` is ESHUTDOWN on Linux, ECONNRESET in the CRT."""
    return {column: list(names) for column, names in _MEANINGS.get(number, {}).items()}


def all_numbers() -> frozenset[int]:
    """Every number the table gives for any name in any column (WinSock codes included)."""
    return frozenset(
        value
        for fact in ERRNO_FACTS
        for value in (fact.linux, fact.darwin, fact.freebsd, fact.win32, fact.win32_crt, fact.wsa)
        if value is not None
    )
