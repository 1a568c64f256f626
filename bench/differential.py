"""Differential test of netcompat-lint: record what it finds and fixes, then compare.

The proof that an engine rewrite lost nothing.  ``record`` lints trees of
Python files with every rule (opt-in ones included) and writes, for each file,
the findings of a plain check and the outcome of a safe and an unsafe fix;
``compare`` lints the same trees with whatever ``lintrules`` is importable now
and lists every difference.  Only the stable API is used:
``lintrules.engine.lint_source`` and ``lintrules.rules.all_rules``.

Usage::

    python bench/differential.py record --tree NAME=PATH ... --out FILE
        [--exclude NAME=RELPATH ...] [--runs report,safe,unsafe] [--no-patches]
        [--jobs 2] [--timeout 600] [--timings FILE] [--label TEXT]
    python bench/differential.py compare --baseline FILE ... [--tree NAME=PATH ...]
        [--allow FILE] [--jobs 2] [--timeout 600] [--timings FILE] [--max-shown N]

A tree is ``NAME=PATH`` (every ``*.py`` file under PATH, sorted, ``__pycache__``
skipped) or ``NAME=:examples`` (every rule's ``VALID``/``INVALID`` example
written to ``<CODE>_<index>_<valid|invalid>.py`` in a temporary folder and
linted with the example's own options).  ``--out`` may contain ``{tree}``: one
file per tree.  A name ending in ``.gz`` is gzipped.  ``compare`` without
``--tree`` re-lints the trees at the paths the baseline recorded.

What one file's entry holds (empty results are left out)::

    {"sha256": first 20 hex digits of the input bytes,
     "source": the example's code (examples trees only), "options": {...},
     "report": {"findings": [{"code", "name", "line", "col", "end_line",
                              "end_col", "message", "fix": null | {"safety",
                              "title", "edit": null | [content, line, col,
                              end_line, end_col]}}]},
     "safe" / "unsafe": {"fixed": sha256 of the fixed bytes (20 hex digits),
                         "patch": [[first, end, [new lines]]]: source lines
                                  [first:end] replaced, byte-exact,
                         "remaining": [[code, line, col, end_line, end_col
                                        (, message for NC9xx)]]},
     "crash": "worker died ..." when the linter killed its process or hung}

A run that raised is ``{"error": "Type: message"}``.  Timings go to
``--timings`` (never into the baseline, which stays byte-identical between
two recordings of the same code).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import fnmatch
import gzip
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
FORMAT = 1
EXAMPLES = ":examples"
#: Each run: (fix_level, fix_style); a style of None keeps the file's own
#: (an example's ``fix_style`` option, else ``stdlib``).
RUNS: dict[str, tuple[str | None, str | None]] = {
    "report": (None, None),
    "safe": ("safe", None),
    "unsafe": ("unsafe", None),
    "unsafe-netcompat": ("unsafe", "netcompat"),
}
DEFAULT_RUNS = ("report", "safe", "unsafe")
HASH_LENGTH = 20

Json = dict[str, Any]


# -- trees ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    """One file to lint: where its bytes are and the options it runs with."""

    tree: str
    name: str
    path: str
    options: Mapping[str, object] = field(default_factory=dict)
    #: An example's code (kept in the baseline, which then needs no rule class).
    source: str | None = None
    #: Fix runs whose outcome may be derived from the report (``compare --fast``).
    derivable: tuple[str, ...] = ()


@dataclass
class Tree:
    """A named set of files: a folder, or the rule examples."""

    name: str
    root: str
    excludes: tuple[str, ...] = ()

    @property
    def is_examples(self) -> bool:
        return self.root == EXAMPLES

    def resolved(self) -> Path:
        path = Path(self.root)
        return path if path.is_absolute() else REPO_ROOT / path


def parse_tree(spec: str) -> Tree:
    name, sep, root = spec.partition("=")
    if not sep or not name or not root:
        raise argparse.ArgumentTypeError(f"a tree is NAME=PATH or NAME={EXAMPLES}: {spec!r}")
    if root != EXAMPLES:
        path = Path(root).resolve()
        if not path.is_dir():
            raise argparse.ArgumentTypeError(f"not a folder: {root}")
        # Inside the repository: recorded relative to it, so any checkout can compare.
        root = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
    return Tree(name, root)


def walk(tree: Tree) -> list[tuple[str, str]]:
    """``(relative name, path)`` of every ``*.py`` file of a folder tree, sorted."""
    root = tree.resolved()
    found: list[tuple[str, str]] = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            if any(
                relative == x or relative.startswith(x.rstrip("/") + "/") for x in tree.excludes
            ):
                continue
            if os.path.isfile(path):
                found.append((relative, path))
    found.sort()
    return found


def rule_examples() -> list[tuple[str, str, Mapping[str, object], str | None]]:
    """``(file name, code, options, id)`` of every rule example, in rule order."""
    from lintrules.rules import all_rules

    examples: list[tuple[str, str, Mapping[str, object], str | None]] = []
    for rule in all_rules():
        for kind, listed in (("valid", rule.VALID), ("invalid", rule.INVALID)):
            for index, example in enumerate(listed):
                options = dict(getattr(example, "options", None) or {})
                name = f"{rule.CODE}_{index}_{kind}.py"
                examples.append((name, example.code, options, getattr(example, "id", None)))
    return examples


def _example_key(code: str, options: Mapping[str, object]) -> str:
    return json.dumps([code, options], sort_keys=True, default=str)


# -- linting one file ----------------------------------------------------------------
def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def _lines(data: bytes) -> list[str]:
    # bytes.splitlines breaks at \n, \r and \r\n only, as Python source does;
    # surrogateescape keeps any bytes (a Latin-1 file) exact through JSON.
    return [line.decode("utf-8", "surrogateescape") for line in data.splitlines(keepends=True)]


def make_patch(before: bytes, after: bytes) -> list[list[Any]]:
    """The changed line ranges of ``before``: ``[first, end, new lines]``, byte-exact."""
    old, new = _lines(before), _lines(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [[i1, i2, new[j1:j2]] for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def apply_patch(before: bytes, patch: Sequence[Sequence[Any]]) -> str:
    """The text ``make_patch`` describes, as a string (for showing diffs)."""
    old = _lines(before)
    out: list[str] = []
    at = 0
    for first, end, new in patch:
        out.extend(old[at:first])
        out.extend(new)
        at = end
    out.extend(old[at:])
    return "".join(out)


def _finding(finding: Any) -> Json:
    fix = finding.fix
    fix_json: Json | None = None
    if fix is not None:
        edit = fix.edit
        fix_json = {
            "safety": fix.safety,
            "title": fix.title,
            "edit": None
            if edit is None
            else [edit.content, edit.line, edit.column, edit.end_line, edit.end_column],
        }
    return {
        "code": finding.code,
        "name": finding.name,
        "line": finding.line,
        "col": finding.column,
        "end_line": finding.end_line,
        "end_col": finding.end_column,
        "message": finding.message,
        "fix": fix_json,
    }


def _remaining(finding: Any) -> list[Any]:
    item: list[Any] = [
        finding.code,
        finding.line,
        finding.column,
        finding.end_line,
        finding.end_column,
    ]
    if finding.code.startswith("NC9"):
        item.append(finding.message)
    return item


def _fixed_bytes(result: Any) -> bytes | None:
    # ``fixed_source`` today; ``fixed`` is accepted too, should the API rename it.
    fixed = getattr(result, "fixed_source", None)
    if fixed is None:
        fixed = getattr(result, "fixed", None)
    return fixed if isinstance(fixed, bytes) else None


_RULES: list[Any] = []


def _rules() -> Sequence[Any]:
    if not _RULES:
        from lintrules.rules import all_rules

        _RULES.extend(all_rules())
    return _RULES


def lint_file(job: Job, runs: Sequence[str], patches: bool) -> tuple[Json, dict[str, float]]:
    """Lint one file in each run: its baseline entry and the CPU seconds of each run."""
    from lintrules import engine

    # Any: the run's level and style are checked against RUNS, not Literal types.
    lint_source: Any = engine.lint_source
    with open(job.path, "rb") as handle:
        data = handle.read()
    entry: Json = {"sha256": _hash(data)}
    times: dict[str, float] = {}
    options = dict(job.options)
    own_style = str(options.pop("fix_style", "stdlib"))
    for run in runs:
        fix_level, fix_style = RUNS[run]
        if (
            run in job.derivable
            and fix_level is not None
            and "error" not in entry.get("report", {})
        ):
            derived = derive_fix_run(entry.get("report", {}).get("findings", []), fix_level)
            if derived is not None:
                if derived:
                    entry[run] = derived
                continue
        started = time.process_time()
        try:
            result = lint_source(
                data,
                _rules(),
                fix_level=fix_level,
                fix_style=(fix_style or own_style),
                options=options,
            )
        except BaseException as error:  # a crash is a result to compare, never the end
            if isinstance(error, KeyboardInterrupt):
                raise
            entry[run] = {"error": f"{type(error).__name__}: {error}"[:1000]}
            continue
        finally:
            times[run] = time.process_time() - started
        if fix_level is None:
            findings = [_finding(f) for f in result.findings]
            if findings:
                entry[run] = {"findings": findings}
            continue
        outcome: Json = {}
        fixed = _fixed_bytes(result)
        if fixed is not None:
            outcome["fixed"] = _hash(fixed)
            if patches:
                outcome["patch"] = make_patch(data, fixed)
        remaining = [_remaining(f) for f in result.findings]
        if remaining:
            outcome["remaining"] = remaining
        if outcome:
            entry[run] = outcome
    return entry, times


def derive_fix_run(findings: Sequence[Json], fix_level: str) -> Json | None:
    """A fix run's outcome when the report offers no fix at its level, else None.

    Nothing is fixed and the same findings remain.  ``compare --fast`` skips
    such a run for the files where the baseline's own run gave exactly that.
    """
    for finding in findings:
        fix = finding["fix"]
        if finding["code"].startswith("NC9") or (
            fix is not None and (fix_level == "unsafe" or fix["safety"] == "safe")
        ):
            return None
    remaining = [[f["code"], f["line"], f["col"], f["end_line"], f["end_col"]] for f in findings]
    return {"remaining": remaining} if remaining else {}


def _derivable(entry: Json, runs: Sequence[str]) -> tuple[str, ...]:
    if "report" not in runs or "error" in entry.get("report", {}) or "crash" in entry:
        return ()
    findings = entry.get("report", {}).get("findings", [])
    out = []
    for run in runs:
        level = RUNS[run][0]
        if level is not None and derive_fix_run(findings, level) == entry.get(run, {}):
            out.append(run)
    return tuple(out)


# -- running many files: worker processes that may die -----------------------------
def _worker(conn: Connection, runs: Sequence[str], patches: bool) -> None:
    _rules()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(lint_file(job, runs, patches))


@dataclass
class _Slot:
    process: Any
    conn: Connection
    job: Job | None = None
    started: float = 0.0


class Runner:
    """Lints jobs in ``jobs`` worker processes; a worker that dies or hangs costs one file."""

    def __init__(self, runs: Sequence[str], patches: bool, jobs: int, timeout: float) -> None:
        self.runs = tuple(runs)
        self.patches = patches
        self.jobs = jobs
        self.timeout = timeout
        methods = multiprocessing.get_all_start_methods()
        self._context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def _start(self) -> _Slot:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker, args=(child, self.runs, self.patches), daemon=True
        )
        process.start()
        child.close()
        return _Slot(process, parent)

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[Job, Json, dict[str, float]]]:
        if self.jobs <= 1:
            for one in jobs:
                entry, times = lint_file(one, self.runs, self.patches)
                yield one, entry, times
            return
        _rules()  # imported once here, shared by the forked workers
        pending = list(reversed(jobs))
        slots = [self._start() for _ in range(min(self.jobs, len(jobs)))]
        try:
            while True:
                for slot in slots:
                    if slot.job is None and pending:
                        next_job = pending.pop()
                        slot.job, slot.started = next_job, time.monotonic()
                        slot.conn.send(next_job)
                busy = [s for s in slots if s.job is not None]
                if not busy:
                    return
                ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], 1.0)
                for index, slot in enumerate(slots):
                    job = slot.job
                    if job is None:
                        continue
                    if slot.conn in ready:
                        try:
                            entry, times = slot.conn.recv()
                        except (EOFError, OSError):
                            pass
                        else:
                            slot.job = None
                            yield job, entry, times
                            continue
                    died = slot.process.sentinel in ready and not slot.process.is_alive()
                    hung = time.monotonic() - slot.started > self.timeout
                    if died or hung:
                        if hung:
                            slot.process.kill()
                        slot.process.join()
                        why = (
                            f"timeout after {self.timeout:g} s"
                            if hung and not died
                            else f"worker died (exit code {slot.process.exitcode})"
                        )
                        with open(job.path, "rb") as handle:
                            digest = _hash(handle.read())
                        slots[index] = self._start()
                        yield job, {"sha256": digest, "crash": why}, {}
        finally:
            for slot in slots:
                if slot.process.is_alive():
                    with contextlib.suppress(OSError):
                        slot.conn.send(None)
                slot.process.join(5)
                if slot.process.is_alive():
                    slot.process.kill()


# -- recording -------------------------------------------------------------------------
def tree_jobs(
    tree: Tree,
    folder: str,
    stored: Mapping[str, Json] | None = None,
    runs: Sequence[str] = (),
    fast: bool = False,
) -> list[Job]:
    """The jobs of a tree; an examples tree is written to ``folder`` first.

    ``stored`` is the baseline's entries, when comparing.  For an examples
    tree they give the sources to lint: the baseline's examples are linted as
    recorded, wherever the examples live now, and examples the rules have
    gained since are added under ``new/``.  With ``fast``, the fix runs that
    :func:`derive_fix_run` can answer for a file are not run.
    """
    jobs = _tree_jobs(tree, folder, stored)
    if fast and stored is not None:
        jobs = [
            replace(job, derivable=_derivable(stored[job.name], runs))
            if job.name in stored
            else job
            for job in jobs
        ]
    return jobs


def _tree_jobs(tree: Tree, folder: str, stored: Mapping[str, Json] | None) -> list[Job]:
    if not tree.is_examples:
        return [Job(tree.name, name, path) for name, path in walk(tree)]
    files: list[tuple[str, str, Mapping[str, object]]] = []
    if stored is None:
        files = [(name, code, options) for name, code, options, _ in rule_examples()]
    else:
        known = set()
        for name, entry in stored.items():
            if "source" in entry:
                options = entry.get("options", {})
                files.append((name, entry["source"], options))
                known.add(_example_key(entry["source"], options))
        for name, code, options, _ in rule_examples():
            if _example_key(code, options) not in known:
                files.append((f"new/{name}", code, options))
    jobs = []
    os.makedirs(os.path.join(folder, tree.name, "new"), exist_ok=True)
    for name, code, options in files:
        path = os.path.join(folder, tree.name, name)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(code)
        jobs.append(Job(tree.name, name, path, options, code))
    return jobs


@dataclass
class TreeResult:
    """One tree linted: its entries by file name, and how long it took."""

    tree: Tree
    entries: dict[str, Json]
    wall: float
    cpu: dict[str, float]
    slowest: list[tuple[float, str]]


def lint_tree(
    tree: Tree,
    runner: Runner,
    folder: str,
    stored: Mapping[str, Json] | None = None,
    progress: bool = True,
    fast: bool = False,
) -> TreeResult:
    jobs = tree_jobs(tree, folder, stored, runner.runs, fast)
    entries: dict[str, Json] = {}
    cpu: Counter[str] = Counter()
    per_file: list[tuple[float, str]] = []
    started = time.perf_counter()
    for done, (job, entry, times) in enumerate(runner.run(jobs), 1):
        if job.source is not None:
            head: Json = {"sha256": entry["sha256"], "source": job.source}
            if job.options:
                head["options"] = dict(job.options)
            entry = {**head, **_drop(entry, "sha256")}
        entries[job.name] = entry
        cpu.update(times)
        per_file.append((sum(times.values()), job.name))
        if progress and done % 200 == 0:
            print(
                f"  {tree.name}: {done}/{len(jobs)} files, {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
    wall = time.perf_counter() - started
    per_file.sort(reverse=True)
    ordered = {name: entries[name] for name in sorted(entries)}
    return TreeResult(tree, ordered, wall, dict(cpu), per_file[:5])


def _drop(entry: Mapping[str, Any], *keys: str) -> Json:
    return {k: v for k, v in entry.items() if k not in keys}


def environment(label: str | None) -> Json:
    import lintrules

    try:
        from importlib.metadata import version

        libcst = version("libcst")
    except Exception:
        libcst = "unknown"
    meta: Json = {
        "python": sys.version.split()[0],
        "lintrules": os.path.dirname(lintrules.__file__ or ""),
        "libcst": libcst,
    }
    if label:
        meta["label"] = label
    return meta


def _dumps(value: Any, indent: int = 0) -> str:
    """JSON that diffs well: containers on one line when short, else one item a line."""
    compact = json.dumps(value, separators=(", ", ": "))
    if not isinstance(value, (dict, list)) or not value or len(compact) + indent <= 110:
        return compact
    if isinstance(value, dict) and "code" in value and "message" in value:
        return compact  # a finding: one line each
    pad = " " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {_dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + _dumps(v, indent + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def write_json(path: Path, document: Json) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        text = json.dumps(document, separators=(",", ":"))
        # mtime=0: the same results give the same bytes.
        with gzip.GzipFile(path, "wb", mtime=0) as handle:
            handle.write(text.encode("ascii"))
    else:
        path.write_text(_dumps(document) + "\n", encoding="ascii")


def read_json(path: Path) -> Json:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    document = json.loads(raw)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SystemExit(f"{path}: not a differential baseline (format {FORMAT})")
    return document


def _count(entries: Mapping[str, Json]) -> Counter[str]:
    codes: Counter[str] = Counter()
    for entry in entries.values():
        for finding in entry.get("report", {}).get("findings", ()):
            codes[finding["code"]] += 1
    return codes


def _fixed_count(entries: Mapping[str, Json], run: str) -> int:
    return sum(1 for e in entries.values() if "fixed" in e.get(run, {}))


def _problems(entries: Mapping[str, Json]) -> list[str]:
    """Crashes, run errors and NC902 findings, one line each."""
    out = []
    for name, entry in entries.items():
        if "crash" in entry:
            out.append(f"{name}: crash: {entry['crash']}")
        for run, value in entry.items():
            if isinstance(value, dict) and "error" in value:
                out.append(f"{name}: {run}: {value['error']}")
            if isinstance(value, dict):
                for finding in value.get("findings", ()):
                    if finding["code"] == "NC902":
                        out.append(f"{name}: {run}: NC902 {finding['message']}")
                for item in value.get("remaining", ()):
                    if item[0] == "NC902":
                        out.append(f"{name}: {run}: NC902 {item[5:]}")
    return out


def _timing_json(result: TreeResult) -> Json:
    return {
        "files": len(result.entries),
        "wall_s": round(result.wall, 2),
        "cpu_s": {run: round(s, 2) for run, s in result.cpu.items()},
        "slowest": [[name, round(s, 2)] for s, name in result.slowest],
    }


def _write_timings(path: Path | None, results: Sequence[TreeResult], command: str) -> None:
    if path is None:
        return
    existing: Json = {}
    if path.exists():
        existing = json.loads(path.read_text(encoding="utf-8"))
    trees = existing.setdefault("trees", {})
    for result in results:
        trees[result.tree.name] = {
            **_timing_json(result),
            "command": command,
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dumps(existing) + "\n", encoding="utf-8")


def cmd_record(args: argparse.Namespace) -> int:
    trees = _with_excludes(args.tree, args.exclude)
    runs = _runs(args.runs)
    runner = Runner(runs, not args.no_patches, args.jobs, args.timeout)
    meta = environment(args.label)
    print(f"lintrules from {meta['lintrules']} (python {meta['python']}, libcst {meta['libcst']})")
    results = []
    together: dict[str, Json] = {}
    with tempfile.TemporaryDirectory(prefix="differential-") as folder:
        for tree in trees:
            result = lint_tree(tree, runner, folder)
            results.append(result)
            tree_json = {
                "root": tree.root,
                "excludes": list(tree.excludes),
                "runs": list(runs),
                "patches": not args.no_patches,
                "files": result.entries,
            }
            if "{tree}" in args.out:
                out = Path(args.out.replace("{tree}", tree.name))
                write_json(out, {"format": FORMAT, "meta": meta, "trees": {tree.name: tree_json}})
            else:
                together[tree.name] = tree_json
    if "{tree}" not in args.out:
        write_json(Path(args.out), {"format": FORMAT, "meta": meta, "trees": together})
    print(_record_table(results))
    problems = [f"{r.tree.name}/{line}" for r in results for line in _problems(r.entries)]
    if problems:
        print(f"\n{len(problems)} crashes, run errors or NC902 findings:")
        for line in problems:
            print(f"  {line}")
    _write_timings(args.timings, results, "record")
    return 0


def _record_table(results: Sequence[TreeResult]) -> str:
    rows = [
        "| tree | files | findings | fixed (safe/unsafe) | NC901 | crashes+errors+NC902 "
        "| wall s | CPU s (report/safe/unsafe) | by code |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        codes = _count(r.entries)
        cpu = "/".join(f"{r.cpu.get(run, 0):.1f}" for run in DEFAULT_RUNS)
        by_code = ", ".join(f"{c} {n}" for c, n in sorted(codes.items()))
        rows.append(
            f"| {r.tree.name} | {len(r.entries)} | {sum(codes.values())} "
            f"| {_fixed_count(r.entries, 'safe')}/{_fixed_count(r.entries, 'unsafe')} "
            f"| {codes.get('NC901', 0)} | {len(_problems(r.entries))} | {r.wall:.1f} | {cpu} "
            f"| {by_code} |"
        )
    return "\n".join(rows)


def _runs(text: str) -> tuple[str, ...]:
    runs = tuple(r.strip() for r in text.split(",") if r.strip())
    unknown = [r for r in runs if r not in RUNS]
    if unknown:
        raise SystemExit(f"unknown runs {unknown}; known: {', '.join(RUNS)}")
    return runs


def _with_excludes(trees: Sequence[Tree], excludes: Sequence[str]) -> list[Tree]:
    by_name = {tree.name: tree for tree in trees}
    for spec in excludes:
        name, _, relative = spec.partition("=")
        if name not in by_name or not relative:
            raise SystemExit(f"--exclude {spec!r}: expected TREE=RELPATH for a given --tree")
        by_name[name].excludes += (relative.strip("/"),)
    return list(trees)


# -- comparing -----------------------------------------------------------------------
@dataclass
class Difference:
    """One way the current results differ from the baseline."""

    tree: str
    file: str
    run: str
    kind: str
    detail: str
    code: str | None = None
    line: int | None = None
    extra: str = ""
    reason: str | None = None  # set when an --allow entry covers it

    def title(self) -> str:
        where = f"{self.tree}/{self.file}" + (f":{self.line}" if self.line is not None else "")
        run = "" if self.run == "-" else f" [{self.run}]"
        return f"{where}{run}: {self.kind}: {self.detail}"


def _finding_key(finding: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        finding["code"],
        finding["line"],
        finding["col"],
        finding["end_line"],
        finding["end_col"],
    )


def _describe(finding: Mapping[str, Any]) -> str:
    fix = finding.get("fix")
    fixed = "no fix" if fix is None else f"{fix['safety']} fix {fix['title']!r}"
    return (
        f"{finding['code']} at {finding['line']}:{finding['col']}-{finding['end_line']}:"
        f"{finding['end_col']} {finding['message']!r} ({fixed})"
    )


def _pair(
    old: Sequence[Any], new: Sequence[Any], key: Any
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pairs with equal keys (in order), then the unmatched old and new items."""
    pending: dict[Any, list[Any]] = {}
    for item in new:
        pending.setdefault(key(item), []).append(item)
    pairs, removed = [], []
    for item in old:
        same = pending.get(key(item))
        if same:
            pairs.append((item, same.pop(0)))
        else:
            removed.append(item)
    added = [item for items in pending.values() for item in items]
    return pairs, removed, added


