"""Which stored paper a parsed one is, and what it may add to it.

The same work is one paper: the same arXiv id, or the same DOI, or the same normalised title.
A parsed paper that matches a stored one enriches it (empty fields filled, nothing a person set
by hand overwritten) instead of becoming a second paper.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from reader.models import ParsedPaper
from reader.store import clock, indexing
from reader.store.db import Database
from reader.store.fields import RECORD_COLUMNS, fillable, record_values


class Identities:
    """The library's identity maps (key, arXiv id, DOI to paper id) and the citation keys
    taken, loaded once per import and kept up to date as papers are added."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.keys: dict[str, int] = dict(db.execute("SELECT key, id FROM papers"))
        self.arxiv: dict[str, int] = dict(
            db.execute("SELECT arxiv, id FROM papers WHERE arxiv IS NOT NULL")
        )
        self.doi: dict[str, int] = dict(
            db.execute("SELECT doi, id FROM papers WHERE doi IS NOT NULL")
        )
        self.citekeys: dict[str, int] = {
            citekey.casefold(): paper_id
            for citekey, paper_id in db.execute(
                "SELECT citekey, id FROM papers WHERE citekey IS NOT NULL"
            )
        }

    def find(self, paper: ParsedPaper, key: str) -> int | None:
        """The stored paper this one is, by arXiv id, then DOI, then normalised title."""
        if paper.arxiv and paper.arxiv in self.arxiv:
            return self.arxiv[paper.arxiv]
        if paper.doi and paper.doi in self.doi:
            return self.doi[paper.doi]
        return self.keys.get(key)

    def register(self, paper_id: int, key: str | None, values: dict[str, Any]) -> None:
        if key:
            self.keys.setdefault(key, paper_id)
        if values.get("arxiv"):
            self.arxiv.setdefault(values["arxiv"], paper_id)
        if values.get("doi"):
            self.doi.setdefault(values["doi"], paper_id)
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
        """Drop identifiers another paper holds already (they are unique in the library)."""
        kept = dict(values)
        for column, taken in (("arxiv", self.arxiv), ("doi", self.doi)):
            if kept.get(column) and taken.get(kept[column], paper_id) != paper_id:
                del kept[column]
        return kept


def enrich(
    db: Database, identities: Identities, paper_id: int, paper: ParsedPaper, warnings: list[str]
) -> list[str]:
    """Fill a stored paper's empty fields from a parsed one; returns the columns filled."""
    row = db.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)}, edited, title, abstract FROM papers WHERE id = ?",
        [paper_id],
    ).fetchone()
    current = dict(zip((*RECORD_COLUMNS, "edited", "title", "abstract"), row, strict=True))
    incoming = identities.unique_values(record_values(paper), paper_id)
    changes = fillable(current, incoming, current["edited"].split())
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
