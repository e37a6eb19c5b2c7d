"""The bibliographic record's columns: how authors and categories are stored, and how a parsed
paper fills a stored one without overwriting what a person set by hand."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from reader.models import RECORD_FIELDS, Author

if TYPE_CHECKING:
    from reader.incoming import ParsedPaper

# Columns a source may fill; the order is the order of papers' columns after the first schema.
RECORD_COLUMNS = RECORD_FIELDS
# What a column holds when nothing is known: filling replaces these.
EMPTY: dict[str, Any] = {
    "authors": "[]",
    "venue": "",
    "publisher": "",
    "entry_type": "misc",
    "categories": "",
}
EDITABLE = ("title", "abstract", *RECORD_COLUMNS)
_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]


def encode_authors(authors: Iterable[Author]) -> str:
    """``json.dumps`` of ``[[family, given], ...]`` without spaces or ASCII escapes, each name
    quoted by json's own quoting (an import encodes thousands: no encoder made for each)."""
    pairs = [(author.family, author.given) for author in authors]
    if not all(type(family) is str and type(given) is str for family, given in pairs):
        return json.dumps([list(pair) for pair in pairs], ensure_ascii=False, separators=(",", ":"))
    return "[" + ",".join(f"[{_quote(family)},{_quote(given)}]" for family, given in pairs) + "]"


def decode_authors(text: str | None) -> tuple[Author, ...]:
    if not text or text == "[]":
        return ()
    return tuple(Author(str(family), str(given)) for family, given in json.loads(text))


def encode_categories(categories: Sequence[str]) -> str:
    return " ".join(dict.fromkeys(categories))


def decode_categories(text: str | None) -> tuple[str, ...]:
    return tuple(text.split()) if text else ()


def is_empty(column: str, value: Any) -> bool:
    return value is None or value == EMPTY.get(column) or value == ""


def record_values(paper: ParsedPaper) -> dict[str, Any]:
    """The record columns a parsed paper knows, as stored; unknown ones are left out (what
    ``is_empty`` says of each, checked inline: an import asks this of every paper)."""
    values: dict[str, Any] = {}
    if paper.authors:
        values["authors"] = encode_authors(paper.authors)
    for column, value in (
        ("year", paper.year),
        ("month", paper.month),
        ("venue", paper.venue),
        ("publisher", paper.publisher),
        ("entry_type", paper.entry_type),
        ("citekey", paper.citekey),
        ("arxiv", paper.arxiv),
        ("doi", paper.doi),
        ("url", paper.url),
    ):
        if value is not None and value != "" and (column != "entry_type" or value != "misc"):
            values[column] = value
    if paper.categories:
        categories = encode_categories(paper.categories)
        if categories:
            values["categories"] = categories
    return values


def fillable(
    current: dict[str, Any], incoming: dict[str, Any], edited: Iterable[str]
) -> dict[str, Any]:
    """What an incoming record may fill in a stored one: only empty fields, and never a field
    a person set by hand."""
    protected = set(edited)
    return {
        column: value
        for column, value in incoming.items()
        if column not in protected and is_empty(column, current.get(column))
    }
