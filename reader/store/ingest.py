"""Bulk import of parsed listings: insert in big steps, index the full text once per step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from reader.keys import clean_tag, paper_key
from reader.models import ImportSummary, ParsedListing, ReaderError
from reader.store import clock

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
            importer = _ListingImporter(self)
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
        """Full-text index papers added in bulk: once, after the insert, which is far faster."""
        self.db.execute(
            "INSERT INTO titles_fts (rowid, title) SELECT id, title FROM papers WHERE id >= ?",
            [first_id],
        )
        self.db.execute(
            "INSERT INTO abstracts_fts (rowid, abstract) "
            "SELECT id, abstract FROM papers WHERE id >= ?",
            [first_id],
        )

    def index_papers(self, ids: Sequence[int]) -> None:
        """Full-text index papers added one by one (backups), in chunks of ids."""
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            self.db.execute(
                "INSERT INTO titles_fts (rowid, title) "
                f"SELECT id, title FROM papers WHERE id IN ({marks})",
                chunk,
            )
            self.db.execute(
                "INSERT INTO abstracts_fts (rowid, abstract) "
                f"SELECT id, abstract FROM papers WHERE id IN ({marks})",
                chunk,
            )

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


class _ListingImporter:
    """Writes listings into an open transaction, remembering keys and files between them."""

    def __init__(self, ingest: Ingest) -> None:
        self.ingest = ingest
        self.db = ingest.db
        self.added_at = clock.now()
        self.ids: dict[str, int] = dict(self.db.execute("SELECT key, id FROM papers"))
        self.files: dict[tuple[str, str], int] = {}
        self.listings = 0
        self.parsed = 0
        self.added = 0
        self.warnings: list[str] = []

    def add(self, listings: Sequence[ParsedListing]) -> None:
        papers = [paper for listing in listings for paper in listing.papers]
        self.listings += len(listings)
        self.parsed += len(papers)
        for listing in listings:
            self.warnings.extend(listing.warnings)
        keys = [paper_key(paper.title) for paper in papers]
        first_new_id = (self.db.execute("SELECT max(id) FROM papers").fetchone()[0] or 0) + 1
        new_rows: dict[str, tuple[Any, ...]] = {}
        for key, paper in zip(keys, papers, strict=True):
            if key in self.ids:
                if paper.abstract:
                    self._fill_abstract(self.ids[key], paper.abstract)
            elif key not in new_rows or (paper.abstract and not new_rows[key][2]):
                new_rows[key] = (key, paper.title, paper.abstract, paper.listed, self.added_at)
        if new_rows:
            header = ("key", "title", "abstract", "listed", "added")
            self.db["papers"].insert_all([header, *new_rows.values()], batch_size=5000)
            self.ids.update(
                self.db.execute("SELECT key, id FROM papers WHERE id >= ?", [first_new_id])
            )
            self.ingest.index_new_papers(first_new_id)
            self.added += len(new_rows)
        sources: set[tuple[int, int]] = set()
        links: dict[tuple[int, str], tuple[int, str, str, int]] = {}
        for key, paper in zip(keys, papers, strict=True):
            paper_id = self.ids[key]
            sources.add((paper_id, self._file_id(paper.source, paper.listed or "")))
            for position, link in enumerate(paper.links):
                links.setdefault((paper_id, link.url), (paper_id, link.url, link.kind, position))
        self.db["sources"].insert_all(
            [("paper_id", "file_id"), *sorted(sources)], ignore=True, batch_size=5000
        )
        if links:
            self.db["links"].insert_all(
                [("paper_id", "url", "kind", "position"), *links.values()],
                ignore=True,
                batch_size=5000,
            )

    def _file_id(self, name: str, listed: str) -> int:
        file_id = self.files.get((name, listed))
        if file_id is None:
            self.db.execute(
                "INSERT OR IGNORE INTO files (name, listed, added) VALUES (?, ?, ?)",
                [name, listed, self.added_at],
            )
            file_id = self.db.execute(
                "SELECT id FROM files WHERE name = ? AND listed = ?", [name, listed]
            ).fetchone()[0]
            self.files[(name, listed)] = file_id
        return file_id

    def _fill_abstract(self, paper_id: int, abstract: str) -> None:
        """A paper first seen without its abstract gets one when a later listing has it."""
        row = self.db.execute("SELECT abstract FROM papers WHERE id = ?", [paper_id]).fetchone()
        if row is not None and not row[0]:
            self.ingest.set_abstract(paper_id, row[0], abstract)

    def summary(self) -> ImportSummary:
        return ImportSummary(
            files=self.listings,
            parsed=self.parsed,
            added=self.added,
            duplicates=self.parsed - self.added,
            warnings=tuple(self.warnings),
        )
