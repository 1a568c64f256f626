"""How fast netcompat-lint is on the standard library, against its peers.

One run copies the ``.py`` files of the running interpreter's standard library
(``test/`` folders included, ``site-packages`` left out) into a temporary
folder, so that every tool sees the same files and no cache lands in the real
standard library, and then times, each as a subprocess, by wall clock:

* ``netcompat-lint check --no-cache --exit-zero -q`` (every core), cold;
* the same with ``--jobs 1``;
* netcompat-lint with its cache: one run to fill it, then the warm re-run;
* Fixit 2 running one trivial rule (``bench/fixit_trivial_rule.py``);
* a plain ``libcst.parse_module`` of every file, in one process;
* ``ruff check --isolated --select UP024 --no-cache --exit-zero``;
* ``grep -rl errno``.

It prints a table with the ratios, checks the targets (at least 30x faster than
Fixit and within 5x of ruff, cold; a warm re-run under 0.3 s) and says met or
missed without failing, lists what each tool could not handle (a file that
blows the recursion limit is reported, never fatal), and then, untimed, walks
netcompat's own pipeline file by file in this process to show where its time
goes and which files get past the text prefilter and the ``ast`` gate.

Fixit and, when it is not on ``PATH``, ruff are installed with pip into a
virtual environment under ``--work-dir`` (reused by later runs).

Usage: python bench/lint_benchmark.py [--skip-fixit | --fixit-subset N]
       [--fixit PATH] [--ruff PATH] [--repeat N] [--jobs N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
FIXIT_RULE_MODULE = "fixit_trivial_rule"

#: The targets from the issue.
FIXIT_TARGET = 30.0  # netcompat at least this many times faster than Fixit, cold
RUFF_TARGET = 5.0  # netcompat cold at most this many times ruff's time
WARM_TARGET = 0.3  # seconds for a warm re-run over unchanged files

DEFAULT_TIMEOUT = 900.0
DEFAULT_FIXIT_TIMEOUT = 900.0
INSTALL_TIMEOUT = 600.0

_FIXIT_EXCEPTION = re.compile(r"^(?P<path>\S[^\n]*?): EXCEPTION: (?P<message>.*)$", re.MULTILINE)
_NETCOMPAT_ENGINE = re.compile(
    r"^(?P<path>.+?):\d+:\d+: (?P<code>NC9\d\d)\S* (?P<message>.*)$", re.MULTILINE
)
_RUFF_SYNTAX = re.compile(
    r"^(?P<path>.+?):\d+:\d+: (?:SyntaxError|invalid-syntax)\b(?P<message>.*)$", re.MULTILINE
)


# -- the files -----------------------------------------------------------------
def stdlib_dir() -> Path:
    """The standard library folder of the running interpreter."""
    return Path(sysconfig.get_paths()["stdlib"])


def _ignore_non_python(directory: str, names: list[str]) -> set[str]:
    ignored = set()
    for name in names:
        path = os.path.join(directory, name)
        if os.path.isdir(path) and not os.path.islink(path):
            if name in ("site-packages", "__pycache__"):
                ignored.add(name)
        elif not name.endswith(".py") or os.path.islink(path):
            ignored.add(name)
    return ignored


def copy_tree(source: Path, target: Path) -> list[Path]:
    """Copy every ``*.py`` under ``source`` (no site-packages) to ``target``; return them sorted."""
    shutil.copytree(source, target, ignore=_ignore_non_python, symlinks=False)
    return sorted(target.rglob("*.py"))


def count_lines(files: Iterable[Path]) -> tuple[int, int]:
    """Total lines and bytes of ``files``."""
    lines = size = 0
    for path in files:
        data = path.read_bytes()
        size += len(data)
        lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return lines, size


def sample(files: Sequence[Path], count: int) -> list[Path]:
    """``count`` files spread evenly over ``files`` (sorted by path)."""
    if count >= len(files):
        return list(files)
    step = len(files) / count
    return [files[int(i * step)] for i in range(count)]


# -- running and timing ----------------------------------------------------------
@dataclass
class Timing:
    """One tool's measurement: wall times of each repeat, and what went wrong."""

    label: str
    command: list[str]
    seconds: list[float] = field(default_factory=list)
    #: CPU seconds (user + system) of the process and the children it waited for.
    cpu: list[float] = field(default_factory=list)
    returncode: int | None = None
    timed_out: bool = False
    skipped: str | None = None
    failures: list[str] = field(default_factory=list)
    note: str = ""
    #: When the tool ran on a sample only, the factor that scales its time to all files.
    scale: float = 1.0

    @property
    def ok(self) -> bool:
        return self.skipped is None and not self.timed_out and bool(self.seconds)

    @property
    def measured(self) -> float:
        """The median wall time of the repeats."""
        return statistics.median(self.seconds)

    @property
    def value(self) -> float:
        """The time for all files (extrapolated when run on a sample)."""
        return self.measured * self.scale


