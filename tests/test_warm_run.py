"""A warm run: files answered from their stat, no libcst, cheap prefilter and discovery.

The cache answers a file whose ``stat`` is the one it recorded without reading
it, unless the file was modified too close to when it was read or the cache
written ("racily clean", as git says); a changed file is always linted again,
and a cache of another layout, another version or a corrupt one is ignored.
A run that lints nothing imports neither the engine, the rules nor libcst.
"""

from __future__ import annotations

import fnmatch
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _cli_helpers import RESET_SOURCE, lint_module_argv, make_project, run_cli, run_subprocess

import lintrules.runner
from lintrules.files import _Excludes
from lintrules.rules import RuleInfo, manifest
from lintrules.runner import CACHE_FORMAT, RACY_MARGIN_NS, _Prefilter, stamp

NC002 = ("--select", "NC002")
#: ``RESET_SOURCE`` with the Windows-only name changed, same length: no finding.
CLEAN_SAME_SIZE = RESET_SOURCE.replace("WSAECONNRESET", "XXXECONNRESET")
DAY_NS = 86_400 * 10**9


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_project(tmp_path, monkeypatch)


def write(path: Path, text: str, *, age_ns: int = 0) -> Path:
    """Write ``path``; with ``age_ns``, date its modification that far back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if age_ns:
        past = time.time_ns() - age_ns
        os.utime(path, ns=(past, past))
    return path


def cache_file(project: Path) -> Path:
    (found,) = (project / ".netcompat_cache").rglob("*.json")
    return found


def entries(project: Path) -> dict[str, list[object]]:
    document = json.loads(cache_file(project).read_text(encoding="utf-8"))
    assert document["format"] == CACHE_FORMAT
    result: dict[str, list[object]] = document["entries"]
    return result


def doctor(project: Path, path: Path, *, message: str, digest: str | None = None) -> None:
    """Rewrite the cached finding of ``path`` (and its digest), keeping the cache's date."""
    target = cache_file(project)
    written = target.stat().st_mtime_ns
    document = json.loads(target.read_text(encoding="utf-8"))
    entry = document["entries"][str(path)]
    entry[2][0]["message"] = message
    if digest is not None:
        entry[0] = digest
    target.write_text(json.dumps(document), encoding="utf-8")
    os.utime(target, ns=(written, written))


# -- the stat fast path -----------------------------------------------------------
def test_an_unchanged_file_is_answered_from_its_stat_without_reading(
    project: Path, lint_jobs: list[int]
) -> None:
    path = write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    clean = write(project / "clean.py", "x = 1\n", age_ns=DAY_NS)
    first = run_cli("check", *NC002)
    assert first.code == 1
    recorded = entries(project)
    info = path.stat()
    assert recorded[str(path)][1] == [info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino]
    # A file no rule's text matches is recorded too, with no findings.
    assert recorded[str(clean)][2] == []

    # A wrong digest: only an answer that never read the file can show this message.
    doctor(project, path, message="FROM THE STAT", digest="0" * 32)
    second = run_cli("check", *NC002)
    assert "a.py:2:15: NC002 [*] FROM THE STAT" in second.out
    assert lint_jobs == [1, 0]


def test_a_stat_answer_writes_no_cache(project: Path) -> None:
    write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    run_cli("check", *NC002)
    before = cache_file(project).stat().st_mtime_ns
    time.sleep(0.01)
    run_cli("check", *NC002)
    assert cache_file(project).stat().st_mtime_ns == before


