"""The ``netcompat-lint`` command line.

Its flags follow ruff's wherever ruff has the same concept (the README's
"Coming from ruff" table lists them and the deliberate differences).  Each
file is linted with its nearest configuration (:class:`ConfigResolver`);
``-`` lints stdin; ``--add-noqa`` writes suppressions for current findings.

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
from typing import Any, TextIO

from . import __version__
from .config import (
    TARGET_VERSION,
    TARGET_VERSIONS,
    Config,
    ConfigError,
    ConfigResolver,
    validate_selectors,
)
from .files import DEFAULT_EXCLUDES, discover, excluded_with_parents, write_atomically
from .findings import ENGINE_CODES, Finding, FixLevel, decode_source
from .noqa import UNUSED_NOQA, UNUSED_NOQA_DOC, NoqaIndex, add_noqa
from .output import (
    EDIT_FORMATS,
    FORMATS,
    HUMAN_FORMATS,
    WRITERS,
    OutputContext,
    display,
    write_statistics,
)
from .runner import FileReport, RunOptions, encode_like, exemption_of, finish, run

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


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter, told the width the way argparse works it out.

    Left to itself argparse imports shutil (and with it bz2 and lzma) for
    the width, on every run: a noticeable part of a one-file check's start.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return argparse.HelpFormatter(prog, width=max(columns, 40) - 2)


class _ArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _help_formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_ERROR, f"netcompat-lint: error: {message}\n")


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _patterns(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="netcompat-lint",
        description="Find and fix non-portable 'connection reset' handling in Python code.",
    )
    parser.add_argument("--version", action="version", version=f"netcompat-lint {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_ArgumentParser
    )

    check = commands.add_parser("check", help="lint files and folders (default: .)")
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="files and folders (default: .); - reads stdin"
    )
    check.add_argument(
        "--fix", action="store_true", help="apply fixes (safe ones; see --unsafe-fixes)"
    )
    check.add_argument("--no-fix", action="store_true", help="do not apply fixes (overrides --fix)")
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="let --fix and --diff apply unsafe fixes too, and mark them fixable; "
        "alone it writes nothing",
    )
    check.add_argument("--no-unsafe-fixes", action="store_true", help="overrides --unsafe-fixes")
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff; write nothing"
    )
    check.add_argument(
        "--show-fixes", action="store_true", help="list the fixes made, by file and code"
    )
    check.add_argument(
        "--select",
        action="extend",
        type=_codes,
        metavar="CODES",
        help="codes or prefixes to enable instead of the configured ones "
        "(comma-separated, repeatable)",
    )
    check.add_argument(
        "--extend-select",
        action="extend",
        type=_codes,
        default=[],
        metavar="CODES",
        help="codes or prefixes to enable in addition (comma-separated, repeatable)",
    )
    check.add_argument(
        "--ignore",
        action="extend",
        type=_codes,
        default=[],
        metavar="CODES",
        help="codes or prefixes to disable (comma-separated, repeatable)",
    )
    check.add_argument(
        "--exclude",
        action="extend",
        type=_patterns,
        metavar="PATTERNS",
        help="glob patterns to skip, instead of the configured ones (comma-separated, repeatable)",
    )
    check.add_argument(
        "--extend-exclude",
        action="extend",
        type=_patterns,
        default=[],
        metavar="PATTERNS",
        help="glob patterns to skip in addition (comma-separated, repeatable)",
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 when a file was fixed, even if no finding remains",
    )
    check.add_argument("--statistics", action="store_true", help="print only the counts by rule")
    check.add_argument(
        "--output-format",
        choices=FORMATS,
        default="concise",
        help="how findings are printed (default: concise; text is its former name)",
    )
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the excludes to files named on the command line too (for pre-commit)",
    )
    check.add_argument(
        "--config",
        type=Path,
        help="the configuration file for every file (default: the nearest "
        "netcompat-lint.toml or pyproject.toml with [tool.netcompat-lint] above each file)",
    )
    check.add_argument(
        "--fix-style",
        choices=("stdlib", "netcompat"),
        help="write fixes with the standard library (default) or with netcompat.is_reset",
    )
    check.add_argument(
        "--target-version",
        choices=TARGET_VERSIONS,
        help="the oldest Python the code runs on (default: the configuration's "
        "target-version, else requires-python of its pyproject.toml, else 3.9)",
    )
    check.add_argument("--jobs", "-j", type=int, help="worker processes (default: one per core)")
    check.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the name of the file read from stdin (for configuration, excludes and output)",
    )
    check.add_argument(
        "--add-noqa",
        action="store_true",
        help="add '# noqa: CODE' comments for every finding; merges with existing ones",
    )

    commands.add_parser("rules", help="list the rules")
    rule = commands.add_parser("rule", help="print one rule's documentation")
    rule.add_argument("code")
    return parser


def _overridden(config: Config, args: argparse.Namespace) -> Config:
    """``config`` with the command line's settings on top."""
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
    if args.exclude is not None:
        changes["exclude"] = tuple(args.exclude)
    if args.extend_exclude:
        changes["extend_exclude"] = config.extend_exclude + tuple(args.extend_exclude)
    if args.fix_style is not None:
        changes["fix_style"] = args.fix_style
    if args.target_version is not None:
        changes["options"] = {**config.options, TARGET_VERSION: args.target_version}
    if not changes:
        return config
    fields = {name: getattr(config, name) for name in Config.__dataclass_fields__}
    fields.update(changes)
    return Config(**fields)


