"""One table's part of undoing (or redoing) a change: which rows to delete, put back or restore.

Kept apart from the undo log so each reads in one sitting; the log builds the plans and applies
them in dependency order (children first when removing, parents first when restoring).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.models import ReaderError

if TYPE_CHECKING:
    from reader.store.undo import UndoLog

DROP_HINT = " (`reader undo --drop` forgets this step)"
INDEXED_COLUMNS = frozenset({"title", "authors", "abstract"})
# Shared vocabulary: a tag the change created stays when other papers have taken it up since.
SHARED_TABLES = frozenset({"tags"})
NOUNS = {
    "papers": "the paper",
    "annotations": "a note",
    "lists": "the list",
    "list_items": "the list's papers",
    "tags": "a tag",
    "paper_tags": "the paper's tags",
}

Row = dict[str, Any]
PrimaryKey = tuple[Any, ...]


class UndoConflict(ReaderError):
    """The library has moved on since the change: an exact undo is impossible."""


@dataclass
class Plan:
    """What undoing one scope does: delete the rows it added, put back the rows it removed,
    and restore the rows it changed."""

    table: str
    columns: tuple[str, ...]

    def __post_init__(self) -> None:
        self.added: list[PrimaryKey] = []
        self.removed: list[Row] = []
        self.changed: list[tuple[PrimaryKey, Row]] = []

    def text_keys(self) -> list[PrimaryKey]:
        """Papers whose indexed text (title, authors, abstract) this undo changes."""
        if self.table != "papers":
            return []
        if self.columns and not set(self.columns) & INDEXED_COLUMNS:
            return []
        removed = [(row["id"],) for row in self.removed]
        return [*self.added, *removed, *(key for key, _ in self.changed)]

    def remove_added(
        self,
        log: UndoLog,
        description: str,
        verb: str = "undo",
        restoring: dict[str, dict[PrimaryKey, Row]] | None = None,
    ) -> None:
        """Delete the rows the change added, refusing when rows outside it point at one.
        ``restoring`` holds, by table, the rows this same reversal puts back as they were:
        a row that points at a deleted one now, and is put back pointing elsewhere (a note
        a merge moved to the paper kept), is moved first, so that deleting does not take it
        along (every child is deleted with its parent)."""
        key_columns = log._primary_key(self.table)
        condition = " AND ".join(f"{column} = ?" for column in key_columns)
        for key in self.added:
            moves = self._moves_to_free(log, key_columns, key, restoring or {})
            if moves is None:
                if self.table in SHARED_TABLES:
                    continue
                noun = NOUNS.get(self.table, self.table)
                raise UndoConflict(
                    f"cannot {verb} {description!r}: {noun} it created is in use since; "
                    f"nothing was {verb}ne{DROP_HINT if verb == 'undo' else ''}"
                )
            for child, child_keys, child_key, column, target in moves:
                where = " AND ".join(f"{name} = ?" for name in child_keys)
                log.db.execute(
                    f"UPDATE {child} SET {column} = ? WHERE {where}", [target, *child_key]
                )
            log.db.execute(f"DELETE FROM {self.table} WHERE {condition}", list(key))

    def _moves_to_free(
        self,
        log: UndoLog,
        key_columns: tuple[str, ...],
        key: PrimaryKey,
        restoring: dict[str, dict[PrimaryKey, Row]],
    ) -> list[tuple[str, tuple[str, ...], PrimaryKey, str, Any]] | None:
        """None when rows outside this change (added since by anyone) point at the row; else
        the rows of the change itself that point at it now and that it puts back pointing
        elsewhere, to move there before the row goes (each as child table, its key columns,
        the row's key, the column and the value it is put back with)."""
        row = dict(zip(key_columns, key, strict=True))
        moves: list[tuple[str, tuple[str, ...], PrimaryKey, str, Any]] = []
        for child, column, parent_column in log.children(self.table):
            if parent_column not in row:
                continue
            value = row[parent_column]
            child_keys = log._primary_key(child)
            put_back = restoring.get(child, {})
            if not child_keys or not put_back:
                if log.db.execute(
                    f"SELECT 1 FROM {child} WHERE {column} = ? LIMIT 1", [value]
                ).fetchone():
                    return None
                continue
            pointing = log.db.execute(
                f"SELECT {', '.join(child_keys)} FROM {child} WHERE {column} = ?", [value]
            ).fetchall()
            for child_key in map(tuple, pointing):
                old = put_back.get(child_key)
                if old is None or old.get(column, value) == value:
                    return None
                moves.append((child, child_keys, child_key, column, old[column]))
        return moves

    def restore(self, log: UndoLog) -> None:
        for row in self.removed:
            log.db[self.table].insert(row)
        key_columns = log._primary_key(self.table)
        condition = " AND ".join(f"{column} = ?" for column in key_columns)
        for key, old in self.changed:
            values = {column: value for column, value in old.items() if column not in key_columns}
            assignments = ", ".join(f"{column} = ?" for column in values)
            log.db.execute(
                f"UPDATE {self.table} SET {assignments} WHERE {condition}",
                [*values.values(), *key],
            )
