"""A ``socketserver`` mixin and a ``wsgiref`` server that close connections gracefully.

``socketserver.TCPServer.shutdown_request`` does ``shutdown(SHUT_WR)`` then
``close()``.  The FIN goes out, but when the client is still sending (an upload
the handler never read), the close makes the kernel answer with a reset, and
the client's send fails with ``EPIPE`` / ``ECONNRESET`` before it reads the
response.  :class:`GracefulCloseMixin` replaces that step with
:func:`netcompat.graceful_close`, which drains the rest of the request first.
"""

from __future__ import annotations

import socket
import socketserver
from typing import TYPE_CHECKING, TypeVar, overload
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from netcompat._sockets import DEFAULT_CLOSE_MAX_DRAIN, DEFAULT_CLOSE_TIMEOUT, graceful_close

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    # For the type checker the mixin is a TCPServer, so that ``super()`` and
    # ``self.close_request`` are known; at run time it is a plain mixin.
    _MixinBase = socketserver.TCPServer
else:
    _MixinBase = object

__all__ = ["GracefulCloseMixin", "GracefulWSGIServer", "make_server"]

_S = TypeVar("_S", bound=WSGIServer)


class GracefulCloseMixin(_MixinBase):
    """Make a ``socketserver`` TCP server close each connection with :func:`graceful_close`.

    Put it first in the bases, before the server class::

        class Server(GracefulCloseMixin, http.server.ThreadingHTTPServer):
            graceful_close_timeout = 1.0

    It works with any ``socketserver.TCPServer`` (``http.server.HTTPServer``,
    ``ThreadingHTTPServer``, ``wsgiref.simple_server.WSGIServer``, a
    ``ThreadingMixIn`` server, ...).  With a threading server the drain runs in
    the request's thread; with a single-threaded one it holds up the next
    request for at most ``graceful_close_timeout`` seconds per connection whose
    client does not close.

    Attributes:
        graceful_close_timeout: Most seconds to drain each connection, in total
            (default ``2.0``).
        graceful_close_max_drain: Most bytes to read and discard per connection
            (default 16 MiB).
    """

    graceful_close_timeout: float = DEFAULT_CLOSE_TIMEOUT
    graceful_close_max_drain: int = DEFAULT_CLOSE_MAX_DRAIN

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        """Close one request's connection gracefully, then run ``close_request``.

        Args:
            request: The accepted socket (a datagram server's ``(data, socket)``
                request is passed on to the next class unchanged).

        Raises:
            OSError: A socket error that does not mean the client is gone (see
                :func:`netcompat.graceful_close`); the socket is closed anyway.
        """
        if not isinstance(request, socket.socket):
            super().shutdown_request(request)
            return
        try:
            graceful_close(
                request,
                timeout=self.graceful_close_timeout,
                max_drain=self.graceful_close_max_drain,
            )
        finally:
            # Keep the close_request hook (a no-op close on the closed socket).
            self.close_request(request)


class GracefulWSGIServer(GracefulCloseMixin, WSGIServer):
    """``wsgiref.simple_server.WSGIServer`` with :class:`GracefulCloseMixin`.

    Use it like ``WSGIServer``; :func:`netcompat.make_server` builds one.
    """


@overload
def make_server(
    host: str,
    port: int,
    app: WSGIApplication,
    *,
    handler_class: type[WSGIRequestHandler] = ...,
) -> GracefulWSGIServer: ...


@overload
def make_server(
    host: str,
    port: int,
    app: WSGIApplication,
    server_class: type[_S],
    handler_class: type[WSGIRequestHandler] = ...,
) -> _S: ...


def make_server(
    host: str,
    port: int,
    app: WSGIApplication,
    server_class: type[WSGIServer] = GracefulWSGIServer,
    handler_class: type[WSGIRequestHandler] = WSGIRequestHandler,
) -> WSGIServer:
    """Create a WSGI server like ``wsgiref.simple_server.make_server``, closing gracefully.

    A drop-in replacement: same arguments, same result, except that the default
    server class is :class:`GracefulWSGIServer`, so a client whose request body
    the application did not read gets the response instead of a reset.

    Args:
        host: Address to bind (``"127.0.0.1"``, ``""`` for all interfaces, ...).
        port: Port to bind (``0`` picks a free one; see ``server.server_address``).
        app: The WSGI application.
        server_class: The server class.  Include :class:`GracefulCloseMixin`
            in a custom one to keep the graceful close.
        handler_class: The request handler class.

    Returns:
        The bound, listening server, with ``app`` set; call ``serve_forever()``
        or ``handle_request()`` on it.

    Raises:
        OSError: The address could not be bound.
    """
    server = server_class((host, port), handler_class)
    server.set_app(app)
    return server