@dataclass
class Output:
    returncode: int
    stdout: str
    stderr: str


def children_cpu() -> float:
    """CPU seconds used so far by the child processes this one has waited for."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    try:
        return "/".join(f"{value:.1f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "?"


def run_timed(
    command: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str] | None,
    timeout: float,
    log: Path,
) -> tuple[float, float, Output | None]:
    """Run ``command``; return its wall time, CPU time and output (None on timeout).

    The command gets its own process group, so a timeout also ends the worker
    processes it started.  Output goes to files (a Fixit traceback can be
    megabytes long) and is written to ``log`` for later reading.
    """
    out_path = log.with_suffix(".out")
    err_path = log.with_suffix(".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        cpu_before = children_cpu()
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True
        )
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return time.perf_counter() - start, children_cpu() - cpu_before, None
        elapsed = time.perf_counter() - start
    return (
        elapsed,
        children_cpu() - cpu_before,
        Output(
            returncode,
            out_path.read_text(encoding="utf-8", errors="replace"),
            err_path.read_text(encoding="utf-8", errors="replace"),
        ),
    )


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


class Bench:
    """Runs the tools over one copied tree."""

    def __init__(self, root: Path, tree: Path, repeat: int) -> None:
        self.root = root
        self.tree = tree
        self.repeat = repeat
        self.logs = root / "logs"
        self.logs.mkdir(exist_ok=True)
        self._runs = 0

    def display(self, text: str) -> str:
        """``text`` with the temporary folder shortened, for the report."""
        text = text.replace(str(self.tree) + os.sep, "").replace(str(self.tree), ".")
        # Tools run in the folder above the tree print paths relative to it.
        prefix = self.tree.name + os.sep
        return text[len(prefix) :] if text.startswith(prefix) else text

    def measure(
        self,
        timing: Timing,
        *,
        env: dict[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        ok_codes: Sequence[int] = (0,),
        before_each: Iterable[Sequence[str]] = (),
    ) -> Output | None:
        """Time ``timing.command`` ``repeat`` times; return the last output.

        ``before_each`` commands run, untimed, before every repeat.
        """
        output: Output | None = None
        for _ in range(self.repeat):
            for command in before_each:
                self._runs += 1
                _, _, prep = run_timed(
                    command,
                    cwd=self.root,
                    env=env,
                    timeout=timeout,
                    log=self.logs / f"{self._runs:02d}",
                )
                if prep is None or prep.returncode not in ok_codes:
                    timing.failures.append(f"preparing command failed: {' '.join(command)}")
                    return prep
            self._runs += 1
            load = load_average()
            elapsed, cpu, output = run_timed(
                timing.command,
                cwd=self.root,
                env=env,
                timeout=timeout,
                log=self.logs / f"{self._runs:02d}",
            )
            print(
                f"  {timing.label}: {elapsed:.2f} s wall, {cpu:.2f} s cpu (load before: {load})",
                flush=True,
            )
            if output is None:
                timing.timed_out = True
                timing.failures.append(f"timed out after {timeout:.0f} s (process group killed)")
                return None
            timing.seconds.append(elapsed)
            timing.cpu.append(cpu)
            timing.returncode = output.returncode
            if output.returncode not in ok_codes:
                timing.failures.append(
                    f"exit code {output.returncode}: {self.display(_tail(output.stderr or output.stdout))}"
                )
        return output


def snapshot_source(root: Path) -> Path:
    """Copy this checkout's packages under ``root``, so every run lints with the same rules.

    The copy is byte-compiled, as an installed package is: without that, every
    run would compile the modules again (``PYTHONDONTWRITEBYTECODE`` is common
    in containers) and the warm run would mostly measure the compiler.
    """
    import compileall

    target = root / "netcompat-src"
    for package in ("lintrules", "netcompat"):
        shutil.copytree(
            REPO_ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    compileall.compile_dir(str(target), quiet=1)
    return target


def enabled_rules(env: dict[str, str], cwd: Path) -> str:
    """The codes ``netcompat-lint rules`` lists, default-disabled ones in parentheses."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lintrules", "rules"],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"? ({error})"
    codes = []
    for line in done.stdout.splitlines():
        code = line.split(" ", 1)[0]
        if code and "(engine)" not in line:
            codes.append(f"({code})" if line.rstrip().endswith("(opt-in)") else code)
    return " ".join(codes) if codes else f"? ({_tail(done.stderr, 1)})"


