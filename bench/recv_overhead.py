"""Cost of netcompat.recv / recv_exactly over the plain socket calls, on loopback TCP.

Three measurements; the variants take turns (block by block, or call by call)
so that load from other processes hits both alike, and both the best and the
median are printed:

* ``recv(65536, MSG_PEEK)`` on a prefilled connection: the same 64 KiB copy on
  every call, no writer, so the difference is the wrapper alone;
* ``recv(65536)`` consuming data the same thread wrote just before (only the
  read is timed);
* ``recv_exactly(sock, 65536)`` against a hand-written ``recv_into`` loop over a
  preallocated buffer, consuming the same way.

The target is under 5 % overhead for 64 KiB reads.

Usage: python bench/recv_overhead.py [--blocks N] [--block-calls N] [--reads N]
"""

from __future__ import annotations

import argparse
import socket
import statistics
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
PAYLOAD = b"c" * SIZE
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


def peek_block_ns(read: Reader, reader: socket.socket, calls: int) -> float:
    """Mean time of ``calls`` reads in a row (the data stays queued: MSG_PEEK)."""
    start = time.perf_counter_ns()
    for _ in range(calls):
        read(reader)
    return (time.perf_counter_ns() - start) / calls


def consume_one_ns(read: Reader, writer: socket.socket, reader: socket.socket) -> float:
    """Write SIZE bytes, then time one read of them (a short read is finished untimed)."""
    writer.sendall(PAYLOAD)
    start = time.perf_counter_ns()
    got = read(reader)
    elapsed = time.perf_counter_ns() - start
    if len(got) < SIZE:
        netcompat.recv_exactly(reader, SIZE - len(got))
    return float(elapsed)


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


def alternate(variants: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run the variants in turn, ``rounds`` times each, so that load hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            samples[name].append(run())
    return samples


def report(title: str, samples: dict[str, list[float]]) -> None:
    """Print best and median per call, and each variant's overhead over the first."""
    print(title)
    base_name = next(iter(samples))
    base_best, base_median = min(samples[base_name]), statistics.median(samples[base_name])
    for name, values in samples.items():
        best, median = min(values), statistics.median(values)
        line = f"  {name:<28} best {best / 1000:7.3f} us  median {median / 1000:7.3f} us"
        if name != base_name:
            line += (
                f"  overhead best {100 * (best / base_best - 1):+5.1f} %"
                f"  median {100 * (median / base_median - 1):+5.1f} %"
            )
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=60, help="MSG_PEEK blocks per variant")
    parser.add_argument("--block-calls", type=int, default=500, help="reads per MSG_PEEK block")
    parser.add_argument("--reads", type=int, default=4000, help="consuming reads per variant")
    args = parser.parse_args(argv)
    print(
        f"Python {sys.version.split()[0]} on {sys.platform}, loopback TCP, {SIZE} B reads; "
        f"peek: {args.blocks} blocks x {args.block_calls} calls, consume: {args.reads} reads"
    )
    peek = socket.MSG_PEEK
    writer, reader = tcp_pair()
    with writer, reader:
        fill(writer, reader, SIZE)
        report(
            "recv(65536, MSG_PEEK) on prefilled data (time per call, per block):",
            alternate(
                {
                    "sock.recv": lambda: peek_block_ns(
                        lambda s: s.recv(SIZE, peek), reader, args.block_calls
                    ),
                    "netcompat.recv": lambda: peek_block_ns(
                        lambda s: netcompat.recv(s, SIZE, peek), reader, args.block_calls
                    ),
                },
                args.blocks,
            ),
        )
        netcompat.recv_exactly(reader, SIZE)  # drop the prefill
        report(
            "recv(65536) consuming freshly written data (per call):",
            alternate(
                {
                    "sock.recv": lambda: consume_one_ns(lambda s: s.recv(SIZE), writer, reader),
                    "netcompat.recv": lambda: consume_one_ns(
                        lambda s: netcompat.recv(s, SIZE), writer, reader
                    ),
                },
                args.reads,
            ),
        )
        report(
            "read exactly 65536 bytes, consuming (per call):",
            alternate(
                {
                    "hand-written recv_into loop": lambda: consume_one_ns(
                        lambda s: hand_recv_exactly(s, SIZE), writer, reader
                    ),
                    "netcompat.recv_exactly": lambda: consume_one_ns(
                        lambda s: netcompat.recv_exactly(s, SIZE), writer, reader
                    ),
                },
                args.reads,
            ),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
