"""normalize(): one boundary where every reset becomes PeerResetError."""

from __future__ import annotations

import asyncio
import errno
import functools
import inspect
import os
import socket
import struct
import traceback
from collections.abc import AsyncIterator, Iterator

import pytest

import netcompat
from netcompat import PeerResetError, ResetKind, normalize
from netcompat._errnos import ERRNO_FACTS

FACTS = {fact.name: fact for fact in ERRNO_FACTS}
RESET_MESSAGE = os.strerror(errno.ECONNRESET)
LINGER_ZERO = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST


def reset_error() -> ConnectionResetError:
    return ConnectionResetError(errno.ECONNRESET, RESET_MESSAGE)


class ProtocolError(Exception):
    """Shaped like urllib3's: ('Connection aborted.', err)."""


def raise_reset() -> None:
    raise reset_error()


# --- the context manager ------------------------------------------------------


def test_context_manager_turns_a_reset_into_peer_reset_error() -> None:
    original = reset_error()
    with pytest.raises(PeerResetError) as info, normalize():
        raise original
    err = info.value
    assert err.__cause__ is original
    assert err.original is original
    assert err.__suppress_context__
    assert (err.kind, err.errname, err.errno) == (ResetKind.RESET, "ECONNRESET", errno.ECONNRESET)


def test_a_wrapped_reset_keeps_the_wrapper_as_cause() -> None:
    inner = BrokenPipeError(errno.EPIPE, "Broken pipe")
    wrapper = ProtocolError("Connection aborted.", inner)
    with pytest.raises(PeerResetError) as info, normalize():
        raise wrapper
    assert info.value.__cause__ is wrapper
    assert info.value.kind is ResetKind.BROKEN_PIPE
    assert info.value.errno == errno.EPIPE


@pytest.mark.parametrize(
    "exc",
    [
        pytest.param(ValueError("x"), id="value_error"),
        pytest.param(TimeoutError("timed out"), id="timeout"),
        pytest.param(ConnectionRefusedError(errno.ECONNREFUSED, "refused"), id="refused"),
        pytest.param(OSError(errno.ENOENT, "missing"), id="enoent"),
        pytest.param(EOFError(), id="eof"),
        pytest.param(KeyboardInterrupt(), id="keyboard_interrupt"),
        pytest.param(SystemExit(3), id="system_exit"),
    ],
)
def test_everything_else_passes_through_as_the_same_object(exc: BaseException) -> None:
    with pytest.raises(type(exc)) as info, normalize():
        raise exc
    assert info.value is exc
    assert exc.__cause__ is None


def test_a_reset_inside_a_base_exception_is_left_alone() -> None:
    # Cancellation caused by a reset is still cancellation.
    cancelled = asyncio.CancelledError()
    cancelled.__cause__ = reset_error()
    with pytest.raises(asyncio.CancelledError) as info, normalize():
        raise cancelled
    assert info.value is cancelled


def test_no_double_wrap() -> None:
    first = PeerResetError(reset_error())
    cause = first.__cause__
    with pytest.raises(PeerResetError) as info, normalize(), normalize():
        raise first
    assert info.value is first
    assert info.value.__cause__ is cause


def test_nested_normalize_wraps_once() -> None:
    with pytest.raises(PeerResetError) as info, normalize(), normalize():
        raise_reset()
    assert type(info.value.__cause__) is ConnectionResetError


def test_no_exception_no_effect() -> None:
    with normalize() as entered:
        value = 1
    assert entered is None
    assert value == 1


def test_one_instance_is_reusable() -> None:
    boundary = normalize()
    for _ in range(2):
        with pytest.raises(PeerResetError), boundary:
            raise_reset()
    with pytest.raises(ValueError), boundary:
        raise ValueError


def test_traceback_ends_where_the_reset_was_raised() -> None:
    with pytest.raises(PeerResetError) as info, normalize():
        raise_reset()
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].name == "raise_reset"
    cause_frames = traceback.extract_tb(info.value.__cause__.__traceback__)  # type: ignore[union-attr]
    assert cause_frames[-1].name == "raise_reset"


def test_platform_argument_reads_that_platforms_numbers_hand_built() -> None:
    class HandBuiltOSError(OSError):
        pass

    darwin_reset = HandBuiltOSError(FACTS["ECONNRESET"].darwin, "Connection reset by peer")
    with pytest.raises(PeerResetError) as info, normalize(platform="darwin"):
        raise darwin_reset
    assert (info.value.errname, info.value.errno) == ("ECONNRESET", FACTS["ECONNRESET"].darwin)
    with pytest.raises(HandBuiltOSError), normalize(platform="linux"):
        raise darwin_reset


def test_unknown_platform_fails_at_once() -> None:
    with pytest.raises(ValueError, match="unknown platform"):
        normalize(platform="plan9")


def test_async_context_manager() -> None:
    async def main() -> None:
        async with normalize():
            await asyncio.sleep(0)
            raise_reset()

    with pytest.raises(PeerResetError) as info:
        asyncio.run(main())
    assert type(info.value.__cause__) is ConnectionResetError


