"""Lint and fix the whole installed ecosystem: the stdlib and every site-package.

A robustness run, not a CI test (it takes minutes).  For every ``.py`` and
``.pyi`` file of the running interpreter's standard library and of each of its
``site-packages`` folders, in worker processes and without writing anything:

1. ``check``: ``lint_source`` with every rule, opt-in ones included (what
   ``check --select ALL`` runs);
2. when a finding offers a fix, ``--fix --unsafe-fixes`` (``fix_level="unsafe"``)
   in each fix style, and then on the result:

   * the fixed code compiles (``compile()``) whenever the original did;
   * linting the fixed code again fixes nothing more (idempotence);
   * fixing one round at a time changes nothing but the flagged expressions
     (the ``ast`` comparison of ``tests/test_fix_ast_mask.py``) and ends where
     the engine's own loop ends;
   * the edits the findings carry (``Finding.fix.edit``, what ``--output-format
     json`` shows), applied as text, give the same code as the engine's fix
     (up to the imports a fix adds, which an edit does not carry).

Every exception, ``NC902`` finding, timeout, non-compiling or non-idempotent
fix is a failure and is listed with its path.  Files that cannot be parsed
must come out as ``NC901`` findings: the report lists them next to what
``compile()`` says about the same file, and lists the files ``compile()``
rejects that got no ``NC901`` (skipped by the text prefilter, or accepted by
libcst).

The figures go to a Markdown file (``bench/results/ecosystem.md`` by default)
with the command, the Python version and the date.

Usage: python bench/ecosystem_run.py [--jobs N] [--file-timeout S]
       [--time-limit S] [--fix-styles stdlib,netcompat] [--no-mask]
       [--output PATH] [--append] [--json PATH] [--limit N] [PATH ...]
       python bench/ecosystem_run.py --from-json PATH [--output PATH] [--append]
"""

from __future__ import annotations

import argparse
import ast
import collections
import datetime
import difflib
import json
import multiprocessing
import os
import platform
import re
import signal
import site
import sys
import sysconfig
import time
import traceback
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "tests"))

from test_fix_ast_mask import fix_rounds, round_violations  # noqa: E402

from lintrules import engine  # noqa: E402
from lintrules.engine import ENGINE_CODES, candidate_rules, decode_source, lint_source  # noqa: E402
from lintrules.rules import all_rules  # noqa: E402

DEFAULT_OUTPUT = BENCH_DIR / "results" / "ecosystem.md"
SUFFIXES = (".py", ".pyi")
SKIP_DIRS = {"__pycache__", ".git", ".hg", ".tox", "node_modules"}
_LINE_STARTS = re.compile(r"\r\n|\r|\n")


class FileTimeout(BaseException):
    """Raised by the alarm when one file takes too long (not an ``Exception``,
    so the engine's own crash handler cannot swallow it)."""


# -- the files -------------------------------------------------------------------
def site_dirs() -> list[Path]:
    """The running interpreter's site-packages folders that exist."""
    candidates = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    candidates += list(getattr(site, "getsitepackages", list)())
    user = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    if user:
        candidates.append(user)
    found: list[Path] = []
    for candidate in candidates:
        path = Path(candidate)
        if path.is_dir() and path.resolve() not in [p.resolve() for p in found]:
            found.append(path)
    return found


def _walk(root: Path, skip: set[Path]) -> Iterator[Path]:
    for directory, dirs, names in os.walk(root):
        here = Path(directory)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and (here / d).resolve() not in skip)
        for name in sorted(names):
            if name.endswith(SUFFIXES):
                path = here / name
                if path.is_file():
                    yield path


def collect(roots: Sequence[tuple[str, Path]]) -> list[tuple[str, str]]:
    """``(group, path)`` for every Python file under the roots, each real file once.

    The group is ``stdlib`` or ``<label>/<top-level package>``.
    """
    skip = {path.resolve() for _, path in roots}
    seen: set[str] = set()
    files: list[tuple[str, str]] = []
    for label, root in roots:
        for path in _walk(root, skip - {root.resolve()}):
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            if label == "stdlib":
                group = "stdlib"
            else:
                top = path.relative_to(root).parts[0]
                group = f"{label}/{top[:-4] if top.endswith('.pyi') else top[:-3] if top.endswith('.py') else top}"
            files.append((group, str(path)))
    return files


