"""The Library: one SQLite file, its connection and transactions, and the parts that use them.

``Library`` owns the connection, the schema and the write transaction. The work is done by one
part per aggregate (papers, search, tags, curation, lists, import, backup, undo), each in its own
module; the public methods here are one-line forwards so callers need not know the parts.

Every write runs in one ``BEGIN IMMEDIATE`` transaction, so a second process waits for the lock
(busy timeout) instead of failing half-way, and every curation change records how to reverse
itself in ``undo_log`` inside that same transaction.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from reader.duplicates import find_duplicates
from reader.models import (
    STATUSES,
    Annotation,
    AttachedFile,
    ImportSummary,
    LibraryError,
    Paper,
    PaperRow,
    ParsedListing,
    ParsedPaper,
    ReadingList,
    TagCount,
)
from reader.query import Query
from reader.store import errors, opening, schema
from reader.store.attachments import Attachments
from reader.store.backup import Backup
from reader.store.curation import Curation, Tags
from reader.store.editing import Records
from reader.store.ingest import Ingest, RecordOutcome
from reader.store.lists import ReadingLists
from reader.store.papers import Catalog
from reader.store.search import SearchIndex, SearchResult
from reader.store.triage import Batch, Triage
from reader.store.undo import Change, Scope, UndoEntry, UndoLog


def _storage_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """SQLite's errors leave the store as LibraryError, in a person's words."""

    @functools.wraps(method)
    def guarded(self: Library, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise errors.describe(self.path, error) from None

    return guarded


class Library:
    """A reader library in one SQLite file."""

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
        self.path = Path(path).expanduser()
        self.readonly = readonly
        conn, version = opening.connect(
            self.path, threads=threads, readonly=readonly, create=create
        )
        if readonly and version < schema.LATEST_VERSION:
            conn.close()  # an older library is upgraded once, by a connection that may write
            Library(self.path, create=False).close()
            conn, version = opening.connect(self.path, threads=threads, readonly=True)
        self.db = sqlite_utils.Database(conn)
        self._writes = 0
        self._verified = False
        self.catalog = Catalog(self)
        self.search_index = SearchIndex(self)
        self.tag_store = Tags(self)
        self.curation = Curation(self)
        self.reading_lists = ReadingLists(self)
        self.ingest = Ingest(self)
        self.backups = Backup(self)
        self.undo_log = UndoLog(self)
        self.records = Records(self)
        self.triage = Triage(self)
        self.attachments = Attachments(self)
        opening.migrate(self, version)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another process's lock before giving up as busy."""
        self.db.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    def interrupt(self) -> None:
        """Stop the statement running on this connection, from any thread (SQLite allows it).

        Between statements it does nothing, so a caller waiting for work to stop repeats it."""
        self.db.conn.interrupt()

    def verify(self) -> None:
        opening.verify(self)
        self._verified = True

    def migrations(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM schema_migrations ORDER BY version"))

    # -- transactions (for the parts of the store) --------------------------------------------

    @contextmanager
    def write(self) -> Iterator[None]:
        """One immediate transaction: take the write lock up front so we never deadlock.

        Nested, it becomes a savepoint of the transaction already open."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        if self.readonly:
            raise LibraryError(f"{self.path}: opened read-only; nothing was changed")
        try:
            if not self._verified:
                self.verify()
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise errors.describe(self.path, error) from None
        try:
            yield
            self.db.conn.commit()
        except sqlite3.Error as error:
            self.db.conn.rollback()
            raise errors.describe(self.path, error) from None
        except BaseException:
            self.db.conn.rollback()
            raise
        finally:
            self._writes += 1

    @contextmanager
    def read(self) -> Iterator[None]:
        """Several reads that must agree with each other: one snapshot of the library."""
        if self.db.conn.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.conn.rollback()

    @contextmanager
    def change(self, description: str, scopes: Sequence[Scope]) -> Iterator[Change]:
        """A write that records its undo: see ``UndoLog.change``."""
        with self.undo_log.change(description, scopes) as change:
            yield change

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several imports into one all-or-nothing transaction."""
        with self.write():
            yield

    def stamp(self) -> tuple[int, int]:
        """Changes whenever any connection, this one included, has committed a change."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self._writes

    def data_version(self) -> tuple[int, int]:
        """Changes whenever this or another connection commits; cheap to poll."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        total = self.db.execute("SELECT count(*) FROM undo_log").fetchone()[0]
        return version, total

    # -- undo ----------------------------------------------------------------------------------

    def undo(self) -> str:
        return self.undo_log.undo()

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

    def attach_tags(self, tags_by_key: dict[str, Sequence[str]]) -> None:
        self.ingest.attach_tags(tags_by_key)

    def dump(self) -> dict[str, Any]:
        return self.backups.dump()

    def restore(self, data: dict[str, Any]) -> ImportSummary:
        return self.backups.restore(data)

    def is_empty(self) -> bool:
        return self.backups.is_empty()

    # -- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        return self.catalog.count()

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
        return find_duplicates(self.catalog.duplicate_candidates())

    def attach(self, paper_id: int, source: Path, *, link: bool = False) -> AttachedFile:
        return self.attachments.attach(paper_id, source, link=link)

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

    # -- tags ----------------------------------------------------------------------------------

    def tag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        return self.tag_store.tag(paper_id, names)

    def untag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        return self.tag_store.untag(paper_id, names)

    def tags(self) -> list[TagCount]:
        return self.tag_store.counts()

    def rename_tag(self, old: str, new: str) -> bool:
        return self.tag_store.rename(old, new)

    def delete_tag(self, name: str) -> int:
        return self.tag_store.delete(name)

    # -- ratings, status, notes ------------------------------------------------------------

    def rate(self, paper_id: int, rating: int | None) -> None:
        self.curation.rate(paper_id, rating)

    def set_status(self, paper_id: int, status: str) -> None:
        self.curation.set_status(paper_id, status)

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
    if (
        not _name.startswith("_")
        and callable(_method)
        and _name
        not in {
            "write",
            "read",
            "change",
            "transaction",
        }
    ):
        setattr(Library, _name, _storage_errors(_method))