def test_async_context_manager_passes_other_errors_through() -> None:
    error = LookupError("x")

    async def main() -> None:
        async with normalize():
            raise error

    with pytest.raises(LookupError) as info:
        asyncio.run(main())
    assert info.value is error


# --- the decorator -----------------------------------------------------------------


def test_decorator_with_parentheses() -> None:
    @normalize()
    def fetch(x: int) -> int:
        """Fetch things."""
        if x:
            raise_reset()
        return 7

    assert fetch(0) == 7
    with pytest.raises(PeerResetError):
        fetch(1)
    assert fetch.__name__ == "fetch"
    assert fetch.__doc__ == "Fetch things."
    assert inspect.unwrap(fetch) is not fetch


def test_bare_decorator() -> None:
    @normalize
    def fetch() -> None:
        raise_reset()

    with pytest.raises(PeerResetError):
        fetch()
    assert fetch.__name__ == "fetch"


def test_decorator_keeps_other_errors_untouched() -> None:
    error = ConnectionRefusedError(errno.ECONNREFUSED, "refused")

    @normalize
    def connect() -> None:
        raise error

    with pytest.raises(ConnectionRefusedError) as info:
        connect()
    assert info.value is error


@pytest.mark.parametrize("bare", [True, False], ids=["bare", "called"])
def test_async_decorator(bare: bool) -> None:
    async def fetch(fail: bool) -> str:
        await asyncio.sleep(0)
        if fail:
            raise_reset()
        return "ok"

    decorated = normalize(fetch) if bare else normalize()(fetch)
    assert inspect.iscoroutinefunction(decorated)
    assert decorated.__name__ == "fetch"
    assert asyncio.run(decorated(False)) == "ok"
    with pytest.raises(PeerResetError) as info:
        asyncio.run(decorated(True))
    assert type(info.value.__cause__) is ConnectionResetError


def test_async_decorator_on_a_partial() -> None:
    async def fetch(fail: bool) -> None:
        if fail:
            raise_reset()

    decorated = normalize(functools.partial(fetch, True))
    assert inspect.iscoroutinefunction(decorated)
    with pytest.raises(PeerResetError):
        asyncio.run(decorated())


def test_generator_decorator_covers_iteration() -> None:
    @normalize
    def chunks() -> Iterator[int]:
        yield 1
        raise_reset()

    gen = chunks()
    assert next(gen) == 1
    with pytest.raises(PeerResetError):
        next(gen)


def test_generator_decorator_forwards_send_and_return() -> None:
    @normalize
    def echo() -> Iterator[object]:
        received = yield "ready"
        yield received
        return "done"

    gen = echo()
    assert next(gen) == "ready"
    assert gen.send("ping") == "ping"
    with pytest.raises(StopIteration) as stop:
        next(gen)
    assert stop.value.value == "done"


def test_async_generator_is_refused() -> None:
    async def stream() -> AsyncIterator[int]:
        yield 1

    with pytest.raises(TypeError, match="async generator"):
        normalize(stream)


def test_non_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="normalize"):
        normalize("linux")  # type: ignore[call-overload]


def test_normalize_is_exported() -> None:
    assert netcompat.normalize is normalize
    assert "normalize" in netcompat.__all__


# --- real sockets on 127.0.0.1 --------------------------------------------------


def _connected_pair() -> tuple[socket.socket, socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname(), timeout=5)
        peer, _ = server.accept()
    peer.settimeout(5)
    return client, peer


def test_real_reset_on_loopback() -> None:
    client, peer = _connected_pair()
    with client, peer:
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
        peer.close()
        with pytest.raises(PeerResetError) as info, normalize():
            client.recv(16)
    err = info.value
    assert err.kind is ResetKind.RESET
    assert type(err.__cause__) is ConnectionResetError
    assert err.__cause__.errno == errno.ECONNRESET
    assert err.errno == errno.ECONNRESET
    assert err.errname == "ECONNRESET"


def test_real_broken_pipe_on_loopback() -> None:
    client, peer = _connected_pair()
    with client, peer:
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO)
        peer.close()
        with pytest.raises(ConnectionResetError):
            client.recv(16)  # consumes the reset; the next send fails with EPIPE
        with pytest.raises(PeerResetError) as info, normalize():
            client.sendall(b"after the reset")
    assert info.value.kind is ResetKind.BROKEN_PIPE
    assert type(info.value.__cause__) is BrokenPipeError


def test_real_reset_through_asyncio_streams() -> None:
    async def main() -> None:
        async def reset_at_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, LINGER_ZERO
            )
            writer.transport.abort()

        server = await asyncio.start_server(reset_at_once, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:

                @normalize
                async def read() -> bytes:
                    return await asyncio.wait_for(reader.read(16), timeout=5)

                with pytest.raises(PeerResetError) as info:
                    await read()
                assert info.value.kind is ResetKind.RESET
                assert isinstance(info.value.__cause__, ConnectionResetError)
            finally:
                writer.close()
        finally:
            server.close()
            await server.wait_closed()

    asyncio.run(main())
