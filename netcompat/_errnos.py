"""The one table of socket errno facts that both halves of netcompat read.

This module is data, not code: the runtime shim (``netcompat``) and the linter
(``lintrules``) both read it, and no errno number is written anywhere else in
the code base.

Where each column comes from:

``linux``
    ``include/uapi/asm-generic/errno-base.h`` and ``errno.h`` of the Linux
    kernel (x86, arm and the other asm-generic architectures).
``darwin``
    ``bsd/sys/errno.h`` of Apple's XNU kernel.
``freebsd``
    ``sys/sys/errno.h`` of FreeBSD (identical to darwin for every socket error).
``win32``
    The value Python's own ``errno`` module exposes on Windows.  For socket
    errors ``Modules/errnomodule.c`` ``#undef``-s the POSIX-supplement values
    that Visual Studio 2010 added to the CRT's ``errno.h`` and uses WinSock's
    ``WSAE*`` codes from ``winsock2.h`` instead, so ``errno.ECONNRESET`` is
    10054 there.  For the few names the CRT always had (``EBADF``, ``EPIPE``,
    ``EAGAIN``) it is the CRT value.
``win32_crt``
    The value in the Microsoft CRT's ``errno.h`` (ucrt), where it exists and
    differs from ``win32``.  C extensions built with MSVC can surface these
    (the CRT's ``ECONNRESET`` is 108, which is ``ESHUTDOWN`` on Linux).
``wsa``
    WinSock's ``WSAE*`` code from ``winsock2.h``, where one exists.  A socket
    error on Windows carries this number as both ``errno`` and ``winerror``.

``exception`` names the PEP 3151 subclass of ``OSError`` that CPython raises
for the error (``None``: plain ``OSError``).  ``kind`` is the
:class:`netcompat.ResetKind` value when the error means the peer went away
(``None`` otherwise); ``only_on`` restricts that meaning to the platforms named.
"""

from __future__ import annotations

from typing import NamedTuple

#: Platform keys, as ``sys.platform`` spells them (``linux``, ``darwin``,
#: ``freebsd`` for every FreeBSD release, ``win32``).
PLATFORMS: tuple[str, ...] = ("linux", "darwin", "freebsd", "win32")


class ErrnoFact(NamedTuple):
    """One socket-related errno name and its number on every platform."""

    name: str
    linux: int | None
    darwin: int | None
    freebsd: int | None
    win32: int | None
    win32_crt: int | None
    wsa: int | None
    exception: str | None
    kind: str | None
    only_on: tuple[str, ...] = ()
    description: str = ""