def _compare_findings(tree: str, name: str, old: list[Json], new: list[Json]) -> list[Difference]:
    out = []
    pairs, removed, added = _pair(old, new, _finding_key)
    # A finding that only moved on its line is one change, not a removal and an addition.
    moved, removed, added = _pair(removed, added, lambda f: (f["code"], f["line"]))
    for before, after in pairs + moved:
        if before == after:
            continue
        fields = [k for k in before if before.get(k) != after.get(k)]
        detail = "; ".join(f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in fields)
        out.append(
            Difference(
                tree,
                name,
                "report",
                "finding-changed",
                f"{before['code']} {detail}",
                before["code"],
                before["line"],
            )
        )
    for finding in removed:
        out.append(
            Difference(
                tree,
                name,
                "report",
                "finding-removed",
                _describe(finding),
                finding["code"],
                finding["line"],
            )
        )
    for finding in added:
        out.append(
            Difference(
                tree,
                name,
                "report",
                "finding-added",
                _describe(finding),
                finding["code"],
                finding["line"],
            )
        )
    return out


def _fix_diff(source: bytes | None, before: Json, after: Json, limit: int = 60) -> str:
    """A unified diff from the baseline's fixed text to today's, when both can be rebuilt."""
    if source is None or "patch" not in before or "patch" not in after:
        return ""
    old = apply_patch(source, before["patch"]).splitlines(keepends=True)
    new = apply_patch(source, after["patch"]).splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, "baseline fixed", "current fixed", n=2))
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more diff lines)\n"]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def compare_entries(
    tree: str, name: str, old: Json, new: Json, runs: Sequence[str], source: bytes | None
) -> list[Difference]:
    """Every difference between one file's baseline entry and its current one."""
    out: list[Difference] = []
    if old.get("sha256") != new.get("sha256"):
        return [Difference(tree, name, "-", "source-changed", "the file is not the one recorded")]
    if old.get("crash") != new.get("crash"):
        detail = f"{old.get('crash') or 'no crash'} -> {new.get('crash') or 'no crash'}"
        return [Difference(tree, name, "-", "crash-changed", detail)]
    for run in runs:
        before, after = old.get(run, {}), new.get(run, {})
        if before.get("error") != after.get("error"):
            detail = f"{before.get('error') or 'no error'} -> {after.get('error') or 'no error'}"
            out.append(Difference(tree, name, run, "error-changed", detail))
            continue
        if RUNS[run][0] is None:
            out += _compare_findings(
                tree, name, before.get("findings", []), after.get("findings", [])
            )
            continue
        if before.get("fixed") != after.get("fixed"):
            detail = f"{before.get('fixed') or 'unchanged'} -> {after.get('fixed') or 'unchanged'}"
            out.append(
                Difference(
                    tree,
                    name,
                    run,
                    "fixed-output-differs",
                    f"sha256 {detail}",
                    extra=_fix_diff(source, before, after),
                )
            )
        pairs, removed, added = _pair(
            before.get("remaining", []), after.get("remaining", []), lambda r: tuple(r[:5])
        )
        for item in removed:
            out.append(
                Difference(
                    tree, name, run, "remaining-removed", _remaining_text(item), item[0], item[1]
                )
            )
        for item in added:
            out.append(
                Difference(
                    tree, name, run, "remaining-added", _remaining_text(item), item[0], item[1]
                )
            )
        for before_item, after_item in pairs:
            if before_item != after_item:
                out.append(
                    Difference(
                        tree,
                        name,
                        run,
                        "remaining-changed",
                        f"{before_item} -> {after_item}",
                        before_item[0],
                        before_item[1],
                    )
                )
    return out


