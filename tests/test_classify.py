"""classify(), is_reset(), peer_reset_from() and PeerResetError.

Exceptions of other platforms are built by hand: their numbers come from the
table, and they are instances of ``HandBuiltOSError`` (a plain subclass), since
``OSError(number, ...)`` itself would pick a Linux subclass for the number.
Library wrappers are imitated by classes defined here; no library is imported.
"""

from __future__ import annotations

import copy
import errno
import http.client
import os
import pickle
import socket
import ssl
import struct
import urllib.error
from typing import Any, Callable

import pytest

import netcompat
from netcompat import PeerResetError, ResetKind, classify, is_reset
from netcompat._classify import peer_reset_from
from netcompat._errnos import ERRNO_FACTS, PLATFORMS, WINERROR_FACTS

FACTS = {fact.name: fact for fact in ERRNO_FACTS}
RESET_MESSAGE = os.strerror(errno.ECONNRESET)


class HandBuiltOSError(OSError):
    """An OSError whose class does not depend on the number it is given."""


def hand_built(number: int, *, winerror: int | None = None) -> OSError:
    exc = HandBuiltOSError(number, "hand-built")
    if winerror is not None:
        # On POSIX OSError has no winerror slot, but instances take attributes.
        exc.winerror = winerror
    return exc


def reset_error() -> ConnectionResetError:
    return ConnectionResetError(errno.ECONNRESET, RESET_MESSAGE)


