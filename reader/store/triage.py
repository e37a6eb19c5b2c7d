"""Triage of new arrivals: every import is a batch, its new papers wait as "new" until a
decision (keep, into a reading list; skip, out of the default views) or until the person acts on
them some other way (rating, tagging, a note, a list, a status)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.models import ReaderError
from reader.store import clock
from reader.store.db import Database
from reader.store.undo import Scope

if TYPE_CHECKING:
    from reader.store.library import Library


@dataclass(frozen=True)
class Batch:
    id: int
    created: str
    kind: str
    source: str
    papers: int
    new: int


def touch(db: Database, paper_ids: Sequence[int]) -> None:
    """A person acted on these papers: they changed now, and are no longer new."""
    ids = list(dict.fromkeys(paper_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute(
            "UPDATE papers SET changed = ?, "
            "triage = CASE triage WHEN 'new' THEN 'seen' ELSE triage END "
            f"WHERE id IN ({marks})",
            [clock.now(), *chunk],
        )


class Triage:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def keep(self, paper_id: int, list_name: str) -> None:
        """Keep a paper: out of New, into a reading list (made when missing)."""
        lists = self.library.reading_lists
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            try:
                list_id = lists.list_id(list_name)
            except ReaderError:
                list_id = lists.create(list_name)
            scopes = [
                Scope("papers", "id = ?", (paper_id,), ("triage",)),
                Scope("list_items", "list_id = ?", (list_id,)),
            ]
            with self.library.change(f"kept '{title}' in {list_name}", scopes):
                self._set(paper_id, "kept")
                lists.add(list_name, [paper_id])

    def skip(self, paper_id: int) -> None:
        """Skip a paper: out of New and the default views; ``is:skipped`` still finds it."""
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            scope = Scope("papers", "id = ?", (paper_id,), ("triage",))
            with self.library.change(f"skipped '{title}'", [scope]):
                self._set(paper_id, "skipped")

    def restore(self, paper_id: int) -> None:
        """Take back a decision: the paper is new again."""
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            scope = Scope("papers", "id = ?", (paper_id,), ("triage",))
            with self.library.change(f"put '{title}' back in New", [scope]):
                self._set(paper_id, "new")

    def _set(self, paper_id: int, state: str) -> None:
        self.db.execute(
            "UPDATE papers SET triage = ?, changed = ? WHERE id = ?",
            [state, clock.now(), paper_id],
        )

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("new", "kept", "skipped"), 0)
        counts.update(
            self.db.execute(
                "SELECT triage, count(*) FROM papers WHERE triage != 'seen' GROUP BY triage"
            )
        )
        return counts

    def new_ids(self) -> list[int]:
        """New papers, newest batch first, in the order they were listed."""
        return [
            row[0]
            for row in self.db.execute(
                "SELECT id FROM papers WHERE triage != 'seen' AND triage = 'new' "
                "ORDER BY batch_id DESC, id"
            )
        ]

    def batches(self, limit: int = 20) -> list[Batch]:
        rows = self.db.execute(
            "SELECT b.id, b.created, b.kind, b.source, b.papers, "
            "(SELECT count(*) FROM papers p WHERE p.triage != 'seen' AND p.triage = 'new' "
            "AND p.batch_id = b.id) "
            "FROM batches b ORDER BY b.id DESC LIMIT ?",
            [limit],
        ).fetchall()
        return [Batch(*row) for row in rows]
