"""Fixtures for the reliability tests: a seeded library that every test compares against."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .support import seed_library


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded library made once per test process (through reader's API, as each test
    made it before); each test gets a copy of the file, with its mode (0600)."""
    path = tmp_path_factory.mktemp("seeded-template") / "lib.db"
    seed_library(path)
    assert not path.with_name(path.name + "-wal").exists()  # the file alone is the library
    return path


@pytest.fixture
def seeded(tmp_path: Path, seeded_template: Path) -> Path:
    """A library file with papers, tags, a rating, a status, a note and a reading list."""
    path = tmp_path / "library" / "lib.db"
    path.parent.mkdir()
    shutil.copy(seeded_template, path)
    return path
