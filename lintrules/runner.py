"""Run the engine over many files: cache, prefilter, parallelism and writing.

The main process decides for every file whether it must be linted at all:

1. a file whose ``stat`` (modification time, size, change time, inode) is the
   one the cache recorded is answered from the cache without being read;
2. otherwise it is read; a file whose content digest is in the cache is
   answered from it too;
3. otherwise, a file where no enabled rule's required text appears (a byte
   search; the needles are ASCII and Python source encodings are
   ASCII-compatible) has no findings.

The rest are linted in worker processes when there are enough of them to pay
for the pool.  Fixed files are written here, atomically, one by one; a failed
write becomes a finding for that file and the run goes on.

A stat can only vouch for a content it was taken before, and only when the
file was not modified in the same timestamp tick as it was read: a file
modified less than :data:`RACY_MARGIN_NS` before it was read (or before the
cache was written, as git decides for its index) is "racily clean" and always
goes through its digest.  Nothing on the way to a cached answer imports the
engine, the rules or libcst.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, cast

from . import __version__
from .config import Config
from .files import FileChangedError, remove_stale_temporaries, write_atomically
from .findings import (
    ENGINE_CODES,
    IO_ERROR,
    Edit,
    Finding,
    FixInfo,
    FixLevel,
    SourceResult,
    allowed,
    decode_source,
)
from .noqa import (
    FILE_NOQA_BYTES,
    UNUSED_NOQA,
    Exemption,
    NoqaIndex,
    UnusedNoqa,
    file_exemption,
    has_own_directive,
    masked,
    remove_unused,
)
from .rules import RuleInfo

if TYPE_CHECKING:
    from .analysis.project import ProjectImports
    from .rule import FixStyle

#: Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 6
CACHE_DIR = ".netcompat_cache"
#: The layout of a cache file; a file of another layout is never read.
CACHE_FORMAT = 3
#: How long before it was read a file must have been last modified for its
#: stat to vouch for its content.  Two seconds: the coarsest timestamps in use
#: (FAT), and clocks that disagree a little (network file systems).
RACY_MARGIN_NS = 2_000_000_000

#: What a cache entry records of a file's ``stat``: ``st_mtime_ns``,
#: ``st_size``, ``st_ctime_ns`` and ``st_ino``.  Restoring the modification
#: time (``os.utime``, ``rsync -t``) changes the change time or the inode.
Stamp = tuple[int, int, int, int]


@dataclass
class FileReport:
    """What happened to one file."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    fixes_applied: int = 0
    diff: str | None = None
    written: bool = False
    #: The fixes made, by code (only with ``RunOptions.show_fixes``).
    fixed_codes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RunOptions:
    fix_level: FixLevel = None
    diff: bool = False
    use_cache: bool = True
    jobs: int | None = None
    #: Give fixable findings their text edits (JSON and SARIF output).
    edits: bool = False
    #: Count the fixes made by code (``--show-fixes``).
    show_fixes: bool = False


def _settings_key(rules: Sequence[RuleInfo], config: Config, edits: bool) -> str:
    payload = json.dumps(
        {
            # Findings recorded without their fix edits must not answer a run that shows them.
            "edits": edits,
            "unused_noqa": config.unused_noqa,
            "version": __version__,
            "format": CACHE_FORMAT,
            "rules": [rule.CODE for rule in rules],
            "fix_style": config.fix_style,
            "options": sorted((k, repr(v)) for k, v in config.options.items()),
            # They change which rules run on a file, so which findings it has.
            "per_file_ignores": sorted((k, list(v)) for k, v in config.per_file_ignores.items()),
        },
        sort_keys=True,
    )
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


def stamp(info: os.stat_result, read_ns: int) -> Stamp | None:
    """What the cache keeps of ``info``, taken just before reading at ``read_ns``.

    None when the file was modified too shortly before it was read: a second
    modification in the same timestamp tick, after the read, would leave the
    stat as it is.
    """
    if info.st_mtime_ns >= read_ns - RACY_MARGIN_NS:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino)


def _same_stamp(recorded: object, info: os.stat_result) -> bool:
    return recorded == [info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino]


