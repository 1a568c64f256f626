"""Report formats: concise and full text, ruff's JSON and JSON lines, SARIF 2.1.0,
GitHub annotations, GitLab Code Quality and JUnit XML.

``json`` and ``json-lines`` use ruff's layout (``code``, ``message``,
``filename``, ``location {row, column}``, ``end_location``, ``fix
{applicability, message, edits}``, ``noqa_row``, ``url``, ``cell``) so
tools written for ``ruff check --output-format json`` read them unchanged;
``name`` (the rule's kebab-case name) and ``fix.edit`` (the edit in this
tool's earlier layout) are extra fields.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, TextIO

from . import __version__
from .findings import ENGINE_CODES, Edit, Finding, FixInfo, edit_to_dict

#: ``text`` is the name this tool used before ``concise``; it stays an alias.
FORMATS = (
    "concise",
    "full",
    "json",
    "json-lines",
    "sarif",
    "github",
    "gitlab",
    "junit",
    "text",
)
#: The formats whose findings carry their fixes' text edits.
EDIT_FORMATS = frozenset({"json", "json-lines", "sarif", "full"})
#: The formats that print a summary line after the findings.
HUMAN_FORMATS = frozenset({"concise", "full", "text"})
INFORMATION_URI = "https://pypi.org/project/netcompat/"
#: The rules' documentation, relative to the repository (as the README links it).
RULES_DOCS = "docs/rules.md"
#: Lines of source shown before and after a finding by ``full``.
CONTEXT_LINES = 2

Row = tuple[str, Finding]


@dataclass
class OutputContext:
    """What a format may need beyond the findings.

    Attributes:
        files: each displayed path's file (absolute), for ruff's ``filename``.
        unsafe_fixes: whether unsafe fixes are enabled (``[*]`` marks them then).
        read: the source text of a displayed path (None: unreadable).
    """

    files: Mapping[str, Path] = field(default_factory=dict)
    unsafe_fixes: bool = False
    read: Callable[[str], str | None] | None = None
    _sources: dict[str, list[str] | None] = field(default_factory=dict)
    _noqa: dict[str, Any] = field(default_factory=dict)

    def lines(self, path: str) -> list[str] | None:
        if path not in self._sources:
            text = self.read(path) if self.read is not None else _read_text(self.files.get(path))
            self._sources[path] = None if text is None else text.splitlines()
        return self._sources[path]

    def noqa_row(self, path: str, line: int) -> int:
        from .noqa import NoqaIndex

        index = self._noqa.get(path)
        if index is None:
            text = self.read(path) if self.read is not None else _read_text(self.files.get(path))
            index = self._noqa[path] = NoqaIndex(text or "")
        row: int = index.row_for(line)
        return row

    def absolute(self, path: str) -> str:
        file = self.files.get(path)
        return str(file) if file is not None else os.path.abspath(path)

    def applies(self, fix: FixInfo | None) -> bool:
        """Whether ``--fix`` would apply ``fix`` (``[*]``)."""
        return fix is not None and (fix.safety == "safe" or self.unsafe_fixes)


def _read_text(path: Path | None) -> str | None:
    if path is None:
        return None
    from .findings import decode_source

    try:
        return decode_source(path.read_bytes())
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


def display(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside it, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _marker(finding: Finding, context: OutputContext) -> str:
    return "[*] " if context.applies(finding.fix) else ""


def write_concise(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    for path, finding in rows:
        out.write(
            f"{path}:{finding.line}:{finding.column}: {finding.code} "
            f"{_marker(finding, context)}{finding.message}\n"
        )


def write_full(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    """Each finding with its source and its fix, laid out as ruff's ``full``."""
    for path, finding in rows:
        out.write(f"{finding.code} {_marker(finding, context)}{finding.message}\n")
        lines = context.lines(path)
        last = finding.line
        if lines is not None and 0 < finding.line <= len(lines):
            last = min(len(lines), finding.end_line + CONTEXT_LINES, finding.line + 10)
        width = len(str(last))
        gutter = " " * width
        out.write(f"{gutter}--> {path}:{finding.line}:{finding.column}\n")
        if lines is not None and 0 < finding.line <= len(lines):
            first = max(1, finding.line - CONTEXT_LINES)
            out.write(f"{gutter} |\n")
            for number in range(first, last + 1):
                text = lines[number - 1].expandtabs(4)
                out.write(f"{number:>{width}} | {text}".rstrip() + "\n")
                if number == finding.line:
                    raw = lines[number - 1]
                    start = len(raw[: finding.column - 1].expandtabs(4))
                    if finding.end_line == finding.line:
                        stop = len(raw[: finding.end_column - 1].expandtabs(4))
                    else:
                        stop = len(text)
                    out.write(f"{gutter} | {' ' * start}{'^' * max(1, stop - start)}\n")
            out.write(f"{gutter} |\n")
        if finding.fix is not None:
            out.write(f"help: {finding.fix.title}\n")
            if lines is not None and finding.fix.edit is not None:
                _write_edit_diff(lines, finding.fix.edit, out)
        out.write("\n")


