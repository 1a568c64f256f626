"""recv, recv_exactly and sendall on real loopback sockets: real RSTs, real EPIPEs.

At the end, what NC101's datagram decision rests on: a UDP send meets no reset.

Each "peer went away" case is produced for real (an RST by closing with
``SO_LINGER`` on and a zero timeout, an EPIPE by writing after the peer
closed), and each look-alike that is not a reset (clean EOF, refused
connection, timeout) must pass through untouched.
"""

from __future__ import annotations

import errno
import pickle
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING

import pytest
from _net import (
    LOCALHOST,
    TIMEOUT,
    abort,
    connected_pair,
    expected_kind,
    in_thread,
    tcp_pair,
    unused_port,
    wait_readable,
)

import netcompat
from netcompat import PeerResetError, ResetKind, ShortReadError
from netcompat._classify import peer_reset_from

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

#: How many writes it may take after an RST or a FIN before the kernel reports it.
SEND_ATTEMPTS = 5
CHUNK = b"d" * 65536


def reset_server_side() -> tuple[socket.socket, socket.socket]:
    """A pair whose client end was aborted (RST), with the RST already arrived."""
    client, server = tcp_pair()
    abort(client)
    wait_readable(server)
    return client, server


def send_until_error(sock: socket.socket) -> PeerResetError:
    """netcompat.sendall until it raises; at most SEND_ATTEMPTS times."""
    for _ in range(SEND_ATTEMPTS):
        try:
            netcompat.sendall(sock, CHUNK)
        except PeerResetError as err:
            return err
        time.sleep(0.01)  # give the peer's RST time to come back
    raise AssertionError(f"no error after {SEND_ATTEMPTS} sends")


def assert_translated(err: PeerResetError) -> OSError:
    """``err`` came from a real OSError and its kind matches that errno."""
    cause = err.__cause__
    assert isinstance(cause, OSError)
    assert not isinstance(cause, PeerResetError)
    assert err.original is cause
    assert err.errno == cause.errno
    assert err.kind == expected_kind(cause), (err.kind, errno.errorcode.get(cause.errno or 0))
    return cause


# --- recv ---------------------------------------------------------------------


def test_recv_rst_raises_peer_reset_error() -> None:
    _, server = reset_server_side()
    with server, pytest.raises(PeerResetError) as info:
        netcompat.recv(server, 65536)
    cause = assert_translated(info.value)
    assert isinstance(cause, ConnectionResetError)
    assert cause.errno == errno.ECONNRESET
    assert info.value.kind is ResetKind.RESET


def test_recv_rst_as_eof() -> None:
    _, server = reset_server_side()
    with server:
        assert netcompat.recv(server, 65536, reset_as_eof=True) == b""


def test_recv_returns_data_then_reset() -> None:
    client, server = tcp_pair()
    with server:
        client.sendall(b"last words")
        abort(client)
        wait_readable(server)
        assert netcompat.recv(server, 65536) == b"last words"
        with pytest.raises(PeerResetError):
            netcompat.recv(server, 65536)


def test_clean_eof_is_not_a_reset() -> None:
    with connected_pair() as (client, server):
        client.close()
        assert netcompat.recv(server, 65536) == b""


def test_timeout_is_not_a_reset() -> None:
    with connected_pair() as (_, server):
        server.settimeout(0.05)
        with pytest.raises(socket.timeout) as info:
            netcompat.recv(server, 65536)
        assert not isinstance(info.value, PeerResetError)
        assert not netcompat.is_reset(info.value)


def test_refused_connection_is_not_a_reset() -> None:
    port = unused_port()
    with socket.socket() as sock:
        with pytest.raises(ConnectionRefusedError) as info:
            sock.connect(("127.0.0.1", port))
        assert not netcompat.is_reset(info.value)
        assert peer_reset_from(info.value) is None


def test_recv_lets_a_refused_connection_through() -> None:
    # A non-blocking connect that was refused reports it on the next read.
    port = unused_port()
    with socket.socket() as sock:
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", port))
        wait_readable(sock)
        with pytest.raises(ConnectionRefusedError) as info:
            netcompat.recv(sock, 1)
        assert not isinstance(info.value, PeerResetError)


def test_makefile_read_sees_the_reset() -> None:
    _, server = reset_server_side()
    with server, server.makefile("rb") as stream:
        with pytest.raises(ConnectionResetError) as info:
            stream.read()
        err = peer_reset_from(info.value)
        assert err is not None
        assert err.kind is ResetKind.RESET
        assert err.original is info.value


def test_an_existing_peer_reset_error_is_reraised_as_is() -> None:
    class AlreadyTranslated(socket.socket):
        def recv(self, bufsize: int, flags: int = 0) -> bytes:
            raise PeerResetError(ConnectionResetError(errno.ECONNRESET, "reset"))

    with AlreadyTranslated() as sock, pytest.raises(PeerResetError) as info:
        netcompat.recv(sock, 1)
    assert info.value.__cause__ is None


# --- sendall -----------------------------------------------------------------


def test_sendall_after_rst() -> None:
    _, server = reset_server_side()
    with server:
        err = send_until_error(server)
    cause = assert_translated(err)
    assert err.kind in (ResetKind.RESET, ResetKind.BROKEN_PIPE)
    assert isinstance(cause, (ConnectionResetError, BrokenPipeError))


