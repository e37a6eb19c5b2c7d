"""The bm25 order of title matches, memoised in a session and kept between sessions under the
text version: the same order as worked out afresh, never read again while the text holds, and
set aside when a title changes or the kept copy is damaged."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.store import Library, kept_postings

# Titles of different lengths and word counts, so that bm25 orders them in no id order.
PAPERS = [
    (
        " ".join(
            ["Graph"] * (1 + n % 3) + [f"filler{m}" for m in range(n % 7)] + [f"networks n{n}"]
        ),
        f"About graphs, number {n}.",
    )
    for n in range(40)
]
RANKED_READ = "ORDER BY rank"


@pytest.fixture
def path(
    tmp_path: Path,
    kept_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    blank_listing: Callable[..., str],
) -> Path:
    monkeypatch.setattr(kept_postings, "ORDER_KEPT_FROM", 1)
    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.import_listings([parse_listing(blank_listing(PAPERS), "graphs.txt")])
    return db


def ranked_reads(library: Library) -> list[str]:
    """Every bm25 ordering of the titles' index the library's search asks SQLite for."""
    reads: list[str] = []
    library.db.conn.set_trace_callback(
        lambda sql: reads.append(sql) if "titles_fts" in sql and RANKED_READ in sql else None
    )
    return reads


def fresh(path: Path, query: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The order worked out with nothing kept (a cache folder of its own, empty)."""
    monkeypatch.setenv(kept_postings.CACHE_ENV, str(tmp_path / "fresh"))
    with Library(path) as library:
        return list(library.search(query).ids)


def test_the_next_session_orders_titles_as_kept(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(path) as first:
        reads = ranked_reads(first)
        found = list(first.search("graph net").ids)
        assert reads and found != sorted(found)  # ranked, and not in id order
        reads.clear()
        assert list(first.search("graph net").ids) == found
        assert reads == []  # memoised in the session
    with Library(path) as second:
        reads = ranked_reads(second)
        assert list(second.search("graph net").ids) == found
        assert reads == []  # kept between sessions
    assert fresh(path, "graph net", tmp_path, monkeypatch) == found


def test_a_tag_keeps_the_order_and_a_title_change_sets_it_aside(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(path) as library:
        library.search("graph net")
        library.tag(3, ["later"])
        library.rate(4, 5)
        reads = ranked_reads(library)
        library.search("graph net")
        assert reads == []
        library.edit(40, {"title": "Graph networks"})  # the shortest title: first now
        found = list(library.search("graph net").ids)
        assert reads and found[0] == 40
    with Library(path) as library:
        assert list(library.search("graph net").ids) == found
    assert fresh(path, "graph net", tmp_path, monkeypatch) == found


@pytest.mark.parametrize("damage", [b"\x01\x02\x03", "not an order", 12, b""])
def test_a_damaged_kept_order_is_never_believed(
    path: Path,
    kept_cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: object,
) -> None:
    with Library(path) as library:
        found = list(library.search("graph net").ids)
    [cache_file] = (kept_cache / kept_postings.FOLDER).glob("*.db")
    with sqlite3.connect(cache_file) as cache:
        changed = cache.execute(
            "UPDATE kept SET ids = ? WHERE expression LIKE ?", [damage, kept_postings.ORDER + "%"]
        ).rowcount
    assert changed
    with Library(path) as library:
        assert list(library.search("graph net").ids) == found


def test_kept_ids_in_another_order_only_reorder_the_matches(path: Path, kept_cache: Path) -> None:
    """A kept order names ids: one that lists papers the query does not match (or lacks some)
    can never add a paper to the results or lose one."""
    with Library(path) as library:
        found = list(library.search("graph net").ids)
    [cache_file] = (kept_cache / kept_postings.FOLDER).glob("*.db")
    with sqlite3.connect(cache_file) as cache:
        cache.execute(
            "UPDATE kept SET ids = ? WHERE expression LIKE ?",
            [array("q", [999, 5, -1, 2**62]).tobytes(), kept_postings.ORDER + "%"],
        )
    with Library(path) as library:
        assert sorted(library.search("graph net").ids) == sorted(found)


def test_a_match_too_large_to_rank_shows_its_newest_titles_kept_too(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blank_listing: Callable
) -> None:
    """Past ``SCORED_MATCHES`` the tiers are each's newest titles (at most ``HEAD``), as worked
    out afresh, then the rest newest first. A full head is kept as a match is: after an import
    only the new papers are read for it."""
    from reader.store import ranking

    monkeypatch.setattr(ranking, "SCORED_MATCHES", 5)
    monkeypatch.setattr(ranking, "HEAD", 10)

    def session() -> tuple[list[int], list[tuple[str, int]]]:
        """The answer, and each head read with how many titles it found."""
        with Library(path) as library:
            reads: list[str] = []
            library.db.conn.set_trace_callback(
                lambda sql: reads.append(sql) if "BY rowid DESC" in sql else None
            )
            found = list(library.search("graph net").ids)
            library.db.conn.set_trace_callback(None)
            return found, [(sql, len(list(library.db.query(sql)))) for sql in reads]

    whole = '("graph") AND ("net"*)'  # the expression every title matches: a full head
    found, reads = session()
    assert sorted(found) == list(range(1, 41))  # the newest of each tier, no bm25
    assert [count for sql, count in reads if whole in sql] == [10]
    again, reads = session()
    assert again == found
    assert not [sql for sql, count in reads if whole in sql or count >= 10]  # kept
    with Library(path) as library:
        library.import_listings(
            [parse_listing(blank_listing([("Graph networks anew", "Graphs.")]), "new.txt")]
        )
    after, reads = session()
    assert after == fresh(path, "graph net", tmp_path, monkeypatch) and after[0] == 41
    heads = [sql for sql, _ in reads if whole in sql]
    assert heads and all("rowid >= 41" in sql for sql in heads), heads  # the new papers only
