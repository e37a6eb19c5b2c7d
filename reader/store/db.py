"""The store's handle on its SQLite connection: ``execute``, ``query``, savepoints, and the
few row operations the store uses (insert, insert many, update and delete by id).

sqlite-utils offered these, but importing it took 60-80 ms with bytecode cached even after
click (which the CLI imports anyway): its recipes with dateutil, pluggy and its plugin hooks, a good
part of the 0.15 s a one-paper command like ``reader tag`` may spend in all. What the store
used of it is these few functions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any


class Table:
    """One table's row operations; rows are dicts of column to value."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self.last_pk: int | None = None

    def insert(self, row: Mapping[str, Any]) -> Table:
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.db.conn.execute(
            f"INSERT INTO {self.name} ({columns}) VALUES ({marks})", list(row.values())
        )
        self.last_pk = cursor.lastrowid
        return self

    def insert_all(self, rows: Iterable[Mapping[str, Any]], *, ignore: bool = False) -> Table:
        """Insert rows that all name the same columns (the first row's), in one statement."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return self
        columns = list(first)
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        marks = ", ".join("?" * len(columns))
        self.db.conn.executemany(
            f"{verb} INTO {self.name} ({', '.join(columns)}) VALUES ({marks})",
            [
                [first[column] for column in columns],
                *([row[column] for column in columns] for row in rows),
            ],
        )
        return self

    def update(self, row_id: int, values: Mapping[str, Any]) -> Table:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.db.conn.execute(
            f"UPDATE {self.name} SET {assignments} WHERE id = ?", [*values.values(), row_id]
        )
        return self

    def delete(self, row_id: int) -> Table:
        self.db.conn.execute(f"DELETE FROM {self.name} WHERE id = ?", [row_id])
        return self


class Database:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._savepoints = 0

    def execute(self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts of column name to value."""
        cursor = self.conn.execute(sql, list(params))
        names = [column[0] for column in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def __getitem__(self, table: str) -> Table:
        return Table(self, table)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A savepoint inside the transaction already open: undone alone if its body fails."""
        self._savepoints += 1
        name = f"reader_{self._savepoints}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._savepoints -= 1

    def table_names(self) -> list[str]:
        return [
            row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]

    def close(self) -> None:
        self.conn.close()