# -- the worker ----------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _alarm(signum: int, frame: object) -> None:
    del signum, frame
    raise FileTimeout()


def _init_worker(file_timeout: int, styles: Sequence[str], mask: bool) -> None:
    signal.signal(signal.SIGALRM, _alarm)
    _STATE.update(rules=all_rules(), timeout=file_timeout, styles=tuple(styles), mask=mask)
    warnings.simplefilter("ignore")


def _compiles(data: bytes, path: str) -> str | None:
    """Why ``data`` does not compile, or None when it does."""
    try:
        compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _count_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def _offsets(text: str) -> list[int]:
    """Offset of the start of each line (1-based line n at index n - 1)."""
    starts = [0]
    starts.extend(match.end() for match in _LINE_STARTS.finditer(text))
    return starts


def _edits_reproduce(before: bytes, after: bytes, findings: Sequence[Any]) -> str | None:
    """Whether applying the findings' edits as text gives ``after`` (imports aside).

    Returns None when they agree or the edits cannot say (a fix without an
    edit), else what differs.  Overlapping edits are dropped in the engine's
    order (by finding start), as the engine drops overlapping fixes.
    """
    edits = []
    for finding in findings:
        if finding.fix is None:
            continue
        if finding.fix.edit is None:
            return None  # a removal or a statement list: not expressible as one edit
        edits.append(finding.fix.edit)
    text = decode_source(before)
    starts = _offsets(text)

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    taken: list[tuple[int, int]] = []
    chosen = []
    for finding in sorted(findings, key=lambda f: (f.line, f.column)):
        edit = finding.fix.edit if finding.fix is not None else None
        if edit is None:
            continue
        span = (offset(edit.line, edit.column), offset(edit.end_line, edit.end_column))
        if any(span[0] < other[1] and other[0] < span[1] for other in taken):
            continue
        taken.append(span)
        chosen.append((span, edit.content))
    for (start, end), content in sorted(chosen, reverse=True):
        text = text[:start] + content + text[end:]
    try:
        edited = ast.parse(text)
    except SyntaxError as error:
        return f"the edits applied as text do not parse: {error}"
    fixed = ast.parse(decode_source(after))

    def body(tree: ast.Module) -> list[str]:
        return [ast.dump(s) for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]

    a, b = body(edited), body(fixed)
    if a == b:
        return None
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            stmt = [s for s in edited.body if not isinstance(s, (ast.Import, ast.ImportFrom))][
                index
            ]
            return f"statement at line {stmt.lineno} differs between the edits and the fix"
    return f"{len(a)} statements from the edits, {len(b)} from the fix"


