"""How well netcompat-lint's rules do on real code: recall and precision per rule.

Two data files beside this script hold references only (repository, commit,
path, line), never third-party source:

* ``real_sites.toml``: sites in real networking projects, labelled by hand with
  the code a rule should report there (``NC001`` to ``NC007``, ``NC101``,
  ``NC102``), or ``"none"`` for a look-alike that no rule (or the rule named in
  ``lookalike``) may report.  The default command lints the labelled files and
  prints recall per rule, the findings on the negatives and the misses.
* ``judged_findings.toml``: the trees (repository, commit) that ``sample`` lints
  whole, as a user would (default settings, test files included), and hand
  judgements of a reproducible sample of what the linter found there:
  ``act`` (a maintainer would change the code), ``false`` (not what the rule
  says: not a socket, guarded, a different error...) or ``noise`` (true to the
  letter, but nobody would change it, such as an unguarded ``recv`` in a test).

Usage::

    python bench/evaluate_rules.py [--json] [--source DIR] [--mirrors DIR] [--work DIR]
    python bench/evaluate_rules.py sample [--json] [--dry-run] [--show-pending]
        [--seed N] [--quota CODE=N ...] [--per-project N] [--source DIR] [--mirrors DIR] [--work DIR]

``sample`` lints every tree, draws the sample (each finding gets a score from a
hash of the seed and its key, and per rule the lowest scores are taken, at most
``--per-project`` per project, so the same findings stay in the sample when the
rules change and only new findings enter it), adds the sampled findings that have
no judgement yet to ``judged_findings.toml`` as ``verdict = "pending"`` (keeping
every judgement, keyed by repository, commit, path, line and code) and prints the
act-rate per rule over the judged findings of today's sample.  After a rule
change: run ``sample --show-pending``, judge the pending entries in the file, run
it again.

The files come from git mirrors: ``<mirrors>/<owner>+<name>/repo``, a bare
repository or a clone's work tree (default ``/work/.mirror``, where the session's
``fetch`` tool puts them).  To make one::

    git clone --bare https://github.com/OWNER/NAME MIRRORS/OWNER+NAME/repo

Each labelled commit's ``*.py`` files are extracted into ``--work`` (default: a
temporary folder, deleted afterwards; a given folder is kept and reused) at
their paths in the repository, under ``<owner>+<name>@<commit>/``, so relative
paths and test-file detection see what they would in the project.  An empty
``netcompat-lint.toml`` at the top of that folder keeps any configuration above
it out.  Each tree gets a ``pyproject.toml`` with the ``requires-python`` the
project declared at that commit (its ``pyproject.toml``, else ``python_requires``
of ``setup.cfg`` or ``setup.py``, else ``>=2.7`` for a Python 2 classifier) and
an empty ``[tool.netcompat-lint]``, so the linter infers ``target-version`` as
it would for the project itself.  The linter is ``python -m lintrules`` with ``PYTHONPATH=--source``
(default: this checkout), run with ``--no-cache --output-format json``; codes
that are not enabled by default are added with ``--extend-select``.  A finding
matches a label when the path and code agree and its lines overlap the label's
``line``..``end_line`` (``end_line`` is set only where the statement spans lines).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SITES_FILE = BENCH_DIR / "real_sites.toml"
JUDGED_FILE = BENCH_DIR / "judged_findings.toml"
DEFAULT_MIRRORS = Path("/work/.mirror")

#: The codes a site can be labelled with (``"none"`` marks a negative).
RULE_CODES = (
    "NC001", "NC002", "NC003", "NC004", "NC005", "NC006", "NC007", "NC008", "NC101", "NC102",
)  # fmt: skip
NONE = "none"
#: The errno-shaped rules, whose recall issue 10 measures together.
ERRNO_RULES = ("NC001", "NC002", "NC003", "NC004", "NC005", "NC006", "NC007")
#: Where a labelled site lives: package code, an example or demo script, or tests.
CONTEXTS = ("library", "example", "test")
VERDICTS = ("act", "false", "noise")
PENDING = "pending"
DEFAULT_SEED = 20240611
DEFAULT_QUOTA = 40
DEFAULT_QUOTAS = {"NC101": 120}
DEFAULT_PER_PROJECT = 25

JUDGED_HEADER = """\
# Hand judgements of a reproducible sample of netcompat-lint's findings on whole real trees.
#
# Written by `python bench/evaluate_rules.py sample` (see bench/README.md), which lints every
# [[tree]] below with default settings, test files included, draws the sample and adds the
# sampled findings that are not judged yet as verdict = "pending".  Judge those by hand:
#
#   act    a maintainer would change the code the finding points at
#   false  the finding is wrong (not a socket, already guarded, another error, dead code...)
#   noise  true to the letter, but nobody would change it (an unguarded recv in a test)
#
# with a one-sentence reason.  Judgements are keyed by (repo, commit, path, line, code) and
# kept when the rules change; no third-party source is stored here, only references.
"""


@dataclass(frozen=True)
class Site:
    """One hand-labelled place in a real project."""

    repo: str
    commit: str
    path: str
    line: int
    end_line: int
    expected: str
    lookalike: str | None
    context: str
    why: str


@dataclass(frozen=True)
class Finding:
    """One finding of the linter, at a path inside its tree."""

    repo: str
    commit: str
    path: str
    line: int
    end_line: int
    code: str
    message: str

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        """The key judgements are stored under."""
        return (self.repo, self.commit, self.path, self.line, self.code)


@dataclass(frozen=True)
class Judgement:
    """A hand judgement of one finding."""

    repo: str
    commit: str
    path: str
    line: int
    code: str
    message: str
    verdict: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        """The key judgements are stored under."""
        return (self.repo, self.commit, self.path, self.line, self.code)


# --- data files ------------------------------------------------------------------


def load_sites(path: Path = SITES_FILE) -> list[Site]:
    """The labelled sites of ``real_sites.toml``."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    sites = []
    for entry in data.get("site", []):
        line = int(entry["line"])
        sites.append(
            Site(
                repo=entry["repo"],
                commit=entry["commit"],
                path=entry["path"],
                line=line,
                end_line=int(entry.get("end_line", line)),
                expected=entry["expected"],
                lookalike=entry.get("lookalike"),
                context=entry["context"],
                why=entry["why"],
            )
        )
    return sites


