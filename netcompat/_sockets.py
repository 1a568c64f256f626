"""Socket helpers: reads and writes that raise one reset exception, and a graceful close.

``recv``, ``recv_exactly`` and ``sendall`` are thin wrappers over the socket
methods of the same name.  They change one thing: an error that means "the
peer went away" (whatever errno, winerror or exception class the platform used
for it) comes out as :class:`netcompat.PeerResetError`, raised ``from`` the
original error.  Everything else (timeouts, refused connections, TLS errors
that are not a reset, ...) propagates untouched.

``graceful_close`` is the server-side fix for "the client got a reset instead
of my response": see its docstring.
"""

from __future__ import annotations

import errno
import socket
import time
from typing import TYPE_CHECKING

from netcompat._classify import is_reset, peer_reset_from

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = [
    "ShortReadError",
    "graceful_close",
    "recv",
    "recv_exactly",
    "sendall",
]

#: Default total time, in seconds, that :func:`graceful_close` waits for the
#: peer to finish sending and close its side.
DEFAULT_CLOSE_TIMEOUT = 2.0

#: Default cap, in bytes, on what :func:`graceful_close` reads and discards.
DEFAULT_CLOSE_MAX_DRAIN = 16 * 1024 * 1024

# Size of the scratch buffer the drain reads into (one allocation per close).
_DRAIN_CHUNK = 64 * 1024

# Errors that, next to the resets ``is_reset`` knows, only say that there is no
# connection left to linger on: the peer is gone or the socket already closed.
_GONE_ERRNOS = frozenset({errno.ENOTCONN, errno.EBADF})


class ShortReadError(EOFError):
    """The peer closed the connection before :func:`recv_exactly` got all its bytes.

    A subclass of :class:`EOFError`, so code that already treats ``EOFError``
    as "the stream ended" keeps working.

    Attributes:
        expected: How many bytes were asked for.
        received: How many arrived before the end of the stream.
        partial: The bytes that did arrive (``len(partial) == received``).
    """

    def __init__(self, expected: int, partial: bytes) -> None:
        super().__init__(expected, partial)
        self.expected = expected
        self.partial = partial
        self.received = len(partial)

    def __str__(self) -> str:
        return f"connection closed after {self.received} of {self.expected} expected bytes"


def recv(sock: socket.socket, bufsize: int, flags: int = 0, *, reset_as_eof: bool = False) -> bytes:
    """Call ``sock.recv(bufsize, flags)``, turning a peer reset into one exception.

    Args:
        sock: A connected stream socket (an :class:`ssl.SSLSocket` works too).
        bufsize: Most bytes to read, as for :meth:`socket.socket.recv`.
        flags: Flags for :meth:`socket.socket.recv`.
        reset_as_eof: Return ``b""`` when the peer reset the connection, as if it
            had closed it cleanly.  Use it where a reset and an EOF mean the same
            thing to you ("the other side is gone").

    Returns:
        The bytes read; ``b""`` at end of stream (or on a reset with
        ``reset_as_eof``).

    Raises:
        PeerResetError: The peer reset or aborted the connection (and
            ``reset_as_eof`` is false).  ``__cause__`` is the original error.
        OSError: Any other socket error, unchanged (``TimeoutError`` /
            ``socket.timeout``, ``ConnectionRefusedError``, ...).
    """
    try:
        return sock.recv(bufsize, flags)
    except OSError as exc:
        err = peer_reset_from(exc)
        if err is None:
            raise
        if reset_as_eof:
            return b""
        if err is exc:
            raise
        raise err from exc


