"""Find a "peer went away" error inside any exception, wrappers included.

Nothing here imports a third-party library: wrappers are recognised by shape
(exceptions in ``.args``, a few well-known attributes, class names), and the
standard library's ``ssl`` and ``http.client`` classes are only checked if
those modules are already imported.
"""

from __future__ import annotations

from netcompat._errors import (
    PeerResetError,
    ResetKind,
    _leaf_kind,
    _platform_key,
)

__all__ = ["classify", "is_reset", "peer_reset_from"]

#: How far below the outer exception the search goes, and how many exception
#: objects it looks at in all.
_MAX_DEPTH = 8
_MAX_NODES = 64

#: Attributes that wrapper exceptions use for the error they wrap:
#: ``reason`` (urllib3 ``MaxRetryError``, ``urllib.error.URLError``),
#: ``original_error`` (urllib3 ``ProxyError``), ``os_error`` (aiohttp
#: ``ClientConnectorError``), ``real_error`` (tornado ``StreamClosedError``),
#: ``original`` (:class:`PeerResetError` itself).
_WRAPPED_ATTRIBUTES = ("reason", "original_error", "os_error", "real_error", "original")

#: Class names (outside ``builtins``, anywhere in the MRO) of library
#: exceptions that translate a socket error, sometimes without ``from``
#: (redis-py and botocore raise theirs inside the ``except`` block).  Only for
#: these, and for a bare ``OSError``/``ConnectionError`` without an errno, is
#: ``__context__`` followed.
_WRAPPER_CLASS_NAMES = frozenset(
    {
        "ConnectionError",  # requests, redis-py
        "ProtocolError",  # urllib3, httpx
        "MaxRetryError",  # urllib3
        "ChunkedEncodingError",  # requests
        "ClientConnectionError",  # aiohttp
        "ClientOSError",  # aiohttp
        "ServerDisconnectedError",  # aiohttp
        "ClientPayloadError",  # aiohttp
        "TransportError",  # httpx
        "NetworkError",  # httpx
        "ReadError",  # httpx, httpcore
        "WriteError",  # httpx, httpcore
        "RemoteProtocolError",  # httpx, httpcore
        "BrokenResourceError",  # anyio, trio
        "StreamClosedError",  # tornado
        "ConnectionClosed",  # websockets
        "ConnectionClosedError",  # websockets, botocore
        "URLError",  # urllib.error
    }
)


def _is_wrapper_shape(exc: BaseException) -> bool:
    """True if ``exc`` looks like a translation of a lower-level socket error."""
    if type(exc) in (OSError, ConnectionError) and getattr(exc, "errno", None) is None:
        return True
    return any(
        cls.__module__ != "builtins" and cls.__name__ in _WRAPPER_CLASS_NAMES
        for cls in type(exc).__mro__
    )


def _wrapped(exc: BaseException) -> list[BaseException]:
    """The exceptions ``exc`` points at, nearest meaning first."""
    found: list[BaseException] = []
    if exc.__cause__ is not None:
        found.append(exc.__cause__)
    args = getattr(exc, "args", ())
    if isinstance(args, tuple):
        found.extend(arg for arg in args if isinstance(arg, BaseException))
    for name in _WRAPPED_ATTRIBUTES:
        value = getattr(exc, name, None)
        if isinstance(value, BaseException):
            found.append(value)
    context = exc.__context__
    if context is not None and not exc.__suppress_context__ and _is_wrapper_shape(exc):
        found.append(context)
    return found


def _locate(exc: BaseException, key: str) -> tuple[BaseException, ResetKind] | None:
    """Breadth-first search for the nearest reset below (or at) ``exc``.

    Returns:
        The exception that carries the reset, and its kind; None if there is
        none within ``_MAX_DEPTH`` levels and ``_MAX_NODES`` objects.
    """
    seen: dict[int, BaseException] = {}
    level = [exc]
    for _depth in range(_MAX_DEPTH + 1):
        below: list[BaseException] = []
        for node in level:
            if id(node) in seen or len(seen) >= _MAX_NODES:
                continue
            seen[id(node)] = node  # keeps node alive, so its id stays unique
            kind = _leaf_kind(node, key)
            if kind is not None:
                return node, kind
            below.extend(_wrapped(node))
        if not below:
            break
        level = below
    return None


def classify(exc: BaseException, *, platform: str | None = None) -> ResetKind | None:
    """Tell how the peer went away, if ``exc`` says it did.

    Recognised, at ``exc`` itself or below it:

    * an ``OSError`` whose ``errno`` is a reset errno of ``platform`` (table
      rows with a ``kind``; ``EPROTOTYPE`` counts on darwin only), or whose
      ``winerror`` attribute (on any platform) is a WinSock reset code or one
      of ``WINERROR_FACTS`` (such as asyncio's ``ERROR_NETNAME_DELETED``);
    * a ``ConnectionResetError``, ``ConnectionAbortedError`` or
      ``BrokenPipeError`` whatever its errno (also when raised bare);
    * ``http.client.RemoteDisconnected``, ``ssl.SSLEOFError`` and
      ``ssl.SSLZeroReturnError`` (other ``ssl.SSLError`` are not resets).

    "Below" means ``__cause__``, exception objects in ``.args``, the
    attributes ``reason``, ``original_error``, ``os_error``, ``real_error``
    and ``original``, and ``__context__`` only when context is not suppressed
    and ``exc`` is a known wrapper (a bare ``OSError``/``ConnectionError``
    without errno, or a library class such as requests' ``ConnectionError``):
    a ``KeyError`` raised while handling a reset is not a reset.  The search
    stops at 8 levels, never loops on cycles, and does not look inside
    exception groups.  Timeouts, refused connections, resolver errors and
    ``EOFError`` are not resets.

    Args:
        exc: any exception.
        platform: whose errno numbers to read (``"linux"``, ``"darwin"``,
            ``"freebsd"``, ``"win32"``); None for the running platform.

    Returns:
        The :class:`ResetKind`, or None if ``exc`` is not a reset.

    Raises:
        ValueError: ``platform`` is not one the table describes.
    """
    found = _locate(exc, _platform_key(platform))
    return None if found is None else found[1]


def is_reset(exc: BaseException, *, platform: str | None = None) -> bool:
    """Tell whether ``exc`` means the peer went away.

    The same test as :func:`classify`, as a predicate (it is the default
    ``when`` of :func:`netcompat.retry`).

    Args:
        exc: any exception.
        platform: as for :func:`classify`.

    Returns:
        True for every "peer went away" shape :func:`classify` recognises.

    Raises:
        ValueError: ``platform`` is not one the table describes.
    """
    return classify(exc, platform=platform) is not None


def peer_reset_from(exc: BaseException, *, platform: str | None = None) -> PeerResetError | None:
    """Make the :class:`PeerResetError` that stands for ``exc``.

    Args:
        exc: any exception.
        platform: as for :func:`classify`.

    Returns:
        ``exc`` itself if it is already a :class:`PeerResetError`; a new one
        wrapping ``exc`` (with the errno of the reset found inside it) if
        ``exc`` is a reset; None otherwise.  The caller raises it, normally
        ``raise err from exc``.

    Raises:
        ValueError: ``platform`` is not one the table describes.
    """
    if isinstance(exc, PeerResetError):
        return exc
    found = _locate(exc, _platform_key(platform))
    if found is None:
        return None
    source, kind = found
    return PeerResetError(exc, kind, source=source, platform=platform)