class Cache:
    """Findings by file, one JSON file per tool version and settings.

    The file holds ``{"format": CACHE_FORMAT, "entries": {path: [digest,
    stamp or null, findings(, dependencies)]}}``; dependencies, when present,
    are the ``[path, digest]`` of the project modules the file's imports were
    followed into, and the entry holds only while they are unchanged.  Anything else in it (another layout, a
    truncated or corrupt file, an entry of the wrong shape) counts as no
    entry: the file is linted again and the cache rewritten.
    """

    def __init__(self, root: Path, key: str) -> None:
        self.directory = root / CACHE_DIR / __version__
        self.path = self.directory / f"{key}.json"
        self.entries: dict[str, Any] = {}
        self.dirty = False
        self._module_digests: dict[str, str] = {}
        #: The files of each package a search for callers looked at, read once per run.
        self._packages: dict[Path, list[tuple[Path, bytes]]] = {}
        #: The cache file's modification time, when it was read.
        self.written_ns: int | None = None
        try:
            with open(self.path, "rb") as handle:
                written_ns = os.fstat(handle.fileno()).st_mtime_ns
                loaded = json.load(handle)
        except (OSError, ValueError, RecursionError):
            return
        if (
            isinstance(loaded, dict)
            and loaded.get("format") == CACHE_FORMAT
            and isinstance(loaded.get("entries"), dict)
        ):
            self.entries = loaded["entries"]
            self.written_ns = written_ns

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def _findings(self, entry: Any) -> list[Finding] | None:
        try:
            if len(entry) == 4 and not self._dependencies_hold(entry[3]):
                return None
            return [Finding.from_dict(item) for item in entry[2]]
        except (LookupError, TypeError, ValueError, AttributeError):
            return None  # an entry of the wrong shape: no entry

    def dependencies(self, paths: Sequence[str]) -> list[list[str]]:
        """``[path, digest]`` of each project module a result depends on (see :meth:`put`)."""
        return [[path, self._module_digest(path)] for path in paths]

    def _dependencies_hold(self, recorded: Any) -> bool:
        """Whether the modules an entry's imports were followed into are as they were."""
        return all(self._module_digest(path) == digest for path, digest in recorded)

    def _module_digest(self, path: str) -> str:
        """A project module's digest, read once per run however many files depend on it.

        A search for a name's callers (a key of :data:`CALLERS_PREFIX`)
        depends on the package's listing and the files that mention the name.
        """
        found = self._module_digests.get(path)
        if found is None:
            if path.startswith(CALLERS_PREFIX):
                from .analysis.project import callers_digest, read_package, split_callers_key

                root, name = split_callers_key(path)
                files = self._packages.get(root)
                if files is None:
                    files = self._packages[root] = read_package(root, read_module)
                data = callers_digest(files, name)
            else:
                data = read_module(Path(path)) or b""
            found = self._module_digests[path] = self.digest(data)
        return found

    def by_stat(self, path: Path, info: os.stat_result) -> list[Finding] | None:
        """The findings of ``path`` if its stat is the one recorded, and not racy."""
        entry = self.entries.get(str(path))
        if (
            self.written_ns is None
            or not isinstance(entry, list)
            or len(entry) not in (3, 4)
            or not _same_stamp(entry[1], info)
            # Modified in the last moments before the cache was written (git's
            # "racily clean"): the stat may predate a change.
            or info.st_mtime_ns >= self.written_ns - RACY_MARGIN_NS
        ):
            return None
        return self._findings(entry)

    def get(self, path: Path, digest: str, stamp: Stamp | None = None) -> list[Finding] | None:
        """The findings of ``path`` if its content is the one recorded.

        A hit records ``stamp``, so the next run can skip reading the file.
        """
        entry = self.entries.get(str(path))
        if not isinstance(entry, list) or len(entry) not in (3, 4) or entry[0] != digest:
            return None
        findings = self._findings(entry)
        if findings is not None and stamp is not None and entry[1] != list(stamp):
            entry[1] = list(stamp)
            self.dirty = True
        return findings

    def put(
        self,
        path: Path,
        digest: str,
        findings: Sequence[Finding],
        stamp: Stamp | None = None,
        dependencies: list[list[str]] | None = None,
    ) -> None:
        """Record ``path``'s findings; with ``dependencies`` (:meth:`dependencies`),
        only while those modules, which its imports were followed into, are unchanged."""
        entry: list[Any] = [
            digest,
            None if stamp is None else list(stamp),
            [finding.to_dict() for finding in findings],
        ]
        if dependencies:
            entry.append(dependencies)
        self.entries[str(path)] = entry
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
            document = {"format": CACHE_FORMAT, "entries": self.entries}
            try:
                temporary.write_text(json.dumps(document), encoding="utf-8")
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


def _init_worker(
    fix_level: FixLevel, fix_style: FixStyle, options: Mapping[str, object], edits: bool
) -> None:
    _WORKER_STATE.update(
        fix_level=fix_level, fix_style=fix_style, options=dict(options), edits=edits
    )
    project = _WORKER_STATE.get("project")
    if project is not None:
        project.new_run()  # a new run: files may have come and gone


