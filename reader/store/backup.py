"""The whole library as plain data, and back: what ``export --all --format json`` writes and
``import backup.json`` restores. Validation of a backup happens before it reaches here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.models import ImportSummary
from reader.store import clock

if TYPE_CHECKING:
    from reader.store.library import Library

BACKUP_FORMAT = "reader-backup"
BACKUP_VERSION = 1


class Backup:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def dump(self) -> dict[str, Any]:
        """The whole library as plain data (undo history excluded), in a stable order."""
        with self.library.read():
            return self._dump()

    def _dump(self) -> dict[str, Any]:
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
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "schema": self.library.schema_version,
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
        with self.library.write():
            exact = self.is_empty()
            ids: dict[str, int] = dict(self.db.execute("SELECT key, id FROM papers"))
            new_ids: list[int] = []
            for paper in data["papers"]:
                key = paper["key"]
                if key in ids:
                    self._merge_paper(ids[key], paper)
                    continue
                row = {
                    "key": key,
                    "title": paper["title"],
                    "abstract": paper.get("abstract") or "",
                    "listed": paper.get("listed"),
                    "added": paper.get("added") or clock.now(),
                    "rating": paper.get("rating"),
                    "status": paper.get("status") or "unread",
                    "read_at": paper.get("read_at"),
                }
                if exact and paper.get("id") is not None and not self._taken("papers", paper["id"]):
                    row["id"] = paper["id"]
                paper_id = self.db["papers"].insert(row).last_pk
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
        parsed = len(data["papers"])
        added = len(new_ids)
        return ImportSummary(files=1, parsed=parsed, added=added, duplicates=parsed - added)

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
        tag_id = self.library.tag_store.tag_id
        for name in paper.get("tags", []):
            self.db.execute(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                [paper_id, tag_id(name, create=True)],
            )

    def _merge_paper(self, paper_id: int, paper: dict[str, Any]) -> None:
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
        self._add_details(paper_id, paper)
