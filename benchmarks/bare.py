"""The floor an import is held to: the same rows written by plain ``sqlite3``.

Run in its own process, as ``reader import`` is, and timed the same way (start to exit), so
the two figures compare on any machine: ``python -m benchmarks.bare KIND SCHEMA DB INPUT``.

It makes a fresh file with reader's page size, WAL and ``synchronous = NORMAL``, creates the
papers table, its indexes, the ``paper_text`` view, the two full-text indexes and their vocabulary
tables from the very SQL a new reader library holds (``reader_schema``), inserts the rows with
one ``executemany`` in one transaction, builds each full-text index once, copies the abstracts'
vocabulary into ``term_df`` as reader does, commits and closes (which checkpoints the WAL into
the file, as the end of ``reader import`` does).

Parsing is included, as it is in ``reader import``: the files are read and parsed here, with
the least a correct reader of these generated files must do (listings: split on blank lines;
the snapshot: ``json.loads`` of each line and the fields picked out, spaces folded), no
cleaning, no LaTeX, no links, no identity checks, in this one process. The rows are the ones
reader stores: the paper key (``reader.keys.paper_key``), title, abstract, listing date, time
added, triage and batch, and for the snapshot the record columns (authors as JSON pairs, year
and month of the first version, journal reference, entry type, arXiv id, DOI, categories).
Prints one JSON line: the time of each step and the peak memory.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from reader.models import RECORD_FIELDS

PAGE_SIZE = 16_384  # reader.store.opening.PAGE_SIZE, checked against the schema's file
FTS_TABLES = ("titles_fts", "abstracts_fts")
VOCAB_TABLES = ("titles_vocab", "abstracts_vocab")
OWN_TABLES = ("papers", "term_df", "stats")
LISTING_COLUMNS = ("key", "title", "abstract", "listed", "added", "triage", "batch_id")
RECORD_COLUMNS = RECORD_FIELDS  # the papers table's record columns, in order
_DATE = re.compile(r"^[A-Z][a-z]{2} [0-9]{1,2}$")
_CREATED = re.compile(r"([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
ADDED = "2024-06-01T12:00:00Z"


def reader_schema() -> dict[str, Any]:
    """The SQL of a new reader library's papers table, its indexes, the view and the full-text
    tables, in an order that creates them; and its page size."""
    from reader.store import Library

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "schema.db"
        Library(path).close()
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            ).fetchall()
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        finally:
            conn.close()
    by_name = {name: sql for _, name, _, sql in rows}
    ordered = [by_name[name] for name in OWN_TABLES]
    ordered += [sql for kind, _, table, sql in rows if kind == "index" and table == "papers"]
    ordered += [by_name["paper_text"]]
    ordered += [by_name[name] for name in FTS_TABLES + VOCAB_TABLES]
    return {"page_size": page_size, "statements": ordered}


# -- parsing -----------------------------------------------------------------------------------


def listing_rows(paths: list[Path]) -> Iterator[tuple[Any, ...]]:
    from reader.keys import paper_key

    for path in paths:
        blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n")]
        start = next(i for i, block in enumerate(blocks) if _DATE.match(block))
        listed = blocks[start]
        body = [block for block in blocks[start + 1 :] if block]
        for title, abstract in zip(body[::2], body[1::2], strict=False):
            yield (paper_key(title), title, abstract, listed, ADDED, "new", 1)


def snapshot_rows(paths: list[Path]) -> Iterator[tuple[Any, ...]]:
    from reader.keys import paper_key

    for path in paths:
        with open(path, "rb") as stream:
            for line in stream:
                record = json.loads(line)
                title = " ".join(record["title"].split())
                journal = " ".join((record.get("journal-ref") or "").split())
                authors = json.dumps(
                    [[person[0], person[1]] for person in record["authors_parsed"]],
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                year = month = None
                found = _CREATED.search(record["versions"][0]["created"])
                if found:
                    year, month = int(found.group(3)), _MONTHS.get(found.group(2).lower())
                doi = record.get("doi")
                yield (
                    paper_key(title),
                    title,
                    " ".join(record["abstract"].split()),
                    None,
                    ADDED,
                    "new",
                    1,
                    authors,
                    year,
                    month,
                    journal,
                    "",
                    "article" if journal else "misc",
                    None,
                    record["id"],
                    doi.split()[0].lower() if doi else None,
                    None,
                    record["categories"],
                )


# -- writing -----------------------------------------------------------------------------------


def peak_memory_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def write(kind: str, schema: dict[str, Any], db: Path, paths: list[Path]) -> dict[str, Any]:
    steps: dict[str, float] = {}
    started = last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        steps[name] = now - last
        last = now

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"PRAGMA page_size = {int(schema['page_size'])}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    for statement in schema["statements"]:
        conn.execute(statement)
    step("schema")
    if kind == "listing":
        columns, rows = LISTING_COLUMNS, listing_rows(paths)
    else:
        columns, rows = LISTING_COLUMNS + RECORD_COLUMNS, snapshot_rows(paths)
    marks = ", ".join("?" * len(columns))
    conn.executemany(f"INSERT INTO papers ({', '.join(columns)}) VALUES ({marks})", rows)
    step("parse_and_insert")
    conn.execute(
        "INSERT INTO titles_fts (rowid, title, authors) SELECT id, title, authors FROM paper_text"
    )
    step("titles_fts")
    conn.execute("INSERT INTO abstracts_fts (rowid, abstract) SELECT id, abstract FROM papers")
    step("abstracts_fts")
    conn.execute("INSERT INTO term_df (term, docs) SELECT term, doc FROM abstracts_vocab")
    step("term_df")
    conn.execute("COMMIT")
    step("commit")
    papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    conn.close()
    step("close")
    return {
        "papers": papers,
        "seconds": time.perf_counter() - started,
        "steps": steps,
        "peak_mb": peak_memory_mb(),
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 4 or args[0] not in ("listing", "snapshot"):
        raise SystemExit("usage: python -m benchmarks.bare listing|snapshot SCHEMA DB INPUT...")
    kind, schema_file, db = args[0], Path(args[1]), Path(args[2])
    paths: list[Path] = []
    for name in args[3:]:
        given = Path(name)
        paths += sorted(given.glob("*.txt")) if given.is_dir() else [given]
    schema = json.loads(schema_file.read_text())
    print(json.dumps(write(kind, schema, db, paths)), flush=True)


if __name__ == "__main__":
    main()
