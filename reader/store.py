"""The Library: the only module that holds SQL.

Every write runs in one ``BEGIN IMMEDIATE`` transaction, so a second process waits for the lock
(busy timeout) instead of failing half-way, and every curation change records how to reverse
itself in ``undo_log`` inside that same transaction.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from reader.keys import paper_key
from reader.migrations import LATEST_VERSION, MIGRATIONS
from reader.models import (
    STATUSES,
    Annotation,
    ImportSummary,
    Link,
    Paper,
    PaperRow,
    ParsedListing,
    ReaderError,
    ReadingList,
    Source,
    TagCount,
)
from reader.query import Query, QueryError, Term, parse_query
from reader.search import closest_words

BUSY_TIMEOUT_MS = 30_000
PAGE_SIZE = 16_384
# Papers written per step of an import: big steps keep full-text indexing efficient.
IMPORT_CHUNK = 20_000
# Ids kept in the per-word search cache before it is emptied (a few words at 100,000 papers).
WORD_CACHE_IDS = 600_000
# Tables whose rows have a stable integer id: undo updates them in place rather than deleting
# and re-inserting, so that foreign-key cascades never reach rows outside a change.
KEYED_TABLES = frozenset({"papers", "tags", "annotations", "lists"})
UNDO_KEEP = 1_000


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Scope:
    """Rows a change may touch, snapshotted so that undo can put them back.

    With ``columns`` only those columns are restored (by UPDATE); otherwise the rows matching
    ``where`` are deleted and the snapshot re-inserted.
    """

    table: str
    where: str
    params: tuple[Any, ...]
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    fuzzy: bool = False
    corrections: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class UndoEntry:
    id: int
    created: str
    description: str


def _fts_phrase(word: str, prefix: bool = False) -> str:
    phrase = '"' + word.replace('"', '""') + '"'
    return phrase + "*" if prefix else phrase


def _fts_tokens(word: str, prefix: bool = False) -> str:
    """The word's tokens, all required but not as a phrase (abstracts keep no positions)."""
    tokens = ['"' + token + '"' for token in re.findall(r"[^\W_]+", word)]
    if prefix and tokens:
        tokens[-1] += "*"
    return " ".join(tokens)


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (triggers included) to run one by one."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer.strip()
            buffer = ""


def _is_text_group(group: tuple[Term, ...]) -> bool:
    return all(term.field is None and not term.negated for term in group)


