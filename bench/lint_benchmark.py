"""netcompat-lint against ruff: the speed targets of issue 9, measured side by side.

The ``*.py`` files of this Python's standard library (``test/`` included, no
``site-packages``) and of each real project (``--project NAME=PATH``) are copied
into a temporary folder, with a byte-compiled copy of ``lintrules/`` and
``netcompat/`` run through a pip-style console script, so that every tool sees
the same files, no cache lands in a real tree, and edits to the checkout during
the run change nothing.  Each round runs every measurement once, in turn; the
tables give medians over ``--repeat`` rounds, ratios, and met/MISSED per target
(nothing is asserted; the exit code is 0).  See bench/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime
import functools
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generated_file import DEFAULT_FINDINGS, generate

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PROJECTS_TOML = BENCH_DIR / "real_projects.toml"
#: pre-commit's typical call: a 165-line standard library file with one NC101 finding.
SMALL_FILE = "wsgiref/simple_server.py"
KIB_PER_MB = 1024  # ru_maxrss and /proc/PID/status count KiB

#: Issue 9, "Speed targets".
COLD_TARGET, COLD_MOONSHOT = 8.0, 5.0  # default rules, cold, stdlib: times ruff
NC0_TARGET = 5.0  # --select NC0, cold, stdlib: times ruff
WARM_TARGET = 2.0  # warm re-run: times ruff's warm run
SMALL_TARGET = 0.1  # seconds of wall time for one small file
PROJECT_TARGET = 10.0  # the largest real project, cold: times ruff
RSS_TARGET = 100.0  # MB, the largest single process of a default cold stdlib run
#: Issue 12, "Scale to huge files": a 3 MB generated file with 20,000 findings is
#: checked "in a few seconds and well under 300 MB".
GENERATED_SECONDS, GENERATED_MB = 5.0, 300.0

CONSOLE_SCRIPT = "#!{python}\nimport sys\nfrom lintrules.cli import main\nsys.exit(main())\n"

_NC_FINDING = re.compile(r"^\S.*?:\d+:\d+: NC\d{3}\b", re.MULTILINE)
_NC_ENGINE = re.compile(r"^(\S.*?:\d+:\d+: NC9\d\d\b.{0,100})", re.MULTILINE)
_NC_CHECKED = re.compile(r"\b(\d+) files? checked")
_RUFF_FOUND = re.compile(r"^Found (\d+) errors?\.", re.MULTILINE)
_RUFF_SYNTAX = re.compile(r"^invalid-syntax: .*\n\s*--> (\S+?):\d+", re.MULTILINE)
_IMPORT_TIME = re.compile(r"^import time:.*\| *(\S+)\s*$", re.MULTILINE)

_said: list[str] = []


def say(text: str = "") -> None:
    """Print ``text`` and keep it for ``--record``."""
    print(text, flush=True)
    _said.append(text)


# -- the trees -------------------------------------------------------------------
def _ignore(folder: str, names: list[str]) -> set[str]:
    """For ``shutil.copytree``: keep ``*.py`` files and folders; no links, caches, site-packages."""
    ignored = set()
    for name in names:
        path = os.path.join(folder, name)
        skip = name in ("site-packages", "__pycache__") or os.path.islink(path)
        if skip or not (name.endswith(".py") or os.path.isdir(path)):
            ignored.add(name)
    return ignored


def copy_tree(source: Path, target: Path) -> tuple[int, int]:
    """Copy the ``*.py`` files under ``source`` to ``target``; return (files, lines)."""
    shutil.copytree(source, target, ignore=_ignore)
    counts = [path.read_bytes().count(b"\n") for path in target.rglob("*.py")]
    return len(counts), sum(counts)


def snapshot_linter(source: Path, root: Path) -> tuple[Path, dict[str, str]]:
    """Copy ``lintrules``/``netcompat`` from ``source``; return a console script and its env."""
    packages = root / "netcompat-src"
    for package in ("lintrules", "netcompat"):
        shutil.copytree(source / package, packages / package, ignore=_ignore)
    compileall.compile_dir(str(packages), quiet=1)  # as installed: the runs compile nothing
    script = root / "bin" / "netcompat-lint"
    script.parent.mkdir()
    script.write_text(CONSOLE_SCRIPT.format(python=sys.executable), "utf-8")
    script.chmod(0o755)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(packages), env.get("PYTHONPATH")]))
    return script, env


def projects_from_toml(path: Path, real_root: Path) -> list[tuple[str, Path]]:
    """The projects of ``real_projects.toml`` whose tree exists as ``real_root``/NAME."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # a dependency of netcompat-lint before 3.11
        import tomli as tomllib

    data = tomllib.loads(path.read_text("utf-8"))
    entries = next((value for value in data.values() if isinstance(value, list)), None)
    if entries is None:  # [name] tables rather than a [[project]] array
        entries = [{"name": key, **value} for key, value in data.items() if isinstance(value, dict)]
    names = [str(entry["name"]) for entry in entries if isinstance(entry, dict) and "name" in entry]
    return [(name, real_root / name) for name in names if (real_root / name).is_dir()]