def _remaining_text(item: Sequence[Any]) -> str:
    text = f"{item[0]} at {item[1]}:{item[2]}-{item[3]}:{item[4]}"
    return text + (f" {item[5]!r}" if len(item) > 5 else "")


def compare_tree(
    tree_json: Json, name: str, current: Mapping[str, Json], tree: Tree
) -> tuple[list[Difference], list[str]]:
    """The differences in one tree, and notes that are not differences."""
    baseline: Mapping[str, Json] = tree_json["files"]
    runs = tree_json["runs"]
    out: list[Difference] = []
    notes: list[str] = []
    for file in sorted(set(baseline) | set(current)):
        if file.startswith("new/") and file not in baseline:
            entry = current[file]
            found = len(entry.get("report", {}).get("findings", []))
            notes.append(f"{name}/{file}: an example not in the baseline ({found} findings)")
            continue
        if file not in current:
            out.append(Difference(name, file, "-", "file-removed", "in the baseline, not now"))
        elif file not in baseline:
            out.append(Difference(name, file, "-", "file-added", "not in the baseline"))
        else:
            source: bytes | None = None
            if "source" in baseline[file]:
                source = baseline[file]["source"].encode("utf-8")
            elif not tree.is_examples:
                path = tree.resolved() / file
                source = path.read_bytes() if path.is_file() else None
            out += compare_entries(name, file, baseline[file], current[file], runs, source)
    if tree.is_examples:
        regenerated = {_example_key(code, options) for _, code, options, _ in rule_examples()}
        gone = [
            f
            for f, e in baseline.items()
            if "source" in e and _example_key(e["source"], e.get("options", {})) not in regenerated
        ]
        if gone:
            notes.append(
                f"{name}: {len(gone)} baseline examples are no longer on the rule classes "
                "(still compared, from the sources the baseline stored)"
            )
    return out, notes


