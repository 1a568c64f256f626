"""netcompat: one portable answer to "did the peer go away?".

A small, stdlib-only shim that recognises every shape of a dropped connection
(errno numbers of every platform, Windows ``winerror`` codes, TLS EOF,
``http.client.RemoteDisconnected`` and library wrappers around them) and
turns them into one exception type, :class:`PeerResetError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

#: Where each public name lives.  A name's module loads on first use, not with
#: the package: the linter imports only ``netcompat.errno_table`` and should
#: not pay for ``socket`` and ``selectors``, and the server helpers import
#: wsgiref, hence http.server, http.client, ssl and email (tens of milliseconds).
_HOMES = {
    "classify": "_classify",
    "is_reset": "_classify",
    "PeerResetError": "_errors",
    "ResetKind": "_errors",
    "errname": "_errors",
    "errnos": "_errors",
    "normalize": "_normalize",
    "RetryState": "_retry",
    "retry": "_retry",
    "ShortReadError": "_sockets",
    "graceful_close": "_sockets",
    "recv": "_sockets",
    "recv_exactly": "_sockets",
    "sendall": "_sockets",
    "GracefulCloseMixin": "_server",
    "GracefulWSGIServer": "_server",
    "make_server": "_server",
}

if TYPE_CHECKING:
    from netcompat._classify import classify, is_reset
    from netcompat._errors import PeerResetError, ResetKind, errname, errnos
    from netcompat._normalize import normalize
    from netcompat._retry import RetryState, retry
    from netcompat._server import GracefulCloseMixin, GracefulWSGIServer, make_server
    from netcompat._sockets import ShortReadError, graceful_close, recv, recv_exactly, sendall
else:

    def __getattr__(name: str) -> object:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value  # the next access is a plain attribute read
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_HOMES))