def load_judged(
    path: Path = JUDGED_FILE,
) -> tuple[list[tuple[str, str]], dict[tuple[str, str, str, int, str], Judgement]]:
    """The trees and the judgements of ``judged_findings.toml``."""
    if not path.exists():
        return [], {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    trees = [(entry["repo"], entry["commit"]) for entry in data.get("tree", [])]
    judged: dict[tuple[str, str, str, int, str], Judgement] = {}
    for entry in data.get("finding", []):
        judgement = Judgement(
            repo=entry["repo"],
            commit=entry["commit"],
            path=entry["path"],
            line=int(entry["line"]),
            code=entry["code"],
            message=entry.get("message", ""),
            verdict=entry["verdict"],
            reason=entry.get("reason", ""),
        )
        judged[judgement.key] = judgement
    return trees, judged


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are all valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def write_judged(
    path: Path,
    trees: Sequence[tuple[str, str]],
    judged: Mapping[tuple[str, str, str, int, str], Judgement],
) -> None:
    """Write ``judged_findings.toml``: the header, the trees, then the judgements in key order."""
    lines = [JUDGED_HEADER]
    for repo, commit in trees:
        lines.append(f"[[tree]]\nrepo = {_toml_string(repo)}\ncommit = {_toml_string(commit)}\n")
    for key in sorted(judged):
        item = judged[key]
        lines.append(
            "[[finding]]\n"
            f"repo = {_toml_string(item.repo)}\n"
            f"commit = {_toml_string(item.commit)}\n"
            f"path = {_toml_string(item.path)}\n"
            f"line = {item.line}\n"
            f"code = {_toml_string(item.code)}\n"
            f"message = {_toml_string(item.message)}\n"
            f"verdict = {_toml_string(item.verdict)}\n"
            f"reason = {_toml_string(item.reason)}\n"
        )
    path.write_text("\n".join(lines), encoding="utf-8")


# --- trees -----------------------------------------------------------------------


def tree_name(repo: str, commit: str) -> str:
    """The folder a repository's commit is extracted to."""
    return f"{repo.replace('/', '+')}@{commit}"


def git_dir(mirrors: Path, repo: str) -> Path:
    """The git directory of ``repo``'s mirror (bare, or a clone's ``.git``)."""
    base = mirrors / repo.replace("/", "+") / "repo"
    if (base / ".git").is_dir():
        return base / ".git"
    if (base / "HEAD").is_file():
        return base
    raise SystemExit(
        f"no mirror of {repo} at {base}: git clone --bare https://github.com/{repo} {base}"
    )


def materialise(mirrors: Path, repo: str, commit: str, work: Path) -> Path:
    """Extract the ``*.py`` files of ``repo`` at ``commit`` into ``work``; return the tree's root.

    Files are read blob by blob (``git cat-file --batch``), so a snapshot whose
    large non-Python files are missing still gives every ``*.py`` file.
    """
    root = work / tree_name(repo, commit)
    git = git_dir(mirrors, repo)
    _declare_pythons(git, commit, root)
    marker = root / ".extracted"
    if marker.exists():
        return root
    listing = subprocess.run(
        ["git", f"--git-dir={git}", "ls-tree", "-r", "-z", commit],
        capture_output=True,
        check=True,
    ).stdout
    blobs: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode in (b"100644", b"100755") and path.endswith(".py"):
            blobs.append((sha.decode(), path))
    batch = subprocess.run(
        ["git", f"--git-dir={git}", "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in blobs).encode(),
        capture_output=True,
        check=True,
    ).stdout
    offset = 0
    for _, path in blobs:
        end = batch.index(b"\n", offset)
        header = batch[offset:end].split()
        offset = end + 1
        if header[1] == b"missing":
            continue
        size = int(header[2])
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[offset : offset + size])
        offset += size + 1
    root.mkdir(parents=True, exist_ok=True)
    marker.write_text(commit + "\n", encoding="utf-8")
    return root


#: ``python_requires`` in a ``setup.py`` or ``setup.cfg``, as text.
_PYTHON_REQUIRES = re.compile(r"""python_requires\s*=\s*["']?([^"'\n,)]+(?:,[^"'\n)]+)*)""")


_PYTHON_2_CLASSIFIER = re.compile(r"Programming Language :: Python :: 2(?:\.\d+)?\b")


def declared_pythons(git: Path, commit: str) -> str | None:
    """The ``requires-python`` the project declared at ``commit`` (its
    ``pyproject.toml``, else ``python_requires`` of ``setup.cfg`` or
    ``setup.py``, else ``>=2.7`` for a Python 2 classifier there), or None."""

    def show(name: str) -> str | None:
        done = subprocess.run(
            ["git", f"--git-dir={git}", "show", f"{commit}:{name}"], capture_output=True
        )
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    text = show("pyproject.toml")
    if text is not None:
        try:
            project = tomllib.loads(text).get("project", {})
        except tomllib.TOMLDecodeError:
            project = {}
        requires = project.get("requires-python") if isinstance(project, dict) else None
        if isinstance(requires, str):
            return requires
    texts = [text for text in (show("setup.cfg"), show("setup.py")) if text is not None]
    for text in texts:
        found = _PYTHON_REQUIRES.search(text)
        if found is not None:
            return found.group(1).strip()
    if any(_PYTHON_2_CLASSIFIER.search(text) for text in texts):
        return ">=2.7"  # no python_requires yet, but a classifier says it runs on Python 2
    return None


def _declare_pythons(git: Path, commit: str, root: Path) -> None:
    """Give the tree what a user of the project would configure: a
    ``pyproject.toml`` with the Pythons it declared at that commit and an
    empty ``[tool.netcompat-lint]`` (so that the linter reads it, and infers
    ``target-version`` from it as it would from the project's own)."""
    requires = declared_pythons(git, commit)
    if requires is None:
        return
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        "# Written by bench/evaluate_rules.py: the Pythons the project declared at this commit.\n"
        f"[project]\nrequires-python = {json.dumps(requires)}\n\n[tool.netcompat-lint]\n",
        encoding="utf-8",
    )


