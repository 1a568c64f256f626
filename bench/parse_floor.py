"""The floor under any linter that reads code with Python's ``ast``: parsing, and nothing else.

Parses every ``*.py`` file under a folder with :func:`ast.parse`, in as many
processes as ``netcompat-lint`` uses (``--jobs``, default: every core), and
throws each tree away.  ``bench/lint_benchmark.py`` runs it beside ruff, so the
ratio it prints is the part of netcompat-lint's time that no change to the
rules or the model can remove while detection runs on ``ast``.

    python bench/parse_floor.py [--jobs N] FOLDER
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor


def python_files(folder: str) -> list[str]:
    found = []
    for parent, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if name not in ("__pycache__", "site-packages")]
        found += [os.path.join(parent, name) for name in names if name.endswith(".py")]
    return sorted(found)


def parse_all(paths: list[str]) -> int:
    """Parse each file (as the linter does: the collector paused); return how many parsed."""
    gc.disable()
    warnings.simplefilter("ignore")
    parsed = 0
    for path in paths:
        try:
            with open(path, "rb") as file:
                ast.parse(file.read())
        except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
            continue
        parsed += 1
    return parsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    paths = python_files(args.folder)
    batches = [paths[i :: args.jobs * 8] for i in range(args.jobs * 8)]
    with ProcessPoolExecutor(args.jobs) as pool:
        parsed = sum(pool.map(parse_all, batches))
    print(f"{parsed} of {len(paths)} files checked (parsed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
