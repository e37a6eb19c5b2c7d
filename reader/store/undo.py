"""The undo log: every change records the rows it touched, before and after, in its own
transaction, and undo puts back exactly those rows.

Undo never touches a row the change did not touch, so rows that imports or other processes
added since stay. When a row the change touched has moved on since (edited again, deleted,
re-created), an exact undo is impossible: undo says so and changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.models import ReaderError
from reader.store import clock, indexing
from reader.store.undo_plan import (
    DROP_HINT,
    NOUNS,
    Plan,
    PrimaryKey,
    Row,
    UndoConflict,
)

if TYPE_CHECKING:
    from reader.store.library import Library

UNDO_KEEP = 1_000


@dataclass(frozen=True)
class Scope:
    """Rows a change may touch, snapshotted before and after so that undo can put them back.

    With ``columns`` only those columns are compared and restored; otherwise whole rows."""

    table: str
    where: str
    params: tuple[Any, ...]
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class UndoEntry:
    id: int
    created: str
    description: str


class Change:
    """A change being made; its description may be settled once the change knows what it did."""

    def __init__(self, description: str) -> None:
        self.description = description


class UndoLog:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db
        self._keys: dict[str, tuple[str, ...]] = {}
        self._children: dict[str, list[tuple[str, str, str]]] | None = None

    # -- recording ---------------------------------------------------------------------------

    @contextmanager
    def change(self, description: str, scopes: Sequence[Scope]) -> Iterator[Change]:
        """Run a change and record, in the same transaction, how to undo it.

        A change that turns out to change nothing records nothing."""
        with self.library.write():
            befores = [self._rows(scope) for scope in scopes]
            change = Change(description)
            yield change
            records = []
            for scope, before in zip(scopes, befores, strict=True):
                after = self._rows(scope, also=[self._key(scope.table, row) for row in before])
                records.append(
                    {
                        "table": scope.table,
                        "where": scope.where,
                        "params": list(scope.params),
                        "columns": list(scope.columns),
                        "rows": before,
                        "after": after,
                    }
                )
            if all(record["rows"] == record["after"] for record in records):
                return
            self.db["undo_log"].insert(
                {
                    "created": clock.now(),
                    "description": change.description,
                    "changes": json.dumps(records),
                }
            )
            self.db.execute(
                "DELETE FROM undo_log WHERE id <= (SELECT max(id) FROM undo_log) - ?",
                [UNDO_KEEP],
            )
            self.db.execute("DELETE FROM redo_log")  # a new change ends what could be redone

    def _primary_key(self, table: str) -> tuple[str, ...]:
        if table not in self._keys:
            info = self.db.execute(f"PRAGMA table_info({table})").fetchall()
            self._keys[table] = tuple(row[1] for row in sorted(info, key=lambda r: r[5]) if row[5])
        return self._keys[table]

    def _key(self, table: str, row: Row) -> PrimaryKey:
        return tuple(row[column] for column in self._primary_key(table))

    def _select(self, table: str, columns: Sequence[str]) -> str:
        if not columns:
            return f"SELECT * FROM {table}"
        wanted = dict.fromkeys((*self._primary_key(table), *columns))
        return f"SELECT {', '.join(wanted)} FROM {table}"

    def _rows(self, scope: Scope, also: Sequence[PrimaryKey] = ()) -> list[Row]:
        """The scope's rows, in primary-key order, plus the rows with the keys in ``also``
        (rows the change moved out of its ``where``, such as a renamed tag)."""
        select = self._select(scope.table, scope.columns)
        found = {
            self._key(scope.table, row): row
            for row in self.db.query(f"{select} WHERE {scope.where}", scope.params)
        }
        for key in also:
            if key not in found:
                row = self._by_key(scope.table, select, key)
                if row is not None:
                    found[key] = row
        return [found[key] for key in sorted(found, key=_sortable)]

    def _by_key(self, table: str, select: str, key: PrimaryKey) -> Row | None:
        condition = " AND ".join(f"{column} = ?" for column in self._primary_key(table))
        return next(iter(self.db.query(f"{select} WHERE {condition}", list(key))), None)

    # -- undoing -----------------------------------------------------------------------------

    def undo(self) -> str:
        """Reverse the most recent change; returns what it was. Raises when there is none, or
        when the library has moved on so that the change cannot be reversed exactly."""
        return self._reverse("undo_log", "redo_log", "undo")

    def redo(self) -> str:
        """Make again the change undone last (until a new change is made)."""
        return self._reverse("redo_log", "undo_log", "redo")

    def _reverse(self, source: str, target: str, verb: str) -> str:
        """Apply the newest entry of ``source`` (put its rows back as they were before) and
        keep the opposite step in ``target``: an undo becomes a redo, and a redo an undo."""
        with self.library.write():
            entry = self.db.execute(
                f"SELECT id, description, changes FROM {source} ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if entry is None:
                raise ReaderError(f"nothing to {verb}")
            entry_id, description, changes = entry
            records = json.loads(changes)
            plans = [self._plan(record, description, verb) for record in records]
            plans.sort(key=lambda plan: self._depth(plan.table))
            reindexed = sorted({key[0] for plan in plans for key in plan.text_keys()})
            indexing.unindex(self.db, indexing.indexed_text(self.db, reindexed))
            # Children first: remove what the change added ...
            restoring = {plan.table: dict(plan.changed) for plan in plans if plan.changed}
            for plan in reversed(plans):
                plan.remove_added(self, description, verb, restoring)
            # ... then parents first: put back what was there.
            for plan in plans:
                try:
                    plan.restore(self)
                except sqlite3.IntegrityError:  # a row it removed was made again since
                    noun = NOUNS.get(plan.table, plan.table)
                    raise UndoConflict(
                        f"cannot {verb} {description!r}: {noun} was made again since; "
                        f"nothing was {verb}ne{DROP_HINT if verb == 'undo' else ''}"
                    ) from None
            for plan in plans:
                if plan.table == "list_items":
                    self._renumber_lists(plan)
            present = [row[0] for row in self._existing_papers(reindexed)]
            indexing.index(self.db, present)
            self.db.execute(f"DELETE FROM {source} WHERE id = ?", [entry_id])
            if all("after" in record for record in records):
                opposite = [
                    {**record, "rows": record["after"], "after": record["rows"]}
                    for record in records
                ]
                self.db[target].insert(
                    {
                        "created": clock.now(),
                        "description": description,
                        "changes": json.dumps(opposite),
                    }
                )
        return description

    def _existing_papers(self, ids: list[int]) -> list[tuple[int]]:
        found: list[tuple[int]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += self.db.execute(
                f"SELECT id FROM papers WHERE id IN ({marks})", chunk
            ).fetchall()
        return found

    def _plan(self, record: dict[str, Any], description: str, verb: str = "undo") -> Plan:
        table = record["table"]
        columns = tuple(record["columns"])
        select = self._select(table, columns)
        before = {self._key(table, row): row for row in map(self._upgrade(table), record["rows"])}
        if "after" in record:
            after = {self._key(table, row): row for row in record["after"]}
        else:  # recorded before after-images were kept: the rows as they are now stand in
            scope = Scope(table, record["where"], tuple(record["params"]), columns)
            after = {self._key(table, row): row for row in self._rows(scope, also=list(before))}
        plan = Plan(table, columns)
        for key in before.keys() | after.keys():
            old, new = before.get(key), after.get(key)
            if old == new:
                continue
            current = self._by_key(table, select, key)
            if current != new:
                noun = NOUNS.get(table, table)
                raise UndoConflict(
                    f"cannot {verb} {description!r}: {noun} changed since; nothing was "
                    f"{verb}ne{DROP_HINT if verb == 'undo' else ''}"
                )
            if old is None:
                plan.added.append(key)
            elif new is None:
                plan.removed.append(old)
            else:
                plan.changed.append((key, old))
        return plan

    def _upgrade(self, table: str):  # type: ignore[no-untyped-def]
        """Rows logged by older versions name the row by ``_rowid``: the same as its id."""

        def upgrade(row: Row) -> Row:
            if "_rowid" in row:
                row = dict(row)
                row[self._primary_key(table)[0]] = row.pop("_rowid")
            return row

        return upgrade

    def _foreign_keys(self) -> dict[str, list[tuple[str, str, str]]]:
        """Parent table -> (child table, child column, parent column), read from the schema."""
        if self._children is None:
            self._children = {}
            names = [
                row[0]
                for row in self.db.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'table' AND sql LIKE '%REFERENCES%'"
                )
            ]
            for child in names:
                for fk in self.db.execute(f"PRAGMA foreign_key_list({child})").fetchall():
                    self._children.setdefault(fk[2], []).append((child, fk[3], fk[4]))
        return self._children

    def children(self, table: str) -> list[tuple[str, str, str]]:
        """(child table, child column, parent column) for every foreign key onto ``table``."""
        return self._foreign_keys().get(table, [])

    def _depth(self, table: str) -> int:
        """0 for tables nothing refers up from; a child is one deeper than its deepest parent."""
        parents = [
            parent
            for parent, children in self._foreign_keys().items()
            if any(child == table for child, _, _ in children) and parent != table
        ]
        return 1 + max((self._depth(parent) for parent in parents), default=-1)

    def _renumber_lists(self, plan: Plan) -> None:
        """Positions restored beside rows added since may collide: keep the order, renumber."""
        list_ids = {key[0] for key in plan.added} | {row["list_id"] for row in plan.removed}
        list_ids |= {key[0] for key, _ in plan.changed}
        for list_id in list_ids:
            rows = self.db.execute(
                "SELECT paper_id, position FROM list_items WHERE list_id = ? "
                "ORDER BY position, added, paper_id",
                [list_id],
            ).fetchall()
            if len({position for _, position in rows}) == len(rows):
                continue
            for index, (paper_id, _) in enumerate(rows, start=1):
                self.db.execute(
                    "UPDATE list_items SET position = ? WHERE list_id = ? AND paper_id = ?",
                    [index, list_id, paper_id],
                )

    # -- history -----------------------------------------------------------------------------

    def drop(self) -> str:
        """Forget the most recent change without undoing it (when it can no longer be undone
        exactly, so the ones before it can be); returns what it was."""
        with self.library.write():
            entry = self.db.execute(
                "SELECT id, description FROM undo_log ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if entry is None:
                raise ReaderError("nothing to undo")
            self.db.execute("DELETE FROM undo_log WHERE id = ?", [entry[0]])
        return entry[1]

    def clear(self) -> None:
        """Forget the undo history (after seeding a demo, say): nothing before it can be undone."""
        with self.library.write():
            self.db.execute("DELETE FROM undo_log")
            self.db.execute("DELETE FROM redo_log")

    def redo_history(self, limit: int = 20) -> list[UndoEntry]:
        rows = self.db.execute(
            "SELECT id, created, description FROM redo_log ORDER BY id DESC LIMIT ?", [limit]
        ).fetchall()
        return [UndoEntry(*row) for row in rows]

    def history(self, limit: int = 20) -> list[UndoEntry]:
        rows = self.db.execute(
            "SELECT id, created, description FROM undo_log ORDER BY id DESC LIMIT ?", [limit]
        ).fetchall()
        return [UndoEntry(*row) for row in rows]


def _sortable(key: PrimaryKey) -> tuple[Any, ...]:
    return tuple((str(type(part)), part) for part in key)