def _help(command: Sequence[str], env: dict[str, str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            [*command, "--help"], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def _env_with_path(extra: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra), env.get("PYTHONPATH", "")) if p)
    return env


def _venv_bin(venv: Path, name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return venv / folder / f"{name}{suffix}"


def ensure_venv(venv: Path, packages: Sequence[str]) -> str | None:
    """Create ``venv`` if needed and pip-install ``packages``; return an error or None."""
    try:
        if not _venv_bin(venv, "python").exists():
            print(f"creating {venv} ...", flush=True)
            subprocess.run(
                [sys.executable, "-m", "venv", str(venv)],
                check=True,
                timeout=INSTALL_TIMEOUT,
                capture_output=True,
            )
        missing = [p for p in packages if not _venv_bin(venv, p).exists()]
        if missing:
            print(f"installing {', '.join(missing)} into {venv} ...", flush=True)
            subprocess.run(
                [str(_venv_bin(venv, "python")), "-m", "pip", "install", "--quiet", *missing],
                check=True,
                timeout=INSTALL_TIMEOUT,
                capture_output=True,
            )
    except (OSError, subprocess.SubprocessError) as error:
        detail = ""
        if isinstance(error, subprocess.CalledProcessError):
            detail = _tail((error.stderr or b"").decode("utf-8", "replace"), 3)
        return f"cannot set up {venv}: {error} {detail}".strip()
    return None


def _version(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0]
        if (done.stdout or done.stderr).strip()
        else "?"
    )


# -- the libcst parse worker (this script run with --libcst-parse-worker) ---------
def libcst_parse_worker(list_file: Path) -> int:
    """Parse every file named in ``list_file`` with libcst; print a JSON summary."""
    import libcst

    failures: list[str] = []
    files = list_file.read_text(encoding="utf-8").splitlines()
    for name in files:
        with open(name, "rb") as handle:
            data = handle.read()
        try:
            libcst.parse_module(data)
        except (
            libcst.ParserSyntaxError,
            SyntaxError,  # an unknown encoding in the coding cookie
            UnicodeDecodeError,
            LookupError,
            RecursionError,
            MemoryError,
            ValueError,
        ) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            failures.append(f"{name}: {type(error).__name__}: {first}")
    json.dump({"files": len(files), "failures": failures}, sys.stdout)
    return 0


# -- the funnel: netcompat's pipeline, file by file, in this process -------------
@dataclass
class Funnel:
    discovered: int = 0
    prefiltered: list[tuple[int, str]] = field(default_factory=list)
    ast_failed: list[str] = field(default_factory=list)
    gated: list[tuple[int, str]] = field(default_factory=list)
    libcst_failed: list[str] = field(default_factory=list)
    #: Gates or rules that raised (the CLI turns a crashing gate into an internal error).
    crashes: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    per_rule: dict[str, list[int]] = field(default_factory=dict)
    with_libcst: bool = False
    findings: int = 0
    metadata: list[str] = field(default_factory=list)
    #: (seconds in libcst parse + metadata + rules, file) for every file libcst saw.
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def add(self, phase: str, seconds: float) -> None:
        self.phases[phase] = self.phases.get(phase, 0.0) + seconds


