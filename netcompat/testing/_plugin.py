"""The pytest plugin (entry point ``netcompat`` in the ``pytest11`` group).

It only registers things: the ``peer_reset`` and ``netcompat_platform``
fixtures and the ``netcompat_platforms`` marker.  Importing it patches
nothing, and a test that asks for none of them runs untouched.

This is the one module of :mod:`netcompat.testing` that imports pytest.  It
does so through :mod:`importlib`, so that type checking the package needs
neither pytest nor pytest's own sources (whose syntax may be newer than the
oldest Python netcompat supports); pytest objects are typed ``Any`` here.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from netcompat._errnos import PLATFORMS
from netcompat.testing._inject import Injection, inject_reset
from netcompat.testing._platform import check_platform, simulate_platform

pytest: Any = importlib.import_module("pytest")

#: The marker that runs a test once per simulated platform.
MARKER = "netcompat_platforms"
#: The fixture that holds the simulated platform.
FIXTURE = "netcompat_platform"


def pytest_configure(config: Any) -> None:
    """Register the marker (``--strict-markers`` knows it)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*platforms, rebind=()): run the test once per platform "
        f"({', '.join(PLATFORMS)}; none given: all four) under "
        "netcompat.testing.simulate_platform, with peer_reset bound to it",
    )


def _platforms(marker: Any) -> tuple[str, ...]:
    names = tuple(marker.args) or PLATFORMS
    unknown = set(marker.kwargs) - {"rebind"}
    if unknown:
        raise TypeError(f"@pytest.mark.{MARKER}: unknown keyword(s) {sorted(unknown)}")
    for name in names:
        check_platform(name)
    if len(set(names)) != len(names):
        raise ValueError(f"@pytest.mark.{MARKER}: a platform is named twice in {names}")
    return names


def pytest_generate_tests(metafunc: Any) -> None:
    """Parametrize a ``netcompat_platforms`` test by platform, ids naming them."""
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None:
        return
    names = _platforms(marker)
    if FIXTURE not in metafunc.fixturenames:
        metafunc.fixturenames.append(FIXTURE)
    metafunc.parametrize(FIXTURE, names, indirect=True, ids=list(names))


def _netcompat_platform(request: Any) -> Iterator[str | None]:
    """The simulated platform of a ``netcompat_platforms`` test (None elsewhere).

    The test runs inside ``simulate_platform(<it>)``.
    """
    name: str | None = getattr(request, "param", None)
    if name is None:
        yield None
        return
    marker = request.node.get_closest_marker(MARKER)
    rebind = () if marker is None else marker.kwargs.get("rebind", ())
    with simulate_platform(name, rebind=rebind):
        yield name


class PeerReset:
    """The ``peer_reset`` fixture: :func:`~netcompat.testing.inject_reset` bound to a platform.

    ``peer_reset(**options)`` is ``inject_reset(platform=<the test's
    platform>, **options)``, for a ``with`` block; ``peer_reset.arm(**options)``
    starts an injection now and ends it when the test ends.
    """

    def __init__(self, platform: str | None) -> None:
        #: The platform errors are raised for (None: the simulated or running one).
        self.platform = platform
        self._armed: list[Injection] = []

    def __call__(self, **options: Any) -> Injection:
        options.setdefault("platform", self.platform)
        return inject_reset(**options)

    def arm(self, **options: Any) -> Injection:
        """Start an injection that lasts until the end of the test."""
        injection = self(**options).__enter__()
        self._armed.append(injection)
        return injection

    def close(self) -> None:
        """End the armed injections (the fixture does it at teardown)."""
        while self._armed:
            self._armed.pop().__exit__(None, None, None)


def _peer_reset(netcompat_platform: str | None) -> Iterator[PeerReset]:
    """Inject platform-exact resets into real sockets; see :class:`PeerReset`."""
    handle = PeerReset(netcompat_platform)
    try:
        yield handle
    finally:
        handle.close()


netcompat_platform = pytest.fixture(name=FIXTURE)(_netcompat_platform)
peer_reset = pytest.fixture(name="peer_reset")(_peer_reset)
