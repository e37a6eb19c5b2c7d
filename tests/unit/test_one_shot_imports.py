"""A one-paper command pays only for what it uses: the app, the fuzzy matcher, the parsers,
the web client, sqlite-utils, and modules it has no use for are never imported by ``tag``,
``rate``, ``status`` and ``show`` (each costs milliseconds of every command's start)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.incoming import ParsedListing, ParsedPaper
from reader.store import Library

NEVER = (
    "textual",
    "rich",
    "rapidfuzz",
    "bibtexparser",
    "requests",
    "arxiv",
    "sqlite_utils",
    "tempfile",
    "shutil",
    "_hashlib",
    "reader.tui",
    "reader.importers",
    "reader.export",
    "reader.web",
    "reader.query",
    "reader.duplicates",
    "reader.store.search",
    # Records of imports and of the overviews (each frozen dataclass costs a millisecond).
    "reader.incoming",
    "reader.summaries",
    # With --db (or READER_DB) and READER_CACHE_DIR given, the settings file and the platform's
    # folders are never looked for.
    "reader.config",
    "tomllib",
    "platformdirs",
)

RUN = """
import json, sys
from reader.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    never = json.loads(os.environ["NEVER"])
    print(json.dumps(sorted(
        name for name in sys.modules
        if any(name == banned or name.startswith(banned + ".") for banned in never)
    )))
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("one-shot") / "lib.db"
    paper = ParsedPaper("Attention Is All You Need", "Transformers.", None, "x.txt")
    with Library(path) as lib:
        lib.import_listings([ParsedListing("x.txt", None, (paper,))])
    return path


@pytest.mark.parametrize(
    "command",
    [["tag", "1", "vision"], ["rate", "1", "4"], ["status", "1", "reading"], ["show", "1"]],
    ids=lambda command: command[0],
)
def test_a_one_paper_command_imports_nothing_it_does_not_use(
    library: Path, tmp_path: Path, command: list[str]
) -> None:
    env = {
        "NEVER": json.dumps(NEVER),
        "READER_CACHE_DIR": str(tmp_path / "cache"),
        "READER_CONFIG": str(tmp_path / "none.toml"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import os\n" + RUN, "--db", str(library), *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_a_search_from_the_command_line_imports_nothing_it_does_not_use(
    library: Path, tmp_path: Path
) -> None:
    """``reader papers`` needs the query language and the search, not the rest."""
    unused = [name for name in NEVER if name not in ("reader.query", "reader.store.search")]
    env = {
        "NEVER": json.dumps(unused),
        "READER_CACHE_DIR": str(tmp_path / "cache"),
        "READER_CONFIG": str(tmp_path / "none.toml"),
        "PATH": "/usr/bin:/bin",
    }
    command = ["--db", str(library), "papers", "attention", "--limit", "20"]
    done = subprocess.run(
        [sys.executable, "-c", "import os\n" + RUN, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Attention Is All You Need" in done.stdout
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_app_s_first_screen_does_not_import_what_it_may_never_need() -> None:
    """The Markdown renderer of notes (with its syntax highlighter) and the fuzzy matcher are
    loaded by the first note shown and the first typo, not before the app's first frame."""
    code = (
        "import sys, json\n"
        "import reader.cli, reader.tui.app, reader.tui.screens.library\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('markdown_it', 'pygments', 'rapidfuzz') or m in ('rich.markdown', 'reader.search'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_command_s_start_is_set_aside_from_the_collector() -> None:
    """``reader`` (and ``python -m reader``) import the command line with the collector paused,
    then freeze what the imports made: no collection walks it, then or later."""
    script = """
import gc
from reader.command import load_command_line
passes = []
gc.callbacks.append(lambda phase, info: passes.append(phase))
main = load_command_line()
print(len(passes), gc.isenabled(), gc.get_freeze_count() > 10_000, main.name)
gc.disable()
load_command_line()
print(gc.isenabled())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.split() == ["0", "True", "True", "main"]
    assert second == "False"  # a collector the caller paused stays paused


def test_python_dash_m_reader_runs_the_command_line(library: Path, tmp_path: Path) -> None:
    env = {"READER_CACHE_DIR": str(tmp_path / "cache"), "READER_CONFIG": str(tmp_path / "n")}
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(library), "show", "1"],
        capture_output=True,
        text=True,
        env={**env, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Attention Is All You Need" in done.stdout
