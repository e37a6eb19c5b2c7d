"""Bulk import of parsed listings: insert in big steps, index the full text once per step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reader.keys import clean_tag
from reader.models import ImportSummary, ParsedListing, ReaderError
from reader.store import indexing
from reader.store.writer import PaperWriter

if TYPE_CHECKING:
    from reader.store.library import Library

# Papers written per step of an import: big steps keep full-text indexing efficient.
IMPORT_CHUNK = 20_000


class Ingest:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def import_listings(self, listings: Iterable[ParsedListing]) -> ImportSummary:
        """Add the papers of several listings in one transaction: all of them or none.

        ``listings`` may be a generator still parsing later files: each listing is written as
        it arrives, so parsing overlaps SQLite's indexing work (which runs without the GIL).
        """
        with self.library.write():
            importer = PaperWriter(self.library)
            pending: list[ParsedListing] = []
            for listing in listings:
                pending.append(listing)
                if sum(len(item.papers) for item in pending) >= IMPORT_CHUNK:
                    importer.add(pending)
                    pending = []
            if pending:
                importer.add(pending)
        self.library.search_index.forget_vocabulary()
        return importer.summary()

    def index_new_papers(self, first_id: int) -> None:
        indexing.index_from(self.db, first_id)

    def index_papers(self, ids: Sequence[int]) -> None:
        indexing.index(self.db, ids)

    def set_abstract(self, paper_id: int, old: str, new: str) -> None:
        self.db.execute(
            "INSERT INTO abstracts_fts (abstracts_fts, rowid, abstract) VALUES ('delete', ?, ?)",
            [paper_id, old],
        )
        self.db["papers"].update(paper_id, {"abstract": new})
        self.db.execute(
            "INSERT INTO abstracts_fts (rowid, abstract) VALUES (?, ?)", [paper_id, new]
        )

    def attach_tags(self, tags_by_key: dict[str, Sequence[str]]) -> None:
        """Add tags to imported papers (BibTeX keywords); not recorded for undo."""
        tag_id = self.library.tag_store.tag_id
        with self.library.write():
            for key, names in tags_by_key.items():
                row = self.db.execute("SELECT id FROM papers WHERE key = ?", [key]).fetchone()
                if row is None:
                    continue
                for name in names:
                    try:
                        name = clean_tag(name)
                    except ReaderError:
                        continue
                    self.db.execute(
                        "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                        [row[0], tag_id(name, create=True)],
                    )
