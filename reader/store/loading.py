"""Loading full papers in bulk: a few queries, and as little Python per paper as possible.

An export of the whole library loads every paper, and at 10,000 papers building them cost more
than reading them: 26 fields set one by one through a frozen dataclass's ``__init__``, an
``Author`` per name, a ``json.loads`` per paper. Here the papers' related rows come from one
query per table (the whole table when most papers are wanted, else chunks of ids), authors are
decoded in one ``json.loads`` and each distinct name is made once, and a paper is made from its
complete set of fields at once. ``Catalog.papers`` gives the same papers either way; the tests
compare them with papers made field by field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import MISSING
from dataclasses import fields as dataclass_fields
from itertools import chain, islice, repeat
from typing import Any, TypeVar

from reader.models import Annotation, AttachedFile, Author, Link, Paper, Source
from reader.store.db import Database
from reader.store.fields import decode_authors

CHUNK = 500
T = TypeVar("T")
PAPER_COLUMNS = (
    "id, key, title, abstract, listed, added, rating, status, read_at, authors, year, month, "
    "venue, publisher, entry_type, citekey, arxiv, doi, url, categories"
)


def made(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of a frozen dataclass from every one of its fields, without ``__init__``.

    A frozen dataclass sets each field through ``object.__setattr__``, which for a paper costs
    more than reading its row; the result is the same object (``==``, hashing and ``repr`` read
    the same attributes). Only for classes without ``__post_init__`` or ``__slots__``, and only
    with all fields given."""
    item = object.__new__(cls)
    object.__setattr__(item, "__dict__", fields)
    return item


# Each paper field that is read from the papers table, by its column's place in PAPER_COLUMNS.
_COLUMN_FIELDS = tuple(column.strip() for column in PAPER_COLUMNS.split(","))
# What a field not asked for holds: the dataclass's default, or nothing for one without.
_BLANK: dict[str, Any] = {
    field.name: None if field.default is MISSING else field.default
    for field in dataclass_fields(Paper)
}
_BLANK.update(key="", title="", abstract="", added="")
_FIELDS = tuple(_BLANK)