def _linter_env(source: Path) -> dict[str, str]:
    """The environment that makes ``python -m lintrules`` import the rules from ``source``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(source), *filter(None, [env.get("PYTHONPATH")])])
    return env


def default_codes(source: Path) -> set[str]:
    """The codes netcompat-lint enables without options (read from the rules' manifest)."""
    script = "from lintrules.rules._manifest import RULES\n"
    script += "print(' '.join(info.CODE for info in RULES if info.DEFAULT_ENABLED))"
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env=_linter_env(source),
        capture_output=True,
        text=True,
        check=True,
    )
    return set(proc.stdout.split())


def run_lint(
    targets: Sequence[Path], *, work: Path, source: Path, extend: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """``netcompat-lint check`` on ``targets`` (files or folders) with JSON output."""
    command = [sys.executable, "-m", "lintrules", "check", "--no-cache", "--exit-zero"]
    command += ["--output-format", "json"]
    extra = sorted(set(extend))
    if extra:
        command += ["--extend-select", ",".join(extra)]
    command += [str(target) for target in targets]
    proc = subprocess.run(
        command, cwd=work, env=_linter_env(source), capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"netcompat-lint failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    result: list[dict[str, Any]] = json.loads(proc.stdout)
    return result


def parse_findings(
    raw: Iterable[Mapping[str, Any]], roots: Mapping[Path, tuple[str, str]]
) -> list[Finding]:
    """Turn JSON findings into :class:`Finding` objects, with paths relative to their tree."""
    findings = []
    for item in raw:
        filename = Path(item["filename"]).resolve()
        root = next((root for root in roots if root in filename.parents), None)
        if root is None:
            continue
        repo, commit = roots[root]
        relative = filename.relative_to(root).as_posix()
        findings.append(
            Finding(
                repo=repo,
                commit=commit,
                path=relative,
                line=int(item["location"]["row"]),
                end_line=int(item["end_location"]["row"]),
                code=item["code"],
                message=item["message"],
            )
        )
    return findings


# --- the labelled sites ----------------------------------------------------------


def overlaps(site: Site, finding: Finding) -> bool:
    """Whether ``finding`` lies at ``site``: same tree and path, overlapping lines."""
    return (
        (site.repo, site.commit, site.path) == (finding.repo, finding.commit, finding.path)
        and finding.line <= site.end_line
        and site.line <= finding.end_line
    )


def classify(site: Site, findings: Sequence[Finding]) -> tuple[str, list[Finding]]:
    """``found``/``missed`` for a positive, ``clean``/``false`` for a negative, with the findings."""
    here = [
        finding
        for finding in findings
        if overlaps(site, finding) and not finding.code.startswith("NC9")
    ]
    if site.expected != NONE:
        matched = [finding for finding in here if finding.code == site.expected]
        return ("found" if matched else "missed"), matched
    wrong = [finding for finding in here if site.lookalike in (None, finding.code)]
    return ("false" if wrong else "clean"), wrong


def evaluate(
    sites: Sequence[Site], findings: Sequence[Finding], unparsed: set[tuple[str, str, str]]
) -> dict[str, Any]:
    """The outcome of every site and the counts per rule."""
    outcomes = []
    rules: dict[str, Counter[str]] = defaultdict(Counter)
    for site in sites:
        status, matched = classify(site, findings)
        if (site.repo, site.commit, site.path) in unparsed:
            status = f"{status} (file not parsed)"
        outcomes.append(
            {**site.__dict__, "status": status, "findings": [f.__dict__ for f in matched]}
        )
        rule = site.expected if site.expected != NONE else (site.lookalike or "any")
        counts = rules[rule]
        if site.expected != NONE:
            counts["positives"] += 1
            counts["found"] += status.startswith("found")
            if site.context != "test":
                counts["positives_outside_tests"] += 1
                counts["found_outside_tests"] += status.startswith("found")
        else:
            counts["negatives"] += 1
            counts["false"] += status.startswith("false")
    return {
        "sites": outcomes,
        "rules": {rule: dict(counts) for rule, counts in sorted(rules.items())},
    }


def _ratio(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "    -"


def print_sites_report(result: Mapping[str, Any], source: Path) -> None:
    """The table per rule, then the misses and the findings on negatives."""
    print(f"netcompat-lint from {source}; {len(result['sites'])} labelled sites\n")
    header = (
        f"{'rule':6} {'pos':>4} {'found':>5} {'recall':>7} {'neg':>4} {'false':>5} {'precision':>9}"
    )
    print(header)
    print("-" * len(header))
    total: Counter[str] = Counter()
    for rule, counts in result["rules"].items():
        total.update(counts)
        found, false = counts.get("found", 0), counts.get("false", 0)
        print(
            f"{rule:6} {counts.get('positives', 0):>4} {found:>5} {_ratio(found, counts.get('positives', 0)):>7}"
            f" {counts.get('negatives', 0):>4} {false:>5} {_ratio(found, found + false):>9}"
        )
    print("-" * len(header))
    found, false = total["found"], total["false"]
    print(
        f"{'all':6} {total['positives']:>4} {found:>5} {_ratio(found, total['positives']):>7}"
        f" {total['negatives']:>4} {false:>5} {_ratio(found, found + false):>9}"
    )
    errno_rules: Counter[str] = Counter()
    for rule in ERRNO_RULES:
        errno_rules.update(result["rules"].get(rule, {}))
    print(
        f"\n{ERRNO_RULES[0]}-{ERRNO_RULES[-1]} together: {errno_rules['found']} of"
        f" {errno_rules['positives']} found"
        f" ({_ratio(errno_rules['found'], errno_rules['positives']).strip()}),"
        f" {errno_rules['false']} findings on {errno_rules['negatives']} negatives"
    )
    nc101 = result["rules"].get("NC101", {})
    print(
        f"NC101 outside test code: {nc101.get('found_outside_tests', 0)} of"
        f" {nc101.get('positives_outside_tests', 0)} found"
        f" ({_ratio(nc101.get('found_outside_tests', 0), nc101.get('positives_outside_tests', 0)).strip()})"
    )
    print("precision = found / (found + findings of that rule on its labelled negatives)")
    misses = [site for site in result["sites"] if site["status"].startswith("missed")]
    wrong = [site for site in result["sites"] if site["status"].startswith("false")]
    print(f"\nMisses ({len(misses)}):")
    for site in misses:
        print(
            f"  {site['expected']} {site['repo']}@{site['commit'][:12]} {site['path']}:{site['line']}  {site['why']}"
        )
    print(f"\nFindings on labelled negatives ({len(wrong)}):")
    for site in wrong:
        for finding in site["findings"]:
            print(
                f"  {finding['code']} {site['repo']}@{site['commit'][:12]} {site['path']}:{finding['line']}"
                f"  {finding['message'][:90]}\n      label: {site['why']}"
            )
    odd = [site for site in result["sites"] if "not parsed" in site["status"]]
    if odd:
        print(f"\nLabelled files the linter could not parse ({len(odd)} sites):")
        for site in odd:
            print(f"  {site['repo']}@{site['commit'][:12]} {site['path']}")


def run_sites(args: argparse.Namespace, work: Path) -> int:
    """The default command: lint the labelled files and compare with the labels."""
    sites = load_sites(args.sites)
    roots: dict[Path, tuple[str, str]] = {}
    targets: set[Path] = set()
    for site in sites:
        root = materialise(args.mirrors, site.repo, site.commit, work)
        roots[root.resolve()] = (site.repo, site.commit)
        targets.add(root / site.path)
    wanted = {site.expected for site in sites} | {
        site.lookalike for site in sites if site.lookalike
    }
    extend = (wanted - {NONE}) - default_codes(args.source)
    raw = run_lint(sorted(targets), work=work, source=args.source, extend=extend)
    findings = parse_findings(raw, roots)
    unparsed = {
        (f.repo, f.commit, f.path) for f in findings if f.code in ("NC900", "NC901", "NC902")
    }
    result = evaluate(sites, findings, unparsed)
    if args.json:
        json.dump({"source": str(args.source), **result}, sys.stdout, indent=2)
        print()
    else:
        print_sites_report(result, args.source)
    return 0


# --- the judged sample -----------------------------------------------------------


def score(seed: int, key: tuple[str, str, str, int, str]) -> int:
    """A finding's place in the random order: a hash of the seed and its key."""
    text = "\0".join([str(seed), *map(str, key)])
    return int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)


def draw_sample(
    findings: Iterable[Finding], *, seed: int, quotas: Mapping[str, int], per_project: int
) -> list[Finding]:
    """Per rule, the lowest-scoring findings: at most ``per_project`` per repository, ``quotas[code]`` in all."""
    unique = {finding.key: finding for finding in findings if not finding.code.startswith("NC9")}
    by_rule: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in unique.values():
        by_rule[finding.code][finding.repo].append(finding)
    sample = []
    for code, projects in sorted(by_rule.items()):
        candidates = []
        for items in projects.values():
            candidates += sorted(items, key=lambda f: score(seed, f.key))[:per_project]
        candidates.sort(key=lambda f: score(seed, f.key))
        sample += candidates[: quotas.get(code, DEFAULT_QUOTA)]
    return sorted(sample, key=lambda f: f.key)


@dataclass
class Tally:
    """One rule's share of today's sample: counts per verdict and the projects judged."""

    counts: Counter[str] = field(default_factory=Counter)
    projects: set[str] = field(default_factory=set)

    @property
    def judged(self) -> int:
        """Findings with a verdict."""
        return sum(self.counts[verdict] for verdict in VERDICTS)


def act_rates(
    sample: Sequence[Finding], judged: Mapping[tuple[str, str, str, int, str], Judgement]
) -> dict[str, Tally]:
    """Per rule: how many findings were sampled, pending, and judged each way."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for finding in sample:
        tally = tallies[finding.code]
        tally.counts["sampled"] += 1
        verdict = judged[finding.key].verdict if finding.key in judged else PENDING
        tally.counts[verdict] += 1
        if verdict != PENDING:
            tally.projects.add(finding.repo)
    return dict(sorted(tallies.items()))


def print_sample_report(
    tallies: Mapping[str, Tally], judged_total: int, stale: int, pending: Sequence[Finding]
) -> None:
    """The act-rate table, then what is left to judge."""
    header = (
        f"{'rule':6} {'sampled':>7} {'judged':>6} {'act':>4} {'false':>5} {'noise':>5}"
        f" {'act-rate':>8} {'not-false':>9} {'projects':>8}"
    )
    print(header)
    print("-" * len(header))
    total = Tally()
    for code, tally in tallies.items():
        total.counts.update(tally.counts)
        total.projects |= tally.projects
        counts = tally.counts
        print(
            f"{code:6} {counts['sampled']:>7} {tally.judged:>6} {counts['act']:>4} {counts['false']:>5}"
            f" {counts['noise']:>5} {_ratio(counts['act'], tally.judged):>8}"
            f" {_ratio(tally.judged - counts['false'], tally.judged):>9} {len(tally.projects):>8}"
        )
    print("-" * len(header))
    counts = total.counts
    print(
        f"{'all':6} {counts['sampled']:>7} {total.judged:>6} {counts['act']:>4} {counts['false']:>5}"
        f" {counts['noise']:>5} {_ratio(counts['act'], total.judged):>8}"
        f" {_ratio(total.judged - counts['false'], total.judged):>9} {len(total.projects):>8}"
    )
    print("act-rate = act / judged; not-false = (act + noise) / judged")
    print(
        f"\n{judged_total} judgements on file, {stale} of them not in today's sample (the finding is gone or not drawn)"
    )
    print(f"{len(pending)} sampled findings are not judged yet")


def show_pending(pending: Sequence[Finding], roots: Mapping[tuple[str, str], Path]) -> None:
    """Each pending finding with the lines around it, to judge it."""
    for finding in pending:
        path = roots[(finding.repo, finding.commit)] / finding.path
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        print(
            f"\n== {finding.code} {finding.repo}@{finding.commit[:12]} {finding.path}:{finding.line}"
        )
        print(f"   {finding.message}")
        for number in range(max(1, finding.line - 6), min(len(lines), finding.line + 3) + 1):
            mark = ">" if number == finding.line else " "
            print(f"{mark}{number:6} {lines[number - 1]}")


def run_sample(args: argparse.Namespace, work: Path) -> int:
    """The ``sample`` command: lint whole trees, draw the sample, keep and report judgements."""
    trees, judged = load_judged(args.judged)
    if not trees:
        raise SystemExit(f"{args.judged} lists no [[tree]]")
    roots = {
        (repo, commit): materialise(args.mirrors, repo, commit, work) for repo, commit in trees
    }
    raw = run_lint(sorted(roots.values()), work=work, source=args.source)
    findings = parse_findings(raw, {root.resolve(): key for key, root in roots.items()})
    quotas = dict(DEFAULT_QUOTAS)
    for item in args.quota:
        code, _, number = item.partition("=")
        quotas[code] = int(number)
    sample = draw_sample(findings, seed=args.seed, quotas=quotas, per_project=args.per_project)
    pending = [finding for finding in sample if finding.key not in judged]
    sampled_keys = {finding.key for finding in sample}
    stale = sum(1 for key in judged if key not in sampled_keys)
    merged = dict(judged)
    for finding in pending:
        merged[finding.key] = Judgement(
            finding.repo,
            finding.commit,
            finding.path,
            finding.line,
            finding.code,
            finding.message,
            PENDING,
            "",
        )
    if not args.dry_run and merged != judged:
        write_judged(args.judged, trees, merged)
    tallies = act_rates(sample, merged)
    if args.json:
        output = {
            "source": str(args.source),
            "findings": len({f.key for f in findings}),
            "rules": {
                code: {**tally.counts, "projects": sorted(tally.projects)}
                for code, tally in tallies.items()
            },
            "pending": [finding.__dict__ for finding in pending],
        }
        json.dump(output, sys.stdout, indent=2)
        print()
    else:
        counted = Counter(f.code for f in {f.key: f for f in findings}.values())
        print(
            f"netcompat-lint from {args.source}; {len(trees)} trees; findings per rule: {dict(sorted(counted.items()))}\n"
        )
        print_sample_report(tallies, len(judged), stale, pending)
        if args.show_pending:
            show_pending(pending, roots)
    return 0


# --- command line ----------------------------------------------------------------


def build_parser(sample: bool) -> argparse.ArgumentParser:
    """The options of the default command, or of ``sample``."""
    prog = "evaluate_rules.py sample" if sample else "evaluate_rules.py"
    parser = argparse.ArgumentParser(prog=prog, description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--source", type=Path, default=REPO_ROOT, help="holds lintrules/ (default: this checkout)"
    )
    parser.add_argument(
        "--mirrors", type=Path, default=DEFAULT_MIRRORS, help="git mirrors: DIR/OWNER+NAME/repo"
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="extract the trees here and keep them (default: a temporary folder)",
    )
    if sample:
        parser.add_argument("--judged", type=Path, default=JUDGED_FILE, help="the judgements file")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--quota",
            action="append",
            default=[],
            metavar="CODE=N",
            help=f"findings per rule (default {DEFAULT_QUOTA}, NC101 {DEFAULT_QUOTAS['NC101']})",
        )
        parser.add_argument(
            "--per-project",
            type=int,
            default=DEFAULT_PER_PROJECT,
            help="at most N per repository and rule",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="do not add pending findings to the judgements file",
        )
        parser.add_argument(
            "--show-pending",
            action="store_true",
            help="print each pending finding with its context",
        )
    else:
        parser.add_argument("--sites", type=Path, default=SITES_FILE, help="the labelled sites")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the default command or ``sample``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    sample = bool(argv) and argv[0] == "sample"
    args = build_parser(sample).parse_args(argv[1:] if sample else argv)
    args.source = args.source.resolve()
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        work = args.work.resolve()
    else:
        work = Path(tempfile.mkdtemp(prefix="ncreal-")).resolve()
    (work / "netcompat-lint.toml").write_text("", encoding="utf-8")
    try:
        return run_sample(args, work) if sample else run_sites(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
