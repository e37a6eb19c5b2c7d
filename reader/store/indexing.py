"""Keeping the full-text indexes in step with the papers table.

Titles (with authors, spelled out by the ``paper_text`` view) and abstracts are external-content
FTS5 indexes, filled in bulk after inserts rather than by triggers, which is far faster for
imports. Removing a paper's entries needs the values that were indexed, so callers hand them in.

Every change here also draws the text version again (see ``TEXT_VERSION_SCHEMA``), in the same
transaction: matches worked out before it are no longer used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reader.store.db import Database

CHUNK = 500


TEXT_VERSION = "SELECT value FROM stats WHERE name = 'text_version'"
TEXT_BASE = "SELECT value FROM stats WHERE name = 'text_base'"
# The name of the number drawn for the papers appended before a paper id ("text_appended 29").
APPENDED = "text_appended "


def text_version(db: Database) -> int | None:
    """The version of the text search reads; None in a library that has none (it is made by
    the schema step that brought it, so only a damaged or foreign file lacks one)."""
    row = db.execute(TEXT_VERSION).fetchone()
    return None if row is None else row[0]


def _text_changed(db: Database, *, appended: bool = False) -> None:
    """Draw the text version again, and the text base too unless papers were only appended
    (matches kept at the base hold for the papers before them; ``kept_postings``).

    Papers appended are told apart by a random number of their own, under the first paper
    id after them (``APPENDED``): two copies of a library imported into apart keep the same
    base, and a match kept in one, papers appended included, is not the other's. A new base
    forgets them."""
    db.execute(
        "UPDATE stats SET value = random() WHERE name = 'text_version'"
        + ("" if appended else " OR name = 'text_base'")
    )
    if appended:
        db.execute(
            "INSERT OR REPLACE INTO stats (name, value) "
            f"SELECT '{APPENDED}' || (max(id) + 1), random() FROM papers"
        )
    else:
        db.execute(f"DELETE FROM stats WHERE substr(name, 1, {len(APPENDED)}) = '{APPENDED}'")


def index_from(db: Database, first_id: int) -> None:
    """Index every paper from ``first_id`` on: once, after a bulk insert."""
    if db.execute("SELECT 1 FROM papers WHERE id >= ? LIMIT 1", [first_id]).fetchone():
        _text_changed(db, appended=True)  # new rows, after every existing one
    db.execute(
        "INSERT INTO titles_fts (rowid, title, authors) "
        "SELECT id, title, authors FROM paper_text WHERE id >= ?",
        [first_id],
    )
    db.execute(
        "INSERT INTO abstracts_fts (rowid, abstract) SELECT id, abstract FROM papers WHERE id >= ?",
        [first_id],
    )


def index(db: Database, ids: Sequence[int]) -> None:
    """Index the given papers (added or changed one by one)."""
    if ids:
        _text_changed(db)
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        marks = ",".join("?" * len(chunk))
        db.execute(
            "INSERT INTO titles_fts (rowid, title, authors) "
            f"SELECT id, title, authors FROM paper_text WHERE id IN ({marks})",
            chunk,
        )
        db.execute(
            "INSERT INTO abstracts_fts (rowid, abstract) "
            f"SELECT id, abstract FROM papers WHERE id IN ({marks})",
            chunk,
        )


def indexed_text(db: Database, ids: Sequence[int]) -> list[dict[str, Any]]:
    """What the indexes hold for these papers now: hand it to ``unindex`` before changing them."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        marks = ",".join("?" * len(chunk))
        rows.extend(
            db.query(
                "SELECT t.id, t.title, t.authors, p.abstract FROM paper_text t "
                f"JOIN papers p ON p.id = t.id WHERE t.id IN ({marks})",
                chunk,
            )
        )
    return rows


def unindex(db: Database, rows: Iterable[dict[str, Any]]) -> None:
    """Take papers out of the indexes, given the text they were indexed with."""
    rows = list(rows)
    if rows:
        _text_changed(db)
    for row in rows:
        db.execute(
            "INSERT INTO titles_fts (titles_fts, rowid, title, authors) VALUES ('delete', ?, ?, ?)",
            [row["id"], row["title"], row["authors"]],
        )
        db.execute(
            "INSERT INTO abstracts_fts (abstracts_fts, rowid, abstract) VALUES ('delete', ?, ?)",
            [row["id"], row["abstract"]],
        )


def reindex_abstract(db: Database, paper_id: int, old: str, new: str) -> None:
    """Give one paper a new abstract, in the table and in its index."""
    _text_changed(db)
    db.execute(
        "INSERT INTO abstracts_fts (abstracts_fts, rowid, abstract) VALUES ('delete', ?, ?)",
        [paper_id, old],
    )
    db["papers"].update(paper_id, {"abstract": new})
    db.execute("INSERT INTO abstracts_fts (rowid, abstract) VALUES (?, ?)", [paper_id, new])
