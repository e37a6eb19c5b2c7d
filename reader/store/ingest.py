"""Bulk import of parsed listings: insert in big steps, index the full text once per step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.incoming import ImportSummary, ParsedListing, ParsedPaper
from reader.store import indexing
from reader.store.identity import Identities, enrich
from reader.store.related import refresh_term_df
from reader.store.writer import PaperWriter

if TYPE_CHECKING:
    from reader.store.library import Library

# Papers written per step of an import: big steps keep full-text indexing efficient.
IMPORT_CHUNK = 10_000


@dataclass(frozen=True)
class RecordOutcome:
    """What adding one fetched record did: "added", "enriched" or "unchanged"."""

    paper_id: int
    status: str
    warnings: tuple[str, ...] = ()


class Ingest:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def import_listings(self, listings: Iterable[ParsedListing | None]) -> ImportSummary:
        """Add the papers of several listings in one transaction: all of them or none.

        ``listings`` may be a generator still parsing later files: each listing is written as
        it arrives, so parsing overlaps SQLite's indexing work (which runs without the GIL).
        A None among them ends a step early: what came before it is written at once (a file
        read in parts sends one after each part, so that writing starts with its first part).
        """
        with self.library.write():
            importer = PaperWriter(self.library)
            pending: list[ParsedListing] = []
            for listing in listings:
                if listing is None:
                    if pending:
                        importer.add(pending)
                        pending = []
                    continue
                pending.append(listing)
                if sum(len(item.papers) for item in pending) >= IMPORT_CHUNK:
                    importer.add(pending)
                    pending = []
            if pending:
                importer.add(pending)
            importer.finish()
            refresh_term_df(self.db)
        self.library.search_index.forget_vocabulary()
        return importer.summary()

    def import_records(self, papers: Sequence[ParsedPaper], source: str) -> list[RecordOutcome]:
        """Add papers fetched one by one (``reader add``) in one transaction; each either is
        new, or enriches the paper the library has (same arXiv id, DOI or title)."""
        with self.library.write():
            first_new = (self.db.execute("SELECT max(id) FROM papers").fetchone()[0] or 0) + 1
            writer = PaperWriter(self.library, kind="add")
            ids = writer.add([ParsedListing(source, None, tuple(papers))])
            writer.finish()
            refresh_term_df(self.db)
        self.library.search_index.forget_vocabulary()
        outcomes = []
        seen: set[int] = set()
        for paper_id in ids:
            if paper_id in seen:
                continue
            seen.add(paper_id)
            status = (
                "added"
                if paper_id >= first_new
                else "enriched"
                if paper_id in writer.enriched
                else "unchanged"
            )
            outcomes.append(RecordOutcome(paper_id, status, tuple(writer.warnings)))
        return outcomes

    def enrich_paper(self, paper_id: int, paper: ParsedPaper) -> list[str]:
        """Fill one known paper's empty fields from a record found for it (its arXiv entry,
        say); returns the fields filled. Never overwrites what a person edited."""
        with self.library.write():
            self.library.catalog.title(paper_id)  # refuses an unknown id
            filled = enrich(self.db, Identities(self.db), paper_id, paper, [])
        if filled:
            self.library.search_index.forget_vocabulary()
        return filled

    def index_new_papers(self, first_id: int) -> None:
        indexing.index_from(self.db, first_id)

    def index_papers(self, ids: Sequence[int]) -> None:
        indexing.index(self.db, ids)

    def set_abstract(self, paper_id: int, old: str, new: str) -> None:
        indexing.reindex_abstract(self.db, paper_id, old, new)
