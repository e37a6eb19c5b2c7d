"""Reading papers: resolving what a person typed to a paper, loading papers and list rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from reader.keys import normalize_title
from reader.models import SORTS, Paper, ReaderError
from reader.store import errors
from reader.store.filters import like_escape
from reader.store.loading import CHUNK, Loader

if TYPE_CHECKING:
    from reader.duplicates import Candidate
    from reader.store.library import Library
    from reader.summaries import PaperRow

MAX_ROW_ID = 2**63 - 1
# How many rows each paper has in the tables an export reads besides its own (a row added
# draws no stamp: it makes this larger). Below 2**32 for any library.
_COUNTED_ROWS = (
    "SELECT paper_id, count(*) FROM ("
    + " UNION ALL ".join(
        f"SELECT paper_id FROM {table}"
        for table in ("sources", "paper_tags", "links", "annotations", "list_items", "attachments")
    )
    + ") GROUP BY paper_id"
)


def is_row_id(value: object) -> bool:
    """Whether a number (or ASCII digits) can name a row: SQLite ids fit in 63 bits, and
    ``'²'.isdigit()`` is true, so both are checked before anything reaches SQLite."""
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()) or len(value) > 19:
            return False
        value = int(value)
    return type(value) is int and 0 < value <= MAX_ROW_ID


class Catalog:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM papers").fetchone()[0]

    def has_papers(self) -> bool:
        """Whether there is any paper: one row read, where counting passes over them all (a
        thirtieth of a second at a million papers, before the app's first frame)."""
        return self.db.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is not None

    def resolve(self, ref: str | int) -> int:
        """Turn what a person typed into a paper id: an id, a key, a citation key, an arXiv id
        or URL, a DOI, or a unique key prefix."""
        text = str(ref).strip()
        if not text:
            raise ReaderError("no paper given")
        numeric = text.isascii() and text.isdigit()
        if is_row_id(text):
            row = self.db.execute("SELECT id FROM papers WHERE id = ?", [int(text)]).fetchone()
            if row:
                return row[0]
        for sql, value in self._exact_lookups(text):
            row = self.db.execute(sql, [value]).fetchone()
            if row:
                return row[0]
        matches = self.db.execute(
            "SELECT id, key FROM papers WHERE key LIKE ? ESCAPE '\\' ORDER BY key LIMIT 6",
            [like_escape(text.lower()) + "%"],
        ).fetchall()
        if len(matches) == 1:
            return matches[0][0]
        if not matches:
            if numeric:
                raise ReaderError(f"no paper with id {text}")
            raise ReaderError(f"no paper matches '{text}'")
        shown = ", ".join(key for _, key in matches[:5])
        more = ", ..." if len(matches) > 5 else ""
        raise ReaderError(f"'{text}' is ambiguous: it could be {shown}{more}")

    @staticmethod
    def _exact_lookups(text: str) -> list[tuple[str, str]]:
        from reader.identifiers import parse_arxiv_id, parse_doi  # its patterns cost 10 ms

        lookups = [
            ("SELECT id FROM papers WHERE key = ?", text),
            ("SELECT id FROM papers WHERE citekey = ?", text),
        ]
        arxiv = parse_arxiv_id(text)
        if arxiv:
            lookups.append(("SELECT id FROM papers WHERE arxiv = ?", arxiv))
        doi = parse_doi(text)
        if doi:
            lookups.append(("SELECT id FROM papers WHERE doi = ?", doi))
        return lookups

    def title(self, paper_id: int) -> str:
        """A paper's title, shortened for messages and the undo history."""
        if not is_row_id(paper_id):
            raise ReaderError(f"no paper with id {paper_id}")
        row = self.db.execute("SELECT title FROM papers WHERE id = ?", [paper_id]).fetchone()
        if row is None:
            raise ReaderError(f"no paper with id {paper_id}")
        title = row[0]
        return title if len(title) <= 60 else title[:57] + "..."

    def papers(
        self,
        ids: Sequence[int],
        *,
        with_notes: bool = True,
        fields: Collection[str] | None = None,
    ) -> list[Paper]:
        """Full papers, in the order of ``ids``; with ``fields``, papers of which only those
        fields are loaded (the others hold their defaults: for an export that reads no more)."""
        if not ids:
            return []
        id_list = list(ids)
        # Most of the library (an export of it): each table read whole beats lists of ids.
        whole = len(id_list) > CHUNK and 2 * len(set(id_list)) >= self.count()
        found = Loader(self.db).papers(id_list, with_notes, whole, fields)
        return [found[paper_id] for paper_id in id_list if paper_id in found]

    def papers_of(self, ids: Sequence[int], fields: Collection[str] | None) -> list[Paper]:
        """``papers`` with its storage failures as LibraryError, as the library's own methods
        give them (an export asks the catalog for some fields only)."""
        try:
            with self.library.read():
                return self.papers(ids, fields=fields)
        except sqlite3.Error as error:
            raise errors.describe(self.library.path, error) from None

    def export_stamps(self) -> tuple[int, dict[int, int]] | None:
        """The library's id and, for every paper that has either, its export stamp and how many
        rows of the tables an export reads it has, in one number (a paper without either is
        0): what a kept export entry of the paper was made at (see ``schema``). None for a
        library from before schema step 6 (read as it is on read-only media), which keeps
        none. Read in the same snapshot as the papers rendered, or before it."""
        row = self.db.execute("SELECT value FROM stats WHERE name = 'library_id'").fetchone()
        if row is None:
            return None
        stamps = {  # (in Python: a 64-bit stamp and a count take more than SQLite's integers)
            paper_id: stamp << 32
            for paper_id, stamp in self.db.execute("SELECT paper_id, stamp FROM export_stamps")
        }
        for paper_id, rows in self.db.execute(_COUNTED_ROWS):
            stamps[paper_id] = stamps.get(paper_id, 0) + rows
        return row[0], stamps

    def tags_for(self, ids: list[int]) -> dict[int, list[str]]:
        marks = ",".join("?" * len(ids))
        tags: dict[int, list[str]] = {}
        for paper_id, name in self.db.execute(
            f"SELECT pt.paper_id, t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            f"WHERE pt.paper_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
            ids,
        ):
            tags.setdefault(paper_id, []).append(name)
        return tags

    def rows(self, ids: Sequence[int]) -> list[PaperRow]:
        """The columns the paper list shows, for a window of ids, in their order."""
        from reader.summaries import PaperRow  # made only here: see reader.summaries

        if not ids:
            return []
        id_list = list(ids)
        marks = ",".join("?" * len(id_list))
        tags = self.tags_for(id_list)
        found = {}
        for paper_id, title, status, rating, listed, has_code in self.db.execute(
            "SELECT id, title, status, rating, listed, "
            "EXISTS (SELECT 1 FROM links WHERE paper_id = papers.id AND kind = 'code') "
            f"FROM papers WHERE id IN ({marks})",
            id_list,
        ):
            found[paper_id] = PaperRow(
                paper_id, title, status, rating, listed, tuple(tags.get(paper_id, ())), has_code
            )
        return [found[paper_id] for paper_id in id_list if paper_id in found]

    def duplicate_candidates(self) -> list[Candidate]:
        """Papers that carry a year or an author: the only ones ``duplicates`` can judge."""
        from reader.duplicates import Candidate  # only this command compares papers

        return [
            Candidate(row[0], row[1], row[2], fold_name(row[3] or ""))
            for row in self.db.execute(
                "SELECT id, title, year, json_extract(authors, '$[0][0]') FROM papers "
                "WHERE year IS NOT NULL OR authors != '[]'"
            )
        ]

    def sorted_ids(self, ids: Sequence[int], field: str, reverse: bool = False) -> list[int]:
        """Papers in the order of one of SORTS; papers lacking the value come last."""
        if field not in SORTS:
            raise ReaderError(f"sort by one of {', '.join(SORTS)}, not '{field}'")
        if field == "relevance":
            return list(reversed(ids)) if reverse else list(ids)
        column = {"added": "added", "listed": "listed", "year": "year", "title": "title"}.get(
            field, field
        )
        wanted = set(ids)
        values = {
            paper_id: value
            for paper_id, value in self.db.execute(f"SELECT id, {column} FROM papers")
            if paper_id in wanted
        }
        # Newest, best and most recent first: what people sort these by.
        descending = field in ("added", "listed", "year", "rating", "changed")
        if field == "title":
            keys = {pid: (value or "").casefold() for pid, value in values.items()}
        elif field == "listed":
            keys = {pid: listed_order(value) for pid, value in values.items()}
        else:
            keys = values
        known = [pid for pid in ids if keys.get(pid) is not None]
        unknown = [pid for pid in ids if keys.get(pid) is None]
        known.sort(key=lambda pid: keys[pid], reverse=descending != reverse)
        return known + unknown

    def ids_with_status(self, status: str) -> set[int]:
        return {
            row[0] for row in self.db.execute("SELECT id FROM papers WHERE status = ?", [status])
        }

    def status_counts(self, statuses: Sequence[str]) -> dict[str, int]:
        counts = dict.fromkeys(statuses, 0)
        counts.update(self.db.execute("SELECT status, count(*) FROM papers GROUP BY status"))
        return counts


def fold_name(name: str) -> str:
    return normalize_title(name).replace(" ", "")


_MONTH_ORDER = {name: index for index, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
)}  # fmt: skip


def listed_order(listed: str | None) -> tuple[int, int, int]:
    """``Mar 11`` (or ``Mar 11, 2024``) as something that sorts by date; unknown sorts first."""
    if not listed:
        return (0, 0, 0)
    month, _, rest = listed.partition(" ")
    day, _, year = rest.partition(", ")
    return (int(year) if year.isdigit() else 0, _MONTH_ORDER.get(month, 0), int(day or 0))
