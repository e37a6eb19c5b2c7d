"""Ordered reading lists.

Every read a list change depends on (the list's id, its order, who is in it) happens inside
the change's write transaction: two processes adding to one list at once each see the other's
papers, and nothing is rewritten from a stale order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reader.keys import clean_list_name
from reader.models import NoSuchList, ReaderError
from reader.store import clock
from reader.store.triage import touch
from reader.store.undo import Scope
from reader.summaries import ReadingList

if TYPE_CHECKING:
    from reader.store.library import Library


def _items(list_id: int) -> list[Scope]:
    return [Scope("list_items", "list_id = ?", (list_id,))]


class ReadingLists:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def list_id(self, name: str) -> int:
        row = self.db.execute(
            "SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [name.strip()]
        ).fetchone()
        if row is None:
            raise NoSuchList(f"no reading list named '{name}'")
        return row[0]

    def _what(self, paper_ids: Sequence[int]) -> str:
        """A title in quotes for one paper, a count for several (never a count in quotes)."""
        if len(paper_ids) == 1:
            return f"'{self.library.catalog.title(paper_ids[0])}'"
        return f"{len(paper_ids)} papers"

    def create(self, name: str, description: str = "") -> int:
        name = clean_list_name(name)
        scope = Scope("lists", "name = ? COLLATE NOCASE", (name,))
        with self.library.change(f"created list {name}", [scope]):
            if self.db.execute(
                "SELECT 1 FROM lists WHERE name = ? COLLATE NOCASE", [name]
            ).fetchone():
                raise ReaderError(f"a reading list named '{name}' exists already")
            return (
                self.db["lists"]
                .insert({"name": name, "description": description.strip(), "created": clock.now()})
                .last_pk
            )

    def order(self, list_id: int) -> list[int]:
        return [
            row[0]
            for row in self.db.execute(
                "SELECT paper_id FROM list_items WHERE list_id = ? ORDER BY position", [list_id]
            )
        ]

    def _added_times(self, list_id: int) -> dict[int, str]:
        return dict(
            self.db.execute(
                "SELECT paper_id, added FROM list_items WHERE list_id = ?", [list_id]
            ).fetchall()
        )

    def write_order(self, list_id: int, order: list[int], added: dict[int, str]) -> None:
        self.db.execute("DELETE FROM list_items WHERE list_id = ?", [list_id])
        self.db["list_items"].insert_all(
            {"list_id": list_id, "paper_id": paper_id, "position": index, "added": added[paper_id]}
            for index, paper_id in enumerate(order, start=1)
        )

    def add(self, name: str, paper_ids: Sequence[int], at: int | None = None) -> int:
        """Add papers (at the end, or before 1-based position ``at``); returns how many."""
        if at is not None and at < 1:
            raise ReaderError(f"positions start at 1, not {at}")
        with self.library.write():
            list_id = self.list_id(name)
            with self.library.change(f"added to {name}", _items(list_id)) as change:
                order = self.order(list_id)
                present = set(order)
                new = [pid for pid in dict.fromkeys(paper_ids) if pid not in present]
                if not new:
                    return 0
                change.description = f"added {self._what(new)} to {name}"
                added = self._added_times(list_id)
                added.update(dict.fromkeys(new, clock.now()))
                index = len(order) if at is None else min(at - 1, len(order))
                order[index:index] = new
                self.write_order(list_id, order, added)
                touch(self.db, new)
        return len(new)

    def remove(self, name: str, paper_ids: Sequence[int]) -> int:
        with self.library.write():
            list_id = self.list_id(name)
            with self.library.change(f"removed from {name}", _items(list_id)) as change:
                order = self.order(list_id)
                present = set(order)
                gone = [pid for pid in dict.fromkeys(paper_ids) if pid in present]
                if not gone:
                    return 0
                change.description = f"removed {self._what(gone)} from {name}"
                leaving = set(gone)
                added = self._added_times(list_id)
                self.write_order(list_id, [pid for pid in order if pid not in leaving], added)
        return len(gone)

    def move(self, name: str, paper_id: int, position: int) -> int:
        """Move a paper to a 1-based position (clamped to the list); returns where it went."""
        if position < 1:
            raise ReaderError(f"positions start at 1, not {position}")
        with self.library.write():
            list_id = self.list_id(name)
            with self.library.change(f"moved in {name}", _items(list_id)) as change:
                order = self.order(list_id)
                if paper_id not in order:
                    raise ReaderError(f"'{self.library.catalog.title(paper_id)}' is not in {name}")
                position = min(position, len(order))
                if order.index(paper_id) == position - 1:
                    return position
                title = self.library.catalog.title(paper_id)
                change.description = f"moved '{title}' to position {position} in {name}"
                added = self._added_times(list_id)
                order.remove(paper_id)
                order.insert(position - 1, paper_id)
                self.write_order(list_id, order, added)
        return position

    def rename(self, old: str, new: str) -> None:
        new = clean_list_name(new)
        with self.library.write():
            list_id = self.list_id(old)
            clash = self.db.execute(
                "SELECT id FROM lists WHERE name = ? COLLATE NOCASE", [new]
            ).fetchone()
            if clash and clash[0] != list_id:
                raise ReaderError(f"a reading list named '{new}' exists already")
            scope = Scope("lists", "id = ?", (list_id,))
            with self.library.change(f"renamed list {old} to {new}", [scope]):
                self.db["lists"].update(list_id, {"name": new})

    def describe(self, name: str, description: str) -> None:
        with self.library.write():
            list_id = self.list_id(name)
            scope = Scope("lists", "id = ?", (list_id,))
            with self.library.change(f"described list {name}", [scope]):
                self.db["lists"].update(list_id, {"description": description.strip()})

    def delete(self, name: str) -> int:
        """Delete a list (never its papers); returns how many papers it held."""
        with self.library.write():
            list_id = self.list_id(name)
            count = len(self.order(list_id))
            scopes = [Scope("lists", "id = ?", (list_id,)), *_items(list_id)]
            with self.library.change(f"deleted list {name}", scopes):
                self.db["lists"].delete(list_id)
        return count

    def all(self) -> list[ReadingList]:
        rows = self.db.execute(
            "SELECT l.id, l.name, l.description, count(li.paper_id), "
            "coalesce(sum(p.status = 'read'), 0) FROM lists l "
            "LEFT JOIN list_items li ON li.list_id = l.id "
            "LEFT JOIN papers p ON p.id = li.paper_id "
            "GROUP BY l.id ORDER BY l.name COLLATE NOCASE"
        ).fetchall()
        return [ReadingList(*row) for row in rows]

    def reading_list(self, name: str) -> tuple[ReadingList, list[int]]:
        list_id = self.list_id(name)
        info = next(item for item in self.all() if item.id == list_id)
        return info, self.order(list_id)
