"""Lint (and fix) the source of one file: the core every front end shares.

The pipeline for one file, cheapest step first:

1. decode (PEP 263 cookie or BOM) and look for each enabled rule's
   ``REQUIRES_TEXT``; most files stop here;
2. parse with :mod:`ast`, build the file's semantic model once
   (:class:`lintrules.analysis.Model`) and run every rule on it; ``# noqa``
   comments hide findings (a source over 1 MB, when no fix is wanted, a
   group of top-level statements at a time: :func:`_lint_in_pieces`);
3. only when a finding's fix is wanted (``--fix``, ``--diff``, the edits of
   JSON/SARIF output): :mod:`lintrules.fixing.cst_pass` parses the file with
   libcst and carries each fix over to its tree;
4. in fix mode, apply the allowed non-overlapping fixes, add the imports they
   need, verify that the result parses (and compiles, if the input did), and
   go round again until nothing changes, so fixes that enable other fixes
   (NC006 then NC001) land in one run.

A file the running Python cannot parse is one NC901 finding that names the
version: there is no second parser to fall back on.  Nothing here touches the
file system (:mod:`lintrules.runner` does), and nothing here imports libcst.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import gc
import itertools
import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from .analysis.model import Model

# The results' types live in .findings; they are re-exported here, where they
# have always been importable from.
from .findings import ENGINE_CODES as ENGINE_CODES
from .findings import INTERNAL_ERROR as INTERNAL_ERROR
from .findings import IO_ERROR as IO_ERROR
from .findings import SYNTAX_ERROR as SYNTAX_ERROR
from .findings import Edit as Edit
from .findings import Finding as Finding
from .findings import FixInfo as FixInfo
from .findings import FixLevel as FixLevel
from .findings import SourceResult as SourceResult
from .findings import allowed as allowed
from .findings import decode_source as decode_source
from .noqa import NoqaIndex
from .rule import FixStyle, Report, Rule, RuleBase, RuleContext

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from .analysis.project import FileImports
    from .fixing.cst_pass import CstReport

#: How many rounds of fixing one file may take before the engine stops.
MAX_FIX_PASSES = 8

#: Sources longer than this are parsed a piece at a time (see :func:`parse`).
CHUNKED_PARSE_CHARS = 512 * 1024
#: About how long each piece is.
_CHUNK_CHARS = 128 * 1024
#: Sources longer than this are linted a group of pieces at a time, when no
#: fix edit is wanted (see :func:`_lint_in_pieces`).
PIECEWISE_LINT_CHARS = 1024 * 1024
#: About how long each group of pieces is.
_GROUP_CHARS = 512 * 1024
#: Where a piece may start: a line that opens a top-level statement, not an
#: ``else``/``elif``/``except``/``finally`` clause of the one before it.
_TOP_LEVEL_START = re.compile(
    r"^(?=[A-Za-z_@])(?!(?:else|elif|except|finally)\b)", re.MULTILINE
)

_PY2_HINTS = re.compile(
    r"^\s*(print\s+[^\s(=]|exec\s+[\"']|except\s+[\w.]+\s*,\s*\w+\s*:|raise\s+\w+\s*,)",
    re.MULTILINE,
)
@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Keep the cyclic GC from walking a file's trees while they are built and read.

    A tree and its model are hundreds of thousands of young objects (millions
    for a generated file) that die together when the file is done; the
    collector would walk them over and over as they grow (a 3 MB file parses
    in a third of the time without it).  What is left when the file is done
    is collected at the next collection, once.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Piece(NamedTuple):
    """A piece of a long source, parsed alone (see :func:`parse`)."""

    first_line: int
    last_line: int
    text: str
    body: list[ast.stmt]


def _pieces(text: str) -> Iterator[_Piece]:
    """Each piece of ``text`` (see :func:`parse`) parsed alone.

    Raises SyntaxError or ValueError when a piece does not parse, which may
    only mean that a cut was made in the wrong place.
    """
    cuts = _cuts(text)
    lines_before = 0
    for start, end in zip(cuts, cuts[1:]):
        piece = text[start:end]
        lines = piece.count("\n") + piece.count("\r") - piece.count("\r\n")
        # No local names the tree: a suspended generator would keep it alive.
        yield _Piece(
            lines_before + 1,
            lines_before + max(lines, 1),
            piece,
            ast.parse("\n" * lines_before + piece).body,
        )
        lines_before += lines


def parse(text: str) -> ast.Module:
    """``ast.parse(text)``, a piece at a time for a long source.

    CPython's parser needs several hundred bytes of memory per byte of source
    at its peak (over 400 MB for a 3 MB generated file), so a long source is
    cut before lines that start a top-level statement and each piece is parsed
    alone, padded with blank lines so that its positions are the file's.  A cut
    can only be wrong inside a string, a bracket or a clause, which leaves the
    piece before it unparsable; then, and for any other error, the whole
    source is parsed, so an error is always the one the whole file gives.
    """
    if len(text) <= CHUNKED_PARSE_CHARS:
        return ast.parse(text)
    body: list[ast.stmt] = []
    try:
        for piece in _pieces(text):
            body.extend(piece.body)
    except (SyntaxError, ValueError):
        return ast.parse(text)
    # Only the comment form ``# type: ignore`` makes type_ignores, and only
    # under type_comments=True, which is never asked for here.
    return ast.Module(body=body, type_ignores=[])


def _cuts(text: str) -> list[int]:
    """Where :func:`parse` cuts ``text``: offsets of line starts, with 0 and ``len(text)``."""
    cuts = [0]
    for match in _TOP_LEVEL_START.finditer(text, _CHUNK_CHARS):
        if match.start() - cuts[-1] >= _CHUNK_CHARS:
            cuts.append(match.start())
    cuts.append(len(text))
    return cuts


def _engine_finding(kind: tuple[str, str], message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(kind[0], kind[1], message, line, column, line, column)


class _Analysis:
    """One parse-and-run of the rules over one version of a source."""

    def __init__(
        self,
        findings: list[Finding],
        reports: list[CstReport],
        module: cst.Module | None,
        wrapper: MetadataWrapper | None,
        compiled: bool,
        noqa: NoqaIndex | None = None,
    ) -> None:
        self.findings = findings
        #: The file's noqa directives and which of them hid a finding
        #: (None: the rules did not run, so nobody knows).
        self.noqa = noqa
        self.reports = reports
        self.module = module
        self.wrapper = wrapper
        self.compiled = compiled
        #: How many fixes the last round of fixing made from this analysis.
        self.chosen = 0


def candidate_rules(text: str, rules: Iterable[type[RuleBase]]) -> list[type[RuleBase]]:
    """The rules whose text gate keeps ``text``."""
    return [rule for rule in rules if rule.text_gate(text)]


def _describe(error: BaseException) -> str:
    """``Type: message``, short, even when the message is a huge node (or fails)."""
    try:
        text = str(error)
    except Exception:  # a repr that recurses or raises must not hide the crash itself
        text = "(no message)"
    if len(text) > 300:
        text = text[:300] + "..."
    return f"{type(error).__name__}: {text}"


def _too_deep(line: int, column: int) -> _Analysis:
    return _Analysis(
        [
            _engine_finding(
                SYNTAX_ERROR, "cannot parse: nesting too deep for the parser", line, column
            )
        ],
        [],
        None,
        None,
        False,
    )


def _python_version() -> str:
    return f"Python {sys.version_info[0]}.{sys.version_info[1]}"


def _run_ast_rules(
    tree: ast.Module, text: str, rules: Sequence[type[Rule]], context: RuleContext
) -> list[Report]:
    """Build the file's model once and run every ``ast`` rule on it."""
    return _run_rules_on(Model.build(tree, text), rules, context)


