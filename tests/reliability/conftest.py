"""Fixtures for the reliability tests: a seeded library that every test compares against."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import seed_library


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A library file with papers, tags, a rating, a status, a note and a reading list."""
    path = tmp_path / "library" / "lib.db"
    path.parent.mkdir()
    seed_library(path)
    return path
