"""Fixtures for the app tests: a fresh demo library (with a fixed clock) or an empty one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tui_helpers import FIXED_NOW

import reader.store.clock
from reader.demo import create_demo_library
from reader.tui.screens import library_views


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every app test reads and writes a settings file of its own, never the person's."""
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(path))
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo library made once per test process, with the store's clock fixed so that the
    note's date is the same on every run; each test gets a copy of the file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader.store.clock, "now", lambda: FIXED_NOW)
        path = create_demo_library(tmp_path_factory.mktemp("demo-template"))
    assert not path.with_name(path.name + "-wal").exists()  # the file alone is the library
    return path


@pytest.fixture
def demo_path(tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh demo library (about 40 papers, tags, ratings, a note and a reading list).

    The store's clock stays fixed during the test, so notes written in it are dated alike.
    """
    monkeypatch.setattr(reader.store.clock, "now", lambda: FIXED_NOW)
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def empty_path(tmp_path: Path) -> Path:
    return tmp_path / "empty.db"


@pytest.fixture
def related_looked_up_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The detail pane looks for related papers 10 ms after the cursor stops, not 300 ms: for
    tests that wait for them after every key (the snapshots, the drawn detail pane), where the
    wait was most of their time. Still on a timer, so a paper passed over is not looked up."""
    monkeypatch.setattr(library_views, "RELATED_AFTER", 0.01)
