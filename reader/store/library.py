"""The Library: one SQLite file and the parts that use it.

``Library`` is a ``Connection`` (the file, the schema and the write transaction) that composes
one part per aggregate (papers, search, tags, curation, lists, import, backup, undo, triage,
related papers), each in its own module; the public methods here are one-line forwards so
callers need not know the parts.

Every write runs in one ``BEGIN IMMEDIATE`` transaction, so a second process waits for the lock
(busy timeout) instead of failing half-way, and every curation change records how to reverse
itself in ``undo_log`` inside that same transaction.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from reader.models import STATUSES
from reader.store import opening
from reader.store.connection import Connection, storage_errors

if TYPE_CHECKING:
    from reader.incoming import ImportSummary, ParsedListing, ParsedPaper
    from reader.models import Annotation, AttachedFile, Paper
    from reader.query import Query
    from reader.store.attachments import Attachments
    from reader.store.backup import Backup
    from reader.store.curation import Curation
    from reader.store.editing import Records
    from reader.store.ingest import Ingest, RecordOutcome
    from reader.store.lists import ReadingLists
    from reader.store.papers import Catalog
    from reader.store.related import Recommendation, Related, Similar
    from reader.store.search import SearchIndex, SearchResult
    from reader.store.stats import LibraryStats
    from reader.store.tags import TagChange, Tags
    from reader.store.triage import Batch, Triage
    from reader.store.undo import Change, Scope, UndoEntry, UndoLog
    from reader.summaries import PaperRow, ReadingList, TagCount

T = TypeVar("T")


class Part(Generic[T]):
    """A part of the library, made (and its module imported) the first time it is used: a
    command that tags a paper loads neither the importer nor related papers."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name
        self.attribute = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, library: None, owner: type) -> Part[T]: ...

    @overload
    def __get__(self, library: Library, owner: type) -> T: ...

    def __get__(self, library: Library | None, owner: type) -> T | Part[T]:
        if library is None:
            return self
        part = getattr(importlib.import_module(self.module), self.name)(library)
        library.__dict__[self.attribute] = part  # the instance attribute shadows this from now
        return part