def _ranking_expression(query: Query, min_prefix: int = 1) -> str:
    """One FTS5 expression over the query's positive free words, for bm25 ranking.

    A prefix of one or two typed letters would rank half the library for nothing: skipped."""
    groups = []
    for group in query.groups:
        if all(term.field is None and not term.negated for term in group):
            phrases = [
                _fts_phrase(term.value, term.prefix)
                for term in group
                if any(ch.isalnum() for ch in term.value)
                and not (term.prefix and len(term.value) < min_prefix)
            ]
            if phrases:
                groups.append("(" + " OR ".join(phrases) + ")")
    return " AND ".join(groups)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _create_private(path: Path) -> None:
    """Create an empty file only its owner can read: notes and reading lists are private."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _newer_error(path: Path, version: int) -> ReaderError:
    return ReaderError(
        f"{path}: written by a newer version of reader (schema {version}; this version knows "
        f"up to {LATEST_VERSION}). Upgrade reader to open it; the file was left untouched."
    )


def _probe(path: Path) -> int | None:
    """The schema version of an existing file, read without changing a byte of it.

    The connection is read-only and immutable, so it creates no ``-wal`` or ``-shm`` file and
    cannot checkpoint one; and no Python file handle is ever opened on the library (closing one
    would drop this process's SQLite locks on it). An immutable read takes no locks, so while
    other processes write (or create the file) it may see a page mid-change: then it answers
    None and the real connection, with its locks, decides.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise ReaderError(f"{path}: cannot be opened ({error})") from None
    try:
        version, tables = _schema_facts(conn)
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    _check_schema(path, version, tables)
    return version


def _schema_facts(conn: sqlite3.Connection) -> tuple[int, set[str]]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return version, tables


def _check_schema(path: Path, version: int, tables: set[str]) -> None:
    if version > LATEST_VERSION:
        raise _newer_error(path, version)
    if (version == 0 and tables) or (version > 0 and not {"papers", "schema_migrations"} <= tables):
        raise ReaderError(f"{path}: an SQLite file, but not a reader library; left untouched")


class _ListingImporter:
    """Writes listings into an open transaction, remembering keys and files between them."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db
        self.added_at = now()
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
            self.library._index_new_papers(first_new_id)
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
            self.library._set_abstract(paper_id, row[0], abstract)

    def summary(self) -> ImportSummary:
        return ImportSummary(
            files=self.listings,
            parsed=self.parsed,
            added=self.added,
            duplicates=self.parsed - self.added,
            warnings=tuple(self.warnings),
        )


class Library:
    """A reader library in one SQLite file."""

    def __init__(self, path: str | Path, *, threads: bool = False) -> None:
        """Open (creating or migrating) a library; ``threads`` allows use from worker threads,
        which the caller must then serialise."""
        self.path = Path(path).expanduser()
        if self.path.is_dir():
            raise ReaderError(f"{self.path}: is a folder, not a library file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() and self.path.stat().st_size > 0:
            _probe(self.path)
        elif not self.path.exists():
            _create_private(self.path)
        conn = sqlite3.connect(
            str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=not threads
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version, tables = _schema_facts(conn)
            _check_schema(self.path, version, tables)
        except sqlite3.DatabaseError as error:
            conn.close()
            if "not a database" in str(error):
                raise ReaderError(f"{self.path}: not a reader library ({error})") from None
            raise ReaderError(
                f"{self.path}: the library file is damaged ({error}); nothing was changed"
            ) from None
        except ReaderError:
            conn.close()
            raise
        self.db = sqlite_utils.Database(conn)
        if version == 0:
            # Larger pages pack ~1 KB abstracts tightly: a third smaller file than 4 KB pages.
            self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA foreign_keys = ON")
        self._use_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        self._vocabulary: tuple[int, list[str]] | None = None
        self._writes = 0
        self._word_cache: dict[tuple[str, bool], tuple[int, ...]] = {}
        self._word_cache_stamp: tuple[int, int] | None = None
        self._all_ids_cache: tuple[tuple[int, int], tuple[int, ...]] | None = None
        self._verified = False
        self._migrate(version)

    # -- lifecycle ---------------------------------------------------------------------------

    def _use_wal(self) -> None:
        """Switch to write-ahead logging; another process creating the file at the same moment
        may hold the lock the switch needs, and SQLite does not wait for it, so we do."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self, version: int) -> None:
        if not any(step.version > version for step in MIGRATIONS):
            return
        if version > 0:
            self._backup_copy(self.path.with_name(f"{self.path.name}.v{version}.bak"))
        with self._write():
            # Another process may have migrated while we waited for the lock: look again.
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
            )
            for step in MIGRATIONS:
                if step.version <= version:
                    continue
                for statement in _statements(step.sql):
                    self.db.execute(statement)
                self.db["schema_migrations"].insert(
                    {"version": step.version, "name": step.name, "applied": now()}
                )
                self.db.execute(f"PRAGMA user_version = {int(step.version)}")

    def _backup_copy(self, target: Path) -> None:
        """Copy the library through SQLite (a consistent snapshot, WAL included)."""
        target.unlink(missing_ok=True)
        _create_private(target)
        copy = sqlite3.connect(str(target))
        try:
            self.db.conn.backup(copy)
        finally:
            copy.close()

    def verify(self) -> None:
        """Refuse to write into a damaged file: it is left as it is, for recovery tools."""
        try:
            problems = [row[0] for row in self.db.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as error:
            problems = [str(error)]
        if problems != ["ok"]:
            raise ReaderError(
                f"{self.path}: the library file is damaged ({problems[0]}); nothing was "
                "written. `reader export --all --format json` may save what is readable."
            )
        self._verified = True

    def migrations(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM schema_migrations ORDER BY version"))

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One immediate transaction: take the write lock up front so we never deadlock."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        if not self._verified:
            self.verify()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.conn.rollback()
            raise
        finally:
            self._writes += 1
        self.db.conn.commit()

    def _snapshot(self, scope: Scope) -> list[dict[str, Any]]:
        columns = ", ".join(("rowid AS _rowid", *scope.columns)) if scope.columns else "*"
        sql = f"SELECT {columns} FROM {scope.table} WHERE {scope.where}"
        return list(self.db.query(sql, scope.params))

    @contextmanager
    def _change(self, description: str, scopes: Sequence[Scope]) -> Iterator[None]:
        """Run a change and record, in the same transaction, how to undo it."""
        with self._write():
            before = [
                {
                    "table": scope.table,
                    "where": scope.where,
                    "params": list(scope.params),
                    "columns": list(scope.columns),
                    "rows": self._snapshot(scope),
                }
                for scope in scopes
            ]
            yield
            self.db["undo_log"].insert(
                {"created": now(), "description": description, "changes": json.dumps(before)}
            )
            self.db.execute(
                "DELETE FROM undo_log WHERE id <= (SELECT max(id) FROM undo_log) - ?",
                [UNDO_KEEP],
            )

    def undo(self) -> str:
        """Reverse the most recent change; returns what it was. Raises when there is none."""
        with self._write():
            entry = self.db.execute(
                "SELECT id, description, changes FROM undo_log ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if entry is None:
                raise ReaderError("nothing to undo")
            entry_id, description, changes = entry
            scopes = json.loads(changes)
            # Children first: remove what the change added ...
            for scope in reversed(scopes):
                self._undo_remove(scope)
            # ... then parents first: put back what was there.
            for scope in scopes:
                self._undo_restore(scope)
            self.db.execute("DELETE FROM undo_log WHERE id = ?", [entry_id])
        return description

    def _undo_remove(self, scope: dict[str, Any]) -> None:
        table, where, params = scope["table"], scope["where"], scope["params"]
        if scope["columns"]:
            return
        if table in KEYED_TABLES:
            # Only rows the change created go: deleting a row that is about to be restored
            # would cascade to children outside this scope (every paper's link to a tag).
            before = [row["id"] for row in scope["rows"]]
            keep = f" AND id NOT IN ({','.join('?' * len(before))})" if before else ""
            self.db.execute(f"DELETE FROM {table} WHERE ({where}){keep}", params + before)
        else:
            self.db.execute(f"DELETE FROM {table} WHERE {where}", params)

    def _undo_restore(self, scope: dict[str, Any]) -> None:
        table = scope["table"]
        for row in scope["rows"]:
            row = dict(row)
            rowid = row.pop("_rowid", None)
            if scope["columns"]:
                assignments = ", ".join(f"{column} = ?" for column in scope["columns"])
                self.db.execute(
                    f"UPDATE {table} SET {assignments} WHERE rowid = ?",
                    [row[column] for column in scope["columns"]] + [rowid],
                )
            elif (
                table in KEYED_TABLES
                and self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [row["id"]]).fetchone()
            ):
                assignments = ", ".join(f"{column} = ?" for column in row if column != "id")
                values = [value for column, value in row.items() if column != "id"]
                self.db.execute(
                    f"UPDATE {table} SET {assignments} WHERE id = ?", values + [row["id"]]
                )
            else:
                self.db[table].insert(row)

    def clear_undo(self) -> None:
        """Forget the undo history (after seeding a demo, say): nothing before it can be undone."""
        with self._write():
            self.db.execute("DELETE FROM undo_log")

    def undo_history(self, limit: int = 20) -> list[UndoEntry]:
        rows = self.db.execute(
            "SELECT id, created, description FROM undo_log ORDER BY id DESC LIMIT ?", [limit]
        ).fetchall()
        return [UndoEntry(*row) for row in rows]

    # -- import ------------------------------------------------------------------------------

    def import_listings(self, listings: Iterable[ParsedListing]) -> ImportSummary:
        """Add the papers of several listings in one transaction: all of them or none.

        ``listings`` may be a generator still parsing later files: each listing is written as
        it arrives, so parsing overlaps SQLite's indexing work (which runs without the GIL).
        """
        with self._write():
            importer = _ListingImporter(self)
            pending: list[ParsedListing] = []
            for listing in listings:
                pending.append(listing)
                if sum(len(item.papers) for item in pending) >= IMPORT_CHUNK:
                    importer.add(pending)
                    pending = []
            if pending:
                importer.add(pending)
        self._vocabulary = None
        return importer.summary()

    def _index_new_papers(self, first_id: int) -> None:
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

    def _set_abstract(self, paper_id: int, old: str, new: str) -> None:
        self.db.execute(
            "INSERT INTO abstracts_fts (abstracts_fts, rowid, abstract) VALUES ('delete', ?, ?)",
            [paper_id, old],
        )
        self.db["papers"].update(paper_id, {"abstract": new})
        self.db.execute(
            "INSERT INTO abstracts_fts (rowid, abstract) VALUES (?, ?)", [paper_id, new]
        )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several imports into one all-or-nothing transaction."""
        with self._write():
            yield

    def attach_tags(self, tags_by_key: dict[str, Sequence[str]]) -> None:
        """Add tags to imported papers (BibTeX keywords); not recorded for undo."""
        with self._write():
            for key, names in tags_by_key.items():
                row = self.db.execute("SELECT id FROM papers WHERE key = ?", [key]).fetchone()
                if row is None:
                    continue
                for name in names:
                    try:
                        name = self._clean_tag(name)
                    except ReaderError:
                        continue
                    self.db.execute(
                        "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                        [row[0], self._tag_id(name, create=True)],
                    )

    # -- backup ------------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """The whole library as plain data (undo history excluded), in a stable order."""
        tags_by_paper: dict[int, list[str]] = {}
        for paper_id, name in self.db.execute(
            "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            "ORDER BY pt.paper_id, t.name COLLATE NOCASE, t.name"
        ):
            tags_by_paper.setdefault(paper_id, []).append(name)
        sources: dict[int, list[dict[str, Any]]] = {}
        for paper_id, file, listed, added in self.db.execute(
            "SELECT s.paper_id, f.name, f.listed, f.added FROM sources s "
            "JOIN files f ON f.id = s.file_id ORDER BY s.paper_id, f.id"
        ):
            sources.setdefault(paper_id, []).append(
                {"file": file, "listed": listed or None, "added": added}
            )
        links: dict[int, list[dict[str, Any]]] = {}
        for paper_id, url, kind, position in self.db.execute(
            "SELECT paper_id, url, kind, position FROM links ORDER BY paper_id, position, url"
        ):
            links.setdefault(paper_id, []).append({"url": url, "kind": kind, "position": position})
        keys: dict[int, str] = {}
        papers = []
        for row in self.db.execute(
            "SELECT id, key, title, abstract, listed, added, rating, status, read_at "
            "FROM papers ORDER BY id"
        ):
            keys[row[0]] = row[1]
            papers.append(
                {
                    "id": row[0],
                    "key": row[1],
                    "title": row[2],
                    "abstract": row[3],
                    "listed": row[4],
                    "added": row[5],
                    "rating": row[6],
                    "status": row[7],
                    "read_at": row[8],
                    "sources": sources.get(row[0], []),
                    "links": links.get(row[0], []),
                    "tags": tags_by_paper.get(row[0], []),
                }
            )
        annotations = [
            {
                "id": row[0],
                "paper": keys[row[1]],
                "body": row[2],
                "quote": row[3],
                "created": row[4],
                "updated": row[5],
            }
            for row in self.db.execute(
                "SELECT id, paper_id, body, quote, created, updated FROM annotations ORDER BY id"
            )
        ]
        lists = []
        for list_id, name, description, created in self.db.execute(
            "SELECT id, name, description, created FROM lists ORDER BY id"
        ):
            items = [
                {"paper": keys[paper_id], "added": added}
                for paper_id, added in self.db.execute(
                    "SELECT paper_id, added FROM list_items WHERE list_id = ? ORDER BY position",
                    [list_id],
                )
            ]
            lists.append(
                {"name": name, "description": description, "created": created, "papers": items}
            )
        tag_names = [
            row[0]
            for row in self.db.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE, name")
        ]
        return {
            "format": "reader-backup",
            "version": 1,
            "schema": self.schema_version,
            "papers": papers,
            "tags": tag_names,
            "annotations": annotations,
            "lists": lists,
        }

    def is_empty(self) -> bool:
        return not any(
            self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
            for table in ("papers", "tags", "annotations", "lists")
        )

    def restore(self, data: dict[str, Any]) -> ImportSummary:
        """Restore a validated backup: exactly into an empty library, merged into any other.

        Merging never duplicates: papers match by key, annotations by paper, body and creation
        time, lists by name; ratings and status already set in this library are kept.
        """
        with self._write():
            exact = self.is_empty()
            ids: dict[str, int] = dict(self.db.execute("SELECT key, id FROM papers"))
            new_ids: list[int] = []
            for paper in data["papers"]:
                key = paper["key"]
                if key in ids:
                    self._merge_backup_paper(ids[key], paper)
                    continue
                row = {
                    "key": key,
                    "title": paper["title"],
                    "abstract": paper.get("abstract") or "",
                    "listed": paper.get("listed"),
                    "added": paper.get("added") or now(),
                    "rating": paper.get("rating"),
                    "status": paper.get("status") or "unread",
                    "read_at": paper.get("read_at"),
                }
                if exact and paper.get("id") is not None and not self._taken("papers", paper["id"]):
                    row["id"] = paper["id"]
                paper_id = self.db["papers"].insert(row).last_pk
                ids[key] = paper_id
                new_ids.append(paper_id)
                self._add_backup_details(paper_id, paper)
            added = len(new_ids)
            for start in range(0, len(new_ids), 500):
                chunk = new_ids[start : start + 500]
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
            for name in data["tags"]:
                self._tag_id(name, create=True)
            for note in data["annotations"]:
                paper_id = ids[note["paper"]]
                duplicate = (
                    not exact
                    and self.db.execute(
                        "SELECT 1 FROM annotations WHERE paper_id = ? AND body = ? AND created = ?",
                        [paper_id, note["body"], note.get("created")],
                    ).fetchone()
                )
                if duplicate:
                    continue
                row = {
                    "paper_id": paper_id,
                    "body": note["body"],
                    "quote": note.get("quote"),
                    "created": note.get("created") or now(),
                    "updated": note.get("updated") or note.get("created") or now(),
                }
                if (
                    exact
                    and note.get("id") is not None
                    and not self._taken("annotations", note["id"])
                ):
                    row["id"] = note["id"]
                self.db["annotations"].insert(row)
            for item in data["lists"]:
                found = self.db.execute(
                    "SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [item["name"]]
                ).fetchone()
                if found:
                    list_id = found[0]
                else:
                    list_id = (
                        self.db["lists"]
                        .insert(
                            {
                                "name": item["name"],
                                "description": item.get("description") or "",
                                "created": item.get("created") or now(),
                            }
                        )
                        .last_pk
                    )
                order = self._list_order(list_id)
                times = self._added_times(list_id)
                for entry in item["papers"]:
                    paper_id = ids[entry["paper"]]
                    if paper_id not in times:
                        order.append(paper_id)
                        times[paper_id] = entry.get("added") or now()
                self._write_order(list_id, order, times)
        self._vocabulary = None
        parsed = len(data["papers"])
        return ImportSummary(files=1, parsed=parsed, added=added, duplicates=parsed - added)

    def _taken(self, table: str, row_id: int) -> bool:
        return bool(self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]).fetchone())

    def _add_backup_details(self, paper_id: int, paper: dict[str, Any]) -> None:
        for item in paper.get("sources", []):
            listed = item.get("listed") or ""
            self.db.execute(
                "INSERT OR IGNORE INTO files (name, listed, added) VALUES (?, ?, ?)",
                [item["file"], listed, item.get("added") or now()],
            )
            self.db.execute(
                "INSERT OR IGNORE INTO sources (paper_id, file_id) "
                "SELECT ?, id FROM files WHERE name = ? AND listed = ?",
                [paper_id, item["file"], listed],
            )
        self.db["links"].insert_all(
            (
                {
                    "paper_id": paper_id,
                    "url": link["url"],
                    "kind": link.get("kind") or "web",
                    "position": link.get("position", index),
                }
                for index, link in enumerate(paper.get("links", []))
            ),
            ignore=True,
        )
        for name in paper.get("tags", []):
            self.db.execute(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                [paper_id, self._tag_id(name, create=True)],
            )

    def _merge_backup_paper(self, paper_id: int, paper: dict[str, Any]) -> None:
        rating, status = self.db.execute(
            "SELECT rating, status FROM papers WHERE id = ?", [paper_id]
        ).fetchone()
        changes: dict[str, Any] = {}
        if rating is None and paper.get("rating") is not None:
            changes["rating"] = paper["rating"]
        if status == "unread" and paper.get("status", "unread") != "unread":
            changes["status"] = paper["status"]
            changes["read_at"] = paper.get("read_at")
        if changes:
            self.db["papers"].update(paper_id, changes)
        self._add_backup_details(paper_id, paper)

    # -- reading -----------------------------------------------------------------------------

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM papers").fetchone()[0]

    def resolve(self, ref: str | int) -> int:
        """Turn an id, a key or a unique key prefix into a paper id."""
        text = str(ref).strip()
        if not text:
            raise ReaderError("no paper given")
        if text.isdigit():
            row = self.db.execute("SELECT id FROM papers WHERE id = ?", [int(text)]).fetchone()
            if row:
                return row[0]
        row = self.db.execute("SELECT id FROM papers WHERE key = ?", [text]).fetchone()
        if row:
            return row[0]
        matches = self.db.execute(
            "SELECT id, key FROM papers WHERE key LIKE ? ESCAPE '\\' ORDER BY key LIMIT 6",
            [_like_escape(text.lower()) + "%"],
        ).fetchall()
        if len(matches) == 1:
            return matches[0][0]
        if not matches:
            raise ReaderError(f"no paper matches '{text}'")
        shown = ", ".join(key for _, key in matches[:5])
        more = ", ..." if len(matches) > 5 else ""
        raise ReaderError(f"'{text}' is ambiguous: it could be {shown}{more}")

    def paper(self, ref: str | int) -> Paper:
        return self.papers([self.resolve(ref)])[0]

    def papers(self, ids: Sequence[int], *, with_notes: bool = True) -> list[Paper]:
        """Full papers, in the order of ``ids``."""
        if not ids:
            return []
        found: dict[int, Paper] = {}
        for start in range(0, len(ids), 500):
            found.update(self._load_papers(list(ids[start : start + 500]), with_notes))
        return [found[paper_id] for paper_id in ids if paper_id in found]

    def _load_papers(self, ids: list[int], with_notes: bool) -> dict[int, Paper]:
        marks = ",".join("?" * len(ids))
        sources: dict[int, list[Source]] = {}
        for paper_id, file, listed in self.db.execute(
            f"SELECT s.paper_id, f.name, f.listed FROM sources s JOIN files f ON f.id = s.file_id "
            f"WHERE s.paper_id IN ({marks}) ORDER BY f.id",
            ids,
        ):
            sources.setdefault(paper_id, []).append(Source(file, listed or None))
        links: dict[int, list[Link]] = {}
        for paper_id, url, kind in self.db.execute(
            f"SELECT paper_id, url, kind FROM links WHERE paper_id IN ({marks}) "
            "ORDER BY paper_id, position, url",
            ids,
        ):
            links.setdefault(paper_id, []).append(Link(url, kind))
        tags = self._tags_for(ids)
        notes: dict[int, list[Annotation]] = {}
        lists: dict[int, list[str]] = {}
        if with_notes:
            for row in self.db.execute(
                f"SELECT id, paper_id, body, quote, created, updated FROM annotations "
                f"WHERE paper_id IN ({marks}) ORDER BY id",
                ids,
            ):
                notes.setdefault(row[1], []).append(Annotation(*row))
            for paper_id, name in self.db.execute(
                f"SELECT li.paper_id, l.name FROM list_items li JOIN lists l ON l.id = li.list_id "
                f"WHERE li.paper_id IN ({marks}) ORDER BY l.name COLLATE NOCASE",
                ids,
            ):
                lists.setdefault(paper_id, []).append(name)
        result = {}
        for row in self.db.execute(
            "SELECT id, key, title, abstract, listed, added, rating, status, read_at "
            f"FROM papers WHERE id IN ({marks})",
            ids,
        ):
            paper_id = row[0]
            result[paper_id] = Paper(
                id=paper_id,
                key=row[1],
                title=row[2],
                abstract=row[3],
                listed=row[4],
                added=row[5],
                rating=row[6],
                status=row[7],
                read_at=row[8],
                sources=tuple(sources.get(paper_id, ())),
                links=tuple(links.get(paper_id, ())),
                tags=tuple(tags.get(paper_id, ())),
                annotations=tuple(notes.get(paper_id, ())),
                lists=tuple(lists.get(paper_id, ())),
            )
        return result

    def _tags_for(self, ids: list[int]) -> dict[int, list[str]]:
        marks = ",".join("?" * len(ids))
        tags: dict[int, list[str]] = {}
        for paper_id, name in self.db.execute(
            f"SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
            ids,
        ):
            tags.setdefault(paper_id, []).append(name)
        return tags

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """The columns the paper list shows, for a window of ids, in their order."""
        if not ids:
            return []
        id_list = list(ids)
        marks = ",".join("?" * len(id_list))
        tags = self._tags_for(id_list)
        found = {}
        for paper_id, title, status, rating, listed, has_code in self.db.execute(
            "SELECT id, title, status, rating, listed, "
            "EXISTS (SELECT 1 FROM links WHERE paper_id = papers.id AND kind = 'code') "
            f"FROM papers WHERE id IN ({marks})",
            id_list,
        ):
            found[paper_id] = PaperRow(
                paper_id, title, status, rating, listed, tuple(tags.get(paper_id, ())), has_code
            )
        return [found[paper_id] for paper_id in id_list if paper_id in found]

    def data_version(self) -> tuple[int, int]:
        """Changes whenever this or another connection commits; cheap to poll."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        total = self.db.execute("SELECT count(*) FROM undo_log").fetchone()[0]
        return version, total

    # -- search ------------------------------------------------------------------------------

    def search(
        self,
        query: Query | str = "",
        *,
        limit: int | None = None,
        list_name: str | None = None,
        fuzzy: bool = True,
        typing: bool = False,
    ) -> SearchResult:
        """Ids of the papers matching a query, best first (or in list order within a list).

        ``typing`` is for search-as-you-type: a last word of one or two letters is not typed
        yet, so it neither filters nor ranks; the list narrows from the third letter.
        """
        if isinstance(query, str):
            query = parse_query(query)
        list_id = self._list_id(list_name) if list_name is not None else None
        ranking = query
        if typing and query.groups:
            last = query.groups[-1]
            if len(last) == 1 and last[0].prefix and len(last[0].value) < 3:
                query = Query(groups=query.groups[:-1], text=query.text)
        ids = self._search_ids(query, limit, list_id, ranking)
        if ids or not fuzzy or not query.words:
            return SearchResult(ids)
        corrections = self._corrections(query)
        if not corrections:
            return SearchResult([])
        groups = []
        for group in query.groups:
            term = group[0]
            if len(group) == 1 and term.field is None and not term.negated:
                groups.append(tuple(Term(None, word) for word in corrections[term.value]))
            else:
                groups.append(group)
        corrected = Query(groups=tuple(groups), text=query.text)
        return SearchResult(
            self._search_ids(corrected, limit, list_id), fuzzy=True, corrections=corrections
        )

    def _corrections(self, query: Query) -> dict[str, list[str]]:
        """Close title words for every free word; empty when some word has none."""
        vocabulary = self.title_vocabulary()
        corrections: dict[str, list[str]] = {}
        for term in query.words:
            words = closest_words(term.value, vocabulary, prefix=term.prefix)
            if not words:
                return {}
            corrections[term.value] = words
        return corrections

    def title_vocabulary(self) -> list[str]:
        stamp = self.db.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        if self._vocabulary is None or self._vocabulary[0] != stamp:
            terms = [
                row[0]
                for row in self.db.execute("SELECT term FROM titles_vocab WHERE length(term) > 2")
            ]
            self._vocabulary = (stamp, terms)
        return self._vocabulary[1]

    def _search_ids(
        self, query: Query, limit: int | None, list_id: int | None, ranking: Query | None = None
    ) -> list[int]:
        """Free words go to the full-text indexes (cached per word, so typing one more letter
        costs one lookup), filters to SQL; the two meet as sets of ids."""
        try:
            matched = self._text_matches(query)
            if matched is not None and not matched:
                return []
            filters = [group for group in query.groups if not _is_text_group(group)]
            if filters or list_id is not None or matched is None:
                ordered = self._filter_ids(filters, list_id, matched)
                if matched is not None:
                    ordered = [paper_id for paper_id in ordered if paper_id in matched]
            else:
                ordered = sorted(matched)
            expression = _ranking_expression(ranking or query, min_prefix=3)
            if expression and list_id is None:
                ordered = self._rank(ordered, expression)
        except sqlite3.OperationalError as error:
            if "fts5" in str(error).lower():
                raise QueryError(str(error), 1, query.text) from None
            raise
        return ordered if limit is None else ordered[: int(limit)]

    def _text_matches(self, query: Query) -> set[int] | None:
        """Ids matching every positive free-word group, or None when there are none."""
        matched: set[int] | None = None
        for group in query.groups:
            if not _is_text_group(group):
                continue
            ids: set[int] = set()
            for term in group:
                ids.update(self._word_ids(term.value, term.prefix))
            matched = ids if matched is None else matched.intersection(ids)
            if not matched:
                return matched
        return matched

    def _word_ids(self, word: str, prefix: bool) -> tuple[int, ...]:
        """Papers whose title, abstract or notes hold the word; memoised until data changes.

        Kept as tuples of ints, which the garbage collector stops scanning: a cache of sets
        holding a million ids made every full collection take ~50 ms while typing.
        """
        if not any(ch.isalnum() for ch in word):
            return tuple(self._all_ids())
        stamp = self._stamp()
        key = (word.casefold(), prefix)
        if self._word_cache_stamp != stamp:
            self._word_cache = {}
            self._word_cache_stamp = stamp
        cached = self._word_cache.get(key)
        if cached is not None:
            return cached
        phrase = _fts_phrase(word, prefix)
        # One or two letters as a prefix would expand to most of the abstracts' vocabulary:
        # titles still match as you type, abstracts once the word is longer.
        tokens = _fts_tokens(word, prefix and len(word) >= 3)
        found = {
            row[0]
            for row in self.db.execute(
                "SELECT rowid FROM abstracts_fts WHERE abstracts_fts MATCH ?", [tokens]
            )
        }
        found.update(
            row[0]
            for row in self.db.execute(
                "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? "
                "UNION SELECT a.paper_id FROM annotations a WHERE a.id IN "
                "(SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?)",
                [phrase, phrase],
            )
        )
        ids = tuple(found)
        if sum(len(cached) for cached in self._word_cache.values()) > WORD_CACHE_IDS:
            self._word_cache.clear()
        self._word_cache[key] = ids
        return ids

    def _stamp(self) -> tuple[int, int]:
        """Changes whenever any connection, this one included, has committed a change."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self._writes

    def _all_ids(self) -> tuple[int, ...]:
        stamp = self._stamp()
        if self._all_ids_cache is None or self._all_ids_cache[0] != stamp:
            ids = tuple(row[0] for row in self.db.execute("SELECT id FROM papers ORDER BY id"))
            self._all_ids_cache = (stamp, ids)
        return self._all_ids_cache[1]

    def _filter_ids(
        self, groups: Sequence[tuple[Term, ...]], list_id: int | None, within: set[int] | None
    ) -> list[int]:
        where: list[str] = []
        params: list[Any] = []
        for group in groups:
            parts = []
            for term in group:
                sql, term_params = self._term_sql(term)
                parts.append(sql)
                params.extend(term_params)
            where.append("(" + " OR ".join(parts) + ")")
        if within is not None and len(within) <= 20_000:
            # A short candidate list is cheaper to hand to SQLite than to filter afterwards.
            where.append("p.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(within)))
        if not where and list_id is None:
            return list(self._all_ids())
        joins, order = "", "p.id"
        if list_id is not None:
            joins = " JOIN list_items li ON li.paper_id = p.id AND li.list_id = ?"
            params.insert(0, list_id)
            order = "li.position"
        sql = f"SELECT p.id FROM papers p{joins}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [row[0] for row in self.db.execute(f"{sql} ORDER BY {order}", params)]

    def _rank(self, ids: list[int], expression: str) -> list[int]:
        """Title matches first, best bm25 first; the rest (abstract or note matches) after."""
        ranked = [
            row[0]
            for row in self.db.execute(
                "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ? ORDER BY rank", [expression]
            )
        ]
        present = set(ids)
        head = [paper_id for paper_id in ranked if paper_id in present]
        seen = set(head)
        return head + [paper_id for paper_id in ids if paper_id not in seen]

    def _term_sql(self, term: Term) -> tuple[str, list[Any]]:
        sql, params = self._positive_term_sql(term)
        if term.negated:
            return f"NOT coalesce(({sql}), 0)", params
        return sql, params

    def _positive_term_sql(self, term: Term) -> tuple[str, list[Any]]:
        if term.field is None:
            if not any(ch.isalnum() for ch in term.value):
                return "1", []
            phrase = _fts_phrase(term.value, term.prefix)
            return (
                "(p.id IN (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?)"
                " OR p.id IN (SELECT rowid FROM abstracts_fts WHERE abstracts_fts MATCH ?)"
                " OR p.id IN (SELECT a.paper_id FROM annotations a WHERE a.id IN "
                "(SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?)))",
                [phrase, _fts_tokens(term.value, term.prefix), phrase],
            )
        if term.field == "tag":
            return (
                "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                "WHERE t.name = ? COLLATE NOCASE OR t.name LIKE ? ESCAPE '\\')",
                [term.value, _like_escape(term.value) + "/%"],
            )
        if term.field == "rating":
            op = "!=" if term.op == "!=" else term.op
            return f"p.rating {op} ?", [int(term.value)]
        if term.field == "status":
            return "p.status = ?", [term.value]
        if term.field == "list":
            list_id = self._list_id(term.value)
            return "p.id IN (SELECT paper_id FROM list_items WHERE list_id = ?)", [list_id]
        if term.field == "listed":
            return (
                "p.id IN (SELECT s.paper_id FROM sources s JOIN files f ON f.id = s.file_id "
                "WHERE f.listed = ?)",
                [term.value],
            )
        if term.field == "has":
            return {
                "notes": "EXISTS (SELECT 1 FROM annotations WHERE paper_id = p.id)",
                "code": "EXISTS (SELECT 1 FROM links WHERE paper_id = p.id AND kind = 'code')",
                "links": "EXISTS (SELECT 1 FROM links WHERE paper_id = p.id)",
                "tags": "EXISTS (SELECT 1 FROM paper_tags WHERE paper_id = p.id)",
                "lists": "EXISTS (SELECT 1 FROM list_items WHERE paper_id = p.id)",
                "rating": "p.rating IS NOT NULL",
            }[term.value], []
        raise QueryError(f"unknown filter '{term.field}:'", 1, str(term))

    # -- tags --------------------------------------------------------------------------------

    def _title(self, paper_id: int) -> str:
        title = self.db.execute("SELECT title FROM papers WHERE id = ?", [paper_id]).fetchone()[0]
        return title if len(title) <= 60 else title[:57] + "..."

    @staticmethod
    def _clean_tag(name: str) -> str:
        cleaned = "/".join(part.strip() for part in name.strip().strip(",").split("/"))
        if not cleaned or cleaned.startswith("/") or cleaned.endswith("/") or "//" in cleaned:
            raise ReaderError(f"'{name}' is not a tag name")
        if any(ch.isspace() or ch == "," for ch in cleaned):
            raise ReaderError(f"'{name}' is not a tag name (no spaces or commas)")
        return cleaned

    def tag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        """Add tags to a paper; returns the names added (existing tags keep their spelling)."""
        names = list(dict.fromkeys(self._clean_tag(name) for name in names))
        scopes = [Scope("paper_tags", "paper_id = ?", (paper_id,))]
        scopes += [Scope("tags", "name = ? COLLATE NOCASE", (name,)) for name in names]
        description = f"tagged '{self._title(paper_id)}' with {', '.join(names)}"
        with self._change(description, scopes):
            added = []
            for name in names:
                tag_id = self._tag_id(name, create=True)
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                    [paper_id, tag_id],
                )
                if cursor.rowcount:
                    added.append(name)
        return added

    def untag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        names = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        description = f"untagged '{self._title(paper_id)}': {', '.join(names)}"
        with self._change(description, [Scope("paper_tags", "paper_id = ?", (paper_id,))]):
            removed = []
            for name in names:
                cursor = self.db.execute(
                    "DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = "
                    "(SELECT id FROM tags WHERE name = ? COLLATE NOCASE)",
                    [paper_id, name],
                )
                if cursor.rowcount:
                    removed.append(name)
        return removed

    def _tag_id(self, name: str, *, create: bool = False) -> int:
        row = self.db.execute(
            "SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [name]
        ).fetchone()
        if row:
            return row[0]
        if not create:
            raise ReaderError(f"no tag named '{name}'")
        return self.db["tags"].insert({"name": name}).last_pk

    def tags(self) -> list[TagCount]:
        """Every tag with the number of papers ``tag:NAME`` finds (its children included)."""
        names = [
            row[0] for row in self.db.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")
        ]
        papers: dict[str, set[int]] = {name.casefold(): set() for name in names}
        for name, paper_id in self.db.execute(
            "SELECT t.name, pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
        ):
            parts = name.casefold().split("/")
            for depth in range(1, len(parts) + 1):
                ancestor = "/".join(parts[:depth])
                if ancestor in papers:
                    papers[ancestor].add(paper_id)
        return [TagCount(name, len(papers[name.casefold()])) for name in names]

    def rename_tag(self, old: str, new: str) -> bool:
        """Rename a tag; when ``new`` exists already the two are merged. True if merged."""
        new = self._clean_tag(new)
        old_id = self._tag_id(old)
        row = self.db.execute("SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [new]).fetchone()
        target = row[0] if row and row[0] != old_id else None
        ids = (old_id, target or old_id)
        scopes = [
            Scope("tags", "id IN (?, ?)", ids),
            Scope("paper_tags", "tag_id IN (?, ?)", ids),
        ]
        with self._change(f"renamed tag {old} to {new}", scopes):
            if target is None:
                self.db["tags"].update(old_id, {"name": new})
            else:
                self.db.execute(
                    "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) "
                    "SELECT paper_id, ? FROM paper_tags WHERE tag_id = ?",
                    [target, old_id],
                )
                self.db["tags"].delete(old_id)
        return target is not None

    def delete_tag(self, name: str) -> int:
        tag_id = self._tag_id(name)
        scopes = [Scope("tags", "id = ?", (tag_id,)), Scope("paper_tags", "tag_id = ?", (tag_id,))]
        count = self.db.execute(
            "SELECT count(*) FROM paper_tags WHERE tag_id = ?", [tag_id]
        ).fetchone()[0]
        with self._change(f"deleted tag {name} from {count} papers", scopes):
            self.db["tags"].delete(tag_id)
        return count

    # -- rating and status -------------------------------------------------------------------

    def rate(self, paper_id: int, rating: int | None) -> None:
        if rating == 0:
            rating = None
        if rating is not None and (
            isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
        ):
            raise ReaderError(f"a rating is 1 to 5 stars (0 clears it), not '{rating}'")
        title = self._title(paper_id)
        what = f"rated '{title}' {rating}" if rating else f"cleared the rating of '{title}'"
        with self._change(what, [Scope("papers", "id = ?", (paper_id,), ("rating",))]):
            self.db["papers"].update(paper_id, {"rating": rating})

    def set_status(self, paper_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ReaderError(f"status is one of {', '.join(STATUSES)}, not '{status}'")
        current = self.db.execute("SELECT status FROM papers WHERE id = ?", [paper_id]).fetchone()[
            0
        ]
        if current == status:
            return
        scope = Scope("papers", "id = ?", (paper_id,), ("status", "read_at"))
        with self._change(f"marked '{self._title(paper_id)}' {status}", [scope]):
            self.db["papers"].update(
                paper_id, {"status": status, "read_at": now() if status == "read" else None}
            )

    def cycle_status(self, paper_id: int) -> str:
        current = self.db.execute("SELECT status FROM papers WHERE id = ?", [paper_id]).fetchone()[
            0
        ]
        following = STATUSES[(STATUSES.index(current) + 1) % len(STATUSES)]
        self.set_status(paper_id, following)
        return following

    def status_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        counts.update(self.db.execute("SELECT status, count(*) FROM papers GROUP BY status"))
        return counts

    # -- annotations -------------------------------------------------------------------------

    def add_note(self, paper_id: int, body: str, quote: str | None = None) -> int:
        body = body.strip()
        if not body:
            raise ReaderError("an annotation needs some text")
        quote = quote.strip() if quote and quote.strip() else None
        stamp = now()
        scope = Scope("annotations", "paper_id = ?", (paper_id,))
        with self._change(f"annotated '{self._title(paper_id)}'", [scope]):
            return (
                self.db["annotations"]
                .insert(
                    {
                        "paper_id": paper_id,
                        "body": body,
                        "quote": quote,
                        "created": stamp,
                        "updated": stamp,
                    }
                )
                .last_pk
            )

    def _note_paper(self, note_id: int) -> int:
        row = self.db.execute("SELECT paper_id FROM annotations WHERE id = ?", [note_id]).fetchone()
        if row is None:
            raise ReaderError(f"no annotation with id {note_id}")
        return row[0]

    def edit_note(self, note_id: int, body: str, quote: str | None = None) -> None:
        paper_id = self._note_paper(note_id)
        body = body.strip()
        if not body:
            raise ReaderError("an annotation needs some text (delete it instead)")
        changes: dict[str, Any] = {"body": body, "updated": now()}
        if quote is not None:
            changes["quote"] = quote.strip() or None
        scope = Scope("annotations", "id = ?", (note_id,))
        with self._change(f"edited a note on '{self._title(paper_id)}'", [scope]):
            self.db["annotations"].update(note_id, changes)

    def delete_note(self, note_id: int) -> None:
        paper_id = self._note_paper(note_id)
        scope = Scope("annotations", "id = ?", (note_id,))
        with self._change(f"deleted a note on '{self._title(paper_id)}'", [scope]):
            self.db["annotations"].delete(note_id)

    def note(self, note_id: int) -> Annotation:
        row = self.db.execute(
            "SELECT id, paper_id, body, quote, created, updated FROM annotations WHERE id = ?",
            [note_id],
        ).fetchone()
        if row is None:
            raise ReaderError(f"no annotation with id {note_id}")
        return Annotation(*row)

    def notes(self, paper_id: int) -> list[Annotation]:
        rows = self.db.execute(
            "SELECT id, paper_id, body, quote, created, updated FROM annotations "
            "WHERE paper_id = ? ORDER BY id",
            [paper_id],
        ).fetchall()
        return [Annotation(*row) for row in rows]

    # -- reading lists -----------------------------------------------------------------------

    def _list_id(self, name: str) -> int:
        row = self.db.execute(
            "SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [name.strip()]
        ).fetchone()
        if row is None:
            raise ReaderError(f"no reading list named '{name}'")
        return row[0]

    def create_list(self, name: str, description: str = "") -> int:
        name = name.strip()
        if not name:
            raise ReaderError("a reading list needs a name")
        if self.db.execute("SELECT 1 FROM lists WHERE name = ? COLLATE NOCASE", [name]).fetchone():
            raise ReaderError(f"a reading list named '{name}' exists already")
        scope = Scope("lists", "name = ? COLLATE NOCASE", (name,))
        with self._change(f"created list {name}", [scope]):
            return (
                self.db["lists"]
                .insert({"name": name, "description": description.strip(), "created": now()})
                .last_pk
            )

    def _list_order(self, list_id: int) -> list[int]:
        return [
            row[0]
            for row in self.db.execute(
                "SELECT paper_id FROM list_items WHERE list_id = ? ORDER BY position", [list_id]
            )
        ]

    def _write_order(self, list_id: int, order: list[int], added: dict[int, str]) -> None:
        self.db.execute("DELETE FROM list_items WHERE list_id = ?", [list_id])
        self.db["list_items"].insert_all(
            {"list_id": list_id, "paper_id": paper_id, "position": index, "added": added[paper_id]}
            for index, paper_id in enumerate(order, start=1)
        )

    def _added_times(self, list_id: int) -> dict[int, str]:
        return dict(
            self.db.execute(
                "SELECT paper_id, added FROM list_items WHERE list_id = ?", [list_id]
            ).fetchall()
        )

    def add_to_list(self, name: str, paper_ids: Sequence[int], at: int | None = None) -> int:
        """Add papers (at the end, or before 1-based position ``at``); returns how many."""
        list_id = self._list_id(name)
        order = self._list_order(list_id)
        new = [pid for pid in dict.fromkeys(paper_ids) if pid not in order]
        if at is not None and at < 1:
            raise ReaderError(f"positions start at 1, not {at}")
        what = self._title(new[0]) if len(new) == 1 else f"{len(new)} papers"
        if not new:
            return 0
        with self._change(
            f"added '{what}' to {name}", [Scope("list_items", "list_id = ?", (list_id,))]
        ):
            added = self._added_times(list_id)
            stamp = now()
            added.update(dict.fromkeys(new, stamp))
            index = len(order) if at is None else min(at - 1, len(order))
            order[index:index] = new
            self._write_order(list_id, order, added)
        return len(new)

    def remove_from_list(self, name: str, paper_ids: Sequence[int]) -> int:
        list_id = self._list_id(name)
        order = self._list_order(list_id)
        gone = [pid for pid in paper_ids if pid in order]
        if not gone:
            return 0
        what = self._title(gone[0]) if len(gone) == 1 else f"{len(gone)} papers"
        with self._change(
            f"removed '{what}' from {name}", [Scope("list_items", "list_id = ?", (list_id,))]
        ):
            added = self._added_times(list_id)
            self._write_order(list_id, [pid for pid in order if pid not in gone], added)
        return len(gone)

    def move_in_list(self, name: str, paper_id: int, position: int) -> int:
        """Move a paper to a 1-based position (clamped to the list); returns where it went."""
        list_id = self._list_id(name)
        order = self._list_order(list_id)
        if paper_id not in order:
            raise ReaderError(f"'{self._title(paper_id)}' is not in {name}")
        if position < 1:
            raise ReaderError(f"positions start at 1, not {position}")
        position = min(position, len(order))
        if order.index(paper_id) == position - 1:
            return position
        with self._change(
            f"moved '{self._title(paper_id)}' to position {position} in {name}",
            [Scope("list_items", "list_id = ?", (list_id,))],
        ):
            added = self._added_times(list_id)
            order.remove(paper_id)
            order.insert(position - 1, paper_id)
            self._write_order(list_id, order, added)
        return position

    def rename_list(self, old: str, new: str) -> None:
        list_id = self._list_id(old)
        new = new.strip()
        if not new:
            raise ReaderError("a reading list needs a name")
        clash = self.db.execute(
            "SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [new]
        ).fetchone()
        if clash and clash[0] != list_id:
            raise ReaderError(f"a reading list named '{new}' exists already")
        with self._change(f"renamed list {old} to {new}", [Scope("lists", "id = ?", (list_id,))]):
            self.db["lists"].update(list_id, {"name": new})

    def describe_list(self, name: str, description: str) -> None:
        list_id = self._list_id(name)
        with self._change(f"described list {name}", [Scope("lists", "id = ?", (list_id,))]):
            self.db["lists"].update(list_id, {"description": description.strip()})

    def delete_list(self, name: str) -> int:
        """Delete a list (never its papers); returns how many papers it held."""
        list_id = self._list_id(name)
        count = len(self._list_order(list_id))
        scopes = [
            Scope("lists", "id = ?", (list_id,)),
            Scope("list_items", "list_id = ?", (list_id,)),
        ]
        with self._change(f"deleted list {name}", scopes):
            self.db["lists"].delete(list_id)
        return count

    def lists(self) -> list[ReadingList]:
        rows = self.db.execute(
            "SELECT l.id, l.name, l.description, count(li.paper_id), "
            "coalesce(sum(p.status = 'read'), 0) FROM lists l "
            "LEFT JOIN list_items li ON li.list_id = l.id "
            "LEFT JOIN papers p ON p.id = li.paper_id "
            "GROUP BY l.id ORDER BY l.name COLLATE NOCASE"
        ).fetchall()
        return [ReadingList(*row) for row in rows]

    def reading_list(self, name: str) -> tuple[ReadingList, list[int]]:
        list_id = self._list_id(name)
        info = next(item for item in self.lists() if item.id == list_id)
        return info, self._list_order(list_id)