def load_allowed(path: Path | None) -> list[Json]:
    """The intended differences: a TOML file of ``[[intended]]`` tables, or a JSON list."""
    if path is None:
        return []
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        entries = json.loads(text) if text.strip() else []
    else:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        entries = tomllib.loads(text).get("intended", [])
    for entry in entries:
        if not str(entry.get("reason", "")).strip():
            raise SystemExit(f"{path}: every intended difference needs a reason: {entry}")
        unknown = set(entry) - {"tree", "file", "run", "kind", "code", "line", "python", "reason"}
        if unknown:
            raise SystemExit(f"{path}: unknown keys {sorted(unknown)} in {entry}")
    return list(entries)


def apply_allowed(differences: Iterable[Difference], allowed: Sequence[Json]) -> list[Json]:
    """Marks each difference the first matching entry covers; returns the entries unused.

    An entry matches when each of its keys (``tree``, ``run``, ``kind``,
    ``code``, ``line``; ``file`` as a glob) equals the difference's, on the
    Python versions its ``python`` key names (``"3.9"``, or a list; any if absent).
    """
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    used = [False] * len(allowed)
    for difference in differences:
        for index, entry in enumerate(allowed):
            versions = entry.get("python", running)
            if running not in ([versions] if isinstance(versions, str) else versions):
                continue
            if all(
                entry.get(k) is None or entry[k] == getattr(difference, k)
                for k in ("tree", "run", "kind", "code", "line")
            ) and fnmatch.fnmatchcase(difference.file, entry.get("file", "*")):
                difference.reason = entry["reason"]
                used[index] = True
                break
    return [entry for entry, hit in zip(allowed, used) if not hit]


