"""The ``netcompat-lint`` command line.

Exit codes: 0 when no finding remains, 1 when findings remain (or ``--diff``
would change a file), 2 on a usage error, a configuration error, an
internal error or an interruption (Ctrl-C, SIGTERM).  Nothing but a clear
one-line message reaches the user for those: no tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TextIO

from . import __version__
from .config import Config, ConfigError, find_pyproject, load_config, validate_selectors
from .files import discover
from .findings import ENGINE_CODES, Finding, FixLevel
from .output import FORMATS, WRITERS, display, write_statistics
from .runner import RunOptions, run

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that cleanup code runs (see below)."""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into :class:`_Terminated` while the command runs.

    Python's default SIGTERM ends the process on the spot, so a ``--fix``
    stopped by ``kill``, ``timeout`` or a CI runner would leave its temporary
    file behind.  As an exception it unwinds: the write in progress removes
    its temporary file, the cache is not half written, worker processes stop.
    A second SIGTERM during that cleanup is ignored (SIGKILL still works).
    """
    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        del frame
        signal.signal(signum, signal.SIG_IGN)
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _escaping(stream: TextIO) -> TextIO:
    """``stream``, escaping what its encoding cannot say instead of failing.

    A file name need not be valid in the output's encoding (bytes that are not
    UTF-8 on Linux, any non-ASCII name on an ASCII or cp1252 console); with
    the default "strict" errors one such name would end the run with no
    output at all.
    """
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        with contextlib.suppress(ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")
    return stream


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"netcompat-lint: error: {message}\n")


def _codes(value: str) -> list[str]:
    return [part for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="netcompat-lint",
        description="Find and fix non-portable 'connection reset' handling in Python code.",
    )
    parser.add_argument("--version", action="version", version=f"netcompat-lint {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_ArgumentParser
    )
    commands.required = True

    check = commands.add_parser("check", help="lint files and folders (default: .)")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="apply unsafe fixes too (implies --fix)"
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff; write nothing"
    )
    check.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable")
    check.add_argument(
        "--extend-select", type=_codes, default=[], help="codes to add to the selection"
    )
    check.add_argument("--ignore", type=_codes, default=[], help="codes or prefixes to disable")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument("--statistics", action="store_true", help="print counts by rule")
    check.add_argument("--output-format", choices=FORMATS, default="text")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the excludes to files named on the command line too (for pre-commit)",
    )
    check.add_argument("--config", type=Path, help="pyproject.toml to read (default: nearest)")
    check.add_argument(
        "--fix-style",
        choices=("stdlib", "netcompat"),
        help="write fixes with the standard library (default) or with netcompat.is_reset",
    )
    check.add_argument("--jobs", "-j", type=int, help="worker processes (default: one per core)")

    commands.add_parser("rules", help="list the rules")
    rule = commands.add_parser("rule", help="print one rule's documentation")
    rule.add_argument("code")
    return parser


def _load(args: argparse.Namespace) -> Config:
    cwd = Path.cwd()
    source = args.config if args.config is not None else find_pyproject(cwd)
    if args.config is not None and not args.config.is_file():
        problem = "not a file" if args.config.exists() else "no such file"
        raise ConfigError(f"--config {args.config}: {problem}")
    config = load_config(source, root=source.parent.resolve() if source else cwd)
    changes: dict[str, object] = {}
    if args.select is not None:
        selected = validate_selectors(args.select, "--select")
        changes["select"] = selected
        # The command line wins: a code it selects by name is no longer
        # ignored by the configuration file.
        changes["ignore"] = tuple(code for code in config.ignore if code not in selected)
    if args.extend_select:
        changes["extend_select"] = config.extend_select + validate_selectors(
            args.extend_select, "--extend-select"
        )
    if args.ignore:
        kept = changes.get("ignore", config.ignore)
        assert isinstance(kept, tuple)
        changes["ignore"] = kept + validate_selectors(args.ignore, "--ignore")
    if args.fix_style is not None:
        changes["fix_style"] = args.fix_style
    if not changes:
        return config
    fields = {name: getattr(config, name) for name in Config.__dataclass_fields__}
    fields.update(changes)
    return Config(**fields)


class _Progress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total < 20:
            return
        self.shown = True
        self.stream.write(f"\rnetcompat-lint: {done}/{total} files parsed")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = _load(args)
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    discovery = discover(
        args.paths,
        root=config.root,
        excludes=(*config.exclude, *config.extend_exclude),
        respect_gitignore=config.respect_gitignore,
        force_exclude=args.force_exclude,
    )
    if discovery.missing:
        raise ConfigError(f"no such file or directory: {', '.join(discovery.missing)}")
    if not discovery.files:
        # Not an error (a pre-commit run may exclude every file), but likely a mistake.
        err.write("netcompat-lint: warning: no Python files found under the given paths\n")
    # --diff shows what --fix (or --fix --unsafe-fixes) would write.
    fix_level: FixLevel = (
        "unsafe" if args.unsafe_fixes else "safe" if (args.fix or args.diff) else None
    )
    progress = _Progress(err) if err.isatty() and not args.quiet else None
    reports = run(
        discovery.files,
        config,
        RunOptions(
            fix_level=fix_level, diff=args.diff, use_cache=not args.no_cache, jobs=args.jobs
        ),
        progress=progress,
    )
    if progress is not None:
        progress.finish()

    rows = [
        (display(report.path, Path.cwd()), finding)
        for report in reports
        for finding in report.findings
    ]
    diffs = [report.diff for report in reports if report.diff]
    fixed = sum(report.fixes_applied for report in reports if report.written)
    if args.diff:
        for diff in diffs:
            out.write(diff)
    else:
        WRITERS[args.output_format](rows, out)
    if args.statistics and args.output_format == "text":
        write_statistics(rows, out)
    if args.output_format == "text" and not args.quiet and not args.diff:
        _summary(rows, fixed, len(discovery.files), fix_level, err if args.statistics else out)
    if args.exit_zero:
        return EXIT_CLEAN
    if args.diff:
        return EXIT_FINDINGS if diffs or rows else EXIT_CLEAN
    return EXIT_FINDINGS if rows else EXIT_CLEAN


def _summary(
    rows: Sequence[tuple[str, Finding]], fixed: int, files: int, fix_level: str | None, out: TextIO
) -> None:
    findings = [finding for _, finding in rows]
    safeties = [f.fix.safety for f in findings if f.fix is not None]
    safe = safeties.count("safe")
    unsafe = safeties.count("unsafe")
    parts = []
    if fixed:
        parts.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
    if findings:
        parts.append(
            f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} in {_files(files)}."
        )
        if safe and fix_level is None:
            parts.append(f"{safe} fixable with --fix.")
        if unsafe and fix_level != "unsafe":
            parts.append(f"{unsafe} more fixable with --unsafe-fixes.")
    elif not fixed:
        parts.append(f"All checks passed ({_files(files)}).")
    out.write(" ".join(parts) + "\n")


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''} checked"


def _list_rules(out: TextIO) -> int:
    from .rules import all_rules

    for rule in all_rules():
        fix = rule.FIX_SAFETY or "-"
        default = "" if rule.DEFAULT_ENABLED else " (opt-in)"
        out.write(f"{rule.CODE}  {rule.NAME:<28} fix: {fix:<7} {rule.summary()}{default}\n")
    for code, text in ENGINE_CODES.items():
        out.write(f"{code}  {'(engine)':<28} fix: {'-':<7} {text}\n")
    return EXIT_CLEAN


def _show_rule(code: str, out: TextIO) -> int:
    from .rules import rules_by_code

    rule = rules_by_code().get(code.upper())
    if rule is None:
        if code.upper() in ENGINE_CODES:
            out.write(f"{code.upper()}\n\n{ENGINE_CODES[code.upper()]}\n")
            return EXIT_CLEAN
        raise ConfigError(f"unknown rule code {code!r} (see 'netcompat-lint rules')")
    out.write(f"# {rule.CODE} {rule.NAME}\n\n{rule.documentation()}")
    return EXIT_CLEAN


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; return the exit code."""
    out = stdout if stdout is not None else _escaping(sys.stdout)
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    try:
        # argparse writes usage errors, --help and --version to sys.std*.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code) if isinstance(exit_.code, int) else EXIT_ERROR
    try:
        with _terminate_as_interrupt():
            if args.command == "rules":
                return _list_rules(out)
            if args.command == "rule":
                return _show_rule(args.code, out)
            return _check(args, out, err)
    except ConfigError as error:
        err.write(f"netcompat-lint: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt as interrupt:
        reason = "terminated" if isinstance(interrupt, _Terminated) else "interrupted"
        err.write(f"netcompat-lint: {reason}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        # Output piped into a closed reader (``| head``): nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception as error:  # a crash must exit 2, never 1 ("findings remain")
        err.write(f"netcompat-lint: internal error: {type(error).__name__}: {error}\n")
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
