"""Run the socket I/O rules (NC101, NC102) over real code, for hand-checking.

Lints, one file at a time and serially, through ``lintrules.engine.lint_source``
(the same pipeline the CLI uses: text prefilter, then ``ast``), every
``.py`` file of

* the standard library of the running Python (``sysconfig``'s ``stdlib``
  path, ``test/`` folders included, ``site-packages`` left out), and
* the installed site-packages (``purelib`` and ``platlib``),

then prints the findings grouped by file, each with the source line it points
at, and the counts: files scanned, findings by rule, files with findings,
engine findings (NC9xx: files that could not be parsed), and the seconds the
linting took (wall clock and this process's CPU time, which a busy machine
inflates less).  With ``--gate-stats`` it also says, untimed, how many files got
past the text prefilter and parsed with ``ast``.

Usage: python bench/socket_rules_survey.py [--corpus stdlib|site|all]
       [--rules NC101,NC102] [--option socket-name-heuristic=true]
       [--counts-only] [--gate-stats] [--json PATH]
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import sysconfig
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from lintrules.engine import Finding, candidate_rules, decode_source, lint_source  # noqa: E402
from lintrules.rule import RuleBase as Rule  # noqa: E402
from lintrules.rules import rules_by_code  # noqa: E402

DEFAULT_RULES = ("NC101", "NC102")


@dataclass
class Survey:
    """What one run over one corpus found."""

    name: str
    files: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    findings: dict[Path, list[Finding]] = field(default_factory=dict)
    engine: Counter[str] = field(default_factory=Counter)
    prefiltered: int = 0
    gated: int = 0

    def by_rule(self) -> Counter[str]:
        return Counter(f.code for found in self.findings.values() for f in found)


def corpus_roots(name: str) -> list[Path]:
    """The folders of one corpus: ``stdlib`` or ``site``."""
    paths = sysconfig.get_paths()
    if name == "stdlib":
        return [Path(paths["stdlib"])]
    roots = {Path(paths["purelib"]), Path(paths["platlib"])}
    return sorted(root for root in roots if root.is_dir())


def python_files(name: str) -> Iterator[Path]:
    """Every ``.py`` file of a corpus, in a stable order, no symlinked folders."""
    paths = sysconfig.get_paths()
    site = {Path(paths["purelib"]).resolve(), Path(paths["platlib"]).resolve()}
    for root in corpus_roots(name):
        for path in sorted(root.rglob("*.py")):
            if name == "stdlib" and any(
                parent.resolve() in site or parent.name == "site-packages"
                for parent in path.parents
            ):
                continue
            if path.is_file():
                yield path


def survey(
    name: str, rules: Sequence[type[Rule]], options: dict[str, object], gate_stats: bool
) -> Survey:
    """Lint every file of corpus ``name`` with ``rules``, serially, and time it."""
    result = Survey(name)
    codes = {rule.CODE for rule in rules}
    sources: list[tuple[Path, bytes]] = []
    for path in python_files(name):
        try:
            sources.append((path, path.read_bytes()))
        except OSError:
            continue
    start = time.perf_counter()
    cpu_start = time.process_time()
    for path, data in sources:
        outcome = lint_source(data, rules, options=options)
        own = [f for f in outcome.findings if f.code in codes]
        if own:
            result.findings[path] = own
        for finding in outcome.findings:
            if finding.code.startswith("NC9"):
                result.engine[finding.code] += 1
    result.seconds = time.perf_counter() - start
    result.cpu_seconds = time.process_time() - cpu_start
    result.files = len(sources)
    if gate_stats:
        result.prefiltered, result.gated = _gate_counts(sources, rules)
    return result


def _gate_counts(
    sources: Sequence[tuple[Path, bytes]], rules: Sequence[type[Rule]]
) -> tuple[int, int]:
    """How many files pass the text prefilter, and how many the ``ast`` gate too."""
    prefiltered = gated = 0
    for _, data in sources:
        try:
            text = decode_source(data)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            continue
        active = candidate_rules(text, rules)
        if not active:
            continue
        prefiltered += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # reported as NC901
        del tree
        gated += 1  # parsed, modelled and checked by the rules
    return prefiltered, gated


def _source_line(path: Path, line: int, cache: dict[Path, list[str]]) -> str:
    if path not in cache:
        try:
            cache[path] = decode_source(path.read_bytes()).splitlines()
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            cache[path] = []
    lines = cache[path]
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def print_survey(result: Survey, counts_only: bool) -> None:
    roots = corpus_roots(result.name)
    cache: dict[Path, list[str]] = {}
    if not counts_only:
        for path in sorted(result.findings):
            shown = next(
                (str(path.relative_to(root)) for root in roots if path.is_relative_to(root)),
                str(path),
            )
            print(f"{shown}  ({len(result.findings[path])})")
            for finding in result.findings[path]:
                text = _source_line(path, finding.line, cache)
                fix = f" [fix: {finding.fix.safety}]" if finding.fix is not None else ""
                print(f"    {finding.line}:{finding.column} {finding.code}{fix}  {text}")
        print()
    by_rule = result.by_rule()
    print(f"== {result.name}: {', '.join(str(root) for root in roots)}")
    print(f"   files scanned:       {result.files}")
    if result.prefiltered or result.gated:
        print(f"   past text prefilter: {result.prefiltered}")
        print(f"   parsed with ast:     {result.gated}")
    print(f"   files with findings: {len(result.findings)}")
    for code in sorted(by_rule):
        print(f"   {code} findings:      {by_rule[code]}")
    if result.engine:
        engine = ", ".join(f"{code}: {count}" for code, count in sorted(result.engine.items()))
        print(f"   engine findings:     {engine}")
    rate = result.files / result.seconds if result.seconds else 0.0
    print(
        f"   lint time:           {result.seconds:.2f} s wall, {result.cpu_seconds:.2f} s CPU, "
        f"serial ({rate:.0f} files/s)"
    )


def _option(text: str) -> tuple[str, object]:
    key, _, raw = text.partition("=")
    value: object = raw
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    return key, value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", choices=("stdlib", "site", "all"), default="all")
    parser.add_argument("--rules", default=",".join(DEFAULT_RULES))
    parser.add_argument("--option", action="append", default=[], type=_option)
    parser.add_argument("--counts-only", action="store_true")
    parser.add_argument("--gate-stats", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the findings as JSON here")
    args = parser.parse_args(argv)

    known = rules_by_code()
    rules = [known[code.strip()] for code in args.rules.split(",") if code.strip()]
    options = dict(args.option)
    names = ("stdlib", "site") if args.corpus == "all" else (args.corpus,)
    results = [survey(name, rules, options, args.gate_stats) for name in names]
    for result in results:
        print_survey(result, args.counts_only)
    total = sum(r.seconds for r in results)
    cpu = sum(r.cpu_seconds for r in results)
    files = sum(r.files for r in results)
    print(f"== total: {files} files in {total:.2f} s wall ({cpu:.2f} s CPU)")
    if args.json is not None:
        payload = {
            r.name: {str(path): [f.to_dict() for f in found] for path, found in r.findings.items()}
            for r in results
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
