"""Could a syntactic signal tell NC101's actionable findings from the rest?

Issue 10 asks that 90 % of a hand-judged sample be findings a maintainer would
act on.  NC101's judged findings (``judged_findings.toml``) are mostly true
but left alone (``noise``: a demo, a per-connection worker that a reset only
ends) or false for reasons outside the file (a framework or caller that
catches the error, dead code).  This script measures whether signals that a
linter can read from the code around a finding separate ``act`` from the
others: for each signal, the judged findings where it holds and where it does
not, and the act-rate and not-false rate NC101 would have if it reported only
where the signal holds.

Signals, read with :mod:`ast` from the finding's file:

* ``handles-errors``: the enclosing function or class has an ``except`` for a
  connection-level error (``OSError`` and its aliases, ``socket.timeout``,
  ``ssl.SSLError``, ``ConnectionError`` and its subclasses): it handles some
  failures of the peer and missed the reset;
* ``skips-cleanup``: a call that releases something (``close``, ``shutdown``,
  ``remove``, ``release``, ``cancel``...) follows the finding in its function,
  outside a ``finally``: a reset skips it;
* ``datagram-receive``: a ``recvfrom`` on a datagram socket (Windows'
  WSAECONNRESET after an ICMP error);
* ``not-example``: the path is not under an ``examples``/``demos``/
  ``benchmarks``/``docs``/``tools``/``utils`` folder;
* ``any``: one of the first three.

Usage::

    python bench/nc101_signals.py [--source DIR] [--mirrors DIR] [--work DIR] [--json]

The trees and the sample are exactly those of ``evaluate_rules.py sample``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import evaluate_rules as ev

#: Exception names (last part) that handle a failure of the connection.
_CONNECTION_ERRORS = frozenset(
    {
        "OSError",
        "IOError",
        "EnvironmentError",
        "error",
        "timeout",
        "TimeoutError",
        "SSLError",
        "ConnectionError",
        "ConnectionResetError",
        "ConnectionAbortedError",
        "ConnectionRefusedError",
        "BrokenPipeError",
    }
)
#: Method names of calls that release something a reset would leave behind.
_RELEASES = frozenset(
    {"close", "shutdown", "remove", "discard", "release", "unregister", "cancel", "terminate"}
)
_EXAMPLE_FOLDERS = frozenset(
    {"examples", "example", "demos", "demo", "benchmarks", "docs", "tools", "utils"}
)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _caught_names(handler: ast.ExceptHandler) -> set[str]:
    kind = handler.type
    items = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    names = set()
    for item in items:
        if isinstance(item, ast.Attribute):
            names.add(item.attr)
        elif isinstance(item, ast.Name):
            names.add(item.id)
    return names


def _innermost(tree: ast.Module, line: int, kinds: tuple[type[ast.AST], ...]) -> ast.AST | None:
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, kinds) and node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    return min(found, key=lambda n: (n.end_lineno or 0) - n.lineno, default=None)


def _handles_errors(scope: ast.AST | None) -> bool:
    return scope is not None and any(
        isinstance(node, ast.ExceptHandler) and _caught_names(node) & _CONNECTION_ERRORS
        for node in ast.walk(scope)
    )


def _skips_cleanup(function: ast.AST, line: int) -> bool:
    protected = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Try):
            for statement in node.finalbody:
                protected.update(range(statement.lineno, (statement.end_lineno or 0) + 1))
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _RELEASES
        and node.lineno > line
        and node.lineno not in protected
        for node in ast.walk(function)
    )


def signals(root: Path, relative: str, line: int, message: str) -> dict[str, bool] | None:
    """The signals at line ``line`` of ``root/relative`` (``relative``: the
    path inside its project), or None when the file does not parse here."""
    path = root / relative
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return None
    function = _innermost(tree, line, (ast.FunctionDef, ast.AsyncFunctionDef)) or tree
    classdef = _innermost(tree, line, (ast.ClassDef,))
    found = {
        "handles-errors": _handles_errors(function) or _handles_errors(classdef),
        "skips-cleanup": _skips_cleanup(function, line),
        "datagram-receive": "recvfrom" in message,
        "not-example": not (_EXAMPLE_FOLDERS & set(Path(relative).parts[:-1])),
    }
    found["any"] = found["handles-errors"] or found["skips-cleanup"] or found["datagram-receive"]
    return found


def _rate(counts: Counter[str], pick: Callable[[Counter[str]], int]) -> str:
    judged = counts["act"] + counts["noise"] + counts["false"]
    return f"{100 * pick(counts) / judged:.1f}%" if judged else "-"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ev.REPO_ROOT)
    parser.add_argument("--mirrors", type=Path, default=ev.DEFAULT_MIRRORS)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        trees, judged = ev.load_judged()
        roots = {key: ev.materialise(args.mirrors, *key, work) for key in trees}
        raw = ev.run_lint(sorted(roots.values()), work=work, source=args.source)
        findings = ev.parse_findings(raw, {root.resolve(): key for key, root in roots.items()})
        sample = ev.draw_sample(
            findings,
            seed=ev.DEFAULT_SEED,
            quotas=ev.DEFAULT_QUOTAS,
            per_project=ev.DEFAULT_PER_PROJECT,
        )
        table: dict[str, dict[bool, Counter[str]]] = {}
        for finding in sample:
            judgement = judged.get(finding.key)
            if finding.code != "NC101" or judgement is None or judgement.verdict not in ev.VERDICTS:
                continue
            root = roots[(finding.repo, finding.commit)]
            found = signals(root, finding.path, finding.line, finding.message)
            for name, value in (found or {}).items():
                table.setdefault(name, {True: Counter(), False: Counter()})[value][
                    judgement.verdict
                ] += 1
    if args.json:
        json.dump(
            {name: {str(k): dict(v) for k, v in rows.items()} for name, rows in table.items()},
            sys.stdout,
            indent=2,
        )
        print()
        return 0
    header = f"{'signal':17} {'holds':>5} {'act':>4} {'noise':>5} {'false':>5} {'act-rate':>8} {'not-false':>9}"
    print(header)
    print("-" * len(header))
    for name, rows in table.items():
        for value in (True, False):
            counts = rows[value]
            print(
                f"{name:17} {'yes' if value else 'no':>5} {counts['act']:>4} {counts['noise']:>5}"
                f" {counts['false']:>5} {_rate(counts, lambda c: c['act']):>8}"
                f" {_rate(counts, lambda c: c['act'] + c['noise']):>9}"
            )
    print(
        "act-rate and not-false: of NC101's judged findings where the signal holds (yes) or not (no)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
