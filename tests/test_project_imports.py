"""Exception classes imported from the project itself are followed into their module (issue 10).

Each case is a small project on disk, linted through the command line: a
handler that names ``SSLError`` from the project's ``_compat`` module guards a
``recv`` only if what ``_compat`` binds it to catches a reset.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _cli_helpers import run_cli

from lintrules import runner
from lintrules.analysis.project import (
    CALLERS_PREFIX,
    PROJECT_CLASS,
    ProjectImports,
    callers_digest,
    callers_key,
    read_package,
    split_callers_key,
)
from lintrules.runner import read_module

READER = """\
import socket

{imports}


def pull(sock: socket.socket, n: int) -> bytes:
    try:
        return sock.recv(n)
    except SSLError:
        raise
"""

# What _compat binds SSLError to, and whether `except SSLError` then catches a reset.
COMPAT = {
    "re-exports ssl's class": ("from ssl import SSLError\n", False),
    "re-exports it under try/except ImportError": (
        "try:\n    from ssl import SSLError\nexcept ImportError:\n"
        "    class SSLError(Exception):\n        pass\n",
        False,
    ),
    "defines its own class": ("class SSLError(Exception):\n    pass\n", False),
    "star-imports ssl": ("from ssl import *\n", False),
    "assigns OSError": ("SSLError = OSError\n", True),
    "assigns socket.error": ("import socket\nSSLError = socket.error\n", True),
    "falls back to OSError": (
        "try:\n    from ssl import SSLError\nexcept ImportError:\n    SSLError = OSError\n",
        True,
    ),
    "re-exports another project module's": ("from ._errors import SSLError\n", True),
    "binds it some other way": ("def _make():\n    return OSError\nSSLError = _make()\n", True),
}
# ._errors, for the case that follows a second module.
ERRORS = "SSLError = ConnectionError\n"

IMPORTS = {
    "relative": "from ._compat import SSLError",
    "absolute": "from pkg._compat import SSLError",
    "module": "from . import _compat\nSSLError = _compat.SSLError",
    "star": "from ._compat import *",
}


def _project(root: Path, compat: str, imports: str) -> Path:
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_compat.py").write_text(compat)
    (package / "_errors.py").write_text(ERRORS)
    reader = package / "client.py"
    reader.write_text(READER.format(imports=imports))
    return reader


def _reported(reader: Path, *extra: str) -> bool:
    result = run_cli(
        "check", "--select", "NC101", "--output-format", "concise", *extra, str(reader)
    )
    assert result.code in (0, 1), result.err
    return "NC101" in result.out


@pytest.mark.parametrize("imports", sorted(IMPORTS))
@pytest.mark.parametrize("case", sorted(COMPAT))
def test_a_project_class_is_followed_into_its_module(
    tmp_path: Path, case: str, imports: str
) -> None:
    compat, catches = COMPAT[case]
    reader = _project(tmp_path, compat, IMPORTS[imports])
    assert _reported(reader, "--no-cache") is not catches


def test_what_cannot_be_followed_still_guards(tmp_path: Path) -> None:
    """A missing module, a module that does not parse, an import cycle: unknown, so cautious."""
    reader = _project(tmp_path, "from ._missing import SSLError\n", IMPORTS["relative"])
    assert not _reported(reader, "--no-cache")
    (tmp_path / "pkg" / "_compat.py").write_text("def broken(:\n")
    assert not _reported(reader, "--no-cache")
    (tmp_path / "pkg" / "_compat.py").write_text("from ._errors import SSLError\n")
    (tmp_path / "pkg" / "_errors.py").write_text("from ._compat import SSLError\n")
    assert not _reported(reader, "--no-cache")


def test_a_top_level_module_of_another_project_is_not_followed(tmp_path: Path) -> None:
    """``from ssl_compat import X`` in a file outside a package: not the project's own."""
    (tmp_path / "ssl_compat.py").write_text("from ssl import SSLError\n")
    reader = tmp_path / "client.py"
    reader.write_text(READER.format(imports="from ssl_compat import SSLError"))
    assert not _reported(reader, "--no-cache")


def test_a_cached_result_is_dropped_when_the_module_it_followed_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "netcompat-lint.toml").write_text("")
    reader = _project(tmp_path, "SSLError = OSError\n", IMPORTS["relative"])
    assert not _reported(reader)
    assert not _reported(reader)  # from the cache
    (tmp_path / "pkg" / "_compat.py").write_text("from ssl import SSLError\n")
    assert _reported(reader)  # the client did not change; its module did
    assert _reported(reader)
    os.remove(tmp_path / "pkg" / "_compat.py")
    assert not _reported(reader)  # gone: unknown again


def test_the_resolver_api(tmp_path: Path) -> None:
    reader = _project(tmp_path, "from ssl import SSLError\n", IMPORTS["relative"])
    project = ProjectImports(read_module)
    imports = project.for_file(reader)
    assert imports.resolve("._compat.SSLError") == frozenset({"ssl.SSLError"})
    assert imports.resolve("pkg._compat.SSLError") == frozenset({"ssl.SSLError"})
    assert imports.resolve("._compat.Missing") is None
    assert imports.resolve("ssl.SSLError") is None  # not the project's
    assert imports.consulted == {str(tmp_path / "pkg" / "_compat.py")}
    (tmp_path / "pkg" / "_compat.py").write_text("class SSLError(Exception):\n    pass\n")
    assert imports.resolve("._compat.SSLError") == frozenset({PROJECT_CLASS})


# --- guarded callers in the project's other modules ---------------------------------

HELPER = """\
import socket


class _SmtpHelper:
    def prepare(self, sock: socket.socket) -> bytes:
        sock.sendall(b"STARTTLS\\r\\n")
        return sock.recv(2048)
"""