def funnel(tree: Path, root: Path, source: Path, *, with_libcst: bool) -> Funnel:
    """Walk netcompat's pipeline over ``tree`` one file at a time, timing each phase.

    The steps are those of ``lintrules.engine._analyse`` (text prefilter,
    ``ast`` parse and index, gates, libcst parse, metadata, batched visit) with
    the default configuration; fixing, noqa and output are left out.  Without
    ``with_libcst`` it stops at the gates (cheap); with it, it also parses,
    computes the rules' metadata and runs them, which costs as much as a
    ``--jobs 1`` run.
    """
    sys.path.insert(0, str(source))
    import ast
    import warnings

    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from lintrules.config import Config
    from lintrules.engine import candidate_rules, decode_source
    from lintrules.files import discover
    from lintrules.gate import AstIndex

    result = Funnel(with_libcst=with_libcst)
    config = Config(root=root)
    rules = config.enabled_rules()
    result.per_rule = {rule.CODE: [0, 0, 0] for rule in rules}
    needles = {rule.CODE: [n.encode("ascii") for n in rule.REQUIRES_TEXT] for rule in rules}
    files = discover([str(tree)], root=root).files
    result.discovered = len(files)
    clock = time.process_time  # CPU time: other work on the machine does not count
    for path in files:
        start = clock()
        data = path.read_bytes()
        result.add("read", clock() - start)

        start = clock()
        keep = any(
            not rule.REQUIRES_TEXT or any(needle in data for needle in needles[rule.CODE])
            for rule in rules
        )
        result.add("prefilter: bytes search (runner)", clock() - start)
        if not keep:
            continue
        start = clock()
        try:
            text = decode_source(data)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            result.add("prefilter: decode, per-rule text (engine)", clock() - start)
            continue
        active = candidate_rules(text, rules)
        result.add("prefilter: decode, per-rule text (engine)", clock() - start)
        if not active:
            continue
        name = str(path.relative_to(tree))
        result.prefiltered.append((len(data), name))
        for rule in active:
            result.per_rule[rule.CODE][0] += 1

        start = clock()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree_ = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            result.add("ast.parse", clock() - start)
            result.ast_failed.append(f"{name}: {type(error).__name__}")
        else:
            result.add("ast.parse", clock() - start)
            start = clock()
            index = AstIndex.from_tree(tree_)
            result.add("AstIndex.from_tree", clock() - start)
            start = clock()
            kept = []
            for rule in active:
                try:
                    if rule.gate(index):
                        kept.append(rule)
                except Exception as error:  # a crashing gate is reported, not fatal
                    result.crashes.append(
                        f"{name}: {rule.CODE} gate: {type(error).__name__}: {error}"
                    )
            active = kept
            result.add("gates", clock() - start)
            if not active:
                continue
        result.gated.append((len(data), name))
        for rule in active:
            result.per_rule[rule.CODE][1] += 1
        if len(active) == 1:
            result.per_rule[active[0].CODE][2] += 1
        if not with_libcst:
            continue

        libcst_start = start = clock()
        try:
            module = cst.parse_module(data)
        except (cst.ParserSyntaxError, RecursionError) as error:
            result.add("libcst.parse_module", clock() - start)
            result.libcst_failed.append(f"{name}: {type(error).__name__}")
            continue
        result.add("libcst.parse_module", clock() - start)

        providers = {provider for rule in active for provider in rule.get_inherited_dependencies()}
        for provider in providers:
            if provider.__name__ not in result.metadata:
                result.metadata.append(provider.__name__)
        start = clock()
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        try:
            wrapper.resolve_many(providers)
        except RecursionError:
            result.add("metadata", clock() - start)
            result.libcst_failed.append(f"{name}: RecursionError in metadata")
            continue
        result.add("metadata", clock() - start)

        start = clock()
        instances = [rule(None) for rule in active]
        try:
            wrapper.visit_batched(instances)
        except RecursionError:
            result.libcst_failed.append(f"{name}: RecursionError in rules")
        except Exception as error:  # a crashing rule is reported, not fatal
            codes = ",".join(rule.CODE for rule in active)
            result.crashes.append(f"{name}: rules {codes}: {type(error).__name__}: {error}")
        result.add("rules (batched visit)", clock() - start)
        result.slowest.append((clock() - libcst_start, name))
        result.findings += sum(len(instance.reports) for instance in instances)
    return result


# -- the report --------------------------------------------------------------------
def ratio_text(ours: Timing, peer: Timing) -> str:
    if not (ours.ok and peer.ok) or ours.value <= 0 or peer.value <= 0:
        return "-"
    if ours.value <= peer.value:
        return f"netcompat is {peer.value / ours.value:.1f}x faster"
    return f"{peer.label.split(' (')[0]} is {ours.value / peer.value:.1f}x faster"