def _fix_checks(
    path: str, data: bytes, compiled: bool, style: str, findings: Sequence[Any] | None
) -> dict[str, Any]:
    """Fix ``data`` in ``style`` and check the result; ``findings``: the check run's, if in this style."""
    rules = _STATE["rules"]
    out: dict[str, Any] = {"style": style}
    started = time.perf_counter()
    result = lint_source(data, rules, fix_level="unsafe", fix_style=style)  # type: ignore[arg-type]
    out["seconds"] = time.perf_counter() - started
    out["fixes_applied"] = result.fixes_applied
    out["fixed"] = result.fixed_source is not None
    out["nc902"] = [f.message for f in result.findings if f.code == "NC902"]
    if result.fixed_source is None:
        return out
    fixed = result.fixed_source
    before_lines = decode_source(data).splitlines()
    after_lines = decode_source(fixed).splitlines()
    out["changed_lines"] = sum(
        max(i2 - i1, j2 - j1)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, before_lines, after_lines, autojunk=False
        ).get_opcodes()
        if tag != "equal"
    )
    if compiled:
        problem = _compiles(fixed, path)
        if problem is not None:
            out["not_compiling"] = problem
    if data.startswith(b"\xef\xbb\xbf") and not fixed.startswith(b"\xef\xbb\xbf"):
        out["lost_bom"] = True
    # One round at a time, one round further than the engine may go: the
    # chain must reach the engine's result, and the call after it must fix
    # nothing (idempotence).
    limit = engine.MAX_FIX_PASSES + 1
    rounds = fix_rounds(
        data, rules, fix_level="unsafe", fix_style=style, findings=findings, max_rounds=limit
    )
    out["rounds"] = len(rounds)
    ends = [number for number, fix_round in enumerate(rounds, 1) if fix_round.after == fixed]
    if not ends:
        out["chain_mismatch"] = "fixing round by round never reaches the engine's result"
    elif ends[0] < len(rounds):
        extra = sum(r.fixes_applied for r in rounds[ends[0] :])
        out["not_idempotent"] = (
            f"a second run applies {extra} more fix(es) ({len(rounds) - ends[0]} more round(s))"
        )
    if _STATE["mask"] and compiled and "not_compiling" not in out:
        violations = round_violations(rounds)
        if violations:
            out["mask_violations"] = violations[:10]
        mismatches = []
        for number, fix_round in enumerate(rounds, 1):
            problem = _edits_reproduce(fix_round.before, fix_round.after, fix_round.findings)
            if problem is not None:
                codes = ", ".join(sorted({f.code for f in fix_round.findings}))
                mismatches.append(f"round {number} ({codes}): {problem}")
        if mismatches:
            out["edit_mismatch"] = mismatches
    return out


def process(job: tuple[str, str]) -> dict[str, Any]:
    """Everything this run measures and checks about one file."""
    group, path = job
    record: dict[str, Any] = {"group": group, "path": path}
    signal.alarm(_STATE["timeout"])
    stage = "read"
    try:
        data = Path(path).read_bytes()
        record["lines"] = _count_lines(data)
        record["bytes"] = len(data)
        stage = "compile"
        record["compile_error"] = _compiles(data, path)
        stage = "check"
        started, cpu = time.perf_counter(), time.process_time()
        checked = lint_source(data, _STATE["rules"])
        record["seconds"] = time.process_time() - cpu
        record["wall"] = time.perf_counter() - started
        record["codes"] = dict(collections.Counter(f.code for f in checked.findings))
        record["engine"] = [
            {"code": f.code, "line": f.line, "message": f.message}
            for f in checked.findings
            if f.code.startswith("NC9")
        ]
        record["fixable"] = dict(
            collections.Counter(
                f"{f.code}:{f.fix.safety}" for f in checked.findings if f.fix is not None
            )
        )
        if record["fixable"]:
            record["fix"] = []
            for style in _STATE["styles"]:
                stage = f"fix ({style})"
                known = checked.findings if style == "stdlib" else None
                record["fix"].append(
                    _fix_checks(path, data, record["compile_error"] is None, style, known)
                )
    except FileTimeout:
        record["timeout"] = f"over {_STATE['timeout']} s during {stage}"
    except (Exception, RecursionError) as error:
        record["exception"] = f"during {stage}: {type(error).__name__}: {error}"
        record["traceback"] = traceback.format_exc(limit=-8)
    finally:
        signal.alarm(0)
    return record


# -- the report ------------------------------------------------------------------------
def _rel(path: str, roots: Sequence[tuple[str, Path]]) -> str:
    for label, root in sorted(roots, key=lambda item: -len(str(item[1]))):
        try:
            return f"{label}/{Path(path).relative_to(root)}"
        except ValueError:
            continue
    return path


