"""Matches kept between sessions, attacked: every search is compared with the answer worked out
from the library alone (an empty cache folder of its own). Changes come from real ``reader``
processes, other files put at the library's path, sqlite3 run on the library directly,
processes killed while they write the cache, and caches that are not what they should be."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.store import Library, kept_postings

from .support import listing_text

PAPERS = [(f"Paper {n} on graphs", f"A model of graphs number {n}.") for n in range(30)]
# The same shape word for word: its indexes' records of their segments are those of PAPERS.
LOOKALIKE = [(f"Paper {n} on trees", f"A model of trees number {n}.") for n in range(30)]
WORDS = ("model", "graphs", "mod", "gra", "paper", "trees", "kernels", "number")
KEEP_ALL = "from reader.store import kept_postings, search\nkept_postings.KEPT_FROM = 1\n"
KEEP_ALL += "search.KEPT_FROM = 1\n"
# A process that searches with every match kept, rounds after rounds, and once more when told
# to on its input; it prints what it found then.
SEARCHER = KEEP_ALL + (
    "import json, sys\nfrom reader.store import Library\n"
    "with Library(sys.argv[1]) as library:\n"
    "    for _ in range(int(sys.argv[2])):\n"
    "        found = {w: list(library.search(w).ids) for w in sys.argv[3:]}\n"
    "    sys.stdin.readline()\n"
    "    found = {w: list(library.search(w).ids) for w in sys.argv[3:]}\n"
    "print(json.dumps(found), flush=True)\n"
)


@pytest.fixture
def cache(kept_cache: Path) -> Path:
    return kept_cache  # every match kept (see tests/conftest.py)


def build(path: Path, papers: list[tuple[str, str]]) -> Path:
    with Library(path) as library:
        library.import_listings([parse_listing(listing_text(papers), "graphs.txt")])
    return path


@pytest.fixture
def lib(tmp_path: Path, cache: Path) -> Path:
    return build(tmp_path / "lib.db", PAPERS)


def kept_file(lib: Path) -> Path:
    with Library(lib) as library:
        return library.search_index.kept.path


def searched(lib: Path, words: tuple[str, ...] = WORDS) -> dict[str, list[int]]:
    """One session's answers, with this test's cache."""
    with Library(lib) as library:
        return {word: list(library.search(word).ids) for word in words}


def fresh(lib: Path, words: tuple[str, ...] = WORDS) -> dict[str, list[int]]:
    """The answers worked out from the library alone."""
    folder = lib.parent / f"fresh-{time.monotonic_ns()}"
    before = os.environ[kept_postings.CACHE_ENV]
    os.environ[kept_postings.CACHE_ENV] = str(folder)
    try:
        return searched(lib, words)
    finally:
        os.environ[kept_postings.CACHE_ENV] = before
        shutil.rmtree(folder, ignore_errors=True)


def assert_right(lib: Path, words: tuple[str, ...] = WORDS) -> dict[str, list[int]]:
    """Searched twice (the second session reads what the first kept): both as worked out."""
    expected = fresh(lib, words)
    assert searched(lib, words) == expected
    assert searched(lib, words) == expected
    return expected


def reader(lib: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(lib), *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def searcher(lib: Path, rounds: int, *words: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SEARCHER, str(lib), str(rounds), *words],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def answer(running: subprocess.Popen[str]) -> dict[str, list[int]]:
    out, err = running.communicate("go\n", timeout=120)
    assert running.returncode == 0, err
    return json.loads(out)


def kept_rows(lib: Path) -> int:
    with sqlite3.connect(kept_file(lib)) as raw:
        return sum(
            raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("matches", "kept")
        )


def test_every_change_by_another_process_is_seen(lib: Path, tmp_path: Path) -> None:
    first = assert_right(lib)
    assert kept_rows(lib) > 0 and len(first["model"]) == 30
    backup = tmp_path / "backup.json"
    reader(lib, "export", "--all", "-f", "json", "-o", str(backup))
    listing = tmp_path / "more.txt"
    listing.write_text(listing_text([("Sparse kernels", "A model of kernels.")]))
    bib = tmp_path / "more.bib"
    bib.write_text("@article{k1, title={Graphs of kernels}, abstract={Trees model}, year=2020}\n")
    changes: list[tuple[str, ...]] = [
        ("import", str(listing)),
        ("import", str(bib)),
        ("edit", "3", "--title", "Sparse trees"),
        ("edit", "4", "--abstract", "Nothing of the sort here."),
        ("note", "5", "Kernels and trees, with numbers."),
        ("undo",),
        ("redo",),
        ("remove", "6", "7", "--yes"),
        ("merge", "8", "9"),
        ("undo",),
        ("undo",),
        ("redo",),
        ("remove", "--query", "kernels", "--yes"),
        ("import", str(backup)),
    ]
    seen = [first]
    for change in changes:
        reader(lib, *change)
        seen.append(assert_right(lib))
    # Every change showed: no two answers in a row alike.
    assert all(before != after for before, after in zip(seen, seen[1:], strict=False))
    assert 5 in seen[5]["kernels"] and 5 not in seen[6]["kernels"]  # the note, then its undo


def test_a_backup_put_back_and_edited_apart_is_not_taken_for_the_library(
    lib: Path, tmp_path: Path
) -> None:
    shutil.copy(lib, tmp_path / "backup.db")
    reader(lib, "edit", "5", "--abstract", "Nothing of the sort.")
    assert 5 not in assert_right(lib)["model"]
    shutil.copy(tmp_path / "backup.db", lib)  # the backup restored: same records as before
    reader(lib, "edit", "7", "--abstract", "Nothing of the kind.")  # one segment alike
    found = searched(lib)
    assert found == fresh(lib)
    assert 5 in found["model"] and 7 not in found["model"]


@pytest.mark.parametrize("how", ["rename", "copy"])
def test_another_library_of_the_same_shape_at_the_path(lib: Path, tmp_path: Path, how: str) -> None:
    assert len(assert_right(lib)["graphs"]) == 30
    other = build(tmp_path / "other.db", LOOKALIKE)
    if how == "rename":
        os.replace(other, lib)
    else:
        shutil.copyfile(other, lib)
    found = assert_right(lib)
    assert found["graphs"] == [] and len(found["trees"]) == 30


def test_a_library_renamed_away_and_back_is_still_the_same(lib: Path, tmp_path: Path) -> None:
    expected = assert_right(lib)
    moved = tmp_path / "elsewhere.db"
    os.replace(lib, moved)
    assert searched(moved) == expected  # another path: another cache, worked out again
    os.replace(moved, lib)
    assert searched(lib) == expected


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO abstracts_fts (abstracts_fts) VALUES ('optimize')",
        "INSERT INTO titles_fts (titles_fts, rank) VALUES ('merge', 16)",
        "INSERT INTO abstracts_fts (abstracts_fts) VALUES ('rebuild')",
        "VACUUM",
    ],
)
def test_index_upkeep_by_sqlite3_changes_no_answer(lib: Path, sql: str) -> None:
    for n in range(3):  # several segments, for optimize and merge to fold together
        reader(lib, "edit", str(n + 1), "--abstract", f"Graphs model {n} again.")
    expected = assert_right(lib)
    with sqlite3.connect(lib) as raw:
        raw.execute(sql)
    assert assert_right(lib) == expected


def test_searches_inside_a_transaction_see_its_own_changes(lib: Path) -> None:
    assert_right(lib)  # "model" kept
    with Library(lib) as library:
        assert len(library.search("graphs").ids) == 30  # the indexes' version now known
        with pytest.raises(RuntimeError), library.transaction():
            library.import_listings([parse_listing(listing_text([("X", "One model.")]), "x")])
            assert len(library.search("model").ids) == 31
            raise RuntimeError("rolled back")
        assert len(library.search("model").ids) == 30
    assert_right(lib)


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE matches SET ids = 'not a bitmap'",
        "UPDATE matches SET ids = x''",
        "UPDATE matches SET ids = 12",
        "UPDATE matches SET ids = x'3a300000'",
        "UPDATE matches SET base = 1, ids = x'00'",
        "UPDATE matches SET base = 'text'",
        "UPDATE matches SET covered = 'text'",
        "UPDATE matches SET covered = 0",  # everything read again as appended: the same
        "DROP TABLE matches; CREATE TABLE matches (expression, base, covered, other)",
        "DROP TABLE matches; CREATE VIEW matches AS SELECT 1 AS expression",
        "DROP TABLE kept; CREATE VIEW kept AS SELECT 1 AS expression",
    ],
)
def test_damaged_rows_are_never_believed(lib: Path, damage: str) -> None:
    expected = assert_right(lib)
    with sqlite3.connect(kept_file(lib)) as raw:
        raw.executescript(damage)
    assert searched(lib) == expected
    assert searched(lib) == expected


@pytest.mark.parametrize("what", ["fifo", "folder", "dangling link", "garbage", "truncated"])
def test_a_cache_file_that_is_not_one(lib: Path, tmp_path: Path, what: str) -> None:
    expected = assert_right(lib)
    path = kept_file(lib)
    if what == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    else:
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if what == "fifo":
        os.mkfifo(path)
    elif what == "folder":
        path.mkdir()
    elif what == "dangling link":
        path.symlink_to(tmp_path / "nowhere" / "kept.db")
    elif what == "garbage":
        path.write_bytes(random.Random(3).randbytes(9000))
    # In processes of their own, so that a hang fails the test rather than stopping it.
    for _ in range(2):
        assert answer(searcher(lib, 1, *WORDS)) == expected


def test_a_cache_that_is_the_library_itself_is_never_written(lib: Path) -> None:
    assert_right(lib)
    path = kept_file(lib)
    path.unlink()
    path.symlink_to(lib)
    reader(lib, "edit", "2", "--title", "Changed")
    expected = fresh(lib)
    assert searched(lib) == expected
    with sqlite3.connect(lib) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    assert not {"kept", "matches"} & tables


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anyway")
def test_an_unwritable_cache_folder(
    lib: Path, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "blocked").write_text("a file where the folder would be")
    monkeypatch.setenv(kept_postings.CACHE_ENV, str(tmp_path / "blocked"))
    assert searched(lib) == fresh(lib)
    monkeypatch.setenv(kept_postings.CACHE_ENV, str(cache))
    expected = assert_right(lib)
    (cache / "postings").chmod(0o500)
    kept_file(lib).chmod(0o400)
    try:
        reader(lib, "edit", "1", "--abstract", "Nothing of the sort.")
        assert searched(lib) == fresh(lib) != expected
    finally:
        (cache / "postings").chmod(0o700)


def test_searchers_at_once_and_killed_while_writing(lib: Path) -> None:
    """Processes search and write the cache together while another edits; others are killed
    in the middle of the cache's transaction (just before it would commit) or at random."""
    stopped = KEEP_ALL + (
        "import sys, time\nfrom reader.store import Library\n"
        "from reader.store.kept_postings import KeptPostings\n"
        "opened = KeptPostings._open\n"
        "class Held:\n"
        "    def __init__(self, c): self.c = c\n"
        "    def execute(self, sql, *args):\n"
        "        done = self.c.execute(sql, *args)\n"
        "        if sql.startswith('DELETE FROM matches WHERE rowid'):\n"
        "            print('inside', flush=True); time.sleep(60)\n"
        "        return done\n"
        "    def __enter__(self): return self.c.__enter__()\n"
        "    def __exit__(self, *exc): return self.c.__exit__(*exc)\n"
        "    def close(self): self.c.close()\n"
        "KeptPostings._open = lambda self: (c := opened(self)) and Held(c)\n"
        "with Library(sys.argv[1]) as library: library.search(sys.argv[2])\n"
    )
    assert_right(lib)
    reader(lib, "edit", "2", "--abstract", "Kernels only.")  # the kept rows are of before
    held = subprocess.Popen(
        [sys.executable, "-c", stopped, str(lib), "model"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert held.stdout is not None and held.stdout.readline().strip() == "inside"
        # The cache is held: searches go on without it, and right.
        assert searched(lib) == fresh(lib)
    finally:
        held.kill()
        held.wait()
    rng = random.Random(7)
    for n in range(4):
        running = [searcher(lib, 40, *WORDS) for _ in range(2)]
        reader(lib, "edit", str(10 + n), "--abstract", f"Trees {n} and kernels.")
        time.sleep(rng.uniform(0.0, 0.4))
        running[0].kill()
        running[0].wait()
        assert answer(running[1]) == fresh(lib)
    with sqlite3.connect(kept_file(lib)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert_right(lib)
    assert kept_rows(lib) > 0
