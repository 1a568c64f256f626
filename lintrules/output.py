"""Report formats: text, JSON, SARIF 2.1.0 and GitHub workflow annotations."""

from __future__ import annotations

import json
import os
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Any, TextIO

from . import __version__
from .findings import ENGINE_CODES, Finding

FORMATS = ("text", "json", "sarif", "github")
INFORMATION_URI = "https://pypi.org/project/netcompat/"


def display(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside it, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def write_text(rows: Sequence[tuple[str, Finding]], out: TextIO) -> None:
    for path, finding in rows:
        out.write(f"{path}:{finding.line}:{finding.column}: {finding.code} {finding.message}\n")


def write_json(rows: Sequence[tuple[str, Finding]], out: TextIO) -> None:
    items = [{"path": path, **finding.to_dict()} for path, finding in rows]
    json.dump(items, out, indent=2)
    out.write("\n")


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github(text).replace(",", "%2C").replace(":", "%3A")


def write_github(rows: Sequence[tuple[str, Finding]], out: TextIO) -> None:
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


def write_sarif(rows: Sequence[tuple[str, Finding]], out: TextIO) -> None:
    json.dump(sarif_document(rows), out, indent=2)
    out.write("\n")


WRITERS = {"text": write_text, "json": write_json, "sarif": write_sarif, "github": write_github}


def write_statistics(rows: Sequence[tuple[str, Finding]], out: TextIO) -> None:
    counts = Counter((finding.code, finding.name) for _, finding in rows)
    fixable = {finding.code for _, finding in rows if finding.fix is not None}
    for (code, name), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        marker = "[*]" if code in fixable else "   "
        out.write(f"{count:>6}  {code}  {marker} {name}\n")
