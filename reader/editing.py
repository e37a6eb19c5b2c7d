"""What a person may type for each field of a paper's record, checked and turned into the value
stored. One set of rules for ``reader edit``'s options, its TOML form and the app's edit form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reader.identifiers import normalize_citekey, parse_arxiv_id, parse_doi
from reader.keys import MONTHS
from reader.models import RECORD_FIELDS, Author, Paper, ReaderError
from reader.text import clean_text

ENTRY_TYPES = (
    "article",
    "inproceedings",
    "incollection",
    "book",
    "inbook",
    "phdthesis",
    "mastersthesis",
    "techreport",
    "misc",
    "unpublished",
    "online",
    "software",
    "dataset",
)
# The fields in the order the TOML form and ``reader edit --help`` show them.
FIELDS = ("title", *(field for field in RECORD_FIELDS if field != "categories"), "abstract")
_MONTH_NUMBERS = {name: index for index, name in enumerate(dict.fromkeys(MONTHS.values()), 1)}


def parse_authors(text: str) -> tuple[Author, ...]:
    """``Ashish Vaswani; Shazeer, Noam; {OpenAI}``: ``;`` (or `` and ``) separates people;
    ``Family, Given`` or ``Given Family`` (the last word is the family name); braces keep a
    corporate name whole."""
    people = [part.strip() for part in re.split(r";|\s+and\s+", text) if part.strip()]
    authors = []
    for person in people:
        person = clean_text(person)
        if person.startswith("{") and person.endswith("}"):
            authors.append(Author(person[1:-1].strip()))
        elif "," in person:
            family, given = (part.strip() for part in person.split(",", 1))
            authors.append(Author(family, given))
        else:
            *given, family = person.split()
            authors.append(Author(family, " ".join(given)))
    return tuple(author for author in authors if author.family)


def format_authors(authors: tuple[Author, ...]) -> str:
    """The editable spelling of authors: ``Family, Given; Family, Given``."""
    return "; ".join(
        f"{author.family}, {author.given}" if author.given else f"{{{author.family}}}"
        for author in authors
    )


def _number(text: str, what: str, low: int, high: int) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise ReaderError(f"{what} is a number from {low} to {high}, not '{text.strip()[:40]}'")
    return int(value)


def parse_field(name: str, text: str) -> Any:
    """The stored value of one field as typed; an empty text clears it (not the title)."""
    if name not in FIELDS:
        raise ReaderError(f"unknown field '{name}' (fields: {', '.join(FIELDS)})")
    value = text.strip() if name != "abstract" else clean_text(text, multiline=True).strip()
    if name == "title":
        value = " ".join(clean_text(value).split())
        if not value:
            raise ReaderError("a paper needs a title")
        return value
    if not value:
        return {"authors": (), "entry_type": "misc", "venue": "", "publisher": ""}.get(name)
    if name == "authors":
        return parse_authors(value)
    if name == "year":
        return _number(value, "year", 1, 9999)
    if name == "month":
        month = _MONTH_NUMBERS.get(MONTHS.get(value.lower().rstrip("."), ""))
        return month if month else _number(value, "month", 1, 12)
    if name == "entry_type":
        if value.lower() not in ENTRY_TYPES:
            raise ReaderError(f"entry type is one of {', '.join(ENTRY_TYPES)}, not '{value}'")
        return value.lower()
    if name == "citekey":
        return normalize_citekey(value)
    if name == "arxiv":
        arxiv = parse_arxiv_id(value)
        if arxiv is None:
            raise ReaderError(f"'{value[:60]}' is not an arXiv id")
        return arxiv
    if name == "doi":
        doi = parse_doi(value)
        if doi is None:
            raise ReaderError(f"'{value[:60]}' is not a DOI")
        return doi
    if name == "url":
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value, re.IGNORECASE):
            raise ReaderError(f"'{value[:60]}' is not a web address (http:// or https://)")
        return value
    return " ".join(clean_text(value).split())


def parse_changes(given: Mapping[str, str]) -> dict[str, Any]:
    """Every field given, checked; the first bad one raises naming the field."""
    return {name: parse_field(name, text) for name, text in given.items()}


def current_text(paper: Paper) -> dict[str, str]:
    """Each field as a person would type it, for the edit form and ``$EDITOR``."""
    return {
        "title": paper.title,
        "authors": format_authors(paper.authors),
        "year": str(paper.year or ""),
        "month": str(paper.month or ""),
        "venue": paper.venue,
        "publisher": paper.publisher,
        "entry_type": paper.entry_type,
        "citekey": paper.citekey or "",
        "arxiv": paper.arxiv or "",
        "doi": paper.doi or "",
        "url": paper.url or "",
        "abstract": paper.abstract,
    }
