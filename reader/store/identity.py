"""Which stored paper a parsed one is, and what it may add to it.

The same work is one paper: the same arXiv id, or the same DOI, or the same normalised title.
A parsed paper that matches a stored one enriches it (empty fields filled, nothing a person set
by hand overwritten) instead of becoming a second paper.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader.incoming import ParsedPaper
from reader.store import clock, indexing
from reader.store.db import Database
from reader.store.fields import RECORD_COLUMNS, fillable, record_values

# Values looked up per query when a step's identities are fetched at once.
_LOOKUP_CHUNK = 900
_MISSING = object()


class Identities:
    """Which paper holds a key, an arXiv id or a DOI, and the citation keys taken.

    The library answers (its unique indexes), a step's worth at a time: ``prefetch`` looks up
    every value of the papers about to be written in a few queries, and only those are kept,
    so an import of millions of papers holds no map of them all. A value not fetched is looked
    up when asked for. Citation keys (BibTeX's, compared case-folded) are loaded once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.keys: dict[str, int | None] = {}
        self.arxiv: dict[str, int | None] = {}
        self.doi: dict[str, int | None] = {}
        self.citekeys: dict[str, int] = {
            citekey.casefold(): paper_id
            for citekey, paper_id in db.execute(
                "SELECT citekey, id FROM papers WHERE citekey IS NOT NULL"
            )
        }

    def prefetch(self, papers: Sequence[ParsedPaper], keys: Sequence[str]) -> None:
        """Look up every key, arXiv id and DOI of a step's papers; forget the step before."""
        for column, known, values in (
            ("key", self.keys, keys),
            ("arxiv", self.arxiv, [paper.arxiv for paper in papers if paper.arxiv]),
            ("doi", self.doi, [paper.doi for paper in papers if paper.doi]),
        ):
            known.clear()
            wanted = list(dict.fromkeys(values))
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                known.update(dict.fromkeys(chunk))
                marks = ",".join("?" * len(chunk))
                known.update(
                    self.db.execute(
                        f"SELECT {column}, id FROM papers WHERE {column} IN ({marks})", chunk
                    )
                )

    def _holder(self, column: str, known: dict[str, int | None], value: str) -> int | None:
        found = known.get(value, _MISSING)
        if found is _MISSING:
            row = self.db.execute(f"SELECT id FROM papers WHERE {column} = ?", [value]).fetchone()
            found = known[value] = row[0] if row else None
        return found  # type: ignore[return-value]

    def find(self, paper: ParsedPaper, key: str, below: int | None = None) -> int | None:
        """The stored paper this one is, by arXiv id, then DOI, then normalised title; with
        ``below``, only a paper whose id is lower (one the library had before an import)."""
        if paper.arxiv:
            found = self._holder("arxiv", self.arxiv, paper.arxiv)
            if found is not None and (below is None or found < below):
                return found
        if paper.doi:
            found = self._holder("doi", self.doi, paper.doi)
            if found is not None and (below is None or found < below):
                return found
        found = self._holder("key", self.keys, key)
        return found if found is None or below is None or found < below else None

    def holder(self, column: str, value: str) -> int | None:
        """The paper holding a key (``key``), an arXiv id (``arxiv``) or a DOI (``doi``)."""
        known = self.keys if column == "key" else self.arxiv if column == "arxiv" else self.doi
        return self._holder(column, known, value)

    def added(self, rows: Sequence[tuple[int, str, str | None, str | None, str | None]]) -> None:
        """New papers (id, key, arXiv id, DOI, citation key), just inserted."""
        for paper_id, key, arxiv, doi, citekey in rows:
            self.keys[key] = paper_id
            if arxiv:
                self.arxiv[arxiv] = paper_id
            if doi:
                self.doi[doi] = paper_id
            if citekey:
                self.citekeys[citekey.casefold()] = paper_id

    def register(self, paper_id: int, key: str | None, values: dict[str, Any]) -> None:
        """A paper now holds these values (it was added, or filled): later lookups see it."""
        for column, known, value in (
            ("key", self.keys, key),
            ("arxiv", self.arxiv, values.get("arxiv")),
            ("doi", self.doi, values.get("doi")),
        ):
            if value and self._holder(column, known, value) is None:
                known[value] = paper_id
        if values.get("citekey"):
            self.citekeys.setdefault(values["citekey"].casefold(), paper_id)

    def free_citekey(self, wanted: str, paper_id: int | None = None) -> str:
        """``wanted``, or ``wanted-2``, ``wanted-3``... when another paper holds it."""
        candidate, number = wanted, 1
        while self.citekeys.get(candidate.casefold(), paper_id) != paper_id:
            number += 1
            candidate = f"{wanted}-{number}"
        return candidate

    def unique_values(self, values: dict[str, Any], paper_id: int | None) -> dict[str, Any]:
        """Drop identifiers another paper holds already (they are unique in the library); the
        values themselves when none is (a copy when one is dropped)."""
        kept = values
        for column, known in (("arxiv", self.arxiv), ("doi", self.doi)):
            value = kept.get(column)
            if value:
                holder = self._holder(column, known, value)
                if holder is not None and holder != paper_id:
                    kept = dict(kept)
                    del kept[column]
        return kept


def enrich(
    db: Database,
    identities: Identities,
    paper_id: int,
    paper: ParsedPaper,
    warnings: list[str],
    *,
    keep_citekey: bool = False,
) -> list[str]:
    """Fill a stored paper's empty fields from a parsed one; returns the columns filled.

    ``keep_citekey``: a paper without a citation key does not take the parsed one's (as a
    paper met twice in one step of an import does not, ``reader.store.writer``)."""
    row = db.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)}, edited, title, abstract FROM papers WHERE id = ?",
        [paper_id],
    ).fetchone()
    current = dict(zip((*RECORD_COLUMNS, "edited", "title", "abstract"), row, strict=True))
    incoming = identities.unique_values(record_values(paper), paper_id)
    changes = fillable(current, incoming, current["edited"].split())
    if keep_citekey:
        changes.pop("citekey", None)
    if "citekey" in changes:
        changes["citekey"] = citekey_for(identities, changes["citekey"], paper_id, warnings)
    if not changes:
        return []
    touches_index = "authors" in changes
    before = indexing.indexed_text(db, [paper_id]) if touches_index else []
    assignments = ", ".join(f"{column} = ?" for column in changes)
    db.execute(f"UPDATE papers SET {assignments} WHERE id = ?", [*changes.values(), paper_id])
    if touches_index:
        indexing.unindex(db, before)
        indexing.index(db, [paper_id])
    identities.register(paper_id, None, changes)
    return list(changes)


def citekey_for(
    identities: Identities, wanted: str, paper_id: int | None, warnings: list[str]
) -> str:
    citekey = identities.free_citekey(wanted, paper_id)
    if citekey != wanted:
        warnings.append(f"citation key {wanted} is taken: the paper is {citekey}")
    return citekey


def attach_found_files(
    db: Database, paper_id: int, paths: tuple[str, ...], warnings: list[str], source: str
) -> None:
    """Files named by an imported record (BibTeX ``file``) are attached where they exist."""
    for name in paths:
        path = Path(name).expanduser()
        if not path.is_file():
            warnings.append(f"{source}: attached file not found, left out: {name}")
            continue
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        db.execute(
            "INSERT OR IGNORE INTO attachments (paper_id, path, sha256, added) VALUES (?, ?, ?, ?)",
            [paper_id, str(path.resolve()), digest.hexdigest(), clock.now()],
        )
