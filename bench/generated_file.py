"""A generated module as large as the ones code generators write, for the scale benchmark.

Issue 12 asks that a 3 MB generated file with 20,000 findings be checked in a
few seconds and well under 300 MB.  :func:`generate` writes such a file: one
small reader per finding, each comparing ``e.errno`` with Linux's 104, which is
NC001 (and nothing else: the ``recv`` is guarded by the ``except OSError``).

    python bench/generated_file.py /tmp/generated.py    # writes it, prints its size
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The count the issue names; the file is then about 3 MB.
DEFAULT_FINDINGS = 20_000

_HEADER = '"""Generated: one reader per connection kind."""\n'
_HANDLER = """

def read_{n}(sock):
    try:
        return sock.recv(4096)
    except OSError as e:
        if e.errno == 104:
            return b""
        raise
"""


def generate(path: Path, findings: int = DEFAULT_FINDINGS) -> int:
    """Write a module with ``findings`` NC001 findings to ``path``; return its size in bytes."""
    text = _HEADER + "".join(_HANDLER.format(n=n) for n in range(findings))
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/generated_file.py PATH")
    print(generate(Path(sys.argv[1])))
