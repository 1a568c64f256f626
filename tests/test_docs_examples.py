"""The examples of docs/runtime.md run, and examples/github-workflow.yml is sound.

Every fenced ``python`` block of the runtime docs is a complete program that
asserts what the prose says; each runs here in a fresh namespace.  Blocks
fenced ``python no-run`` need a third-party library and are only compiled.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _cli_helpers import REPO, run_cli

from lintrules.cli import build_parser
from lintrules.files import discover

RUNTIME_DOC = REPO / "docs" / "runtime.md"
WORKFLOW = REPO / "examples" / "github-workflow.yml"

_FENCE = re.compile(r"^```python(?P<info>[^\n]*)\n(?P<code>.*?)^```$", re.MULTILINE | re.DOTALL)
_THIRD_PARTY_IMPORT = re.compile(r"^\s*(?:import|from)\s+(?:requests|urllib3|aiohttp)\b", re.M)


@dataclass(frozen=True)
class Block:
    line: int
    section: str
    code: str
    runs: bool

    @property
    def id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.section.lower()).strip("-")
        return f"line{self.line}-{slug}"


def _blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        prose = re.sub(r"^```.*?^```$", "", before, flags=re.MULTILINE | re.DOTALL)
        headings = re.findall(r"^#+ (.+)$", prose, re.MULTILINE)
        info = match["info"].split()
        assert info in ([], ["no-run"]), f"unknown fence info {match['info']!r}"
        blocks.append(
            Block(
                line=before.count("\n") + 2,
                section=headings[-1] if headings else "top",
                code=match["code"],
                runs=not info,
            )
        )
    return blocks


BLOCKS = _blocks(RUNTIME_DOC)
RUNNABLE = [block for block in BLOCKS if block.runs]


def test_the_doc_has_its_sections_and_examples() -> None:
    sections = {block.section for block in RUNNABLE}
    assert {
        "Migrating from tornado/cheroot/eventlet-style errno tuples",
        "requests and urllib3",
        "aiohttp",
        "The real thing, with the standard library",
    } <= sections
    assert len(RUNNABLE) >= 6
    assert [block for block in BLOCKS if not block.runs], "the no-run example went missing"


@pytest.mark.parametrize("block", RUNNABLE, ids=[block.id for block in RUNNABLE])
def test_runnable_example(block: Block) -> None:
    # They must run without the libraries they imitate, and check what they show.
    assert not _THIRD_PARTY_IMPORT.search(block.code)
    assert "assert " in block.code
    code = compile(block.code, f"{RUNTIME_DOC}:{block.line}", "exec", dont_inherit=True)
    namespace: dict[str, Any] = {"__name__": f"docs_runtime_line{block.line}"}
    exec(code, namespace)


def test_no_run_examples_compile() -> None:
    for block in BLOCKS:
        if not block.runs:
            compile(block.code, f"{RUNTIME_DOC}:{block.line}", "exec", dont_inherit=True)


def test_an_example_that_asserts_wrongly_fails() -> None:
    # The harness really executes the code: a false claim in the docs fails.
    wrong = "import netcompat\nassert netcompat.is_reset(TimeoutError())\n"
    with pytest.raises(AssertionError):
        exec(compile(wrong, "wrong", "exec"), {"__name__": "docs_wrong"})


def test_the_readme_links_the_runtime_doc() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shim = readme[readme.index("## The runtime shim") : readme.index("## The linter")]
    assert "docs/runtime.md" in shim


# -- examples/github-workflow.yml --------------------------------------------


def _workflow() -> dict[Any, Any]:
    yaml = pytest.importorskip("yaml")
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _lint_commands(workflow: dict[Any, Any]) -> list[list[str]]:
    commands = []
    for step in _steps(workflow):
        for line in step.get("run", "").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["netcompat-lint"]:
                commands.append(words)
    return commands


def test_the_workflow_parses_and_runs_on_three_systems() -> None:
    workflow = _workflow()
    # YAML 1.1 reads the key ``on`` as True.
    assert "pull_request" in workflow.get("on", workflow.get(True))
    [job] = workflow["jobs"].values()
    systems = job["strategy"]["matrix"]["os"]
    assert {system.split("-")[0] for system in systems} == {"ubuntu", "macos", "windows"}
    assert job["runs-on"] == "${{ matrix.os }}"
    installs = [step["run"] for step in _steps(workflow) if "pip install" in step.get("run", "")]
    assert any("netcompat" in run or "install ." in run for run in installs)


def test_the_workflow_uses_real_options_of_the_linter() -> None:
    commands = _lint_commands(_workflow())
    formats = set()
    for words in commands:
        arguments = words[1 : words.index(">")] if ">" in words else words[1:]
        options = build_parser().parse_args(arguments)  # exits on an unknown option
        formats.add(options.output_format)
    assert formats == {"github", "sarif"}
    assert ["netcompat-lint", "check", "--output-format", "github", "."] in commands


def test_the_workflow_uploads_sarif_on_one_system() -> None:
    workflow = _workflow()
    [job] = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = _steps(workflow)
    [upload] = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    ]
    assert "matrix.os == 'ubuntu-latest'" in upload["if"]
    assert "!cancelled()" in upload["if"]  # upload even when the lint step failed
    [writer] = [s for s in steps if "--output-format sarif" in s.get("run", "")]
    assert writer["if"] == upload["if"]
    assert writer["run"].split(">")[-1].strip() == upload["with"]["sarif_file"]


def test_netcompat_lint_does_not_lint_the_workflow(monkeypatch: pytest.MonkeyPatch) -> None:
    found = discover([str(REPO / "examples")], root=REPO)
    assert found.files, "the examples folder has Python files"
    assert WORKFLOW not in found.files
    assert all(path.suffix == ".py" for path in found.files)
    monkeypatch.chdir(REPO)
    result = run_cli("check", "--no-cache", "--exit-zero", "examples")
    assert result.code == 0
    assert "github-workflow" not in result.out
