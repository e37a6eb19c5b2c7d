"""Changing a paper's record by hand, removing papers, and merging duplicates.

Each is one undoable change. A field a person sets is remembered as edited, so that later
imports and lookups fill only what is still empty and never overwrite it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.models import STATUSES, ReaderError
from reader.store import clock, indexing
from reader.store.fields import EMPTY, RECORD_COLUMNS, encode_authors, is_empty
from reader.store.undo import Scope

if TYPE_CHECKING:
    from reader.store.library import Library

# Tables holding rows that belong to one paper (removed with it, moved by a merge).
CHILDREN = ("sources", "links", "paper_tags", "annotations", "list_items", "attachments")
INDEXED = frozenset({"title", "authors", "abstract"})


def _in(column: str, ids: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    return f"{column} IN ({','.join('?' * len(ids))})", tuple(ids)


class Records:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def edit(self, paper_id: int, changes: dict[str, Any]) -> list[str]:
        """Set fields (values as ``reader.editing.parse_changes`` gives them); returns the
        fields that changed."""
        stored = {name: self._stored(name, value) for name, value in changes.items()}
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            columns = (*stored, "edited", "changed")
            scope = Scope("papers", "id = ?", (paper_id,), tuple(dict.fromkeys(columns)))
            with self.library.change(f"edited '{title}'", [scope]) as change:
                current = self._row(paper_id, list(stored))
                different = {k: v for k, v in stored.items() if current[k] != v}
                if not different:
                    return []
                self._check_unique(paper_id, different)
                change.description = f"edited {', '.join(different)} of '{title}'"
                self._write_fields(paper_id, different, mark_edited=True)
        return list(different)

    @staticmethod
    def _stored(name: str, value: Any) -> Any:
        if name == "authors":
            return encode_authors(value or ())
        if name == "categories":
            return " ".join(value or ())
        return EMPTY.get(name) if value is None and name in EMPTY else value

    def _row(self, paper_id: int, columns: list[str]) -> dict[str, Any]:
        names = ", ".join(dict.fromkeys([*columns, "edited"]))
        return next(iter(self.db.query(f"SELECT {names} FROM papers WHERE id = ?", [paper_id])))

    def _check_unique(self, paper_id: int, values: dict[str, Any]) -> None:
        for column, what in (("citekey", "citation key"), ("arxiv", "arXiv id"), ("doi", "DOI")):
            value = values.get(column)
            if value is None:
                continue
            other = self.db.execute(
                f"SELECT id, title FROM papers WHERE {column} = ? AND id != ?", [value, paper_id]
            ).fetchone()
            if other:
                raise ReaderError(
                    f"{what} {value} belongs to paper {other[0]} ('{other[1][:50]}'); "
                    f"`reader merge` joins two papers that are one work"
                )

    def _write_fields(self, paper_id: int, values: dict[str, Any], *, mark_edited: bool) -> None:
        before = indexing.indexed_text(self.db, [paper_id]) if INDEXED & set(values) else []
        updates = dict(values)
        if mark_edited:
            edited = set(self._row(paper_id, [])["edited"].split())
            updates["edited"] = " ".join(sorted(edited | set(values)))
        updates["changed"] = clock.now()
        assignments = ", ".join(f"{column} = ?" for column in updates)
        self.db.execute(
            f"UPDATE papers SET {assignments} WHERE id = ?", [*updates.values(), paper_id]
        )
        if before:
            indexing.unindex(self.db, before)
            indexing.index(self.db, [paper_id])

    def _scopes(self, ids: Sequence[int]) -> list[Scope]:
        where, params = _in("id", ids)
        child_where, child_params = _in("paper_id", ids)
        return [Scope("papers", where, params)] + [
            Scope(table, child_where, child_params) for table in CHILDREN
        ]

    def remove(self, paper_ids: Sequence[int]) -> int:
        """Delete papers with everything attached to them (lists, notes, tags...); undoable."""
        ids = list(dict.fromkeys(paper_ids))
        if not ids:
            return 0
        with self.library.write():
            what = self.library.catalog.title(ids[0]) if len(ids) == 1 else f"{len(ids)} papers"
            with self.library.change(f"removed '{what}' from the library", self._scopes(ids)):
                indexing.unindex(self.db, indexing.indexed_text(self.db, ids))
                where, params = _in("id", ids)
                self.db.execute(f"DELETE FROM papers WHERE {where}", params)
        self.library.search_index.forget_vocabulary()
        return len(ids)

    def merge(self, keep: int, others: Sequence[int]) -> None:
        """Make several papers one: ``keep`` gets the union of tags, notes, sources, links,
        files and list places (first position wins), the best rating, the furthest status,
        and its empty fields filled from the others, which are then removed."""
        others = [pid for pid in dict.fromkeys(others) if pid != keep]
        if not others:
            raise ReaderError("merge needs two different papers")
        ids = [keep, *others]
        with self.library.write():
            titles = [self.library.catalog.title(pid) for pid in ids]
            description = f"merged {len(others)} into '{titles[0]}'"
            with self.library.change(description, self._scopes(ids)):
                self._merge_rows(keep, others)

    def _merge_rows(self, keep: int, others: list[int]) -> None:
        rows = {
            row["id"]: row
            for row in self.db.query(
                f"SELECT * FROM papers WHERE {_in('id', [keep, *others])[0]}", [keep, *others]
            )
        }
        kept = rows[keep]
        edited = set(kept["edited"].split())
        fills: dict[str, Any] = {}
        for other in others:
            row = rows[other]
            for column in ("abstract", "listed", *RECORD_COLUMNS):
                if column in edited or column in fills:
                    continue
                if is_empty(column, kept[column]) and not is_empty(column, row[column]):
                    fills[column] = row[column]
        ratings = [rows[pid]["rating"] for pid in (keep, *others) if rows[pid]["rating"]]
        if ratings and max(ratings) != kept["rating"]:
            fills["rating"] = max(ratings)
        furthest = max((rows[pid] for pid in (keep, *others)), key=_status_rank)
        if furthest["status"] != kept["status"]:
            fills["status"], fills["read_at"] = furthest["status"], furthest["read_at"]
        self._move_children(keep, others)
        indexing.unindex(self.db, indexing.indexed_text(self.db, others))
        where, params = _in("id", others)
        self.db.execute(f"DELETE FROM papers WHERE {where}", params)
        unique = {
            column: fills.pop(column) for column in ("arxiv", "doi", "citekey") if column in fills
        }
        if fills:
            self._write_fields(keep, fills, mark_edited=False)
        if unique:  # the others held these: free only once they are gone
            self._write_fields(keep, unique, mark_edited=False)

    def _move_children(self, keep: int, others: list[int]) -> None:
        where, params = _in("paper_id", others)
        for table, columns in (
            ("sources", "file_id"),
            ("links", "url, kind, position"),
            ("paper_tags", "tag_id"),
            ("attachments", "path, sha256, added"),
        ):
            self.db.execute(
                f"INSERT OR IGNORE INTO {table} (paper_id, {columns}) "
                f"SELECT ?, {columns} FROM {table} WHERE {where}",
                [keep, *params],
            )
        self.db.execute(f"UPDATE annotations SET paper_id = ? WHERE {where}", [keep, *params])
        # List places: where the kept paper is not in a list yet, it takes the earliest place
        # any of the others had there; where it is, the earliest place of all wins.
        for list_id, position, added in self.db.execute(
            f"SELECT list_id, min(position), min(added) FROM list_items WHERE {where} "
            "GROUP BY list_id",
            params,
        ).fetchall():
            self.db.execute(
                "INSERT INTO list_items (list_id, paper_id, position, added) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (list_id, paper_id) DO UPDATE SET "
                "position = min(position, excluded.position), added = min(added, excluded.added)",
                [list_id, keep, position, added],
            )


def _status_rank(row: dict[str, Any]) -> int:
    return STATUSES.index(row["status"])
