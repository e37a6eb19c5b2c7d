"""Plain data shared by the core, the CLI and the app.

Everything here is frozen so that a value read from the library can be passed between threads and
cached without anyone mutating it behind the store's back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES: tuple[str, ...] = ("unread", "reading", "read")


class ReaderError(Exception):
    """An error a person can act on; the CLI prints it as one line and exits 1."""


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
class ParsedPaper:
    """One title/abstract pair read from a listing dump, before it meets the library."""

    title: str
    abstract: str
    listed: str | None
    source: str
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class ParsedListing:
    """A whole listing file: its papers in order and anything odd noticed on the way."""

    source: str
    listed: str | None
    papers: tuple[ParsedPaper, ...]
    warnings: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class PaperRow:
    """The few columns the paper list shows; cheap to load for thousands of rows."""

    id: int
    title: str
    status: str
    rating: int | None
    listed: str | None
    tags: tuple[str, ...]
    has_code: bool = False


@dataclass(frozen=True)
class ReadingList:
    id: int
    name: str
    description: str
    count: int
    read: int

    @property
    def progress(self) -> str:
        return f"{self.read} of {self.count} read"


@dataclass(frozen=True)
class TagCount:
    name: str
    count: int


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
