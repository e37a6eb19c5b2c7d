"""The columns the paper list can show right of the title, as the settings name them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reader.models import Paper
from reader.text import one_line, truncate


def short_authors(paper: Paper) -> str:
    """``Vaswani et al.``, ``Ho & Salimans``: enough to recognise a paper by."""
    names = [author.family for author in paper.authors]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} & {names[1]}"
    return f"{names[0]} et al."


@dataclass(frozen=True)
class Column:
    """A column right of the title: its setting name, width and what it shows for a paper."""

    name: str
    width: int
    value: Callable[[Paper], str]
    style: str


def tag_chip(paper: Paper) -> str:
    """The first tag and how many more (all of them are in the detail pane); drawn in the
    room a title leaves, never as a column of its own."""
    if not paper.tags:
        return ""
    more = f" +{len(paper.tags) - 1}" if len(paper.tags) > 1 else ""
    return truncate(f"#{one_line(paper.tags[0])}", 20) + more


# Left to right as drawn; ``KEEP`` says which go last when the list is narrow.
COLUMNS = {
    "authors": Column("authors", 18, lambda p: one_line(short_authors(p)), "authors"),
    "year": Column("year", 4, lambda p: str(p.year or ""), "date"),
    "rating": Column("rating", 2, lambda p: f"★{p.rating}" if p.rating else "", "stars"),
    "listed": Column("listed", 6, lambda p: one_line(p.listed or ""), "date"),
    "added": Column("added", 6, lambda p: _day(p.added), "date"),
}
KEEP = ("rating", "year", "listed", "authors", "added")


def _day(stamp: str) -> str:
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    try:
        return f"{months[int(stamp[5:7]) - 1]} {int(stamp[8:10]):02d}"
    except (ValueError, IndexError):
        return ""