CALLER = """\
from ._helpers import _SmtpHelper


def connect(sock):
    helper = _SmtpHelper()
    {body}
"""

# How the package's other module uses the method, and whether NC101 then reports it.
CALLERS = {
    "calls it under except OSError": (
        "try:\n        helper.prepare(sock)\n    except OSError:\n        return None",
        False,
    ),
    "calls it from a function called under a handler": (
        "return helper\n\n\ndef _go(helper, sock):\n    helper.prepare(sock)\n\n\n"
        "def run(sock):\n    try:\n        _go(_SmtpHelper(), sock)\n    except ConnectionError:\n"
        "        pass",
        False,
    ),
    "calls it unguarded": ("helper.prepare(sock)", True),
    "catches only a timeout": (
        "try:\n        helper.prepare(sock)\n    except TimeoutError:\n        return None",
        True,
    ),
    "hands it on": ("return helper.prepare", True),
    "looks it up by name": (
        "try:\n        getattr(helper, 'prepare')(sock)\n    except OSError:\n        pass",
        True,
    ),
}


def _two_modules(root: Path, body: str) -> Path:
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    helper = package / "_helpers.py"
    helper.write_text(HELPER)
    (package / "connection.py").write_text(CALLER.format(body=body))
    return helper


@pytest.mark.parametrize("case", sorted(CALLERS))
def test_a_method_is_guarded_by_its_callers_in_other_modules(tmp_path: Path, case: str) -> None:
    body, reported = CALLERS[case]
    helper = _two_modules(tmp_path, body)
    assert _reported(helper, "--no-cache") is reported


def test_callers_in_test_files_or_outside_a_package_are_not_relied_on(tmp_path: Path) -> None:
    helper = _two_modules(tmp_path, "helper.prepare(sock)")
    os.remove(tmp_path / "pkg" / "connection.py")
    tests = tmp_path / "pkg" / "tests"
    tests.mkdir()
    (tests / "test_helper.py").write_text(
        CALLER.format(body="try:\n        helper.prepare(sock)\n    except OSError:\n        pass")
    )
    assert _reported(helper, "--no-cache")  # only a test calls it: its callers are elsewhere
    os.remove(tmp_path / "pkg" / "__init__.py")
    (tmp_path / "pkg" / "connection.py").write_text(
        CALLER.format(body="try:\n        helper.prepare(sock)\n    except OSError:\n        pass")
    )
    assert _reported(helper, "--no-cache")  # no package: no project to search


def test_a_cached_result_is_dropped_when_a_new_caller_appears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "netcompat-lint.toml").write_text("")
    helper = _two_modules(tmp_path, CALLERS["calls it under except OSError"][0])
    assert not _reported(helper)
    assert not _reported(helper)  # from the cache
    (tmp_path / "pkg" / "cli.py").write_text(CALLER.format(body="helper.prepare(sock)"))
    assert _reported(helper)  # the helper did not change; a new module calls it unguarded
    os.remove(tmp_path / "pkg" / "cli.py")
    assert not _reported(helper)
    (tmp_path / "pkg" / "connection.py").write_text(CALLER.format(body="helper.prepare(sock)"))
    assert _reported(helper)  # the caller's handler is gone


def test_the_callers_api(tmp_path: Path) -> None:
    helper = _two_modules(tmp_path, "helper.prepare(sock)")
    project = ProjectImports(read_module)
    imports = project.for_file(helper)
    found = imports.callers("prepare")
    assert found is not None and len(found) == 1
    assert found[0].project is not None
    key = callers_key(tmp_path / "pkg", "prepare")
    assert split_callers_key(key) == (tmp_path / "pkg", "prepare")
    assert key in imports.consulted
    assert str(tmp_path / "pkg" / "connection.py") in imports.consulted

    def digest() -> bytes:
        return callers_digest(read_package(tmp_path / "pkg", read_module), "prepare")

    before = digest()
    (tmp_path / "pkg" / "unrelated.py").write_text("x = 1\n")
    listed = digest()
    assert listed != before  # a new file: the listing changed
    (tmp_path / "pkg" / "unrelated.py").write_text("y = 2\n")
    assert digest() == listed  # it does not mention the name
    (tmp_path / "pkg" / "unrelated.py").write_text("x.prepare()\n")
    assert digest() != listed
    assert project.for_file(tmp_path / "outside.py").callers("prepare") is None


def test_the_cache_knows_the_callers_prefix() -> None:
    assert runner.CALLERS_PREFIX == CALLERS_PREFIX


OVERRIDE = '''\
from ._helpers import _SmtpHelper


class _StartTlsHelper(_SmtpHelper):
    def prepare(self, sock):
        {call}
'''


@pytest.mark.parametrize(
    "call",
    [
        "return _SmtpHelper.prepare(self, sock)",
        "return super().prepare(sock)",
        "return self.other.prepare(sock)",
    ],
)
def test_an_override_calling_its_base_is_called_where_the_override_is(
    tmp_path: Path, call: str
) -> None:
    """The base's ``prepare`` is called by the override, whose callers are the
    same ``X.prepare(...)`` uses: guarded ones guard both."""
    helper = _two_modules(tmp_path, CALLERS["calls it under except OSError"][0])
    (tmp_path / "pkg" / "_starttls.py").write_text(OVERRIDE.format(call=call))
    assert not _reported(helper, "--no-cache")
    (tmp_path / "pkg" / "cli.py").write_text(CALLER.format(body="helper.prepare(sock)"))
    assert _reported(helper, "--no-cache")  # an unguarded call anywhere still counts
