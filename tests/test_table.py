"""The errno table (netcompat._errnos) and the lookups built on it."""

from __future__ import annotations

import builtins
import errno
import socket
import sys

import pytest

import netcompat
from netcompat import ResetKind, errname, errnos
from netcompat._errnos import (
    ERRNO_FACTS,
    ERRNO_TEXTS,
    MESSAGE_TEXTS,
    PLATFORMS,
    WINERROR_FACTS,
    ErrnoFact,
    MessageText,
    WinErrorFact,
)

FACTS = {fact.name: fact for fact in ERRNO_FACTS}


def _running_column() -> str | None:
    return next((key for key in PLATFORMS if sys.platform.startswith(key)), None)


def _fact_id(fact: ErrnoFact) -> str:
    return fact.name


# --- consistency of the data ------------------------------------------------


def test_names_are_unique() -> None:
    names = [fact.name for fact in ERRNO_FACTS]
    assert len(names) == len(set(names))


def test_platforms_are_the_four_sys_platform_keys() -> None:
    assert PLATFORMS == ("linux", "darwin", "freebsd", "win32")


@pytest.mark.parametrize("fact", ERRNO_FACTS, ids=_fact_id)
def test_running_platform_column_matches_the_errno_module(fact: ErrnoFact) -> None:
    column = _running_column()
    if column is None:
        pytest.skip(f"the table has no column for {sys.platform!r}")
    assert getattr(fact, column) == getattr(errno, fact.name)


@pytest.mark.parametrize("fact", ERRNO_FACTS, ids=_fact_id)
def test_running_platform_raises_the_exception_class_the_table_names(fact: ErrnoFact) -> None:
    # OSError(errno, ...) picks the PEP 3151 subclass CPython uses for it.
    number = getattr(errno, fact.name)
    raised = type(OSError(number, "probe")).__name__
    assert raised == (fact.exception or "OSError")


@pytest.mark.parametrize("fact", ERRNO_FACTS, ids=_fact_id)
def test_exception_column_names_an_oserror_subclass(fact: ErrnoFact) -> None:
    if fact.exception is not None:
        assert issubclass(getattr(builtins, fact.exception), OSError)


@pytest.mark.parametrize("fact", [f for f in ERRNO_FACTS if f.win32_crt is not None], ids=_fact_id)
def test_win32_prefers_winsock_over_the_crt(fact: ErrnoFact) -> None:
    # errnomodule.c #undef-s the CRT's POSIX-supplement values and uses WSAE*.
    assert fact.win32 == fact.wsa
    assert fact.win32_crt != fact.win32


@pytest.mark.parametrize("fact", ERRNO_FACTS, ids=_fact_id)
def test_darwin_and_freebsd_agree(fact: ErrnoFact) -> None:
    assert fact.darwin == fact.freebsd


@pytest.mark.parametrize("fact", ERRNO_FACTS, ids=_fact_id)
def test_every_platform_has_a_number(fact: ErrnoFact) -> None:
    assert all(isinstance(getattr(fact, key), int) for key in PLATFORMS)


@pytest.mark.parametrize("fact", ERRNO_FACTS, ids=_fact_id)
def test_kinds_are_reset_kinds_and_only_on_names_platforms(fact: ErrnoFact) -> None:
    if fact.kind is not None:
        assert ResetKind(fact.kind).value == fact.kind
    assert set(fact.only_on) <= set(PLATFORMS)
    if fact.only_on:
        assert fact.kind is not None, "only_on restricts a kind, so a row needs one"


def test_reset_kinds_are_the_table_kinds_plus_tls_eof_and_remote_disconnected() -> None:
    table_kinds = {fact.kind for fact in ERRNO_FACTS if fact.kind is not None}
    table_kinds |= {fact.kind for fact in WINERROR_FACTS}
    assert {kind.value for kind in ResetKind} == table_kinds | {"tls_eof", "remote_disconnected"}


@pytest.mark.parametrize("fact", WINERROR_FACTS, ids=lambda fact: fact.name)
def test_winerror_facts_carry_the_errno_cpython_maps_them_to(fact: WinErrorFact) -> None:
    # PC/errmap.h maps ERROR_BROKEN_PIPE and ERROR_NO_DATA to EPIPE and the
    # others here (unlisted there) to its default, EINVAL.
    to_epipe = ("ERROR_BROKEN_PIPE", "ERROR_NO_DATA")
    assert fact.errno == (errno.EPIPE if fact.name in to_epipe else errno.EINVAL)
    assert ResetKind(fact.kind).value == fact.kind
    assert fact.code not in {f.wsa for f in ERRNO_FACTS}


def test_winerror_codes_are_unique() -> None:
    codes = [fact.code for fact in WINERROR_FACTS]
    assert len(codes) == len(set(codes))


# --- errname / errnos ---------------------------------------------------------


ROUND_TRIPS = [
    (key, fact, number)
    for key in PLATFORMS
    for fact in ERRNO_FACTS
    for number in sorted(errnos(fact.name, key))
]


@pytest.mark.parametrize(
    ("platform", "fact", "number"),
    ROUND_TRIPS,
    ids=[f"{key}-{fact.name}-{number}" for key, fact, number in ROUND_TRIPS],
)
def test_errname_round_trips_errnos(platform: str, fact: ErrnoFact, number: int) -> None:
    sharers = [f.name for f in ERRNO_FACTS if number in errnos(f.name, platform)]
    assert fact.name in sharers
    # A shared number names the first row in table order.
    assert errname(number, platform) == sharers[0]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_errnos_holds_the_platform_column(platform: str) -> None:
    for fact in ERRNO_FACTS:
        assert getattr(fact, platform) in errnos(fact.name, platform)