def _resolver(args: argparse.Namespace) -> ConfigResolver:
    if args.config is not None and not args.config.is_file():
        problem = "not a file" if args.config.exists() else "no such file"
        raise ConfigError(f"--config {args.config}: {problem}")
    return ConfigResolver(
        cwd=Path.cwd(), override=args.config, adjust=lambda config: _overridden(config, args)
    )


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


def _fix_level(args: argparse.Namespace) -> FixLevel:
    """What --fix and --diff apply: --unsafe-fixes only widens it, as in ruff."""
    unsafe = args.unsafe_fixes and not args.no_unsafe_fixes
    if (args.fix and not args.no_fix) or args.diff:
        return "unsafe" if unsafe else "safe"
    return None


def _validate(args: argparse.Namespace) -> None:
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    if args.add_noqa and ((args.fix and not args.no_fix) or args.diff):
        raise ConfigError("--add-noqa cannot be used with --fix or --diff")
    if args.stdin_filename is not None and args.paths and args.paths != ["-"]:
        raise ConfigError("--stdin-filename reads stdin: name no other path than -")
    if "-" in args.paths and args.paths != ["-"]:
        raise ConfigError("- (stdin) cannot be combined with other paths")
    if args.add_noqa and _reads_stdin(args):
        raise ConfigError("--add-noqa cannot be used with stdin")


def _reads_stdin(args: argparse.Namespace) -> bool:
    return args.paths == ["-"] or (args.stdin_filename is not None and not args.paths)


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    _validate(args)
    resolver = _resolver(args)
    if _reads_stdin(args):
        return _check_stdin(args, resolver, out, err)
    paths = args.paths or ["."]
    base = resolver.base
    discovery = discover(
        paths,
        root=base.root,
        excludes=(*base.exclude, *base.extend_exclude),
        respect_gitignore=base.respect_gitignore,
        force_exclude=args.force_exclude,
    )
    if discovery.missing:
        raise ConfigError(f"no such file or directory: {', '.join(discovery.missing)}")
    if not discovery.files:
        # Not an error (a pre-commit run may exclude every file), but likely a mistake.
        err.write("netcompat-lint: warning: no Python files found under the given paths\n")
    fix_level = _fix_level(args)
    options = RunOptions(
        fix_level=fix_level,
        diff=args.diff,
        use_cache=not args.no_cache,
        jobs=args.jobs,
        edits=args.output_format in EDIT_FORMATS,
        show_fixes=args.show_fixes and fix_level is not None and not args.diff,
    )
    progress = _Progress(err) if err.isatty() and not args.quiet else None
    reports = _run_by_config(paths, discovery.files, resolver, args, options, progress)
    if progress is not None:
        progress.finish()
    if args.add_noqa:
        return _add_noqa(reports, err)

    cwd = Path.cwd()
    shown = [display(report.path, cwd) for report in reports]
    files = dict(zip(shown, (report.path for report in reports)))
    rows = [(name, finding) for name, report in zip(shown, reports) for finding in report.findings]
    diffs = [report.diff for report in reports if report.diff]
    fixed = sum(report.fixes_applied for report in reports if report.written)
    context = OutputContext(files=files, unsafe_fixes=_unsafe(args))
    if args.diff:
        for diff in diffs:
            out.write(diff)
    elif args.statistics:
        write_statistics(rows, out, context, args.output_format)
    else:
        WRITERS[args.output_format](rows, out, context)
        if args.show_fixes and args.output_format in HUMAN_FORMATS:
            _show_fixes(reports, cwd, out)
    if args.output_format in HUMAN_FORMATS and not (args.quiet or args.diff or args.statistics):
        _summary(rows, fixed, len(discovery.files), fix_level, _unsafe(args), out)
    return _exit_code(args, rows, fixed, bool(diffs))