# -- running ---------------------------------------------------------------------
def load1() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


class RssSampler(threading.Thread):
    """Every 20 ms: each process of one process group's peak RSS (VmHWM), and the sum of RSS."""

    def __init__(self, group: int) -> None:
        super().__init__(daemon=True)
        self.group = group
        self.peaks: dict[int, int] = {}
        self.sum_peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            total = 0
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry.name}/stat", "rb") as handle:
                        stat = handle.read()
                    if int(stat[stat.rindex(b")") + 2 :].split()[2]) != self.group:
                        continue
                    with open(f"/proc/{entry.name}/status", encoding="ascii") as handle:
                        status = dict(line.split(":", 1) for line in handle if ":" in line)
                    hwm, rss = (int(status[key].split()[0]) for key in ("VmHWM", "VmRSS"))
                except (OSError, ValueError, KeyError, IndexError):
                    continue  # gone, a zombie, or not in the group
                self.peaks[int(entry.name)] = max(self.peaks.get(int(entry.name), 0), hwm)
                total += rss
            self.sum_peak = max(self.sum_peak, total)


@dataclass
class Run:
    wall: float
    cpu: float
    rss_kib: int  # the largest single process: the main one or a worker
    returncode: int | None  # None: timed out, process group killed
    output: str  # stdout and stderr
    load: tuple[float, float]  # before, after
    sampled: tuple[int, int, int] | None = None  # KiB: main, largest other process, sum


