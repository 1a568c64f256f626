"""NC001 hardcoded-errno."""

from __future__ import annotations

import ast
import copy
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from netcompat.errno_table import (
    BY_NAME,
    ERRNO_FACTS,
    PLATFORM_LABELS,
    PLATFORMS,
    ErrnoFact,
    number_on,
)

from ..analysis.errno_reads import (
    ErrnoRead,
    ErrnoWriter,
    Origin,
    errno_name_of,
    errno_read,
    errno_writer,
    has_comment,
    int_literal,
    module_reference,
    source_text,
)
from ..analysis.guards import named_for_linux, windows_guarded
from ..fixing.builders import Builder
from ..fixing.errno_fixes import (
    case_rewritten,
    chain_merged,
    comparison_rewritten,
    container_rewritten,
    expression_keeping_parens,
)
from ..rule import Fix, ImportSpec, Invalid, Rule, RuleContext, Safety, Valid

if TYPE_CHECKING:
    from ..analysis.model import Binding, Model

# -- what a number means, read from the table ----------------------------------

#: The columns a number is read in, in the order messages mention them:
#: every platform, WinSock's own codes, then the Windows CRT.
_COLUMNS = (*PLATFORMS, "wsa", "win32_crt")
#: The Python platform whose ``errno`` module a column describes.
_PLATFORM_OF = {
    **{platform: platform for platform in PLATFORMS},
    "wsa": "win32",
    "win32_crt": "win32",
}
#: Columns that number errors the same way (one platform's numbering).
_FAMILY_OF = {
    "linux": "linux",
    "darwin": "bsd",
    "freebsd": "bsd",
    "win32": "windows",
    "wsa": "windows",
    "win32_crt": "crt",
}
#: Platforms that number errors the same way.
_PLATFORM_FAMILY = {"linux": "linux", "darwin": "bsd", "freebsd": "bsd", "win32": "windows"}
#: Where a column's number is one, for messages ("on macOS", "in the Windows CRT").
_WHERE = {
    **{column: f"on {PLATFORM_LABELS[platform]}" for column, platform in _PLATFORM_OF.items()},
    "win32_crt": f"in {PLATFORM_LABELS['win32_crt']}",
}
#: WinSock numbers start here; no POSIX system uses numbers this high.
_WSA_FLOOR = min(fact.wsa for fact in ERRNO_FACTS if fact.wsa is not None)


@dataclass(frozen=True)
class _Reading:
    """``number`` is ``fact.name`` in ``column``."""

    number: int
    column: str
    fact: ErrnoFact

    @property
    def family(self) -> str:
        return _FAMILY_OF[self.column]

    @property
    def expressible(self) -> bool:
        """Whether ``errno.NAME`` equals the number on the column's platform."""
        return number_on(self.fact, _PLATFORM_OF[self.column]) == self.number

    @property
    def reset_class(self) -> bool:
        fact = self.fact
        return fact.kind is not None and (
            not fact.only_on or _PLATFORM_OF[self.column] in fact.only_on
        )


def _build_readings() -> dict[int, tuple[_Reading, ...]]:
    found: dict[int, list[_Reading]] = {}
    for column in _COLUMNS:
        taken: set[int] = set()
        for fact in ERRNO_FACTS:  # table order: the first name of a number wins
            number = number_on(fact, column)
            if number is None or number in taken:
                continue
            taken.add(number)
            found.setdefault(number, []).append(_Reading(number, column, fact))
    return {number: tuple(readings) for number, readings in found.items()}


_READINGS = _build_readings()


@cache
def _names(number: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.fact.name for r in _READINGS[number]))


@cache
def _portable(number: int) -> bool:
    """The same name, with this same number, on every platform (32 is EPIPE everywhere)."""
    names = _names(number)
    return len(names) == 1 and all(
        number_on(_READINGS[number][0].fact, platform) == number for platform in PLATFORMS
    )


def _windows_number(number: int) -> bool:
    """A number that means its error on Windows (WinSock or CRT), or everywhere."""
    return _portable(number) or any(_PLATFORM_OF[r.column] == "win32" for r in _READINGS[number])


def _linux_reading(number: int) -> bool:
    """A number that is a socket error in Linux's numbering."""
    return any(r.column == "linux" for r in _READINGS[number])


def _linux_number(number: int) -> bool:
    """A number that means its error on Linux, or everywhere."""
    return _portable(number) or _linux_reading(number)


def _anchored(number: int) -> bool:
    """A number whose socket meaning needs no context: a Linux or WinSock number."""
    return number >= _WSA_FLOOR or _linux_reading(number)


# -- deciding what a group of compared numbers means ------------------------------


@dataclass
class _Plan:
    """What one comparison's numbers mean and how to write them."""

    #: For each member: the errno name to write, or None to keep it as written.
    names: list[str | None]
    safety: Safety
    message: str
    reset_class: bool
    clauses: list[str] = field(default_factory=list)


