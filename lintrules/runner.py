"""Run the engine over many files: cache, prefilter, parallelism and writing.

The main process reads every file once and keeps only those where some enabled
rule's required text appears (a byte search; the needles are ASCII and Python
source encodings are ASCII-compatible).  Results for unchanged files come from
the cache; the rest are linted in worker processes when there are enough of
them to pay for the pool.  Fixed files are written here, atomically, one by
one; a failed write becomes a finding for that file and the run goes on.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .engine import (
    IO_ERROR,
    Finding,
    FixLevel,
    SourceResult,
    allowed,
    decode_source,
    lint_source,
)
from .files import FileChangedError, remove_stale_temporaries, write_atomically
from .rule import FixStyle, Rule
from .rules import rules_by_code

#: Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 6
CACHE_DIR = ".netcompat_cache"


@dataclass
class FileReport:
    """What happened to one file."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    fixes_applied: int = 0
    diff: str | None = None
    written: bool = False


@dataclass(frozen=True)
class RunOptions:
    fix_level: FixLevel = None
    diff: bool = False
    use_cache: bool = True
    jobs: int | None = None


def _settings_key(rules: Sequence[type[Rule]], config: Config) -> str:
    payload = json.dumps(
        {
            "version": __version__,
            "rules": [rule.CODE for rule in rules],
            "fix_style": config.fix_style,
            "options": sorted((k, repr(v)) for k, v in config.options.items()),
            # They change which rules run on a file, so which findings it has.
            "per_file_ignores": sorted((k, list(v)) for k, v in config.per_file_ignores.items()),
        },
        sort_keys=True,
    )
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


class Cache:
    """Findings by file content, one JSON file per tool version and settings."""

    def __init__(self, root: Path, key: str) -> None:
        self.directory = root / CACHE_DIR / __version__
        self.path = self.directory / f"{key}.json"
        self.entries: dict[str, Any] = {}
        self.dirty = False
        try:
            with open(self.path, encoding="utf-8") as handle:
                loaded = json.load(handle)
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, ValueError):
            pass

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def get(self, path: Path, digest: str) -> list[Finding] | None:
        entry = self.entries.get(str(path))
        if not entry or entry[0] != digest:
            return None
        return [Finding.from_dict(item) for item in entry[1]]

    def put(self, path: Path, digest: str, findings: Sequence[Finding]) -> None:
        self.entries[str(path)] = [digest, [finding.to_dict() for finding in findings]]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            top = self.directory.parent
            (top / ".gitignore").write_text("# created by netcompat-lint\n*\n", encoding="utf-8")
            (top / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n", encoding="utf-8"
            )
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            try:
                temporary.write_text(json.dumps(self.entries), encoding="utf-8")
                os.replace(temporary, self.path)
            except BaseException:  # interrupted too: leave no half-written file behind
                with contextlib.suppress(OSError):
                    temporary.unlink()
                raise
        except OSError as error:
            print(f"netcompat-lint: warning: cannot write cache: {error}", file=sys.stderr)


def _io_finding(message: str) -> Finding:
    return Finding(IO_ERROR[0], IO_ERROR[1], message, 1, 1, 1, 1)


# -- the worker side --------------------------------------------------------
_WORKER_STATE: dict[str, Any] = {}


def _init_worker(fix_level: FixLevel, fix_style: FixStyle, options: Mapping[str, object]) -> None:
    _WORKER_STATE.update(fix_level=fix_level, fix_style=fix_style, options=dict(options))


def _init_pool_worker(
    fix_level: FixLevel, fix_style: FixStyle, options: Mapping[str, object]
) -> None:
    # The main process handles Ctrl-C and SIGTERM and stops the pool: a worker
    # must not print a traceback of its own for them, nor outlive the run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A worker waits for work forever, and a main process killed outright
    # (SIGKILL) never tells it to stop: leave when the parent is gone.
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _init_worker(fix_level, fix_style, options)


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _lint_in_worker(job: tuple[bytes, tuple[str, ...]]) -> SourceResult:
    data, codes = job
    table = rules_by_code()
    return lint_source(
        data,
        [table[code] for code in codes],
        fix_level=_WORKER_STATE["fix_level"],
        fix_style=_WORKER_STATE["fix_style"],
        options=_WORKER_STATE["options"],
    )


def _needs_parse(data: bytes, rules: Sequence[type[Rule]]) -> bool:
    for rule in rules:
        if not rule.REQUIRES_TEXT:
            return True
        for needle in rule.REQUIRES_TEXT:
            if needle.encode("ascii") in data:
                return True
    return False