def _unsafe(args: argparse.Namespace) -> bool:
    return bool(args.unsafe_fixes and not args.no_unsafe_fixes)


def _exit_code(args: argparse.Namespace, rows: Sequence[object], fixed: int, changed: bool) -> int:
    if args.exit_zero:
        return EXIT_CLEAN
    if args.diff:
        return EXIT_FINDINGS if changed or rows else EXIT_CLEAN
    if args.exit_non_zero_on_fix and fixed:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if rows else EXIT_CLEAN


def _run_by_config(
    paths: Sequence[str],
    files: Sequence[Path],
    resolver: ConfigResolver,
    args: argparse.Namespace,
    options: RunOptions,
    progress: _Progress | None,
) -> list[FileReport]:
    """Lint ``files``, each with the configuration nearest to it; reports in ``files``' order.

    A file below a nested configuration follows that configuration's
    excludes too (unless the user named it and did not ask for
    ``--force-exclude``), as ruff does.
    """
    named = {Path(os.path.abspath(path)) for path in paths if not os.path.isdir(path)}
    groups: dict[int, tuple[Config, list[Path]]] = {}
    for file in files:
        config = resolver.for_file(file)
        if (
            config is not resolver.base
            and (args.force_exclude or file not in named)
            and excluded_with_parents(
                file, config.root, (*DEFAULT_EXCLUDES, *config.exclude, *config.extend_exclude)
            )
        ):
            continue
        groups.setdefault(id(config), (config, []))[1].append(file)
    by_path: dict[Path, FileReport] = {}
    for config, group in groups.values():
        for report in run(group, config, options, progress=progress):
            by_path[report.path] = report
    return [by_path[file] for file in files if file in by_path]


def _check_stdin(
    args: argparse.Namespace, resolver: ConfigResolver, out: TextIO, err: TextIO
) -> int:
    """Lint the source on stdin as ``--stdin-filename`` (what editors call).

    With ``--fix``, the fixed source (or the source unchanged) goes to stdout
    and the remaining findings to stderr, as ruff does; with ``--diff``, the
    diff goes to stdout.
    """
    from .engine import lint_source
    from .runner import _display_path, fixed_codes, project_imports, unified_diff

    data = sys.stdin.buffer.read()
    name = args.stdin_filename
    path = Path(os.path.abspath(name)) if name else Path.cwd() / "-"
    config = resolver.for_file(path)
    fix_level = _fix_level(args)
    writes_source = fix_level is not None and not args.diff
    if (
        name
        and args.force_exclude
        and excluded_with_parents(
            path, config.root, (*DEFAULT_EXCLUDES, *config.exclude, *config.extend_exclude)
        )
    ):
        if writes_source:
            _write_bytes(out, data)
        return EXIT_CLEAN
    rules = config.rules_for(path, config.enabled_rules())
    exemption = exemption_of(data)
    if exemption is not None:
        rules = tuple(rule for rule in rules if not exemption.covers(rule.CODE))
    codes = tuple(rule.CODE for rule in rules)
    options = RunOptions(
        fix_level=fix_level, diff=args.diff, edits=args.output_format in EDIT_FORMATS
    )
    # Rules that treat files apart (NC101 and test files) see --stdin-filename.
    named = _display_path(path, config.root) if name else None
    raw = lint_source(
        data,
        rules,
        fix_level=fix_level,
        fix_style=config.fix_style,
        options=config.options,
        edits=options.edits,
        path=None if named is None else named.as_posix(),
        imports=project_imports().for_file(path) if name else None,
    )
    result = finish(data, raw, codes, config, options)
    findings = [
        f
        for f in result.findings
        if not (
            f.code in ENGINE_CODES
            and any(f.code.startswith(s) or s == "ALL" for s in config.ignore)
        )
    ]
    current = result.fixed_source if result.fixed_source is not None else data
    shown = display(path, Path.cwd()) if name else "-"
    rows = [(shown, finding) for finding in findings]

    def read(_: str) -> str | None:
        try:
            return decode_source(current)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            return None

    context = OutputContext(files={shown: path}, unsafe_fixes=_unsafe(args), read=read)
    report_stream = out
    if args.diff:
        if result.fixed_source is not None:
            out.write(unified_diff(Path(shown), data, result.fixed_source))
        report_stream = err
    elif writes_source:
        _write_bytes(out, current)
        report_stream = err
    fixed = result.fixes_applied if writes_source else 0
    if not args.diff or args.output_format not in HUMAN_FORMATS:
        if args.statistics:
            write_statistics(rows, report_stream, context, args.output_format)
        else:
            WRITERS[args.output_format](rows, report_stream, context)
    if args.show_fixes and fixed and args.output_format in HUMAN_FORMATS:
        report = FileReport(path, findings, fixed, None, True)
        report.fixed_codes = fixed_codes(data, result, codes, config, named)
        _show_fixes([report], Path.cwd(), err)
    if args.output_format in HUMAN_FORMATS and not (args.quiet or args.diff or args.statistics):
        _summary(rows, fixed, 1, fix_level, _unsafe(args), err if writes_source else out)
    return _exit_code(args, rows, fixed, result.fixed_source is not None)


