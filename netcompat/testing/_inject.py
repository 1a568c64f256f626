"""``inject_reset``: make real socket calls fail the way a chosen platform fails them.

How: while an injection is active, the operation's method on
``socket.socket`` (and ``ssl.SSLSocket``, which overrides them) is replaced
by a wrapper; the class attribute affects existing and new sockets alike,
and asyncio's selector loop, ``socketserver``, ``http.client`` (through
``makefile``) and urllib3 all call these methods on the socket objects.
The wrapper asks the active injections whether this call fails; if not, it
calls the real method.  When the last injection of an operation ends, the
class attributes are restored exactly (deleted again where the class only
inherited the C method).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Callable, NamedTuple, Union

from netcompat.testing import _exceptions, _facts

__all__ = ["OPS", "OP_GROUPS", "Injection", "inject_reset", "leftovers"]

#: The socket operations an injection can target.
OPS: tuple[str, ...] = ("recv", "recv_into", "recvfrom", "send", "sendall", "connect", "accept")

#: Names for several operations at once.
OP_GROUPS: dict[str, tuple[str, ...]] = {
    "any_recv": ("recv", "recv_into", "recvfrom"),
    "any_send": ("send", "sendall"),
}

_RECV_OPS = frozenset(OP_GROUPS["any_recv"])
_DATA_OPS = _RECV_OPS | frozenset(OP_GROUPS["any_send"])

_LOCK = threading.RLock()
_MISSING = object()
_local = threading.local()

Address = tuple[Any, ...]
SockFilter = Union[socket.socket, Any, None]


def _depth() -> int:
    depth: int = getattr(_local, "depth", 0)
    return depth


# -- the decision for one call -------------------------------------------------


class _Pass(NamedTuple):
    """Call the real method; ``limit`` caps the bytes it may move (None: no cap)."""

    limit: int | None


class _Fail(NamedTuple):
    """Fail the call: raise ``error`` or, if ``eof``, return an end of stream.

    ``first`` bytes of a ``sendall`` are sent before the error.
    """

    error: BaseException | None
    eof: bool
    first: int | None


_PASS = _Pass(None)


class Injection:
    """One active :func:`inject_reset`: its settings and what it has done so far.

    Attributes:
        platform: whose errors it raises.
        kind: the kind of reset.
        ops: the socket operations it watches.
        calls: matching calls seen until the failures were used up.
        transferred: bytes the matching calls moved before the failure.
        errors: the exceptions raised so far (an end of stream adds none).
        failures: how many calls failed so far (raised or ended the stream).
    """

    def __init__(
        self,
        *,
        platform: str,
        kind: str,
        ops: tuple[str, ...],
        sock: SockFilter,
        peer: Address | None,
        after_calls: int,
        after_bytes: int | None,
        times: int | None,
    ) -> None:
        self.platform = platform
        self.kind = kind
        self.ops = ops
        self._sock = sock
        self._peer = None if peer is None else tuple(peer[:2])
        self.after_calls = after_calls
        self.after_bytes = after_bytes
        self.times = times
        self.calls = 0
        self.transferred = 0
        self.failures = 0
        self.errors: list[BaseException] = []
        self._ssl_class = _ssl_socket_class()
        self._active = False

    def __repr__(self) -> str:
        return (
            f"<Injection {self.kind!r} on {'/'.join(self.ops)} as {self.platform!r}: "
            f"{self.failures} failed of {self.calls} calls>"
        )

    @property
    def exhausted(self) -> bool:
        """Whether every failure it was asked for has happened."""
        return self.times is not None and self.failures >= self.times

    # Called with _LOCK held.
    def _matches(self, op: str, sock: socket.socket, args: tuple[Any, ...]) -> bool:
        if not self._active or self.exhausted or op not in self.ops:
            return False
        if self._sock is not None and sock is not self._sock:
            return False
        if self.kind == "tls_eof" and (
            self._ssl_class is None or not isinstance(sock, self._ssl_class)
        ):
            return False
        if self._peer is not None:
            if op == "connect":
                address = args[0] if args else None
            else:
                try:
                    address = sock.getpeername()
                except OSError:
                    return False
            if not isinstance(address, tuple) or tuple(address[:2]) != self._peer:
                return False
        return True

    def _decide(self, op: str, sock: socket.socket, size: int | None) -> _Pass | _Fail:
        self.calls += 1
        if self.calls <= self.after_calls:
            return _PASS
        first: int | None = None
        if self.after_bytes is not None and self.transferred < self.after_bytes:
            remaining = self.after_bytes - self.transferred
            if op != "sendall" or size is None or size <= remaining:
                return _Pass(remaining)
            first = remaining  # sendall: this much goes out, then the reset
        self.failures += 1
        if self.kind == "remote_disconnected" or (
            self.kind == "tls_eof"
            and op in _RECV_OPS
            and getattr(sock, "suppress_ragged_eofs", False)
        ):
            # The peer closed: a read sees the end of the stream (http.client
            # then raises RemoteDisconnected itself; an SSLSocket with
            # suppress_ragged_eofs turns the TLS EOF into b"").
            return _Fail(None, True, first)
        error = _exceptions.reset_error(self.kind, platform=self.platform, op=op)
        self.errors.append(error)
        return _Fail(error, False, first)

    def _count(self, moved: int) -> None:
        self.transferred += moved

    # The context manager.
    def __enter__(self) -> Injection:
        with _LOCK:
            if self._active:
                raise RuntimeError(f"{self!r} is already active")
            self._active = True
            _ACTIVE.append(self)
            for op in self.ops:
                _install(op)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with _LOCK:
            if not self._active:
                return
            self._active = False
            _ACTIVE.remove(self)
            for op in self.ops:
                _uninstall(op)


_ACTIVE: list[Injection] = []


def _ssl_socket_class() -> type[socket.socket] | None:
    try:
        import ssl
    except ImportError:  # pragma: no cover - Python built without OpenSSL
        return None
    return ssl.SSLSocket


# -- installing and removing the wrappers -------------------------------------------


class _Patch:
    def __init__(self, cls: type, op: str) -> None:
        self.cls = cls
        self.op = op
        self.saved = cls.__dict__.get(op, _MISSING)
        self.real: Callable[..., Any] = getattr(cls, op)


_patches: dict[str, list[_Patch]] = {}
_users: dict[str, int] = {}


def _classes() -> Iterator[type]:
    yield socket.socket
    ssl_class = _ssl_socket_class()
    if ssl_class is not None:
        yield ssl_class


def _install(op: str) -> None:
    _users[op] = _users.get(op, 0) + 1
    if _users[op] > 1:
        return
    patches = []
    for cls in _classes():
        if op not in cls.__dict__ and cls is not socket.socket:
            continue  # inherits socket.socket's wrapper
        patch = _Patch(cls, op)
        setattr(cls, op, _wrapper(op, patch.real))
        patches.append(patch)
    _patches[op] = patches


def _uninstall(op: str) -> None:
    _users[op] -= 1
    if _users[op] > 0:
        return
    del _users[op]
    for patch in _patches.pop(op):
        if patch.saved is _MISSING:
            delattr(patch.cls, op)
        else:
            setattr(patch.cls, op, patch.saved)


def leftovers() -> list[str]:
    """Injections still active and socket methods still replaced."""
    found: list[str] = []
    with _LOCK:
        found.extend(f"{injection!r} is active" for injection in _ACTIVE)
        for cls in _classes():
            for op in OPS:
                method = cls.__dict__.get(op)
                if getattr(method, "__netcompat_injection__", False):
                    found.append(f"{cls.__module__}.{cls.__qualname__}.{op} is replaced")
    return found


# -- the wrapper ------------------------------------------------------------------


def _size_of(op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int | None:
    """Bytes the call asks to move (None: no data operation)."""
    if op in ("send", "sendall"):
        return memoryview(args[0]).nbytes if args else None
    return None


def _capped(
    op: str, limit: int, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The call's arguments, changed so that it moves at most ``limit`` bytes."""
    if op in ("recv", "recvfrom"):
        return (min(args[0], limit), *args[1:]), kwargs
    if op == "recv_into":
        buffer = args[0] if args else kwargs["buffer"]
        kwargs = dict(kwargs)
        kwargs.pop("buffer", None)
        nbytes = args[1] if len(args) > 1 else kwargs.pop("nbytes", 0)
        wanted = nbytes or memoryview(buffer).nbytes
        return (buffer, min(wanted, limit), *args[2:]), kwargs
    if op in ("send", "sendall"):
        data = memoryview(args[0]).cast("B")[:limit]
        return (data, *args[1:]), kwargs
    return args, kwargs


