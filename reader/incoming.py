"""What comes into the library: a paper read from a file (a listing, BibTeX, the arXiv
snapshot) or fetched from the web before it meets the library, a whole listing, and what an
import did. Apart from ``reader.models`` so that commands that never import do not make them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.models import Author, Link


@dataclass(frozen=True)
class ParsedPaper:
    """One paper read from a file (a listing, BibTeX, the arXiv snapshot) or fetched from the
    web, before it meets the library. Listings give only title, abstract and links."""

    title: str
    abstract: str
    listed: str | None
    source: str
    links: tuple[Link, ...] = ()
    authors: tuple[Author, ...] = ()
    year: int | None = None
    month: int | None = None
    venue: str = ""
    publisher: str = ""
    entry_type: str = ""
    citekey: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def has_record(self) -> bool:
        """Whether it brings any bibliographic fact beyond a listing's title and abstract."""
        return bool(
            self.authors
            or self.year
            or self.venue
            or self.publisher
            or self.entry_type
            or self.citekey
            or self.arxiv
            or self.doi
            or self.url
            or self.categories
            or self.files
        )


@dataclass(frozen=True)
class ParsedListing:
    """A whole listing file: its papers in order and anything odd noticed on the way."""

    source: str
    listed: str | None
    papers: tuple[ParsedPaper, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    files: int
    parsed: int
    added: int
    duplicates: int
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, int]:
        return {
            "files": self.files,
            "parsed": self.parsed,
            "added": self.added,
            "duplicates": self.duplicates,
        }