def seconds_text(timing: Timing) -> str:
    if timing.skipped is not None:
        return "skipped"
    if timing.timed_out:
        return "timeout"
    if not timing.seconds:
        return "failed"
    text = f"{timing.measured:.2f}"
    if timing.scale != 1.0:
        text += f" (~{timing.value:.0f} all)"
    return text


def print_table(ours: Timing, timings: Sequence[Timing]) -> None:
    width = max(len(t.label) for t in timings)
    print(f"\n{'tool':<{width}}  {'wall s':>16}  {'cpu s':>8}  wall time vs netcompat cold")
    print(f"{'-' * width}  {'-' * 16}  {'-' * 8}  {'-' * 34}")
    for timing in timings:
        ratio = "" if timing.label.startswith("netcompat") else ratio_text(ours, timing)
        cpu = f"{statistics.median(timing.cpu):.2f}" if timing.cpu and timing.ok else "-"
        print(f"{timing.label:<{width}}  {seconds_text(timing):>16}  {cpu:>8}  {ratio}")
        if timing.note:
            print(f"{'':<{width}}  {'':>16}  {'':>8}  ({timing.note})")


def print_targets(cold: Timing, warm: Timing, fixit: Timing, ruff: Timing) -> None:
    print("\nTargets (measured figures; nothing is asserted):")

    def line(name: str, met: bool | None, detail: str) -> None:
        verdict = "n/a   " if met is None else ("met   " if met else "MISSED")
        print(f"  [{verdict}] {name}: {detail}")

    if cold.ok and fixit.ok:
        speedup = fixit.value / cold.value
        extrapolated = " (Fixit time extrapolated from a sample)" if fixit.scale != 1.0 else ""
        line(
            f">= {FIXIT_TARGET:.0f}x faster than Fixit, cold",
            speedup >= FIXIT_TARGET,
            f"{speedup:.1f}x ({fixit.value:.1f} s / {cold.value:.2f} s){extrapolated}",
        )
    else:
        line(f">= {FIXIT_TARGET:.0f}x faster than Fixit, cold", None, "Fixit not measured")
    if cold.ok and ruff.ok:
        factor = cold.value / ruff.value
        line(
            f"within {RUFF_TARGET:.0f}x of ruff, cold",
            factor <= RUFF_TARGET,
            f"{factor:.1f}x ruff's time ({cold.value:.2f} s vs {ruff.value:.2f} s)",
        )
    else:
        line(f"within {RUFF_TARGET:.0f}x of ruff, cold", None, "ruff not measured")
    if warm.ok:
        line(
            f"warm re-run < {WARM_TARGET} s",
            warm.value < WARM_TARGET,
            f"{warm.value:.3f} s",
        )
    else:
        line(f"warm re-run < {WARM_TARGET} s", None, "not measured")


def print_failures(timings: Sequence[Timing], limit: int = 12) -> None:
    print("\nFailures and files the tools could not handle:")
    any_shown = False
    for timing in timings:
        if timing.skipped is not None:
            print(f"  {timing.label}: skipped ({timing.skipped})")
            any_shown = True
            continue
        if not timing.failures:
            continue
        any_shown = True
        print(f"  {timing.label}: {len(timing.failures)}")
        for failure in timing.failures[:limit]:
            print(f"    {failure}")
        if len(timing.failures) > limit:
            print(f"    ... and {len(timing.failures) - limit} more")
    if not any_shown:
        print("  none")


