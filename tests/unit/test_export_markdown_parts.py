"""Markdown's titles and author names escaped in one pass (``escape_all``) are ``escape`` of
each; a whole export written so is the one written a value at a time."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_library import hostile_copy, hostile_file
from hypothesis import given
from hypothesis import strategies as st
from test_export_speed_paths import BITS, TEXT

from reader.export import MarkdownOptions, markdown
from reader.exporting import library_document, render
from reader.store import Library

LINES = st.lists(
    st.one_of(TEXT, st.sampled_from([*BITS, "- a", "+", "=x", "12. a", "3) b", "1.", "\\", ""]))
)


@given(LINES)
def test_escape_all_is_escape_of_each(texts: list[str]) -> None:
    assert markdown.escape_all(texts) == [markdown.escape(text) for text in texts]


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_file(tmp_path_factory, seed=17)


@pytest.fixture
def hostile(tmp_path: Path, hostile_template: Path) -> Iterator[Library]:
    with hostile_copy(hostile_template, tmp_path) as library:
        yield library


@pytest.mark.parametrize(
    ("share", "abstracts", "notes", "tags"), list(itertools.product([False, True], repeat=4))
)
def test_a_hostile_library_is_written_as_value_by_value(
    hostile: Library, share: bool, abstracts: bool, notes: bool, tags: bool
) -> None:
    options = MarkdownOptions(share=share, abstracts=abstracts, notes=notes, tags=tags)
    document = library_document(hostile)
    text = render(document, "markdown", options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            markdown, "escape_all", lambda texts: [markdown.escape(text) for text in texts]
        )
        assert render(document, "markdown", options) == text
