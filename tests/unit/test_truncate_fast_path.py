"""``truncate`` takes a shortcut for ASCII text; it must cut exactly where the cell count does."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from reader.text import truncate


def by_cells(text: str, width: int) -> str:
    """The general rule, a character at a time (wide characters count double)."""
    if width <= 0:
        return ""
    cells, out = 0, []
    for ch in text:
        size = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if cells + size > width:
            while out and cells + 1 > width:
                removed = out.pop()
                cells -= 2 if unicodedata.east_asian_width(removed) in "WF" else 1
            return "".join(out) + "…"
        out.append(ch)
        cells += size
    return text


@given(st.text(alphabet=st.characters(max_codepoint=127)), st.integers(-2, 90))
def test_ascii_is_cut_where_the_cells_say(text: str, width: int) -> None:
    assert truncate(text, width) == by_cells(text, width)


@given(st.text(), st.integers(-2, 90))
def test_any_text_is_cut_where_the_cells_say(text: str, width: int) -> None:
    assert truncate(text, width) == by_cells(text, width)


def test_examples() -> None:
    assert truncate("Attention is all you need", 10) == "Attention…"
    assert truncate("short", 10) == "short"
    assert truncate("exactly10!", 10) == "exactly10!"
    assert truncate("日本語のタイトル", 7) == "日本語…"