def _choose(
    number: int, anchors: set[str], known_names: Sequence[str]
) -> tuple[tuple[_Reading, ...], str | None]:
    """The readings meant by an ambiguous ``number``, and why, if context settled them.

    Settled: ``number`` has a meaning on exactly one of the platforms the
    other compared numbers are from (``(104, 108)``: Linux, so ESHUTDOWN;
    ``(110, 10060)``: Linux, not the CRT's EHOSTUNREACH); one of its
    meanings is the error another number names (``(115, 36)``: EINPROGRESS
    on Linux and macOS); or the other numbers are WinSock's and ``number``
    has one meaning outside Windows (``(115, 10035)``: Linux's EINPROGRESS,
    since on Windows a socket error carries its WinSock number, never a CRT
    one beside it).  Otherwise the Linux meaning is assumed, unsettled (None).
    """
    readings = _READINGS[number]
    common = anchors & {r.family for r in readings}
    if len(common) == 1:
        (family,) = common
        return tuple(r for r in readings if r.family == family), "the other numbers say"
    for name in known_names:
        chosen = tuple(r for r in readings if r.fact.name == name)
        if chosen:
            return chosen, "the other numbers say"
    if "windows" in anchors:
        outside = tuple(r for r in readings if _PLATFORM_OF[r.column] != "win32")
        if outside and len({r.family for r in outside}) == 1:
            where = PLATFORM_LABELS[_PLATFORM_OF[outside[0].column]]
            return outside, f"beside WinSock's numbers it is {where}'s"
    linux = tuple(r for r in readings if r.column == "linux")
    if linux:
        return linux, None
    first = readings[0].fact.name
    return tuple(r for r in readings if r.fact.name == first), None


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _clause(numbers: Sequence[int], fact: ErrnoFact) -> str:
    """``104 is ECONNRESET only on Linux; macOS raises 54 and Windows 10054``.

    Where the numbers are right, then what the other platforms raise (FreeBSD
    is named only where it differs from macOS, which it never does for
    socket errors).
    """
    on: list[str] = []
    others: dict[int, list[str]] = {}
    for platform in PLATFORMS:
        value = number_on(fact, platform)
        if value is None:
            continue
        label = PLATFORM_LABELS[platform]
        if value in numbers:
            on.append(label)
        elif not (platform == "freebsd" and value == fact.darwin):
            others.setdefault(value, []).append(label)
    places = [f"on {_join(on)}"] if on else []
    if fact.win32_crt is not None and fact.win32_crt in numbers:
        places.append("in the Windows CRT")
    if fact.wsa is not None and fact.wsa != fact.win32 and fact.wsa in numbers:
        places.append(f"as WinSock's WSA{fact.name}")
    verb = "is" if len(numbers) == 1 else "are"
    text = f"{_join([str(n) for n in numbers])} {verb} {fact.name} "
    text += ("only " if others else "") + " and ".join(places)
    raised: list[str] = []
    for value, labels in others.items():
        verb = "raises" if len(labels) == 1 else "raise"
        raised.append(
            f"{_join(labels)} {verb} {value}" if not raised else f"{_join(labels)} {value}"
        )
    if raised:
        text += "; " + _join(raised)
    return text


def _ambiguous_clause(number: int, chosen: tuple[_Reading, ...], settled_by: str | None) -> str:
    meanings: dict[str, list[str]] = {}
    for reading in _READINGS[number]:
        where = _WHERE[reading.column]
        places = meanings.setdefault(reading.fact.name, [])
        if where not in places:
            places.append(where)
    parts = [f"{name} {_join(places)}" for name, places in meanings.items()]
    text = f"{number} is " + " but ".join(parts)
    name = chosen[0].fact.name
    if settled_by is not None:
        return f"{text}; {settled_by} {name}"
    return f"{text} (assuming {name})"


@dataclass
class _Meanings:
    """What every number of one test means: the compared numbers and their siblings.

    Attributes:
        chosen: for each number read as a socket errno, the readings meant.
        settled_by: for each ambiguous number, why context settled it (None: a guess).
        eligible: whether a number with a meaning only on macOS/FreeBSD or in
            the CRT may be fixed safely here (socket context, or ``except OSError``).
    """

    chosen: dict[int, tuple[_Reading, ...]]
    settled_by: dict[int, str | None]
    eligible: bool

    def reported(self, numbers: Sequence[int | None]) -> bool:
        """Whether a comparison of ``numbers`` is a finding: it converts a non-portable one."""
        return any(n is not None and n in self.chosen and not _portable(n) for n in numbers)

    def safe_alone(self, numbers: Sequence[int | None]) -> bool:
        """Whether rewriting ``numbers`` keeps each one's value where it was meant.

        Every meaning settled, ``errno.NAME`` equal to the number on its
        platform, and a number with no Linux or WinSock meaning only where
        the context says socket (or ``except OSError``).
        """
        for number in numbers:
            if number is None or number not in self.chosen:
                continue
            if number in self.settled_by and self.settled_by[number] is None:
                return False
            if not all(r.expressible for r in self.chosen[number]):
                return False
            if not (_portable(number) or _anchored(number) or self.eligible):
                return False
        return True

    def relevant(self, number: int, platform: str) -> bool:
        """Whether the test means ``number`` on ``platform`` (a portable number: everywhere)."""
        readings = self.chosen.get(number) or _READINGS.get(number)
        if readings is None or _portable(number):
            return True
        return any(_PLATFORM_OF[r.column] == platform for r in readings)

    def changes(
        self, pool: Sequence[int], rewritten: Sequence[int], existing: Sequence[str]
    ) -> list[tuple[str, str, int | None]]:
        """Where rewriting ``rewritten`` changes what the test matches on a platform it was written for.

        A platform is written for when a number of the test is meant for it
        and for no other family of platforms (104 for Linux, 10054 for
        Windows, 54 for macOS and FreeBSD; 11, EAGAIN on Linux and Windows
        alike, says neither).  On each, the test matches its numbers meant
        there and the values of the errno constants it already has
        (``existing``); the rewrite replaces each rewritten number by its
        constant's value there.
        Returns ``(platform, name, value)`` for each value the rewrite would
        add (``value`` None: the constant does not exist there), or for a
        number it would lose (``name`` empty).
        """
        written: set[str] = set()
        for number in pool:
            platforms = {_PLATFORM_OF[r.column] for r in self.chosen.get(number, ())}
            if len({_PLATFORM_FAMILY[p] for p in platforms}) == 1:
                written |= platforms
        found: list[tuple[str, str, int | None]] = []
        for platform in (p for p in PLATFORMS if p in written):
            constants = {number_on(BY_NAME[name], platform) for name in existing}
            meant = {n for n in pool if self.relevant(n, platform)}
            before = meant | constants
            after = (meant - set(rewritten)) | constants
            values: dict[int | None, str] = {}
            for number in rewritten:
                fact = self.chosen[number][0].fact
                value = number_on(fact, platform)
                after.add(value)
                values.setdefault(value, fact.name)
            found += [(platform, values[v], v) for v in after - before]
            found += [(platform, "", v) for v in before - after]
        return found