class Loader:
    """Full papers by id, for ``Catalog.papers``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def papers(
        self,
        ids: list[int],
        with_notes: bool,
        whole: bool,
        fields: Collection[str] | None = None,
    ) -> dict[int, Paper]:
        """The papers of ``ids`` by id; ``whole`` reads each table whole (most papers are
        wanted) rather than in chunks of ids. ``fields`` names the only fields the caller
        reads (an export's format): the others are not loaded and hold their defaults."""
        wanted = frozenset(fields) if fields is not None else None
        if whole:
            return self._load(None, with_notes, wanted)  # the caller picks the ones it asked for
        result: dict[int, Paper] = {}
        for start in range(0, len(ids), CHUNK):
            result.update(self._load(ids[start : start + CHUNK], with_notes, wanted))
        return result

    def _load(
        self, ids: list[int] | None, with_notes: bool, wanted: frozenset[str] | None
    ) -> dict[int, Paper]:
        def asked(field: str) -> bool:
            return wanted is None or field in wanted

        select = _Select(self.db, ids)
        distinct: dict[tuple[Any, ...], Any] = {}
        details: dict[str, dict[int, tuple[Any, ...]]] = {}
        if asked("sources"):
            details["sources"] = select.grouped(
                "SELECT s.paper_id, f.name, f.listed FROM sources s "
                "JOIN files f ON f.id = s.file_id {where} ORDER BY f.id",
                "s.paper_id",
                lambda file, listed: _shared(distinct, Source, file, listed or None),
            )
        if asked("links"):
            details["links"] = select.grouped(
                "SELECT paper_id, url, kind FROM links {where} ORDER BY paper_id, position, url",
                "paper_id",
                Link,
            )
        if asked("tags"):
            details["tags"] = select.grouped(
                "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                "{where} ORDER BY t.name COLLATE NOCASE",
                "pt.paper_id",
                None,
            )
        if with_notes and asked("annotations"):
            details["annotations"] = select.grouped(
                "SELECT paper_id, id, paper_id, body, quote, created, updated FROM annotations "
                "{where} ORDER BY id",
                "paper_id",
                Annotation,
            )
        if with_notes and asked("lists"):
            details["lists"] = select.grouped(
                "SELECT li.paper_id, l.name FROM list_items li JOIN lists l ON l.id = li.list_id "
                "{where} ORDER BY l.name COLLATE NOCASE",
                "li.paper_id",
                None,
            )
        if asked("files"):
            details["files"] = select.grouped(
                "SELECT paper_id, path, sha256 FROM attachments {where} ORDER BY id",
                "paper_id",
                AttachedFile,
            )
        columns = [name for name in _COLUMN_FIELDS if asked(name) or name == "id"]
        rows = select.rows(f"SELECT {', '.join(columns)} FROM papers {{where}}", "id")
        if not rows:
            return {}
        values: dict[str, Any] = dict(zip(columns, zip(*rows, strict=True), strict=True))
        ids_read = values["id"]
        if "authors" in values:
            values["authors"] = _authors(list(values["authors"]))
        if "categories" in values:
            empty = ()
            values["categories"] = [
                tuple(text.split()) if text else empty for text in values["categories"]
            ]
        for field, grouped in details.items():
            values[field] = list(map(grouped.get, ids_read, repeat(())))
        # Every field of Paper in its order: the values read, else the default for all (a
        # paper's values are a row of these; zip stops at the last paper, the repeats never).
        every = [values[name] if name in values else repeat(_BLANK[name]) for name in _FIELDS]
        each = map(dict, map(zip, repeat(_FIELDS), zip(*every, strict=False)))
        result = {}
        for paper_id, fields in zip(ids_read, each, strict=True):
            result[paper_id] = made(Paper, fields)
        return result


class _Select:
    """Queries over some papers' rows: ``{where}`` in the SQL becomes the filter by id (nothing
    when the whole table is read)."""

    def __init__(self, db: Database, ids: list[int] | None) -> None:
        self.db = db
        self.ids = ids or []
        self.marks = None if ids is None else ",".join("?" * len(ids))

    def rows(self, sql: str, column: str) -> list[Any]:
        where = "" if self.marks is None else f"WHERE {column} IN ({self.marks})"
        return self.db.execute(sql.format(where=where), self.ids).fetchall()

    def grouped(
        self, sql: str, column: str, make: Callable[..., T] | None
    ) -> dict[int, tuple[Any, ...]]:
        """Rows whose first column is a paper id, per paper: the second column as it is when
        ``make`` is None, else the other columns made into an object."""
        grouped: dict[int, list[Any]] = {}
        if make is None:
            for paper_id, value in self.rows(sql, column):
                grouped.setdefault(paper_id, []).append(value)
        else:
            for paper_id, *values in self.rows(sql, column):
                grouped.setdefault(paper_id, []).append(make(*values))
        return {paper_id: tuple(items) for paper_id, items in grouped.items()}


def _shared(distinct: dict[tuple[Any, ...], Any], cls: Callable[..., T], *values: Any) -> T:
    """One frozen object per distinct value within a load (every paper of one file shares it)."""
    key = (cls, *values)
    found = distinct.get(key)
    if found is None:
        found = distinct[key] = cls(*values)
    return found


def _authors(columns: list[str | None]) -> Iterable[tuple[Author, ...]]:
    """Each paper's authors, decoded as ``decode_authors`` does, in one ``json.loads``; each
    distinct name is one ``Author``, made once. The names of all the papers are looked up in
    one pass, then cut into each paper's tuple: no Python loop per author of each paper."""
    try:
        decoded = json.loads("[" + ",".join(text or "[]" for text in columns) + "]")
        if len(decoded) != len(columns):
            raise ValueError("a column held more than one value")
    except ValueError:
        return [decode_authors(text) for text in columns]
    empty = ()
    lists = [names or empty for names in decoded]  # null and [] alike: no authors
    try:
        keys = list(map(tuple, chain.from_iterable(lists)))
        made_names = dict.fromkeys(keys)
    except TypeError:  # a value that is not a list of names: as decode_authors reads it
        return [decode_authors(text) for text in columns]
    for key in made_names:
        if len(key) != 2 or key[0].__class__ is not str or key[1].__class__ is not str:
            return [decode_authors(text) for text in columns]
        made_names[key] = made(Author, {"family": key[0], "given": key[1]})
    each = iter(list(map(made_names.__getitem__, keys)))
    return [tuple(islice(each, count)) if count else empty for count in map(len, lists)]