def _write_bytes(out: TextIO, data: bytes) -> None:
    """Write source bytes unchanged: to the stream's buffer when it has one."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data)
        buffer.flush()
        return
    try:
        out.write(decode_source(data))
    except (SyntaxError, UnicodeDecodeError, LookupError):
        out.write(data.decode("utf-8", "surrogateescape"))


def _add_noqa(reports: Sequence[FileReport], err: TextIO) -> int:
    """Add ``# noqa: CODE`` for each finding (``--add-noqa``); report how many lines changed."""
    added = 0
    failures = 0
    for report in reports:
        wanted: dict[int, set[str]] = {}
        findings = [
            f for f in report.findings if f.code not in ENGINE_CODES and f.code != UNUSED_NOQA[0]
        ]
        if not findings:
            continue
        try:
            original = report.path.read_bytes()
            text = decode_source(original)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as error:
            err.write(f"netcompat-lint: warning: {report.path}: cannot read: {error}\n")
            failures += 1
            continue
        index = NoqaIndex(text)
        for finding in findings:
            wanted.setdefault(index.row_for(finding.line), set()).add(finding.code)
        new_text, changed = add_noqa(text, wanted)
        if not changed:
            continue
        try:
            write_atomically(report.path, original, encode_like(original, new_text))
        except (OSError, UnicodeError) as error:
            err.write(f"netcompat-lint: warning: {report.path}: cannot write: {error}\n")
            failures += 1
            continue
        added += changed
    err.write(f"Added {added} noqa directive{'s' if added != 1 else ''}.\n")
    return EXIT_ERROR if failures else EXIT_CLEAN


def _show_fixes(reports: Sequence[FileReport], cwd: Path, out: TextIO) -> None:
    """``--show-fixes``: the fixes made, by file and code, as ruff lists them."""
    fixed = [report for report in reports if report.written and report.fixed_codes]
    total = sum(sum(report.fixed_codes.values()) for report in fixed)
    if not total:
        return
    from .rules import manifest

    names = {info.CODE: info.NAME for info in manifest()}
    names[UNUSED_NOQA[0]] = UNUSED_NOQA[1]
    out.write(f"\nFixed {total} finding{'s' if total != 1 else ''}:\n")
    for report in fixed:
        out.write(f"- {display(report.path, cwd)}:\n")
        for code, count in report.fixed_codes.items():
            out.write(f"    {count} \u00d7 {code} ({names.get(code, code)})\n")


def _summary(
    rows: Sequence[tuple[str, Finding]],
    fixed: int,
    files: int,
    fix_level: FixLevel,
    unsafe_fixes: bool,
    out: TextIO,
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
        hidden = (
            f"{unsafe} unsafe fix{'es' if unsafe != 1 else ''} available with --fix --unsafe-fixes"
        )
        if fix_level is None and unsafe_fixes and safe + unsafe:
            # ruff's --unsafe-fixes: it marks the unsafe fixes fixable, --fix applies them.
            parts.append(
                f"[*] {safe + unsafe} fixable with --fix (--unsafe-fixes alone writes nothing)."
            )
        elif fix_level is None and safe:
            parts.append(f"[*] {safe} fixable with --fix" + (f" ({hidden})." if unsafe else "."))
        elif unsafe and fix_level != "unsafe":
            parts.append(f"{hidden}.")
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
    out.write(f"{UNUSED_NOQA[0]}  {UNUSED_NOQA[1]:<28} fix: {'safe':<7} {UNUSED_NOQA_DOC}\n")
    return EXIT_CLEAN


def _show_rule(code: str, out: TextIO) -> int:
    from .rules import rules_by_code

    rule = rules_by_code().get(code.upper())
    if rule is None and code.upper() == UNUSED_NOQA[0]:
        out.write(f"{UNUSED_NOQA[0]} {UNUSED_NOQA[1]}\n\n{UNUSED_NOQA_DOC}\n")
        return EXIT_CLEAN
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
    if args.command is None:
        # The bare command, as ruff's: the help, and success.
        parser.print_help(out)
        return EXIT_CLEAN
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
