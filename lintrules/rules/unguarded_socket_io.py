"""NC101 unguarded-socket-io."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..analysis.project import is_test_file
from ..analysis.reset_guards import ResetGuards, tests_empty
from ..analysis.sockets import (
    DATAGRAM_SENDS,
    HEURISTIC_OPTION,
    SEND_METHODS,
    SOCKET_IO_METHODS,
    STREAM_IO_METHODS,
    Kind,
    SocketInference,
    on_own_line,
    unused_name,
)
from ..fixing.sockets import reset_as_end_of_stream, reset_as_own_error
from ..rule import Fix, Invalid, Rule, RuleContext, Valid

if TYPE_CHECKING:
    from ..analysis.model import Model

#: The option that makes NC101 report in test files too.
TEST_FILES_OPTION = "include-test-files"
#: What a stream's ``write`` is called: a buffered stream only fills its buffer.
_WRITES = frozenset({"write", "writelines"})
#: Socket methods Windows does not have.
_UNIX_ONLY = frozenset({"recvmsg", "recvmsg_into", "sendmsg"})
#: Names the unsafe fix may bind the reset to, in order of preference.
_EXCEPTION_NAMES = ("exc", "error", "reset_error", "connection_reset")


class UnguardedSocketIo(Rule):
    """A socket send or receive that nothing in its function protects from a peer reset.

    ## What it does
    Finds calls of ``recv``, ``recv_into``, ``recvfrom``, ``recvfrom_into``,
    ``recvmsg``, ``send``, ``sendall`` and ``sendfile`` on an object the rule
    can tell is a socket (also through a bound-method alias: ``recv =
    sock.recv; recv(4096)``, even when another branch binds a ``lambda`` that
    stands in for it), and ``read``/``readline``/``write`` (and friends) on
    its ``makefile()`` stream (also as the parameter every call passes it to:
    ``pool.spawn_n(handle, conn.makefile("rw"))``) or on a stream request
    handler's ``self.rfile`` / ``self.wfile``, when no enclosing handler in
    the same function catches a reset.  On a buffered writer
    (``sock.makefile("wb")`` without ``buffering=0``, the ``self.wfile`` of
    a handler that sets ``wbufsize``) a ``write()`` only fills the buffer:
    the ``flush()`` is reported instead.  Test files are left out unless the
    ``include-test-files`` option is on.

    A reset is caught by a handler for ``ConnectionResetError``,
    ``ConnectionError``, ``OSError`` (or its aliases ``socket.error``,
    ``IOError``, ``EnvironmentError``, ``select.error``), ``Exception``,
    ``BaseException`` or a bare ``except``; by ``with
    contextlib.suppress(OSError):``; by ``with pytest.raises(E):`` or ``with
    self.assertRaises(E):`` where ``E`` is one of those; and by
    ``netcompat.normalize()`` (as a ``with`` block or a decorator) or
    ``@netcompat.retry``, where letting the normalized error propagate was a
    choice.  A class imported from the project itself (``from ._compat
    import SSLError``, ``from pkg._compat import *``) is what that module
    binds it to: ``ssl.SSLError`` re-exported does not catch a reset, ``SSLError =
    OSError`` does, and the result is cached only while that module is
    unchanged.  An exception name the rule cannot resolve (``except
    self.errors:``, a class imported from a third-party module) counts as a
    guard.  Handlers for ``socket.timeout`` / ``TimeoutError``,
    ``ssl.SSLError``, ``BlockingIOError``, ``InterruptedError``,
    ``BrokenPipeError``, ``ConnectionAbortedError`` or
    ``netcompat.PeerResetError`` alone do not catch a reset, whether the call
    sends or receives: a reset is ``ConnectionResetError`` on every platform
    (a send may also see ``EPIPE``, but only a handler that covers
    ``ConnectionResetError`` covers the reset).

    "Enclosing" means in the same function.  A handler around a nested
    ``def`` or a ``lambda`` does not guard its body, which runs later (a
    thread target, a callback), except for a lambda called where it stands:
    ``iter(lambda: sock.recv(n), b"")`` consumed in place (by a ``for``, a
    comprehension, or as an argument: ``b"".join(iter(...))``) and
    ``pytest.raises(E, lambda: ...)``.  A function whose every use in the
    file is a direct call at a guarded place is guarded by those calls
    (transitively: ``_handle_write()`` catches ``socket.error`` around
    ``self.write_to_fd()``, which calls ``self.flush()``): a nested function,
    a method (its uses are every ``X.name`` of the file, except those on a
    socket, ``self.sock.recv``, and on the ``self`` of an unrelated class of
    the file), a private module-level function, and a public one that the
    module's ``__all__`` leaves out.  Not a ``__dunder__`` method (called
    implicitly), nor a public module-level function of a module without
    ``__all__`` or listed in it: that is the module's API, called from
    elsewhere.  A method nothing in its own file uses is guarded by its
    callers in the project's other modules: every ``X.name`` of the
    package's other files (the file's top-level package; test files aside)
    must be a call at a guarded place of that file, found the same way
    (``helper.prepare_socket(sock)`` in a ``_pre_handshake()`` that
    ``connect()`` calls under ``except OSError``).  A bare ``name`` or a
    string ``"name"`` in one of those files (a function of the same name,
    ``getattr``), more than 16 files that mention it, or no call at all,
    and the method is not taken as guarded.  An override's call of its
    base (``super().name()``, ``Base.name(self)``) is no use of the method
    in either file: it runs under the override's own callers.  A use that only tests the name
    (``if self.config.serve_file and ...``: a setting of the same name, most
    likely) neither runs nor passes it on.  A request handler's method that
    its framework calls (``setup``, ``handle``, ``finish``; http.server's
    ``handle_one_request``, ``do_GET`` and the other ``do_*`` methods,
    ``send_error``, ``send_head``...) is guarded when the handler class, or a
    base of it in the file, overrides the method that runs it and calls the
    framework's own version only at guarded places (``try:
    super().handle_one_request()`` / ``except Exception: log...``), and the
    file's own calls of it are guarded too.  A ``with`` block guards its body when its context manager is
    one of the file's ``@contextlib.contextmanager`` functions whose every
    ``yield`` stands in a ``try`` that catches a reset (``with
    self._socket_error_handling():``), also through an attribute or
    parameter every assignment and call of the file gives one
    (``self.socket_handling = socket_handling`` in ``__init__``).

    Errors that are the caller's by contract are not reported either: in a
    function whose docstring says it raises a socket error (a paragraph that
    names raising and ``socket.error``, ``OSError``, ``ConnectionError``...
    or "network errors": ``Raises:`` / ``:raises:`` sections and prose
    alike), and in a class that emulates a socket (it defines two of
    ``recv``, ``recv_into``, ``recvfrom``, ``send``, ``sendall``,
    ``sendto`` and two of ``fileno``, ``makefile``, ``settimeout``,
    ``gettimeout``, ``setblocking``, ``getpeername``, ``getsockname``,
    ``setsockopt``, ``getsockopt``, ``shutdown``): its socket methods, and
    the methods of the class they call, hand the wrapped socket's errors on
    as a socket would.  So does a read or write of its own: a function or
    method named like one (``read``, ``readline``, ``recv``, ``sendall``,
    ``flush``, ``read_frame``, ``write_chunk``, ``_safe_read``,
    ``socketRecv``; not an event callback such as ``handle_read``,
    ``on_write`` or ``doRead``, nor one that makes the socket it talks on,
    ``send_tcp(data, host, port)``: that is a whole exchange) is a primitive its
    callers use as they would use the socket, and the finding belongs where
    they call it, unless it shows that it handles the peer going away
    itself and missed the reset: the file hands it on (``Thread(target=
    self.read_loop)``, a callback) instead of calling it; it catches one of
    the stream's other failures (``socket.timeout``, ``ssl.SSLError``,
    ``BrokenPipeError``, ``ConnectionAbortedError``; not the mechanics of a
    read such as ``InterruptedError`` or ``BlockingIOError``); or an
    end-of-stream branch (``if not data:``) cleans up (``self.mark_dead()``)
    or raises the code's own error that is not an ``OSError``
    (``ConnectionClosed``, where a ``RemoteDisconnected`` derived from
    ``ConnectionResetError`` is one).  A helper nested in a function is a
    primitive only when that function is one too.  So is a ``telnetlib``
    option callback the file uses only as one
    (``conn.set_option_negotiation_callback(self._process_option)``):
    telnetlib calls it from inside its reads, in place of its own equally
    unguarded replies, so a reset reaches the read's caller either way.

    Not reported, because they cannot meet a reset: sends on a datagram
    socket (``socket.socket(AF_INET, SOCK_DGRAM)``, a UDP server's
    ``self.socket``, a datagram handler's socket), every ``sendto()``, and
    any I/O on a raw or packet socket (``SOCK_RAW``, ``AF_PACKET`` or
    ``PF_PACKET``: an ICMP ping, a sniffer), which has no connection at all
    (those arguments say so even where ``socket`` itself comes from a
    ``from utils import *`` the rule does not follow).
    UDP has no connection to reset: on Linux and macOS a send after an ICMP
    "port unreachable" fails with ``ConnectionRefusedError`` (connected
    sockets only), and Windows reports the ICMP error to the next receive.
    Receives on a datagram socket are reported: on Windows that
    ``recvfrom`` raises ``ConnectionResetError`` (WSAECONNRESET); but not
    its ``recvmsg()``, which Windows does not have.  Nor is
    I/O on the ends of ``socket.socketpair()`` in a file that starts no
    other process (the wake-up pair of an event loop: both ends belong to
    the program, so no peer can crash), nor on the ends of a pair made by
    hand, where one function connects a socket to its own listener
    (``s.connect(listener.getsockname())``, or to the loopback address it
    bound the listener to) and accepts that connection: the
    ``socketpair()`` of platforms without one (also where only their use
    shows they are sockets: ``socket = patcher.original("socket")``).

    The rule can tell an object is a socket when the file shows it:

    * what made it: ``socket.socket()``, ``socket.create_connection()``,
      ``socket.create_server()``, ``socket.socketpair()``,
      ``socket.fromfd()`` (also through ``from socket import *``, and
      the same calls of ``gevent.socket`` and ``eventlet.green.socket``),
      ``eventlet.listen()``, ``eventlet.connect()``, any
      ``.wrap_socket()``, eventlet's ``greenio.GreenSocket()`` (of a
      socket: that socket's kind), the first item of an ``.accept()`` (unless its
      receiver is known to be something else, such as a
      ``multiprocessing`` listener), ``with socket.socket() as s``, or a
      function or method of the same file whose every ``return`` gives one,
      or a tuple holding one (``sock, addr = connect()``);
    * its annotation: ``socket.socket`` or ``ssl.SSLSocket`` (``Optional``
      and ``| None`` too);
    * where it came from: for a parameter without annotation, the value
      every call of the function in the file passes (direct calls,
      ``threading.Thread(target=f, args=(conn,))``, ``executor.submit(f,
      conn)``, ``selector.register(sock, events, f)``; for ``__init__``,
      the calls of the class; ``eventlet.spawn(f, conn)``,
      ``pool.spawn_n(f, conn)``), so ``self.sock = sock`` in ``__init__``
      gives the attribute what the callers pass; a ``for`` loop over the
      result of ``select.select()`` over a list of known sockets (a list
      bound in the file, with what ``append``/``add``/``extend`` put in
      it); ``key.fileobj`` of a ``selectors`` selector every ``register()``
      of which is given a known socket; an instance attribute whose every
      assignment in the class (or its bases in the same file) is one of
      those (``None`` aside); the ``self.request`` / ``self.connection`` of
      a ``socketserver`` or ``http.server`` request handler, Python 2's
      ``SocketServer`` and ``BaseHTTPServer`` included (``self.socket`` of a
      datagram handler or a server);
    * how it is used, for a name or attribute nothing above decides (a
      parameter nobody in the file calls, a loop variable): a method only
      sockets have, called on it in the same function (for an attribute,
      in the same class): ``getsockname``, ``recvfrom``, ``recvfrom_into``,
      ``recvmsg``, ``sendmsg``, ``sendto``, ``connect_ex``,
      ``getblocking``, ``setsockopt(level, option, value)``,
      ``getsockopt(level, option)``, ``bind((host, port))``,
      ``connect((host, port))``.  So ``sock.recvfrom(n)`` is evidence on
      its own.  Methods that paramiko channels or streams have too
      (``settimeout``, ``gettimeout``, ``setblocking``, ``getpeername``,
      ``shutdown``, ``makefile``, ``sendall``, ``recv_into``, ``listen``,
      ``detach``) count only on a name that reads like a socket (``sock``,
      ``conn``, ``client_socket``): the name heuristic is part of the
      evidence, never all of it.  ``fileno()`` with ``recv``/``send`` is no
      evidence: multiprocessing connections have all three.  A method only
      a look-alike has (ZeroMQ's ``send_multipart`` or two-argument
      ``setsockopt``, multiprocessing's ``recv_bytes``/``poll``, paramiko's
      ``recv_ready``/``exec_command``, websockets' ``ping``, a queue's
      ``put``, a file's ``readline``/``flush``) rules usage evidence out,
      and so does an I/O call that takes a socket as its first argument
      (``proactor.recv(sock, n)``: the receiver works on sockets) and a
      binding from a call the rule knows returns something else (``zmq``, ``multiprocessing``, ``queue``, ``asyncio``,
      ``subprocess``, ``open()``, a class of the file).

    With the ``socket-name-heuristic`` option, a name alone (``sock``,
    ``conn``) is enough.

    ## Why is this bad?
    A peer that crashes, times out, or closes with unread data makes the next
    send or receive raise ``ConnectionResetError`` (errno 104 on Linux, 54 on
    macOS, WSAECONNRESET 10054 on Windows, where even a UDP ``recvfrom``
    raises it after an ICMP "port unreachable").  Uncaught, it kills the
    thread or the server loop, and how often it happens depends on the
    platform's TCP stack, so code that never saw it on one OS crashes on
    another.

    In test code an uncaught reset is what should happen: it fails the test,
    which is how a test says "the peer went away".  So test files
    (``test_*.py``, ``*_test.py``, ``*_tests.py``, ``tests.py``, the
    shared test cases and servers of a suite in ``testcase.py`` /
    ``testcases.py``, ``conftest.py``, anything under a ``test/`` or
    ``tests/`` folder) are not checked unless ``include-test-files`` is on.

    ## Example
    ```python
    data = sock.recv(4096)
    if not data:
        break
    ```

    ## Use instead
    ```python
    try:
        data = sock.recv(4096)
    except ConnectionResetError:
        data = b""
    if not data:
        break
    ```
    or ``data = netcompat.recv(sock, 4096, reset_as_eof=True)``, or wrap the
    exchange in ``with netcompat.normalize():`` and handle
    ``netcompat.PeerResetError`` where it makes sense.

    ## Fix safety
    Unsafe, and only for the plain statement ``data = sock.recv(n)``.  When
    the next statement already turns an empty read into the code's own error
    (``if not data: raise ConnectionClosed(...)``, or ``data == b""``,
    ``len(data) == 0``), the fix raises that same error from the reset:
    ``except ConnectionResetError as exc: raise ConnectionClosed(...) from
    exc``, so callers see the error they already handle, with the reset as
    its cause.  Otherwise it wraps the statement in a ``try`` that turns a
    reset into end of stream (``b""``), which the usual ``if not data:
    break`` loop already handles.  Either way, code that told a reset from a
    clean close by the exception now sees the other.  Other shapes get no
    fix: the message says what to do.

    ## Known problems
    The receiver's type is inferred from this file, not proven: a socket
    passed in by another module, made by a function of another module, or
    stored on an attribute from outside the class is not seen unless its
    usage shows it (or ``socket-name-heuristic`` is on, at the price of
    multiprocessing connections and websockets).  A paramiko channel named
    like a socket and used with ``settimeout`` is taken for one.  Windows
    documents WSAECONNRESET for ``sendto`` too, but the ICMP error is
    reported to receives in practice, so datagram sends are not reported;
    and a ``send`` on a datagram socket whose type the file does not show
    (a parameter, a type from ``getaddrinfo()``) is reported like a stream
    socket's.
    A handler in a caller is seen in the same file, and for a method no
    code of its file calls, in the package's other modules; so a public
    function of a library that lets the error reach its caller on purpose
    without saying so in its docstring, a method called from another module
    and also from its own file, one called through a name the rule does not
    follow (a callback table, a plugin registry), or a request handler that
    relies on ``socketserver`` printing the traceback, is reported: mark it
    ``# noqa: NC101`` or decorate it with ``@netcompat.normalize()``.  A read or
    write of its own is recognised by its name: one called something else
    (``fetch``, ``pump``) is checked like any function, and one named like
    a read whose callers are all unprepared is not reported, nor are those
    callers (the rule does not follow calls of the file's own functions
    down to the socket).  A handler that catches a reset only to log it and
    raise it again (``except OSError: log(...); raise``) counts as a guard:
    the code has chosen to hand the error on.  The other way
    round, a method whose calls in this file are all guarded is taken as
    guarded even when it is also a public API that other modules call
    unguarded (a ``send()`` the class's own ``close()`` calls under a
    handler), and a handler that only cleans up and re-raises (``except
    OSError: sock.close(); raise``) counts as a guard, for the functions it
    calls too.  ``asyncio``'s
    ``loop.sock_recv(sock, n)`` and friends are not checked.  Test files are
    recognised by their path alone: test-support code elsewhere (a
    ``dummyserver/server.py``) is checked; name it ``testcase.py`` or use
    ``per-file-ignores``.  A docstring is taken at its word: one that says
    the function raises "network errors" silences the rule in it even if
    the code raises something else.  A class imported from the project's
    own modules, and the callers in other modules, are followed only by the
    command line and the flake8 plugin, which read those modules (the codemod
    and ``lint_source()`` without ``imports`` count such a class as a guard
    and see no other module's callers), and only as far as module-level
    imports and assignments say what a class is.  A method's callers are
    found by its name alone, whatever the receiver (``X.prepare`` of any
    object but a socket), as in its own file.
    """

    CODE = "NC101"
    NAME = "unguarded-socket-io"
    MESSAGE = (
        "{call} raises ConnectionResetError when the peer resets the connection, "
        "and no handler around it catches that; {advice}"
    )
    FIX_TITLE = "Treat a reset as end of stream: wrap in try/except ConnectionResetError"
    #: The title of the fix that raises the code's own closed-connection error.
    OWN_ERROR_FIX_TITLE = "Raise the code's own closed-connection error from a reset"
    FIX_SAFETY = "unsafe"
    REQUIRES_TEXT = ("recv", "send", "makefile", "rfile", "wfile")
    OPTIONS = {HEURISTIC_OPTION: False, TEST_FILES_OPTION: False}

    VALID = [
        Valid(
            "import socket\nsock = socket.create_connection(('h', 1))\ntry:\n"
            "    data = sock.recv(1024)\nexcept ConnectionResetError:\n    data = b''\n",
            id="caught",
        ),
        Valid(
            "import socket\ndef f(sock: socket.socket):\n    try:\n        sock.sendall(b'x')\n"
            "    except socket.error:\n        pass\n",
            id="socket-error-alias",
        ),
        Valid(
            "import socket\nsock = socket.socket()\ntry:\n    sock.sendall(b'x')\n"
            "except (socket.timeout, OSError):\n    pass\n",
            id="tuple-with-oserror",
        ),
        Valid(
            "import contextlib, socket\nsock = socket.socket()\nwith contextlib.suppress(OSError):\n"
            "    sock.sendall(b'bye')\n",
            id="suppress",
        ),
        Valid(
            "import socket\nsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "sock.sendto(b'ping', ('h', 9))\n",
            id="datagram-send",
        ),
        Valid(
            "import socket\nrsock, wsock = socket.socketpair()\nwsock.send(b'\\0')\n"
            "rsock.recv(1)\n",
            id="socketpair-wakeup",
        ),
        Valid(
            "import pytest, socket\ndef check(sock: socket.socket):\n"
            "    with pytest.raises(ConnectionResetError):\n        sock.recv(1)\n",
            id="pytest-raises",
        ),
        Valid(
            "def pump(chan):\n    chan.settimeout(5)\n    return chan.recv(1024)\n",
            id="lookalike-method-on-other-name",
        ),
        Valid(
            "import socket\nclass Login:\n    @staticmethod\n"
            "    def _process_option(sock: socket.socket, cmd, opt):\n"
            "        sock.sendall(b'\\xff\\xfe' + opt)\n"
            "    def start(self):\n"
            "        self.conn.set_option_negotiation_callback(self._process_option)\n",
            id="telnet-option-callback",
        ),
        Valid(
            "import socket\nclass TcpPipe:\n    def start(self):\n"
            "        self.fd = socket.create_connection(('h', 1))\n"
            "class UdpPipe(TcpPipe):\n    def start(self):\n"
            "        self.fd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "    def push(self, msg):\n        self.fd.send(msg)\n",
            id="subclass-replaces-the-method-that-makes-the-socket",
        ),
    ]
    INVALID = [
        Invalid(
            "import socket\nclass TcpPipe:\n    def start(self):\n"
            "        self.fd = socket.create_connection(('h', 1))\n"
            "class UdpPipe(TcpPipe):\n    def start(self):\n        super().start()\n"
            "        self.fd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "    def push(self, msg):\n        self.fd.send(msg)  # error\n",
            None,
            id="subclass-extends-the-method-that-makes-the-socket",
        ),
        Invalid(
            "import socket\nsock = socket.create_connection(('h', 1))\n"
            "while True:\n    data = sock.recv(1024)  # error\n    if not data:\n        break\n",
            "import socket\nsock = socket.create_connection(('h', 1))\n"
            "while True:\n    try:\n        data = sock.recv(1024)  # error\n"
            '    except ConnectionResetError:\n        data = b""\n    if not data:\n        break\n',
            unsafe=True,
            message="sock.recv() raises ConnectionResetError",
            id="recv-loop",
        ),
        Invalid(
            "import socket\nsock = socket.create_connection(('h', 1))\ndata = sock.recv(10)\n",
            None,
            id="no-safe-fix",
        ),
        Invalid(
            "import socket\nsock = socket.socket()\ntry:\n    sock.sendall(b'x')  # error\n"
            "except socket.timeout:\n    pass\n",
            None,
            unsafe=True,
            message="sendall",
            id="timeout-only",
        ),
        Invalid(
            "import socket, ssl\ndef f(ctx: ssl.SSLContext, raw: socket.socket):\n"
            "    tls = ctx.wrap_socket(raw, server_hostname='h')\n    try:\n"
            "        tls.sendall(b'x')  # error\n    except ssl.SSLError:\n        pass\n",
            None,
            unsafe=True,
            id="ssl-error-only",
        ),
        Invalid(
            "import socket\ndef f(sock: socket.socket):\n    try:\n        sock.sendall(b'x')  # error\n"
            "    except BrokenPipeError:\n        pass\n",
            None,
            unsafe=True,
            id="broken-pipe-only",
        ),
        Invalid(
            "import socket\nsrv = socket.create_server(('', 0))\nconn, addr = srv.accept()\n"
            "conn.sendall(b'hello')  # error\n",
            None,
            unsafe=True,
            id="accepted",
        ),
        Invalid(
            "import socket, threading\ndef handle(client):\n    client.sendall(b'hi')  # error\n"
            "srv = socket.create_server(('', 0))\nconn, addr = srv.accept()\n"
            "threading.Thread(target=handle, args=(conn,)).start()\n",
            None,
            unsafe=True,
            id="parameter-passed-a-socket",
        ),
        Invalid(
            "def serve(sock):\n    while True:\n        data, addr = sock.recvfrom(2048)  # error\n",
            None,
            unsafe=True,
            message="sock.recvfrom() raises ConnectionResetError",
            id="recvfrom-is-evidence",
        ),
        Invalid(
            "import socket\ns = socket.create_connection(('h', 80))\nrecv = s.recv\n"
            "reply = recv(4096)  # error\n",
            "import socket\ns = socket.create_connection(('h', 80))\nrecv = s.recv\n"
            'try:\n    reply = recv(4096)  # error\nexcept ConnectionResetError:\n    reply = b""\n',
            unsafe=True,
            message="recv() (bound to s.recv) raises",
            id="bound-method-alias",
        ),
        Invalid(
            "import socket\nclass ConnectionClosed(Exception):\n    pass\n"
            "def read(sock: socket.socket) -> bytes:\n    data = sock.recv(4096)  # error\n"
            "    if not data:\n        raise ConnectionClosed('peer closed')\n    return data\n",
            "import socket\nclass ConnectionClosed(Exception):\n    pass\n"
            "def read(sock: socket.socket) -> bytes:\n    try:\n"
            "        data = sock.recv(4096)  # error\n    except ConnectionResetError as exc:\n"
            "        raise ConnectionClosed('peer closed') from exc\n"
            "    if not data:\n        raise ConnectionClosed('peer closed')\n    return data\n",
            unsafe=True,
            id="own-closed-error-fix",
        ),
    ]

    def __init__(self, model: Model, context: RuleContext | None = None) -> None:
        super().__init__(model, context)
        self._sockets = SocketInference.of(model, heuristic=bool(self.option(HEURISTIC_OPTION)))
        self._guards = ResetGuards.of(model)
        self._alias_names: frozenset[str] | None = None

    def run(self) -> None:
        """Visit the calls, unless this is a test file and the option leaves them out."""
        if is_test_file(self.context.path) and not self.option(TEST_FILES_OPTION):
            return
        super().run()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        kind: Kind | None
        alias: ast.Attribute | None = None
        if isinstance(func, ast.Attribute):
            method = func.attr
            receiver = func.value
            if method in SOCKET_IO_METHODS:
                kind = self._sockets.kind(receiver)
            elif method in STREAM_IO_METHODS or method == "flush":
                kind = self._sockets.stream_kind(receiver)
                if kind is not None and (method in _WRITES or method == "flush"):
                    buffered = self._sockets.buffered_writer(receiver)
                    if buffered == (method in _WRITES):
                        return  # a buffered write only fills; an unbuffered flush does nothing
            elif method in self._aliases():
                alias, kind = self._alias_of(func)
            else:
                return
        elif isinstance(func, ast.Name) and func.id in self._aliases():
            alias, kind = self._alias_of(func)
        else:
            return
        if alias is not None:
            method = alias.attr
            receiver = alias.value
        if kind is None or not _can_see_reset(kind, method):
            return
        if self._guards.guarded(node):
            return
        described = f"{self._sockets.describe(receiver)}.{method}"
        call = f"{described}()"
        if alias is not None:
            call = f"{self._sockets.describe(func)}() (bound to {described})"
        self.report(
            node,
            self.MESSAGE.format(call=call, advice=_advice(method, receiver)),
            fix=self._fix(node, method),
        )

    def _aliases(self) -> frozenset[str]:
        if self._alias_names is None:
            self._alias_names = self._sockets.alias_names()
        return self._alias_names

    def _alias_of(self, func: ast.expr) -> tuple[ast.Attribute | None, Kind | None]:
        found = self._sockets.bound_method(func)
        return (None, None) if found is None else found

    def _fix(self, call: ast.Call, method: str) -> Fix | None:
        """``data = sock.recv(n)`` alone on its line: wrap it in try/except."""
        if method != "recv":
            return None
        assign = self.model.parent(call)
        if not isinstance(assign, ast.Assign) or len(assign.targets) != 1:
            return None
        target = assign.targets[0]
        if not isinstance(target, ast.Name) or not on_own_line(self.model, assign):
            return None
        own = self._own_closed_error(assign, target.id)
        if own is not None:
            return Fix(reset_as_own_error(*own), "unsafe", self.OWN_ERROR_FIX_TITLE, target=assign)
        return Fix(reset_as_end_of_stream(target.id), "unsafe", self.FIX_TITLE or "", target=assign)

    def _own_closed_error(self, assign: ast.Assign, name: str) -> tuple[str, str] | None:
        """``(exception source, name to bind the reset to)`` when the statement
        after ``assign`` is ``if not name: raise Error(...)``."""
        follow = _next_statement(self.model, assign)
        if not (
            isinstance(follow, ast.If)
            and not follow.orelse
            and tests_empty(follow.test, name)
            and len(follow.body) == 1
        ):
            return None
        raised = follow.body[0]
        if not isinstance(raised, ast.Raise) or raised.exc is None or raised.cause is not None:
            return None
        if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(raised.exc)):
            return None  # the error says what was read: b"" says it as well
        text = self.model.segment(raised.exc)
        try:
            ast.parse(text, mode="eval")
        except SyntaxError:
            return None
        bound = unused_name(self.model, assign, _EXCEPTION_NAMES)
        return None if bound is None else (text, bound)


def _can_see_reset(kind: Kind, method: str) -> bool:
    """Whether ``method`` on a socket of this kind can raise a reset."""
    if kind == "pair":
        return False  # both ends belong to this program
    if kind == "raw":
        return False  # packets, not a connection
    if method in DATAGRAM_SENDS:
        return False  # only datagram sockets send to an address
    if kind == "datagram" and method in _UNIX_ONLY:
        return False  # a datagram socket meets a reset on Windows alone, which has no recvmsg
    return not (kind == "datagram" and method in SEND_METHODS)


def _next_statement(model: Model, statement: ast.stmt) -> ast.stmt | None:
    """The statement after ``statement`` in its block, if any."""
    parent = model.parent(statement)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list):
            for index, candidate in enumerate(block):
                if candidate is statement:
                    return block[index + 1] if index + 1 < len(block) else None
    return None


def _advice(method: str, receiver: ast.expr) -> str:
    if method == "recv":
        name = receiver.id if isinstance(receiver, ast.Name) else "sock"
        return (
            f"catch ConnectionResetError (a reset is then end of stream), use "
            f"netcompat.recv({name}, n, reset_as_eof=True), or wrap the exchange in "
            "'with netcompat.normalize():'"
        )
    return (
        "catch ConnectionResetError (or OSError) around it, or wrap the exchange in "
        "'with netcompat.normalize():' and handle netcompat.PeerResetError where it matters"
    )
