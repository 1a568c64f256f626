"""retry(): bounded in attempts and time, full jitter, only for resets by default.

Time is a fake clock that only the fake sleep (and the tests) move, so no test
waits or depends on the machine's speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import logging
import math
import os
import socket
import struct
import threading
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import netcompat
from netcompat import PeerResetError, RetryState, normalize, retry

RESET_MESSAGE = os.strerror(errno.ECONNRESET)
ALMOST_ONE = 0.999999


def reset_error() -> ConnectionResetError:
    return ConnectionResetError(errno.ECONNRESET, RESET_MESSAGE)


class FakeTime:
    """A clock and the sleeps that move it, recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Flaky:
    """Fails with a fresh exception from ``make`` ``failures`` times, then returns."""

    def __init__(self, failures: int, make: Callable[[], BaseException] = reset_error) -> None:
        self.failures = failures
        self.make = make
        self.calls = 0
        self.raised: list[BaseException] = []

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            exc = self.make()
            self.raised.append(exc)
            raise exc
        return "ok"


def fixed(value: float) -> Callable[[], float]:
    return lambda: value


def test_returns_after_transient_resets() -> None:
    fake = FakeTime()
    flaky = Flaky(2)
    call = retry(attempts=3, sleep=fake.sleep, clock=fake.clock, random=fixed(0.5))(flaky)
    assert call() == "ok"
    assert flaky.calls == 3
    assert len(fake.sleeps) == 2


def test_gives_up_after_the_attempts_and_reraises_the_last_exception() -> None:
    fake = FakeTime()
    flaky = Flaky(10)
    call = retry(attempts=4, sleep=fake.sleep, clock=fake.clock, random=fixed(0.5))(flaky)
    with pytest.raises(ConnectionResetError) as info:
        call()
    assert flaky.calls == 4
    assert info.value is flaky.raised[-1]
    assert len(fake.sleeps) == 3


def test_one_attempt_means_no_retry() -> None:
    fake = FakeTime()
    flaky = Flaky(1)
    with pytest.raises(ConnectionResetError):
        retry(attempts=1, sleep=fake.sleep, clock=fake.clock)(flaky)()
    assert flaky.calls == 1
    assert fake.sleeps == []


def test_gives_up_when_the_next_sleep_would_end_after_the_timeout() -> None:
    fake = FakeTime()
    flaky = Flaky(100)
    call = retry(
        attempts=100,
        timeout=5.0,
        initial=1.0,
        multiplier=2.0,
        maximum=60.0,
        jitter=False,
        sleep=fake.sleep,
        clock=fake.clock,
    )(flaky)
    with pytest.raises(ConnectionResetError) as info:
        call()
    # Sleeps of 1 and 2 end at t=3; the next (4) would end at t=7 > 5.
    assert fake.sleeps == [1.0, 2.0]
    assert flaky.calls == 3
    assert info.value is flaky.raised[-1]


def test_time_spent_in_the_calls_counts_against_the_timeout() -> None:
    fake = FakeTime()
    calls = 0

    def slow() -> None:
        nonlocal calls
        calls += 1
        fake.now += 2.0
        raise reset_error()

    call = retry(
        attempts=100, timeout=5.0, initial=0.5, jitter=False, sleep=fake.sleep, clock=fake.clock
    )(slow)
    with pytest.raises(ConnectionResetError):
        call()
    # t=2 fail, sleep 0.5 -> 2.5; t=4.5 fail, sleep 1 would end at 5.5 > 5.
    assert calls == 2
    assert fake.sleeps == [0.5]


def test_a_sleep_ending_exactly_at_the_deadline_is_allowed() -> None:
    fake = FakeTime()
    flaky = Flaky(100)
    call = retry(
        attempts=100, timeout=3.0, initial=1.0, jitter=False, sleep=fake.sleep, clock=fake.clock
    )(flaky)
    with pytest.raises(ConnectionResetError):
        call()
    assert fake.sleeps == [1.0, 2.0]  # the second ends at exactly t+3
    assert flaky.calls == 3


