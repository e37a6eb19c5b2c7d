"""The column-at-a-time text helpers of exports give what the plain ones give: ``one_lines``
as ``one_line`` of each text, ``json_strings`` as ``json_string`` of each, BibTeX's escaping
by replacement as the pattern's, CSV cells as quoted and defused one by one, and the
bulk-loaded authors as ``decode_authors``."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_export_speed_paths import BITS

from reader import text
from reader.export import bibtex, csv_format
from reader.store.fields import decode_authors
from reader.store.loading import _authors

PIECE = st.one_of(
    st.sampled_from(BITS + ["  ", " ", "--", "---", "\\{}", "\x02\x03\x04", "a-", "-"]),
    st.text(max_size=6),
    st.text(st.characters(max_codepoint=127), max_size=12),
)
TEXT = st.lists(PIECE, max_size=8).map("".join)
TEXTS = st.lists(TEXT, max_size=12)


# Long enough that ``printable`` takes its byte-deleting way (over 64 characters).
LONG_ASCII = st.lists(st.text(st.characters(max_codepoint=127), max_size=90), max_size=12)


@given(TEXTS)
def test_one_lines_is_one_line_of_each(texts: list[str]) -> None:
    assert text.one_lines(texts) == [text.one_line(each) for each in texts]


@given(LONG_ASCII)
def test_one_lines_of_ascii_is_one_line_of_each(texts: list[str]) -> None:
    assert text.one_lines(texts) == [text.one_line(each) for each in texts]


@given(TEXTS)
def test_escaping_a_column_is_escaping_each_text(texts: list[str]) -> None:
    assert bibtex.escape_all(texts) == [bibtex.escape_tex(each) for each in texts]


@given(TEXTS)
def test_protecting_a_column_is_protecting_each_title(titles: list[str]) -> None:
    assert bibtex.protect_all_capitals(titles) == [bibtex.protect_capitals(t) for t in titles]


@given(TEXTS)
def test_a_csv_column_is_its_cells_one_by_one(cells: list[str]) -> None:
    expected = [csv_format._quoted(csv_format._defused(cell)) for cell in cells]
    assert csv_format._cells(cells) == expected


NAME = st.one_of(
    st.tuples(TEXT, TEXT).map(list),
    st.lists(st.one_of(TEXT, st.integers(), st.none()), max_size=3),
    TEXT,
    st.integers(),
)
COLUMN = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["[]", "null", "{}", "  [ ] ", "true", "5", '"xy"', '{"ab": 1}']),
    st.lists(NAME, max_size=4).map(json.dumps),
)


def _outcome(make):  # type: ignore[no-untyped-def]
    try:
        return make()
    except (TypeError, ValueError) as error:
        return type(error)


@given(st.lists(COLUMN, max_size=8))
def test_bulk_authors_are_decode_authors(columns_read: list[str | None]) -> None:
    bulk = _outcome(lambda: _authors(columns_read))
    each = _outcome(lambda: [decode_authors(text) for text in columns_read])
    if bulk != each:  # the bulk way reads a stored null as no authors, as it always did
        assert "null" in columns_read and each is TypeError


@pytest.mark.parametrize("shape", ['[["a", "b"], ["a", "b"]]', '[["é", ""], ["x", "y"]]'])
def test_one_author_per_distinct_name(shape: str) -> None:
    first, second = _authors([shape, shape])
    assert first == decode_authors(shape)
    assert all(a is b for a, b in zip(first, second, strict=True))


@given(TEXTS)
def test_json_strings_is_json_string_of_each(texts: list[str]) -> None:
    assert text.json_strings(texts) == [text.json_string(each) for each in texts]


@given(LONG_ASCII)
def test_json_strings_of_ascii_is_json_string_of_each(texts: list[str]) -> None:
    assert text.json_strings(texts) == [text.json_string(each) for each in texts]
