"""Cost of netcompat.recv / recv_exactly over the plain socket calls, on loopback TCP.

Three measurements, each the best of ``--repeats`` runs, the variants
interleaved so that drift hits both alike:

* ``recv(65536, MSG_PEEK)`` on a prefilled connection: the same 64 KiB copy on
  every call, no writer, so the difference is the wrapper alone;
* ``recv(65536)`` consuming data the same thread wrote just before (only the
  read is timed);
* ``recv_exactly(sock, 65536)`` against a hand-written ``recv_into`` loop over a
  preallocated buffer, consuming the same way.

The target is under 5 % overhead for 64 KiB reads.

Usage: python bench/recv_overhead.py [--calls N] [--repeats N]
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path
from typing import Callable

try:
    import netcompat
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import netcompat

SIZE = 65536
Reader = Callable[[socket.socket], bytes]


def tcp_pair() -> tuple[socket.socket, socket.socket]:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        writer = socket.create_connection(listener.getsockname()[:2], timeout=5.0)
        reader, _ = listener.accept()
    reader.settimeout(5.0)
    for sock in (writer, reader):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return writer, reader


def fill(writer: socket.socket, reader: socket.socket, size: int) -> None:
    """Write ``size`` bytes and wait until all of them can be read."""
    writer.sendall(b"p" * size)
    while len(reader.recv(size, socket.MSG_PEEK)) < size:
        pass


def peek_ns(read: Reader, reader: socket.socket, calls: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(calls):
        read(reader)
    return (time.perf_counter_ns() - start) / calls


def consume_ns(read: Reader, writer: socket.socket, reader: socket.socket, calls: int) -> float:
    data = b"c" * SIZE
    total = 0
    for _ in range(calls):
        writer.sendall(data)
        start = time.perf_counter_ns()
        got = read(reader)
        total += time.perf_counter_ns() - start
        if len(got) < SIZE:  # a short read: take the rest untimed
            netcompat.recv_exactly(reader, SIZE - len(got))
    return total / calls


def hand_recv_exactly(sock: socket.socket, n: int) -> bytes:
    """The loop one would write by hand: recv_into a preallocated buffer."""
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        count = sock.recv_into(view[got:], n - got)
        if not count:
            raise EOFError
        got += count
    return bytes(buf)


def best(variants: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    results = {name: float("inf") for name in variants}
    for _ in range(repeats):
        for name, run in variants.items():
            results[name] = min(results[name], run())
    return results


def report(title: str, base_name: str, results: dict[str, float]) -> None:
    base = results[base_name]
    print(title)
    for name, value in results.items():
        extra = "" if name == base_name else f"  overhead {100 * (value / base - 1):+.1f} %"
        print(f"  {name:<34} {value / 1000:8.3f} us/call{extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000, help="calls per timed run")
    parser.add_argument("--repeats", type=int, default=7, help="runs per variant (best kept)")
    args = parser.parse_args(argv)
    calls, repeats = args.calls, args.repeats
    print(
        f"Python {sys.version.split()[0]} on {sys.platform}; {SIZE} B reads, "
        f"best of {repeats} x {calls} calls"
    )

    writer, reader = tcp_pair()
    with writer, reader:
        fill(writer, reader, SIZE)
        peek = socket.MSG_PEEK
        report(
            "recv(65536, MSG_PEEK), prefilled:",
            "sock.recv",
            best(
                {
                    "sock.recv": lambda: peek_ns(lambda s: s.recv(SIZE, peek), reader, calls),
                    "netcompat.recv": lambda: peek_ns(
                        lambda s: netcompat.recv(s, SIZE, peek), reader, calls
                    ),
                },
                repeats,
            ),
        )
        reader.recv(SIZE)  # drop the prefill
        consume_calls = max(1, calls // 4)
        report(
            "recv(65536), consuming:",
            "sock.recv",
            best(
                {
                    "sock.recv": lambda: consume_ns(
                        lambda s: s.recv(SIZE), writer, reader, consume_calls
                    ),
                    "netcompat.recv": lambda: consume_ns(
                        lambda s: netcompat.recv(s, SIZE), writer, reader, consume_calls
                    ),
                },
                repeats,
            ),
        )
        report(
            "read exactly 65536 bytes, consuming:",
            "hand-written recv_into loop",
            best(
                {
                    "hand-written recv_into loop": lambda: consume_ns(
                        lambda s: hand_recv_exactly(s, SIZE), writer, reader, consume_calls
                    ),
                    "netcompat.recv_exactly": lambda: consume_ns(
                        lambda s: netcompat.recv_exactly(s, SIZE), writer, reader, consume_calls
                    ),
                },
                repeats,
            ),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