@pytest.mark.parametrize("platform", ["linux", "darwin", "freebsd"])
def test_errnos_has_one_number_on_posix(platform: str) -> None:
    assert all(len(errnos(fact.name, platform)) == 1 for fact in ERRNO_FACTS)


def test_errnos_on_win32_includes_winsock_and_crt_values() -> None:
    reset = FACTS["ECONNRESET"]
    assert errnos("ECONNRESET", "win32") == {reset.wsa, reset.win32_crt}
    bad_fd = FACTS["EBADF"]
    assert errnos("EBADF", "win32") == {bad_fd.win32, bad_fd.wsa}
    assert errnos("EPIPE", "win32") == {FACTS["EPIPE"].win32}


def test_contract_examples() -> None:
    reset = FACTS["ECONNRESET"]
    assert errname(reset.wsa, "win32") == "ECONNRESET"
    assert errname(reset.darwin, "darwin") == "ECONNRESET"
    assert errname(reset.darwin, "freebsd") == "ECONNRESET"
    assert errname(reset.darwin, "linux") is None
    assert errname(errno.ECONNRESET) == "ECONNRESET"


def test_the_crt_econnreset_is_eshutdown_on_linux() -> None:
    crt = FACTS["ECONNRESET"].win32_crt
    assert crt == FACTS["ESHUTDOWN"].linux  # the collision this guards against
    assert errname(crt, "linux") == "ESHUTDOWN"
    assert errname(crt, "win32") == "ECONNRESET"


def test_eagain_and_ewouldblock_share_a_number_and_eagain_wins() -> None:
    assert FACTS["EAGAIN"].linux == FACTS["EWOULDBLOCK"].linux
    assert errname(FACTS["EWOULDBLOCK"].linux, "linux") == "EAGAIN"
    assert errname(FACTS["EWOULDBLOCK"].darwin, "darwin") == "EAGAIN"
    # On win32 they differ: EAGAIN is the CRT's, EWOULDBLOCK is WinSock's.
    assert errname(FACTS["EWOULDBLOCK"].win32, "win32") == "EWOULDBLOCK"
    assert errname(FACTS["EAGAIN"].win32, "win32") == "EAGAIN"


def test_winsock_only_value_is_found_on_win32() -> None:
    assert errname(FACTS["EBADF"].wsa, "win32") == "EBADF"
    assert errname(FACTS["EBADF"].wsa, "linux") is None


def test_unknown_number_has_no_name() -> None:
    assert errname(errno.ENOENT, "linux") is None


def test_none_means_the_running_platform() -> None:
    column = _running_column()
    if column is None:
        pytest.skip(f"the table has no column for {sys.platform!r}")
    for fact in ERRNO_FACTS:
        assert errnos(fact.name) == errnos(fact.name, column)
        assert errname(getattr(fact, column)) == errname(getattr(fact, column), column)


def test_sys_platform_spellings_are_accepted() -> None:
    reset = FACTS["ECONNRESET"]
    assert errname(reset.freebsd, "freebsd14") == "ECONNRESET"
    assert errnos("ECONNRESET", "linux2") == {reset.linux}


@pytest.mark.parametrize("platform", ["cygwin", "win", "", "Linux"])
def test_unknown_platform_is_a_clear_value_error(platform: str) -> None:
    with pytest.raises(ValueError, match="unknown platform") as info:
        errname(errno.ECONNRESET, platform)
    for key in PLATFORMS:
        assert repr(key) in str(info.value)
    with pytest.raises(ValueError, match="unknown platform"):
        errnos("ECONNRESET", platform)
    with pytest.raises(ValueError, match="unknown platform"):
        netcompat.is_reset(ConnectionResetError(), platform=platform)


def test_platform_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="platform must be a str"):
        errname(errno.ECONNRESET, 32)  # type: ignore[arg-type]


def test_unknown_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="ECONRESET"):
        errnos("ECONRESET", "linux")
    with pytest.raises(ValueError, match="ENOENT"):
        errnos("ENOENT")


def test_undescribed_running_platform_uses_the_errno_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "sunos5")
    assert errname(errno.ECONNRESET) == "ECONNRESET"
    assert errnos("ECONNRESET") == {errno.ECONNRESET}
    assert netcompat.classify(OSError(errno.ECONNRESET, "x")) is ResetKind.RESET
    assert netcompat.classify(OSError(errno.ENOENT, "x")) is None
    with pytest.raises(ValueError, match="unknown platform"):
        errname(errno.ECONNRESET, "sunos5")


# --- message texts no column holds ----------------------------------------------


@pytest.mark.parametrize("text", MESSAGE_TEXTS, ids=lambda text: text.text)
def test_message_texts_name_a_row_or_the_socket_timeout_and_cite_a_source(
    text: MessageText,
) -> None:
    assert text.key in FACTS or text.key == "socket.timeout"
    assert text.writer in ("win32", "cpython")
    assert text.source.strip()
    # A text of CPython's own is not an OS's: no errno row carries it.
    if text.writer == "cpython":
        assert text.key == "socket.timeout"


def test_message_texts_are_no_column_text_already() -> None:
    columns = {
        getattr(row, key) for row in ERRNO_TEXTS for key in ("linux", "darwin", "freebsd", "win32")
    }
    assert not columns & {text.text for text in MESSAGE_TEXTS}


def test_a_socket_timeout_says_the_cpython_text() -> None:
    (timed_out,) = [t.text for t in MESSAGE_TEXTS if t.source.startswith("CPython Modules/socket")]
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname())
        accepted, _ = server.accept()
        with client, accepted:
            client.settimeout(0.01)
            with pytest.raises(OSError) as caught:
                client.recv(1)
    assert str(caught.value) == timed_out
    assert caught.value.errno is None  # no errno: nothing but this text says "timeout"
