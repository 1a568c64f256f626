"""``# noqa`` comments: reading them, where they belong, which were used, writing them.

Line level, as flake8 and ruff read them: ``# noqa`` suppresses every
finding on its line, ``# noqa: NC001, NC002`` (codes or prefixes, separated
by commas or spaces, case-insensitive) the findings with those codes.  The
comment may follow another (``# type: ignore  # noqa: NC001``).

The line a comment must be on is ruff's "noqa row": the finding's line,
except that a finding on any line of a multi-line string is suppressed at
the string's last line, and one on a line continued with a backslash at the
end of the continuation (no comment can go anywhere else).

File level: a comment line ``# netcompat-lint: noqa`` exempts the whole file,
``# netcompat-lint: noqa: NC001, NC101`` those codes in it; ruff's and
flake8's ``# flake8: noqa`` (without codes) exempts the whole file too, as
ruff reads it.

The API, for the engine and the front ends::

    index = NoqaIndex(text)
    index.suppresses(line, code)      # True when a directive hides it; records the use
    index.unused(known_codes)         # directives whose NC codes hid nothing, or are unknown
    file_exemption(text)              # the file-level comment, if any
    add_noqa(text, {row: codes})      # what ``--add-noqa`` writes
    remove_unused(text, unused)       # the fix of an unused directive
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

#: The prefix of this tool's codes: a directive's other codes belong to other tools.
OWN_PREFIX = "NC"
#: The finding that reports an unused or unknown noqa code (opt-in, like ruff's RUF100).
UNUSED_NOQA = ("NC903", "unused-noqa")
UNUSED_NOQA_DOC = (
    "A `# noqa` comment names an NC code that suppresses nothing on its line, "
    "or a code no rule has (opt-in: select NC903)."
)

_CODE = r"[A-Za-z]+[0-9]+"
_NOQA = re.compile(
    rf"#\s*noqa(?::\s?(?P<codes>{_CODE}(?:(?:\s*,\s*|\s+){_CODE})*))?", re.IGNORECASE
)
_FILE_NOQA = re.compile(
    rf"#\s*(?P<tool>netcompat-lint|flake8)\s*[:=]\s*noqa"
    rf"(?::\s?(?P<codes>{_CODE}(?:(?:\s*,\s*|\s+){_CODE})*))?",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Directive:
    """One ``# noqa`` comment: its line and span in the line, and its codes (None: all)."""

    line: int
    start: int
    end: int
    codes: tuple[str, ...] | None

    def matching(self, code: str) -> str | None:
        """The directive's code that covers ``code`` (``"*"`` for a bare noqa), or None."""
        if self.codes is None:
            return "*"
        for listed in self.codes:
            if code.startswith(listed):
                return listed
        return None


@dataclass(frozen=True)
class UnusedNoqa:
    """A directive with NC codes that hid nothing (``unused``) or name no rule (``unknown``)."""

    directive: Directive
    unused: tuple[str, ...]
    unknown: tuple[str, ...]

    @property
    def message(self) -> str:
        parts = []
        if self.unused:
            parts.append("unused: " + ", ".join(f"`{code}`" for code in self.unused))
        if self.unknown:
            parts.append("unknown: " + ", ".join(f"`{code}`" for code in self.unknown))
        return f"Unused `noqa` directive ({'; '.join(parts)})"


@dataclass(frozen=True)
class Exemption:
    """A file-level exemption: every code (``codes`` None) or the codes listed."""

    codes: tuple[str, ...] | None

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(listed) for listed in self.codes)