def _unified_diff(path: Path, before: bytes, after: bytes) -> str:
    try:
        old = decode_source(before)
        new = decode_source(after)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        old = before.decode("latin-1")
        new = after.decode("latin-1")
    name = path.as_posix().lstrip("/")
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    )


def run(
    files: Sequence[Path],
    config: Config,
    options: RunOptions,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[FileReport]:
    """Lint (and fix) ``files``; return one report per file, in order."""
    enabled = config.enabled_rules()
    cache = Cache(config.root, _settings_key(enabled, config)) if options.use_cache else None
    reports = [FileReport(path) for path in files]
    originals: dict[int, bytes] = {}
    digests: dict[int, str] = {}
    pending: list[tuple[int, tuple[str, ...]]] = []

    for position, report in enumerate(reports):
        try:
            # A FIFO or device named on the command line would block or never end.
            if not os.path.isfile(report.path) and os.path.exists(report.path):
                report.findings.append(_io_finding("cannot read file: not a regular file"))
                continue
            with open(report.path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            report.findings.append(_io_finding(f"cannot read file: {error.strerror or error}"))
            continue
        rules = config.rules_for(report.path, enabled)
        if not _needs_parse(data, rules):
            continue
        originals[position] = data
        if cache is not None:
            digest = Cache.digest(data)
            digests[position] = digest
            cached = cache.get(report.path, digest)
            if cached is not None and not any(
                f.fix is not None and allowed(options.fix_level, f.fix.safety) for f in cached
            ):
                report.findings.extend(cached)
                continue
        pending.append((position, tuple(rule.CODE for rule in rules)))

    results = _lint_all(
        [(originals[pos], codes) for pos, codes in pending], config, options, progress
    )
    if options.fix_level is not None and not options.diff:
        # Temporary files of runs that were killed while writing (SIGKILL).
        for folder in sorted({Path(os.path.realpath(report.path)).parent for report in reports}):
            remove_stale_temporaries(folder)
    for (position, _), result in zip(pending, results):
        report = reports[position]
        report.findings.extend(result.findings)
        report.fixes_applied = result.fixes_applied
        original = originals[position]
        if result.fixed_source is None:
            if cache is not None and position in digests:
                cache.put(report.path, digests[position], result.findings)
            continue
        if options.diff:
            report.diff = _unified_diff(
                _display_path(report.path, config.root), original, result.fixed_source
            )
            continue
        try:
            write_atomically(report.path, original, result.fixed_source)
        except FileChangedError as error:
            report.findings.append(_io_finding(str(error)))
            report.fixes_applied = 0
        except OSError as error:
            report.findings.append(
                _io_finding(f"cannot write fixed file: {error.strerror or error}")
            )
            report.fixes_applied = 0
        else:
            report.written = True

    ignored = config.ignore
    for report in reports:
        report.findings = [f for f in report.findings if not _engine_code_ignored(f.code, ignored)]
    if cache is not None:
        cache.save()
    return reports


def _engine_code_ignored(code: str, ignored: Sequence[str]) -> bool:
    return any(selector == "ALL" or code.startswith(selector) for selector in ignored)


def _display_path(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def _lint_all(
    jobs: list[tuple[bytes, tuple[str, ...]]],
    config: Config,
    options: RunOptions,
    progress: Callable[[int, int], None] | None,
) -> list[SourceResult]:
    workers = options.jobs if options.jobs is not None else (os.cpu_count() or 1)
    total = len(jobs)
    if workers <= 1 or total < POOL_THRESHOLD:
        _init_worker(options.fix_level, config.fix_style, config.options)
        results = []
        for done, job in enumerate(jobs, 1):
            results.append(_lint_in_worker(job))
            if progress is not None:
                progress(done, total)
        return results
    # Big files first, so one large file does not finish the run alone.
    order = sorted(range(total), key=lambda i: -len(jobs[i][0]))
    out: list[SourceResult | None] = [None] * total
    pool = ProcessPoolExecutor(
        max_workers=min(workers, total),
        initializer=_init_pool_worker,
        initargs=(options.fix_level, config.fix_style, dict(config.options)),
    )
    try:
        for done, (index, result) in enumerate(
            zip(order, pool.map(_lint_in_worker, [jobs[i] for i in order], chunksize=1)), 1
        ):
            out[index] = result
            if progress is not None:
                progress(done, total)
    except BaseException:
        # Interrupted (or a worker died): drop the queued files instead of
        # linting them all before stopping.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [result for result in out if result is not None]