def _run_rules_on(model: Model, rules: Sequence[type[Rule]], context: RuleContext) -> list[Report]:
    model.project = context.imports
    reports: list[Report] = []
    for rule in rules:
        instance = rule(model, context)
        instance.run()
        reports.extend(instance.reports)
    return reports


def _rules_failed(error: Exception, rules: Sequence[type[Rule]]) -> _Analysis:
    """The finding for rules that raised on a file: too deep, or a crash to report."""
    if isinstance(error, RecursionError):
        message = "cannot analyse: nesting too deep for the rules"
        return _Analysis([_engine_finding(SYNTAX_ERROR, message)], [], None, None, True)
    rules_run = ", ".join(rule.CODE for rule in rules)
    message = f"rules {rules_run} crashed: {_describe(error)}; please report this"
    return _Analysis([_engine_finding(INTERNAL_ERROR, message)], [], None, None, True)


def _outline(statement: ast.stmt) -> ast.stmt:
    """What the rest of a long file sees of one of its statements: defs without bodies.

    Imports, assignments, class bases and every other statement stay whole,
    so names resolve as in the whole file; only the bodies of functions (the
    bulk of a long file) are left out.
    """
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        function = copy.copy(statement)
        function.body = [ast.copy_location(ast.Pass(), statement)]
        return function
    if isinstance(statement, ast.ClassDef):
        cls = copy.copy(statement)
        cls.body = [_outline(member) for member in statement.body]
        return cls
    return statement


