"""SQLite's id lists are parsed into bitmaps in steps (so the app's thread gets the interpreter
between them): the steps never split or lose an id."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyroaring import BitMap

from reader.store import results
from reader.store.results import bitmap_of_ids


@given(
    ids=st.lists(st.integers(min_value=1, max_value=2**32 - 1), max_size=300),
    step=st.integers(min_value=1, max_value=40),
)
def test_any_step_gives_every_id(ids: list[int], step: int) -> None:
    text = ",".join(map(str, ids))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(results, "PARSE_STEP", step)
        assert bitmap_of_ids(text) == BitMap(ids)


def test_nothing_found_is_an_empty_bitmap() -> None:
    assert bitmap_of_ids(None) == BitMap()
    assert bitmap_of_ids("") == BitMap()
    assert bitmap_of_ids("42") == BitMap([42])


def test_a_million_ids_in_several_steps() -> None:
    text = ",".join(map(str, range(1, 1_000_001)))
    assert len(text) > 20 * results.PARSE_STEP
    assert bitmap_of_ids(text) == BitMap(range(1, 1_000_001))
