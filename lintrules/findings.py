"""What linting produces, without the machinery that produces it.

Findings, their fixes and the engine's own codes live here, apart from
:mod:`lintrules.engine`, so that the front ends can read results from the
cache, filter and print them without importing libcst: a run over unchanged
files never parses anything.  :mod:`lintrules.engine` re-exports every name.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Optional

#: How safe a fix is (see :class:`lintrules.rule.Fix`).
Safety = Literal["safe", "unsafe"]
FixLevel = Optional[Literal["safe", "unsafe"]]

#: Findings the engine itself produces; they cannot be fixed.
IO_ERROR = ("NC900", "io-error")
SYNTAX_ERROR = ("NC901", "syntax-error")
INTERNAL_ERROR = ("NC902", "internal-error")
ENGINE_CODES: Mapping[str, str] = {
    IO_ERROR[0]: "The file could not be read or decoded.",
    SYNTAX_ERROR[0]: "The file could not be parsed (Python 2 code, a syntax error, or nesting "
    "too deep for the parser); no rule ran on it.",
    INTERNAL_ERROR[0]: "A rule crashed on the file, or a fix produced code that does not parse; "
    "the file was left unchanged.  Please report it.",
}


@dataclass(frozen=True)
class Edit:
    """A text replacement: ``content`` replaces the 1-based range given."""

    content: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class FixInfo:
    """What a finding's fix would do: its safety, title and main edit.

    Applied alone to the file's text, the edit gives the text with this one
    fix made (for a statement: its whole lines, with their indentation and
    line endings).  Imports the fix adds are not part of it.
    """

    safety: Safety
    title: str
    edit: Edit | None = None


@dataclass(frozen=True)
class Finding:
    """One finding, positioned with 1-based lines and columns."""

    code: str
    name: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: FixInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": None if self.fix is None else _fix_to_dict(self.fix),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        fix = data.get("fix")
        return cls(
            code=data["code"],
            name=data["name"],
            message=data["message"],
            line=data["line"],
            column=data["column"],
            end_line=data["end_line"],
            end_column=data["end_column"],
            fix=None if fix is None else _fix_from_dict(fix),
        )


def edit_to_dict(edit: Edit | None) -> dict[str, Any] | None:
    """An edit as the cache (and this tool's earlier JSON layout) write it."""
    if edit is None:
        return None
    return {
        "content": edit.content,
        "line": edit.line,
        "column": edit.column,
        "end_line": edit.end_line,
        "end_column": edit.end_column,
    }


def _fix_to_dict(fix: FixInfo) -> dict[str, Any]:
    return {"safety": fix.safety, "title": fix.title, "edit": edit_to_dict(fix.edit)}


def _fix_from_dict(data: Mapping[str, Any]) -> FixInfo:
    edit = data.get("edit")
    return FixInfo(
        data["safety"],
        data["title"],
        None
        if edit is None
        else Edit(
            edit["content"], edit["line"], edit["column"], edit["end_line"], edit["end_column"]
        ),
    )


@dataclass(frozen=True)
class SourceResult:
    """The outcome of linting one source: remaining findings and fixed bytes."""

    findings: tuple[Finding, ...]
    fixed_source: bytes | None = None
    fixes_applied: int = 0
    #: Which noqa codes hid a finding, by the line of their comment
    #: (:attr:`lintrules.noqa.NoqaIndex.used` of the final source); None when
    #: the engine does not say, and the front end finds out itself.
    noqa_used: Mapping[int, frozenset[str]] | None = None
    #: The project's modules read to follow the file's imports (their paths):
    #: the result holds while they are unchanged.
    consulted: tuple[str, ...] = ()


def decode_source(data: bytes) -> str:
    """Decode Python source as the interpreter would (BOM, PEP 263 cookie, UTF-8).

    Raises:
        SyntaxError: the declared encoding is unknown or conflicts with a BOM.
        UnicodeDecodeError: the bytes are not valid in that encoding.
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def allowed(fix_level: FixLevel, safety: Safety) -> bool:
    """Whether a fix of ``safety`` runs at ``fix_level``."""
    return fix_level == "unsafe" or (fix_level == "safe" and safety == "safe")