def _write_edit_diff(lines: Sequence[str], edit: Edit, out: TextIO) -> None:
    """The lines an edit changes, before (``-``) and after (``+``), numbered."""
    if not 0 < edit.line <= edit.end_line <= len(lines):
        return
    before = list(lines[edit.line - 1 : edit.end_line])
    joined = "\n".join(before)
    start = edit.column - 1
    stop = len(joined) - (len(before[-1]) - (edit.end_column - 1))
    after = (joined[:start] + edit.content + joined[stop:]).split("\n")
    width = len(str(edit.line + max(len(before), len(after))))
    gutter = " " * width
    out.write(f"{gutter} |\n")
    for offset, text in enumerate(before):
        out.write(f"{edit.line + offset:>{width}} - {text}".rstrip() + "\n")
    for offset, text in enumerate(after):
        out.write(f"{edit.line + offset:>{width}} + {text}".rstrip() + "\n")
    out.write(f"{gutter} |\n")


def rule_url(finding: Finding) -> str | None:
    """The rule's documentation: ``docs/rules.md#nc001-hardcoded-errno``.

    Resolved against the project's ``Repository`` (or ``Documentation``)
    URL when the installed package's metadata names one; relative otherwise.
    Engine findings (NC9xx) have no page: None, as ruff gives for syntax errors.
    """
    if finding.code in ENGINE_CODES or finding.code.startswith("NC9"):
        return None
    reference = f"{RULES_DOCS}#{finding.code.lower()}-{finding.name}"
    base = _project_url()
    return f"{base}/blob/HEAD/{reference}" if base else reference


_PROJECT_URL: list[str | None] = []


def _project_url() -> str | None:
    if not _PROJECT_URL:
        found = None
        try:
            from importlib.metadata import PackageNotFoundError, metadata

            for entry in metadata("netcompat").get_all("Project-URL") or []:
                label, _, url = entry.partition(",")
                if label.strip().lower() in ("repository", "source", "source code"):
                    found = url.strip().rstrip("/")
                    break
        except (ImportError, PackageNotFoundError):
            found = None
        _PROJECT_URL.append(found)
    return _PROJECT_URL[0]


def _location(line: int, column: int) -> dict[str, int]:
    return {"row": line, "column": column}


def ruff_json_item(path: str, finding: Finding, context: OutputContext) -> dict[str, Any]:
    """One finding as ruff's JSON object, plus ``name`` and ``fix.edit``."""
    fix: dict[str, Any] | None = None
    if finding.fix is not None:
        edit = finding.fix.edit
        fix = {
            "applicability": finding.fix.safety,
            "message": finding.fix.title,
            "edits": []
            if edit is None
            else [
                {
                    "content": edit.content,
                    "location": _location(edit.line, edit.column),
                    "end_location": _location(edit.end_line, edit.end_column),
                }
            ],
            # This tool's earlier layout, kept for the readers written for it.
            "edit": edit_to_dict(edit),
        }
    return {
        "cell": None,
        "code": finding.code,
        "end_location": _location(finding.end_line, finding.end_column),
        "filename": context.absolute(path),
        "fix": fix,
        "location": _location(finding.line, finding.column),
        "message": finding.message,
        "name": finding.name,
        "noqa_row": context.noqa_row(path, finding.line),
        "url": rule_url(finding),
    }


