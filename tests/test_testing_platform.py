"""netcompat.testing.simulate_platform: the errno module, errorcode and strerror of another OS."""

from __future__ import annotations

import errno
import os
import sys
import threading
import types

import pytest
from _net import TIMEOUT

import netcompat
from netcompat._errnos import ERRNO_FACTS, ERRNO_TEXTS, PLATFORMS
from netcompat.testing import current_platform, leftovers, reset_error, simulate_platform

FACTS = {fact.name: fact for fact in ERRNO_FACTS}
TEXTS = {text.name: text for text in ERRNO_TEXTS}
REAL_STRERROR = os.strerror
REAL_ERRORCODE = dict(errno.errorcode)
REAL_VALUES = {name: getattr(errno, name, None) for name in FACTS}


def assert_real() -> None:
    """The modules are exactly as before any view."""
    assert leftovers() == []
    assert os.strerror is REAL_STRERROR
    assert errno.errorcode == REAL_ERRORCODE
    assert {name: getattr(errno, name, None) for name in FACTS} == REAL_VALUES
    assert current_platform() is None
    if sys.platform != "win32":
        assert not hasattr(errno, "WSAECONNRESET")


@pytest.fixture(autouse=True)
def _clean() -> object:
    assert_real()
    yield
    assert_real()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_table_name_has_the_platform_value(platform: str) -> None:
    with simulate_platform(platform) as view:
        assert view.platform == platform == current_platform()
        for fact in ERRNO_FACTS:
            assert getattr(errno, fact.name) == getattr(fact, platform)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_wsa_names_exist_only_under_win32(platform: str) -> None:
    with simulate_platform(platform):
        for fact in ERRNO_FACTS:
            if fact.wsa is None:
                continue
            if platform == "win32":
                assert getattr(errno, "WSA" + fact.name) == fact.wsa
            else:
                assert not hasattr(errno, "WSA" + fact.name)


def test_errorcode_maps_the_platform_numbers_like_its_cpython() -> None:
    reset = FACTS["ECONNRESET"]
    with simulate_platform("darwin"):
        assert errno.errorcode[reset.darwin] == "ECONNRESET"
        assert errno.errorcode.get(reset.linux) != "ECONNRESET"
        assert errno.errorcode[errno.EAGAIN] == "EAGAIN"  # shares its number with EWOULDBLOCK
    with simulate_platform("win32"):
        # errnomodule.c adds the WSAE* names last, so they win on Windows.
        assert errno.errorcode[reset.win32] == "WSAECONNRESET"
        assert errno.errorcode[errno.EPIPE] == "EPIPE"
    with simulate_platform("linux"):
        assert errno.errorcode[reset.linux] == "ECONNRESET"


def test_errorcode_is_changed_in_place() -> None:
    # Code that kept a reference to the dict sees the view too.
    codes = errno.errorcode
    with simulate_platform("win32"):
        assert codes is errno.errorcode
        assert codes[FACTS["ECONNABORTED"].wsa] == "WSAECONNABORTED"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_strerror_gives_the_platform_text(platform: str) -> None:
    with simulate_platform(platform):
        for name in ("ECONNRESET", "ECONNABORTED", "ESHUTDOWN", "ENOTCONN", "ETIMEDOUT"):
            assert os.strerror(getattr(errno, name)) == getattr(TEXTS[name], platform)
        assert os.strerror(errno.ENOENT) == REAL_STRERROR(errno.ENOENT)  # not a socket error
        with pytest.raises(TypeError):
            os.strerror("104")  # type: ignore[arg-type]


def test_linux_texts_are_this_machines_glibc() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("compares with the running Linux C library")
    for text in ERRNO_TEXTS:
        assert REAL_STRERROR(getattr(errno, text.name)) == text.linux, text.name


def test_netcompat_reads_errors_as_the_simulated_platform() -> None:
    plain = OSError(FACTS["ESHUTDOWN"].darwin, "Can't send after socket shutdown")
    with simulate_platform("darwin"):
        assert netcompat.classify(plain) is netcompat.ResetKind.SHUTDOWN
        err = reset_error("reset")
        assert netcompat.PeerResetError(err).errname == "ECONNRESET"
    assert netcompat.classify(plain, platform="linux") is not netcompat.ResetKind.SHUTDOWN


