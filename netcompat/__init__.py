"""netcompat: one portable answer to "did the peer go away?".

A small, stdlib-only shim that recognises every shape of a dropped connection
(errno numbers of every platform, Windows ``winerror`` codes, TLS EOF,
``http.client.RemoteDisconnected`` and library wrappers around them) and
turns them into one exception type, :class:`PeerResetError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netcompat._classify import classify, is_reset
from netcompat._errors import PeerResetError, ResetKind, errname, errnos
from netcompat._normalize import normalize
from netcompat._retry import RetryState, retry
from netcompat._sockets import ShortReadError, graceful_close, recv, recv_exactly, sendall

__all__ = [
    "GracefulCloseMixin",
    "GracefulWSGIServer",
    "PeerResetError",
    "ResetKind",
    "RetryState",
    "ShortReadError",
    "classify",
    "errname",
    "errnos",
    "graceful_close",
    "is_reset",
    "make_server",
    "normalize",
    "recv",
    "recv_exactly",
    "retry",
    "sendall",
]

# The server helpers import wsgiref, hence http.server, http.client, ssl and
# email: tens of milliseconds.  They load on first use, not with the package.
_SERVER_NAMES = frozenset({"GracefulCloseMixin", "GracefulWSGIServer", "make_server"})

if TYPE_CHECKING:
    from netcompat._server import GracefulCloseMixin, GracefulWSGIServer, make_server
else:

    def __getattr__(name: str) -> object:
        if name in _SERVER_NAMES:
            from netcompat import _server

            return getattr(_server, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(globals()) | _SERVER_NAMES)
