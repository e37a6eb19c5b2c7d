"""The bibliographic record's columns: how authors and categories are stored, and how a parsed
paper fills a stored one without overwriting what a person set by hand."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from reader.models import RECORD_FIELDS, Author, ParsedPaper

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


def encode_authors(authors: Iterable[Author]) -> str:
    return json.dumps(
        [[author.family, author.given] for author in authors],
        ensure_ascii=False,
        separators=(",", ":"),
    )


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
    """The record columns a parsed paper knows, as stored; unknown ones are left out."""
    values: dict[str, Any] = {
        "authors": encode_authors(paper.authors),
        "year": paper.year,
        "month": paper.month,
        "venue": paper.venue,
        "publisher": paper.publisher,
        "entry_type": paper.entry_type,
        "citekey": paper.citekey,
        "arxiv": paper.arxiv,
        "doi": paper.doi,
        "url": paper.url,
        "categories": encode_categories(paper.categories),
    }
    return {column: value for column, value in values.items() if not is_empty(column, value)}


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
