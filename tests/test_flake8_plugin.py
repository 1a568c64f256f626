"""The rules as a flake8 plugin, tested through flake8 itself.

flake8 finds plugins through entry points of installed distributions.  When
this checkout is not installed (or installed without the entry point), the
tests make flake8 find it anyway: a throw-away ``.dist-info`` folder, whose
``entry_points.txt`` is written from ``pyproject.toml``'s own table, goes on
``PYTHONPATH`` next to the checkout.  Either way the entry point flake8 loads
is the one ``pyproject.toml`` declares.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from _cli_helpers import REPO, run_cli

from lintrules.engine import lint_source
from lintrules.flake8_plugin import NetcompatChecker, default_rules, rules_for, source_bytes
from lintrules.rules import all_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9 and 3.10
    import tomli as tomllib

GROUP = "flake8.extension"

#: NC001 on line 9; NC002 on line 11 hidden by its noqa; one finding per shape.
CLIENT = """\
import errno
import socket


def read(sock: socket.socket) -> bytes:
    try:
        return sock.recv(4096)
    except OSError as e:
        if e.errno == 104:
            return b""
        if e.errno == errno.WSAECONNRESET:  # noqa: NC002
            return b""
        raise
"""
#: The finding is on line 2; the noqa sits on the next line, where only flake8
#: sees it: flake8 searches all the physical lines of a backslash-continued
#: line (or of a multi-line string) for noqa; the engine only the first.
MULTILINE_NOQA = """\
def check(e):
    return e.errno == \\
        104  # noqa: NC001
"""
#: NC008 is off by default.
PREFER_CLASS = """\
import errno
try:
    work()
except OSError as e:
    log(e)
    if e.errno == errno.ECONNRESET:
        reconnect()
"""
#: NC101 fires on ``conn.recv`` only with the socket-name-heuristic option.
HEURISTIC = "def f(conn):\n    return conn.recv(10)\n"


def _declared_entry_points() -> dict[str, str]:
    with open(REPO / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    declared: dict[str, str] = project["entry-points"][GROUP]
    return declared


def _installed_entry_point() -> metadata.EntryPoint | None:
    for dist in metadata.distributions():
        for entry_point in dist.entry_points:
            if entry_point.group == GROUP and entry_point.name == "NC":
                return entry_point
    return None


@pytest.fixture(scope="module")
def flake8_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment in which ``python -m flake8`` loads this checkout's plugin."""
    pytest.importorskip("flake8")
    paths = [str(REPO)]
    installed = _installed_entry_point()
    if installed is None:
        site = tmp_path_factory.mktemp("site")
        info = site / "netcompat_checkout-0.0.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: netcompat-checkout\nVersion: 0.0.0\n", encoding="utf-8"
        )
        lines = [f"{name} = {value}" for name, value in _declared_entry_points().items()]
        (info / "entry_points.txt").write_text(
            f"[{GROUP}]\n" + "\n".join(lines) + "\n", encoding="utf-8"
        )
        paths.append(str(site))
    else:
        assert installed.value == _declared_entry_points()["NC"], "stale install: reinstall"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*paths, *filter(None, [env.get("PYTHONPATH")])])
    return env