def recv_exactly(sock: socket.socket, n: int, *, reset_as_eof: bool = False) -> bytes:
    """Read exactly ``n`` bytes from ``sock``, looping over short reads.

    Reads straight into one preallocated buffer (``recv_into``), so a large
    ``n`` costs one allocation and one final copy.

    Args:
        sock: A connected stream socket (an :class:`ssl.SSLSocket` works too).
        n: How many bytes to read (``0`` returns ``b""`` without reading).
        reset_as_eof: Treat a peer reset as the end of the stream.  The read then
            still ends in :class:`ShortReadError` when bytes are missing, with
            the :class:`PeerResetError` as its ``__cause__``: a reset never
            turns into a silently short result.

    Returns:
        Exactly ``n`` bytes.

    Raises:
        ValueError: ``n`` is negative.
        ShortReadError: The stream ended (or was reset, with ``reset_as_eof``)
            before ``n`` bytes arrived.  ``.partial`` holds what did arrive.
        PeerResetError: The peer reset or aborted the connection (and
            ``reset_as_eof`` is false).  ``__cause__`` is the original error.
        OSError: Any other socket error, unchanged (a timeout loses the bytes
            read so far; set a timeout that fits the whole message).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        try:
            count = sock.recv_into(view[got:], n - got)
        except OSError as exc:
            err = peer_reset_from(exc)
            if err is None:
                raise
            if not reset_as_eof:
                if err is exc:
                    raise
                raise err from exc
            if err is not exc:
                err.__cause__ = exc
            raise ShortReadError(n, bytes(view[:got])) from err
        if count == 0:
            raise ShortReadError(n, bytes(view[:got]))
        got += count
    return bytes(buf)


def sendall(sock: socket.socket, data: ReadableBuffer, flags: int = 0) -> None:
    """Call ``sock.sendall(data, flags)``, turning a peer reset into one exception.

    As with :meth:`socket.socket.sendall`, when it raises there is no telling
    how much of ``data`` reached the peer.

    Args:
        sock: A connected stream socket (an :class:`ssl.SSLSocket` works too).
        data: The bytes to send.
        flags: Flags for :meth:`socket.socket.sendall`.

    Raises:
        PeerResetError: The peer reset the connection or is gone (a broken pipe
            counts: its ``kind`` tells which).  ``__cause__`` is the original
            error.
        OSError: Any other socket error, unchanged.
    """
    try:
        sock.sendall(data, flags)
    except OSError as exc:
        err = peer_reset_from(exc)
        if err is None:
            raise
        if err is exc:
            raise
        raise err from exc


def _peer_gone(exc: OSError) -> bool:
    """Whether ``exc`` only says there is no connection left to linger on."""
    return exc.errno in _GONE_ERRNOS or is_reset(exc)


def graceful_close(
    sock: socket.socket,
    *,
    timeout: float = DEFAULT_CLOSE_TIMEOUT,
    max_drain: int = DEFAULT_CLOSE_MAX_DRAIN,
) -> int:
    """Close a connection so that the peer gets a FIN and all of our data, not a reset.

    Why: when a socket is closed while bytes the application never read sit in
    its receive buffer, or arrive afterwards, Linux (and other stacks) answer
    with a TCP RST, not a FIN.  The peer then gets "connection reset by peer",
    often while it is still sending a request body, and may never read the
    response that was sent just before.  The classic case is a server that
    answers 413 or 401 without reading an upload, then closes.

    What it does, the "lingering close" of Apache httpd and nginx:

    1. ``shutdown(SHUT_WR)``: send a FIN after the data already queued, so the
       peer sees the whole response and then end-of-stream.
    2. Read and discard whatever the peer still sends, until it closes its side
       (EOF), ``timeout`` seconds have passed in total, or ``max_drain`` bytes
       were discarded, whichever comes first.  Every read waits at most the
       time left, so the call is bounded in time and in bytes.
    3. ``close()``.  If a bound was hit with data still coming, the kernel may
       still send a reset then: never worse than closing right away.

    Defaults: ``timeout=2.0`` seconds in total, ``max_drain=16 MiB``.  The time
    bound is what protects a server from a peer that never closes; like the
    2-second read wait of Apache's lingering close (30 seconds in all) and
    nginx's ``lingering_timeout`` / ``lingering_time`` (5 s / 30 s), it is
    short, because a well-behaved client closes as soon as it has read the
    response.  The byte cap only limits the work spent on a fast peer that
    keeps sending: it is generous on purpose, so that an upload of several
    megabytes that was refused early is drained (loopback does that in
    milliseconds) and its sender gets the response instead of a reset.  A small
    cap (tens of KiB) would give up on exactly the uploads that need it.

    On a single-threaded server this call blocks the server for up to
    ``timeout`` per connection whose peer does not close; lower it there.

    The socket is always closed at the end (its timeout is not restored), and
    calling this again on a closed socket does nothing and returns ``0``.

    Args:
        sock: A connected stream socket.  An :class:`ssl.SSLSocket` is shut
            down at the TCP level (no TLS close_notify) and drained raw.
        timeout: Most seconds to spend draining, in total.  ``0`` closes right
            after the shutdown.
        max_drain: Most bytes to read and discard.  ``0`` closes right after
            the shutdown.

    Returns:
        The number of bytes read and discarded.

    Raises:
        ValueError: ``timeout`` or ``max_drain`` is negative.
        OSError: A socket error that does not mean the peer is gone, raised
            after the socket was closed.  A reset, a peer that is not connected
            any more, an already-closed socket and a timeout never raise.
    """
    if timeout < 0:
        raise ValueError(f"timeout must be >= 0, not {timeout}")
    if max_drain < 0:
        raise ValueError(f"max_drain must be >= 0, not {max_drain}")
    try:
        if sock.fileno() == -1:
            return 0
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            # No FIN can be sent: the connection is already gone (ENOTCONN, which
            # macOS also reports once the peer has closed; EBADF; a reset).
            # Nothing to linger on.
            return 0
        return _drain(sock, timeout, max_drain)
    finally:
        try:
            sock.close()
        except OSError as exc:
            # EBADF: the descriptor was closed behind the socket object's back.
            if exc.errno != errno.EBADF:
                raise


def _drain(sock: socket.socket, timeout: float, max_drain: int) -> int:
    """Read and discard until EOF, the deadline or ``max_drain`` bytes."""
    deadline = time.monotonic() + timeout
    view = memoryview(bytearray(min(_DRAIN_CHUNK, max_drain)))
    drained = 0
    while drained < max_drain:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock.settimeout(remaining)
        try:
            count = sock.recv_into(view, min(len(view), max_drain - drained))
        except socket.timeout:
            break
        except OSError as exc:
            if _peer_gone(exc):
                break
            raise
        if count == 0:
            break
        drained += count
    return drained
