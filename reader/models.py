"""Plain data shared by the core, the CLI and the app.

Everything here is frozen so that a value read from the library can be passed between threads and
cached without anyone mutating it behind the store's back.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES: tuple[str, ...] = ("unread", "reading", "read")
# The bibliographic record beyond title and abstract, in the order of the papers table's columns.
RECORD_FIELDS: tuple[str, ...] = (
    "authors",
    "year",
    "month",
    "venue",
    "publisher",
    "entry_type",
    "citekey",
    "arxiv",
    "doi",
    "url",
    "categories",
)
# Orders of the paper list and of ``reader papers --sort``.
SORTS: tuple[str, ...] = ("relevance", "added", "listed", "year", "title", "rating", "changed")


class ReaderError(Exception):
    """An error a person can act on; the CLI prints it as one line and exits 1."""


class NoSuchList(ReaderError):
    """No reading list has the name given: never made, or deleted or renamed (perhaps by
    another process, after the app showed it)."""


class LibraryError(ReaderError):
    """The library file could not be read or written (busy, read-only, disk full, damaged).

    The store turns SQLite's errors into this at its boundary, worded for a person, so no other
    part of reader needs to know SQLite's exceptions or wording."""

    def __init__(self, message: str, *, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


@dataclass(frozen=True)
class Link:
    url: str
    kind: str  # "code" for code hosts, "web" otherwise


@dataclass(frozen=True)
class Source:
    file: str
    listed: str | None


@dataclass(frozen=True)
class Annotation:
    id: int
    paper_id: int
    body: str
    quote: str | None
    created: str
    updated: str


@dataclass(frozen=True)
class Author:
    """One author, family and given names kept apart (BibTeX and CSL need them apart).

    A corporate author (``{OpenAI}``) has only a family name."""

    family: str
    given: str = ""

    @property
    def display(self) -> str:
        """``Given Family``, as people write names."""
        return f"{self.given} {self.family}".strip()


@dataclass(frozen=True)
class AttachedFile:
    """A file attached to a paper: a path (relative to the library's folder when copied in)
    and the SHA-256 of its content, so the same PDF twice is one copy."""

    path: str
    sha256: str | None = None


@dataclass(frozen=True)
class Paper:
    id: int
    key: str
    title: str
    abstract: str
    listed: str | None
    added: str
    sources: tuple[Source, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    rating: int | None = None
    status: str = "unread"
    read_at: str | None = None
    annotations: tuple[Annotation, ...] = ()
    lists: tuple[str, ...] = ()
    # The bibliographic record; listing papers have these empty until something fills them.
    authors: tuple[Author, ...] = ()
    year: int | None = None
    month: int | None = None
    venue: str = ""
    publisher: str = ""
    entry_type: str = "misc"
    citekey: str | None = None
    arxiv: str | None = None  # without version: 1706.03762, hep-th/9901001
    doi: str | None = None  # lower-case, no resolver prefix: 10.1038/nature14539
    url: str | None = None  # the paper's landing page, never a code link
    categories: tuple[str, ...] = ()
    files: tuple[AttachedFile, ...] = ()

    @property
    def landing_page(self) -> str | None:
        """Where to read the paper: arXiv's page when known, else the DOI link, else the url."""
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url

    @property
    def code_link(self) -> str | None:
        return next((link.url for link in self.links if link.kind == "code"), None)

    @property
    def listings(self) -> tuple[str, ...]:
        """Every distinct listing date, in the order the paper was seen."""
        seen: dict[str, None] = {}
        for source in self.sources:
            if source.listed:
                seen.setdefault(source.listed, None)
        return tuple(seen)