def _meanings(pool: Sequence[int], existing: Sequence[str], origin: Origin) -> _Meanings:
    """Read every socket errno of ``pool``, the numbers of one test, in the light of the others."""
    specific = [n for n in pool if not _portable(n)]
    strong = origin == "socket" or any(_anchored(n) for n in specific)
    has_reset = any(r.reset_class for n in specific if not _anchored(n) for r in _READINGS[n])
    qualifies = strong or has_reset
    converted = sorted({n for n in pool if _anchored(n) or _portable(n) or qualifies})
    unambiguous = [n for n in converted if not _portable(n) and len(_names(n)) == 1]
    anchors = {r.family for n in unambiguous for r in _READINGS[n]}
    known = [_READINGS[n][0].fact.name for n in unambiguous] + list(existing)
    chosen: dict[int, tuple[_Reading, ...]] = {}
    settled_by: dict[int, str | None] = {}
    for number in converted:
        if len(_names(number)) == 1:
            chosen[number] = _READINGS[number]
            continue
        chosen[number], settled_by[number] = _choose(number, anchors, known)
    return _Meanings(chosen, settled_by, strong or origin == "os")


def _change_clause(changes: Sequence[tuple[str, str, int | None]]) -> str:
    """``errno.EWOULDBLOCK is 11 on Linux, which the test does not match now``."""
    added: list[str] = []
    lost: list[str] = []
    for platform, name, value in changes:
        label = PLATFORM_LABELS[platform]
        if not name:
            lost.append(f"{value} on {label}")
        elif value is None:
            added.append(f"errno.{name} does not exist on {label}")
        else:
            added.append(f"errno.{name} is {value} on {label}")
    parts = []
    if added:
        parts.append(_join(added) + ", which the test does not match now")
    if lost:
        parts.append("no constant keeps " + _join(lost))
    return "unsafe to fix, as the test's numbers name different errors: " + "; ".join(parts)


def _plan(
    members: Sequence[int | None],
    existing: Sequence[str | None],
    origin: Origin,
    siblings: Sequence[Sequence[int | None]] = (),
) -> _Plan | None:
    """Decide whether the compared numbers are a finding and what they mean.

    Args:
        members: each compared value: an int literal, or None for anything else.
        existing: for each member, the errno name it already is
            (``errno.EPIPE``), else None.
        origin: what the errno is read from (see :mod:`lintrules.analysis.errno_reads`).
        siblings: the numbers of the other comparisons of the same errno in
            the same ``or``/``and`` test, one list per comparison: context
            for the meaning, rewritten by their own findings.

    The fix is safe only if it keeps what the whole test matches on every
    platform its numbers were written for: ``115`` (Linux) beside ``10035``
    (WinSock) would become ``EINPROGRESS`` and ``EWOULDBLOCK``, which adds
    EAGAIN on Linux (``errno.EWOULDBLOCK`` is 11 there) and WSAEINPROGRESS
    on Windows, so neither comparison gets a safe fix.
    """
    socket = [n for n in members if n is not None and n in _READINGS]
    if all(_portable(n) for n in socket):
        return None
    others = [[n for n in group if n is not None and n in _READINGS] for group in siblings]
    pool = socket + [n for group in others for n in group]
    names_present = [e for e in existing if e]
    meanings = _meanings(pool, names_present, origin)
    if not meanings.reported(socket):
        return None
    chosen = meanings.chosen
    converted = [n for n in socket if n in chosen]

    safe = meanings.safe_alone(socket)
    change_clause = ""
    if safe:
        rewritten = list(converted)
        for group in others:
            if meanings.reported(group) and meanings.safe_alone(group):
                rewritten += [n for n in group if n in chosen]
        literals = pool + [n for n in members if n is not None and n not in _READINGS]
        changes = meanings.changes(literals, rewritten, names_present)
        if changes:
            safe = False
            change_clause = _change_clause(changes)
    safety: Safety = "safe" if safe else "unsafe"

    names: list[str | None] = [
        chosen[n][0].fact.name if n is not None and n in chosen else None for n in members
    ]
    clauses_ambiguous = {
        n: _ambiguous_clause(n, chosen[n], meanings.settled_by[n])
        for n in dict.fromkeys(converted)
        if n in meanings.settled_by
    }
    by_name: dict[str, list[int]] = {}
    for number in dict.fromkeys(
        n for n in converted if not _portable(n) and n not in clauses_ambiguous
    ):
        by_name.setdefault(chosen[number][0].fact.name, []).append(number)
    clauses = [_clause(numbers, BY_NAME[name]) for name, numbers in by_name.items()]
    clauses += list(clauses_ambiguous.values())
    if change_clause:
        clauses.append(change_clause)
    reset_class = all(
        n is not None and n in chosen and all(r.reset_class for r in chosen[n]) for n in members
    )
    return _Plan(names, safety, "; ".join(clauses), reset_class, clauses)


#: The start of many examples: ``errno`` and ``socket`` imported, a ``try``.
_TRY = "import errno\nimport socket\n\ntry:\n    pass\n"


# -- the comparisons the rule looks at ------------------------------------------


@dataclass
class _Compared:
    """One ``subject OP value(s)`` comparison."""

    node: ast.Compare
    read: ErrnoRead
    subject: ast.expr
    negated: bool
    subject_first: bool
    #: the compared values: the literal, or the container's elements
    values: list[ast.expr]

    def numbers(self) -> list[int | None]:
        return [int_literal(v) for v in self.values]


#: Comments in the text between two operands (which holds no string).
_COMMENT = re.compile(r"#[^\r\n]*")


