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

    def remove_added(self, log: UndoLog, description: str, verb: str = "undo") -> None:
        key_columns = log._primary_key(self.table)
        condition = " AND ".join(f"{column} = ?" for column in key_columns)
        for key in self.added:
            if self._still_used(log, key_columns, key):
                if self.table in SHARED_TABLES:
                    continue
                noun = NOUNS.get(self.table, self.table)
                raise UndoConflict(
                    f"cannot {verb} {description!r}: {noun} it created is in use since; "
                    f"nothing was {verb}ne{DROP_HINT if verb == 'undo' else ''}"
                )
            log.db.execute(f"DELETE FROM {self.table} WHERE {condition}", list(key))

    def _still_used(self, log: UndoLog, key_columns: tuple[str, ...], key: PrimaryKey) -> bool:
        """Whether rows outside this change (added since by anyone) point at the row."""
        row = dict(zip(key_columns, key, strict=True))
        for child, column, parent_column in log.children(self.table):
            if (
                parent_column in row
                and log.db.execute(
                    f"SELECT 1 FROM {child} WHERE {column} = ? LIMIT 1", [row[parent_column]]
                ).fetchone()
            ):
                return True
        return False

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
