"""The backup's rows, and its text written straight from them.

``Backup.dump`` builds a dict per paper, author, source and link, and ``json.dumps`` with an
indent walks them in pure Python: at 10,000 papers that was over a second. The backup's layout
is fixed (the same keys in the same order, two spaces per level), so here the text is assembled
from the rows with that layout around each value, and the values are quoted by the very
function ``json.dumps`` quotes with (``json.encoder.encode_basestring``, the C one where there
is one). The text is ``render_backup(dump())`` byte for byte; a value of a kind the layout does
not expect (a damaged column) is left to that slower way, which writes it, or fails on it, as
it always did. The tests compare the two on hostile libraries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from types import NoneType
from typing import Any, NamedTuple

from reader.backup_format import FORMAT, VERSION
from reader.models import RECORD_FIELDS
from reader.store.db import Database
from reader.text import json_string, json_strings

# A backup's paper: these columns, then the record's, in the order they are written.
PAPER_COLUMNS = ("id", "key", "title", "abstract", "listed", "added", "rating", "status", "read_at")
RECORD_COLUMNS = (*RECORD_FIELDS, "edited", "changed")


class Tables(NamedTuple):
    """Every row a backup holds, in the backup's order (papers by id, each paper's details in
    the order they are written)."""

    papers: list[tuple[Any, ...]]  # PAPER_COLUMNS then RECORD_COLUMNS
    sources: dict[int, list[tuple[Any, ...]]]  # file, listed (None for none), added
    links: dict[int, list[tuple[Any, ...]]]  # url, kind, position
    files: dict[int, list[tuple[Any, ...]]]  # path, sha256, added
    tags: dict[int, list[str]]
    tag_names: list[str]
    annotations: list[tuple[Any, ...]]  # id, paper_id, body, quote, created, updated
    lists: list[tuple[Any, Any, Any, list[tuple[Any, Any]]]]  # name, description, created, items


def read_tables(db: Database, only: Sequence[int] | None = None) -> Tables:
    """The backup's rows; the caller holds one read transaction around this. With ``only``,
    the papers and their details are those papers' alone (the rest is whole)."""
    params = [] if only is None else [json.dumps(list(only))]

    def among(column: str, joiner: str = "WHERE") -> str:
        return "" if only is None else f" {joiner} {column} IN (SELECT value FROM json_each(?))"

    tags: dict[int, list[str]] = {}
    for paper_id, name in db.execute(
        "SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
        f"{among('pt.paper_id')} ORDER BY pt.paper_id, t.name COLLATE NOCASE, t.name",
        params,
    ):
        tags.setdefault(paper_id, []).append(name)
    # Sources in the order they came (ties by name and date), never by file id: a restore
    # numbers the files afresh, and the backup of the copy must be the same bytes.
    sources: dict[int, list[tuple[Any, ...]]] = {}
    for paper_id, file, listed, added in db.execute(
        "SELECT s.paper_id, f.name, f.listed, f.added FROM sources s JOIN files f ON f.id = "
        f"s.file_id{among('s.paper_id')} ORDER BY s.paper_id, f.added, f.name, f.listed",
        params,
    ):
        sources.setdefault(paper_id, []).append((file, listed or None, added))
    links = _grouped(
        db,
        f"SELECT paper_id, url, kind, position FROM links{among('paper_id')} "
        "ORDER BY paper_id, position, url",
        params,
    )
    files = _grouped(
        db,
        f"SELECT paper_id, path, sha256, added FROM attachments{among('paper_id')} "
        "ORDER BY paper_id, id",
        params,
    )
    papers = db.execute(
        f"SELECT {', '.join((*PAPER_COLUMNS, *RECORD_COLUMNS))} FROM papers{among('id')} "
        "ORDER BY id",
        params,
    ).fetchall()
    annotations = db.execute(
        "SELECT id, paper_id, body, quote, created, updated FROM annotations ORDER BY id"
    ).fetchall()
    lists = [
        (
            name,
            description,
            created,
            db.execute(
                "SELECT paper_id, added FROM list_items WHERE list_id = ? ORDER BY position",
                [list_id],
            ).fetchall(),
        )
        for list_id, name, description, created in db.execute(
            "SELECT id, name, description, created FROM lists ORDER BY id"
        ).fetchall()
    ]
    tag_names = [
        row[0] for row in db.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE, name")
    ]
    return Tables(papers, sources, links, files, tags, tag_names, annotations, lists)


def _grouped(db: Database, sql: str, params: list[Any]) -> dict[int, list[tuple[Any, ...]]]:
    """Rows whose first column is a paper id, the other columns per paper."""
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for paper_id, *values in db.execute(sql, params):
        grouped.setdefault(paper_id, []).append(tuple(values))
    return grouped


class Unexpected(Exception):
    """A value the fixed layout does not write (a damaged column): ``render_backup`` must."""