def flake8(
    env: dict[str, str], *args: str, cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def _positions(output: str) -> list[tuple[str, int, int, str]]:
    """``(file, line, column, code)`` of each ``file:line:col: CODE message`` line."""
    found = []
    for line in output.splitlines():
        match = re.match(r"^(.*?):(\d+):(\d+): ([A-Z]+\d+) ", line)
        assert match is not None, line
        found.append((match[1], int(match[2]), int(match[3]), match[4]))
    return found


# -- the plugin as flake8 sees it ------------------------------------------


def test_the_entry_point_names_the_plugin_class() -> None:
    declared = _declared_entry_points()
    assert declared == {"NC": "lintrules.flake8_plugin:NetcompatChecker"}
    module, _, attribute = declared["NC"].partition(":")
    assert getattr(importlib.import_module(module), attribute) is NetcompatChecker
    # flake8 makes a class with a ``tree`` parameter an AST plugin and passes
    # the other parameters by name from its file processor.
    parameters = list(inspect.signature(NetcompatChecker.__init__).parameters)
    assert parameters == ["self", "tree", "lines", "filename"]


def test_importing_the_plugin_does_not_import_flake8() -> None:
    code = "import sys, lintrules.flake8_plugin; print('flake8' in sys.modules)"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def _row_column(item: dict[str, Any]) -> tuple[int, int]:
    return item["location"]["row"], item["location"]["column"]


def test_findings_match_netcompat_lint(
    flake8_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "client.py", CLIENT)
    # Non-ASCII text before the finding: both count columns in characters.
    _write(tmp_path, "accents.py", 'import errno\nnote = "réseau"; hit = e.errno == 104\n')
    result = flake8(flake8_env, "--isolated", "--select", "NC", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert re.search(
        r"^\./client\.py:9:12: NC001 104 is ECONNRESET only on Linux; .*errno\.ECONNRESET$",
        result.stdout,
        re.MULTILINE,
    )
    monkeypatch.chdir(tmp_path)
    ours = json.loads(run_cli("check", "--no-cache", "--output-format", "json", ".").out)
    expected = {
        (f"./{Path(f['filename']).relative_to(tmp_path).as_posix()}", *_row_column(f), f["code"])
        for f in ours
    }
    assert set(_positions(result.stdout)) == expected
    assert len(expected) == 2  # NC001 twice; the NC002 on line 11 has its noqa


def test_plugin_runs_next_to_flake8s_own_checks(flake8_env: dict[str, str], tmp_path: Path) -> None:
    _write(tmp_path, "client.py", "import os\n" + CLIENT)
    result = flake8(flake8_env, "--isolated", "client.py", cwd=tmp_path)
    codes = [code for _, _, _, code in _positions(result.stdout)]
    assert codes == ["F401", "NC001"]  # NC is selected by default, like any plugin


def test_noqa_works_through_flake8(flake8_env: dict[str, str], tmp_path: Path) -> None:
    path = _write(tmp_path, "multiline.py", MULTILINE_NOQA)
    # The noqa is not on the finding's line but on the line its statement
    # ends, where ruff and flake8 read it: the engine reads it there too.
    assert lint_source(path.read_bytes(), default_rules()).findings == ()
    without = MULTILINE_NOQA.replace("  # noqa: NC001", "").encode()
    [finding] = lint_source(without, default_rules()).findings
    assert (finding.code, finding.line) == ("NC001", 2)

    result = flake8(flake8_env, "--isolated", "--select", "NC", "multiline.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")

    other_code = MULTILINE_NOQA.replace("noqa: NC001", "noqa: E501")
    _write(tmp_path, "multiline.py", other_code)
    result = flake8(flake8_env, "--isolated", "--select", "NC", "multiline.py", cwd=tmp_path)
    assert _positions(result.stdout) == [("multiline.py", 2, 12, "NC001")]


def test_netcompat_lint_configuration_is_read(flake8_env: dict[str, str], tmp_path: Path) -> None:
    # The same file as the command line reads, found from each file's folder.
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    _write(project / "pkg", "client.py", CLIENT)
    _write(project, "pyproject.toml", '[tool.netcompat-lint]\nignore = ["NC001"]\n')
    result = flake8(flake8_env, "--isolated", "--select", "NC", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")

    _write(
        project,
        "pyproject.toml",
        '[tool.netcompat-lint]\nper-file-ignores = { "pkg/*" = ["NC0"] }\n',
    )
    result = flake8(flake8_env, "--isolated", "--select", "NC", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_a_table_that_looks_like_ours_stops_flake8(
    flake8_env: dict[str, str], tmp_path: Path
) -> None:
    _write(tmp_path, "client.py", CLIENT)
    _write(tmp_path, "pyproject.toml", '[tool.netcompat]\nignore = ["NC001"]\n')
    result = flake8(flake8_env, "--isolated", "--select", "NC", ".", cwd=tmp_path)
    assert result.returncode != 0
    assert "did you mean [tool.netcompat-lint]?" in result.stderr + result.stdout


def test_file_level_exemption_through_flake8(flake8_env: dict[str, str], tmp_path: Path) -> None:
    _write(tmp_path, "client.py", "# netcompat-lint: noqa: NC001\n" + CLIENT)
    result = flake8(flake8_env, "--isolated", "--select", "NC", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_flake8_config_ignores_and_per_file_ignores(
    flake8_env: dict[str, str], tmp_path: Path
) -> None:
    _write(tmp_path, "client.py", CLIENT)
    tests = tmp_path / "tests"
    tests.mkdir()
    _write(tests, "test_client.py", CLIENT)
    _write(tmp_path, "heuristic.py", HEURISTIC)
    config = "[flake8]\nselect = NC\nper-file-ignores =\n    tests/*: NC001\n"
    _write(tmp_path, "setup.cfg", config)
    result = flake8(flake8_env, ".", cwd=tmp_path)
    assert _positions(result.stdout) == [("./client.py", 9, 12, "NC001")]

    _write(tmp_path, "setup.cfg", config + "extend-ignore = NC001\n")
    result = flake8(flake8_env, ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_rule_options_come_from_flake8_config(flake8_env: dict[str, str], tmp_path: Path) -> None:
    _write(tmp_path, "heuristic.py", HEURISTIC)
    result = flake8(flake8_env, "--isolated", "--select", "NC", "heuristic.py", cwd=tmp_path)
    assert result.stdout == ""
    _write(tmp_path, ".flake8", "[flake8]\nselect = NC\nnetcompat-socket-name-heuristic = true\n")
    result = flake8(flake8_env, "heuristic.py", cwd=tmp_path)
    assert _positions(result.stdout) == [("heuristic.py", 2, 12, "NC101")]


def test_opt_in_rule_runs_only_when_selected_by_full_code(
    flake8_env: dict[str, str], tmp_path: Path
) -> None:
    _write(tmp_path, "prefer.py", PREFER_CLASS)
    _write(tmp_path, "client.py", CLIENT)
    result = flake8(flake8_env, "--isolated", "--select", "NC", "prefer.py", cwd=tmp_path)
    assert result.stdout == ""  # a prefix selects the default rules only (as rules_for)
    # Two files and two jobs: the workers pick the rules from the options too.
    result = flake8(
        flake8_env,
        "--isolated",
        "--select",
        "NC",
        "--extend-select",
        "NC008",
        "--jobs",
        "2",
        "prefer.py",
        "client.py",
        cwd=tmp_path,
    )
    assert sorted(_positions(result.stdout)) == [
        ("client.py", 9, 12, "NC001"),
        ("prefer.py", 6, 8, "NC008"),
    ]


def test_stdin_with_a_display_name(flake8_env: dict[str, str], tmp_path: Path) -> None:
    args = ("--isolated", "--select", "NC", "--stdin-display-name", "src/client.py", "-")
    result = flake8(flake8_env, *args, cwd=tmp_path, stdin=CLIENT)
    assert _positions(result.stdout) == [("src/client.py", 9, 12, "NC001")]


def test_declared_encodings(flake8_env: dict[str, str], tmp_path: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\nnote = 'é'; hit = e.errno == 104\n"
    _write(tmp_path, "latin.py", latin, encoding="latin-1")
    unknown = "# -*- coding: klingon -*-\nhit = e.errno == 104\n"
    _write(tmp_path, "unknown.py", unknown)
    result = flake8(flake8_env, "--isolated", "--select", "NC,E9", ".", cwd=tmp_path)
    assert sorted(_positions(result.stdout)) == [
        ("./latin.py", 2, 19, "NC001"),
        # flake8 reads it as Latin-1 and says nothing; Python would refuse it.
        ("./unknown.py", 1, 1, "NC900"),
    ]


def test_syntax_errors_are_flake8s_e999(flake8_env: dict[str, str], tmp_path: Path) -> None:
    _write(tmp_path, "py2.py", 'import errno\nprint "reset", errno.ECONNRESET\n')
    result = flake8(flake8_env, "--isolated", "--select", "NC,E9", "py2.py", cwd=tmp_path)
    assert [code for _, _, _, code in _positions(result.stdout)] == ["E999"]


# -- the plugin class without flake8 -----------------------------------------


#: The plugin ignores the tree flake8 passes; an empty module stands in.
NO_TREE = ast.Module(body=[], type_ignores=[])


def _run(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    checker = NetcompatChecker(NO_TREE, lines, "example.py")
    return [(line, column, text) for line, column, text, _ in checker.run()]


def test_run_yields_flake8_tuples() -> None:
    results = list(NetcompatChecker(NO_TREE, CLIENT.splitlines(True), "x.py").run())
    [(line, column, text, kind)] = results
    assert (line, column, kind) == (9, 11, NetcompatChecker)
    assert text.startswith("NC001 104 is ECONNRESET only on Linux")


def test_engine_findings_pass_through() -> None:
    # flake8 never calls the plugin on code ``ast`` rejects, but libcst may
    # reject code that ``ast`` accepts; such an NC901 must not be lost.
    [(line, _, text)] = _run(['print "closed"\n', "import errno\n"])
    assert line == 1
    assert text.startswith("NC901 cannot parse with Python 3.")
    assert "(this looks like Python 2 code)" in text


def test_source_bytes_round_trips_the_declared_encoding() -> None:
    lines = ["# coding: latin-1\n", "x = 'é'\n"]
    assert source_bytes(lines) == "".join(lines).encode("latin-1")
    assert source_bytes(["x = 'é'\n"]) == "x = 'é'\n".encode()
    assert source_bytes(["# coding: ascii\n", "x = 'é'\n"]) == "# coding: ascii\nx = 'é'\n".encode()


def test_parse_options_picks_rules_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(NetcompatChecker, "rules", ())
    monkeypatch.setattr(NetcompatChecker, "rule_options", {})
    options = argparse.Namespace(
        select=["E", "NC"],
        extend_select=["nc008"],
        netcompat_socket_name_heuristic=True,
    )
    NetcompatChecker.parse_options(options)
    codes = [rule.CODE for rule in NetcompatChecker.rules]
    assert codes == [rule.CODE for rule in all_rules()]
    assert NetcompatChecker.rule_options == {"socket-name-heuristic": True}
    assert [rule.CODE for rule in rules_for(["NC"])] == [rule.CODE for rule in default_rules()]
    assert "NC008" not in {rule.CODE for rule in default_rules()}
