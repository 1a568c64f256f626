"""A plain check never imports libcst (findings come from ``ast``; libcst only fixes), nor what it does not use.

Each case runs the command line in a fresh interpreter (``--jobs 1``: in that
process) and reports which heavy modules the run loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lintrules.rule import Rule
from lintrules.rules import all_rules

AST_RULES = [rule for rule in all_rules() if issubclass(rule, Rule)]

PROBE = """
import json, sys
from lintrules.cli import main
code = main(sys.argv[1:])
print(json.dumps({"exit": code, "libcst": sorted(m for m in sys.modules if m.split(".")[0] == "libcst")}))
"""


def _run(tmp_path: Path, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "check", "--no-cache", "--jobs", "1", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("rule", AST_RULES, ids=[rule.CODE for rule in AST_RULES])
def test_check_with_findings_does_not_import_libcst(tmp_path: Path, rule: type[Rule]) -> None:
    example = next(e for e in rule.INVALID if not e.options)
    (tmp_path / "example.py").write_text(example.code, encoding="utf-8")
    result = _run(tmp_path, "--select", rule.CODE, "--exit-zero", "--output-format", "text", "example.py")
    assert result["exit"] == 0
    assert result["libcst"] == []


def test_json_output_with_a_fixable_finding_does_import_libcst(tmp_path: Path) -> None:
    # JSON carries each fix's text edit, which libcst computes: the one
    # check that needs it (this proves the probe above can see an import).
    (tmp_path / "example.py").write_text("import errno\nX = errno.WSAECONNRESET\n")
    result = _run(tmp_path, "--select", "NC002", "--exit-zero", "--output-format", "json", "example.py")
    assert "libcst" in result["libcst"]


# What a one-file check (pre-commit's call) leaves unimported, besides libcst:
# the TOML parser when no configuration file is found, the writer's temporary
# files, argparse's terminal-width lookup through shutil, difflib's suggestions.
_STARTUP_PROBE = """
import json, sys
from lintrules.cli import main
code = main(sys.argv[1:])
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}))
"""
_NOT_AT_STARTUP = ("tomllib", "tomli", "tempfile", "shutil", "difflib", "libcst")


def test_a_one_file_check_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    (tmp_path / "server.py").write_text(
        "def serve(listener):\n    conn, _ = listener.accept()\n    return conn.recv(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", _STARTUP_PROBE, "check", "--no-cache", "--exit-zero", "server.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "NC101" in done.stdout
    assert [m for m in result["modules"] if m.split(".")[0] in _NOT_AT_STARTUP] == []


def test_fix_with_only_unsafe_fixes_on_offer_does_not_import_libcst(tmp_path: Path) -> None:
    """``--fix`` applies safe fixes: where every fix is unsafe (NC101's), there is nothing for libcst."""
    source = "def serve(listener):\n    conn, _ = listener.accept()\n    data = conn.recv(1)\n    return data\n"
    (tmp_path / "server.py").write_text(source)
    result = _run(tmp_path, "--select", "NC101", "--exit-zero", "--fix", "server.py")
    assert result["libcst"] == []
    assert (tmp_path / "server.py").read_text() == source
    result = _run(tmp_path, "--select", "NC101", "--exit-zero", "--fix", "--unsafe-fixes", "server.py")
    assert "libcst" in result["libcst"]
    assert (tmp_path / "server.py").read_text() != source
