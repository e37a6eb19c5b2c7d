"""Fixtures for the app tests: a fresh demo library (with a fixed clock) or an empty one."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import FIXED_NOW

import reader.store.clock
from reader.demo import create_demo_library


@pytest.fixture(autouse=True)
def own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every app test reads and writes a settings file of its own, never the person's."""
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(path))
    return path


@pytest.fixture
def demo_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh demo library (about 40 papers, tags, ratings, a note and a reading list).

    The store's clock is fixed so that the note's date is the same on every run.
    """
    monkeypatch.setattr(reader.store.clock, "now", lambda: FIXED_NOW)
    return create_demo_library(tmp_path)


@pytest.fixture
def empty_path(tmp_path: Path) -> Path:
    return tmp_path / "empty.db"
