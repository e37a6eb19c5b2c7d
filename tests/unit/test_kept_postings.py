"""Large abstract matches kept between sessions: used only while the abstracts index is the
same, whoever changed it; never waited for; a damaged cache is set aside, never believed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.store import Library, kept_postings

PAPERS = [(f"Paper {n} on graphs", f"A model of graphs number {n}.") for n in range(30)] + [
    ("Sparse kernels", "Attention without a single word in common."),
]


@pytest.fixture
def cache(kept_cache: Path) -> Path:
    return kept_cache  # every match kept (see tests/conftest.py)


@pytest.fixture
def path(tmp_path: Path, cache: Path, blank_listing: Callable[..., str]) -> Path:
    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.import_listings([parse_listing(blank_listing(PAPERS), "graphs.txt")])
    return db


def reader(db: Path, cache: Path, *args: str) -> None:
    """The ``reader`` command in a process of its own, as another program would run it."""
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, kept_postings.CACHE_ENV: str(cache)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def index_reads(library: Library) -> list[tuple[str, str]]:
    """Records every read of the titles' and abstracts' indexes the library's search makes."""
    index = library.search_index
    reads: list[tuple[str, str]] = []
    bitmap = index._bitmap

    def counted(sql: str, params: list) -> object:  # type: ignore[type-arg]
        for table in ("titles_fts", "abstracts_fts"):
            if f"FROM {table} WHERE" in sql:
                reads.append((table, params[0]))
        return bitmap(sql, params)

    index._bitmap = counted  # type: ignore[method-assign]
    return reads


@pytest.fixture
def sessions(path: Path) -> Iterator[list[Library]]:
    opened: list[Library] = []
    yield opened
    for library in opened:
        library.close()


def session(path: Path, opened: list[Library]) -> tuple[Library, list[tuple[str, str]]]:
    library = Library(path)
    opened.append(library)
    return library, index_reads(library)


def fresh(path: Path, query: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The answer worked out from the index alone (an empty cache folder of its own)."""
    monkeypatch.setenv(kept_postings.CACHE_ENV, str(tmp_path / f"fresh-{time.monotonic_ns()}"))
    with Library(path) as library:
        return list(library.search(query).ids)


def test_the_next_session_answers_from_the_kept_match(path: Path, sessions: list) -> None:
    first, reads = session(path, sessions)
    found = list(first.search("model").ids)
    in_titles = list(first.search("graphs").ids)
    assert len(found) == len(in_titles) == 30 and reads
    second, reads = session(path, sessions)
    assert list(second.search("graphs").ids) == in_titles
    assert not [read for read in reads if read[0] == "titles_fts"]  # kept
    assert list(second.search("model").ids) == found
    assert list(second.search("mod").ids) == list(first.search("mod").ids)
    # The abstracts holding "model" came from the cache ("mod" was new to it); no title holds
    # it, and so small a match is not kept.
    assert [read for read in reads if read[0] == "abstracts_fts"] == [("abstracts_fts", '"mod"*')]
    assert ("titles_fts", '"model"*') in reads


@pytest.mark.parametrize(
    "change",
    [
        ("import", "new.txt"),
        ("edit", "1", "--abstract", "Nothing of the sort here."),
        ("remove", "2"),
        ("remove", "1", "2", "3"),
    ],
)
def test_a_change_by_another_process_leaves_kept_matches_unused(
    path: Path,
    cache: Path,
    sessions: list,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: tuple[str, ...],
    blank_listing: Callable[..., str],
) -> None:
    first, _ = session(path, sessions)
    before = list(first.search("model").ids)
    first.close()
    if change[0] == "import":
        listing = tmp_path / "new.txt"
        listing.write_text(blank_listing([("A new paper", "Yet another model.")]))
        change = ("import", str(listing))
    reader(path, cache, *change, *(["--yes"] if change[0] == "remove" else []))
    second, reads = session(path, sessions)
    after = list(second.search("model").ids)
    assert reads  # worked out again
    assert after != before
    assert after == fresh(path, "model", tmp_path, monkeypatch)


def test_a_damaged_cache_is_set_aside_and_never_believed(
    path: Path, cache: Path, sessions: list
) -> None:
    first, _ = session(path, sessions)
    found = list(first.search("model").ids)
    first.close()
    kept = next((cache / "postings").glob("*.db"))
    kept.write_bytes(b"not a database at all" * 100)
    second, reads = session(path, sessions)
    assert list(second.search("model").ids) == found
    assert reads
    assert not kept.exists() or kept.read_bytes()[:6] == b"SQLite"
    # Bitmaps that are not bitmaps: set aside as well.
    third, _ = session(path, sessions)
    third.search("model")
    third.close()
    with sqlite3.connect(kept) as raw:
        raw.execute("UPDATE kept SET ids = x'00ff00ff'")
    fourth, reads = session(path, sessions)
    assert list(fourth.search("model").ids) == found
    assert reads


def test_a_cache_held_by_another_process_is_not_waited_for(
    path: Path, cache: Path, sessions: list
) -> None:
    first, _ = session(path, sessions)
    first.search("graphs")
    first.close()
    kept = next((cache / "postings").glob("*.db"))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('BEGIN EXCLUSIVE'); print('held', flush=True); time.sleep(60)",
            str(kept),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        second, _ = session(path, sessions)
        started = time.monotonic()
        assert len(second.search("model").ids) == 30
        assert len(second.search("graphs").ids) == 30
        assert time.monotonic() - started < 5  # SQLite's lock is not waited for
    finally:
        holder.kill()
        holder.wait()


def test_changes_not_yet_committed_are_never_kept(
    path: Path, sessions: list, blank_listing: Callable[..., str]
) -> None:
    first, _ = session(path, sessions)
    with pytest.raises(RuntimeError), first.transaction():
        first.import_listings([parse_listing(blank_listing([("X", "One more model.")]), "x")])
        assert len(first.search("model").ids) == 31  # sees its own change
        raise RuntimeError("rolled back")
    second, reads = session(path, sessions)
    assert len(second.search("model").ids) == 30


def test_an_index_without_the_expected_records_keeps_nothing(path: Path, sessions: list) -> None:
    first, _ = session(path, sessions)
    first.db.execute("CREATE TEMP VIEW titles_fts_data AS SELECT 1 AS id, 2 AS other")
    assert first.search_index.kept.state() is None
    assert len(first.search("model").ids) == 30


def test_a_library_too_small_to_keep_anything_makes_no_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_listing: Callable[..., str]
) -> None:
    monkeypatch.setenv(kept_postings.CACHE_ENV, str(tmp_path / "cache"))
    with Library(tmp_path / "small.db") as library:
        library.import_listings([parse_listing(blank_listing(PAPERS), "graphs.txt")])
        assert len(library.search("model").ids) == 30
    assert not (tmp_path / "cache" / kept_postings.FOLDER).exists()


def test_keeping_a_match_waits_for_no_disk_flush(path: Path, sessions: list) -> None:
    """The cache is a convenience: a commit that waited for the disk (2-3 ms each) would be
    paid by every large match of a first session. WAL keeps the file whole without it."""
    library, _ = session(path, sessions)
    library.search("model")
    cache = library.search_index.kept._cache
    assert cache is not None
    assert cache.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert cache.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
