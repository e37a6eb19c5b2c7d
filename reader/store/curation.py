"""A person's marks on papers: tags, ratings, reading status and notes.

Each change reads what it depends on inside its own write transaction and records its undo
in that same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.models import STATUSES, Annotation, ReaderError
from reader.store import clock
from reader.store.papers import is_row_id
from reader.store.triage import touch
from reader.store.undo import Scope

if TYPE_CHECKING:
    from reader.store.library import Library

NOTE_COLUMNS = "id, paper_id, body, quote, created, updated"


def _ids(paper_ids: int | Sequence[int]) -> list[int]:
    return [paper_ids] if isinstance(paper_ids, int) else list(dict.fromkeys(paper_ids))


def _in(column: str, ids: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    return f"{column} IN ({','.join('?' * len(ids))})", tuple(ids)


class Curation:
    """Ratings, reading status and notes."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def _what(self, ids: list[int]) -> str:
        return f"'{self.library.catalog.title(ids[0])}'" if len(ids) == 1 else f"{len(ids)} papers"

    def rate(self, paper_ids: int | Sequence[int], rating: int | None) -> int:
        """Rate papers (0 or None clears), as one undoable change; returns how many changed."""
        if rating == 0:
            rating = None
        if rating is not None and (
            isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
        ):
            raise ReaderError(f"a rating is 1 to 5 stars (0 clears it), not '{rating}'")
        ids = _ids(paper_ids)
        with self.library.write():
            for paper_id in ids:
                self.library.catalog.title(paper_id)  # refuses an unknown id
            what = self._what(ids)
            description = f"rated {what} {rating}" if rating else f"cleared the rating of {what}"
            where, params = _in("id", ids)
            scope = Scope("papers", where, params, ("rating",))
            with self.library.change(description, [scope]):
                changing = [
                    row[0]
                    for row in self.db.execute(
                        f"SELECT id FROM papers WHERE {where} AND rating IS NOT ?",
                        [*params, rating],
                    )
                ]
                if changing:
                    marks, values = _in("id", changing)
                    self.db.execute(
                        f"UPDATE papers SET rating = ? WHERE {marks}", [rating, *values]
                    )
                    touch(self.db, changing)
        return len(changing)

    def set_status(self, paper_ids: int | Sequence[int], status: str) -> int:
        """Set the reading status of papers, as one undoable change; returns how many changed
        (setting the status a paper has already changes nothing and records nothing)."""
        if status not in STATUSES:
            raise ReaderError(f"status is one of {', '.join(STATUSES)}, not '{status}'")
        ids = _ids(paper_ids)
        with self.library.write():
            for paper_id in ids:
                self._status(paper_id)  # refuses an unknown id
            where, params = _in("id", ids)
            changing = [
                row[0]
                for row in self.db.execute(
                    f"SELECT id FROM papers WHERE {where} AND status != ?", [*params, status]
                )
            ]
            if not changing:
                return 0
            marks, values = _in("id", changing)
            scope = Scope("papers", marks, values, ("status", "read_at"))
            with self.library.change(f"marked {self._what(changing)} {status}", [scope]):
                read_at = clock.now() if status == "read" else None
                self.db.execute(
                    f"UPDATE papers SET status = ?, read_at = ? WHERE {marks}",
                    [status, read_at, *values],
                )
                touch(self.db, changing)
        return len(changing)

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