class HardcodedErrno(Rule):
    """A socket errno compared as a number, which means another error (or nothing) elsewhere.

    ## What it does
    Finds integer literals compared with an errno: ``e.errno == 104``,
    ``104 == e.errno``, ``e.errno != 104``, ``e.errno in (10054, 104)``
    (tuples, lists and sets, ``in`` and ``not in``),
    ``e.errno == 104 or e.errno == 10054``, and ``case 104:`` under
    ``match e.errno:``.  The errno may be read as ``X.errno``,
    ``X.args[0]``, ``getattr(X, "errno", ...)``, through a local copy in the
    same scope (``code = e.errno``, ``code, msg = e.args``) or through a
    helper whose name says errno (``get_errno(X)``,
    ``errno_from_exception(X)``).  A collection of numbers named at module
    level (``BAD_SOCK = set((errno.EBADF, 10053))``, a tuple, list, set or
    ``frozenset``) and read only in ``e.errno in BAD_SOCK`` tests is reported
    once, where its numbers are written.  The numbers in scope are the socket
    errors of the project's errno table on any platform: Linux, macOS/FreeBSD,
    Windows (WinSock) and the Windows CRT.  A comparison that runs only on
    Windows (``if WIN and ex.args[0] == 10038:``, the ``else`` of ``if not
    IS_WINDOWS:``, after ``if sys.platform != "win32": return``, in a file
    that imports a Windows-only module at its top) is not reported when its
    numbers are Windows' own: no other platform compares them.  Nor is one in
    a module whose path says Linux (``arch/linux.py``, ``_linux_io.py``, a
    ``linux/`` folder: the platform module a package imports only there)
    when its numbers are Linux's own.

    ## Why is this bad?
    Errno numbers differ between platforms: "connection reset by peer" is 104
    on Linux, 54 on macOS and 10054 on Windows, and 54 on Linux is an
    unrelated error.  A check written with one platform's numbers silently
    fails on the others, usually in error handling nobody tests there.

    ## Example
    ```python
    except socket.error as e:
        if e.errno == 104:  # Connection reset by peer
            retry()
        if e.errno in (10054, 104):
            retry()
    ```

    ## Use instead
    ```python
    except socket.error as e:
        if e.errno == errno.ECONNRESET:  # Connection reset by peer
            retry()
        if e.errno == errno.ECONNRESET:
            retry()
    ```

    ## Fix safety
    Safe: on each platform whose numbers the code uses, the fixed check is
    true for exactly the errnos it was true for before (in a set that mixes
    platforms, such as ``(104, 10054)``, each platform keeps its number), and
    on the other platforms it becomes true for the same error's number there.
    A platform's numbers are those meant for it and no other family of
    platforms (104 for Linux, 10054 for Windows, 54 for macOS and FreeBSD; 11,
    EAGAIN on Linux and Windows alike, says neither).  The comparisons of one
    errno in one ``or``/``and`` test are weighed together, so no part of such
    a test gets a safe fix that the whole test would not.
    Numbers meaning the same error are merged: ``(104, 10054, 54)`` becomes
    ``== errno.ECONNRESET``, and ``e.errno == 104 or e.errno == 10054`` too
    (an ``or``/``and`` run on the same errno is merged when that removes a
    duplicate; otherwise each comparison is fixed on its own).  Containers
    keep their type and trailing comma, other elements (``2``,
    ``errno.EPIPE``) are kept, comments stay (an element carrying a comment
    is never dropped, even as a duplicate, nor one whose dropping would move
    a comment off the line it was on).  A named collection is rewritten
    where it is defined, keeping its type (a tuple left with one element
    keeps its comma).  ``import errno`` is added when
    missing; ``import errno as E`` gives ``E.ECONNRESET``; names already
    imported with ``from errno import ECONNRESET`` are used bare (never in a
    ``case`` pattern, where a bare name would capture).  No fix when a local
    variable named ``errno`` hides the module and no alias reaches it.

    Unsafe (``--unsafe-fixes`` only) when the meaning is a guess:

    * a number that means different errors on different platforms and that
      the other compared numbers do not settle; alone, the unsafe fix
      assumes its Linux meaning.  108 is ESHUTDOWN on Linux but ECONNRESET
      in the Windows CRT: beside 104 it is read as Linux's (a safe fix),
      beside 10054 or another reset number as the CRT's reset (unsafe, as
      the next point says);
    * a Windows CRT number, or a WinSock number whose ``errno`` constant
      differs on Windows (10009, ``WSAEBADF``, while ``errno.EBADF`` is 9):
      no ``errno`` constant equals it on Windows, so Windows would change;
    * a macOS-only "peer went away" number (54) compared on an object no
      ``except`` clause binds;
    * numbers of different platforms that name different errors, where the
      constants would add each platform's other error:
      ``exc.errno != 115 and exc.errno != 10035`` (Linux's EINPROGRESS and
      WinSock's EWOULDBLOCK, as a non-blocking ``connect()`` reports them)
      has no safe rewrite, since ``errno.EWOULDBLOCK`` is EAGAIN (11) on
      Linux and ``errno.EINPROGRESS`` is 10036 on Windows; ``{104, 10053}``
      (Linux's reset, Windows' abort) likewise.  The message says which
      numbers each platform would start to match.

    With ``fix-style = "netcompat"``, a check on an exception bound by
    ``except`` whose numbers are all "peer went away" errors (table rows with
    a kind) becomes ``netcompat.is_reset(e)`` (``not ...`` for ``!=`` and
    ``not in``).  That is broader than the numbers (it also accepts the
    other reset kinds and wrapped errors), so it is always unsafe; other
    checks get the stdlib fix.

    ## Known problems
    Which platform the code was written for is inferred.  A number with a
    Linux meaning (88-115, 11) is read as Linux's and a WinSock number
    (10000 and up) as Windows', unless the other numbers of the same test
    say otherwise; beside WinSock numbers, a number that is also a Windows
    CRT code is read in its other meaning (``(115, 10035)``: Linux's
    EINPROGRESS, not the CRT's EMSGSIZE), since on Windows a socket error
    carries its WinSock number.  A number that is a
    socket error only on macOS/FreeBSD (35-65) or only in the Windows CRT is
    some other error on Linux (54 is EXFULL, 38 ENOSYS, 61 ENODATA), so it
    is only reported with socket context: an ``except`` clause spelled for
    sockets (``socket.error``, ``socket.timeout``, ``select.error``,
    ``ConnectionError`` and subclasses, ``TimeoutError``,
    ``BlockingIOError``), another compared number that is a Linux or WinSock
    socket errno, or, for a "peer went away" number (54, 53, 52, 57, 58,
    41), an ``except OSError`` (safe fix) or no ``except`` in sight (unsafe
    fix); ``except OSError as e: if e.errno == 38`` is not reported.

    Numbers that are the same on every platform (32 ``EPIPE``, 9 ``EBADF``)
    are not a portability bug: they are not reported on their own, but they
    are rewritten with the other members of a reported comparison, so the
    result reads consistently.  Non-socket errnos (2, 13, 17...) are never
    reported and are kept as written.

    What ``X`` can be is decided as in :mod:`lintrules.analysis.errno_reads`: an
    ``except`` of the OSError family, ``Exception``, a bare ``except`` or an
    unknown object (a parameter) counts; an ``except`` whose classes are all
    non-OS builtins (``ValueError``), come from another package
    (``mysql.connector.Error``, ``psycopg2.Error``, and also
    ``requests.ConnectionError``, whose own ``errno`` is None) or are
    ``socket.gaierror``/``ssl.SSLError`` (other numbering) does not.  Your
    own package's exceptions imported absolutely count as another package's.
    ``X.args[0]`` needs ``X`` to be bound by ``except``/``sys.exc_info()`` or
    to read like an exception name (``e``, ``exc``, ``err``), since
    ``self.args[0]`` is usually not an errno.  A ``socket`` module of
    another package re-exports the socket module's exceptions
    (``from gevent import socket``, ``six.moves.http_client.socket.error``):
    ``except socket.error`` there is a socket handler.  A copy named for the
    errno may start as a ``None`` placeholder (``errno = None`` before the
    ``try``, ``errno = ex.errno`` in the handler).  A named collection is
    followed only at module level, bound once, and only when every read of
    it in the module is an errno membership test (also handed elsewhere, its
    numbers may mean something else); a local one (``resets = (104, 54)`` in
    the function) and chained comparisons (``100 < e.errno < 116``) are not
    followed.  Only Windows guards and Linux module names are understood:
    ``if IS_LINUX and e.errno == 104`` is still reported, and a Linux module
    is known by its name alone.  The engine only parses files containing ``errno`` or
    ``.args``: every shape above contains one of them.
    """

    CODE = "NC001"
    NAME = "hardcoded-errno"
    MESSAGE = "hardcoded errno number: compare with the errno constant"
    FIX_TITLE = "Compare with {constants}"
    FIX_SAFETY = "safe"
    REQUIRES_TEXT = ("errno", ".args")

    VALID = [
        Valid(
            _TRY
            + ("except socket.error as e:\n    if e.errno == errno.ECONNRESET:\n        pass\n"),
            id="already-portable",
        ),
        Valid(
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno in (errno.ECONNRESET, errno.EPIPE):\n"
                "        pass\n"
            ),
            id="already-portable-tuple",
        ),
        Valid(
            "import mysql.connector\n"
            "\n"
            "try:\n"
            "    pass\n"
            "except mysql.connector.Error as e:\n"
            "    if e.errno == 1049:\n"
            "        pass\n",
            id="mysql-server-code",
        ),
        Valid(
            "import mysql.connector\n"
            "\n"
            "try:\n"
            "    pass\n"
            "except mysql.connector.Error as e:\n"
            "    if e.errno == 104:\n"
            "        pass\n",
            id="mysql-code-that-looks-like-errno",
        ),
    ]
    INVALID = [
        Invalid(
            "import socket\n"
            "try:\n"
            "    pass\n"
            "except socket.error as e:\n"
            "    if e.errno == 104:  # Connection reset by peer  # error\n"
            "        pass\n",
            "import errno\n"
            "import socket\n"
            "try:\n"
            "    pass\n"
            "except socket.error as e:\n"
            "    if e.errno == errno.ECONNRESET:  # Connection reset by peer  # error\n"
            "        pass\n",
            message=(
                "104 is ECONNRESET only on Linux; macOS raises 54 and Windows 10054: "
                "compare with errno.ECONNRESET"
            ),
            id="seed-linux-104-comment-kept",
        ),
        Invalid(
            "import socket\n"
            "import time\n"
            "\n"
            "\n"
            "def robust_request(url, max_retries=10):\n"
            "    for attempt in range(max_retries):\n"
            "        try:\n"
            "            return fetch(url)\n"
            "        except socket.error as e:\n"
            "            if e.errno == 104:  # Connection reset by peer  # error\n"
            "                time.sleep(1)\n"
            "            else:\n"
            "                raise\n",
            "import errno\n"
            "import socket\n"
            "import time\n"
            "\n"
            "\n"
            "def robust_request(url, max_retries=10):\n"
            "    for attempt in range(max_retries):\n"
            "        try:\n"
            "            return fetch(url)\n"
            "        except socket.error as e:\n"
            "            if e.errno == errno.ECONNRESET:  # Connection reset by peer  # error\n"
            "                time.sleep(1)\n"
            "            else:\n"
            "                raise\n",
            id="seed-retry-loop",
        ),
        Invalid(
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno == 10054 or e.errno == 104:  # Windows or Linux  # error\n"
                "        pass\n"
            ),
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno == errno.ECONNRESET:  # Windows or Linux  # error\n"
                "        pass\n"
            ),
            message="10054 and 104 are ECONNRESET only on Linux and Windows; macOS raises 54",
            id="seed-or-chain-merged",
        ),
        Invalid(
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno in [10054, 104]:  # error\n"
                "        pass\n"
            ),
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno == errno.ECONNRESET:  # error\n"
                "        pass\n"
            ),
            id="seed-list-merged",
        ),
        Invalid(
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno in (104, 10054, 54):  # error\n"
                "        pass\n"
            ),
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno == errno.ECONNRESET:  # error\n"
                "        pass\n"
            ),
            id="three-platforms-merged",
        ),
        Invalid(
            _TRY
            + ("except socket.error as e:\n    if e.errno in (104, 32):  # error\n        pass\n"),
            _TRY
            + (
                "except socket.error as e:\n"
                "    if e.errno in (errno.ECONNRESET, errno.EPIPE):  # error\n"
                "        pass\n"
            ),
            id="two-names-tuple-kept",
        ),
        Invalid(
            _TRY
            + (
                "except socket.error as exc:\n"
                "    if exc.errno not in (115, 10035):  # EINPROGRESS  # error\n"
                "        raise\n"
            ),
            None,
            message=(
                "beside WinSock's numbers it is Linux's EINPROGRESS; unsafe to fix, as the "
                "test's numbers name different errors: errno.EWOULDBLOCK is 11 on Linux"
            ),
            id="linux-and-winsock-numbers-of-different-errors",
        ),
    ]

    def __init__(self, model: Model, context: RuleContext | None = None) -> None:
        super().__init__(model, context)
        #: Comparisons already reported as part of a merged ``or``/``and`` run.
        self._handled: set[int] = set()
        #: For a comparison of an ``or``/``and`` chain: the comparisons of the same
        #: errno with the chain's polarity in it (itself included).
        self._groups: dict[int, list[_Compared]] = {}

    def run(self) -> None:
        # Chains first: they decide which of their comparisons are merged.
        for chain in self.model.nodes(ast.BoolOp):
            self._visit_chain(chain)
        for comparison in self.model.nodes(ast.Compare):
            self._visit_comparison(comparison)
        self._visit_named_collections()
        if sys.version_info >= (3, 10):
            for match in self.model.nodes(ast.Match):
                self._visit_match(match)

    # -- reading comparisons ------------------------------------------------

    def _compared(self, node: ast.Compare) -> _Compared | None:
        if len(node.ops) != 1:
            return None
        operator = node.ops[0]
        left, right = node.left, node.comparators[0]
        if isinstance(operator, (ast.Eq, ast.NotEq)):
            if int_literal(right) is not None:
                subject, literal, subject_first = left, right, True
            elif int_literal(left) is not None:
                subject, literal, subject_first = right, left, False
            else:
                return None
            read = errno_read(self.model, subject)
            if read is None:
                return None
            negated = isinstance(operator, ast.NotEq)
            return _Compared(node, read, subject, negated, subject_first, [literal])
        if isinstance(operator, (ast.In, ast.NotIn)):
            if not isinstance(right, (ast.Tuple, ast.List, ast.Set)) or not right.elts:
                return None
            values = right.elts
            if any(isinstance(v, ast.Starred) for v in values):
                return None
            if all(int_literal(v) is None for v in values):
                return None
            read = errno_read(self.model, left)
            if read is None:
                return None
            negated = isinstance(operator, ast.NotIn)
            return _Compared(node, read, left, negated, True, list(values))
        return None

    # -- reporting ----------------------------------------------------------------

    def _netcompat_fix(
        self, read: ErrnoRead, negated: bool, where: ast.AST
    ) -> tuple[str, tuple[ImportSpec, ...]] | None:
        """``netcompat.is_reset(e)`` (``not ...``) when the fix style asks for it and it fits."""
        exception = read.exception
        if (
            self.context.fix_style != "netcompat"
            or read.handler is None
            or read.shape == "local"
            or not isinstance(exception, ast.Name)
        ):
            return None
        reference = module_reference(self.model, where, "netcompat")
        if reference is None:
            return None
        prefix, needs_import = reference
        spelled = f"{prefix}.is_reset({exception.id})"
        imports = (ImportSpec("netcompat"),) if needs_import else ()
        return ("not " + spelled if negated else spelled), imports

    @staticmethod
    def _suggestion(writer: ErrnoWriter | None, names: Sequence[str | None]) -> str:
        wanted = list(dict.fromkeys(n for n in names if n is not None))
        spell = writer.spelled if writer is not None else (lambda name: f"errno.{name}")
        if len(wanted) == 1:
            return spell(wanted[0])
        return "(" + ", ".join(spell(n) for n in wanted) + ")"

    def _finish(
        self,
        report_node: ast.AST,
        plan: _Plan,
        writer: ErrnoWriter | None,
        build: Callable[[ErrnoWriter], Builder],
        *,
        target: ast.AST | None = None,
        read: ErrnoRead | None = None,
        negated: bool = False,
    ) -> None:
        """Report ``plan`` at ``report_node``, with a fix replacing ``target`` (default: the node)."""
        if read is not None and plan.reset_class:
            netcompat = self._netcompat_fix(read, negated, report_node)
            if netcompat is not None:
                spelled, imports = netcompat
                reset = Fix(
                    expression_keeping_parens(spelled),
                    "unsafe",
                    f"Use {spelled}",
                    target=target,
                    imports=imports,
                )
                self.report(report_node, f"{plan.message}: use {spelled}", fix=reset)
                return
        suggestion = self._suggestion(writer, plan.names)
        fix: Fix | None = None
        if writer is not None:
            title = self.FIX_TITLE.format(constants=suggestion)
            fix = Fix(build(writer), plan.safety, title, target=target, imports=writer.imports)
        self.report(report_node, f"{plan.message}: compare with {suggestion}", fix=fix)

    def _right_where_run(self, node: ast.AST, numbers: Sequence[int | None]) -> bool:
        """Whether ``node`` runs only on Windows and its numbers are Windows' own
        there, or sits in a module named for Linux and its numbers are Linux's.

        ``if WIN and ex.args[0] == 10038:`` is right as written: no other
        platform ever compares the number; so is ``e.errno == 99`` in
        ``scapy/arch/linux.py``.
        """
        known = [n for n in numbers if n is not None and n in _READINGS]
        if known and named_for_linux(self.context.path) and all(_linux_number(n) for n in known):
            return True
        return all(_windows_number(n) for n in known) and windows_guarded(self.model, node)

    # -- comparisons, chains of them, match statements ---------------------------

    def _visit_comparison(self, node: ast.Compare) -> None:
        if id(node) in self._handled:
            return
        compared = self._compared(node)
        if compared is None or self._right_where_run(node, compared.numbers()):
            return
        existing = [errno_name_of(self.model, v) for v in compared.values]
        siblings = [c.numbers() for c in self._groups.get(id(node), []) if c.node is not node]
        plan = _plan(compared.numbers(), existing, compared.read.origin, siblings)
        if plan is None:
            return
        writer = errno_writer(self.model, node, [n for n in plan.names if n is not None])
        negated = compared.negated

        def build(writer: ErrnoWriter) -> Builder:
            return comparison_rewritten(plan.names, existing, writer.prefix, negated)

        self._finish(node, plan, writer, build, read=compared.read, negated=negated)

    def _visit_chain(self, node: ast.BoolOp) -> None:
        """Read the comparisons of one errno in an ``or`` (``and``) chain together.

        Every comparison of the same errno with the chain's polarity is
        context for the others' meaning and safety (``115 ... 10035``);
        adjacent runs of them are merged when that removes a duplicate.
        """
        operands = node.values
        negated = isinstance(node.op, ast.And)
        members = [self._group_member(node, index, negated) for index in range(len(operands))]
        groups: dict[str, list[_Compared]] = {}
        for index, member in enumerate(members):
            # ``e.errno in BAD_SOCK`` is context too, never merged.
            context = member or self._named_member(operands[index], negated)
            if context is not None:
                groups.setdefault(source_text(self.model, context.subject), []).append(context)
        for group in groups.values():
            for member in group:
                self._groups[id(member.node)] = group
        compared = [
            member if member is not None and self._mergeable(node, index) else None
            for index, member in enumerate(members)
        ]
        start = 0
        while start < len(operands):
            first = compared[start]
            end = start
            if first is not None:
                key = source_text(self.model, first.subject)
                while (
                    end + 1 < len(operands)
                    and (following := compared[end + 1]) is not None
                    and source_text(self.model, following.subject) == key
                    and "#" not in self._gap_before(node, end + 1)
                ):
                    end += 1
            if end > start:
                self._merge_run(node, compared, start, end, negated)
            start = end + 1

    def _gap_before(self, chain: ast.BoolOp, index: int) -> str:
        """The text before operand ``index`` of ``chain``, from the end of the one before.

        That is the ``or``/``and`` with its blanks, comments and the
        operands' own parentheses; for the first operand, from the chain's
        start (which takes in the operand's parentheses).
        """
        source = self.model.source
        if index == 0:
            span = self.model.span(chain)
            line, column = span.line, span.column
        else:
            span = self.model.span(chain.values[index - 1])
            line, column = span.end_line, span.end_column
        end = self.model.span(chain.values[index])
        if line == end.line:
            return source.line(line)[column : end.column]
        lines = [source.line(line)[column:]]
        lines.extend(source.line(n) for n in range(line + 1, end.line))
        lines.append(source.line(end.line)[: end.column])
        return "\n".join(lines)

    def _group_member(self, chain: ast.BoolOp, index: int, negated: bool) -> _Compared | None:
        """The comparison at ``index`` of ``chain`` if it compares an errno with literals only.

        Its polarity must be the chain's: ``==``/``in`` under ``or``,
        ``!=``/``not in`` under ``and``.
        """
        node = chain.values[index]
        if not isinstance(node, ast.Compare):
            return None
        compared = self._compared(node)
        if compared is None or compared.negated != negated:
            return None
        if any(int_literal(v) is None for v in compared.values):
            return None
        return compared

    def _mergeable(self, chain: ast.BoolOp, index: int) -> bool:
        """Whether operand ``index`` may merge with its neighbours: neither parenthesised nor commented."""
        parenthesised = "(" in _COMMENT.sub("", self._gap_before(chain, index))
        return not parenthesised and not has_comment(self.model, chain.values[index])

    def _merge_run(
        self,
        chain: ast.BoolOp,
        compared: list[_Compared | None],
        start: int,
        end: int,
        negated: bool,
    ) -> None:
        run = [c for c in compared[start : end + 1] if c is not None]
        numbers: list[int | None] = [n for c in run for n in c.numbers()]
        first = run[0]
        if self._right_where_run(chain, numbers):
            return
        in_run = {id(c.node) for c in run}
        outside = [
            c.numbers() for c in self._groups.get(id(first.node), []) if id(c.node) not in in_run
        ]
        plan = _plan(numbers, [None] * len(numbers), first.read.origin, outside)
        results = []
        if plan is not None:
            results = list(
                dict.fromkeys(n if n is not None else f"#{i}" for i, n in enumerate(plan.names))
            )
        if plan is None or len(results) >= len(run):
            return  # nothing to merge: each comparison stands alone, the others as context
        for member in run:
            self._handled.add(id(member.node))
        writer = errno_writer(self.model, first.node, [n for n in plan.names if n is not None])
        names = plan.names

        def build(writer: ErrnoWriter) -> Builder:
            return chain_merged(start, names, writer.prefix, negated)

        target = _chain_prefix(chain, end)
        self._finish(
            first.node, plan, writer, build, target=target, read=first.read, negated=negated
        )

    def _named_member(self, node: ast.expr, negated: bool) -> _Compared | None:
        """``e.errno in NAME`` (``not in`` when ``negated``), NAME a collection :func:`_named_numbers` reads."""
        if not (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.NotIn if negated else ast.In)
            and isinstance(node.comparators[0], ast.Name)
        ):
            return None
        bindings = self.model.value_bindings(node.comparators[0])
        container = _named_numbers(self.model, bindings[0]) if len(bindings) == 1 else None
        read = errno_read(self.model, node.left) if container is not None else None
        if container is None or read is None:
            return None
        return _Compared(node, read, node.left, negated, True, list(container.elts))

    def _visit_named_collections(self) -> None:
        """``BAD_SOCK = set((errno.EBADF, 10053))`` at module level, read only as ``e.errno in BAD_SOCK``.

        The numbers are reported (and fixed) where they are written, once,
        when every read of the name in the module is such a membership test.
        The other comparisons of the same errno in the ``or``/``and`` tests
        that read it are context for their meaning, as for a literal.
        """
        model = self.model
        found: dict[int, tuple[ast.Tuple | ast.List | ast.Set, Binding, list[_Compared]]] = {}
        tested: set[int] = set()
        for node in model.nodes(ast.Compare):
            compared = self._named_member(node, False) or self._named_member(node, True)
            if compared is None:
                continue
            name = node.comparators[0]
            assert isinstance(name, ast.Name)
            binding = model.value_bindings(name)[0]
            container = _named_numbers(model, binding)
            assert container is not None
            found.setdefault(id(container), (container, binding, []))[2].append(compared)
            tested.add(id(name))
        for container, binding, uses in found.values():
            reads = [
                use
                for use in model.nodes(ast.Name)
                if use.id == binding.name
                and isinstance(use.ctx, ast.Load)
                and any(b is binding for b in model.value_bindings(use))
            ]
            if any(id(read) not in tested for read in reads):
                continue  # also used otherwise: its numbers may not all be errnos
            self._named_collection(container, binding.name, uses)

    def _named_collection(
        self, container: ast.Tuple | ast.List | ast.Set, name: str, uses: list[_Compared]
    ) -> None:
        values = container.elts
        numbers = [int_literal(v) for v in values]
        if self._right_where_run(container, numbers):
            return
        origin: Origin = "any"
        for candidate in ("socket", "os"):
            if any(use.read.origin == candidate for use in uses):
                origin = candidate
                break
        siblings = [
            other.numbers()
            for use in uses
            for other in self._groups.get(id(use.node), [])
            if other.node is not use.node
        ]
        existing = [errno_name_of(self.model, v) for v in values]
        plan = _plan(numbers, existing, origin, siblings)
        if plan is None:
            return
        plan.message = f"{name}, compared with errnos, holds numbers: {plan.message}"
        writer = errno_writer(self.model, container, [n for n in plan.names if n is not None])
        names = plan.names

        def build(writer: ErrnoWriter) -> Builder:
            return container_rewritten(names, existing, writer.prefix)

        statement = self.model.statement_of(container)
        self._finish(container, plan, writer, build, target=statement)

    def _visit_match(self, node: ast.AST) -> None:
        if sys.version_info >= (3, 10):  # match statements: Python 3.10+
            assert isinstance(node, ast.Match)
            read = errno_read(self.model, node.subject)
            if read is not None:
                for case in node.cases:
                    pattern = case.pattern
                    if isinstance(pattern, ast.MatchValue):
                        self._match_case(pattern, [pattern.value], read.origin)
                    elif isinstance(pattern, ast.MatchOr) and all(
                        isinstance(p, ast.MatchValue) for p in pattern.patterns
                    ):
                        values = [getattr(p, "value") for p in pattern.patterns]  # noqa: B009
                        self._match_case(pattern, values, read.origin)

    def _match_case(self, pattern: ast.AST, values: list[ast.expr], origin: Origin) -> None:
        """``case 104:`` (a MatchValue) or ``case 104 | 54:`` (a MatchOr of them)."""
        numbers = [int_literal(v) for v in values]
        if self._right_where_run(pattern, numbers):
            return
        existing = [errno_name_of(self.model, v) for v in values]
        plan = _plan(numbers, existing, origin)
        if plan is None:
            return
        wanted = [n for n in plan.names if n is not None]
        writer = errno_writer(self.model, pattern, wanted, dotted=True)
        names = plan.names

        def build(writer: ErrnoWriter) -> Builder:
            return case_rewritten(names, existing, writer.prefix)

        if len(values) == 1 and type(pattern).__name__ == "MatchValue":
            # libcst's MatchValue owns its value's parentheses: ``case (104):``.
            pattern = _with_parentheses(self.model, pattern)
        self._finish(pattern, plan, writer, build)