def _lint_in_pieces(
    text: str, rules: Sequence[type[Rule]], context: RuleContext, noqa: NoqaIndex
) -> list[Finding] | None:
    """The findings of a long source, linted a group of pieces at a time.

    The whole tree of a generated file is most of the memory a check takes
    (about 60 bytes per byte of source).  So the source is parsed twice, a
    piece at a time (see :func:`parse`): first to keep only an outline of
    each piece (:func:`_outline`), then to lint each group of pieces whole,
    beside the outline of the rest, and keep the findings inside the group.
    What a rule learns from the body of a function in another group (a call
    there that hands a socket to a function here) is not seen.  None when a
    piece does not parse: the caller then parses the whole source.
    """
    try:
        outlines = [[_outline(node) for node in piece.body] for piece in _pieces(text)]
    except (SyntaxError, ValueError):
        return None
    per_group = max(1, _GROUP_CHARS // _CHUNK_CHARS)
    pieces = _pieces(text)
    findings: list[Finding] = []
    for first in range(0, len(outlines), per_group):
        end = min(first + per_group, len(outlines))
        findings.extend(_lint_group(text, outlines, first, end, pieces, rules, context, noqa))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return findings


def _lint_group(
    text: str,
    outlines: list[list[ast.stmt]],
    first: int,
    end: int,
    pieces: Iterator[_Piece],
    rules: Sequence[type[Rule]],
    context: RuleContext,
    noqa: NoqaIndex,
) -> list[Finding]:
    """The findings in pieces ``first`` to ``end`` (the next ones ``pieces`` yields), linted whole.

    Of the outline of the rest, the definitions the group does not name are
    left out: they cannot change what the rules say of the group, and each
    one costs the model a scope (a generated file has tens of thousands).
    """
    group: list[ast.stmt] = []
    lines: list[int] = []
    named: set[str] = set()
    for piece in itertools.islice(pieces, end - first):
        lines += piece.first_line, piece.last_line
        group.extend(piece.body)
        named.update(_IDENTIFIER.findall(piece.text))
    first_line, last_line = lines[0], lines[-1]
    before = [node for outline in outlines[:first] for node in outline if _named(node, named)]
    after = [node for outline in outlines[end:] for node in outline if _named(node, named)]
    module = ast.Module(body=before + group + after, type_ignores=[])
    model = Model.build(module, text)
    try:
        return [
            _ast_finding(report, _unlocated_fix(report))
            for report in _run_rules_on(model, rules, context)
            if first_line <= report.span.line <= last_line
            and not noqa.suppresses(report.span.line, report.code)
        ]
    finally:
        # Frees this group's tree at once, and frees the outline of the
        # rest from links to it (the cyclic GC is paused: _gc_paused).
        model.dispose()


_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def _named(statement: ast.stmt, names: set[str]) -> bool:
    """Whether an outlined statement is kept beside a group that names ``names``."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return statement.name in names
    return True


def _unlocated_fix(report: Report) -> FixInfo | None:
    """The fix a finding offers, before libcst has been asked to carry it out (no edit)."""
    return None if report.fix is None else FixInfo(report.fix.safety, report.fix.title)


def _ast_finding(report: Report, fix: FixInfo | None) -> Finding:
    span = report.span
    return Finding(
        code=report.code,
        name=report.name,
        message=report.message,
        line=span.line,
        column=span.column + 1,
        end_line=span.end_line,
        end_column=span.end_column + 1,
        fix=fix,
    )


def _analyse(
    data: bytes,
    rules: Sequence[type[RuleBase]],
    context: RuleContext,
    *,
    edits: bool = True,
    fix_level: FixLevel = None,
) -> _Analysis:
    """Run ``rules`` over ``data``; carry fixes over to libcst for ``edits`` or ``fix_level``.

    With ``edits``, every fix (its edit is shown); with a ``fix_level``, the
    fixes it allows (they are to be applied).
    """
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        return _Analysis(
            [_engine_finding(IO_ERROR, f"cannot decode source: {error}")], [], None, None, False
        )
    if "\0" in text:
        return _Analysis(
            [_engine_finding(IO_ERROR, "file contains NUL bytes; not a Python source file")],
            [],
            None,
            None,
            False,
        )
    active = candidate_rules(text, rules)
    if not active:
        # Needles are searched in the text as Python 3 would read it.  Legacy
        # code some rule's needle points at is still parsed, so that it is
        # reported as unparsable (NC901) instead of passing as clean.
        legacy = [rule for rule in rules if rule.REQUIRES_TEXT and rule.needles_in(text)]
        if not legacy or not _PY2_HINTS.search(text):
            return _Analysis([], [], None, None, False, NoqaIndex(""))
        active = legacy

    ast_rules = [rule for rule in active if issubclass(rule, Rule)]
    if not edits and fix_level is None and len(text) > PIECEWISE_LINT_CHARS:
        noqa = NoqaIndex(text)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                findings = _lint_in_pieces(text, ast_rules, context, noqa)
        except Exception as error:  # a rule crash is reported, not fatal
            return _rules_failed(error, ast_rules)
        if findings is not None:
            return _Analysis(findings, [], None, None, True, noqa)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = parse(text)
    except SyntaxError as error:
        hint = " (this looks like Python 2 code)" if _PY2_HINTS.search(text) else ""
        if error.msg == "too many nested parentheses":
            detail = "nesting too deep for the parser"
        else:
            detail = error.msg
        message = f"cannot parse with {_python_version()}{hint}: {detail}"
        return _Analysis(
            [_engine_finding(SYNTAX_ERROR, message, error.lineno or 1, error.offset or 1)],
            [],
            None,
            None,
            False,
        )
    except (RecursionError, MemoryError):
        return _too_deep(1, 1)
    except ValueError as error:
        message = f"cannot parse with {_python_version()}: {error}"
        return _Analysis([_engine_finding(SYNTAX_ERROR, message)], [], None, None, False)

    ast_rules = [rule for rule in active if issubclass(rule, Rule)]
    try:
        reports = _run_ast_rules(tree, text, ast_rules, context)
    except Exception as error:  # a rule crash is reported, not fatal
        return _rules_failed(error, ast_rules)
    noqa = NoqaIndex(text)
    reports = [r for r in reports if not noqa.suppresses(r.span.line, r.code)]
    # libcst carries fixes over: for the edits the output shows, or for the
    # fixes this run may apply (none at all for ``--fix`` when every fix
    # offered is unsafe).
    if not any(
        report.fix is not None and (edits or allowed(fix_level, report.fix.safety))
        for report in reports
    ):
        plain = [_ast_finding(report, _unlocated_fix(report)) for report in reports]
        plain.sort(key=lambda f: (f.line, f.column, f.code))
        return _Analysis(plain, [], None, None, True, noqa)

    from .fixing.cst_pass import cst_analyse

    return cst_analyse(data, tree, reports, noqa)


def lint_source(
    data: bytes,
    rules: Sequence[type[RuleBase]],
    *,
    fix_level: FixLevel = None,
    fix_style: FixStyle = "stdlib",
    options: Mapping[str, object] | None = None,
    edits: bool = True,
    path: str | None = None,
    imports: FileImports | None = None,
) -> SourceResult:
    """Lint ``data`` (the bytes of one file) with ``rules``; fix if asked.

    Args:
        data: the file's bytes, encoding cookie and BOM included.
        rules: the rule classes enabled for this file.
        fix_level: None to only report, ``"safe"`` or ``"unsafe"`` to fix.
        fix_style: ``"stdlib"`` or ``"netcompat"`` (see the configuration docs).
        options: rule options, keyed by option name.
        edits: give each fixable finding its text edit (JSON and SARIF show
            them).  Without it, a check of a file whose rules all detect on
            ``ast`` never parses it with libcst: the finding says that it is
            fixable, and how safely, but not the text.
        path: the file's path, for rules that treat some files apart (NC101
            leaves test files out); relative to the configuration's root when
            the file is inside it.
        imports: how the names the file imports from its own project resolve
            (:meth:`lintrules.analysis.project.ProjectImports.for_file`); the
            result's ``consulted`` names the modules that were read for it.

    Returns:
        The findings that remain, and the fixed bytes when anything changed.
    """
    context = RuleContext(
        fix_style=fix_style, options=dict(options or {}), path=path, imports=imports
    )
    with _gc_paused():
        result = _lint(data, rules, context, fix_level, edits)
    if imports is not None and imports.consulted:
        result = replace(result, consulted=tuple(sorted(imports.consulted)))
    return result


def _lint(
    data: bytes,
    rules: Sequence[type[RuleBase]],
    context: RuleContext,
    fix_level: FixLevel,
    edits: bool,
) -> SourceResult:
    """The work of :func:`lint_source`, with the cyclic GC paused."""
    current = data
    applied = 0
    analysis = _analyse(current, rules, context, edits=edits, fix_level=fix_level)
    seen = {current}
    for _ in range(MAX_FIX_PASSES):
        if fix_level is None or analysis.module is None:
            break
        from .fixing.cst_pass import apply_fixes

        fixed_pass = apply_fixes(analysis, fix_level, current)
        if fixed_pass is None:
            break
        new, problem = fixed_pass
        if problem is not None:
            codes = ", ".join(sorted({r.code for r in analysis.reports if r.fix is not None}))
            broken = _engine_finding(
                INTERNAL_ERROR, f"a fix for {codes} was not applied: {problem}; please report this"
            )
            analysis.findings.append(broken)
            break
        if new in seen:
            break
        seen.add(new)
        applied += analysis.chosen
        current = new
        analysis = _analyse(current, rules, context, edits=edits, fix_level=fix_level)
    fixed = current if current != data else None
    used = None
    if analysis.noqa is not None:
        used = {line: frozenset(codes) for line, codes in analysis.noqa.used.items()}
    return SourceResult(tuple(analysis.findings), fixed, applied, noqa_used=used)