def test_restored_when_the_block_raises() -> None:
    with pytest.raises(KeyError), simulate_platform("win32"):
        assert FACTS["ECONNRESET"].win32 == errno.ECONNRESET
        raise KeyError("boom")


def test_same_platform_nests_and_the_last_exit_restores() -> None:
    view = simulate_platform("darwin")
    with view, view, simulate_platform("darwin"):
        assert FACTS["ECONNRESET"].darwin == errno.ECONNRESET
    assert_real()


def test_a_different_platform_nests_in_one_thread() -> None:
    with simulate_platform("linux"):
        with simulate_platform("win32"):
            assert FACTS["ECONNRESET"].win32 == errno.ECONNRESET
        assert FACTS["ECONNRESET"].linux == errno.ECONNRESET
        assert not hasattr(errno, "WSAECONNRESET")


def test_exits_in_any_order() -> None:
    outer, inner = simulate_platform("linux"), simulate_platform("win32")
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)
    assert current_platform() == "win32"
    inner.__exit__(None, None, None)
    assert_real()


def test_exit_without_enter_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not entered"):
        simulate_platform("linux").__exit__(None, None, None)


def _in_thread(target: object) -> list[BaseException]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()  # type: ignore[operator]
        except BaseException as exc:  # the test inspects it
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    return errors


def test_threads_share_the_view_and_may_join_it() -> None:
    seen: list[int] = []

    def worker() -> None:
        seen.append(errno.ECONNRESET)  # the process-global view
        with simulate_platform("win32"):
            seen.append(errno.ECONNRESET)

    with simulate_platform("win32"):
        assert _in_thread(worker) == []
        assert FACTS["ECONNRESET"].win32 == errno.ECONNRESET
    assert seen == [FACTS["ECONNRESET"].win32] * 2


def test_another_thread_cannot_show_another_platform() -> None:
    def worker() -> None:
        with simulate_platform("darwin"):
            raise AssertionError("entered a conflicting view")

    with simulate_platform("win32"):
        [error] = _in_thread(worker)
        assert isinstance(error, RuntimeError)
        assert "another thread" in str(error)
        assert FACTS["ECONNRESET"].win32 == errno.ECONNRESET


def test_a_thread_that_joined_keeps_the_view_until_it_leaves() -> None:
    entered, release = threading.Event(), threading.Event()

    def worker() -> None:
        with simulate_platform("darwin"):
            entered.set()
            release.wait(TIMEOUT)

    thread = threading.Thread(target=worker)
    with simulate_platform("darwin"):
        thread.start()
        assert entered.wait(TIMEOUT)
    assert current_platform() == "darwin"  # the worker is still inside
    release.set()
    thread.join(TIMEOUT)
    assert not thread.is_alive()
    assert_real()


def test_rebind_sets_module_level_copies() -> None:
    module = types.ModuleType("legacy_handlers")
    exec("from errno import ECONNRESET, EPIPE\nOTHER = 7\n", module.__dict__)
    real = module.ECONNRESET
    with simulate_platform("win32", rebind=[module]):
        assert FACTS["ECONNRESET"].win32 == module.ECONNRESET
        assert module.OTHER == 7
        with simulate_platform("darwin"):
            assert FACTS["ECONNRESET"].darwin == module.ECONNRESET
        assert FACTS["ECONNRESET"].win32 == module.ECONNRESET
    assert real == module.ECONNRESET


def test_without_rebind_a_copy_keeps_the_running_value() -> None:
    # The documented limit.
    module = types.ModuleType("legacy_handlers")
    exec("from errno import ECONNRESET\n", module.__dict__)
    with simulate_platform("win32"):
        assert REAL_VALUES["ECONNRESET"] == module.ECONNRESET


@pytest.mark.parametrize(
    ("name", "error"),
    [("windows", ValueError), ("Linux", ValueError), ("", ValueError), (32, TypeError)],
)
def test_bad_platform_is_a_clear_error(name: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="platform"):
        simulate_platform(name)  # type: ignore[arg-type]


def test_bad_rebind_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="rebind"):
        simulate_platform("linux", rebind=[42])  # type: ignore[list-item]