def test_no_timeout_leaves_only_the_attempt_bound() -> None:
    fake = FakeTime()
    flaky = Flaky(100)
    call = retry(
        attempts=6,
        timeout=None,
        initial=100.0,
        maximum=1e6,
        jitter=False,
        sleep=fake.sleep,
        clock=fake.clock,
    )(flaky)
    with pytest.raises(ConnectionResetError):
        call()
    assert flaky.calls == 6
    assert fake.sleeps == [100.0, 200.0, 400.0, 800.0, 1600.0]


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(ValueError("bad input"), id="value_error"),
        pytest.param(TimeoutError("timed out"), id="timeout"),
        pytest.param(ConnectionRefusedError(errno.ECONNREFUSED, "refused"), id="refused"),
        pytest.param(OSError(errno.ENOENT, "missing"), id="enoent"),
    ],
)
def test_never_retries_what_is_not_a_reset(error: Exception) -> None:
    fake = FakeTime()
    flaky = Flaky(5, make=lambda: error)
    with pytest.raises(type(error)) as info:
        retry(attempts=5, sleep=fake.sleep, clock=fake.clock)(flaky)()
    assert info.value is error
    assert flaky.calls == 1
    assert fake.sleeps == []


def test_base_exceptions_are_never_caught() -> None:
    fake = FakeTime()
    flaky = Flaky(5, make=KeyboardInterrupt)
    call = retry(attempts=5, when=lambda exc: True, sleep=fake.sleep, clock=fake.clock)(flaky)
    with pytest.raises(KeyboardInterrupt):
        call()
    assert flaky.calls == 1


def test_when_widens() -> None:
    fake = FakeTime()
    flaky = Flaky(2, make=lambda: ValueError("flaky"))
    call = retry(
        attempts=3,
        when=lambda exc: isinstance(exc, ValueError),
        sleep=fake.sleep,
        clock=fake.clock,
    )(flaky)
    assert call() == "ok"
    assert flaky.calls == 3


def test_when_narrows() -> None:
    fake = FakeTime()
    flaky = Flaky(2)
    call = retry(attempts=3, when=lambda exc: False, sleep=fake.sleep, clock=fake.clock)(flaky)
    with pytest.raises(ConnectionResetError):
        call()
    assert flaky.calls == 1


def test_normalized_resets_are_retried() -> None:
    fake = FakeTime()
    flaky = Flaky(1)
    call = retry(attempts=2, sleep=fake.sleep, clock=fake.clock)(normalize(flaky))
    assert call() == "ok"
    assert flaky.calls == 2


def test_wrapped_resets_are_retried() -> None:
    class ProtocolError(Exception):
        pass

    fake = FakeTime()
    flaky = Flaky(1, make=lambda: ProtocolError("Connection aborted.", reset_error()))
    assert retry(attempts=2, sleep=fake.sleep, clock=fake.clock)(flaky)() == "ok"


def test_backoff_grows_and_stays_within_the_cap() -> None:
    fake = FakeTime()
    flaky = Flaky(100)
    call = retry(
        attempts=8,
        timeout=None,
        initial=0.1,
        multiplier=2.0,
        maximum=1.0,
        random=fixed(ALMOST_ONE),
        sleep=fake.sleep,
        clock=fake.clock,
    )(flaky)
    with pytest.raises(ConnectionResetError):
        call()
    bounds = [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0]
    assert fake.sleeps == pytest.approx([bound * ALMOST_ONE for bound in bounds])
    assert all(sleep <= 1.0 for sleep in fake.sleeps)
    assert fake.sleeps == sorted(fake.sleeps)


def test_full_jitter_draws_from_the_random_source() -> None:
    fake = FakeTime()
    draws = iter([0.5, 0.25, 0.0])
    flaky = Flaky(3)
    call = retry(
        attempts=4,
        initial=0.1,
        multiplier=2.0,
        random=lambda: next(draws),
        sleep=fake.sleep,
        clock=fake.clock,
    )(flaky)
    assert call() == "ok"
    assert fake.sleeps == pytest.approx([0.05, 0.05, 0.0])


def test_jitter_off_sleeps_the_bound_and_draws_nothing() -> None:
    def no_random() -> float:
        raise AssertionError("random must not be drawn without jitter")

    fake = FakeTime()
    call = retry(
        attempts=4,
        initial=0.1,
        multiplier=3.0,
        jitter=False,
        random=no_random,
        sleep=fake.sleep,
        clock=fake.clock,
    )(Flaky(3))
    assert call() == "ok"
    assert fake.sleeps == pytest.approx([0.1, 0.3, 0.9])


def test_an_odd_random_source_cannot_break_the_cap() -> None:
    fake = FakeTime()
    call = retry(attempts=3, initial=0.1, random=fixed(7.0), sleep=fake.sleep, clock=fake.clock)
    assert call(Flaky(2))() == "ok"
    assert fake.sleeps == pytest.approx([0.1, 0.2])