def render(differences: Sequence[Difference], limit: int | None = None) -> str:
    """The differences, readable: one line each, the fixed-output diff indented under it."""
    lines = []
    shown = differences if limit is None else differences[:limit]
    for difference in shown:
        mark = f"  (intended: {difference.reason})" if difference.reason else ""
        lines.append(difference.title() + mark)
        if difference.extra:
            lines.extend("    " + line for line in difference.extra.rstrip("\n").split("\n"))
    if limit is not None and len(differences) > limit:
        lines.append(f"... and {len(differences) - limit} more")
    return "\n".join(lines)


def relint(
    document: Json,
    trees: Sequence[Tree] | None,
    jobs: int,
    timeout: float,
    progress: bool = True,
    fast: bool = False,
) -> list[tuple[Json, TreeResult]]:
    """Lint again each tree of a baseline document, as it was recorded."""
    chosen = {t.name: t for t in trees} if trees else None
    out = []
    with tempfile.TemporaryDirectory(prefix="differential-") as folder:
        for name, tree_json in document["trees"].items():
            if chosen is not None and name not in chosen:
                continue
            root = chosen[name].root if chosen is not None else tree_json["root"]
            tree = Tree(name, root, tuple(tree_json.get("excludes", ())))
            runner = Runner(tree_json["runs"], tree_json.get("patches", True), jobs, timeout)
            stored = tree_json["files"]
            out.append((tree_json, lint_tree(tree, runner, folder, stored, progress, fast)))
    return out