def print_funnel(result: Funnel, limit: int = 10) -> None:
    print("\nnetcompat pipeline, file by file in one process (not in the table; default rules):")
    print(f"  files discovered:                 {result.discovered}")
    print(f"  pass the text prefilter:          {len(result.prefiltered)}")
    print(f"  ast.parse failed (go to libcst):  {len(result.ast_failed)}")
    print(f"  pass an ast gate -> libcst parse: {len(result.gated)}")
    if result.with_libcst:
        print(f"  libcst parse or metadata failed:  {len(result.libcst_failed)}")
        print(f"  findings (before noqa):           {result.findings}")
        print(f"  metadata computed:                {', '.join(sorted(result.metadata)) or '-'}")
    else:
        print("  (libcst phases not run: --funnel-libcst times them)")
    total = sum(result.phases.values())
    print(f"  CPU time by phase (sum {total:.2f} s):")
    for phase, seconds in sorted(result.phases.items(), key=lambda item: -item[1]):
        share = 100 * seconds / total if total else 0.0
        print(f"    {phase:<50} {seconds:8.3f} s {share:5.1f} %")
    print("  per rule: files its text prefilter keeps / its ast gate keeps / only it keeps:")
    for code, (text_kept, gate_kept, alone) in sorted(result.per_rule.items()):
        print(f"    {code}: {text_kept:5d} / {gate_kept:5d} / {alone:5d}")
    for title, rows in (
        ("largest files passing the prefilter", result.prefiltered),
        ("largest files passing an ast gate (parsed by libcst)", result.gated),
    ):
        print(f"  {title}:")
        for size, name in sorted(rows, reverse=True)[:limit]:
            print(f"    {size:9,d} B  {name}")
        if not rows:
            print("    none")
    if result.with_libcst:
        print(f"  slowest files in libcst (parse + metadata + rules), of {len(result.slowest)}:")
        for seconds, name in sorted(result.slowest, reverse=True)[:limit]:
            print(f"    {seconds:7.3f} s  {name}")
    for title, names in (
        ("ast.parse failed", result.ast_failed),
        ("libcst failed", result.libcst_failed),
        ("CRASHED", result.crashes),
    ):
        if names:
            print(f"  {title}: {', '.join(names[:limit])}{' ...' if len(names) > limit else ''}")


