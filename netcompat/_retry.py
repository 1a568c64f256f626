"""Retry a call when the peer went away: bounded in attempts and in time, with jitter."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, TypeVar, overload

from netcompat._classify import is_reset

if TYPE_CHECKING:
    import logging

__all__ = ["RetryState", "retry"]

_F = TypeVar("_F", bound=Callable[..., Any])


class RetryState(NamedTuple):
    """What ``on_retry`` is told before each sleep.

    Attributes:
        attempt: the number of the attempt that just failed (1 for the first).
        exception: the exception it failed with.
        sleep: the seconds about to be slept before the next attempt.
        elapsed: seconds since the first attempt started (by ``clock``).
    """

    attempt: int
    exception: BaseException
    sleep: float
    elapsed: float


def _number(name: str, value: object, *, minimum: float, inclusive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"retry(): {name} must be a number, not {type(value).__name__}")
    too_small = value < minimum if inclusive else value <= minimum
    if math.isnan(value) or too_small:
        bound = f">= {minimum}" if inclusive else f"> {minimum}"
        raise ValueError(f"retry(): {name} must be {bound}, got {value!r}")
    return float(value)


def _callable(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not callable(value):
        raise TypeError(f"retry(): {name} must be callable, got {value!r}")


class _Policy:
    """The validated arguments of one :func:`retry` decoration."""

    def __init__(
        self,
        *,
        attempts: int,
        timeout: float | None,
        initial: float,
        maximum: float,
        multiplier: float,
        jitter: bool,
        when: Callable[[BaseException], bool],
        on_retry: Callable[[RetryState], None] | None,
        logger: logging.Logger | None,
        sleep: Callable[[float], object],
        async_sleep: Callable[[float], Awaitable[object]] | None,
        random: Callable[[], float] | None,
        clock: Callable[[], float],
    ) -> None:
        if isinstance(attempts, bool) or not isinstance(attempts, int):
            raise TypeError(f"retry(): attempts must be an int, not {type(attempts).__name__}")
        if attempts < 1:
            raise ValueError(f"retry(): attempts must be >= 1, got {attempts!r}")
        self.attempts = attempts
        self.timeout = (
            None if timeout is None else _number("timeout", timeout, minimum=0, inclusive=False)
        )
        self.initial = _number("initial", initial, minimum=0)
        if math.isinf(self.initial):
            raise ValueError("retry(): initial must be finite")
        self.maximum = _number("maximum", maximum, minimum=self.initial)
        self.multiplier = _number("multiplier", multiplier, minimum=1)
        if not isinstance(jitter, bool):
            raise TypeError(f"retry(): jitter must be a bool, not {type(jitter).__name__}")
        self.jitter = jitter
        _callable("when", when)
        _callable("on_retry", on_retry, optional=True)
        _callable("sleep", sleep)
        _callable("async_sleep", async_sleep, optional=True)
        _callable("random", random, optional=True)
        _callable("clock", clock)
        if logger is not None and not callable(getattr(logger, "warning", None)):
            raise TypeError(f"retry(): logger must be a logging.Logger, got {logger!r}")
        self.when = when
        self.on_retry = on_retry
        self.logger = logger
        self.sleep = sleep
        self.async_sleep = async_sleep
        if random is None:
            import random as random_module

            random = random_module.random
        self.random = random
        self.clock = clock


class _Run:
    """The bookkeeping of one call of a retried function."""

    def __init__(self, policy: _Policy, name: str) -> None:
        self.policy = policy
        self.name = name
        self.start = policy.clock()
        self.deadline = None if policy.timeout is None else self.start + policy.timeout
        self.cap = policy.initial

    def delay_after(self, exc: BaseException, attempt: int) -> float | None:
        """Return the seconds to sleep before the next attempt, or None to give up."""
        policy = self.policy
        if attempt >= policy.attempts or not policy.when(exc):
            return None
        # Full jitter, clamped so an odd random source cannot break the cap.
        delay = min(self.cap, max(0.0, self.cap * policy.random())) if policy.jitter else self.cap
        now = policy.clock()
        if self.deadline is not None and now + delay > self.deadline:
            return None
        self.cap = min(policy.maximum, self.cap * policy.multiplier)
        if policy.on_retry is not None:
            policy.on_retry(RetryState(attempt, exc, delay, now - self.start))
        if policy.logger is not None:
            policy.logger.warning(
                "%s failed on attempt %d of %d (%r); retrying in %.3f s",
                self.name,
                attempt,
                policy.attempts,
                exc,
                delay,
            )
        return delay


def _decorate(policy: _Policy, func: _F) -> _F:
    import inspect

    if not callable(func):
        raise TypeError(f"retry() decorates a function, not {func!r}")
    if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
        raise TypeError(
            f"retry() cannot decorate the generator function {func!r}: "
            "a retry could not take back what it already yielded"
        )
    name = getattr(func, "__qualname__", None) or repr(func)
    wrapper: Callable[..., Any]
    if inspect.iscoroutinefunction(func):

        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            run = _Run(policy, name)
            for attempt in range(1, policy.attempts + 1):
                try:
                    return await func(*args, **kwargs)
                except Exception as exc:
                    delay = run.delay_after(exc, attempt)
                    if delay is None:
                        raise
                if policy.async_sleep is None:
                    import asyncio

                    await asyncio.sleep(delay)
                else:
                    await policy.async_sleep(delay)
            raise AssertionError("unreachable: the last attempt returns or raises")

        wrapper = async_wrapper
    else:

        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            run = _Run(policy, name)
            for attempt in range(1, policy.attempts + 1):
                try:
                    return func(*args, **kwargs)
                except Exception as exc:
                    delay = run.delay_after(exc, attempt)
                    if delay is None:
                        raise
                policy.sleep(delay)
            raise AssertionError("unreachable: the last attempt returns or raises")

        wrapper = sync_wrapper
    functools.update_wrapper(wrapper, func)
    return wrapper  # type: ignore[return-value]


@overload
def retry(func: _F, /) -> _F: ...


@overload
def retry(
    *,
    attempts: int = 3,
    timeout: float | None = 30.0,
    initial: float = 0.1,
    maximum: float = 5.0,
    multiplier: float = 2.0,
    jitter: bool = True,
    when: Callable[[BaseException], bool] = is_reset,
    on_retry: Callable[[RetryState], None] | None = None,
    logger: logging.Logger | None = None,
    sleep: Callable[[float], object] = time.sleep,
    async_sleep: Callable[[float], Awaitable[object]] | None = None,
    random: Callable[[], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[_F], _F]: ...


def retry(
    func: _F | None = None,
    /,
    *,
    attempts: int = 3,
    timeout: float | None = 30.0,
    initial: float = 0.1,
    maximum: float = 5.0,
    multiplier: float = 2.0,
    jitter: bool = True,
    when: Callable[[BaseException], bool] = is_reset,
    on_retry: Callable[[RetryState], None] | None = None,
    logger: logging.Logger | None = None,
    sleep: Callable[[float], object] = time.sleep,
    async_sleep: Callable[[float], Awaitable[object]] | None = None,
    random: Callable[[], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> _F | Callable[[_F], _F]:
    """Call the decorated function again when the peer went away.

    Only retry idempotent work: a request that may have reached the peer
    before the connection broke (a payment, a non-idempotent POST, an
    append) can run twice.  Retrying cannot tell whether the peer acted.

    Works on sync and async functions, as ``@retry`` or ``@retry(...)``.
    Each failure for which ``when`` is true is followed by a sleep and a new
    attempt, until ``attempts`` calls have been made or the next sleep would
    end after ``timeout`` seconds from the first call; then the last
    exception is re-raised unchanged (the same object, with its traceback).
    An exception for which ``when`` is false is re-raised at once, and a
    ``BaseException`` that is not an ``Exception`` (``KeyboardInterrupt``,
    cancellation) is never caught.

    The sleep before retry ``n`` (from 0) is drawn with full jitter:
    ``uniform(0, min(maximum, initial * multiplier ** n))``, or that bound
    itself with ``jitter=False``.

    Args:
        func: the function, when used as ``@retry`` without parentheses.
        attempts: total calls, at least 1 (1 means no retry).
        timeout: seconds from the first call after which no sleep may end,
            more than 0; None for no time bound (``attempts`` still holds).
        initial: the first bound of the sleep, in seconds, at least 0.
        maximum: the cap of the sleep, at least ``initial``.
        multiplier: growth of the bound per retry, at least 1.
        jitter: draw the sleep uniformly below the bound (True) or sleep for
            the bound itself (False).
        when: which exceptions to retry; :func:`netcompat.is_reset` by
            default.  Pass a wider or narrower predicate to change that.
        on_retry: called with a :class:`RetryState` before each sleep.
        logger: if given, one warning line is logged per retry.
        sleep: the sleep for sync functions (``time.sleep``).
        async_sleep: the sleep for async functions; None for
            ``asyncio.sleep`` (pass ``trio.sleep`` or ``anyio.sleep`` there).
        random: a source of floats in ``[0, 1)``; None for ``random.random``.
        clock: a monotonic clock in seconds (``time.monotonic``).

    Returns:
        The decorated function with ``func``; otherwise a decorator.

    Raises:
        ValueError: a number out of its range (such as ``attempts=0``).
        TypeError: an argument of the wrong type, or a generator function.
    """
    policy = _Policy(
        attempts=attempts,
        timeout=timeout,
        initial=initial,
        maximum=maximum,
        multiplier=multiplier,
        jitter=jitter,
        when=when,
        on_retry=on_retry,
        logger=logger,
        sleep=sleep,
        async_sleep=async_sleep,
        random=random,
        clock=clock,
    )
    if func is not None:
        return _decorate(policy, func)
    return functools.partial(_decorate, policy)