def run(
    command: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None,
    timeout: float,
    log: Path,
    sample_rss: bool = False,
) -> Run:
    """Run ``command`` in a process group of its own; its output goes to ``log``."""
    load_before = load1()
    killed: list[int] = []

    def kill(pid: int) -> None:
        killed.append(pid)
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)

    with open(log, "wb") as sink:
        start = time.perf_counter()
        try:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as error:  # no such executable
            return Run(
                0.0, 0.0, 0, 127, f"cannot run {command[0]}: {error}", (load_before, load1())
            )
        sampler = RssSampler(process.pid) if sample_rss else None
        if sampler is not None:
            sampler.start()
        timer = threading.Timer(timeout, kill, (process.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            kill(process.pid)
            process.wait()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    sampled = None
    if sampler is not None:
        sampler.done.set()
        sampler.join()
        others = [kib for pid, kib in sampler.peaks.items() if pid != process.pid]
        sampled = (sampler.peaks.get(process.pid, 0), max(others, default=0), sampler.sum_peak)
    cpu, code = usage.ru_utime + usage.ru_stime, None if killed else process.returncode
    output = log.read_text("utf-8", errors="replace")
    return Run(wall, cpu, usage.ru_maxrss, code, output, (load_before, load1()), sampled)


@dataclass
class Case:
    """One measurement: a command run once per round (or only once, with ``once``)."""

    label: str
    command: list[str]
    tool: str = "netcompat"  # or "ruff" or "fixit": how to read the output
    cwd: Path | None = None  # None: the temporary folder
    ok_codes: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None  # untimed, before every run
    once: bool = False
    sample_rss: bool = False
    env: dict[str, str] | None = None
    discovered: str = "?"  # files, for a tool that does not say how many it checked
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.returncode in self.ok_codes for r in self.runs)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(r.rss_kib for r in self.runs) / KIB_PER_MB

    def findings(self) -> str:
        text = self.runs[-1].output
        if self.tool == "netcompat":
            return str(len(_NC_FINDING.findall(text)))
        found = _RUFF_FOUND.search(text) if self.tool == "ruff" else None
        return found.group(1) if found else ("0" if "All checks passed" in text else "?")

    def files(self) -> str:
        found = _NC_CHECKED.search(self.runs[-1].output) if self.tool == "netcompat" else None
        return found.group(1) if found else self.discovered

    def problems(self) -> list[str]:
        """Bad exit codes, timeouts, and the files the tool could not handle (last run)."""
        out = []
        for number, result in enumerate(self.runs, 1):
            if result.returncode is None:
                out.append(f"run {number}: timed out, process group killed")
            elif result.returncode not in self.ok_codes:
                tail = " | ".join(result.output.strip().splitlines()[-3:])
                out.append(f"run {number}: exit code {result.returncode}: {tail[:300]}")
        text = self.runs[-1].output if self.runs else ""
        if self.tool == "netcompat":
            out.extend(_NC_ENGINE.findall(text))
        elif self.tool == "ruff":
            out.extend(
                f"{path}: invalid-syntax" for path in sorted(set(_RUFF_SYNTAX.findall(text)))
            )
        return out


def run_rounds(cases: list[Case], repeat: int, timeout: float, root: Path) -> None:
    (root / "logs").mkdir()
    for number in range(1, repeat + 1):
        say(f"round {number}/{repeat}:")
        for index, case in enumerate(cases):
            if case.once and case.runs:
                continue
            if case.before is not None:
                case.before()
            log = root / "logs" / f"{number}-{index:02d}.log"
            result = run(case.command, case.cwd or root, case.env, timeout, log, case.sample_rss)
            case.runs.append(result)
            status = "" if result.returncode in case.ok_codes else f"  EXIT {result.returncode}"
            say(
                f"  {case.label:<44} {result.wall:8.3f} s wall {result.cpu:7.2f} s cpu "
                f"{result.rss_kib / KIB_PER_MB:5.0f} MB  load {result.load[0]:.1f} -> "
                f"{result.load[1]:.1f}{'  TIMED OUT' if result.returncode is None else status}"
            )


# -- the report ------------------------------------------------------------------
HEADER = (
    f"{'tool':<40} {'wall s':>7} {'runs':<20} {'cpu s':>7} {'MB':>4} {'files':>5} "
    f"{'found':>5} {'cpu x':>6} {'ratio':>7} {'target':>7}  result"
)


def verdict(case: Case, peer: Case | None, value: float, limit: float) -> str:
    if not case.ok or (peer is not None and not peer.ok):
        return "n/a (a run failed, see Problems)"
    if case.files() in ("?", "0"):
        return "n/a (no files checked?)"
    return "met" if value <= limit else "MISSED"


def row(
    case: Case | None, ratio: str = "", target: str = "", result: str = "", cpu: str = ""
) -> str:
    if case is None or not case.runs:
        return f"{case.label if case else '?':<40} (not run)"
    runs = "/".join(f"{r.wall:.3g}" for r in case.runs)
    return (
        f"{case.label:<40} {case.wall:7.3f} {runs[:20]:<20} {case.cpu:7.2f} {case.rss_mb:4.0f} "
        f"{case.files():>5} {case.findings():>5} {cpu:>6} {ratio:>7} {target:>7}  {result}"
    ).rstrip()


def against(case: Case | None, peer: Case, limit: float | None, moon: float | None = None) -> str:
    """``case``'s row with the ratio of its median wall time (and CPU time) to ``peer``'s."""
    if case is None or not (case.runs and peer.runs):
        return row(case)
    ratio = case.wall / peer.wall
    cpu = f"{case.cpu / peer.cpu:.1f}x" if peer.cpu > 0 else ""
    if limit is None:
        return row(case, f"{ratio:.1f}x", "info", "" if case.ok else "a run failed", cpu)
    result = verdict(case, peer, ratio, limit)
    if moon is not None and result in ("met", "MISSED"):
        result += f" (moonshot {moon:g}x: {'met' if ratio <= moon else 'MISSED'})"
    return row(case, f"{ratio:.1f}x", f"<={limit:g}x", result, cpu)


def table(title: str, *lines: str) -> None:
    say(f"\n{title}\n{HEADER}\n{'-' * len(HEADER)}")
    for line in lines:
        say(line)


def report(cases: dict[str, Case], real: list[tuple[int, Case, Case]], small_file: str) -> None:
    c = cases
    table(
        f"Default rules, cold, whole stdlib (target: <= {COLD_TARGET:g}x ruff; "
        f"moonshot {COLD_MOONSHOT:g}x)",
        against(c["cold"], c["ruff_cold"], COLD_TARGET, COLD_MOONSHOT),
        row(c["ruff_cold"]),
        against(c["jobs1"], c["ruff_cold"], None),
        against(c["floor"], c["ruff_cold"], None),
        *([against(c["fixit"], c["cold"], None)] if "fixit" in c else []),
    )
    table(
        f"--select NC0, cold, whole stdlib (target: <= {NC0_TARGET:g}x ruff)",
        against(c["nc0"], c["ruff_cold"], NC0_TARGET),
        row(c["ruff_cold"]),
    )
    table(
        f"Warm re-run over unchanged files (target: <= {WARM_TARGET:g}x ruff's warm run)",
        against(c["warm"], c["ruff_warm"], WARM_TARGET),
        row(c["ruff_warm"]),
        against(c["fill"], c["ruff_fill"], None),
        row(c["ruff_fill"]),
    )
    small, small_ruff = c.get("small"), c.get("small_ruff")
    if small is not None and small_ruff is not None and small.runs and small_ruff.runs:
        result = verdict(small, None, small.wall, SMALL_TARGET)
        ratio = f"{small.wall / small_ruff.wall:.1f}x"
        table(
            f"One small file, {small_file} (target: <= {SMALL_TARGET:g} s wall; ratio: info)",
            row(small, ratio, f"<={SMALL_TARGET:g}s", result),
            row(small_ruff),
        )
    else:
        say(f"\n(no small file: {small_file} is not in the tree)")
    generated = c["generated"]
    if generated.runs:
        table(
            f"A generated file (target: <= {GENERATED_SECONDS:g} s wall and "
            f"<= {GENERATED_MB:g} MB; ratio: info)",
            row(
                generated,
                "",
                f"<={GENERATED_SECONDS:g}s",
                verdict(generated, None, generated.wall, GENERATED_SECONDS),
            ),
        )
        say(
            f"  peak RSS {generated.rss_mb:.0f} MB (target <= {GENERATED_MB:g} MB): "
            f"{verdict(generated, None, generated.rss_mb, GENERATED_MB)}"
        )
    lines: list[str] = []
    for entry in sorted(real, key=lambda entry: -entry[0]):
        limit = None if lines else PROJECT_TARGET  # the largest project comes first
        lines += [against(entry[1], entry[2], limit), row(entry[2])]
    if lines:
        title = f"Real projects, cold (target: the largest by lines <= {PROJECT_TARGET:g}x ruff)"
        table(title, *lines)
    else:
        say("\n(no real projects: pass --project NAME=PATH, see bench/README.md)")

    cold, sampled, ruff = c["cold"], c["sampled"], c["ruff_cold"]
    say(f"\nPeak RSS, default cold stdlib run (target: the largest process <= {RSS_TARGET:g} MB)")
    rss: list[tuple[str, Case | int]] = [("largest process, main or worker (ru_maxrss)", cold)]
    if sampled.runs and sampled.runs[0].sampled is not None:
        wall = sampled.runs[0].wall
        rss += [(f"/proc sampled every 20 ms in a separate run ({wall:.2f} s wall):", -1)]
        main, worker, total = sampled.runs[0].sampled
        rss += [("  main process (VmHWM)", main), ("  largest worker (VmHWM)", worker)]
        rss += [("  main + workers at the fullest moment (VmRSS; shared pages twice)", total)]
    rss += [("ruff UP024, cold (one process), for comparison", ruff)]
    for label, value in rss:
        if isinstance(value, int):
            say(f"  {label:<68} {value / KIB_PER_MB:5.0f} MB" if value >= 0 else f"  {label}")
        elif value.runs:
            met = verdict(value, None, value.rss_mb, RSS_TARGET) if value is cold else ""
            say(f"  {label:<68} {value.rss_mb:5.0f} MB  {met}".rstrip())
    if c["importtime"].runs:
        answer = libcst_imported(c["importtime"])
        say(f"\nlibcst imported by a plain check (--jobs 1, stdlib, -X importtime): {answer}")


def libcst_imported(probe: Case) -> str:
    """Whether the ``-X importtime`` run imported libcst, and how many of its modules."""
    names = [match[1] for match in _IMPORT_TIME.finditer(probe.runs[0].output)]
    count = sum(name == "libcst" or name.startswith("libcst.") for name in names)
    answer = f"YES ({count} libcst modules; --keep keeps the log)" if count else "no"
    return answer if probe.ok else f"{answer}, but the run failed"


# -- the main flow ---------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add = parser.add_argument
    add("--repeat", type=int, default=3, help="rounds; medians are reported (default 3)")
    add(
        "--project",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a real project tree, repeatable (default: bench/real_projects.toml's projects "
        "found under --real-root)",
    )
    add("--real-root", type=Path, default=Path("/work/real"), help="default /work/real")
    add("--no-projects", action="store_true", help="skip the real projects")
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    add("--stdlib", type=Path, default=stdlib, help="the tree to copy (default: this stdlib)")
    add("--small-file", default=SMALL_FILE, help=f"relative to --stdlib (default {SMALL_FILE})")
    add("--source", type=Path, default=REPO_ROOT, help="holds lintrules/ (default: checkout)")
    add("--ruff", default=shutil.which("ruff") or str(Path(sys.executable).with_name("ruff")))
    add("--fixit", type=Path, help="also time this Fixit 2 with bench/fixit_trivial_rule.py")
    add("--timeout", type=float, default=900.0, help="seconds per run (default 900)")
    add("--record", type=Path, help="also write the output to this Markdown file")
    add("--keep", action="store_true", help="keep the temporary folder, with every run's log")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    projects = []
    for spec in args.project:
        name, sep, path = spec.partition("=")
        if not sep or not Path(path).is_dir():
            print(f"--project {spec!r}: want NAME=PATH, PATH a folder", file=sys.stderr)
            return 2
        projects.append((name, Path(path)))
    if not projects and not args.no_projects and PROJECTS_TOML.exists():
        projects = projects_from_toml(PROJECTS_TOML, args.real_root)
    root = Path(tempfile.mkdtemp(prefix="netcompat-bench-"))
    # On SIGTERM, as on Ctrl-C, kill the running tool's process group and delete ``root``.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        bench(args, max(1, args.repeat), projects, root)
    finally:
        if args.keep:
            say(f"\nkept {root} (logs/ has every run's output)")
        else:
            shutil.rmtree(root, ignore_errors=True)
    if args.record is not None:
        command = " ".join(
            ["python bench/lint_benchmark.py", *(sys.argv[1:] if argv is None else argv)]
        )
        commit = _output("git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty")
        head = f"Run at commit {commit}"
        text = "\n".join(_said)
        intro = f"{head} on {datetime.date.today()} with `{command}`."
        args.record.write_text(f"# lint_benchmark.py\n\n{intro}\n\n```\n{text}\n```\n", "utf-8")
    return 0


def _output(*command: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    except OSError:
        return ""
    return done.stdout.strip()


def bench(
    args: argparse.Namespace, repeat: int, projects: list[tuple[str, Path]], root: Path
) -> None:
    cores = os.cpu_count() or 1
    say(f"Python {platform.python_version()} ({sys.executable}) on {platform.platform()}")
    say(f"cores: {cores}{'' if cores == 2 else ' (the targets are for 2)'}; rounds: {repeat}")
    tree = root / "stdlib"
    files, lines = copy_tree(args.stdlib, tree)
    say(f"stdlib: {args.stdlib}: {files} *.py files, {lines:,} lines")
    script, env = snapshot_linter(args.source, root)
    (root / "pyproject.toml").write_text("[tool.netcompat-lint]\n", "utf-8")  # default settings
    probe = "import lintrules; print(lintrules.__file__)"  # from where the script imports it
    where = _output(sys.executable, "-c", probe, env=env, cwd=script.parent)
    warning = "" if where.startswith(str(root)) else f"; WARNING: the runs import {where or '?'}"
    head = _output("git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty")
    say(f"netcompat-lint: a copy of {args.source} (checkout at {head}){warning}")
    say(f"ruff: {args.ruff} ({_output(args.ruff, '--version') or 'not runnable'})")

    nc = [str(script), "check", "--exit-zero"]
    ruff = [args.ruff, "check", "--isolated", "--select", "UP024", "--exit-zero"]
    cold, ruff_cold = [*nc, "--no-cache"], [*ruff, "--no-cache"]
    ruff_cached = [*ruff, "--cache-dir", str(root / ".ruff_cache"), str(tree)]
    nc_cache, ruff_cache = (
        functools.partial(shutil.rmtree, root / name, ignore_errors=True)
        for name in (".netcompat_cache", ".ruff_cache")
    )
    cases = {
        "cold": Case("netcompat default, cold", [*cold, str(tree)]),
        "ruff_cold": Case("ruff UP024, cold", [*ruff_cold, str(tree)], "ruff"),
        "nc0": Case("netcompat --select NC0, cold", [*cold, "--select", "NC0", str(tree)]),
        "jobs1": Case("netcompat --jobs 1, cold", [*cold, "--jobs", "1", str(tree)]),
        "fill": Case("netcompat, filling its cache", [*nc, str(tree)], before=nc_cache),
        "warm": Case("netcompat, warm", [*nc, str(tree)]),
        "ruff_fill": Case("ruff UP024, filling its cache", ruff_cached, "ruff", before=ruff_cache),
        "ruff_warm": Case("ruff UP024, warm", ruff_cached, "ruff"),
    }
    if (tree / args.small_file).is_file():
        name, small = Path(args.small_file).name, [str(script), "check", "--no-cache"]
        cases["small"] = Case(f"netcompat-lint check {name}", [*small, args.small_file], cwd=tree)
        cases["small"].ok_codes = (0, 1)  # exit 1: findings
        cases["small_ruff"] = Case(
            f"ruff UP024 {name}", [*ruff_cold, args.small_file], "ruff", tree
        )
    real = []
    for name, path in projects:
        copy = root / "projects" / name
        p_files, p_lines = copy_tree(path, copy)
        say(f"project {name}: {path}: {p_files} *.py files, {p_lines:,} lines")
        nc_case = cases[f"nc {name}"] = Case(f"netcompat {name}, cold", [*cold, str(copy)])
        ruff_case = Case(f"ruff UP024 {name}, cold", [*ruff_cold, str(copy)], "ruff")
        real.append((p_lines, nc_case, cases.setdefault(f"ruff {name}", ruff_case)))
    floor = [sys.executable, str(BENCH_DIR / "parse_floor.py"), str(tree)]
    cases["floor"] = Case("ast.parse alone, every file (the floor)", floor)
    generated = root / "generated" / "generated.py"
    generated.parent.mkdir()
    size = generate(generated)
    say(
        f"generated file: {size:,} bytes, {DEFAULT_FINDINGS:,} NC001 findings (bench/generated_file.py)"
    )
    cases["generated"] = Case(
        f"netcompat, {size / 1e6:.1f} MB generated file", [*cold, str(generated)]
    )
    sampled = Case("netcompat default, cold, RSS sampled", [*cold, str(tree)], sample_rss=True)
    cases["sampled"] = sampled
    importtime = [sys.executable, "-X", "importtime", *cold, "--jobs", "1", str(tree)]
    cases["importtime"] = Case("netcompat --jobs 1 -X importtime", importtime)
    sampled.once = cases["importtime"].once = True
    for case in cases.values():
        case.env = env if case.tool == "netcompat" else None
        if case.tool == "ruff":  # it prints no file count: ask which files it would check
            target = (case.cwd or root) / case.command[-1]
            shown = _output(args.ruff, "check", "--isolated", "--show-files", str(target))
            case.discovered = str(sum(line.endswith(".py") for line in shown.splitlines()))
    if args.fixit is not None:
        rules = root / "fixit_rules"
        rules.mkdir()
        shutil.copy(BENCH_DIR / "fixit_trivial_rule.py", rules)
        fixit = [str(args.fixit), "--rules", "fixit_trivial_rule", "lint", str(tree)]
        cases["fixit"] = Case(
            "Fixit 2, a trivial rule (vs netcompat)", fixit, "fixit", ok_codes=(0, 1, 2)
        )
        cases["fixit"].env = {**os.environ, "PYTHONPATH": str(rules)}
    say(f"load average before timing: {load1():.1f}\n")
    run_rounds(list(cases.values()), repeat, args.timeout, root)

    say(f"\nload average at the end: {load1():.1f}: above {cores}, wall times are inflated (CPU")
    say("times much less). wall s: median; runs: each run's wall s; MB: peak RSS of the largest")
    say("single process (max of the runs); found: findings in the last run; cpu x: the ratio")
    say("of the median CPU times (informational); ratio: of the median wall times (the target)")
    report(cases, real, args.small_file)
    print_problems(list(cases.values()), root)


def print_problems(cases: list[Case], root: Path) -> None:
    say("\nProblems (bad exits, timeouts, and the files a tool could not handle in its last run):")
    seen: dict[tuple[str, ...], list[str]] = {}
    for case in cases:
        found = tuple(line.replace(str(root) + os.sep, "") for line in case.problems())
        if found:
            seen.setdefault(found, []).append(case.label)
    for found, labels in seen.items():
        say(f"  {'; '.join(labels)}: {len(found)}")
        for line in found[:12]:
            say(f"    {line}")
    if not seen:
        say("  none")


if __name__ == "__main__":
    raise SystemExit(main())
