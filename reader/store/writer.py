"""Writing parsed papers into an open transaction, in big steps.

New papers are inserted in bulk and indexed once per step; papers the library has already
(same arXiv id, DOI or normalised title) are enriched instead, never duplicated.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from reader.incoming import ImportSummary, ParsedListing, ParsedPaper
from reader.keys import clean_tag, paper_key
from reader.models import ReaderError
from reader.store import clock, indexing
from reader.store.fields import EMPTY, RECORD_COLUMNS, is_empty, record_values
from reader.store.identity import Identities, attach_found_files, citekey_for, enrich

if TYPE_CHECKING:
    from reader.store.library import Library

LISTING_COLUMNS = ("key", "title", "abstract", "listed", "added", "triage", "batch_id")
ALL_COLUMNS = (*LISTING_COLUMNS, *RECORD_COLUMNS)
# A record row names every column, so rows of one insert agree (a missing one would be NULL).
RECORD_DEFAULTS = {column: EMPTY.get(column) for column in RECORD_COLUMNS}
RECORD_DEFAULT_VALUES = tuple(RECORD_DEFAULTS.values())
# A new row: a listing's paper as a tuple in LISTING_COLUMNS' order, a paper with a record as a
# tuple in ALL_COLUMNS' order, a row merged with its twin by column name.
Row = tuple[Any, ...] | dict[str, Any]
_by_column = operator.itemgetter(*ALL_COLUMNS)
_record_columns = operator.itemgetter(*RECORD_COLUMNS)
_PLAIN = len(LISTING_COLUMNS)


def _without_held(
    paper: ParsedPaper, pending: dict[tuple[str, str], str], owner: str | None
) -> ParsedPaper:
    """The paper without the arXiv id or DOI that a new row of this step other than ``owner``
    holds: each is unique, and the row that has it keeps it (as a stored paper keeps it when
    ``unique_values`` drops it from another's values)."""
    held = {
        column: None
        for column, value in (("arxiv", paper.arxiv), ("doi", paper.doi))
        if value and pending.get((column, value), owner) != owner
    }
    return replace(paper, **held) if held else paper


class PaperWriter:
    """Remembers identities and files between the steps of one import."""

    def __init__(self, library: Library, kind: str = "import") -> None:
        self.library = library
        self.kind = kind
        self.batch_id: int | None = None
        self.first_id: int | None = None  # the first paper this import adds
        self.source_names: dict[str, None] = {}
        self.db = library.db
        self.added_at = clock.now()
        self.identities = Identities(self.db)
        self.files: dict[tuple[str, str], int] = {}
        self.tag_ids: dict[str, int | None] = {}
        self.listings = 0
        self.parsed = 0
        self.added = 0
        self.enriched: set[int] = set()
        self.warnings: list[str] = []

    def add(self, listings: Sequence[ParsedListing]) -> list[int]:
        """Write a step of listings; returns the paper id of every parsed paper, in order."""
        papers = [paper for listing in listings for paper in listing.papers]
        self.listings += len(listings)
        self.parsed += len(papers)
        for listing in listings:
            self.warnings.extend(listing.warnings)
            self.source_names.setdefault(listing.source, None)
        keys = [paper_key(paper.title) for paper in papers]
        self.identities.prefetch(papers, keys)
        first_new_id = (self.db.execute("SELECT max(id) FROM papers").fetchone()[0] or 0) + 1
        if self.first_id is None:
            self.first_id = first_new_id
        below = self.first_id
        earlier = self.added > 0  # papers of this import written in earlier steps
        # Per paper: the stored paper it is, or the key of the new row it becomes.
        found: list[int | str] = []
        new_rows: dict[str, Row] = {}
        pending: dict[tuple[str, str], str] = {}  # (arxiv|doi, value) -> key of a new row
        find = self.identities.find
        for key, paper in zip(keys, papers, strict=True):
            paper_id = find(paper, key, below)
            if paper_id is not None:
                self._update(paper_id, _without_held(paper, pending, None) if pending else paper)
                found.append(paper_id)
                continue
            twin = self._twin(paper, key, new_rows, pending, earlier=earlier)
            if type(twin) is int:
                self._complete(twin, _without_held(paper, pending, None))
                found.append(twin)
                continue
            if twin is not None:
                merged = _without_held(paper, pending, twin)
                row = new_rows[twin] = self._merge_pending(new_rows[twin], merged)
                for column in ("arxiv", "doi"):  # the twin now answers to its ids too
                    value = getattr(paper, column)
                    if value and row.get(column) == value:
                        pending.setdefault((column, value), twin)
                found.append(twin)
                continue
            new_rows[key] = self._new_row(key, paper)
            if paper.arxiv:
                pending[("arxiv", paper.arxiv)] = key
            if paper.doi:
                pending[("doi", paper.doi)] = key
            found.append(key)
        new_ids = self._insert(list(new_rows.values()), first_new_id) if new_rows else {}
        ids = [item if type(item) is int else new_ids[item] for item in found]
        self._attach(papers, ids)
        return ids

    def _twin(
        self,
        paper: ParsedPaper,
        key: str,
        new_rows: dict[str, Row],
        pending: dict[tuple[str, str], str],
        *,
        earlier: bool,
    ) -> int | str | None:
        """The paper of this import that is the same work (the file lists it twice), by arXiv
        id, DOI, then key: a new row of this step (its key), or, when ``earlier`` steps wrote
        papers, one of those (its id), so that where the steps fall changes nothing."""
        for column, value in (("arxiv", paper.arxiv), ("doi", paper.doi), ("key", key)):
            if not value:
                continue
            if earlier:
                written = self.identities.holder(column, value)
                if written is not None:
                    return written
            if column == "key":
                return key if key in new_rows else None
            if (column, value) in pending:
                return pending[(column, value)]
        return None

    def _complete(self, paper_id: int, paper: ParsedPaper) -> None:
        """A paper this import wrote in an earlier step, met again: completed as a row of one
        step is by its twin (``_merge_pending``): empty fields filled, the citation key kept."""
        if paper.abstract:
            self._fill_abstract(paper_id, paper.abstract)
        if paper.has_record:
            enrich(self.db, self.identities, paper_id, paper, self.warnings, keep_citekey=True)

    def _new_row(self, key: str, paper: ParsedPaper) -> Row:
        """A listing's paper is a plain row (its columns in LISTING_COLUMNS' order); a paper
        with a record a whole row (in ALL_COLUMNS' order), what it does not know the default."""
        batch_id = self.batch_id if self.batch_id is not None else self._batch()
        # "new": arrived in an import, waits for triage
        plain = (key, paper.title, paper.abstract, paper.listed, self.added_at, "new", batch_id)
        if not paper.has_record:
            return plain
        values = self.identities.unique_values(record_values(paper), None)
        if values.get("citekey"):
            values["citekey"] = citekey_for(self.identities, values["citekey"], None, self.warnings)
            self.identities.citekeys[values["citekey"].casefold()] = -1  # held for it
        return plain + _record_columns({**RECORD_DEFAULTS, **values})

    def _batch(self) -> int:
        """The batch this import's new papers belong to, made with the first of them."""
        if self.batch_id is None:
            self.batch_id = (
                self.db["batches"]
                .insert({"created": self.added_at, "kind": self.kind, "source": "", "papers": 0})
                .last_pk
            )
        return self.batch_id

    def finish(self) -> None:
        """Say in the batch what it brought (called inside the import's transaction)."""
        if self.batch_id is not None:
            names = list(self.source_names)
            source = ", ".join(names[:3]) + (
                f" and {len(names) - 3} more" if len(names) > 3 else ""
            )
            self.db.execute(
                "UPDATE batches SET papers = ?, source = ? WHERE id = ?",
                [self.added, source, self.batch_id],
            )

    def _merge_pending(self, row: Row, paper: ParsedPaper) -> dict[str, Any]:
        """The same work twice in one step: the first row takes what the second knows more."""
        if isinstance(row, tuple):
            row = dict(
                zip(LISTING_COLUMNS if len(row) == _PLAIN else ALL_COLUMNS, row, strict=True)
            )
        if paper.abstract and not row["abstract"]:
            row["abstract"] = paper.abstract
        for column, value in RECORD_DEFAULTS.items():
            row.setdefault(column, value)
        incoming = self.identities.unique_values(record_values(paper), None)
        for column, value in incoming.items():
            if column != "citekey" and is_empty(column, row[column]):
                row[column] = value
        return row

    def _insert(self, rows: list[Row], first_new_id: int) -> dict[str, int]:
        """The hot path of every import: one prepared statement for all the rows, straight
        on the connection (sqlite-utils' per-value work cost a second per 100,000 papers).
        Returns the new papers' ids by key."""
        if all(type(row) is tuple and len(row) == _PLAIN for row in rows):
            columns: tuple[str, ...] = LISTING_COLUMNS
            values: list[Any] = rows
        else:
            columns = ALL_COLUMNS
            values = [
                _by_column(row)
                if type(row) is dict
                else row + RECORD_DEFAULT_VALUES
                if len(row) == _PLAIN
                else row
                for row in rows
            ]
        marks = ", ".join("?" * len(columns))
        self.db.conn.executemany(
            f"INSERT INTO papers ({', '.join(columns)}) VALUES ({marks})", values
        )
        added = self.db.execute(
            "SELECT id, key, arxiv, doi, citekey FROM papers WHERE id >= ?", [first_new_id]
        ).fetchall()
        self.identities.added(added)
        indexing.index_from(self.db, first_new_id)
        self.added += len(rows)
        return {key: paper_id for paper_id, key, _, _, _ in added}

    def _update(self, paper_id: int, paper: ParsedPaper) -> None:
        changed = False
        if paper.abstract:
            changed = self._fill_abstract(paper_id, paper.abstract)
        if paper.has_record:
            changed = bool(enrich(self.db, self.identities, paper_id, paper, self.warnings)) or (
                changed
            )
        if changed:
            self.enriched.add(paper_id)

    def _fill_abstract(self, paper_id: int, abstract: str) -> bool:
        """A paper first seen without its abstract gets one when a later listing has it."""
        row = self.db.execute("SELECT abstract FROM papers WHERE id = ?", [paper_id]).fetchone()
        if row is None or row[0]:
            return False
        self.library.ingest.set_abstract(paper_id, row[0], abstract)
        return True

    def _attach(self, papers: list[ParsedPaper], ids: list[int]) -> None:
        """Sources, links, keyword tags and files of every paper of the step."""
        sources: set[tuple[int, int]] = set()
        links: dict[tuple[int, str], tuple[int, str, str, int]] = {}
        tags: set[tuple[int, int]] = set()
        where: tuple[str, str | None] | None = None
        file_id = 0
        for paper_id, paper in zip(ids, papers, strict=True):
            if where != (paper.source, paper.listed):  # papers come file by file
                where = (paper.source, paper.listed)
                file_id = self._file_id(paper.source, paper.listed or "")
            sources.add((paper_id, file_id))
            for position, link in enumerate(paper.links):
                links.setdefault((paper_id, link.url), (paper_id, link.url, link.kind, position))
            for name in paper.tags:
                tag_id = self._tag_id(name)
                if tag_id is not None:
                    tags.add((paper_id, tag_id))
            if paper.files:
                attach_found_files(self.db, paper_id, paper.files, self.warnings, paper.source)
        conn = self.db.conn
        conn.executemany(
            "INSERT OR IGNORE INTO sources (paper_id, file_id) VALUES (?, ?)", sorted(sources)
        )
        if links:
            conn.executemany(
                "INSERT OR IGNORE INTO links (paper_id, url, kind, position) VALUES (?, ?, ?, ?)",
                list(links.values()),
            )
        if tags:
            conn.executemany(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)", sorted(tags)
            )

    def _tag_id(self, name: str) -> int | None:
        """A keyword's tag, looked up once per import (imports repeat a few keywords often)."""
        key = name.casefold()
        if key not in self.tag_ids:
            try:
                tags = self.library.tag_store
                self.tag_ids[key] = tags.tag_id(tags.spelled(clean_tag(name)), create=True)
            except ReaderError:
                self.tag_ids[key] = None
        return self.tag_ids[key]

    def _file_id(self, name: str, listed: str) -> int:
        file_id = self.files.get((name, listed))
        if file_id is None:
            self.db.execute(
                "INSERT OR IGNORE INTO files (name, listed, added) VALUES (?, ?, ?)",
                [name, listed, self.added_at],
            )
            file_id = self.db.execute(
                "SELECT id FROM files WHERE name = ? AND listed = ?", [name, listed]
            ).fetchone()[0]
            self.files[(name, listed)] = file_id
        return file_id

    def summary(self) -> ImportSummary:
        return ImportSummary(
            files=self.listings,
            parsed=self.parsed,
            added=self.added,
            duplicates=self.parsed - self.added,
            warnings=tuple(self.warnings),
        )
