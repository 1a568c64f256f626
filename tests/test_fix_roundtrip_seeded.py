"""Fuzz the fixes where they act: modules seeded with the errno shapes the rules target.

Random modules rarely reach a rule (``test_fuzz.py``), so the strategies here
compose the snippets the rules are about: ``except socket.error as e:`` with
``e.errno == <n>``, ``in (<n>, <m>)``, ``e.args[0]``, ``e[0]``, ``errno.WSAE*``,
``e.winerror``, ``'reset by peer' in str(e)``, ``errno.errorcode[e.errno] ==
'EPIPE'``, ``sock.recv``, ``time.sleep`` before ``close``; with numbers from the
errno table and random other ints; inside functions, classes and nested
blocks; indented with spaces or tabs; LF or CRLF; with comments everywhere.

Two properties:

* the fix round trip (:func:`_fuzz_helpers.check_source`) at both fix levels
  and both fix styles, plus: CRLF files stay CRLF, the indentation character
  stays the same, and safe fixes keep every comment;
* behaviour: a ``check(e)`` function written with Linux numbers returns the
  same, after the safe fixes, for every Linux errno in the table (and every
  other number it mentions), executed for real on this Linux machine.

Budget: 20 round-trip and 25 behaviour examples by default (each example
lints, fixes and re-lints: about 10 s together); ``NETCOMPAT_FUZZ_EXAMPLES=N``
runs N of each.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest
from _fuzz_helpers import check_source, comments, fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from lintrules.engine import FixLevel, decode_source
from lintrules.rule import FixStyle
from lintrules.rules import all_rules
from netcompat._errnos import ERRNO_FACTS, WINERROR_FACTS
from netcompat.errno_table import BY_NAME as FACTS_BY_NAME
from netcompat.errno_table import WSA_NAMES, all_numbers

RULES = all_rules()

LINUX_NUMBERS = sorted({fact.linux for fact in ERRNO_FACTS if fact.linux is not None})
TABLE_NUMBERS = all_numbers()
NAMES = sorted(FACTS_BY_NAME)
#: WinSock names with a portable twin, and a few without one.
WSA = [*sorted(WSA_NAMES), "WSAEPROCLIM", "WSAEDISCON"]
EXCEPTION_CLASSES = sorted({fact.exception for fact in ERRNO_FACTS if fact.exception})
MESSAGES = [
    *sorted({fact.description for fact in ERRNO_FACTS if fact.description}),
    "reset by peer",
    "forcibly closed",
    "Broken pipe",
    "[Errno 104]",
]
WINERRORS = sorted(fact.code for fact in WINERROR_FACTS)

#: Numbers no platform gives a socket errno: database codes, HTTP statuses, noise.
other_ints = st.integers(0, 20000).filter(lambda n: n not in TABLE_NUMBERS)
linux_numbers = st.one_of(st.sampled_from(LINUX_NUMBERS), other_ints)
any_numbers = st.one_of(
    st.sampled_from(sorted(TABLE_NUMBERS)), other_ints, st.sampled_from(WINERRORS)
)

#: (indentation depth, text) of one line; comments are added afterwards.
Line = tuple[int, str]


@dataclass(frozen=True)
class Names:
    """How one module spells things."""

    var: str  # the exception
    errno: str  # the errno module (``errno``, an alias, or unimported)
    sock: str  # the socket
    sleep: str  # the sleep function


def _seq(draw: st.DrawFn, items: Sequence[str]) -> str:
    kind = draw(st.sampled_from(["tuple", "list", "set"]))
    body = ", ".join(items)
    if kind == "list":
        return f"[{body}]"
    if kind == "set":
        return f"{{{body}}}"
    return f"({body},)" if len(items) == 1 else f"({body})"


def _numbers(
    draw: st.DrawFn, pool: st.SearchStrategy[int], low: int = 1, high: int = 4
) -> list[str]:
    return [str(n) for n in draw(st.lists(pool, min_size=low, max_size=high))]


def _condition(draw: st.DrawFn, names: Names, linux_only: bool, depth: int = 0) -> str:
    """One boolean expression about ``names.var``."""
    v, E = names.var, names.errno
    pool = linux_numbers if linux_only else any_numbers
    eq = draw(st.sampled_from(["==", "!="]))
    member = draw(st.sampled_from(["in", "not in"]))
    n = draw(pool)
    shapes: list[Callable[[], str]] = [
        lambda: f"{v}.errno {eq} {n}",
        lambda: f"{n} {eq} {v}.errno",
        lambda: f"{v}.errno {member} {_seq(draw, _numbers(draw, pool))}",
        lambda: f"{v}.args[0] {eq} {n}",
        lambda: f"{v}.args[0] {member} {_seq(draw, _numbers(draw, pool))}",
        lambda: " or ".join(f"{v}.errno == {m}" for m in _numbers(draw, pool, 2, 3)),
        lambda: f"{v}[0] {eq} {n}",
        lambda: f"{v}[0] {member} {_seq(draw, _numbers(draw, pool))}",
        lambda: f"{E}.errorcode[{v}.errno] {eq} {draw(st.sampled_from(NAMES))!r}",
        lambda: (
            f"{E}.errorcode[{v}.errno] {member} "
            + _seq(
                draw,
                [repr(x) for x in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))],
            )
        ),
        lambda: f"{draw(st.sampled_from(MESSAGES))!r} in str({v})",
        lambda: f"isinstance({v}, {draw(st.sampled_from(EXCEPTION_CLASSES))})",
        lambda: f"{v}.errno {eq} {E}.{draw(st.sampled_from(NAMES))}",
        lambda: (
            f"{v}.errno {member} "
            + _seq(
                draw,
                [
                    f"{E}.{x}"
                    for x in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))
                ],
            )
        ),
    ]
    if not linux_only:
        shapes += [
            lambda: f"{v}.errno {eq} {E}.{draw(st.sampled_from(WSA))}",
            lambda: (
                f"{v}.errno in ({E}.{draw(st.sampled_from(WSA))}, {E}.{draw(st.sampled_from(NAMES))})"
            ),
            lambda: f"{v}.winerror {eq} {n}",
            lambda: f"{v}.winerror in {_seq(draw, _numbers(draw, st.sampled_from(WINERRORS)))}",
            lambda: f"getattr({v}, 'winerror', None) == {n}",
            lambda: f"str({v}).find('reset') != -1",
            lambda: f"{v}.strerror == {draw(st.sampled_from(MESSAGES))!r}",
            lambda: f"'[Errno {n}]' in repr({v})",
        ]
    if depth < 1:
        shapes += [
            lambda: f"not ({_condition(draw, names, linux_only, depth + 1)})",
            lambda: (
                f"{_condition(draw, names, linux_only, depth + 1)} and "
                f"{_condition(draw, names, linux_only, depth + 1)}"
            ),
            lambda: (
                f"({_condition(draw, names, linux_only, depth + 1)}) or "
                f"({_condition(draw, names, linux_only, depth + 1)})"
            ),
        ]
    return draw(st.sampled_from(shapes))()


# -- general modules -----------------------------------------------------------------------------
def _socket_lines(draw: st.DrawFn, names: Names, depth: int) -> list[Line]:
    """Socket traffic outside any handler: NC101 and NC102 territory."""
    s = names.sock
    choices = [
        [(depth, f"data = {s}.recv(1024)")],
        [(depth, f"{s}.sendall(b'x')")],
        [(depth, f"{s}.send(b'x')")],
        [
            (depth, f"{names.sleep}({draw(st.sampled_from(['0.1', '1', '0.01']))})"),
            (depth, f"{s}.close()"),
        ],
        [
            (depth, "while True:"),
            (depth + 1, f"chunk = {s}.recv(4096)"),
            (depth + 1, "if not chunk:"),
            (depth + 2, "break"),
        ],
    ]
    if not s.startswith("self."):
        choices.append([(depth, f"{s} = socket.create_connection(('h', 1))")])
    return draw(st.sampled_from(choices))


def _handler_lines(draw: st.DrawFn, names: Names, depth: int, nest: int) -> list[Line]:
    """The body of an ``except`` clause: checks on the exception and what they do."""
    lines: list[Line] = []
    v = names.var
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(["if", "if-else", "assign", "index", "socket", "try", "raise-if"])
        )
        if kind in ("if", "if-else", "raise-if"):
            lines.append((depth, f"if {_condition(draw, names, False)}:"))
            action = draw(
                st.sampled_from(["pass", "retry()", "log.info('reset %s', {v})", "counter += 1"])
            )
            lines.append((depth + 1, "raise" if kind == "raise-if" else action.format(v=v)))
            if kind == "if-else":
                if draw(st.booleans()):
                    lines.append((depth, f"elif {_condition(draw, names, False)}:"))
                    lines.append((depth + 1, "pass"))
                lines.append((depth, "else:"))
                lines.append((depth + 1, "raise"))
        elif kind == "assign":
            lines.append((depth, f"flag = {_condition(draw, names, False)}"))
        elif kind == "index":
            lines.append((depth, f"code, msg = {v}[0], {v}[{draw(st.sampled_from(['1', '-1']))}]"))
        elif kind == "socket":
            lines.extend(_socket_lines(draw, names, depth))
        elif nest < 2:
            lines.extend(_try_lines(draw, names, depth, nest + 1))
        else:
            lines.append((depth, "pass"))
    return lines


def _try_lines(draw: st.DrawFn, names: Names, depth: int, nest: int = 0) -> list[Line]:
    s = names.sock
    lines: list[Line] = [(depth, "try:")]
    lines.append(
        (
            depth + 1,
            draw(st.sampled_from(["work()", f"{s}.sendall(b'x')", f"data = {s}.recv(1024)"])),
        )
    )
    caught = draw(
        st.sampled_from(
            [
                "socket.error",
                "OSError",
                "IOError",
                "EnvironmentError",
                "(socket.error, OSError)",
                "Exception",
                "ConnectionError",
            ]
        )
    )
    clauses = [
        [(depth, f"except {caught} as {names.var}:"), *_handler_lines(draw, names, depth + 1, nest)]
    ]
    if draw(st.booleans()):
        clauses.append([(depth, "except socket.timeout:"), (depth + 1, "pass")])
    if draw(st.booleans()):
        clauses.append([(depth, "except ConnectionResetError:"), (depth + 1, "pass")])
    for clause in draw(st.permutations(clauses)):
        lines.extend(clause)
    if draw(st.booleans()):
        lines += [(depth, "finally:"), (depth + 1, f"{s}.close()")]
    return lines


def _unit(draw: st.DrawFn, names: Names, depth: int, nest: int) -> list[Line]:
    """A top-level unit: a try block, maybe inside a function, a class or a block."""
    wrapper = draw(
        st.sampled_from(
            ["none", "def", "class", "if", "for", "with", "socket"]
            if nest < 2
            else ["none", "socket"]
        )
    )
    if wrapper == "none":
        return _try_lines(draw, names, depth)
    if wrapper == "socket":
        return _socket_lines(draw, names, depth)
    if wrapper == "def":
        inner = Names(names.var, names.errno, "sock", names.sleep) if "." in names.sock else names
        header = f"def handle_{draw(st.integers(0, 99))}({inner.sock}):"
        return [(depth, header), *_body(draw, inner, depth + 1, nest + 1)]
    if wrapper == "class":
        inner = Names(names.var, names.errno, "self.sock", names.sleep)
        return [
            (depth, "class Client:"),
            (depth + 1, "def __init__(self):"),
            (depth + 2, "self.sock = socket.socket()"),
            (depth + 1, "def run(self):"),
            *_body(draw, inner, depth + 2, nest + 1),
        ]
    header = {"if": "if ready:", "for": "for attempt in range(3):", "with": "with lock:"}[wrapper]
    return [(depth, header), *_body(draw, names, depth + 1, nest + 1)]


def _body(draw: st.DrawFn, names: Names, depth: int, nest: int) -> list[Line]:
    lines: list[Line] = []
    for _ in range(draw(st.integers(1, 2))):
        lines.extend(_unit(draw, names, depth, nest))
    return lines


@dataclass(frozen=True)
class Layout:
    indent: str
    newline: str
    final_newline: bool


layouts = st.builds(
    Layout,
    indent=st.sampled_from(["    ", "  ", "\t", "        "]),
    newline=st.sampled_from(["\n", "\r\n"]),
    final_newline=st.booleans(),
)


def _header(draw: st.DrawFn, names: Names, always_errno: bool) -> list[str]:
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["#!/usr/bin/env python3", "# -*- coding: utf-8 -*-"])))
    if draw(st.booleans()):
        lines.append('"""A module."""')
    if draw(st.booleans()):
        lines.append("from __future__ import annotations")
    imports = ["import socket"]
    if names.errno == "E":
        imports.append("import errno as E")
    elif always_errno or draw(st.booleans()):
        imports.append("import errno")
    if names.sleep == "sleep":
        imports.append("from time import sleep")
    elif draw(st.booleans()):
        imports.append("import time")
    lines.extend(draw(st.permutations(imports)))
    return lines


def _render(draw: st.DrawFn, header: list[str], body: list[Line], layout: Layout) -> str:
    out = list(header)
    if header and draw(st.booleans()):
        out.append("")
    for depth, text in body:
        if draw(st.integers(0, 5)) == 0:
            comment_depth = draw(st.sampled_from([0, depth]))
            out.append(layout.indent * comment_depth + f"# note {len(out)}")
        line = layout.indent * depth + text
        if draw(st.integers(0, 4)) == 0:
            line += f"  # errno {draw(any_numbers)} here"
        out.append(line)
    text = layout.newline.join(out)
    return text + layout.newline if layout.final_newline else text


names_strategy = st.builds(
    Names,
    var=st.sampled_from(["e", "err", "exc", "error"]),
    errno=st.sampled_from(["errno", "errno", "E"]),
    sock=st.sampled_from(["sock", "conn"]),
    sleep=st.sampled_from(["time.sleep", "time.sleep", "sleep"]),
)


@st.composite
def seeded_modules(draw: st.DrawFn) -> tuple[bytes, Layout]:
    names = draw(names_strategy)
    layout = draw(layouts)
    body: list[Line] = []
    for _ in range(draw(st.integers(1, 3))):
        body.extend(_unit(draw, names, 0, 0))
    text = _render(draw, _header(draw, names, False), body, layout)
    bom = draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf"]))
    return bom + text.encode("utf-8"), layout


def _lone_newlines(data: bytes) -> int:
    return data.count(b"\n") - data.count(b"\r\n")


def _indent_chars(data: bytes) -> set[str]:
    chars: set[str] = set()
    for line in decode_source(data).splitlines():
        chars.update(line[: len(line) - len(line.lstrip(" \t"))])
    return chars


@fuzz_settings(20)
@given(
    module=seeded_modules(),
    fix_level=st.sampled_from(["safe", "unsafe"]),
    style=st.sampled_from(["stdlib", "netcompat"]),
)
def test_seeded_fix_round_trip(
    module: tuple[bytes, Layout], fix_level: FixLevel, style: FixStyle
) -> None:
    data, layout = module
    result = check_source(data, RULES, fix_level=fix_level, fix_style=style)
    new = result.fixed_source
    if new is None:
        return
    shown = new.decode("utf-8", "replace")
    if layout.newline == "\r\n":
        assert _lone_newlines(new) == 0, f"a fix wrote LF into a CRLF file:\n{shown!r}"
    else:
        assert b"\r" not in new
    assert new.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert _indent_chars(new) <= set(layout.indent), f"indentation changed:\n{shown}"
    if fix_level == "safe":
        before, after = comments(decode_source(data)), comments(decode_source(new))
        assert not before - after, f"a safe fix dropped {before - after}:\n{shown}"


# -- behaviour on Linux --------------------------------------------------------------------------

#: The statement a generated check is nested in, by kind ("plain" and
#: "assign" have none).
_BLOCK_HEADERS = {
    "if": "if True:",
    "for": "for _ in range(1):",
    "with": "with contextlib.nullcontext():",
    "try": "try:",
}


@st.composite
def check_modules(draw: st.DrawFn) -> tuple[str, list[int]]:
    """A module defining ``check(e)``, written with Linux numbers, and the numbers it names."""
    var = draw(st.sampled_from(["e", "err", "exc"]))
    names = Names(var, draw(st.sampled_from(["errno", "E"])), "sock", "time.sleep")
    layout = draw(layouts)
    shape = draw(st.sampled_from(["def", "class", "closure"]))
    depth = {"def": 1, "class": 2, "closure": 2}[shape]
    body: list[Line] = []
    for value in range(draw(st.integers(1, 5))):
        block = draw(st.sampled_from(["plain", "if", "for", "with", "try", "assign"]))
        inner = depth
        header = _BLOCK_HEADERS.get(block)
        if header is not None:
            body.append((depth, header))
            inner += 1
        condition = _condition(draw, names, True)
        if block == "assign":
            body += [(inner, f"hit_{value} = {condition}"), (inner, f"if hit_{value}:")]
        else:
            body.append((inner, f"if {condition}:"))
        body.append((inner + 1, f"return {value}"))
        if block == "try":
            body += [(depth, "except ZeroDivisionError:"), (depth + 1, "pass")]
    body.append((depth, "return -1"))
    if shape == "def":
        body = [(0, f"def check({var}):"), *body]
    elif shape == "class":
        body = [
            (0, "class Checker:"),
            (1, "@staticmethod"),
            (1, f"def check({var}):"),
            *body,
            (0, "check = Checker.check"),
        ]
    else:
        body = [
            (0, "def make():"),
            (1, f"def check({var}):"),
            *body,
            (1, "return check"),
            (0, "check = make()"),
        ]
    header = ["import contextlib", "import errno as E" if names.errno == "E" else "import errno"]
    text = _render(draw, draw(st.permutations(header)), body, layout)
    numbers = sorted({int(token) for token in _tokens(text) if token.isdigit()})
    return text, numbers


def _tokens(text: str) -> list[str]:
    return (
        text.replace("(", " ")
        .replace(")", " ")
        .replace(",", " ")
        .replace("]", " ")
        .replace("[", " ")
        .split()
    )


def _error(number: int) -> OSError:
    """``OSError(number, strerror)`` as Python 3 raises it, indexable like on Python 2."""
    cls = type(OSError(number, "x"))
    indexable = type(f"Py2{cls.__name__}", (cls,), {"__getitem__": lambda self, i: self.args[i]})
    error: OSError = indexable(number, os.strerror(number))
    return error


def _outcomes(source: str, numbers: Sequence[int]) -> dict[int, object]:
    namespace: dict[str, object] = {"__name__": "seeded"}
    exec(compile(source, "<seeded>", "exec", dont_inherit=True), namespace)
    check = namespace["check"]
    assert callable(check)
    results: dict[int, object] = {}
    for number in numbers:
        try:
            results[number] = check(_error(number))
        except Exception as error:  # the outcome, compared between versions
            results[number] = type(error).__name__
    return results


@pytest.mark.skipif(sys.platform != "linux", reason="executes with this machine's errno values")
@fuzz_settings(25)
@given(module=check_modules(), style=st.sampled_from(["stdlib", "netcompat"]))
def test_safe_fixes_keep_linux_behaviour(module: tuple[str, list[int]], style: FixStyle) -> None:
    text, mentioned = module
    data = text.encode("utf-8")
    result = check_source(data, RULES, fix_level="safe", fix_style=style)
    if result.fixed_source is None:
        return
    fixed = decode_source(result.fixed_source)
    # NC005's fix trades a KeyError for False on numbers errno.errorcode lacks
    # (its message says so), so those are left out.
    numbers = sorted({*LINUX_NUMBERS, *errno.errorcode} | ({*mentioned} & {*errno.errorcode}))
    before, after = _outcomes(text, numbers), _outcomes(fixed, numbers)
    changed = {n: (before[n], after[n]) for n in numbers if before[n] != after[n]}
    assert not changed, f"{changed} (errno: before, after)\n{text}\n--- fixed:\n{fixed}"
