"""The whole library as plain data, and back: what ``export --all --format json`` writes and
``import backup.json`` restores. Validation of a backup happens before it reaches here
(``reader.importers.backup``); the format's name and version live in ``reader.backup_format``.

Restoring into an empty library is exact (ids, keys, records, files). Into any other library a
backup merges: a paper is matched by arXiv id, then DOI, then key, and a matched paper only has
its empty fields filled (as an import enriches it), so the unique arXiv ids, DOIs and citation
keys stay unique.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from reader.backup_format import FORMAT, VERSION
from reader.incoming import ImportSummary, ParsedPaper
from reader.models import Author
from reader.store import clock, errors
from reader.store.backup_text import PAPER_COLUMNS, RECORD_COLUMNS, Tables, read_tables
from reader.store.fields import decode_authors, decode_categories, encode_authors
from reader.store.identity import Identities, citekey_for, enrich

if TYPE_CHECKING:
    from reader.store.library import Library

RECORD = RECORD_COLUMNS


class Backup:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def dump(self) -> dict[str, Any]:
        """The whole library as plain data (undo history excluded), in a stable order."""
        with self.library.read():
            return self._dump()

    def text(self) -> str:
        """``render_backup(dump())``, written straight from the rows (``backup_text``)."""
        return "".join(self.pieces())

    def pieces(self) -> list[str]:
        """``text`` in pieces, to be written one by one; storage failures leave as
        LibraryError, as they do from the library's own methods."""
        from reader.backup_format import render_backup
        from reader.store.backup_text import Unexpected, backup_pieces

        try:
            with self.library.read():
                tables = read_tables(self.db)
        except sqlite3.Error as error:
            raise errors.describe(self.library.path, error) from None
        try:
            return backup_pieces(tables, self.library.schema_version)
        except Unexpected:
            return [render_backup(self._dump(tables))]

    def paper_keys(self) -> dict[int, str]:
        """Every paper's key, by id in the backup's order (by id)."""
        try:
            return dict(self.db.execute("SELECT id, key FROM papers ORDER BY id"))
        except sqlite3.Error as error:
            raise errors.describe(self.library.path, error) from None

    def parts(self, keys: dict[int, str], only: list[int]) -> tuple[str, list[str], str] | None:
        """What a backup writes before its papers' array and after it, and the papers of
        ``only`` written (in id order): for a backup some of whose papers were kept from an
        earlier one. ``keys`` is ``paper_keys`` in the same snapshot. None when a value is
        not one the fast layout writes (the caller then takes ``pieces``)."""
        from reader.store.backup_text import Unexpected, backup_parts

        try:
            tables = read_tables(self.db, sorted(only))
        except sqlite3.Error as error:
            raise errors.describe(self.library.path, error) from None
        try:
            return backup_parts(tables, self.library.schema_version, keys)
        except Unexpected:
            return None

    def _dump(self, tables: Tables | None = None) -> dict[str, Any]:
        tables = tables or read_tables(self.db)
        sources = {
            paper_id: [
                {"file": file, "listed": listed, "added": added} for file, listed, added in items
            ]
            for paper_id, items in tables.sources.items()
        }
        links = {
            paper_id: [
                {"url": url, "kind": kind, "position": position} for url, kind, position in items
            ]
            for paper_id, items in tables.links.items()
        }
        files = {
            paper_id: [
                {"path": path, "sha256": sha256, "added": added} for path, sha256, added in items
            ]
            for paper_id, items in tables.files.items()
        }
        keys: dict[int, str] = {}
        papers = []
        for row in tables.papers:
            keys[row[0]] = row[1]
            paper = dict(zip(PAPER_COLUMNS, row[: len(PAPER_COLUMNS)], strict=True))
            paper.update(_record(dict(zip(RECORD, row[len(PAPER_COLUMNS) :], strict=True))))
            paper["sources"] = sources.get(row[0], [])
            paper["links"] = links.get(row[0], [])
            paper["files"] = files.get(row[0], [])
            paper["tags"] = tables.tags.get(row[0], [])
            papers.append(paper)
        annotations = [
            {
                "id": row[0],
                "paper": keys[row[1]],
                "body": row[2],
                "quote": row[3],
                "created": row[4],
                "updated": row[5],
            }
            for row in tables.annotations
        ]
        lists = [
            {
                "name": name,
                "description": description,
                "created": created,
                "papers": [{"paper": keys[paper_id], "added": added} for paper_id, added in items],
            }
            for name, description, created, items in tables.lists
        ]
        return {
            "format": FORMAT,
            "version": VERSION,
            "schema": self.library.schema_version,
            "papers": papers,
            "tags": tables.tag_names,
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

        Merging never duplicates: papers match by arXiv id, DOI or key and gain only what
        they lack, annotations match by paper, body and creation time, lists by name; ratings
        and status already set in this library are kept.
        """
        warnings: list[str] = []
        with self.library.write():
            exact = self.is_empty()
            identities = Identities(self.db)
            ids: dict[str, int] = {}
            new_ids: list[int] = []
            for paper in data["papers"]:
                key = paper["key"]
                parsed = _parsed(paper)
                found = None if exact else identities.find(parsed, key)
                if found is not None:
                    ids[key] = found
                    self._merge_paper(found, paper, parsed, identities, warnings)
                    continue
                row = self._row(paper, identities, warnings)
                if exact and paper.get("id") is not None and not self._taken("papers", paper["id"]):
                    row["id"] = paper["id"]
                paper_id = self.db["papers"].insert(row).last_pk
                identities.register(paper_id, key, row)
                ids[key] = paper_id
                new_ids.append(paper_id)
                self._add_details(paper_id, paper)
            self.library.ingest.index_papers(new_ids)
            for name in data["tags"]:
                self.library.tag_store.tag_id(name, create=True)
            for note in data["annotations"]:
                self._restore_note(ids[note["paper"]], note, exact)
            for item in data["lists"]:
                self._restore_list(item, ids)
        self.library.search_index.forget_vocabulary()
        parsed_count = len(data["papers"])
        added = len(new_ids)
        return ImportSummary(
            files=1,
            parsed=parsed_count,
            added=added,
            duplicates=parsed_count - added,
            warnings=tuple(warnings),
        )

    def _row(
        self, paper: dict[str, Any], identities: Identities, warnings: list[str]
    ) -> dict[str, Any]:
        """A new paper's row: its own fields, and its record with a free citation key."""
        row = {
            "key": paper["key"],
            "title": paper["title"],
            "abstract": paper.get("abstract") or "",
            "listed": paper.get("listed"),
            "added": paper.get("added") or clock.now(),
            "rating": paper.get("rating"),
            "status": paper.get("status") or "unread",
            "read_at": paper.get("read_at"),
            "authors": encode_authors(_authors(paper)),
            "year": paper.get("year"),
            "month": paper.get("month"),
            "venue": paper.get("venue") or "",
            "publisher": paper.get("publisher") or "",
            "entry_type": paper.get("entry_type") or "misc",
            "citekey": paper.get("citekey"),
            "arxiv": paper.get("arxiv"),
            "doi": paper.get("doi"),
            "url": paper.get("url"),
            "categories": " ".join(paper.get("categories", [])),
            "edited": " ".join(paper.get("edited", [])),
            "changed": paper.get("changed"),
        }
        if row["citekey"]:
            row["citekey"] = citekey_for(identities, row["citekey"], None, warnings)
        return row

    def _restore_note(self, paper_id: int, note: dict[str, Any], exact: bool) -> None:
        duplicate = (
            not exact
            and self.db.execute(
                "SELECT 1 FROM annotations WHERE paper_id = ? AND body = ? AND created = ?",
                [paper_id, note["body"], note.get("created")],
            ).fetchone()
        )
        if duplicate:
            return
        row = {
            "paper_id": paper_id,
            "body": note["body"],
            "quote": note.get("quote"),
            "created": note.get("created") or clock.now(),
            "updated": note.get("updated") or note.get("created") or clock.now(),
        }
        if exact and note.get("id") is not None and not self._taken("annotations", note["id"]):
            row["id"] = note["id"]
        self.db["annotations"].insert(row)

    def _restore_list(self, item: dict[str, Any], ids: dict[str, int]) -> None:
        lists = self.library.reading_lists
        found = self.db.execute(
            "SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [item["name"]]
        ).fetchone()
        if found:
            list_id = found[0]
        else:
            row = {
                "name": item["name"],
                "description": item.get("description") or "",
                "created": item.get("created") or clock.now(),
            }
            list_id = self.db["lists"].insert(row).last_pk
        order = lists.order(list_id)
        times = dict(
            self.db.execute("SELECT paper_id, added FROM list_items WHERE list_id = ?", [list_id])
        )
        for entry in item["papers"]:
            paper_id = ids[entry["paper"]]
            if paper_id not in times:
                order.append(paper_id)
                times[paper_id] = entry.get("added") or clock.now()
        lists.write_order(list_id, order, times)

    def _taken(self, table: str, row_id: int) -> bool:
        return bool(self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]).fetchone())

    def _add_details(self, paper_id: int, paper: dict[str, Any]) -> None:
        for item in paper.get("sources", []):
            listed = item.get("listed") or ""
            self.db.execute(
                "INSERT OR IGNORE INTO files (name, listed, added) VALUES (?, ?, ?)",
                [item["file"], listed, item.get("added") or clock.now()],
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
        for item in paper.get("files", []):
            self.db.execute(
                "INSERT OR IGNORE INTO attachments (paper_id, path, sha256, added) "
                "VALUES (?, ?, ?, ?)",
                [paper_id, item["path"], item.get("sha256"), item.get("added") or clock.now()],
            )
        tag_id = self.library.tag_store.tag_id
        for name in paper.get("tags", []):
            self.db.execute(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                [paper_id, tag_id(name, create=True)],
            )

    def _merge_paper(
        self,
        paper_id: int,
        paper: dict[str, Any],
        parsed: ParsedPaper,
        identities: Identities,
        warnings: list[str],
    ) -> None:
        rating, status, abstract, edited = self.db.execute(
            "SELECT rating, status, abstract, edited FROM papers WHERE id = ?", [paper_id]
        ).fetchone()
        changes: dict[str, Any] = {}
        if rating is None and paper.get("rating") is not None:
            changes["rating"] = paper["rating"]
        if status == "unread" and paper.get("status", "unread") != "unread":
            changes["status"] = paper["status"]
            changes["read_at"] = paper.get("read_at")
        filled = enrich(self.db, identities, paper_id, parsed, warnings)
        marked = [name for name in paper.get("edited", []) if name in filled]
        if marked:
            changes["edited"] = " ".join(dict.fromkeys([*edited.split(), *marked]))
        if changes:
            self.db["papers"].update(paper_id, changes)
        if not abstract and paper.get("abstract"):
            self.library.ingest.set_abstract(paper_id, abstract, paper["abstract"])
        self._add_details(paper_id, paper)


def _authors(paper: dict[str, Any]) -> tuple[Author, ...]:
    return tuple(Author(item["family"], item.get("given", "")) for item in paper.get("authors", []))


def _parsed(paper: dict[str, Any]) -> ParsedPaper:
    """A backup's paper as an import would hand it over: what identifies it and its record."""
    return ParsedPaper(
        title=paper["title"],
        abstract=paper.get("abstract") or "",
        listed=paper.get("listed"),
        source="",
        authors=_authors(paper),
        year=paper.get("year"),
        month=paper.get("month"),
        venue=paper.get("venue") or "",
        publisher=paper.get("publisher") or "",
        entry_type=paper.get("entry_type") or "",
        citekey=paper.get("citekey"),
        arxiv=paper.get("arxiv"),
        doi=paper.get("doi"),
        url=paper.get("url"),
        categories=tuple(paper.get("categories", [])),
    )


def _record(row: dict[str, Any]) -> dict[str, Any]:
    """The record's columns as a backup writes them."""
    record = dict(row)
    record["authors"] = [
        {"family": author.family, "given": author.given}
        for author in decode_authors(row["authors"])
    ]
    record["categories"] = list(decode_categories(row["categories"]))
    record["edited"] = (row["edited"] or "").split()
    return record