# -- the main flow -------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--stdlib", type=Path, default=None, help="folder to copy (default: this Python's stdlib)"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "netcompat-bench",
        help="where the tools' virtual environment lives (default: ~/.cache/netcompat-bench)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed runs per tool; the median is used"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="netcompat --jobs for the cold run (default: all cores)",
    )
    parser.add_argument("--skip-fixit", action="store_true", help="do not run Fixit")
    parser.add_argument(
        "--fixit-subset",
        type=int,
        default=None,
        metavar="N",
        help="run Fixit on N evenly spread files and extrapolate by line count",
    )
    parser.add_argument(
        "--fixit",
        type=Path,
        default=None,
        help="a fixit executable to use instead of installing one",
    )
    parser.add_argument(
        "--ruff",
        type=Path,
        default=None,
        help="a ruff executable (default: ruff on PATH, else install)",
    )
    parser.add_argument("--fixit-timeout", type=float, default=DEFAULT_FIXIT_TIMEOUT)
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="timeout of every other tool"
    )
    parser.add_argument(
        "--skip-funnel",
        action="store_true",
        help="skip the walk that counts prefilter and gate passes",
    )
    parser.add_argument(
        "--funnel-libcst",
        action="store_true",
        help="in that walk, also time libcst parse, metadata and rules (as slow as --jobs 1)",
    )
    parser.add_argument(
        "--jobs1", action="store_true", help="also time netcompat cold with --jobs 1"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the copied tree and the tools' logs"
    )
    parser.add_argument("--libcst-parse-worker", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.libcst_parse_worker is not None:
        return libcst_parse_worker(args.libcst_parse_worker)
    if args.repeat < 1:
        print("--repeat must be at least 1", file=sys.stderr)
        return 2
    source = args.stdlib if args.stdlib is not None else stdlib_dir()
    root = Path(tempfile.mkdtemp(prefix="netcompat-bench-"))
    try:
        return _bench(args, source, root)
    finally:
        if args.keep:
            print(f"\nkept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def _netcompat_failures(bench: Bench, timing: Timing, output: Output | None) -> int:
    """Record the engine's NC9xx findings (unreadable, unparsable, crashed); return all findings."""
    if output is None:
        return 0
    for match in _NETCOMPAT_ENGINE.finditer(output.stdout):
        timing.failures.append(
            f"{bench.display(match['path'])}: {match['code']} {match['message'][:120]}"
        )
    return sum(1 for line in output.stdout.splitlines() if re.search(r": NC\d{3}", line))


def _bench(args: argparse.Namespace, source: Path, root: Path) -> int:
    import platform

    tree = root / "stdlib"
    print(f"Python {platform.python_version()} ({sys.executable}) on {platform.platform()}")
    print(f"copying {source} (*.py only, no site-packages) ...", flush=True)
    files = copy_tree(source, tree)
    lines, size = count_lines(files)
    in_tests = sum(
        1 for f in files if {"test", "tests", "idle_test"} & set(f.relative_to(tree).parent.parts)
    )
    cores = os.cpu_count() or 1
    print(
        f"files: {len(files)} ({in_tests} in test folders, included), "
        f"{lines:,} lines, {size / 1e6:.1f} MB"
    )
    print(f"cores: {cores}; netcompat cold run: --jobs {args.jobs or f'default ({cores})'}")
    print(
        f"repeats per tool: {args.repeat} (the median is reported); load average {load_average()}\n"
    )

    config = root / "pyproject.toml"
    config.write_text(
        "# netcompat-lint benchmark: default settings\n[tool.netcompat-lint]\n", "utf-8"
    )
    bench = Bench(root, tree, args.repeat)
    source_copy = snapshot_source(root)
    env = _env_with_path(source_copy)
    print(f"netcompat rules: {enabled_rules(env, root)}")
    lint = [
        sys.executable,
        "-m",
        "lintrules",
        "check",
        "--config",
        str(config),
        "--exit-zero",
        "-q",
    ]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    cache_dir = root / ".netcompat_cache"
    clear_cache = [
        sys.executable,
        "-c",
        "import shutil, sys; shutil.rmtree(sys.argv[1], True)",
        str(cache_dir),
    ]

    print("timing:", flush=True)
    # A --stats option (how many files reached ast and libcst), once the CLI has one.
    stats = ["--stats"] if "--stats" in _help(lint[:4], env, root) else []
    cold = Timing("netcompat cold", [*lint, "--no-cache", *stats, *jobs, str(tree)])
    cold_output = bench.measure(cold, env=env, timeout=args.timeout)
    findings = _netcompat_failures(bench, cold, cold_output)
    cold.note = f"--no-cache, {findings} findings"
    stage_line = re.search(
        r"^netcompat-lint: \d+ files: .*$", cold_output.stderr if cold_output else "", re.M
    )
    cold.note += (
        f"; {stage_line.group(0).split(': ', 1)[1]}" if stage_line else "; no --stats in this CLI"
    )
    # The rules of the linter issue alone (NC0xx), without the socket rules
    # (NC1xx), which need whole files with their classes: their cost shows
    # apart.
    core = Timing(
        "netcompat cold, NC0 rules", [*lint, "--no-cache", "--select", "NC0", *jobs, str(tree)]
    )
    core_output = bench.measure(core, env=env, timeout=args.timeout)
    core.note = f"--select NC0, {_netcompat_failures(bench, core, core_output)} findings"
    single = Timing("netcompat cold --jobs 1", [*lint, "--no-cache", "--jobs", "1", str(tree)])
    if args.jobs1:
        _netcompat_failures(bench, single, bench.measure(single, env=env, timeout=args.timeout))
    else:
        single.skipped = "no --jobs1"
    fill = Timing("netcompat cold, filling cache", [*lint, *jobs, str(tree)])
    _netcompat_failures(
        bench, fill, bench.measure(fill, env=env, timeout=args.timeout, before_each=[clear_cache])
    )
    warm = Timing("netcompat warm", [*lint, *jobs, str(tree)])
    bench.measure(warm, env=env, timeout=args.timeout)
    warm.note = "every file unchanged since the run above"

    venv = args.work_dir / "venv"
    ruff = _ruff(args, bench, venv, tree)
    grep = _grep(bench, tree, args.timeout)
    parse = _libcst_parse(bench, files, args.timeout)
    fixit = _fixit(args, bench, venv, files, lines)

    timings = [cold, core, *([single] if args.jobs1 else []), fill, warm, fixit, parse, ruff, grep]
    print_table(cold, timings)
    print_targets(cold, warm, fixit, ruff)
    print("\nThe same targets for the NC0 rules alone (the linter issue's rules):")
    print_targets(core, warm, fixit, ruff)
    print_failures(timings)
    print(
        f"\nload average at the end: {load_average()} (other work on the machine inflates wall times)"
    )
    if not args.skip_funnel:
        print("\nwalking the pipeline file by file ...", flush=True)
        print_funnel(funnel(tree, root, source_copy, with_libcst=args.funnel_libcst))
    if not args.keep:
        print(f"\n(logs of every run were in {bench.logs}; --keep keeps them)")
    return 0


def _ruff(args: argparse.Namespace, bench: Bench, venv: Path, tree: Path) -> Timing:
    label = "ruff UP024"
    executable = str(args.ruff) if args.ruff is not None else shutil.which("ruff")
    if executable is None:
        problem = ensure_venv(venv, ["ruff"])
        if problem is not None:
            return Timing(label, [], skipped=problem)
        executable = str(_venv_bin(venv, "ruff"))
    timing = Timing(
        label,
        [
            executable,
            "check",
            "--isolated",
            "--select",
            "UP024",
            "--no-cache",
            "--exit-zero",
            str(tree),
        ],
    )
    output = bench.measure(timing, timeout=args.timeout)
    timing.note = _version([executable, "--version"])
    if output is not None:
        for match in _RUFF_SYNTAX.finditer(output.stdout):
            timing.failures.append(
                f"{bench.display(match['path'])}: syntax error{match['message'][:100]}"
            )
    return timing


def _grep(bench: Bench, tree: Path, timeout: float) -> Timing:
    timing = Timing("grep -rl errno", ["grep", "-rl", "errno", str(tree)])
    if shutil.which("grep") is None:
        timing.skipped = "no grep on PATH"
        return timing
    output = bench.measure(timing, timeout=timeout, ok_codes=(0, 1))
    if output is not None:
        timing.note = f"{len(output.stdout.splitlines())} files mention errno"
    return timing


def _libcst_parse(bench: Bench, files: Sequence[Path], timeout: float) -> Timing:
    list_file = bench.root / "files.txt"
    list_file.write_text("".join(f"{path}\n" for path in files), "utf-8")
    timing = Timing(
        "libcst.parse_module, 1 process",
        [sys.executable, str(Path(__file__).resolve()), "--libcst-parse-worker", str(list_file)],
    )
    output = bench.measure(timing, timeout=timeout)
    version = _version(
        [sys.executable, "-c", "import importlib.metadata as m; print(m.version('libcst'))"]
    )
    timing.note = f"libcst {version}"
    if output is not None and output.returncode == 0:
        try:
            summary = json.loads(output.stdout)
        except ValueError:
            timing.failures.append("the worker printed no summary")
        else:
            timing.failures.extend(bench.display(line) for line in summary["failures"])
            timing.note += (
                f", {summary['files'] - len(summary['failures'])}/{summary['files']} parsed"
            )
    return timing


def _fixit(
    args: argparse.Namespace, bench: Bench, venv: Path, files: Sequence[Path], lines: int
) -> Timing:
    label = "Fixit, one trivial rule"
    if args.skip_fixit:
        return Timing(label, [], skipped="--skip-fixit")
    if args.fixit is not None:
        executable = str(args.fixit)
    else:
        problem = ensure_venv(venv, ["fixit"])
        if problem is not None:
            return Timing(label, [], skipped=problem)
        executable = str(_venv_bin(venv, "fixit"))
    rules_dir = bench.root / "fixit_rules"
    rules_dir.mkdir(exist_ok=True)
    shutil.copy(BENCH_DIR / f"{FIXIT_RULE_MODULE}.py", rules_dir)
    targets: list[str] = [str(bench.tree)]
    scale = 1.0
    if args.fixit_subset is not None and args.fixit_subset < len(files):
        chosen = sample(files, max(1, args.fixit_subset))
        targets = [str(path) for path in chosen]
        scale = lines / max(1, count_lines(chosen)[0])
        label += f" ({len(chosen)} files)"
    timing = Timing(
        label, [executable, "--rules", FIXIT_RULE_MODULE, "lint", *targets], scale=scale
    )
    output = bench.measure(
        timing, env=_env_with_path(rules_dir), timeout=args.fixit_timeout, ok_codes=(0, 1, 2)
    )
    notes = [_version([executable, "--version"])]
    if scale != 1.0:
        notes.append(f"time x{scale:.1f} by line count for all files")
    if output is not None:
        text = output.stdout + output.stderr
        if "Failed to load rules" in text:
            timing.failures.append(
                "Fixit could not load the trivial rule: the time is not comparable"
            )
        for match in _FIXIT_EXCEPTION.finditer(text):
            timing.failures.append(f"{bench.display(match['path'])}: {match['message'][:120]}")
        checked = re.search(r"(\d+) files? checked[^\n]*", text)
        if checked:
            notes.append(checked.group(0).strip(" \U0001f6e0\ufe0f"))
    timing.note = ", ".join(notes)
    return timing


if __name__ == "__main__":
    raise SystemExit(main())