def test_sendall_after_peer_closed_is_a_broken_pipe() -> None:
    # The peer closed cleanly: the first write is answered with an RST, and
    # the writes after that fail with EPIPE.
    kinds = []
    with connected_pair() as (client, server):
        client.close()
        wait_readable(server)
        for _ in range(SEND_ATTEMPTS):
            try:
                netcompat.sendall(server, CHUNK)
            except PeerResetError as err:
                assert_translated(err)
                kinds.append(err.kind)
            time.sleep(0.01)
    assert ResetKind.BROKEN_PIPE in kinds


def test_sendall_to_a_live_peer_sends_everything() -> None:
    with connected_pair() as (client, server):
        netcompat.sendall(server, memoryview(b"0123456789"))
        assert netcompat.recv_exactly(client, 10) == b"0123456789"


# --- recv_exactly -----------------------------------------------------------


class SteppingSocket(socket.socket):
    """A socket that counts its ``recv_into`` calls and signals each one."""

    def __init__(self, fileno: int) -> None:
        super().__init__(fileno=fileno)
        self.reads = 0
        self.read_done = threading.Semaphore(0)

    def recv_into(self, buffer: WriteableBuffer, nbytes: int = 0, flags: int = 0) -> int:
        count = super().recv_into(buffer, nbytes, flags)
        self.reads += 1
        self.read_done.release()
        return count


def test_recv_exactly_across_several_small_sends() -> None:
    pieces = [bytes([65 + i]) * (i + 1) for i in range(8)]
    whole = b"".join(pieces)
    with connected_pair() as (client, server):
        reader = SteppingSocket(server.detach())
        reader.settimeout(TIMEOUT)
        acked: list[bool] = []

        def trickle() -> None:
            # The next piece only leaves once the reader took the previous one,
            # so recv_exactly has to loop once per piece.
            for piece in pieces:
                client.sendall(piece)
                acked.append(reader.read_done.acquire(timeout=TIMEOUT))

        with reader:
            writer = in_thread(trickle)
            assert netcompat.recv_exactly(reader, len(whole)) == whole
            writer.join(TIMEOUT)
        assert acked == [True] * len(pieces)
        assert reader.reads == len(pieces)


def test_recv_exactly_leaves_the_rest_unread() -> None:
    with connected_pair() as (client, server):
        client.sendall(b"headbody")
        assert netcompat.recv_exactly(server, 4) == b"head"
        assert netcompat.recv_exactly(server, 4) == b"body"


def test_recv_exactly_zero_and_negative() -> None:
    with connected_pair() as (_, server):
        assert netcompat.recv_exactly(server, 0) == b""
        with pytest.raises(ValueError):
            netcompat.recv_exactly(server, -1)


def test_recv_exactly_short_read_on_early_close() -> None:
    with connected_pair() as (client, server):
        client.sendall(b"0123456789")
        client.close()
        with pytest.raises(ShortReadError) as info:
            netcompat.recv_exactly(server, 20)
    err = info.value
    assert isinstance(err, EOFError)
    assert (err.expected, err.received, err.partial) == (20, 10, b"0123456789")
    assert "10 of 20" in str(err)


def test_recv_exactly_reset_mid_read() -> None:
    client, server = tcp_pair()
    with server:
        client.sendall(b"01234")
        abort(client)
        wait_readable(server)
        with pytest.raises(PeerResetError) as info:
            netcompat.recv_exactly(server, 20)
    assert_translated(info.value)


def test_recv_exactly_reset_as_eof_still_reports_the_short_read() -> None:
    client, server = tcp_pair()
    with server:
        client.sendall(b"01234")
        abort(client)
        wait_readable(server)
        with pytest.raises(ShortReadError) as info:
            netcompat.recv_exactly(server, 20, reset_as_eof=True)
    assert info.value.partial == b"01234"
    reset = info.value.__cause__
    assert isinstance(reset, PeerResetError)
    assert_translated(reset)


def test_short_read_error_pickles() -> None:
    err = pickle.loads(pickle.dumps(ShortReadError(8, b"abc")))
    assert (err.expected, err.received, err.partial) == (8, 3, b"abc")


# --- what NC101 leaves alone: datagram sends ------------------------------------
# NC101 does not report sends on datagram sockets: UDP has no connection to reset.
# These tests hold that decision to the platform the suite runs on.


def _unused_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((LOCALHOST, 0))
        port: int = probe.getsockname()[1]
    return port


def _send_errors(sock: socket.socket, attempts: int = SEND_ATTEMPTS) -> list[OSError]:
    """Send ``attempts`` datagrams, giving an ICMP reply time to arrive between them."""
    errors: list[OSError] = []
    for _ in range(attempts):
        try:
            sock.send(b"x")
        except OSError as err:
            errors.append(err)
        time.sleep(0.02)
    return errors


@pytest.mark.skipif(sys.platform == "win32", reason="Windows reports the ICMP error to receives")
def test_a_udp_send_to_a_closed_port_is_refused_not_reset() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect((LOCALHOST, _unused_udp_port()))
        errors = _send_errors(sock)
    assert errors, "no ICMP port unreachable came back"
    assert all(isinstance(err, ConnectionRefusedError) for err in errors), errors


# Windows differs on receives, not sends: a datagram refused by ICMP makes the
# socket's next recvfrom() fail with WSAECONNRESET (Microsoft's WSARecvFrom
# reference, "WSAECONNRESET ... For a UDP datagram socket"; SIO_UDP_CONNRESET
# turns it off).  No test here: this machine cannot raise it.


def test_unconnected_udp_sends_never_raise_a_reset() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((LOCALHOST, 0))
        target = (LOCALHOST, _unused_udp_port())
        for _ in range(SEND_ATTEMPTS):
            sock.sendto(b"x", target)  # an unconnected socket gets no ICMP error on a send
            time.sleep(0.02)