def _moved(op: str, result: Any, size: int | None) -> int:
    """Bytes a call that returned ``result`` moved (``size``: what it was given)."""
    if op == "sendall":
        return size or 0
    if op == "recv":
        return len(result)
    if op == "recvfrom":
        return len(result[0])
    if op in ("recv_into", "send"):
        return int(result)
    return 0


def _end_of_stream(op: str, sock: socket.socket) -> Any:
    if op == "recv":
        return b""
    if op == "recv_into":
        return 0
    if op == "recvfrom":
        return b"", None
    raise AssertionError(f"no end of stream for {op}")  # pragma: no cover - validated


def _unwrap(sock: Any) -> Any:
    """The socket behind asyncio's ``TransportSocket`` (what the loop calls methods on)."""
    inner = getattr(sock, "_sock", None)
    return inner if isinstance(inner, socket.socket) else sock


def _wrapper(op: str, real: Callable[..., Any]) -> Callable[..., Any]:
    def method(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if _depth() or not _ACTIVE:
            return real(self, *args, **kwargs)
        decision: _Pass | _Fail = _PASS
        owner: Injection | None = None
        with _LOCK:
            for injection in reversed(_ACTIVE):  # the innermost decides
                if injection._matches(op, self, args):
                    owner = injection
                    decision = injection._decide(op, self, _size_of(op, args, kwargs))
                    break
        _local.depth = _depth() + 1
        try:
            if isinstance(decision, _Fail):
                if decision.first is not None and decision.first > 0:
                    args, kwargs = _capped(op, decision.first, args, kwargs)
                    real(self, *args, **kwargs)
                    with _LOCK:
                        assert owner is not None
                        owner._count(decision.first)
                if decision.eof:
                    return _end_of_stream(op, self)
                assert decision.error is not None
                raise decision.error
            if decision.limit is not None:
                args, kwargs = _capped(op, decision.limit, args, kwargs)
            result = real(self, *args, **kwargs)
            if owner is not None:
                moved = _moved(op, result, _size_of(op, args, kwargs))
                with _LOCK:
                    owner._count(moved)
            return result
        finally:
            _local.depth -= 1

    method.__name__ = method.__qualname__ = op
    method.__doc__ = getattr(real, "__doc__", None)
    method.__netcompat_injection__ = True  # type: ignore[attr-defined]
    return method


# -- the public entry point ----------------------------------------------------------


def _count(name: str, value: object, *, minimum: int, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"inject_reset(): {name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"inject_reset(): {name} must be >= {minimum}, got {value!r}")
    return value


def _ops(op: str) -> tuple[str, ...]:
    if not isinstance(op, str):
        raise TypeError(f"inject_reset(): op must be a str, not {type(op).__name__}")
    if op in OP_GROUPS:
        return OP_GROUPS[op]
    if op not in OPS:
        known = ", ".join(repr(name) for name in (*OPS, *OP_GROUPS))
        raise ValueError(f"inject_reset(): unknown op {op!r}: expected one of {known}")
    return (op,)


def inject_reset(
    *,
    platform: str | None = None,
    kind: str = "reset",
    op: str = "recv",
    sock: Any = None,
    peer: Address | None = None,
    after_calls: int = 0,
    after_bytes: int | None = None,
    times: int | None = 1,
) -> Injection:
    """Make real socket calls fail the way ``platform`` fails them, inside a ``with`` block.

    Counting is exact and only covers matching calls: calls of ``op`` on the
    chosen sockets.  The first ``after_calls`` of them run normally; then, once
    ``after_bytes`` bytes have moved (calls are shortened so that exactly that
    many do), the next ``times`` matching calls fail.  A failing call does no
    I/O (a ``sendall`` cut by ``after_bytes`` sends its first bytes, then
    fails); once the failures are used up, the socket works again.  When
    several injections match a call, the one entered last decides.

    Works for every ``socket.socket`` (existing ones and ones created inside
    the block) and ``ssl.SSLSocket``, whoever calls the method: your code,
    ``socketserver``, ``http.client`` (it reads with ``recv_into`` through
    ``makefile``), urllib3 and requests, asyncio's selector event loop.  The
    libraries wrap the error as they always do.  A non-blocking reader only
    calls ``recv`` once the socket is readable, so the peer must send
    something (or close) for a read to fail there.

    Args:
        platform: whose error to raise; None for the enclosing
            :func:`simulate_platform`, else the running platform.
        kind: ``"reset"`` (``ConnectionResetError``), ``"aborted"``,
            ``"broken_pipe"``, ``"shutdown"``, ``"network_reset"``,
            ``"not_connected"``, ``"tls_eof"`` (``ssl.SSLEOFError``; only on
            ``ssl.SSLSocket``; a read with ``suppress_ragged_eofs`` sees end of
            stream, as it does for a real one), ``"remote_disconnected"`` (the
            peer closed: a read returns end of stream, and ``http.client``
            raises ``RemoteDisconnected``; receive operations only),
            ``"proactor"`` (Windows' asyncio proactor: errno 22 with
            ``winerror`` ERROR_NETNAME_DELETED) or ``"proactor_aborted"``
            (``winerror`` ERROR_CONNECTION_ABORTED); the proactor kinds need
            ``platform="win32"``.
        op: ``"recv"`` (default), ``"recv_into"``, ``"recvfrom"``, ``"send"``,
            ``"sendall"``, ``"connect"``, ``"accept"``, or ``"any_recv"`` /
            ``"any_send"`` for all of the receive or send operations.
        sock: only this socket (an asyncio ``TransportSocket`` stands for
            its socket); default every socket.
        peer: only sockets connected (or, for ``connect``, connecting) to
            this ``(host, port)``: a client's sockets, wherever a library
            made them.
        after_calls: matching calls that succeed first.
        after_bytes: bytes that go through first (data operations only).
        times: how many matching calls fail; None for every one until the
            block ends.

    Returns:
        The :class:`Injection`, a context manager; ``with`` gives it back, so
        ``as inj`` lets a test read ``inj.failures`` and ``inj.errors``.

    Raises:
        ValueError: an unknown ``platform``, ``kind`` or ``op``, a negative
            count, ``times=0``, ``after_bytes`` with ``connect``/``accept``,
            ``remote_disconnected`` with a send or connect operation, ``peer``
            with ``accept``, or a proactor kind off ``win32``.
        TypeError: an argument of the wrong type.
    """
    key = _exceptions.platform_or_current(platform)
    ops = _ops(op)
    if not isinstance(kind, str):
        raise TypeError(f"inject_reset(): kind must be a str, not {type(kind).__name__}")
    for name in ops:
        _facts.shape(kind, key, name)  # unknown kind, proactor off win32
    calls = _count("after_calls", after_calls, minimum=0)
    assert calls is not None
    nbytes = _count("after_bytes", after_bytes, minimum=0, optional=True)
    failures = _count("times", times, minimum=1, optional=True)
    if nbytes is not None and not set(ops) <= _DATA_OPS:
        raise ValueError(f"inject_reset(): after_bytes only applies to data operations, not {op!r}")
    if kind == "remote_disconnected" and not set(ops) <= _RECV_OPS:
        raise ValueError(
            "inject_reset(): 'remote_disconnected' is the peer closing the stream; "
            f"it happens to receive operations, not {op!r}"
        )
    if peer is not None and "accept" in ops:
        raise ValueError(
            "inject_reset(): peer= cannot select an accept; pass the listener as sock="
        )
    if peer is not None and not isinstance(peer, tuple):
        raise TypeError(f"inject_reset(): peer must be a (host, port) tuple, not {peer!r}")
    if sock is not None:
        sock = _unwrap(sock)
        if not isinstance(sock, socket.socket):
            raise TypeError(f"inject_reset(): sock must be a socket, not {type(sock).__name__}")
    return Injection(
        platform=key,
        kind=kind,
        ops=ops,
        sock=sock,
        peer=peer,
        after_calls=calls,
        after_bytes=nbytes,
        times=failures,
    )