# fmt: off
#              name             linux darwin freebsd win32  crt   wsa    exception                  kind
ERRNO_FACTS: tuple[ErrnoFact, ...] = (
    ErrnoFact("ECONNRESET",      104,  54,  54,  10054, 108,  10054, "ConnectionResetError",   "reset",
              description="Connection reset by peer"),
    ErrnoFact("ECONNABORTED",    103,  53,  53,  10053, 106,  10053, "ConnectionAbortedError", "aborted",
              description="Software caused connection abort"),
    ErrnoFact("EPIPE",           32,   32,  32,  32,    None, None,  "BrokenPipeError",        "broken_pipe",
              description="Broken pipe"),
    ErrnoFact("ESHUTDOWN",       108,  58,  58,  10058, None, 10058, "BrokenPipeError",        "shutdown",
              description="Cannot send after transport endpoint shutdown"),
    ErrnoFact("ENETRESET",       102,  52,  52,  10052, 117,  10052, None,                     "network_reset",
              description="Network dropped connection on reset"),
    ErrnoFact("ENOTCONN",        107,  57,  57,  10057, 126,  10057, None,                     "not_connected",
              description="Transport endpoint is not connected"),
    ErrnoFact("EPROTOTYPE",      91,   41,  41,  10041, 136,  10041, None,                     "broken_pipe",
              only_on=("darwin",),
              description="Protocol wrong type for socket (macOS: send() racing a peer's teardown)"),
    ErrnoFact("ETIMEDOUT",       110,  60,  60,  10060, 138,  10060, "TimeoutError",           None,
              description="Connection timed out"),
    ErrnoFact("ECONNREFUSED",    111,  61,  61,  10061, 107,  10061, "ConnectionRefusedError", None,
              description="Connection refused"),
    ErrnoFact("EHOSTUNREACH",    113,  65,  65,  10065, 110,  10065, None,                     None,
              description="No route to host"),
    ErrnoFact("ENETUNREACH",     101,  51,  51,  10051, 118,  10051, None,                     None,
              description="Network is unreachable"),
    ErrnoFact("ENETDOWN",        100,  50,  50,  10050, 116,  10050, None,                     None,
              description="Network is down"),
    ErrnoFact("EHOSTDOWN",       112,  64,  64,  10064, None, 10064, None,                     None,
              description="Host is down"),
    ErrnoFact("EAGAIN",          11,   35,  35,  11,    None, None,  "BlockingIOError",        None,
              description="Resource temporarily unavailable"),
    ErrnoFact("EWOULDBLOCK",     11,   35,  35,  10035, 140,  10035, "BlockingIOError",        None,
              description="Operation would block"),
    ErrnoFact("EINPROGRESS",     115,  36,  36,  10036, 112,  10036, "BlockingIOError",        None,
              description="Operation now in progress"),
    ErrnoFact("EALREADY",        114,  37,  37,  10037, 103,  10037, "BlockingIOError",        None,
              description="Operation already in progress"),
    ErrnoFact("EADDRINUSE",      98,   48,  48,  10048, 100,  10048, None,                     None,
              description="Address already in use"),
    ErrnoFact("EADDRNOTAVAIL",   99,   49,  49,  10049, 101,  10049, None,                     None,
              description="Cannot assign requested address"),
    ErrnoFact("EISCONN",         106,  56,  56,  10056, 113,  10056, None,                     None,
              description="Transport endpoint is already connected"),
    ErrnoFact("ENOTSOCK",        88,   38,  38,  10038, 128,  10038, None,                     None,
              description="Socket operation on non-socket"),
    ErrnoFact("EMSGSIZE",        90,   40,  40,  10040, 115,  10040, None,                     None,
              description="Message too long"),
    ErrnoFact("ENOBUFS",         105,  55,  55,  10055, 119,  10055, None,                     None,
              description="No buffer space available"),
    ErrnoFact("EBADF",           9,    9,   9,   9,     None, 10009, None,                     None,
              description="Bad file descriptor"),
)
# fmt: on


class WinErrorFact(NamedTuple):
    """A Win32 ``winerror`` code (``winerror.h``) that means a dropped connection.

    ``errno`` is what CPython's ``winerror_to_errno()`` (``PC/errmap.h``) sets
    beside it, so ``errno`` alone does not tell these apart from an ordinary
    ``EINVAL``: only ``winerror`` does.
    """

    code: int
    name: str
    kind: str
    errno: int
    description: str
    #: The text Windows gives for the code (``FormatMessageW``, Microsoft's
    #: "System Error Codes" list) as CPython shows it in ``strerror`` and
    #: ``str()``: CPython strips the trailing period and line break.
    message: str = ""


WINERROR_FACTS: tuple[WinErrorFact, ...] = (
    WinErrorFact(
        64,
        "ERROR_NETNAME_DELETED",
        "reset",
        22,
        "The specified network name is no longer available (asyncio proactor reset)",
        "The specified network name is no longer available",
    ),
    WinErrorFact(
        1236,
        "ERROR_CONNECTION_ABORTED",
        "aborted",
        22,
        "The network connection was aborted by the local system",
        "The network connection was aborted by the local system",
    ),
    WinErrorFact(
        995,
        "ERROR_OPERATION_ABORTED",
        "aborted",
        22,
        "The I/O operation has been aborted (socket closed under an overlapped call)",
        "The I/O operation has been aborted because of either a thread exit or an application request",
    ),
    WinErrorFact(
        109, "ERROR_BROKEN_PIPE", "broken_pipe", 32, "The pipe has been ended",
        "The pipe has been ended",
    ),
    WinErrorFact(
        232, "ERROR_NO_DATA", "broken_pipe", 32, "The pipe is being closed",
        "The pipe is being closed",
    ),
)