def summarise(
    records: Sequence[dict[str, Any]], roots: Sequence[tuple[str, Path]]
) -> dict[str, Any]:
    """The figures of the run, from the per-file records."""
    by_kind = {"stdlib": [r for r in records if r["group"] == "stdlib"]}
    by_kind["site-packages"] = [r for r in records if r["group"] != "stdlib"]
    summary: dict[str, Any] = {"kinds": {}}
    for kind, items in by_kind.items():
        codes: collections.Counter[str] = collections.Counter()
        files_with: collections.Counter[str] = collections.Counter()
        for record in items:
            for code, count in record.get("codes", {}).items():
                codes[code] += count
                files_with[code] += 1
        summary["kinds"][kind] = {
            "files": len(items),
            "pyi": sum(1 for r in items if r["path"].endswith(".pyi")),
            "lines": sum(r.get("lines", 0) for r in items),
            "bytes": sum(r.get("bytes", 0) for r in items),
            "seconds": sum(r.get("seconds", 0.0) for r in items),
            "wall": sum(r.get("wall", 0.0) for r in items),
            "codes": dict(codes),
            "files_with": dict(files_with),
            "fixable_files": sum(1 for r in items if r.get("fixable")),
        }
    failures: dict[str, list[str]] = collections.defaultdict(list)
    fixes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    fixable: collections.Counter[str] = collections.Counter()
    for record in records:
        name = _rel(record["path"], roots)
        if "exception" in record:
            failures["exception"].append(f"{name}: {record['exception']}")
        if "timeout" in record:
            failures["timeout"].append(f"{name}: {record['timeout']}")
        for item in record.get("engine", []):
            if item["code"] == "NC902":
                failures["NC902 (check)"].append(f"{name}:{item['line']}: {item['message']}")
        for key in record.get("fixable", {}):
            fixable[key] += record["fixable"][key]
        for fix in record.get("fix", []):
            style = fix["style"]
            fixes[style]["files with fixes"] += 1
            fixes[style]["files fixed"] += int(fix["fixed"])
            fixes[style]["fixes applied"] += fix["fixes_applied"]
            fixes[style]["lines changed"] += fix.get("changed_lines", 0)
            fixes[style]["fix rounds (checked)"] += fix.get("rounds", 0)
            for message in fix["nc902"]:
                failures[f"NC902 (fix, {style})"].append(f"{name}: {message}")
            for key, label in (
                ("not_compiling", "fixed code does not compile"),
                ("not_idempotent", "not idempotent"),
                ("chain_mismatch", "round-by-round result differs"),
                ("lost_bom", "BOM lost"),
            ):
                if key in fix:
                    failures[f"{label} ({style})"].append(f"{name}: {fix[key]}")
            for violation in fix.get("mask_violations", []):
                failures[f"change outside the flagged expressions ({style})"].append(
                    f"{name}: {violation}"
                )
            for mismatch in fix.get("edit_mismatch", []):
                failures[f"JSON edit differs from the applied fix ({style})"].append(
                    f"{name}: {mismatch}"
                )
    summary["failures"] = dict(failures)
    summary["fixes"] = {style: dict(counter) for style, counter in fixes.items()}
    summary["fixable"] = dict(fixable)
    unparsed = []
    rejected_unreported = []
    for record in records:
        name = _rel(record["path"], roots)
        nc901 = [e for e in record.get("engine", []) if e["code"] == "NC901"]
        for item in nc901:
            unparsed.append(
                {
                    "path": name,
                    "line": item["line"],
                    "message": item["message"],
                    "python": record.get("compile_error") or "compiles",
                }
            )
        if record.get("compile_error") and not nc901 and "codes" in record:
            rejected_unreported.append(
                {
                    "path": name,
                    "python": record["compile_error"],
                    "findings": record["codes"],
                    "engine": _what_the_engine_did(record),
                }
            )
    summary["unparsed"] = unparsed
    summary["rejected_unreported"] = rejected_unreported
    nc900 = [
        f"{_rel(r['path'], roots)}: {e['message']}"
        for r in records
        for e in r.get("engine", [])
        if e["code"] == "NC900"
    ]
    summary["nc900"] = nc900
    packages: collections.Counter[str] = collections.Counter()
    for record in records:
        rule_findings = sum(
            c for code, c in record.get("codes", {}).items() if not code.startswith("NC9")
        )
        packages[record["group"]] += rule_findings
    summary["top_groups"] = [(g, c) for g, c in packages.most_common(15) if c]
    return summary


