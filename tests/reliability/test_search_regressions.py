"""Searches Hypothesis once found to raise, kept as plain examples."""

from __future__ import annotations

from pathlib import Path

from reader.store import Library

from .support import seed_library


def test_a_word_twice_with_a_semicolon_ranks_without_raising(tmp_path: Path) -> None:
    # The title tiers took a generator where the bitmap library wants a bitmap: AttributeError.
    path = tmp_path / "lib.db"
    seed_library(path)
    with Library(path) as library:
        for text in ("SEED;SEED", "seed;seed", "SEED SEED", "Seed;paper"):
            result = library.search(text)
            assert len(set(result.ids)) == len(result.ids)
