"""The linter's exception table, checked against the classes of the running Python.

``lintrules.analysis.exception_classes`` writes the standard library's exception hierarchy
down as data.  Every claim in it (this name is an alias of that class, this
class has these bases) is verified here with the real objects, on whatever
Python runs the tests, so running the suite on 3.9 and 3.13 checks both ends
of the version-dependent rows (``socket.timeout``, ``asyncio.TimeoutError``).
"""

from __future__ import annotations

import builtins
import importlib
import itertools
import sys

import pytest

from lintrules.analysis.exceptions import (
    BY_NAME,
    EXCEPTION_CLASSES,
    SUPPORTED_VERSIONS,
    canonical,
    catches,
    exists,
    is_os_error,
    key,
)

RUNNING = sys.version_info[:2]


def _present(name: str) -> bool:
    row = BY_NAME[name]
    return exists(name, RUNNING) and (row.platform is None or row.platform == sys.platform)


def _real(name: str) -> type[BaseException]:
    """Import the object a qualified name stands for."""
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            value: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            value = getattr(value, attribute)
        assert isinstance(value, type) and issubclass(value, BaseException), name
        return value
    raise AssertionError(f"cannot import {name}")


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


PRESENT = [row.name for row in EXCEPTION_CLASSES if _present(row.name)]


def test_names_are_unique() -> None:
    assert len(BY_NAME) == len(EXCEPTION_CLASSES)


def test_every_referenced_name_is_in_the_table() -> None:
    for row in EXCEPTION_CLASSES:
        for other in (*row.bases, *([row.alias_of] if row.alias_of else [])):
            assert other in BY_NAME, f"{row.name} refers to unknown {other}"


@pytest.mark.parametrize("name", PRESENT)
def test_row_matches_the_real_class(name: str) -> None:
    real = _real(name)
    target = canonical(name, RUNNING)
    if target != name:
        # An alias on this version: the name is bound to that very class.
        assert real is _real(target), f"{name} should be {target} on {RUNNING}"
        return
    # A class in its own right: right name, and exactly these exception bases.
    assert _qualified(real) == name, f"{name} is really {_qualified(real)}"
    real_bases = [_qualified(base) for base in real.__bases__ if issubclass(base, BaseException)]
    assert real_bases == [canonical(base, RUNNING) for base in BY_NAME[name].bases]


def test_every_builtin_exception_is_listed() -> None:
    real = {
        name
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException) and not name.startswith("_")
    }
    listed = {name[len("builtins.") :] for name in PRESENT if name.startswith("builtins.")}
    assert real == listed


def test_catches_agrees_with_issubclass_for_every_pair() -> None:
    classes = {name: _real(name) for name in PRESENT}
    wrong = [
        (outer, inner)
        for outer, inner in itertools.product(PRESENT, repeat=2)
        if catches(outer, inner, versions=[RUNNING]) != issubclass(classes[inner], classes[outer])
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("socket.error", "socket.timeout", True),
        ("OSError", "socket.timeout", True),
        ("IOError", "ConnectionResetError", True),
        ("EnvironmentError", "BrokenPipeError", True),
        ("select.error", "socket.gaierror", True),
        ("OSError", "ssl.SSLEOFError", True),
        ("Exception", "socket.herror", True),
        ("BaseException", "KeyboardInterrupt", True),
        ("ConnectionError", "http.client.RemoteDisconnected", True),
        ("OSError", "OSError", True),
        # Version-dependent: only from 3.10 (socket.timeout) / 3.11 (asyncio) on.
        ("TimeoutError", "socket.timeout", False),
        ("socket.timeout", "TimeoutError", False),
        ("OSError", "asyncio.TimeoutError", False),
        ("TimeoutError", "asyncio.TimeoutError", False),
        # Never.
        ("Exception", "KeyboardInterrupt", False),
        ("ConnectionResetError", "OSError", False),
        ("ValueError", "OSError", False),
        ("socket.timeout", "socket.error", False),
        # Unknown names are never caught and never catch.
        ("OSError", "mysql.connector.Error", False),
        ("MyError", "OSError", False),
    ],
)
def test_catches_on_every_supported_version(outer: str, inner: str, expected: bool) -> None:
    assert catches(outer, inner) is expected


def test_version_dependent_rows() -> None:
    assert catches("TimeoutError", "socket.timeout", versions=[(3, 10)])
    assert not catches("TimeoutError", "socket.timeout", versions=[(3, 9)])
    assert catches("OSError", "socket.timeout", versions=[(3, 9)])
    assert catches("OSError", "asyncio.TimeoutError", versions=[(3, 11)])
    assert not catches("OSError", "asyncio.TimeoutError", versions=[(3, 10)])
    assert catches("Exception", "asyncio.TimeoutError")
    assert canonical("socket.timeout", (3, 9)) == "socket.timeout"
    assert canonical("socket.timeout", (3, 12)) == "builtins.TimeoutError"


def test_names_added_later_are_skipped_on_older_versions() -> None:
    assert catches("Exception", "ExceptionGroup")  # checked on 3.11+ only
    assert catches("BaseExceptionGroup", "ExceptionGroup")


def test_key_and_os_error_family() -> None:
    assert key("OSError") == "builtins.OSError"
    assert key("socket.error") == "socket.error"
    assert key("error") is None
    assert is_os_error("socket.error") and is_os_error("ssl.SSLError")
    assert not is_os_error("Exception") and not is_os_error("asyncio.TimeoutError")


def test_supported_versions_cover_the_running_python() -> None:
    assert SUPPORTED_VERSIONS[0] <= RUNNING