class ErrnoText(NamedTuple):
    """What each platform says for one row of :data:`ERRNO_FACTS`.

    ``netcompat.testing`` shows these texts inside a simulated platform
    (``os.strerror`` and the injected exceptions' ``strerror`` and ``str()``).

    Where each column comes from:

    ``linux``
        glibc's ``strerror()`` (``stdio-common/errlist.c``; musl agrees for
        these rows).
    ``darwin``
        Apple Libc's ``strerror()`` (``gen/errlst.c``, the 4.4BSD texts).
    ``freebsd``
        FreeBSD libc's ``strerror()`` (``lib/libc/gen/errlst.c``): the same
        4.4BSD texts as darwin for every row here.
    ``win32``
        For a number that is a WinSock code (the ``wsa`` column, which is also
        Python's ``errno`` value on Windows), the text ``FormatMessageW`` gives
        (Microsoft's "System Error Codes (9000-11999)"), as CPython shows it in
        an exception: without the trailing period.  For the CRT's own numbers
        (``EPIPE``, ``EAGAIN``, ``EBADF``), the Microsoft CRT's ``strerror()``.
    """

    name: str
    linux: str
    darwin: str
    freebsd: str
    win32: str


# fmt: off
ERRNO_TEXTS: tuple[ErrnoText, ...] = (
    ErrnoText("ECONNRESET",
              "Connection reset by peer",
              "Connection reset by peer",
              "Connection reset by peer",
              "An existing connection was forcibly closed by the remote host"),
    ErrnoText("ECONNABORTED",
              "Software caused connection abort",
              "Software caused connection abort",
              "Software caused connection abort",
              "An established connection was aborted by the software in your host machine"),
    ErrnoText("EPIPE",
              "Broken pipe",
              "Broken pipe",
              "Broken pipe",
              "Broken pipe"),
    ErrnoText("ESHUTDOWN",
              "Cannot send after transport endpoint shutdown",
              "Can't send after socket shutdown",
              "Can't send after socket shutdown",
              "A request to send or receive data was disallowed because the socket had already "
              "been shut down in that direction with a previous shutdown call"),
    ErrnoText("ENETRESET",
              "Network dropped connection on reset",
              "Network dropped connection on reset",
              "Network dropped connection on reset",
              "The connection has been broken due to keep-alive activity detecting a failure "
              "while the operation was in progress"),
    ErrnoText("ENOTCONN",
              "Transport endpoint is not connected",
              "Socket is not connected",
              "Socket is not connected",
              "A request to send or receive data was disallowed because the socket is not "
              "connected and (when sending on a datagram socket using a sendto call) no address "
              "was supplied"),
    ErrnoText("EPROTOTYPE",
              "Protocol wrong type for socket",
              "Protocol wrong type for socket",
              "Protocol wrong type for socket",
              "A protocol was specified in the socket function call that does not support the "
              "semantics of the socket type requested"),
    ErrnoText("ETIMEDOUT",
              "Connection timed out",
              "Operation timed out",
              "Operation timed out",
              "A connection attempt failed because the connected party did not properly respond "
              "after a period of time, or established connection failed because connected host "
              "has failed to respond"),
    ErrnoText("ECONNREFUSED",
              "Connection refused",
              "Connection refused",
              "Connection refused",
              "No connection could be made because the target machine actively refused it"),
    ErrnoText("EHOSTUNREACH",
              "No route to host",
              "No route to host",
              "No route to host",
              "A socket operation was attempted to an unreachable host"),
    ErrnoText("ENETUNREACH",
              "Network is unreachable",
              "Network is unreachable",
              "Network is unreachable",
              "A socket operation was attempted to an unreachable network"),
    ErrnoText("ENETDOWN",
              "Network is down",
              "Network is down",
              "Network is down",
              "A socket operation encountered a dead network"),
    ErrnoText("EHOSTDOWN",
              "Host is down",
              "Host is down",
              "Host is down",
              "A socket operation failed because the destination host was down"),
    ErrnoText("EAGAIN",
              "Resource temporarily unavailable",
              "Resource temporarily unavailable",
              "Resource temporarily unavailable",
              "Resource temporarily unavailable"),
    ErrnoText("EWOULDBLOCK",
              "Resource temporarily unavailable",
              "Resource temporarily unavailable",
              "Resource temporarily unavailable",
              "A non-blocking socket operation could not be completed immediately"),
    ErrnoText("EINPROGRESS",
              "Operation now in progress",
              "Operation now in progress",
              "Operation now in progress",
              "A blocking operation is currently executing"),
    ErrnoText("EALREADY",
              "Operation already in progress",
              "Operation already in progress",
              "Operation already in progress",
              "An operation was attempted on a non-blocking socket that already had an "
              "operation in progress"),
    ErrnoText("EADDRINUSE",
              "Address already in use",
              "Address already in use",
              "Address already in use",
              "Only one usage of each socket address (protocol/network address/port) is "
              "normally permitted"),
    ErrnoText("EADDRNOTAVAIL",
              "Cannot assign requested address",
              "Can't assign requested address",
              "Can't assign requested address",
              "The requested address is not valid in its context"),
    ErrnoText("EISCONN",
              "Transport endpoint is already connected",
              "Socket is already connected",
              "Socket is already connected",
              "A connect request was made on an already connected socket"),
    ErrnoText("ENOTSOCK",
              "Socket operation on non-socket",
              "Socket operation on non-socket",
              "Socket operation on non-socket",
              "An operation was attempted on something that is not a socket"),
    ErrnoText("EMSGSIZE",
              "Message too long",
              "Message too long",
              "Message too long",
              "A message sent on a datagram socket was larger than the internal message buffer "
              "or some other network limit, or the buffer used to receive a datagram into was "
              "smaller than the datagram itself"),
    ErrnoText("ENOBUFS",
              "No buffer space available",
              "No buffer space available",
              "No buffer space available",
              "An operation on a socket could not be performed because the system lacked "
              "sufficient buffer space or because a queue was full"),
    ErrnoText("EBADF",
              "Bad file descriptor",
              "Bad file descriptor",
              "Bad file descriptor",
              "Bad file descriptor"),
)
# fmt: on