def raised_from(outer: BaseException, inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer from exc
    except BaseException as exc:
        return exc


def raised_while_handling(outer: BaseException, inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException:
            raise outer  # noqa: B904 - implicit chaining is the point
    except BaseException as exc:
        return exc


# --- imitations of library wrappers (shape only) ---------------------------


class Urllib3HTTPError(Exception):
    pass


class ProtocolError(Urllib3HTTPError):
    """urllib3.exceptions.ProtocolError: ('Connection aborted.', err) in args."""


class MaxRetryError(Urllib3HTTPError):
    """urllib3.exceptions.MaxRetryError: the cause in ``.reason``."""

    def __init__(self, pool: object, url: str, reason: BaseException | None = None) -> None:
        self.reason = reason
        super().__init__(f"Max retries exceeded with url: {url} (Caused by {reason!r})")


class ProxyError(Urllib3HTTPError):
    """urllib3.exceptions.ProxyError: the cause in ``.original_error``."""

    def __init__(self, message: str, error: BaseException) -> None:
        super().__init__(message, error)
        self.original_error = error


class RequestException(OSError):
    """requests.exceptions.RequestException is an IOError subclass."""

    def __init__(self, *args: object, request: object = None) -> None:
        self.request = request
        super().__init__(*args)


class RequestsConnectionError(RequestException):
    """requests.exceptions.ConnectionError wraps a urllib3 error in args."""


class ClientError(Exception):
    pass


class ClientConnectionError(ClientError):
    pass


class ClientOSError(ClientConnectionError, OSError):
    """aiohttp.ClientOSError: an OSError that is not a ConnectionResetError."""


class ClientConnectorError(ClientOSError):
    """aiohttp.ClientConnectorError: the cause in the ``os_error`` property."""

    def __init__(self, connection_key: object, os_error: OSError) -> None:
        # (aiohttp also copies errno; left out so only the property leads on)
        self._os_error = os_error
        super().__init__(f"Cannot connect to host {connection_key}")

    @property
    def os_error(self) -> OSError:
        return self._os_error


class BrokenResourceError(Exception):
    """anyio.BrokenResourceError, raised ``from`` the OSError."""


class StreamClosedError(OSError):
    """tornado.iostream.StreamClosedError: the cause in ``.real_error``."""

    def __init__(self, real_error: BaseException | None = None) -> None:
        super().__init__("Stream is closed")
        self.real_error = real_error


class RedisError(Exception):
    pass


class RedisConnectionError(RedisError):
    """redis-py raises its ConnectionError inside ``except``, without ``from``."""


# Both libraries call theirs "ConnectionError"; that name is what is matched.
for _cls in (RequestsConnectionError, RedisConnectionError):
    _cls.__name__ = _cls.__qualname__ = "ConnectionError"


# --- the cases -----------------------------------------------------------------

RESET_CASES: list[Any] = [
    pytest.param(reset_error, None, ResetKind.RESET, id="connection_reset_error_errno"),
    pytest.param(
        lambda: OSError(errno.ECONNABORTED, "x"), None, ResetKind.ABORTED, id="econnaborted"
    ),
    pytest.param(lambda: OSError(errno.EPIPE, "x"), None, ResetKind.BROKEN_PIPE, id="epipe"),
    pytest.param(lambda: OSError(errno.ESHUTDOWN, "x"), None, ResetKind.SHUTDOWN, id="eshutdown"),
    pytest.param(
        lambda: OSError(errno.ENETRESET, "x"), None, ResetKind.NETWORK_RESET, id="enetreset"
    ),
    pytest.param(
        lambda: OSError(errno.ENOTCONN, "x"), None, ResetKind.NOT_CONNECTED, id="enotconn"
    ),
    pytest.param(ConnectionResetError, None, ResetKind.RESET, id="bare_connection_reset_error"),
    pytest.param(
        ConnectionAbortedError, None, ResetKind.ABORTED, id="bare_connection_aborted_error"
    ),
    pytest.param(BrokenPipeError, None, ResetKind.BROKEN_PIPE, id="bare_broken_pipe_error"),
    pytest.param(
        lambda: ConnectionResetError("Cannot write to closing transport"),
        None,
        ResetKind.RESET,
        id="connection_reset_error_with_message_only",
    ),
    pytest.param(
        lambda: http.client.RemoteDisconnected("Remote end closed connection without response"),
        None,
        ResetKind.REMOTE_DISCONNECTED,
        id="http_client_remote_disconnected",
    ),
    pytest.param(
        lambda: ssl.SSLEOFError(ssl.SSL_ERROR_EOF, "EOF occurred in violation of protocol"),
        None,
        ResetKind.TLS_EOF,
        id="ssl_eof_error",
    ),
    pytest.param(
        lambda: ssl.SSLZeroReturnError(ssl.SSL_ERROR_ZERO_RETURN, "TLS/SSL connection closed"),
        None,
        ResetKind.TLS_EOF,
        id="ssl_zero_return_error",
    ),
    pytest.param(
        lambda: hand_built(FACTS["ECONNRESET"].darwin),
        "darwin",
        ResetKind.RESET,
        id="macos_errno_54_hand_built",
    ),
    pytest.param(
        lambda: hand_built(FACTS["EPROTOTYPE"].darwin),
        "darwin",
        ResetKind.BROKEN_PIPE,
        id="macos_eprototype_on_send_hand_built",
    ),
    pytest.param(
        lambda: hand_built(FACTS["ECONNRESET"].freebsd),
        "freebsd",
        ResetKind.RESET,
        id="freebsd_errno_54_hand_built",
    ),
    pytest.param(
        lambda: hand_built(FACTS["ECONNRESET"].wsa, winerror=FACTS["ECONNRESET"].wsa),
        "win32",
        ResetKind.RESET,
        id="windows_wsaeconnreset_10054_hand_built",
    ),
    pytest.param(
        lambda: hand_built(FACTS["ECONNRESET"].win32_crt),
        "win32",
        ResetKind.RESET,
        id="windows_crt_econnreset_108_hand_built",
    ),
    pytest.param(
        lambda: hand_built(FACTS["ECONNABORTED"].wsa, winerror=FACTS["ECONNABORTED"].wsa),
        "win32",
        ResetKind.ABORTED,
        id="windows_wsaeconnaborted_10053_hand_built",
    ),
    pytest.param(
        lambda: hand_built(errno.EINVAL, winerror=FACTS["ECONNRESET"].wsa),
        None,
        ResetKind.RESET,
        id="windows_winerror_10054_attribute_on_any_platform_hand_built",
    ),
    pytest.param(
        lambda: hand_built(errno.EINVAL, winerror=WINERROR_FACTS[0].code),
        None,
        ResetKind.RESET,
        id="windows_winerror_64_netname_deleted_hand_built",
    ),
    pytest.param(
        lambda: _proactor_reset(),
        "win32",
        ResetKind.RESET,
        id="windows_asyncio_proactor_errno_22_winerror_64_hand_built",
    ),
]


def _proactor_reset() -> ConnectionResetError:
    # asyncio's proactor re-raises ERROR_NETNAME_DELETED as
    # ConnectionResetError(*exc.args): errno EINVAL, winerror 64.
    netname_deleted = next(f for f in WINERROR_FACTS if f.name == "ERROR_NETNAME_DELETED")
    exc = ConnectionResetError(
        netname_deleted.errno, "The specified network name is no longer available", None
    )
    exc.winerror = netname_deleted.code
    return exc


@pytest.mark.parametrize(("make", "platform", "kind"), RESET_CASES)
def test_reset_shapes(
    make: Callable[[], BaseException], platform: str | None, kind: ResetKind
) -> None:
    exc = make()
    assert classify(exc, platform=platform) is kind
    assert is_reset(exc, platform=platform)


@pytest.mark.parametrize("fact", WINERROR_FACTS, ids=lambda fact: f"{fact.name}_hand_built")
def test_windows_winerror_facts_hand_built(fact: Any) -> None:
    # errno is what CPython puts beside the winerror (EINVAL or EPIPE): only
    # the winerror says "reset", so use a class that does not say it too.
    exc = hand_built(fact.errno, winerror=fact.code)
    assert classify(exc, platform="win32") is ResetKind(fact.kind)
    assert classify(exc, platform="linux") is ResetKind(fact.kind)


def test_errno_einval_without_winerror_is_not_a_reset() -> None:
    assert classify(hand_built(errno.EINVAL)) is None


PLATFORM_ROWS = [
    pytest.param(key, fact, id=f"{key}-{fact.name}") for key in PLATFORMS for fact in ERRNO_FACTS
]


@pytest.mark.parametrize(("platform", "fact"), PLATFORM_ROWS)
def test_every_table_number_classifies_as_its_row_says_hand_built(platform: str, fact: Any) -> None:
    expected = fact.kind if fact.kind and (not fact.only_on or platform in fact.only_on) else None
    for number in netcompat.errnos(fact.name, platform):
        got = classify(hand_built(number), platform=platform)
        assert (got.value if got else None) == expected, number


def test_eprototype_is_a_reset_on_darwin_only_hand_built() -> None:
    fact = FACTS["EPROTOTYPE"]
    assert is_reset(hand_built(fact.darwin), platform="darwin")
    assert not is_reset(hand_built(fact.freebsd), platform="freebsd")
    assert not is_reset(hand_built(fact.linux), platform="linux")
    assert not is_reset(hand_built(fact.wsa, winerror=fact.wsa), platform="win32")


def test_foreign_number_is_not_read_on_the_wrong_platform_hand_built() -> None:
    darwin_reset = hand_built(FACTS["ECONNRESET"].darwin)
    assert is_reset(darwin_reset, platform="darwin")
    assert not is_reset(darwin_reset, platform="linux")


def test_winerror_attribute_on_a_subclass_hand_built() -> None:
    class WinSockError(OSError):
        winerror = FACTS["ECONNRESET"].wsa

    assert classify(WinSockError(errno.EINVAL, "x")) is ResetKind.RESET


def test_winerror_is_not_an_oserror_field_on_posix_hand_built() -> None:
    # What works for building Windows errors on POSIX: the 4th argument is
    # ignored there, and an instance attribute is the way to set winerror.
    exc = OSError(errno.EINVAL, "x", None, WINERROR_FACTS[0].code)
    if os.name != "nt":
        assert not hasattr(exc, "winerror")
        exc.winerror = WINERROR_FACTS[0].code
    assert exc.winerror == WINERROR_FACTS[0].code
    assert is_reset(exc)


NOT_RESETS: list[Any] = [
    pytest.param(TimeoutError, id="timeout_error"),
    pytest.param(lambda: socket.timeout("timed out"), id="socket_timeout"),
    pytest.param(lambda: OSError(errno.ETIMEDOUT, "x"), id="etimedout"),
    pytest.param(lambda: OSError(errno.ECONNREFUSED, "x"), id="connection_refused"),
    pytest.param(ConnectionRefusedError, id="bare_connection_refused_error"),
    pytest.param(lambda: ConnectionError("generic"), id="bare_connection_error"),
    pytest.param(
        lambda: socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
        id="socket_gaierror",
    ),
    pytest.param(lambda: socket.gaierror(errno.ECONNRESET, "x"), id="gaierror_reset_number"),
    pytest.param(lambda: socket.herror(errno.ECONNRESET, "x"), id="herror_reset_number"),
    pytest.param(EOFError, id="eof_error"),
    pytest.param(lambda: OSError(errno.ENOENT, "x"), id="enoent"),
    pytest.param(lambda: OSError("no errno"), id="oserror_without_errno"),
    pytest.param(lambda: OSError(errno.EHOSTUNREACH, "x"), id="ehostunreach"),
    pytest.param(lambda: BlockingIOError(errno.EAGAIN, "x"), id="eagain"),
    pytest.param(
        lambda: ssl.SSLError(ssl.SSL_ERROR_SSL, "certificate verify failed"), id="ssl_error"
    ),
    pytest.param(lambda: ssl.SSLError(errno.ECONNRESET, "x"), id="ssl_error_reset_number"),
    pytest.param(lambda: ssl.SSLCertVerificationError("bad cert"), id="ssl_cert_error"),
    pytest.param(lambda: http.client.IncompleteRead(b"partial"), id="http_incomplete_read"),
    pytest.param(lambda: ValueError("x"), id="value_error"),
    pytest.param(KeyboardInterrupt, id="keyboard_interrupt"),
    pytest.param(lambda: OSError("errno", "not an int"), id="oserror_with_str_errno"),
    pytest.param(
        lambda: hand_built(errno.EINVAL, winerror=FACTS["ETIMEDOUT"].wsa),
        id="windows_winerror_wsaetimedout_hand_built",
    ),
]


@pytest.mark.parametrize("make", NOT_RESETS)
def test_not_resets(make: Callable[[], BaseException]) -> None:
    exc = make()
    assert classify(exc) is None
    assert not is_reset(exc)
    assert all(classify(exc, platform=key) is None for key in PLATFORMS)


# --- wrappers ----------------------------------------------------------------

WRAPPED: list[Any] = [
    pytest.param(
        lambda: ProtocolError("Connection aborted.", reset_error()),
        ResetKind.RESET,
        id="urllib3_protocol_error_args",
    ),
    pytest.param(
        lambda: RequestsConnectionError(
            ProtocolError("Connection aborted.", reset_error()), request=None
        ),
        ResetKind.RESET,
        id="requests_connection_error_args",
    ),
    pytest.param(
        lambda: RequestsConnectionError(
            MaxRetryError(None, "/", reason=ProtocolError("Connection aborted.", reset_error()))
        ),
        ResetKind.RESET,
        id="requests_max_retry_reason_protocol_error",
    ),
    pytest.param(
        lambda: MaxRetryError(None, "/", reason=BrokenPipeError(errno.EPIPE, "x")),
        ResetKind.BROKEN_PIPE,
        id="urllib3_max_retry_error_reason",
    ),
    pytest.param(
        lambda: ProxyError("Unable to connect to proxy", reset_error()),
        ResetKind.RESET,
        id="urllib3_proxy_error_original_error",
    ),
    pytest.param(
        lambda: ClientOSError(errno.ECONNRESET, RESET_MESSAGE),
        ResetKind.RESET,
        id="aiohttp_client_os_error_errno",
    ),
    pytest.param(
        lambda: ClientConnectorError(("host", 443), reset_error()),
        ResetKind.RESET,
        id="aiohttp_client_connector_error_os_error",
    ),
    pytest.param(
        lambda: raised_from(BrokenResourceError(), reset_error()),
        ResetKind.RESET,
        id="anyio_broken_resource_error_cause",
    ),
    pytest.param(
        lambda: StreamClosedError(real_error=BrokenPipeError(errno.EPIPE, "x")),
        ResetKind.BROKEN_PIPE,
        id="tornado_stream_closed_error_real_error",
    ),
    pytest.param(
        lambda: urllib.error.URLError(reset_error()),
        ResetKind.RESET,
        id="stdlib_urllib_url_error_reason",
    ),
    pytest.param(
        lambda: raised_while_handling(
            RedisConnectionError("Error while reading from host: Connection reset by peer"),
            reset_error(),
        ),
        ResetKind.RESET,
        id="redis_connection_error_context_without_from",
    ),
    pytest.param(
        lambda: raised_while_handling(OSError("connection lost"), reset_error()),
        ResetKind.RESET,
        id="bare_oserror_raised_while_handling",
    ),
    pytest.param(
        lambda: raised_from(RuntimeError("request failed"), reset_error()),
        ResetKind.RESET,
        id="any_exception_raised_from_a_reset",
    ),
    pytest.param(
        lambda: raised_from(
            RequestsConnectionError(
                raised_from(ProtocolError("x"), ssl.SSLEOFError(ssl.SSL_ERROR_EOF, "EOF"))
            ),
            ValueError(),
        ),
        ResetKind.TLS_EOF,
        id="nested_cause_and_args",
    ),
]


@pytest.mark.parametrize(("make", "kind"), WRAPPED)
def test_wrapped_resets_are_found_without_importing_the_library(
    make: Callable[[], BaseException], kind: ResetKind
) -> None:
    assert classify(make()) is kind


NOT_WRAPPED: list[Any] = [
    pytest.param(
        lambda: raised_while_handling(KeyError("k"), reset_error()),
        id="key_error_raised_while_handling_a_reset",
    ),
    pytest.param(
        lambda: raised_while_handling(ValueError("bad"), reset_error()),
        id="value_error_raised_while_handling_a_reset",
    ),
    pytest.param(
        lambda: raised_while_handling(TimeoutError("later"), reset_error()),
        id="timeout_error_raised_while_handling_a_reset",
    ),
    pytest.param(
        lambda: _suppressed(RedisConnectionError("x"), reset_error()),
        id="wrapper_raised_from_none",
    ),
    pytest.param(
        lambda: ProtocolError("Connection aborted.", TimeoutError()),
        id="wrapper_around_a_timeout",
    ),
    pytest.param(
        lambda: MaxRetryError(None, "/", reason=ConnectionRefusedError(errno.ECONNREFUSED, "x")),
        id="wrapper_around_a_refused_connection",
    ),
    pytest.param(lambda: ProtocolError("Connection aborted.", "not an exception"), id="str_args"),
]


def _suppressed(outer: BaseException, inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException:
            raise outer from None
    except BaseException as exc:
        return exc


@pytest.mark.parametrize("make", NOT_WRAPPED)
def test_wrappers_without_a_reset(make: Callable[[], BaseException]) -> None:
    assert classify(make()) is None


def test_cause_cycle_terminates() -> None:
    a, b = ValueError("a"), ValueError("b")
    a.__cause__ = b
    b.__cause__ = a
    assert classify(a) is None


def test_cycle_through_args_and_context_terminates() -> None:
    outer = RequestsConnectionError()
    inner = ProtocolError("x", outer)
    outer.args = (inner,)
    outer.__context__ = inner
    inner.__cause__ = outer
    assert classify(outer) is None


def test_self_referencing_wrapper_terminates() -> None:
    exc = ProtocolError("x")
    exc.args = (exc, exc)
    exc.__cause__ = exc
    assert classify(exc) is None


def _chain(depth: int, leaf: BaseException) -> BaseException:
    exc = leaf
    for level in range(depth):
        outer = ValueError(f"level {level}")
        outer.__cause__ = exc
        exc = outer
    return exc


def test_reset_eight_levels_down_is_found() -> None:
    assert classify(_chain(8, reset_error())) is ResetKind.RESET


def test_search_stops_below_eight_levels() -> None:
    assert classify(_chain(9, reset_error())) is None


def test_wide_wrapper_is_bounded() -> None:
    # 64 objects are looked at in all: a reset past them is not found.
    wide = ProtocolError(*[ValueError(str(i)) for i in range(100)], reset_error())
    assert classify(wide) is None
    narrow = ProtocolError(*[ValueError(str(i)) for i in range(10)], reset_error())
    assert classify(narrow) is ResetKind.RESET


def test_nearest_reset_wins() -> None:
    outer = ClientOSError(errno.ECONNABORTED, "aborted")
    outer.__cause__ = reset_error()
    assert classify(outer) is ResetKind.ABORTED


def test_real_broken_pipe_from_a_socket_on_loopback() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname(), timeout=5)
        peer, _ = server.accept()
    with client, peer:
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.close()
        with pytest.raises(ConnectionResetError) as received:
            client.recv(16)
        with pytest.raises(OSError) as sent:
            client.send(b"after reset")
    assert classify(received.value) is ResetKind.RESET
    assert classify(sent.value) is ResetKind.BROKEN_PIPE
    assert sent.value.errno == errno.EPIPE


def test_unknown_platform_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown platform 'aix'"):
        classify(reset_error(), platform="aix")


# --- PeerResetError and peer_reset_from ----------------------------------


def test_peer_reset_error_str_names_kind_errname_and_errno() -> None:
    err = peer_reset_from(reset_error())
    assert err is not None
    assert str(err) == (
        f"connection reset by peer (ECONNRESET, errno {errno.ECONNRESET}): "
        f"[Errno {errno.ECONNRESET}] {RESET_MESSAGE}"
    )


def test_peer_reset_error_attributes() -> None:
    original = reset_error()
    err = peer_reset_from(original)
    assert isinstance(err, PeerResetError)
    assert isinstance(err, ConnectionResetError)
    assert err.original is original
    assert err.kind is ResetKind.RESET
    assert err.errname == "ECONNRESET"
    assert err.errno == errno.ECONNRESET
    assert err.strerror == RESET_MESSAGE
    assert err.winerror is None
    assert err.args == (errno.ECONNRESET, RESET_MESSAGE)


def test_peer_reset_error_keeps_the_wrapper_as_original_and_the_inner_errno() -> None:
    inner = BrokenPipeError(errno.EPIPE, "Broken pipe")
    wrapper = ProtocolError("Connection aborted.", inner)
    err = peer_reset_from(wrapper)
    assert err is not None
    assert err.original is wrapper
    assert (err.kind, err.errname, err.errno) == (ResetKind.BROKEN_PIPE, "EPIPE", errno.EPIPE)
    phrase = "broken pipe: the peer closed the connection"
    assert str(err).startswith(f"{phrase} (EPIPE, errno {errno.EPIPE}): ")


def test_peer_reset_error_from_windows_reset_hand_built() -> None:
    fact = FACTS["ECONNRESET"]
    err = peer_reset_from(hand_built(fact.wsa, winerror=fact.wsa), platform="win32")
    assert err is not None
    assert (err.errname, err.errno, err.winerror) == ("ECONNRESET", fact.wsa, fact.wsa)
    assert f"winerror {fact.wsa}" in str(err)


def test_peer_reset_error_from_proactor_reset_hand_built() -> None:
    err = peer_reset_from(_proactor_reset(), platform="win32")
    assert err is not None
    netname_deleted = WINERROR_FACTS[0]
    assert err.kind is ResetKind.RESET
    assert err.errname == "ECONNRESET"
    assert (err.errno, err.winerror) == (netname_deleted.errno, netname_deleted.code)


def test_peer_reset_error_from_macos_reset_hand_built() -> None:
    fact = FACTS["ECONNRESET"]
    err = peer_reset_from(hand_built(fact.darwin), platform="darwin")
    assert err is not None
    assert (err.errname, err.errno) == ("ECONNRESET", fact.darwin)


@pytest.mark.parametrize(
    ("make", "kind", "name"),
    [
        pytest.param(
            lambda: ssl.SSLEOFError(ssl.SSL_ERROR_EOF, "EOF"), ResetKind.TLS_EOF, None, id="tls"
        ),
        pytest.param(
            lambda: http.client.RemoteDisconnected("closed"),
            ResetKind.REMOTE_DISCONNECTED,
            None,
            id="remote_disconnected",
        ),
        pytest.param(ConnectionAbortedError, ResetKind.ABORTED, "ECONNABORTED", id="bare_aborted"),
        pytest.param(
            lambda: OSError(errno.ENOTCONN, "x"),
            ResetKind.NOT_CONNECTED,
            "ENOTCONN",
            id="enotconn",
        ),
    ],
)
def test_peer_reset_error_errname_per_kind(
    make: Callable[[], BaseException], kind: ResetKind, name: str | None
) -> None:
    err = peer_reset_from(make())
    assert err is not None
    assert (err.kind, err.errname) == (kind, name)


def test_peer_reset_from_returns_the_same_peer_reset_error() -> None:
    err = PeerResetError(reset_error())
    assert peer_reset_from(err) is err
    assert classify(err) is ResetKind.RESET


def test_peer_reset_from_non_reset_is_none() -> None:
    assert peer_reset_from(ValueError("x")) is None
    assert peer_reset_from(raised_while_handling(KeyError("k"), reset_error())) is None


@pytest.mark.parametrize(
    "original",
    [
        pytest.param(reset_error(), id="reset"),
        pytest.param(ConnectionResetError(), id="bare"),
        pytest.param(ssl.SSLEOFError(ssl.SSL_ERROR_EOF, "EOF"), id="ssl_eof"),
        pytest.param(ProtocolError("Connection aborted.", reset_error()), id="wrapper"),
        pytest.param(None, id="none"),
    ],
)
def test_peer_reset_error_pickles(original: BaseException | None) -> None:
    err = peer_reset_from(original) if original is not None else PeerResetError()
    assert err is not None
    err.winerror = FACTS["ECONNRESET"].wsa  # an attribute set later survives too
    for clone in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
        assert type(clone) is PeerResetError
        assert (clone.kind, clone.errname, clone.errno, clone.winerror, clone.strerror) == (
            err.kind,
            err.errname,
            err.errno,
            err.winerror,
            err.strerror,
        )
        assert type(clone.original) is type(err.original)
        assert str(clone) == str(err)


def test_peer_reset_error_has_the_public_module_path() -> None:
    assert PeerResetError.__module__ == "netcompat"
    assert netcompat.PeerResetError is PeerResetError


@pytest.mark.parametrize(
    "original",
    [
        pytest.param(None, id="none"),
        pytest.param("a message", id="str"),
        pytest.param(5, id="int"),
        pytest.param(object(), id="object"),
        pytest.param(ValueError(), id="non_reset_exception"),
        pytest.param(OSError("errno", "strerror"), id="str_errno"),
        pytest.param(OSError([1], 2), id="list_errno_int_strerror"),
        pytest.param(OSError(True, "x"), id="bool_errno"),
        pytest.param(OSError(), id="empty_oserror"),
        pytest.param(KeyboardInterrupt(), id="base_exception"),
    ],
)
def test_peer_reset_error_constructs_from_anything(original: Any) -> None:
    err = PeerResetError(original)
    assert err.kind is ResetKind.RESET
    assert err.errno is None
    assert err.strerror is None or isinstance(err.strerror, str)
    assert str(err).startswith("connection reset by peer")
    assert repr(err).startswith("PeerResetError(")


def test_peer_reset_error_str_uses_the_class_name_of_a_silent_original() -> None:
    assert str(PeerResetError(ConnectionAbortedError())) == (
        "connection aborted (ECONNABORTED): ConnectionAbortedError"
    )


def test_peer_reset_error_explicit_kind() -> None:
    err = PeerResetError(reset_error(), "aborted")
    assert err.kind is ResetKind.ABORTED
    assert err.errname == "ECONNABORTED"  # the name follows the kind
    assert err.errno == errno.ECONNRESET  # the number stays what was raised
    with pytest.raises(ValueError):
        PeerResetError(reset_error(), "exploded")


def test_reset_kind_is_a_str_enum_whose_str_is_its_value() -> None:
    assert ResetKind.RESET == "reset"
    assert str(ResetKind.BROKEN_PIPE) == "broken_pipe"
    assert f"{ResetKind.TLS_EOF}" == "tls_eof"
    assert ResetKind("remote_disconnected") is ResetKind.REMOTE_DISCONNECTED
