"""Turn every "peer went away" error into :class:`PeerResetError` at one boundary."""

from __future__ import annotations

import functools
from types import TracebackType
from typing import Any, Callable, TypeVar, overload

from netcompat._classify import peer_reset_from
from netcompat._errors import PeerResetError, _platform_key

__all__ = ["normalize"]

_F = TypeVar("_F", bound=Callable[..., Any])


class _Normalizer:
    """The object :func:`normalize` returns: a context manager and a decorator.

    It keeps no state between uses, so one instance can be entered any
    number of times, nested, from several threads and tasks at once.
    """

    __slots__ = ("_platform",)

    def __init__(self, platform: str | None) -> None:
        _platform_key(platform)  # reject an unknown platform now, not at the first error
        self._platform = platform

    def _replacement(self, exc: BaseException | None) -> PeerResetError | None:
        """The PeerResetError to raise instead of ``exc``, or None to let it pass."""
        # Only Exceptions: KeyboardInterrupt, SystemExit and cancellation
        # always pass through untouched, and so does a PeerResetError.
        if not isinstance(exc, Exception) or isinstance(exc, PeerResetError):
            return None
        peer = peer_reset_from(exc, platform=self._platform)
        # Its traceback continues the original's, so its last line is the
        # call that failed; the original itself stays in __cause__.
        return None if peer is None else peer.with_traceback(exc.__traceback__)

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        peer = self._replacement(exc)
        if peer is not None:
            raise peer from exc

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        peer = self._replacement(exc)
        if peer is not None:
            raise peer from exc

    def __call__(self, func: _F) -> _F:
        """Decorate ``func`` so resets it raises come out as PeerResetError."""
        import inspect

        wrapper: Callable[..., Any]
        if inspect.isasyncgenfunction(func):
            raise TypeError(
                f"normalize() cannot decorate the async generator function {func!r}; "
                "use 'with netcompat.normalize():' inside it"
            )
        if inspect.iscoroutinefunction(func):

            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            wrapper = async_wrapper
        elif inspect.isgeneratorfunction(func):

            def generator_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return (yield from func(*args, **kwargs))

            wrapper = generator_wrapper
        else:

            def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return func(*args, **kwargs)

            wrapper = sync_wrapper
        functools.update_wrapper(wrapper, func)
        return wrapper  # type: ignore[return-value]


@overload
def normalize(func: _F, /) -> _F: ...


@overload
def normalize(*, platform: str | None = None) -> _Normalizer: ...


def normalize(func: _F | None = None, /, *, platform: str | None = None) -> _F | _Normalizer:
    """Re-raise every "peer went away" error as :class:`PeerResetError`.

    Use it as a context manager (``with`` or ``async with``) or as a
    decorator of sync, async and generator functions, with or without
    parentheses::

        with netcompat.normalize():
            data = sock.recv(4096)

        @netcompat.normalize
        async def fetch(): ...

    An exception :func:`netcompat.is_reset` recognises is replaced by
    ``raise PeerResetError(...) from original``: the original is
    ``__cause__`` (and ``.original``), and the new error's traceback
    continues the original's.  Anything else, including an existing
    :class:`PeerResetError` and every ``BaseException`` that is not an
    ``Exception``, propagates as the very same object.  The returned object
    holds no state and can be reused.  Async generator functions cannot be
    decorated (a ``TypeError``): use the context manager inside them.

    Args:
        func: the function to decorate, when used as ``@normalize`` without
            parentheses.
        platform: whose errno numbers to read (for tests); None for the
            running platform.

    Returns:
        The decorated function, if ``func`` is given; otherwise a reusable
        context manager that is also a decorator.

    Raises:
        ValueError: ``platform`` is not one the table describes.
        TypeError: ``func`` is not callable or is an async generator function.
    """
    normalizer = _Normalizer(platform)
    if func is None:
        return normalizer
    if not callable(func):
        raise TypeError(
            f"normalize() takes a function to decorate or keyword arguments, not {func!r}"
        )
    return normalizer(func)