def backup_text(tables: Tables, schema: int) -> str:
    """``render_backup(dump())`` written from the rows; raises ``Unexpected`` when a value is
    not one the layout knows (then the caller takes the slower way)."""
    return "".join(backup_pieces(tables, schema))


def backup_pieces(tables: Tables, schema: int) -> list[str]:
    """``backup_text`` in pieces (a paper each): most are ASCII, and written one by one they
    are encoded as such, where their whole is as wide as its widest character."""
    try:
        return _document(tables, schema)
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        raise Unexpected(str(error)) from error


def _value(value: Any) -> str:
    """One value as ``json_text`` writes it."""
    if value.__class__ is str:
        return json_string(value)
    if value is None:
        return "null"
    if value.__class__ is int:
        return int.__repr__(value)
    return json.dumps(value)  # a float as json writes it; anything else fails as it did


def _strings(values: Sequence[Any]) -> list[str]:
    """A column's values as ``json_text`` writes them (text quoted by json's quoting, the
    controls it leaves raw escaped: see ``json_strings``)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return json_strings(list(values))
    if kinds == {str, NoneType}:
        texts = [value for value in values if value is not None]
        quoted = iter(json_strings(texts))
        return ["null" if value is None else next(quoted) for value in values]
    return list(map(_value, values))


def _arrays(indent: str) -> Callable[[list[str]], str]:
    """A function writing a JSON array of items already written, the array's own line being
    at ``indent``."""
    opening = "[\n" + indent + "  "
    separator = ",\n" + indent + "  "
    closing = "\n" + indent + "]"

    def write(items: list[str]) -> str:
        return opening + separator.join(items) + closing if items else "[]"

    return write


def _objects(keys: Sequence[str], indent: str) -> Callable[[Sequence[Any]], str]:
    """A function writing one object of these keys (in this order) from its values, as an item
    of an array whose own line is at ``indent``."""
    inner = indent + "    "
    template = (
        "{\n"
        + ",\n".join(f"{inner}{encode_basestring(key)}: %s" for key in keys)
        + "\n"
        + indent
        + "  }"
    )

    def write(values: Sequence[Any]) -> str:
        return template % tuple(map(_value, values))

    return write


# Papers are items of the top-level "papers" array; their details one level further in.
_TOP = "  "
_DETAIL = "      "
_TOP_ARRAY = _arrays(_TOP)
_DETAIL_ARRAY = _arrays(_DETAIL)
_SOURCE = _objects(("file", "listed", "added"), _DETAIL)
_LINK = _objects(("url", "kind", "position"), _DETAIL)
_FILE = _objects(("path", "sha256", "added"), _DETAIL)
_NOTE = _objects(("id", "paper", "body", "quote", "created", "updated"), _TOP)
_LIST_ITEM = _objects(("paper", "added"), _DETAIL)
_AUTHOR = _objects(("family", "given"), _DETAIL)
_AUTHOR_TEMPLATE = _AUTHOR((0, 0)).replace("0", "%s")
_PAPER_KEYS = (*PAPER_COLUMNS, *RECORD_COLUMNS, "sources", "links", "files", "tags")
_PAPER_TEMPLATE = (
    "{\n" + ",\n".join(f"      {encode_basestring(key)}: %s" for key in _PAPER_KEYS) + "\n    }"
)
_AUTHORS = len(PAPER_COLUMNS) + RECORD_COLUMNS.index("authors")
_CATEGORIES = len(PAPER_COLUMNS) + RECORD_COLUMNS.index("categories")
_EDITED = len(PAPER_COLUMNS) + RECORD_COLUMNS.index("edited")


def backup_parts(tables: Tables, schema: int, keys: dict[int, str]) -> tuple[str, list[str], str]:
    """What comes before the papers (up to the array's bracket) and after it, and the papers
    of ``tables`` (which may hold some papers only: ``keys`` names every paper), for writing
    some papers kept from an earlier backup; raises ``Unexpected`` as ``backup_pieces`` does."""
    try:
        head, tail = _frame(tables, schema, keys)
        return head, _papers(tables), tail
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        raise Unexpected(str(error)) from error


def _document(tables: Tables, schema: int) -> list[str]:
    """The backup's text in pieces (the papers one piece each)."""
    head, tail = _frame(tables, schema, {row[0]: row[1] for row in tables.papers})
    papers = _papers(tables)
    if not papers:
        return [head, "[]", tail]
    pieces = [head, "[\n    "]
    for paper in papers:
        pieces += (paper, ",\n    ")
    pieces[-1] = "\n  ]"  # the last paper's separator
    pieces.append(tail)
    return pieces


def _frame(tables: Tables, schema: int, keys: dict[int, str]) -> tuple[str, str]:
    """The text before the papers' array and after it."""
    annotations = [_NOTE((row[0], keys[row[1]], *row[2:])) for row in tables.annotations]
    lists = [
        "{\n"
        f'      "name": {_value(name)},\n'
        f'      "description": {_value(description)},\n'
        f'      "created": {_value(created)},\n'
        '      "papers": '
        + _DETAIL_ARRAY([_LIST_ITEM((keys[paper_id], added)) for paper_id, added in items])
        + "\n    }"
        for name, description, created, items in tables.lists
    ]
    head = (
        "{\n"
        f'  "format": {_value(FORMAT)},\n'
        f'  "version": {_value(VERSION)},\n'
        f'  "schema": {_value(schema)},\n'
        '  "papers": '
    )
    tail = (
        ",\n"
        f'  "tags": {_TOP_ARRAY(_strings(tables.tag_names))},\n'
        f'  "annotations": {_TOP_ARRAY(annotations)},\n'
        f'  "lists": {_TOP_ARRAY(lists)}\n'
        "}\n"
    )
    return head, tail


# Papers written together: a block's texts stay in the processor's cache through every pass
# over them, and its memory is reused by the next (the whole column of abstracts at once took
# far longer).
BLOCK = 64


def _papers(tables: Tables) -> list[str]:
    """Each paper's object: its columns written a column at a time, a block of papers at a
    time, then its details."""
    made: dict[Any, dict[Any, str]] = {}  # each source, link or file written once
    names = list({name for names in tables.tags.values() for name in names})
    tags = dict(zip(names, _strings(names), strict=True))
    written: list[str] = []
    for start in range(0, len(tables.papers), BLOCK):
        written += _block(tables, tables.papers[start : start + BLOCK], made, tags)
    return written


def _block(
    tables: Tables,
    rows: list[tuple[Any, ...]],
    made: dict[Any, dict[Any, str]],
    quoted: dict[str, str],
) -> list[str]:
    """The papers of some rows, each its object's text."""
    columns = list(zip(*rows, strict=True))
    ids = columns[0]
    written = []
    for index, column in enumerate(columns):
        if index == _AUTHORS:
            written.append(_authors(column))
        elif index == _CATEGORIES:
            written.append(_memo(column, _categories))
        elif index == _EDITED:
            written.append(_memo(column, _edited))
        else:
            written.append(_strings(column))
    for details, make in ((tables.sources, _SOURCE), (tables.links, _LINK), (tables.files, _FILE)):
        seen = made.setdefault(make, {})  # one file is a source of many papers
        column = []
        for paper_id in ids:
            items = details.get(paper_id)
            if not items:
                column.append("[]")
                continue
            objects = []
            for item in items:
                found = seen.get(item)
                if found is None:
                    found = seen[item] = make(item)
                objects.append(found)
            column.append(_DETAIL_ARRAY(objects))
        written.append(column)
    tags = tables.tags
    written.append(
        [
            _DETAIL_ARRAY([quoted[name] for name in tags[paper_id]]) if paper_id in tags else "[]"
            for paper_id in ids
        ]
    )
    template = _PAPER_TEMPLATE
    return [template % values for values in zip(*written, strict=True)]


def _memo(column: Sequence[Any], write: Callable[[Any], str]) -> list[str]:
    """A column whose values repeat, each distinct value written once."""
    made: dict[Any, str] = {}
    result = []
    for value in column:
        found = made.get(value)
        if found is None:
            found = made[value] = write(value)
        result.append(found)
    return result


def _categories(text: Any) -> str:
    """As ``decode_categories`` reads the column: its words, none for no text."""
    return _DETAIL_ARRAY(_strings(text.split()) if text else [])


def _edited(text: Any) -> str:
    return _DETAIL_ARRAY(_strings((text or "").split()))


def _authors(column: Sequence[Any]) -> list[str]:
    """Each paper's authors array, decoded as ``decode_authors`` decodes them: one
    ``json.loads`` for them all, and every name of the library quoted at once."""
    decoded = json.loads("[" + ",".join(text or "[]" for text in column) + "]")
    if len(decoded) != len(column):
        raise ValueError("a column held more than one value")
    empty: list[Any] = []
    decoded = [
        empty if not text or text == "[]" else names
        for text, names in zip(column, decoded, strict=True)
    ]
    pairs = [pair for names in decoded for pair in names]
    if not pairs:
        return ["[]"] * len(column)
    # decode_authors unpacks each name into two: zip unpacks them alike, or fails as that does.
    families, givens = zip(*pairs, strict=True)
    blocks = list(
        map(
            _AUTHOR_TEMPLATE.__mod__,
            zip(_strings(list(map(str, families))), _strings(list(map(str, givens))), strict=True),
        )
    )
    result = []
    array = _DETAIL_ARRAY
    start = 0
    for names in decoded:
        end = start + len(names)
        result.append(array(blocks[start:end]))
        start = end
    return result