class MessageText(NamedTuple):
    """A message text no :data:`ERRNO_TEXTS` column holds, with who writes it.

    ``key`` is a row name of :data:`ERRNO_FACTS`, or ``socket.timeout`` for
    the timeout of a socket given one with ``settimeout()``, which has no
    errno.  ``writer`` says whose text it is: ``"win32"``, Windows' own
    (``FormatMessageW``, in the user's language; the English text here), or
    ``"cpython"``, a text CPython itself writes, the same on every OS and
    in every language.  ``source`` cites where each comes from.
    """

    key: str
    text: str
    writer: str
    source: str


# fmt: off
MESSAGE_TEXTS: tuple[MessageText, ...] = (
    MessageText("EBADF", "The file handle supplied is not valid", "win32",
                "FormatMessageW for WSAEBADF (10009), Microsoft's \"Windows Sockets Error Codes\" "
                "list (the ErrnoText win32 column holds the CRT's text for EBADF, 9, which is "
                "errno.EBADF on Windows)"),
    MessageText("socket.timeout", "timed out", "cpython",
                "CPython Modules/socketmodule.c, sock_call_ex(): the TimeoutError (socket.timeout "
                "before 3.10) of a socket call that ran out of time"),
    MessageText("socket.timeout", "The read operation timed out", "cpython",
                "CPython Modules/_ssl.c, _ssl__SSLSocket_read_impl(): an SSL read that ran out of time"),
    MessageText("socket.timeout", "The write operation timed out", "cpython",
                "CPython Modules/_ssl.c, _ssl__SSLSocket_write_impl(): an SSL write that ran out of time"),
    MessageText("socket.timeout", "The handshake operation timed out", "cpython",
                "CPython Modules/_ssl.c, _ssl__SSLSocket_do_handshake_impl(), after ERRSTR()'s "
                "\"_ssl.c:LINE: \" prefix: an SSL handshake that ran out of time"),
)
# fmt: on


class StreamEndFact(NamedTuple):
    """A "peer went away" that no errno carries: the end of a TLS or HTTP stream.

    ``module`` and ``exception`` name the class the standard library raises;
    ``code`` names the ``module`` constant it carries as ``errno`` (None: no
    errno); ``message`` is its text.  Sources: CPython ``Modules/_ssl.c``
    (``PySSL_SetError``, without the OpenSSL reason prefix and the
    ``(_ssl.c:NNNN)`` suffix, which vary by build) and ``Lib/http/client.py``
    (``HTTPResponse._read_status``).
    """

    kind: str
    module: str
    exception: str
    code: str | None
    message: str


STREAM_END_FACTS: tuple[StreamEndFact, ...] = (
    StreamEndFact("tls_eof", "ssl", "SSLEOFError", "SSL_ERROR_EOF",
                  "EOF occurred in violation of protocol"),
    StreamEndFact("remote_disconnected", "http.client", "RemoteDisconnected", None,
                  "Remote end closed connection without response"),
)