def _what_the_engine_did(record: dict[str, Any]) -> str:
    """For a file ``compile()`` rejects and no NC901 reports: why not."""
    if "NC900" in record["codes"]:
        return "not decodable (NC900)"
    try:
        text = decode_source(Path(record["path"]).read_bytes())
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return "?"
    if not candidate_rules(text, all_rules()):
        return "skipped by the text prefilter"
    return "parsed by libcst; the rules ran"


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |")
    return lines


def _escape(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text.replace("|", "\\|")


TITLE = """\
# Whole-ecosystem run

Every `.py`/`.pyi` file of the interpreter's standard library and of its
site-packages, linted with every rule (opt-in ones included, as `check
--select ALL`) and, where a finding offers a fix, fixed with `--unsafe-fixes`
in memory (nothing written), by `bench/ecosystem_run.py`.  One section per
interpreter; each was written by the script from its own run.
"""


def render(summary: dict[str, Any], meta: dict[str, Any]) -> str:
    """The Markdown section for one run."""
    rules = {rule.CODE: rule.NAME for rule in all_rules()}
    names = {
        code: name
        for code, name in (
            ("NC900", "io-error"),
            ("NC901", "syntax-error"),
            ("NC902", "internal-error"),
        )
    }
    names.update(rules)
    kinds = summary["kinds"]
    std, sp = kinds["stdlib"], kinds["site-packages"]
    out = [
        f"## Python {meta['python']}",
        "",
        f"- Command: `{meta['command']}`",
        f"- Python: {meta['python']} ({meta['implementation']}, {meta['platform']}); libcst {meta['libcst']}",
        f"- Date: {meta['date']}; linter revision {meta['revision']}",
        f"- Workers: {meta['jobs']}; per-file time limit {meta['file_timeout']} s; fix styles: {', '.join(meta['styles'])}",
        f"- Wall time: {meta['wall']:.0f} s for the whole run (lint, fixes and all checks); "
        f"`check` alone: {std['seconds'] + sp['seconds']:.0f} CPU-seconds summed over workers "
        f"({std['wall'] + sp['wall']:.0f} s of wall time in the workers)",
        f"- Load average (1 min, {os.cpu_count()} cores): {meta['load']}",
        f"- Run complete: {'yes' if meta['complete'] else 'NO - stopped at the time limit, figures are partial'}",
        "",
        "### Files and findings",
        "",
    ]
    out += _table(
        ["", "stdlib", "site-packages", "total"],
        [
            [
                "files (of which `.pyi`)",
                f"{std['files']} ({std['pyi']})",
                f"{sp['files']} ({sp['pyi']})",
                f"{std['files'] + sp['files']} ({std['pyi'] + sp['pyi']})",
            ],
            ["lines", f"{std['lines']:,}", f"{sp['lines']:,}", f"{std['lines'] + sp['lines']:,}"],
            [
                "MB",
                f"{std['bytes'] / 1e6:.1f}",
                f"{sp['bytes'] / 1e6:.1f}",
                f"{(std['bytes'] + sp['bytes']) / 1e6:.1f}",
            ],
            [
                "`check` CPU seconds (`lint_source` only)",
                f"{std['seconds']:.1f}",
                f"{sp['seconds']:.1f}",
                f"{std['seconds'] + sp['seconds']:.1f}",
            ],
            [
                "files with a fixable finding",
                std["fixable_files"],
                sp["fixable_files"],
                std["fixable_files"] + sp["fixable_files"],
            ],
        ],
    )
    out += ["", "Findings by code (findings / files):", ""]
    codes = sorted(set(std["codes"]) | set(sp["codes"]) | set(rules))
    rows = []
    for code in codes:
        a, b = std["codes"].get(code, 0), sp["codes"].get(code, 0)
        fa, fb = std["files_with"].get(code, 0), sp["files_with"].get(code, 0)
        rows.append(
            [code, names.get(code, ""), f"{a} / {fa}", f"{b} / {fb}", f"{a + b} / {fa + fb}"]
        )
    out += _table(["code", "name", "stdlib", "site-packages", "total"], rows)
    fixable = summary["fixable"]
    if fixable:
        out += ["", "Findings that offer a fix (check run), by code and safety:", ""]
        out += _table(["code:safety", "findings"], sorted(fixable.items()))
    out += ["", "### Fixes (`--fix --unsafe-fixes`, in memory)", ""]
    styles = list(summary["fixes"]) or meta["styles"]
    keys = [
        "files with fixes",
        "files fixed",
        "fixes applied",
        "lines changed",
        "fix rounds (checked)",
    ]
    out += _table(
        ["fix style", *keys],
        [[s, *(summary["fixes"].get(s, {}).get(k, 0) for k in keys)] for s in styles],
    )
    out += [
        "",
        "Checked for every fixed file: it compiles when the original did; a second "
        "`--fix --unsafe-fixes` run changes nothing; fixing round by round ends where "
        "the engine ends; each round changes nothing but the flagged expressions "
        "(`ast` comparison with the fixed nodes masked, as in `tests/test_fix_ast_mask.py`); "
        "the findings' edits, applied as text, give the fixed code.",
        "",
        "### Failures",
        "",
    ]
    failures = summary["failures"]
    fixed_labels = ["exception", "timeout", "NC902 (check)"]
    for style in styles:
        fixed_labels += [
            f"NC902 (fix, {style})",
            f"fixed code does not compile ({style})",
            f"not idempotent ({style})",
            f"round-by-round result differs ({style})",
            f"change outside the flagged expressions ({style})",
            f"JSON edit differs from the applied fix ({style})",
            f"BOM lost ({style})",
        ]
    labels = fixed_labels + sorted(set(failures) - set(fixed_labels))
    out += _table(["failure", "count"], [[label, len(failures.get(label, []))] for label in labels])
    for label in labels:
        items = failures.get(label, [])
        if items:
            out += ["", f"#### {label}", ""]
            out += [f"- `{_escape(item, 300)}`" for item in items[:40]]
            if len(items) > 40:
                out.append(f"- ... and {len(items) - 40} more")
    out += ["", "### Files that could not be parsed (NC901)", ""]
    unparsed = summary["unparsed"]
    python_ok = [u for u in unparsed if u["python"] == "compiles"]
    out.append(
        f"{len(unparsed)} file(s) reported as NC901; {len(python_ok)} of them compile "
        "with this Python (libcst rejects code Python accepts)."
    )
    if unparsed:
        out.append("")
        out += _table(
            ["file", "line", "NC901 message", "compile() says"],
            [
                [f"`{u['path']}`", u["line"], _escape(u["message"], 100), _escape(u["python"], 100)]
                for u in unparsed
            ],
        )
    rejected = summary["rejected_unreported"]
    out += [
        "",
        f"Files `compile()` rejects without an NC901: {len(rejected)}: files in which "
        "no rule's required text occurs are never parsed (the text prefilter); "
        "others libcst parses, and the rules run.",
    ]
    if rejected:
        out.append("")
        out += _table(
            ["file", "compile() says", "the engine", "findings"],
            [
                [
                    f"`{r['path']}`",
                    _escape(r["python"], 100),
                    r["engine"],
                    ", ".join(f"{k}: {v}" for k, v in sorted(r["findings"].items())) or "none",
                ]
                for r in rejected[:60]
            ],
        )
        if len(rejected) > 60:
            out.append(f"\n... and {len(rejected) - 60} more")
    if summary["nc900"]:
        out += ["", f"NC900 (cannot read or decode): {len(summary['nc900'])}", ""]
        out += [f"- `{_escape(item, 200)}`" for item in summary["nc900"][:40]]
    if summary["top_groups"]:
        out += ["", "### Where the rule findings are (top packages)", ""]
        out += _table(["package", "rule findings"], summary["top_groups"])
    out += ["", f"Engine codes: {'; '.join(f'{k}: {v}' for k, v in ENGINE_CODES.items())}", ""]
    return "\n".join(out)


# -- the command line ----------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, help="folders instead of stdlib + site-packages"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--file-timeout", type=int, default=300, help="seconds per file")
    parser.add_argument(
        "--time-limit", type=float, default=3600.0, help="seconds for the whole run"
    )
    parser.add_argument("--fix-styles", default="stdlib,netcompat")
    parser.add_argument("--no-mask", action="store_true", help="skip the ast-mask and edit checks")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (a smoke run)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--json", type=Path, help="also dump every per-file record here")
    parser.add_argument("--append", action="store_true", help="add this run's section to --output")
    parser.add_argument("--from-json", type=Path, help="only render the records a --json run saved")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        saved_roots = saved["meta"].get("roots") or [
            (label, str(path)) for label, path in _default_roots()
        ]
        roots = [(label, Path(path)) for label, path in saved_roots]
        summary = summarise(saved["records"], roots)
        _write(args.output, render(summary, saved["meta"]), args.append)
        print(f"wrote {args.output}")
        return 0

    roots = [(p.name, p.resolve()) for p in args.paths] if args.paths else _default_roots()
    files = collect(roots)
    if args.limit:
        files = files[: args.limit]
    # Biggest first, so one huge file does not finish the run alone.
    files.sort(key=lambda job: -os.path.getsize(job[1]))
    styles = [s for s in args.fix_styles.split(",") if s]
    print(f"{len(files)} files under {', '.join(str(r) for _, r in roots)}", flush=True)

    # Import every rule now, before the workers fork: other work on the tree
    # must not change the rules half-way through the run.
    all_rules()
    load_before = _load()
    started = time.perf_counter()
    records: list[dict[str, Any]] = []
    complete = True
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(
        args.jobs,
        initializer=_init_worker,
        initargs=(args.file_timeout, styles, not args.no_mask),
        maxtasksperchild=2000,
    ) as pool:
        results = pool.imap_unordered(process, files)
        try:
            while True:
                remaining = args.time_limit - (time.perf_counter() - started)
                if remaining <= 0:
                    raise multiprocessing.TimeoutError
                try:
                    record = results.next(timeout=remaining)
                except StopIteration:
                    break
                records.append(record)
                if len(records) % 1000 == 0:
                    elapsed = time.perf_counter() - started
                    print(f"{len(records)}/{len(files)} files, {elapsed:.0f} s", flush=True)
        except multiprocessing.TimeoutError:
            complete = False
            print(f"time limit reached after {len(records)} files", flush=True)
            pool.terminate()
    wall = time.perf_counter() - started

    meta = {
        "command": "python "
        + " ".join(
            [os.path.relpath(__file__, REPO_ROOT), *(argv if argv is not None else sys.argv[1:])]
        ),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": sys.platform,
        "libcst": _dist_version("libcst"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "jobs": args.jobs,
        "file_timeout": args.file_timeout,
        "styles": styles,
        "wall": wall,
        "complete": complete,
        "load": f"{load_before} at the start, {_load()} at the end",
        "revision": _revision(),
        "roots": [(label, str(path)) for label, path in roots],
    }
    summary = summarise(records, roots)
    text = render(summary, meta)
    _write(args.output, text, args.append)
    if args.json:
        args.json.write_text(
            json.dumps({"meta": meta, "records": records}, indent=1), encoding="utf-8"
        )
    failures = sum(len(items) for items in summary["failures"].values())
    print(text)
    print(f"\nwrote {args.output}; {failures} failure(s); {wall:.0f} s", flush=True)
    return 1 if failures or not complete else 0


def _default_roots() -> list[tuple[str, Path]]:
    """The running interpreter's standard library and its site-packages folders."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [("stdlib", stdlib)] + [("site-packages", path) for path in site_dirs()]


def _write(output: Path, section: str, append: bool) -> None:
    """Write the results file: the title and this section, or add the section."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if append and output.exists():
        text = output.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + section
    else:
        text = TITLE + "\n" + section
    output.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def _revision() -> str:
    """The git commit of the linter, and whether its working tree differs."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "?"
    dirty = [line for line in git("status", "--porcelain", "--", "lintrules").splitlines() if line]
    return f"{head}" + (f" + {len(dirty)} uncommitted change(s) under lintrules/" if dirty else "")


def _load() -> str:
    """The 1-minute load average (other work on the machine slows the wall times)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "?"


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