def write_json(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    items = [ruff_json_item(path, finding, context) for path, finding in rows]
    json.dump(items, out, indent=2, sort_keys=True)
    out.write("\n")


def write_json_lines(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    for path, finding in rows:
        out.write(json.dumps(ruff_json_item(path, finding, context), sort_keys=True) + "\n")


def write_gitlab(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    """GitLab Code Quality (Code Climate) JSON, paths relative to ``$CI_PROJECT_DIR``."""
    import hashlib  # here, like each format's own imports: a plain check loads none of them

    project = os.environ.get("CI_PROJECT_DIR")
    seen: Counter[str] = Counter()
    items = []
    for path, finding in rows:
        shown = path
        if project:
            shown = display(Path(context.absolute(path)), Path(project))
        key = f"{shown}\0{finding.code}\0{finding.message}"
        seen[key] += 1
        fingerprint = hashlib.blake2b(
            f"{key}\0{seen[key]}".encode("utf-8", "surrogateescape"), digest_size=8
        ).hexdigest()
        items.append(
            {
                "check_name": finding.code,
                "description": f"{finding.code}: {finding.message}",
                "fingerprint": fingerprint,
                "severity": "major",
                "location": {
                    "path": shown,
                    "positions": {
                        "begin": {"line": finding.line, "column": finding.column},
                        "end": {"line": finding.end_line, "column": finding.end_column},
                    },
                },
            }
        )
    json.dump(items, out, indent=2)
    out.write("\n")


def write_junit(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    """JUnit XML: a test suite per file, a failed test case per finding."""
    import xml.etree.ElementTree as ElementTree

    del context
    suites = ElementTree.Element(
        "testsuites",
        name="netcompat-lint",
        tests=str(len(rows)),
        skipped="0",
        failures=str(len(rows)),
        errors="0",
    )
    if not rows:
        suite = ElementTree.SubElement(
            suites, "testsuite", name="netcompat-lint", tests="1", failures="0", errors="0"
        )
        ElementTree.SubElement(
            suite, "testcase", name="No errors found", classname="netcompat-lint"
        )
    by_file: dict[str, list[Finding]] = {}
    for path, finding in rows:
        by_file.setdefault(path, []).append(finding)
    for path, findings in by_file.items():
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=path,
            tests=str(len(findings)),
            skipped="0",
            errors="0",
            failures=str(len(findings)),
            package="org.netcompat",
        )
        classname = path[: -len(PurePath(path).suffix)] if PurePath(path).suffix else path
        for finding in findings:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=f"org.netcompat.{finding.code}",
                classname=classname,
                line=str(finding.line),
                column=str(finding.column),
            )
            failure = ElementTree.SubElement(case, "failure", message=finding.message)
            failure.text = f"line {finding.line}, col {finding.column}, {finding.message}"
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(suites, encoding="unicode"))
    out.write("\n")


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github(text).replace(",", "%2C").replace(":", "%3A")


def write_github(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    del context
    for path, finding in rows:
        title = _escape_github_property(f"{finding.code} {finding.name}")
        file = _escape_github_property(path)
        out.write(
            f"::error title={title},file={file},line={finding.line},col={finding.column},"
            f"endLine={finding.end_line},endColumn={finding.end_column}::"
            f"{_escape_github(finding.code + ' ' + finding.message)}\n"
        )


def artifact_uri(path: str) -> str:
    """``path`` (as :func:`display` gives it) as a SARIF artifact URI.

    SARIF wants a URI reference: a relative path is percent-encoded (``my
    file.py`` is ``my%20file.py``, ``#`` and ``%`` are escaped), an absolute
    one becomes a ``file:`` URI.
    """
    import urllib.parse

    if PurePath(path).is_absolute():
        return Path(path).as_uri()
    # fsencode: a file name that is not valid UTF-8 arrives with surrogate
    # escapes; its original bytes are what the URI must percent-encode.
    return urllib.parse.quote(os.fsencode(path), safe="/")


def sarif_document(rows: Sequence[tuple[str, Finding]]) -> dict[str, Any]:
    """A SARIF 2.1.0 log with rule metadata, results and fixes."""
    from .rules import all_rules  # the rules' docs: only this format imports them

    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for rule in all_rules():
        index[rule.CODE] = len(rules)
        rules.append(
            {
                "id": rule.CODE,
                "name": rule.NAME,
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": rule.documentation()},
                "help": {"text": rule.documentation(), "markdown": rule.documentation()},
                "defaultConfiguration": {"enabled": rule.DEFAULT_ENABLED, "level": "error"},
                "properties": {"fixSafety": rule.FIX_SAFETY or "none"},
            }
        )
    for code, text in ENGINE_CODES.items():
        index[code] = len(rules)
        rules.append({"id": code, "shortDescription": {"text": text}})
    from .noqa import UNUSED_NOQA, UNUSED_NOQA_DOC

    index[UNUSED_NOQA[0]] = len(rules)
    rules.append(
        {
            "id": UNUSED_NOQA[0],
            "name": UNUSED_NOQA[1],
            "shortDescription": {"text": UNUSED_NOQA_DOC},
            "defaultConfiguration": {"enabled": False, "level": "error"},
            "properties": {"fixSafety": "safe"},
        }
    )
    results = []
    for path, finding in rows:
        uri = artifact_uri(path)
        region = {
            "startLine": finding.line,
            "startColumn": finding.column,
            "endLine": finding.end_line,
            "endColumn": finding.end_column,
        }
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": "error",
            "message": {"text": finding.message},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
            ],
        }
        fix = finding.fix
        if fix is not None and fix.edit is not None:
            edit = fix.edit
            result["fixes"] = [
                {
                    "description": {"text": f"{fix.title} ({fix.safety} fix)"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": edit.line,
                                        "startColumn": edit.column,
                                        "endLine": edit.end_line,
                                        "endColumn": edit.end_column,
                                    },
                                    "insertedContent": {"text": edit.content},
                                }
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "netcompat-lint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def write_sarif(rows: Sequence[Row], out: TextIO, context: OutputContext) -> None:
    del context
    json.dump(sarif_document(rows), out, indent=2)
    out.write("\n")


WRITERS: Mapping[str, Callable[[Sequence[Row], TextIO, OutputContext], None]] = {
    "concise": write_concise,
    "text": write_concise,
    "full": write_full,
    "json": write_json,
    "json-lines": write_json_lines,
    "sarif": write_sarif,
    "github": write_github,
    "gitlab": write_gitlab,
    "junit": write_junit,
}


def write_statistics(
    rows: Sequence[Row], out: TextIO, context: OutputContext, output_format: str
) -> None:
    """Counts by rule, most frequent first, as ruff's ``--statistics`` prints them.

    JSON formats get a JSON list of ``{code, name, count, fixable}``; the
    others ruff's table (count, code, ``[*]`` when ``--fix`` fixes some).
    """
    counts = Counter((finding.code, finding.name) for _, finding in rows)
    fixable = {finding.code for _, finding in rows if context.applies(finding.fix)}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if output_format in ("json", "json-lines"):
        items = [
            {"code": code, "name": name, "count": count, "fixable": code in fixable}
            for (code, name), count in ordered
        ]
        json.dump(items, out, indent=2)
        out.write("\n")
        return
    count_width = max((len(str(count)) for _, count in ordered), default=1)
    code_width = max((len(code) for (code, _), _ in ordered), default=1)
    for (code, name), count in ordered:
        marker = "[*]" if code in fixable else "[ ]"
        out.write(f"{count:>{count_width}}\t{code:<{code_width}}\t{marker} {name}\n")
    if fixable:
        out.write("[*] fixable with `netcompat-lint check --fix`\n")