def _codes(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(dict.fromkeys(part.upper() for part in _SEPARATOR.split(text) if part))


@dataclass
class _Layout:
    """Where the comments are, and which lines a comment cannot end."""

    #: line -> (column of the comment's ``#``, the comment's text)
    comments: dict[int, tuple[int, str]] = field(default_factory=dict)
    #: line -> the last line of the multi-line string that covers it
    string_end: dict[int, int] = field(default_factory=dict)


def _layout(text: str) -> _Layout:
    layout = _Layout()
    open_fstrings: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = token.type
            if kind == tokenize.COMMENT:
                layout.comments[token.start[0]] = (token.start[1], token.string)
            elif kind == tokenize.STRING and token.start[0] != token.end[0]:
                for line in range(token.start[0], token.end[0]):
                    layout.string_end[line] = token.end[0]
            elif tokenize.tok_name.get(kind) == "FSTRING_START":  # Python 3.12+
                open_fstrings.append(token.start[0])
            elif tokenize.tok_name.get(kind) == "FSTRING_END" and open_fstrings:
                first = open_fstrings.pop()
                for line in range(first, token.end[0]):
                    layout.string_end[line] = token.end[0]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Not Python 3 (or cut short): read every ``#`` as a comment from there on.
        layout.comments.clear()
        for number, physical in enumerate(text.splitlines(), 1):
            column = physical.find("#")
            if column >= 0:
                layout.comments[number] = (column, physical[column:])
    return layout


class NoqaIndex:
    """The ``# noqa`` directives of one source, and which of their codes were used."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines = text.splitlines()
        self._computed: _Layout | None = None
        self.directives: dict[int, Directive] = {}
        #: line of a directive -> the codes (or ``"*"``) that hid a finding
        self.used: dict[int, set[str]] = {}
        if "noqa" not in text.lower():
            return
        for line, (column, comment) in self._layout.comments.items():
            match = _NOQA.search(comment)
            if match is not None:
                self.directives[line] = Directive(
                    line,
                    column + match.start(),
                    column + match.end(),
                    _codes(match.group("codes")),
                )

    @property
    def _layout(self) -> _Layout:
        if self._computed is None:
            self._computed = _layout(self._text)
        return self._computed

    def row_for(self, line: int) -> int:
        """The line a ``# noqa`` for a finding on ``line`` goes on (ruff's ``noqa_row``)."""
        row = line
        for _ in range(len(self._lines) + 1):
            end = self._layout.string_end.get(row)
            if end is not None and end != row:
                row = end
                continue
            if (
                0 < row < len(self._lines)
                and self._lines[row - 1].endswith("\\")
                and row not in self._layout.comments
            ):
                row += 1
                continue
            break
        return row

    def directive_for(self, line: int) -> Directive | None:
        """The directive that governs findings on ``line``, if any."""
        if not self.directives:
            return None
        return self.directives.get(self.row_for(line)) or self.directives.get(line)

    def suppresses(self, line: int, code: str) -> bool:
        """Whether a directive hides a ``code`` finding on ``line``; records the use."""
        directive = self.directive_for(line)
        if directive is None:
            return False
        matched = directive.matching(code)
        if matched is None:
            return False
        self.used.setdefault(directive.line, set()).add(matched)
        return True

    def unused(self, known_codes: Collection[str]) -> list[UnusedNoqa]:
        """The directives with NC codes that hid nothing or that no rule has.

        Codes of other tools (not ``NC...``) and bare ``# noqa`` are never
        reported: this tool cannot know whether they are used.
        """
        result = []
        for line in sorted(self.directives):
            directive = self.directives[line]
            if directive.codes is None:
                continue
            used = self.used.get(line, set())
            ours = [code for code in directive.codes if code.startswith(OWN_PREFIX)]
            unknown = tuple(
                code for code in ours if not any(known.startswith(code) for known in known_codes)
            )
            unused = tuple(code for code in ours if code not in used and code not in unknown)
            if unused or unknown:
                result.append(UnusedNoqa(directive, unused, unknown))
        return result


def has_own_directive(text: str) -> bool:
    """Whether ``text`` may hold a ``# noqa`` naming an NC code (a cheap test)."""
    lowered = text.lower()
    return "noqa" in lowered and OWN_PREFIX.lower() in lowered


#: A cheap test on a file's bytes: only where it matches can a file-level comment be.
FILE_NOQA_BYTES = re.compile(rb"#\s*(?:netcompat-lint|flake8)\s*[:=]\s*noqa", re.IGNORECASE)


def file_exemption(text: str) -> Exemption | None:
    """The file-level exemption comment of ``text`` (on a line of its own), if any."""
    if _FILE_NOQA.search(text) is None:
        return None
    codes: list[str] = []
    found = False
    layout = _layout(text)
    lines = text.splitlines()
    for line, (column, comment) in layout.comments.items():
        if lines[line - 1][:column].strip():
            continue  # a comment after code: not a file-level comment
        match = _FILE_NOQA.match(comment)
        if match is None:
            continue
        listed = _codes(match.group("codes"))
        if listed is None:
            return Exemption(None)
        if match.group("tool").lower() == "flake8":
            continue  # flake8 ignores its file-level form with codes; so do we
        found = True
        codes.extend(listed)
    return Exemption(tuple(dict.fromkeys(codes))) if found else None


def masked(text: str, index: NoqaIndex | None = None) -> str:
    """``text`` with its NC directives disarmed (same length, same lines).

    Linting the result shows what the directives hide: the findings used to
    tell used codes from unused ones.
    """
    index = index if index is not None else NoqaIndex(text)
    targets = [
        d
        for d in index.directives.values()
        if d.codes is not None and any(code.startswith(OWN_PREFIX) for code in d.codes)
    ]
    if not targets:
        return text
    lines = text.splitlines(keepends=True)
    for directive in targets:
        line = lines[directive.line - 1]
        span = line[directive.start : directive.end]
        disarmed = re.sub("noqa", "n0qa", span, count=1, flags=re.IGNORECASE)
        lines[directive.line - 1] = line[: directive.start] + disarmed + line[directive.end :]
    return "".join(lines)


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def _directive_text(codes: Iterable[str]) -> str:
    return "# noqa: " + ", ".join(codes)


def add_noqa(text: str, wanted: Mapping[int, Collection[str]]) -> tuple[str, int]:
    """Add ``# noqa: CODE`` for the codes wanted on each line (1-based noqa rows).

    An existing directive with codes gets the missing ones appended; a bare
    ``# noqa`` already covers everything.  A line without one gets
    ``  # noqa: CODES`` at its end (after any other comment).  Line endings
    and everything else are kept.  Returns the new text and how many lines
    changed; adding what is already there changes nothing.
    """
    index = NoqaIndex(text)
    lines = text.splitlines(keepends=True)
    changed = 0
    for row in sorted(wanted):
        if not 0 < row <= len(lines):
            continue
        body, ending = _split_ending(lines[row - 1])
        directive = index.directives.get(row)
        if directive is not None:
            if directive.codes is None:
                continue
            missing = sorted({code for code in wanted[row] if directive.matching(code) is None})
            if not missing:
                continue
            new = _directive_text([*directive.codes, *missing])
            body = body[: directive.start] + new + body[directive.end :]
        else:
            codes = sorted(set(wanted[row]))
            if not codes:
                continue
            body = body.rstrip() + "  " + _directive_text(codes)
        lines[row - 1] = body + ending
        changed += 1
    return "".join(lines), changed


def remove_unused(text: str, unused: Iterable[UnusedNoqa]) -> str:
    """``text`` with the unused and unknown codes of ``unused`` taken out of their directives.

    A directive left without codes goes, with the spaces before it; any text
    after it in the comment stays a comment.
    """
    lines = text.splitlines(keepends=True)
    for item in sorted(unused, key=lambda u: -u.directive.line):
        directive = item.directive
        assert directive.codes is not None
        drop = {*item.unused, *item.unknown}
        kept = [code for code in directive.codes if code not in drop]
        body, ending = _split_ending(lines[directive.line - 1])
        before, after = body[: directive.start], body[directive.end :]
        if kept:
            body = before + _directive_text(kept) + after
        elif after.strip():
            body = before + "#" + after
        else:
            body = before.rstrip()
        lines[directive.line - 1] = body + ending
    return "".join(lines)