def cmd_compare(args: argparse.Namespace) -> int:
    allowed = load_allowed(args.allow)
    meta = environment(None)
    print(f"lintrules from {meta['lintrules']} (python {meta['python']}, libcst {meta['libcst']})")
    notes: list[str] = []
    old_times: Json = {}
    if args.timings is not None and args.timings.exists():
        old_times = json.loads(args.timings.read_text(encoding="utf-8")).get("trees", {})
    per_tree: list[tuple[Json, TreeResult, list[Difference]]] = []
    for baseline in args.baseline:
        document = read_json(baseline)
        recorded = document["meta"]
        if recorded.get("python", "").rsplit(".", 1)[0] != meta["python"].rsplit(".", 1)[0]:
            notes.append(
                f"{baseline}: recorded with Python {recorded.get('python')}, running "
                f"{meta['python']}: syntax errors and the stdlib may differ"
            )
        for tree_json, result in relint(
            document, args.tree, args.jobs, args.timeout, fast=args.fast
        ):
            found, tree_notes = compare_tree(
                tree_json, result.tree.name, result.entries, result.tree
            )
            notes += tree_notes
            per_tree.append((tree_json, result, found))
    known = {result.tree.name for _, result, _ in per_tree}
    notes += [
        f"--tree {t.name}: in none of the baselines" for t in args.tree or () if t.name not in known
    ]
    differences = [d for _, _, found in per_tree for d in found]
    unused = apply_allowed(differences, allowed)
    notes += [f"--allow entry matched nothing: {entry}" for entry in unused]
    failing = [d for d in differences if d.reason is None]
    intended = [d for d in differences if d.reason is not None]
    if failing:
        print(f"\n{len(failing)} differences:")
        print(render(failing, args.max_shown))
    if intended:
        print(f"\n{len(intended)} intended differences:")
        print(render(intended, args.max_shown))
    if notes:
        print("\nNotes:")
        for note in notes:
            print(f"  {note}")
    rows = [
        "| tree | files | findings before | findings now | differences | intended "
        "| wall s before | wall s now |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for tree_json, result, found in per_tree:
        now_entries = {k: v for k, v in result.entries.items() if not k.startswith("new/")}
        old_wall = old_times.get(result.tree.name, {}).get("wall_s")
        rows.append(
            f"| {result.tree.name} | {len(result.entries)} "
            f"| {sum(_count(tree_json['files']).values())} | {sum(_count(now_entries).values())} "
            f"| {sum(1 for d in found if d.reason is None)} "
            f"| {sum(1 for d in found if d.reason is not None)} "
            f"| {'' if old_wall is None else f'{old_wall:.1f}'} | {result.wall:.1f} |"
        )
    print("\n" + "\n".join(rows))
    _write_timings(args.timings_out, [result for _, result, _ in per_tree], "compare")
    print(
        f"\n{'FAIL' if failing else 'OK'}: {len(failing)} unexpected differences, "
        f"{len(intended)} intended"
    )
    return 1 if failing else 0


# -- command line --------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--jobs", type=int, default=2, help="worker processes (1: in process)")
        sub.add_argument("--timeout", type=float, default=600.0, help="seconds per file")
        sub.add_argument(
            "--timings",
            type=Path,
            help="record: write the trees' timings there; compare: the recorded ones to show",
        )

    record = commands.add_parser("record", help="lint trees and write a baseline")
    record.add_argument("--tree", type=parse_tree, action="append", required=True)
    record.add_argument("--out", required=True, help="FILE, or a name with {tree} in it")
    record.add_argument("--exclude", action="append", default=[], metavar="TREE=RELPATH")
    record.add_argument("--runs", default=",".join(DEFAULT_RUNS), help=f"of {', '.join(RUNS)}")
    record.add_argument("--no-patches", action="store_true", help="fixed outputs as hashes only")
    record.add_argument("--label", help="what is being recorded (a commit), kept in the meta")
    common(record)

    compare = commands.add_parser("compare", help="lint again and list every difference")
    compare.add_argument("--baseline", type=Path, nargs="+", required=True)
    compare.add_argument("--tree", type=parse_tree, action="append", help="only these trees, here")
    compare.add_argument("--allow", type=Path, help="intended differences (TOML or JSON)")
    compare.add_argument("--max-shown", type=int, default=None, help="list at most N differences")
    compare.add_argument(
        "--fast",
        action="store_true",
        help="skip the fix runs a file's report shows would fix nothing (as the baseline did)",
    )
    compare.add_argument("--timings-out", type=Path, help="a JSON file for today's timings")
    common(compare)

    args = parser.parse_args(argv)
    if args.command == "record":
        return cmd_record(args)
    return cmd_compare(args)


if __name__ == "__main__":
    sys.exit(main())