def _init_pool_worker(
    fix_level: FixLevel, fix_style: FixStyle, options: Mapping[str, object], edits: bool
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
    _init_worker(fix_level, fix_style, options, edits)
    _tune_gc()


def _tune_gc() -> None:
    """Keep the cyclic GC away from what a worker holds for good.

    The modules a worker imports live as long as it does: ``gc.freeze()``
    moves them out of the collector's sight.  Each file's tree and model are
    kept from it by the engine itself (:func:`lintrules.engine.lint_source`
    pauses the collector while it works), so the thresholds stay Python's and
    what a file leaves behind is collected soon after.
    """
    from . import engine  # noqa: F401  (imported now, so that freeze() covers it)

    gc.collect()
    gc.freeze()


def _exit_with_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


#: One job: the file's bytes, the codes to run, its display path, its absolute path.
Job = tuple[bytes, tuple[str, ...], Optional[str], Optional[str]]

#: How a cache dependency on a search for callers starts (``lintrules.analysis.project``
#: says the same; not imported from there, so that a cached run never loads the analysis).
CALLERS_PREFIX = "callers:"

#: The largest project module read to follow an import (a generated one is not).
MAX_MODULE_BYTES = 1024 * 1024


def read_module(path: Path) -> bytes | None:
    """The bytes of a project module an import leads to; None if missing or too large."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_MODULE_BYTES + 1)
    except OSError:
        return None
    return None if len(data) > MAX_MODULE_BYTES else data


def project_imports() -> ProjectImports:
    """This process's reader of the project's modules (made once: it keeps their models)."""
    found = _WORKER_STATE.get("project")
    if found is None:
        from .analysis.project import ProjectImports

        found = _WORKER_STATE["project"] = ProjectImports(read_module)
    return cast("ProjectImports", found)


def _lint_in_worker(job: Job) -> SourceResult:
    # Imported here: a run that lints nothing never loads the engine (libcst).
    from .engine import lint_source
    from .rules import rule_for

    data, codes, path, location = job
    return lint_source(
        data,
        [rule_for(code) for code in codes],
        fix_level=_WORKER_STATE["fix_level"],
        fix_style=_WORKER_STATE["fix_style"],
        options=_WORKER_STATE["options"],
        edits=_WORKER_STATE["edits"],
        path=path,
        imports=None if location is None else project_imports().for_file(Path(location)),
    )


class _Prefilter:
    """Whether any of some rules' ``REQUIRES_TEXT`` occurs in a file's bytes.

    The needles of each rule set are encoded once, and one that contains
    another is dropped.  The one that last matched moves to the front: the
    common words (``except``, ``errno``) soon come first, so a file that
    contains one is kept after a search or two.
    """

    def __init__(self) -> None:
        self._needles: dict[tuple[str, ...], list[bytes] | None] = {}

    def _for(self, rules: Sequence[RuleInfo]) -> list[bytes] | None:
        key = tuple(rule.CODE for rule in rules)
        if key not in self._needles:
            if any(not rule.REQUIRES_TEXT for rule in rules):
                self._needles[key] = None  # a rule that runs on every file
            else:
                found = list(
                    dict.fromkeys(
                        needle.encode("ascii") for rule in rules for needle in rule.REQUIRES_TEXT
                    )
                )
                self._needles[key] = [
                    needle
                    for needle in found
                    if not any(other != needle and other in needle for other in found)
                ]
        return self._needles[key]

    def keeps(self, data: bytes, rules: Sequence[RuleInfo]) -> bool:
        needles = self._for(rules)
        if needles is None:
            return True
        for index, needle in enumerate(needles):
            if needle in data:
                if index:
                    needles.insert(0, needles.pop(index))
                return True
        return False


def _decodable(data: bytes) -> bool:
    """Whether ``data`` decodes as Python source and holds no NUL byte.

    UTF-8 unless an encoding is declared: the cookie, in the first two lines,
    is only read when the word ``coding`` is there.
    """
    if b"\0" in data:
        return False
    second_line_end = data.find(b"\n", data.find(b"\n") + 1)
    head = data if second_line_end < 0 else data[:second_line_end]
    try:
        if b"coding" in head:
            decode_source(data)
        else:
            data.decode("utf-8")
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return False
    return True


def _fix_wanted(findings: Sequence[Finding], fix_level: FixLevel) -> bool:
    """Whether a fix of one of ``findings`` would run at ``fix_level`` (then: lint again)."""
    return any(f.fix is not None and allowed(fix_level, f.fix.safety) for f in findings)


def unified_diff(path: Path, before: bytes, after: bytes) -> str:
    import difflib

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
    enabled = config.enabled_infos()
    cache = (
        Cache(config.root, _settings_key(enabled, config, options.edits))
        if options.use_cache
        else None
    )
    prefilter = _Prefilter()
    reports = [FileReport(path) for path in files]
    originals: dict[int, bytes] = {}
    digests: dict[int, str] = {}
    stamps: dict[int, Stamp | None] = {}
    pending: list[tuple[int, tuple[str, ...]]] = []

    for position, report in enumerate(reports):
        path = report.path
        try:
            info: os.stat_result | None = os.stat(path)
        except OSError:
            info = None  # reading it says why
        if info is not None and not stat.S_ISREG(info.st_mode):
            # A FIFO or device named on the command line would block or never end.
            report.findings.append(_io_finding("cannot read file: not a regular file"))
            continue
        if cache is not None and info is not None:
            cached = cache.by_stat(path, info)
            if cached is not None and not _fix_wanted(cached, options.fix_level):
                report.findings.extend(cached)
                continue
        read_ns = time.time_ns()
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            report.findings.append(_io_finding(f"cannot read file: {error.strerror or error}"))
            continue
        file_stamp = None if info is None else stamp(info, read_ns)
        digest = ""
        if cache is not None:
            digest = Cache.digest(data)
            cached = cache.get(path, digest, file_stamp)
            if cached is not None and not _fix_wanted(cached, options.fix_level):
                report.findings.extend(cached)
                continue
        rules = config.rules_for(path, enabled)
        exemption = exemption_of(data)
        if exemption is not None:
            rules = tuple(rule for rule in rules if not exemption.covers(rule.CODE))
        # A file that cannot be decoded goes to the engine whatever its text,
        # which reports it (NC900) as lint_source does.
        if (
            not prefilter.keeps(data, rules)
            and _decodable(data)
            and not (config.unused_noqa and _NOQA_BYTES.search(data))
        ):
            if cache is not None:
                cache.put(path, digest, (), file_stamp)
            continue
        originals[position] = data
        if cache is not None:
            digests[position] = digest
            stamps[position] = file_stamp
        pending.append((position, tuple(rule.CODE for rule in rules)))

    results = _lint_all(
        [
            (
                originals[pos],
                codes,
                _display_path(reports[pos].path, config.root).as_posix(),
                os.path.abspath(reports[pos].path),
            )
            for pos, codes in pending
        ],
        config,
        options,
        progress,
    )
    if options.fix_level is not None and not options.diff:
        # Temporary files of runs that were killed while writing (SIGKILL).
        for folder in sorted({Path(os.path.realpath(report.path)).parent for report in reports}):
            remove_stale_temporaries(folder)
    for (position, codes), raw in zip(pending, results):
        report = reports[position]
        result = finish(originals[position], raw, codes, config, options)
        if options.show_fixes and result.fixed_source is not None:
            report.fixed_codes = fixed_codes(
                originals[position], result, codes, config, _display_path(report.path, config.root)
            )
            removed = result.fixes_applied - raw.fixes_applied
            if removed > 0:
                report.fixed_codes[UNUSED_NOQA[0]] = removed
        report.findings.extend(result.findings)
        report.fixes_applied = result.fixes_applied
        original = originals[position]
        if result.fixed_source is None:
            if cache is not None and position in digests:
                cache.put(
                    report.path,
                    digests[position],
                    result.findings,
                    stamps[position],
                    cache.dependencies(raw.consulted),
                )
            continue
        if options.diff:
            report.diff = unified_diff(
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


_NOQA_BYTES = re.compile(rb"noqa", re.IGNORECASE)


def exemption_of(data: bytes) -> Exemption | None:
    """The file-level ``# netcompat-lint: noqa`` comment of ``data``, if any."""
    if not FILE_NOQA_BYTES.search(data):
        return None
    try:
        return file_exemption(decode_source(data))
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` in the encoding (and with the BOM) of ``original``."""
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(original).readline)
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def finish(
    data: bytes,
    result: SourceResult,
    codes: Sequence[str],
    config: Config,
    options: RunOptions,
) -> SourceResult:
    """The engine's result for one file, with what the front end adds to it.

    * the file-level exemption hides the engine's own findings too;
    * a ``# noqa`` at the finding's noqa row (the end of a multi-line string
      or of a backslash continuation) hides it, as ruff places them;
    * with ``NC903`` selected, the ``# noqa`` codes that hid nothing are
      reported, and removed when safe fixes are applied.
    """
    current = result.fixed_source if result.fixed_source is not None else data
    if not _NOQA_BYTES.search(current):
        return result
    try:
        text = decode_source(current)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return result
    exemption = file_exemption(text) if FILE_NOQA_BYTES.search(current) else None
    index = NoqaIndex(text)
    findings = [
        f
        for f in result.findings
        if not (exemption is not None and exemption.covers(f.code))
        and not (f.code not in ENGINE_CODES and index.suppresses(f.line, f.code))
    ]
    fixed_source = result.fixed_source
    applied = result.fixes_applied
    if config.unused_noqa and has_own_directive(text):
        if result.noqa_used is not None:
            # The engine said which codes its noqa index used: no second lint.
            for line, used in result.noqa_used.items():
                index.used.setdefault(line, set()).update(used)
            from .config import known_codes

            unused = index.unused(known_codes())
        else:
            unused = _unused_noqa(text, index, codes, config)
        if unused and allowed(options.fix_level, "safe"):
            fixed_source = encode_like(data, remove_unused(text, unused))
            applied += len(unused)
        else:
            findings.extend(_unused_finding(item) for item in unused)
            findings.sort(key=lambda f: (f.line, f.column, f.code))
    return SourceResult(tuple(findings), fixed_source, applied)


def _unused_noqa(
    text: str, index: NoqaIndex, codes: Sequence[str], config: Config
) -> list[UnusedNoqa]:
    """The directives of ``text`` whose NC codes hide nothing (lints it with them disarmed)."""
    from .config import known_codes
    from .engine import lint_source
    from .rules import rule_for

    probe = masked(text, index)
    bare = lint_source(
        probe.encode("utf-8"),
        [rule_for(code) for code in codes],
        fix_style=config.fix_style,
        options=config.options,
        edits=False,
    )
    for finding in bare.findings:
        index.suppresses(finding.line, finding.code)
    return index.unused(known_codes())


def _unused_finding(item: UnusedNoqa) -> Finding:
    directive = item.directive
    kept = [code for code in directive.codes or () if code not in {*item.unused, *item.unknown}]
    content = ("# noqa: " + ", ".join(kept)) if kept else ""
    edit = Edit(content, directive.line, directive.start + 1, directive.line, directive.end + 1)
    return Finding(
        UNUSED_NOQA[0],
        UNUSED_NOQA[1],
        item.message,
        directive.line,
        directive.start + 1,
        directive.line,
        directive.end + 1,
        FixInfo("safe", "Remove unused `noqa` directive", edit),
    )


def fixed_codes(
    original: bytes,
    result: SourceResult,
    codes: Sequence[str],
    config: Config,
    path: Path | None = None,
) -> dict[str, int]:
    """How many findings of each code the fixes in ``result`` removed (for ``--show-fixes``)."""
    from collections import Counter

    from .engine import lint_source
    from .rules import rule_for

    before = lint_source(
        original,
        [rule_for(code) for code in codes],
        fix_style=config.fix_style,
        options=config.options,
        edits=False,
        path=None if path is None else path.as_posix(),
    )
    gone = Counter(f.code for f in before.findings) - Counter(f.code for f in result.findings)
    return dict(sorted(gone.items()))


def _engine_code_ignored(code: str, ignored: Sequence[str]) -> bool:
    return any(selector == "ALL" or code.startswith(selector) for selector in ignored)


def _display_path(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def _lint_all(
    jobs: list[Job],
    config: Config,
    options: RunOptions,
    progress: Callable[[int, int], None] | None,
) -> list[SourceResult]:
    workers = options.jobs if options.jobs is not None else (os.cpu_count() or 1)
    total = len(jobs)
    if workers <= 1 or total < POOL_THRESHOLD:
        _init_worker(options.fix_level, config.fix_style, config.options, options.edits)
        results = []
        for done, job in enumerate(jobs, 1):
            results.append(_lint_in_worker(job))
            if progress is not None:
                progress(done, total)
        return results
    from concurrent.futures import ProcessPoolExecutor

    # Big files first, so one large file does not finish the run alone.
    order = sorted(range(total), key=lambda i: -len(jobs[i][0]))
    out: list[SourceResult | None] = [None] * total
    pool = ProcessPoolExecutor(
        max_workers=min(workers, total),
        initializer=_init_pool_worker,
        initargs=(options.fix_level, config.fix_style, dict(config.options), options.edits),
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