@pytest.mark.parametrize("age_ns", [0, DAY_NS], ids=["modified-just-now", "modified-a-day-ago"])
def test_same_size_change_with_the_mtime_set_back_is_linted_again(
    project: Path, lint_jobs: list[int], age_ns: int
) -> None:
    path = write(project / "a.py", RESET_SOURCE, age_ns=age_ns)
    assert run_cli("check", *NC002).code == 1
    before = path.stat()
    path.write_text(CLEAN_SAME_SIZE, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    result = run_cli("check", *NC002)
    assert result.code == 0, result.out
    assert lint_jobs == [1, 0]  # read and hashed again; no rule's text matches now


def test_an_edited_file_is_linted_again(project: Path, lint_jobs: list[int]) -> None:
    path = write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    assert run_cli("check", *NC002).code == 1
    write(path, RESET_SOURCE + "x = errno.WSAECONNRESET\n", age_ns=DAY_NS)
    result = run_cli("check", *NC002)
    assert len(result.lines) == 3  # two findings and the summary
    assert lint_jobs == [1, 1]


def test_a_racily_clean_file_is_read_again(project: Path, lint_jobs: list[int]) -> None:
    """A stat that matches proves nothing when the cache was written in the same moments.

    The entry is made to match the file's current stat while its digest and
    findings are those of other content, which is what a same-tick
    modification after the read would leave behind.
    """
    path = write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    run_cli("check", *NC002)
    write(path, CLEAN_SAME_SIZE, age_ns=DAY_NS)
    info = path.stat()
    target = cache_file(project)
    document = json.loads(target.read_text(encoding="utf-8"))
    document["entries"][str(path)][1] = [
        info.st_mtime_ns,
        info.st_size,
        info.st_ctime_ns,
        info.st_ino,
    ]
    target.write_text(json.dumps(document), encoding="utf-8")

    # The cache written within the margin after the file's modification: racy.
    racy = info.st_mtime_ns + RACY_MARGIN_NS // 2
    os.utime(target, ns=(racy, racy))
    assert run_cli("check", *NC002).code == 0
    assert lint_jobs == [1, 0]  # read and hashed; no rule's text matches the new content

    # Control: the same entry in a cache written well after the modification
    # is trusted, stale finding and all.
    target.write_text(json.dumps(document), encoding="utf-8")
    later = info.st_mtime_ns + 5 * RACY_MARGIN_NS
    os.utime(target, ns=(later, later))
    assert run_cli("check", *NC002).code == 1


def test_a_file_read_just_after_its_modification_gets_no_stamp() -> None:
    now = time.time_ns()

    class Info:
        st_size = 10
        st_ctime_ns = now
        st_ino = 1

        def __init__(self, mtime_ns: int) -> None:
            self.st_mtime_ns = mtime_ns

    assert stamp(Info(now - RACY_MARGIN_NS // 2), now) is None  # type: ignore[arg-type]
    assert stamp(Info(now + DAY_NS), now) is None  # type: ignore[arg-type]  # clock skew
    old = now - 2 * RACY_MARGIN_NS
    assert stamp(Info(old), now) == (old, 10, now, 1)  # type: ignore[arg-type]


def test_a_racy_entry_is_stamped_once_its_file_is_old_enough(
    project: Path, lint_jobs: list[int]
) -> None:
    path = write(project / "a.py", RESET_SOURCE)
    run_cli("check", *NC002)
    assert entries(project)[str(path)][1] is None  # just written: no stamp
    past = time.time_ns() - DAY_NS
    os.utime(path, ns=(past, past))
    run_cli("check", *NC002)  # same content: answered by digest, and stamped
    assert entries(project)[str(path)][1] is not None
    assert lint_jobs == [1, 0]


def test_fix_still_relints_a_file_answered_by_its_stat(project: Path) -> None:
    path = write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    assert run_cli("check", *NC002).code == 1
    assert run_cli("check", *NC002, "--fix").code == 0
    assert "errno.ECONNRESET" in path.read_text(encoding="utf-8")


# -- caches that must be ignored ----------------------------------------------------
def test_a_cache_of_another_version_is_ignored(
    project: Path, lint_jobs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    with monkeypatch.context() as patch:
        patch.setattr(lintrules.runner, "__version__", "0.0.0-other")
        assert run_cli("check", *NC002).code == 1
    assert (project / ".netcompat_cache" / "0.0.0-other").is_dir()
    assert run_cli("check", *NC002).code == 1
    assert lint_jobs == [1, 1]


@pytest.mark.parametrize("layout", ["before-stamps", "other-format-number"])
def test_a_cache_of_another_layout_is_ignored(
    project: Path, lint_jobs: list[int], layout: str
) -> None:
    path = write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    run_cli("check", *NC002)
    target = cache_file(project)
    entry: Any = entries(project)[str(path)]
    digest, _, (finding,) = entry
    finding["message"] = "FROM AN OLD CACHE"
    document: object
    if layout == "before-stamps":  # {path: [digest, findings]}, at the same place
        document = {str(path): [digest, [finding]]}
    else:  # this layout, but saying it is another
        document = {"format": CACHE_FORMAT - 1, "entries": {str(path): [digest, None, [finding]]}}
    target.write_text(json.dumps(document), encoding="utf-8")
    result = run_cli("check", *NC002)
    assert result.code == 1
    assert "FROM AN OLD CACHE" not in result.out
    assert lint_jobs == [1, 1]
    assert str(path) in entries(project)  # rewritten in the current layout


CORRUPT = {
    "empty": b"",
    "truncated": b'{"format": 2, "entries": {"',
    "not-utf-8": b"\xff\xfe\x00garbage",
    "deeply-nested": b"[" * 100_000,
    "a-list": b"[]",
    "entries-not-a-table": b'{"format": 2, "entries": []}',
}


@pytest.mark.parametrize("content", list(CORRUPT.values()), ids=list(CORRUPT))
def test_a_corrupt_cache_file_is_ignored(
    project: Path, lint_jobs: list[int], content: bytes
) -> None:
    path = write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    first = run_cli("check", *NC002)
    cache_file(project).write_bytes(content)
    assert run_cli("check", *NC002) == first
    assert lint_jobs == [1, 1]
    assert str(path) in entries(project)


#: Spoilt entries, and whether the file must be linted again (a bad stamp
#: only costs the stat answer: the digest still answers).
BAD_ENTRIES: dict[str, tuple[Callable[[list[Any]], object], bool]] = {
    "a-string": (lambda entry: "nonsense", True),
    "too-short": (lambda entry: entry[:2], True),
    "findings-not-a-list": (lambda entry: [entry[0], entry[1], 7], True),
    "finding-not-a-table": (lambda entry: [entry[0], entry[1], ["x"]], True),
    "finding-missing-keys": (lambda entry: [entry[0], entry[1], [{"code": "NC002"}]], True),
    "stamp-of-strings": (lambda entry: [entry[0], ["a", "b", "c", "d"], entry[2]], False),
}


@pytest.mark.parametrize(("spoil", "relinted"), list(BAD_ENTRIES.values()), ids=list(BAD_ENTRIES))
def test_a_cache_entry_of_the_wrong_shape_is_no_entry(
    project: Path,
    lint_jobs: list[int],
    spoil: Callable[[list[Any]], object],
    relinted: bool,
) -> None:
    path = write(project / "a.py", RESET_SOURCE, age_ns=DAY_NS)
    first = run_cli("check", *NC002)
    target = cache_file(project)
    document = json.loads(target.read_text(encoding="utf-8"))
    entry = document["entries"][str(path)]
    document["entries"][str(path)] = spoil(entry)
    target.write_text(json.dumps(document), encoding="utf-8")
    assert run_cli("check", *NC002) == first
    assert lint_jobs == [1, 1 if relinted else 0]
    assert entries(project)[str(path)] == entry  # rewritten whole


# -- no libcst on a warm run -------------------------------------------------------------
@pytest.mark.parametrize("age_ns", [0, DAY_NS], ids=["by-digest", "by-stat"])
def test_a_warm_run_imports_no_libcst(tmp_path: Path, age_ns: int) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n", encoding="utf-8")
    write(tmp_path / "a.py", RESET_SOURCE, age_ns=age_ns)
    write(tmp_path / "clean.py", "x = 1\n", age_ns=age_ns)
    # Passes the text prefilter (``except``), no finding.
    write(tmp_path / "handler.py", "try:\n    pass\nexcept OSError:\n    pass\n", age_ns=age_ns)
    # JSON: the cold run needs libcst for the fixes' text edits (the rules
    # themselves detect on ``ast``), the warm one reads the edits from the cache.
    argv = [
        sys.executable,
        "-X",
        "importtime",
        *lint_module_argv()[1:],
        "check",
        "-q",
        "--output-format",
        "json",
    ]
    cold = run_subprocess(argv, tmp_path)
    assert cold.returncode == 1, cold.stderr[-2000:]
    assert "libcst" in _imported(cold.stderr)  # the measurement sees libcst when it is there
    warm = run_subprocess(argv, tmp_path)
    assert warm.returncode == 1, warm.stderr[-2000:]
    assert warm.stdout == cold.stdout
    loaded = _imported(warm.stderr)
    assert "libcst" not in loaded
    for module in ("lintrules.engine", "lintrules.rule", "lintrules.analysis", "lintrules.fixing"):
        assert module not in loaded


def _imported(importtime: str) -> set[str]:
    """The modules (and their top-level packages) that ``-X importtime`` lists."""
    names = [
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    return set(names) | {name.split(".")[0] for name in names}


def test_the_front_ends_import_no_libcst(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import lintrules.cli, lintrules.config, lintrules.output, lintrules.runner\n"
        "import lintrules.files, lintrules.findings, lintrules.rules\n"
        "lintrules.rules.manifest()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'libcst'))\n"
    )
    done = run_subprocess([sys.executable, "-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


# -- the prefilter ----------------------------------------------------------------------
def _naive(data: bytes, rules: tuple[RuleInfo, ...]) -> bool:
    return any(
        not rule.REQUIRES_TEXT or any(n.encode("ascii") in data for n in rule.REQUIRES_TEXT)
        for rule in rules
    )


def test_the_prefilter_keeps_what_a_search_for_every_needle_keeps() -> None:
    rules = manifest()
    words = [*sorted({n for rule in rules for n in rule.REQUIRES_TEXT}), "x", "pass", "err"]
    generator = random.Random(1234)
    prefilter = _Prefilter()
    for _ in range(3000):
        chosen = tuple(rule for rule in rules if generator.random() < 0.5)
        data = " ".join(generator.choice(words) for _ in range(generator.randint(0, 3)))
        # Break some needles apart so that near misses are tried too.
        data = data[: generator.randint(0, len(data))].encode("ascii")
        assert prefilter.keeps(data, chosen) == _naive(data, chosen), (data, chosen)


def test_the_prefilter_edge_cases() -> None:
    def info(code: str, *needles: str) -> RuleInfo:
        return RuleInfo(code, code.lower(), True, {}, needles)

    prefilter = _Prefilter()
    assert not prefilter.keeps(b"anything", ())
    assert prefilter.keeps(b"anything", (info("X1"),))  # no needles: every file
    contained = (info("X2", "errorcode"), info("X3", "errno", "error"))
    assert prefilter.keeps(b"errorcode", contained)
    assert prefilter.keeps(b"an error", contained)
    assert not prefilter.keeps(b"err", contained)


# -- discovery ----------------------------------------------------------------------------
def test_compiled_excludes_match_as_fnmatch_does() -> None:
    patterns = ["build", "*.pyi", "tests/corpus", "docs/", "a?c", "[!x]y.py", "**/gen_*", ""]
    names = ["build", "x.pyi", "abc", "zy.py", "xy.py", "gen_a.py", "corpus", "", "a.py"]
    relatives = [
        "build",
        "src/build",
        "tests/corpus",
        "tests/corpus/a.py",
        "docs",
        "docs/conf.py",
        "pkg/gen_x.py",
        "gen_x.py",
        "a/b/c.pyi",
        "zy.py",
    ]

    def expected(name: str, relative: str) -> bool:
        return any(
            fnmatch.fnmatchcase(name, p)
            or fnmatch.fnmatchcase(relative, p)
            or fnmatch.fnmatchcase(relative, p.rstrip("/") + "/*")
            for p in patterns
        )

    excluded = _Excludes(patterns)
    for name in names:
        for relative in relatives:
            assert excluded(name, relative) == expected(name, relative), (name, relative)
    assert not _Excludes([])("build", "build")


def test_discovery_keeps_one_name_per_file_through_symlinks(project: Path) -> None:
    if not hasattr(os, "symlink"):
        pytest.skip("no symlinks")
    write(project / "real" / "a.py", RESET_SOURCE)
    try:
        os.symlink("real", project / "linked", target_is_directory=True)
        os.symlink(os.path.join("real", "a.py"), project / "alias.py")
    except OSError:
        pytest.skip("cannot create symlinks here")
    result = run_cli("check", *NC002, "--quiet", ".", "linked/a.py", "linked")
    # One finding: the file is named once, whatever the paths that reach it.
    assert len(result.lines) == 1, result.out


def test_a_warm_run_in_a_subprocess_prints_what_the_cold_one_did(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.netcompat-lint]\n", encoding="utf-8")
    for index in range(8):  # enough for the process pool
        write(tmp_path / f"m{index}.py", RESET_SOURCE, age_ns=DAY_NS)
    argv = [*lint_module_argv(), "check", "--select", "NC002", "-q", "--jobs", "2"]
    cold = run_subprocess(argv, tmp_path)
    warm = run_subprocess(argv, tmp_path)
    assert cold.returncode == warm.returncode == 1
    assert warm.stdout == cold.stdout
    assert len(cold.stdout.splitlines()) == 8
