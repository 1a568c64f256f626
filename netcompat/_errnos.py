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


WINERROR_FACTS: tuple[WinErrorFact, ...] = (
    WinErrorFact(
        64,
        "ERROR_NETNAME_DELETED",
        "reset",
        22,
        "The specified network name is no longer available (asyncio proactor reset)",
    ),
    WinErrorFact(
        1236,
        "ERROR_CONNECTION_ABORTED",
        "aborted",
        22,
        "The network connection was aborted by the local system",
    ),
    WinErrorFact(
        995,
        "ERROR_OPERATION_ABORTED",
        "aborted",
        22,
        "The I/O operation has been aborted (socket closed under an overlapped call)",
    ),
    WinErrorFact(109, "ERROR_BROKEN_PIPE", "broken_pipe", 32, "The pipe has been ended"),
    WinErrorFact(232, "ERROR_NO_DATA", "broken_pipe", 32, "The pipe is being closed"),
)