#: Builtins that make a collection of a literal: ``set((a, b))``, ``frozenset([a, b])``.
_COLLECTION_CALLS = frozenset({"set", "frozenset", "tuple", "list"})


def _named_numbers(model: Model, binding: Binding) -> ast.Tuple | ast.List | ast.Set | None:
    """The literal collection a module-level ``NAME = (104, 54)`` (or ``set((...))``) binds.

    One plain assignment at module level, of a tuple, list or set literal
    holding at least one integer, bare or given to ``set()``,
    ``frozenset()``, ``tuple()`` or ``list()``.
    """
    target = binding.node
    if binding.kind != "assign" or binding.scope.parent is not None:
        return None
    if not isinstance(target, ast.Name):
        return None
    statement = model.parent(target)
    if not isinstance(statement, ast.Assign) or statement.targets != [target]:
        return None
    value = statement.value
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in _COLLECTION_CALLS
        and not model.lookup(value.func)
        and len(value.args) == 1
        and not value.keywords
    ):
        value = value.args[0]
    if not isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return None
    elements = value.elts
    if any(isinstance(e, ast.Starred) for e in elements):
        return None
    if all(int_literal(e) is None for e in elements):
        return None
    return value


def _chain_prefix(chain: ast.BoolOp, end: int) -> ast.BoolOp:
    """The part of ``chain`` up to operand ``end``, as a node a fix can target.

    ``a or b or c`` is one node in :mod:`ast` but nests in libcst as
    ``(a or b) or c``: a fix replacing ``a or b`` names a node with its
    position (from the start of the chain to the end of operand ``end``).
    """
    if end == len(chain.values) - 1:
        return chain
    last = chain.values[end]
    part = ast.BoolOp(op=chain.op, values=chain.values[: end + 1])
    part.lineno, part.col_offset = chain.lineno, chain.col_offset
    part.end_lineno, part.end_col_offset = last.end_lineno, last.end_col_offset
    return part