def test_huge_attempts_do_not_overflow_the_backoff() -> None:
    fake = FakeTime()
    flaky = Flaky(2000)
    call = retry(
        attempts=2000,
        timeout=None,
        initial=1.0,
        multiplier=10.0,
        maximum=3.0,
        jitter=False,
        sleep=fake.sleep,
        clock=fake.clock,
    )(flaky)
    with pytest.raises(ConnectionResetError):
        call()
    assert flaky.calls == 2000
    assert max(fake.sleeps) == 3.0


def test_on_retry_is_told_each_state() -> None:
    fake = FakeTime()
    flaky = Flaky(3)
    states: list[RetryState] = []
    call = retry(
        attempts=4,
        initial=1.0,
        jitter=False,
        on_retry=states.append,
        sleep=fake.sleep,
        clock=fake.clock,
    )(flaky)
    assert call() == "ok"
    assert [state.attempt for state in states] == [1, 2, 3]
    assert [state.exception for state in states] == flaky.raised
    assert [state.sleep for state in states] == fake.sleeps == [1.0, 2.0, 4.0]
    assert [state.elapsed for state in states] == [0.0, 1.0, 3.0]


def test_on_retry_is_not_called_when_giving_up() -> None:
    fake = FakeTime()
    states: list[RetryState] = []
    call = retry(attempts=2, on_retry=states.append, sleep=fake.sleep, clock=fake.clock)
    with pytest.raises(ConnectionResetError):
        call(Flaky(5))()
    assert len(states) == 1


