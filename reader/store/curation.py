"""A person's marks on papers: tags, ratings, reading status and notes.

Each change reads what it depends on inside its own write transaction and records its undo
in that same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reader.keys import clean_tag
from reader.models import STATUSES, Annotation, ReaderError, TagCount
from reader.store import clock
from reader.store.papers import is_row_id
from reader.store.triage import touch
from reader.store.undo import Scope

if TYPE_CHECKING:
    from reader.store.library import Library

NOTE_COLUMNS = "id, paper_id, body, quote, created, updated"


class Tags:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def tag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        """Add tags to a paper; returns the names added (existing tags keep their spelling)."""
        names = list(dict.fromkeys(clean_tag(name) for name in names))
        scopes = [Scope("tags", "name = ? COLLATE NOCASE", (name,)) for name in names]
        scopes.append(Scope("paper_tags", "paper_id = ?", (paper_id,)))
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            with self.library.change(f"tagged '{title}' with {', '.join(names)}", scopes):
                added = []
                for name in names:
                    cursor = self.db.execute(
                        "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                        [paper_id, self.tag_id(name, create=True)],
                    )
                    if cursor.rowcount:
                        added.append(name)
                if added:
                    touch(self.db, [paper_id])
        return added

    def untag(self, paper_id: int, names: Iterable[str]) -> list[str]:
        names = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            scope = Scope("paper_tags", "paper_id = ?", (paper_id,))
            with self.library.change(f"untagged '{title}': {', '.join(names)}", [scope]):
                removed = []
                for name in names:
                    cursor = self.db.execute(
                        "DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = "
                        "(SELECT id FROM tags WHERE name = ? COLLATE NOCASE)",
                        [paper_id, name],
                    )
                    if cursor.rowcount:
                        removed.append(name)
                if removed:
                    touch(self.db, [paper_id])
        return removed

    def tag_id(self, name: str, *, create: bool = False) -> int:
        row = self.db.execute(
            "SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [name]
        ).fetchone()
        if row:
            return row[0]
        if not create:
            raise ReaderError(f"no tag named '{name}'")
        return self.db["tags"].insert({"name": name}).last_pk

    def counts(self) -> list[TagCount]:
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

    def rename(self, old: str, new: str) -> bool:
        """Rename a tag; when ``new`` exists already the two are merged. True if merged."""
        new = clean_tag(new)
        with self.library.write():
            old_id = self.tag_id(old)
            row = self.db.execute(
                "SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [new]
            ).fetchone()
            target = row[0] if row and row[0] != old_id else None
            ids = (old_id, target or old_id)
            scopes = [
                Scope("tags", "id IN (?, ?)", ids),
                Scope("paper_tags", "tag_id IN (?, ?)", ids),
            ]
            with self.library.change(f"renamed tag {old} to {new}", scopes):
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

    def delete(self, name: str) -> int:
        with self.library.write():
            tag_id = self.tag_id(name)
            scopes = [
                Scope("tags", "id = ?", (tag_id,)),
                Scope("paper_tags", "tag_id = ?", (tag_id,)),
            ]
            count = self.db.execute(
                "SELECT count(*) FROM paper_tags WHERE tag_id = ?", [tag_id]
            ).fetchone()[0]
            with self.library.change(f"deleted tag {name} from {count} papers", scopes):
                self.db["tags"].delete(tag_id)
        return count


class Curation:
    """Ratings, reading status and notes."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def rate(self, paper_id: int, rating: int | None) -> None:
        if rating == 0:
            rating = None
        if rating is not None and (
            isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
        ):
            raise ReaderError(f"a rating is 1 to 5 stars (0 clears it), not '{rating}'")
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            what = f"rated '{title}' {rating}" if rating else f"cleared the rating of '{title}'"
            scope = Scope("papers", "id = ?", (paper_id,), ("rating",))
            with self.library.change(what, [scope]):
                self.db["papers"].update(paper_id, {"rating": rating})
                touch(self.db, [paper_id])

    def set_status(self, paper_id: int, status: str) -> None:
        if status not in STATUSES:
            raise ReaderError(f"status is one of {', '.join(STATUSES)}, not '{status}'")
        with self.library.write():
            if self._status(paper_id) == status:
                return
            title = self.library.catalog.title(paper_id)
            scope = Scope("papers", "id = ?", (paper_id,), ("status", "read_at"))
            with self.library.change(f"marked '{title}' {status}", [scope]):
                read_at = clock.now() if status == "read" else None
                self.db["papers"].update(paper_id, {"status": status, "read_at": read_at})
                touch(self.db, [paper_id])

    def _status(self, paper_id: int) -> str:
        if not is_row_id(paper_id):
            raise ReaderError(f"no paper with id {paper_id}")
        row = self.db.execute("SELECT status FROM papers WHERE id = ?", [paper_id]).fetchone()
        if row is None:
            raise ReaderError(f"no paper with id {paper_id}")
        return row[0]

    def cycle_status(self, paper_id: int) -> str:
        with self.library.write():
            current = self._status(paper_id)
            following = STATUSES[(STATUSES.index(current) + 1) % len(STATUSES)]
            self.set_status(paper_id, following)
        return following

    def add_note(self, paper_id: int, body: str, quote: str | None = None) -> int:
        body = body.strip()
        if not body:
            raise ReaderError("an annotation needs some text")
        quote = quote.strip() if quote and quote.strip() else None
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            scope = Scope("annotations", "paper_id = ?", (paper_id,))
            with self.library.change(f"annotated '{title}'", [scope]):
                stamp = clock.now()
                row = {
                    "paper_id": paper_id,
                    "body": body,
                    "quote": quote,
                    "created": stamp,
                    "updated": stamp,
                }
                touch(self.db, [paper_id])
                return self.db["annotations"].insert(row).last_pk

    def _note_paper(self, note_id: int) -> int:
        if not is_row_id(note_id):
            raise ReaderError(f"no annotation with id {note_id}")
        row = self.db.execute("SELECT paper_id FROM annotations WHERE id = ?", [note_id]).fetchone()
        if row is None:
            raise ReaderError(f"no annotation with id {note_id}")
        return row[0]

    def edit_note(self, note_id: int, body: str, quote: str | None = None) -> None:
        body = body.strip()
        if not body:
            raise ReaderError("an annotation needs some text (delete it instead)")
        changes: dict[str, Any] = {"body": body, "updated": clock.now()}
        if quote is not None:
            changes["quote"] = quote.strip() or None
        with self.library.write():
            title = self.library.catalog.title(self._note_paper(note_id))
            scope = Scope("annotations", "id = ?", (note_id,))
            with self.library.change(f"edited a note on '{title}'", [scope]):
                self.db["annotations"].update(note_id, changes)

    def delete_note(self, note_id: int) -> None:
        with self.library.write():
            title = self.library.catalog.title(self._note_paper(note_id))
            scope = Scope("annotations", "id = ?", (note_id,))
            with self.library.change(f"deleted a note on '{title}'", [scope]):
                self.db["annotations"].delete(note_id)

    def note(self, note_id: int) -> Annotation:
        if not is_row_id(note_id):
            raise ReaderError(f"no annotation with id {note_id}")
        row = self.db.execute(
            f"SELECT {NOTE_COLUMNS} FROM annotations WHERE id = ?", [note_id]
        ).fetchone()
        if row is None:
            raise ReaderError(f"no annotation with id {note_id}")
        return Annotation(*row)

    def notes(self, paper_id: int) -> list[Annotation]:
        if not is_row_id(paper_id):
            return []
        rows = self.db.execute(
            f"SELECT {NOTE_COLUMNS} FROM annotations WHERE paper_id = ? ORDER BY id", [paper_id]
        ).fetchall()
        return [Annotation(*row) for row in rows]
