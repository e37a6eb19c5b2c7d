"""The core and the CLI must work on a machine where Textual cannot be imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BLOCK_TEXTUAL = textwrap.dedent(
    """
    import importlib.abc
    import sys

    class BlockTextual(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "textual" or name.startswith("textual."):
                raise ImportError(f"textual is blocked in this test ({name})")
            return None

    sys.meta_path.insert(0, BlockTextual())
    for name in list(sys.modules):
        if name == "textual" or name.startswith("textual."):
            del sys.modules[name]
    """
)

CORE_MODULES = (
    "reader.store",
    "reader.query",
    "reader.search",
    "reader.importers",
    "reader.export",
    "reader.cli",
    "reader.records",
)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_TEXTUAL + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_blocker_really_blocks():
    result = run_python(
        """
        try:
            import textual
        except ImportError as error:
            print("blocked:", error)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "blocked: textual is blocked" in result.stdout


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_modules_import_without_textual(module: str):
    result = run_python(
        f"""
        import importlib
        importlib.import_module({module!r})
        loaded = sorted(name for name in sys.modules if name.split(".")[0] == "textual")
        print("loaded:", loaded)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout


def test_all_core_modules_together_and_the_cli_runs_without_textual(tmp_path: Path):
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    db = tmp_path / "lib.db"
    result = run_python(
        f"""
        import {", ".join(CORE_MODULES)}
        from click.testing import CliRunner
        from reader.cli import main

        runner = CliRunner()
        db = sys.argv[1]
        for args in (
            ["import", sys.argv[2]],
            ["tag", "1", "vision"],
            ["papers", "tag:vision", "--json"],
            ["undo"],
        ):
            result = runner.invoke(main, ["--db", db, *args])
            assert result.exit_code == 0, (args, result.output)
            print(result.stdout.strip().splitlines()[0])
        assert not any(name.split(".")[0] == "textual" for name in sys.modules)
        print("ok")
        """,
        str(db),
        str(fixtures),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("14 papers read from 3 files")
    assert result.stdout.splitlines()[-1] == "ok"