def test_logger_writes_one_warning_per_retry(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeTime()
    logger = logging.getLogger("tests.retry")

    def fetch() -> None:
        raise reset_error()

    call = retry(attempts=3, logger=logger, sleep=fake.sleep, clock=fake.clock)(fetch)
    with (
        caplog.at_level(logging.WARNING, logger="tests.retry"),
        pytest.raises(ConnectionResetError),
    ):
        call()
    records = [r for r in caplog.records if r.name == "tests.retry"]
    assert len(records) == 2
    assert all(r.levelno == logging.WARNING for r in records)
    assert "fetch" in records[0].getMessage()
    assert "attempt 1 of 3" in records[0].getMessage()
    assert "attempt 2 of 3" in records[1].getMessage()


def test_decorated_function_keeps_its_identity() -> None:
    @retry(attempts=2)
    def fetch(x: int, *, y: int = 0) -> int:
        """Fetch."""
        return x + y

    assert fetch(1, y=2) == 3
    assert fetch.__name__ == "fetch"
    assert fetch.__doc__ == "Fetch."
    assert inspect.signature(fetch) == inspect.signature(inspect.unwrap(fetch))


def test_bare_decorator_uses_the_defaults() -> None:
    calls = 0

    @retry
    def fetch() -> str:
        nonlocal calls
        calls += 1
        raise ValueError("not a reset")

    with pytest.raises(ValueError):
        fetch()
    assert calls == 1
    assert netcompat.retry is retry


# --- async ----------------------------------------------------------------------


def test_async_retries_and_gives_up() -> None:
    fake = FakeTime()
    calls = 0
    errors: list[BaseException] = []

    async def fetch() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        errors.append(reset_error())
        raise errors[-1]

    call = retry(
        attempts=3, async_sleep=fake.async_sleep, clock=fake.clock, random=fixed(ALMOST_ONE)
    )(fetch)
    assert inspect.iscoroutinefunction(call)
    with pytest.raises(ConnectionResetError) as info:
        asyncio.run(call())
    assert calls == 3
    assert info.value is errors[-1]
    assert fake.sleeps == pytest.approx([0.1 * ALMOST_ONE, 0.2 * ALMOST_ONE])


def test_async_returns_after_a_transient_reset() -> None:
    fake = FakeTime()
    flaky = Flaky(1)

    async def fetch() -> str:
        return flaky()

    call = retry(async_sleep=fake.async_sleep, clock=fake.clock)(fetch)
    assert asyncio.run(call()) == "ok"
    assert flaky.calls == 2
    assert len(fake.sleeps) == 1


def test_async_respects_the_timeout() -> None:
    fake = FakeTime()
    flaky = Flaky(100)

    async def fetch() -> str:
        return flaky()

    call = retry(
        attempts=100,
        timeout=2.5,
        initial=1.0,
        jitter=False,
        async_sleep=fake.async_sleep,
        clock=fake.clock,
    )(fetch)
    with pytest.raises(ConnectionResetError) as info:
        asyncio.run(call())
    # Sleep 1 ends at t+1; sleep 2 would end at t+3 > t+2.5.
    assert fake.sleeps == [1.0]
    assert flaky.calls == 2
    assert info.value is flaky.raised[-1]


def test_async_default_sleep_is_asyncio_sleep() -> None:
    flaky = Flaky(2)

    async def fetch() -> str:
        return flaky()

    call = retry(attempts=3, initial=0.0, maximum=0.0)(fetch)
    assert asyncio.run(call()) == "ok"
    assert flaky.calls == 3


def test_async_never_retries_a_non_reset() -> None:
    fake = FakeTime()
    flaky = Flaky(3, make=lambda: LookupError("x"))

    async def fetch() -> str:
        return flaky()

    with pytest.raises(LookupError):
        asyncio.run(retry(async_sleep=fake.async_sleep, clock=fake.clock)(fetch)())
    assert flaky.calls == 1


def test_async_cancellation_is_not_retried() -> None:
    fake = FakeTime()
    calls = 0

    async def fetch() -> None:
        nonlocal calls
        calls += 1
        raise asyncio.CancelledError

    call = retry(when=lambda exc: True, async_sleep=fake.async_sleep, clock=fake.clock)(fetch)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(call())
    assert calls == 1


# --- argument validation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param({"attempts": 0}, ValueError, "attempts must be >= 1", id="attempts_zero"),
        pytest.param({"attempts": -2}, ValueError, "attempts", id="attempts_negative"),
        pytest.param({"attempts": 2.5}, TypeError, "attempts must be an int", id="attempts_float"),
        pytest.param({"attempts": True}, TypeError, "attempts", id="attempts_bool"),
        pytest.param({"timeout": 0}, ValueError, "timeout must be > 0", id="timeout_zero"),
        pytest.param({"timeout": -1.0}, ValueError, "timeout", id="timeout_negative"),
        pytest.param({"timeout": math.nan}, ValueError, "timeout", id="timeout_nan"),
        pytest.param({"timeout": "30"}, TypeError, "timeout must be a number", id="timeout_str"),
        pytest.param({"initial": -0.1}, ValueError, "initial must be >= 0", id="initial_negative"),
        pytest.param({"initial": math.inf}, ValueError, "initial must be finite", id="initial_inf"),
        pytest.param(
            {"initial": 2.0, "maximum": 1.0}, ValueError, "maximum must be >= 2.0", id="max_below"
        ),
        pytest.param({"multiplier": 0.5}, ValueError, "multiplier must be >= 1", id="shrinking"),
        pytest.param({"multiplier": math.nan}, ValueError, "multiplier", id="multiplier_nan"),
        pytest.param({"jitter": "yes"}, TypeError, "jitter must be a bool", id="jitter_str"),
        pytest.param({"when": None}, TypeError, "when must be callable", id="when_none"),
        pytest.param({"on_retry": 3}, TypeError, "on_retry must be callable", id="on_retry_int"),
        pytest.param({"sleep": None}, TypeError, "sleep must be callable", id="sleep_none"),
        pytest.param({"async_sleep": 1}, TypeError, "async_sleep", id="async_sleep_int"),
        pytest.param({"random": 0.5}, TypeError, "random must be callable", id="random_float"),
        pytest.param({"clock": None}, TypeError, "clock must be callable", id="clock_none"),
        pytest.param({"logger": "log"}, TypeError, "logger", id="logger_str"),
    ],
)
def test_arguments_are_validated(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        retry(**kwargs)


def test_generators_are_refused() -> None:
    def lines() -> Iterator[str]:
        yield "x"

    with pytest.raises(TypeError, match="generator"):
        retry(lines)


def test_non_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="decorates a function"):
        retry(attempts=2)(42)  # type: ignore[type-var]


def test_docstring_warns_about_idempotency() -> None:
    assert retry.__doc__ is not None
    assert "idempotent" in retry.__doc__


# --- a real reset on 127.0.0.1 -----------------------------------------------------


def test_real_reset_then_answer_on_loopback() -> None:
    """The first connection is reset, the second is answered."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    address = server.getsockname()

    def serve() -> None:
        with server:
            first, _ = server.accept()
            first.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            first.close()
            second, _ = server.accept()
            # A failed send shows up as the client's failure, not here.
            with second, contextlib.suppress(ConnectionError):
                second.sendall(b"hello")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    connections = 0
    states: list[RetryState] = []

    @retry(attempts=3, initial=0.0, maximum=0.0, on_retry=states.append)
    @normalize
    def fetch() -> bytes:
        nonlocal connections
        connections += 1
        with socket.create_connection(address, timeout=5) as conn:
            data = conn.recv(16)
            if not data:
                raise ConnectionResetError("closed without an answer")
            return data

    assert fetch() == b"hello"
    thread.join(timeout=5)
    assert connections == 2
    assert len(states) == 1
    assert isinstance(states[0].exception, PeerResetError)
