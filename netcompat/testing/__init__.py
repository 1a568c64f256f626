"""Test reset handling for every OS on one machine: platform views and real-socket faults.

Network code is usually tested on one operating system, and its error
handlers are right there and wrong elsewhere (``e.errno == 104`` is Linux
only; ``errno.WSAECONNRESET`` and ``e.winerror`` exist only on Windows).
This module lets a test on any machine see exactly what another platform
raises:

* :func:`simulate_platform` makes the ``errno`` module, ``errno.errorcode``
  and ``os.strerror`` look like Linux, macOS, FreeBSD or Windows;
* :func:`inject_reset` makes real socket operations fail with that
  platform's exception (class, ``errno``, ``strerror``, ``str()``,
  ``winerror``), under ``socket``, ``socketserver``, ``http.client``,
  urllib3/requests and asyncio's selector loop;
* :func:`reset_error` builds the same exception without a socket.

With pytest, the ``netcompat`` plugin (installed with this package) adds the
``peer_reset`` fixture and the ``@pytest.mark.netcompat_platforms(...)``
marker.  Standard library only; nothing is patched until a block is entered.
"""

from __future__ import annotations

from netcompat.testing._exceptions import WindowsErrors, reset_error
from netcompat.testing._facts import KINDS
from netcompat.testing._inject import OP_GROUPS, OPS, Injection, inject_reset
from netcompat.testing._platform import (
    PlatformView,
    current_platform,
    leftovers,
    simulate_platform,
)

__all__ = [
    "KINDS",
    "OPS",
    "OP_GROUPS",
    "Injection",
    "PlatformView",
    "WindowsErrors",
    "current_platform",
    "inject_reset",
    "leftovers",
    "reset_error",
    "simulate_platform",
]