def _with_parentheses(model: Model, node: ast.AST) -> ast.AST:
    """``node``, or a copy whose position takes in the parentheses around it."""
    lines = model.source.lines
    span = model.span(node)
    line, column = span.line, span.column
    opened: list[tuple[int, int]] = []
    while True:
        text = lines[line - 1][:column].rstrip()
        if text.endswith("("):
            column = len(text) - 1
            opened.append((line, column))
        elif not text and line > 1 and lines[line - 2].rstrip().endswith(("(", "\\")):
            line -= 1
            column = len(lines[line - 1].rstrip().rstrip("\\"))
            continue
        else:
            break
    end_line, end_column = span.end_line, span.end_column
    closed: list[tuple[int, int]] = []
    while len(closed) < len(opened):
        rest = lines[end_line - 1][end_column:]
        stripped = rest.lstrip()
        if stripped.startswith(")"):
            end_column += len(rest) - len(stripped) + 1
            closed.append((end_line, end_column))
        elif not stripped.strip("\\") and end_line < len(lines):
            end_line, end_column = end_line + 1, 0
        else:
            break
    if not closed:
        return node
    line, column = opened[len(closed) - 1]
    end_line, end_column = closed[-1]
    wider = copy.copy(node)
    wider.lineno, wider.end_lineno = line, end_line  # type: ignore[attr-defined]
    wider.col_offset = len(lines[line - 1][:column].encode("utf-8"))  # type: ignore[attr-defined]
    wider.end_col_offset = len(lines[end_line - 1][:end_column].encode("utf-8"))  # type: ignore[attr-defined]
    return wider