class Library(Connection):
    """A reader library in one SQLite file."""

    catalog: Part[Catalog] = Part("reader.store.papers", "Catalog")
    search_index: Part[SearchIndex] = Part("reader.store.search", "SearchIndex")
    tag_store: Part[Tags] = Part("reader.store.tags", "Tags")
    curation: Part[Curation] = Part("reader.store.curation", "Curation")
    reading_lists: Part[ReadingLists] = Part("reader.store.lists", "ReadingLists")
    ingest: Part[Ingest] = Part("reader.store.ingest", "Ingest")
    backups: Part[Backup] = Part("reader.store.backup", "Backup")
    undo_log: Part[UndoLog] = Part("reader.store.undo", "UndoLog")
    records: Part[Records] = Part("reader.store.editing", "Records")
    triage: Part[Triage] = Part("reader.store.triage", "Triage")
    attachments: Part[Attachments] = Part("reader.store.attachments", "Attachments")
    similar: Part[Related] = Part("reader.store.related", "Related")

    def __init__(
        self,
        path: str | Path,
        *,
        threads: bool = False,
        readonly: bool = False,
        create: bool = True,
    ) -> None:
        """Open (creating or migrating) a library.

        ``threads`` allows use from worker threads, which the caller must then serialise;
        ``readonly`` never writes a byte (it works on read-only media); ``create=False`` refuses
        a missing file instead of starting an empty library there."""
        super().__init__(path, threads=threads, readonly=readonly, create=create)
        if not readonly:  # (a reading connection had it upgraded, or reads it as it is)
            opening.migrate(self, self._version)

    def close(self) -> None:
        index = self.__dict__.get("search_index")  # made only by a search
        if index is not None:
            index.close()
        super().close()

    @contextmanager
    def change(self, description: str, scopes: Sequence[Scope]) -> Iterator[Change]:
        """A write that records its undo: see ``UndoLog.change``."""
        with self.undo_log.change(description, scopes) as change:
            yield change

    # -- undo ----------------------------------------------------------------------------------

    def undo(self) -> str:
        return self.undo_log.undo()

    def redo(self) -> str:
        return self.undo_log.redo()

    def redo_history(self, limit: int = 20) -> list[UndoEntry]:
        return self.undo_log.redo_history(limit)

    def drop_undo(self) -> str:
        return self.undo_log.drop()

    def clear_undo(self) -> None:
        self.undo_log.clear()

    def undo_history(self, limit: int = 20) -> list[UndoEntry]:
        return self.undo_log.history(limit)

    # -- import and backup ---------------------------------------------------------------------

    def import_listings(self, listings: Iterable[ParsedListing]) -> ImportSummary:
        return self.ingest.import_listings(listings)

    def import_records(self, papers: Sequence[ParsedPaper], source: str) -> list[RecordOutcome]:
        return self.ingest.import_records(papers, source)

    def enrich_paper(self, paper_id: int, paper: ParsedPaper) -> list[str]:
        return self.ingest.enrich_paper(paper_id, paper)

    def dump(self) -> dict[str, Any]:
        return self.backups.dump()

    def restore(self, data: dict[str, Any]) -> ImportSummary:
        return self.backups.restore(data)

    def is_empty(self) -> bool:
        return self.backups.is_empty()

    # -- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        return self.catalog.count()

    def has_papers(self) -> bool:
        return self.catalog.has_papers()

    def resolve(self, ref: str | int) -> int:
        return self.catalog.resolve(ref)

    def paper(self, ref: str | int) -> Paper:
        with self.read():
            return self.catalog.papers([self.catalog.resolve(ref)])[0]

    def papers(self, ids: Sequence[int], *, with_notes: bool = True) -> list[Paper]:
        with self.read():
            return self.catalog.papers(ids, with_notes=with_notes)

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        return self.catalog.rows(ids)

    def export_stamps(self) -> tuple[int, dict[int, int]] | None:
        return self.catalog.export_stamps()

    def ids_with_status(self, status: str) -> set[int]:
        return self.catalog.ids_with_status(status)

    def search(
        self,
        query: Query | str = "",
        *,
        limit: int | None = None,
        list_name: str | None = None,
        fuzzy: bool = True,
        typing: bool = False,
    ) -> SearchResult:
        return self.search_index.search(
            query, limit=limit, list_name=list_name, fuzzy=fuzzy, typing=typing
        )

    def sorted_ids(self, ids: Sequence[int], field: str, reverse: bool = False) -> list[int]:
        return self.catalog.sorted_ids(ids, field, reverse)

    def title_vocabulary(self) -> list[str]:
        return self.search_index.title_vocabulary()

    # -- the record ---------------------------------------------------------------------------

    def edit(self, paper_id: int, changes: dict[str, Any]) -> list[str]:
        return self.records.edit(paper_id, changes)

    def remove(self, paper_ids: Sequence[int]) -> int:
        return self.records.remove(paper_ids)

    def merge(self, keep: int, others: Sequence[int]) -> None:
        self.records.merge(keep, others)

    def duplicates(self) -> list[list[int]]:
        from reader.duplicates import find_duplicates

        return find_duplicates(self.catalog.duplicate_candidates())

    def attach(
        self, paper_id: int, source: Path, *, link: bool = False, move: bool = False
    ) -> AttachedFile:
        return self.attachments.attach(paper_id, source, link=link, move=move)

    def file_path(self, item: AttachedFile) -> Path:
        return self.attachments.resolve(item)

    # -- triage ----------------------------------------------------------------------------

    def keep(self, paper_id: int, list_name: str) -> None:
        self.triage.keep(paper_id, list_name)

    def skip(self, paper_id: int) -> None:
        self.triage.skip(paper_id)

    def triage_counts(self) -> dict[str, int]:
        return self.triage.counts()

    def batches(self, limit: int = 20) -> list[Batch]:
        return self.triage.batches(limit)

    def related(self, paper_id: int, limit: int = 10) -> list[Similar]:
        return self.similar.related(paper_id, limit)

    def recommend(
        self, candidates: Sequence[int], *, tag: str | None = None, limit: int | None = None
    ) -> list[Recommendation]:
        with self.read():
            return self.similar.recommend(candidates, tag=tag, limit=limit)

    def lookup_misses(self, paper_ids: Sequence[int]) -> set[int]:
        """Of ``paper_ids``, the papers whose present title arXiv was found not to have."""
        missed = {
            row[0]
            for row in self.db.execute(
                "SELECT m.paper_id FROM lookup_misses m "
                "JOIN papers p ON p.id = m.paper_id AND p.title = m.title"
            )
        }
        return missed.intersection(paper_ids)

    def note_lookup_misses(self, papers: Iterable[tuple[int, str]]) -> None:
        """Remember that arXiv had no entry for these (paper id, title) pairs."""
        from reader.store import clock

        rows = [(paper_id, title, clock.now()) for paper_id, title in papers]
        if rows:
            with self.write():
                self.db.conn.executemany(
                    "INSERT OR REPLACE INTO lookup_misses (paper_id, title, looked_at) "
                    "VALUES (?, ?, ?)",
                    rows,
                )

    def stats(self, weeks: int = 12) -> LibraryStats:
        with self.read():
            from reader.store.stats import library_stats

            return library_stats(self, weeks=weeks)

    def new_ids(self) -> list[int]:
        return self.triage.new_ids()

    # -- tags ----------------------------------------------------------------------------------

    def tag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        """Tag one paper; returns the names it did not have yet."""
        return self.tag_store.tag(paper_id, names).names

    def untag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        return self.tag_store.untag(paper_id, names).names

    def tag_many(self, paper_ids: Sequence[int], names: Iterable[str]) -> TagChange:
        return self.tag_store.tag(paper_ids, names)

    def untag_many(self, paper_ids: Sequence[int], names: Iterable[str]) -> TagChange:
        return self.tag_store.untag(paper_ids, names)

    def retag_many(
        self, paper_ids: Sequence[int], add: Iterable[str], remove: Iterable[str]
    ) -> tuple[TagChange, TagChange]:
        """Add and remove tags as one undoable change: (what was added, what was removed)."""
        return self.tag_store.retag(paper_ids, add, remove)

    def tags(self) -> list[TagCount]:
        return self.tag_store.counts()

    def rename_tag(self, old: str, new: str) -> bool:
        return self.tag_store.rename(old, new)

    def delete_tag(self, name: str) -> int:
        return self.tag_store.delete(name)

    # -- ratings, status, notes ------------------------------------------------------------

    def rate(self, paper_ids: int | Sequence[int], rating: int | None) -> int:
        return self.curation.rate(paper_ids, rating)

    def set_status(self, paper_ids: int | Sequence[int], status: str) -> int:
        return self.curation.set_status(paper_ids, status)

    def cycle_status(self, paper_id: int) -> str:
        return self.curation.cycle_status(paper_id)

    def status_counts(self) -> dict[str, int]:
        return self.catalog.status_counts(STATUSES)

    def add_note(self, paper_id: int, body: str, quote: str | None = None) -> int:
        return self.curation.add_note(paper_id, body, quote)

    def edit_note(self, note_id: int, body: str, quote: str | None = None) -> None:
        self.curation.edit_note(note_id, body, quote)

    def delete_note(self, note_id: int) -> None:
        self.curation.delete_note(note_id)

    def note(self, note_id: int) -> Annotation:
        return self.curation.note(note_id)

    def notes(self, paper_id: int) -> list[Annotation]:
        return self.curation.notes(paper_id)

    # -- reading lists -----------------------------------------------------------------------

    def create_list(self, name: str, description: str = "") -> int:
        return self.reading_lists.create(name, description)

    def add_to_list(self, name: str, paper_ids: Sequence[int], at: int | None = None) -> int:
        return self.reading_lists.add(name, paper_ids, at)

    def remove_from_list(self, name: str, paper_ids: Sequence[int]) -> int:
        return self.reading_lists.remove(name, paper_ids)

    def move_in_list(self, name: str, paper_id: int, position: int) -> int:
        return self.reading_lists.move(name, paper_id, position)

    def rename_list(self, old: str, new: str) -> None:
        self.reading_lists.rename(old, new)

    def describe_list(self, name: str, description: str) -> None:
        self.reading_lists.describe(name, description)

    def delete_list(self, name: str) -> int:
        return self.reading_lists.delete(name)

    def lists(self) -> list[ReadingList]:
        return self.reading_lists.all()

    def reading_list(self, name: str) -> tuple[ReadingList, list[int]]:
        with self.read():
            return self.reading_lists.reading_list(name)


# Every public method of the front door answers storage failures with a LibraryError.
for _name, _method in list(vars(Library).items()):
    if not _name.startswith("_") and callable(_method) and _name != "change":
        setattr(Library, _name, storage_errors(_method))
