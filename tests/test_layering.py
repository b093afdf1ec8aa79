"""The design's import rules, read from the source with `ast`, so the layering cannot erode.

- `daemon/core/` is pure: it imports only itself and the standard library, and
  nothing of the standard library that reaches files, the network, other
  processes or the clock.
- A connector imports from `daemon/` only the model, the Protocols and the
  small helpers named below.
- Nothing imports the command line (`daemon/cli.py`) but `python -m daemon`.
- Running a cycle on ICS + Maildir never loads Google's client libraries.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Third-party modules the core may use, with the reason.
CORE_MAY_IMPORT: dict[str, str] = {
    "jinja2": "note templates: a sandboxed, well-kept template library; rendering is pure",
    "jinja2.sandbox": "the sandboxed environment templates render in",
}
# Standard-library modules that do I/O, read the clock or start processes.
CORE_MUST_NOT_IMPORT = {
    "asyncio", "ftplib", "glob", "http", "importlib", "io", "os", "pathlib", "platform",
    "select", "selectors", "shutil", "signal", "smtplib", "socket", "sqlite3", "ssl",
    "subprocess", "sys", "tempfile", "threading", "time", "urllib",
}  # fmt: skip
# Calls that read the clock or open files, which an import check alone would miss.
CORE_MUST_NOT_CALL = {"now", "today", "utcnow", "open", "read_text", "read_bytes"}
# What connectors may take from daemon/: the model and the Protocols, the text helpers
# every connector needs to quote a stranger's data in one line, and the private-file
# helpers of the connectors that keep files (token, Maildir).
CONNECTORS_MAY_IMPORT = {
    "daemon.core.model",
    "daemon.core.protocols",
    "daemon.core.text",
    "daemon.files",
}
GOOGLE_PACKAGES = ("googleapiclient", "google", "google_auth_oauthlib", "httplib2", "oauthlib")


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports; `from package import name` counts as package.name
    when that is a module of this project."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _is_project_module(f"{node.module}.{alias.name}")
            }
    return found


def _is_project_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def called(path: Path) -> set[str]:
    """The names of every function or method called in `path`."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", modules("daemon/core"), ids=module_name)
def test_the_core_imports_only_itself_and_the_pure_standard_library(path):
    outside = {
        name
        for name in imported(path)
        if not name.startswith("daemon.core")
        and name not in CORE_MAY_IMPORT
        and top(name) not in sys.stdlib_module_names | {"__future__"}
    }
    assert not outside, f"{module_name(path)} imports {sorted(outside)} from outside the core"
    effects = {name for name in imported(path) if top(name) in CORE_MUST_NOT_IMPORT}
    assert not effects, f"{module_name(path)} imports {sorted(effects)}: the core does no I/O"
    calls = called(path) & CORE_MUST_NOT_CALL
    assert not calls, f"{module_name(path)} calls {sorted(calls)}: time and files come in"


@pytest.mark.parametrize("path", modules("connectors"), ids=module_name)
def test_connectors_take_only_the_model_the_protocols_and_named_helpers(path):
    from_daemon = {name for name in imported(path) if top(name) == "daemon"}
    # `from daemon.core.model import X` also records the package itself.
    packages = {"daemon", "daemon.core"}
    assert from_daemon - packages <= CONNECTORS_MAY_IMPORT, (
        f"{module_name(path)} imports {sorted(from_daemon - packages - CONNECTORS_MAY_IMPORT)}"
    )


@pytest.mark.parametrize(
    "path", [*modules("daemon"), *modules("connectors"), *modules("bench")], ids=module_name
)
def test_nothing_imports_the_command_line(path):
    # `python -m daemon` is its other entry point; the commands are what it runs.
    if module_name(path) in {"daemon.__main__", "daemon.commands"}:
        return
    assert {"daemon.cli", "daemon.commands"}.isdisjoint(imported(path))


def test_help_and_status_load_nothing_they_do_not_need():
    """`--help` loads the parser only; `status` on files and a Maildir no calendar parser."""
    help_only = python("from daemon.cli import build_parser\nbuild_parser()\n" + LOADED_HEAVY)
    assert help_only == "[]"
    status = python("import daemon.commands, daemon.wiring, daemon.core.status\n" + LOADED_HEAVY)
    assert status == "['jinja2']"  # the templates are parsed: status needs the rules


LOADED_HEAVY = (
    "import sys\n"
    "heavy = ('googleapiclient', 'google', 'icalendar', 'jinja2', 'spellchecker', "
    "'daemon.core.detect', 'ssl', 'importlib.metadata')\n"
    "print(sorted(h for h in heavy if h in sys.modules))"
)


def python(code: str) -> str:
    """Run `code` in a fresh interpreter, as the installed command would start."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    return done.stdout.strip()


LOADED_GOOGLE = f"""
import sys
print(sorted(m for m in sys.modules if m.split(".")[0] in {GOOGLE_PACKAGES!r}))
"""


def test_importing_the_cycle_loads_nothing_of_google():
    assert python("import daemon.cycle\n" + LOADED_GOOGLE) == "[]"


def test_a_whole_cycle_on_ics_and_maildir_loads_nothing_of_google(tmp_path):
    (tmp_path / "calendar.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    code = f"""
        import tomllib
        from datetime import UTC, datetime
        from pathlib import Path
        from daemon.config import parse_settings
        from daemon.cycle import run_cycle
        from daemon.wiring import build_runtime
        text = '''
        [you]
        name = "Alex Rivera"
        email = "alex@example.com"
        [[calendar]]
        kind = "ics"
        path = "calendar.ics"
        [drafts]
        kind = "maildir"
        path = "Mail/Drafts"
        [state]
        dir = "state"
        '''
        base = Path({str(tmp_path)!r})
        settings = parse_settings(tomllib.loads(text), source="test", base=base)
        runtime = build_runtime(settings)
        run_cycle(datetime.now(UTC), runtime)
        runtime.close()
    """
    assert python(textwrap.dedent(code) + LOADED_GOOGLE) == "[]"


def test_a_source_tree_finds_its_shipped_files_without_an_install(tmp_path):
    """Run from the source folders alone (no installed package mapping config/ and
    systemd/): the templates and the unit file are still found."""
    site = [p for p in sys.path if p.endswith("site-packages")]
    code = """
        from daemon.templates import shipped_template
        from daemon.unit import unit_text
        import daemon.shipped, importlib.util
        assert importlib.util.find_spec("daemon.defaults") is None, "an install is in the way"
        shipped_template("thank-you"); shipped_template("check-in")
        assert "ExecStart=followup run" in unit_text(["followup"])
        print("ok")
    """
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), *site]), "PATH": os.environ["PATH"]}
    done = subprocess.run(
        [sys.executable, "-S", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert done.stdout.strip() == "ok", done.stderr
