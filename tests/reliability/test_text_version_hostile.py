"""The text version and base, attacked. A search session kept open (its memo of each word's
matches, its typo vocabulary, its bm25 orders) and the sessions after it (matches, orders and
newest heads kept in the cache folder) are compared, after every change, with the answer worked
out from the library alone: a new connection, a new search index, an empty cache folder.
Changes come from real ``reader`` processes (every command that changes titles, authors,
abstracts or notes, their undo and redo, imports of new papers), processes that fail or are
killed inside their write, a writer running while a session types, changes landing between the
reads of one search, copies of the library changed apart and put back at its path, a library
of an older schema, and sqlite3 run on the library directly.

Out of scope (marked so): a tool other than reader that changes the text without drawing the
text version and base, as ``TEXT_VERSION_SCHEMA`` and ``TEXT_BASE_SCHEMA`` ask. Known and not
fixed (marked so): a reader of before a schema step, left open while another process takes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.incoming import ParsedListing, ParsedPaper
from reader.store import Library, kept_postings, ranking
from reader.store.indexing import text_version
from reader.store.schema import MIGRATIONS

from .support import listing_text

PAPERS = [(f"Paper {n} on graphs", f"A model of graphs number {n}.") for n in range(24)]
# Papers with neither an abstract nor authors: later imports fill them in.
BARE = ("Sparse kernels for trees", "Dense hypergraph sampling", "Quiet lattices")
WORDS = (
    "model",
    "mod",
    "graphs",
    "gra",
    "paper",
    "kernels",
    "kern",
    "trees",
    "lattices",
    "hypergraph",
    "lovelace",
    "hopper",
    "quasicrystals",
    "model number",  # "model" whole, not as a prefix
    '"kernels"',
    '"lattices"',
    "graphs model",
    "grahps",  # typos: corrected from the titles' words
    "kernals",
    "quasicrystls",  # corrected only while a title has the word
)
Found = dict[str, list[int]]
SCORED = 6  # matches ranked by bm25 up to this many (see orders_kept_and_heads_shown)


@contextlib.contextmanager
def raw(path: Path, **options: object) -> Iterator[sqlite3.Connection]:
    """sqlite3 on a file, closed after (a connection left open would keep the library's
    write-ahead log, which a file put at its path would then be read with)."""
    connection = sqlite3.connect(path, **options)  # type: ignore[arg-type]
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def copy_library(source: Path, target: Path) -> None:
    """A consistent copy, as `reader` makes before a schema step (SQLite's backup)."""
    with raw(source) as library, raw(target) as copy:
        library.backup(copy)


def found_by(library: Library, words: tuple[str, ...] = WORDS) -> Found:
    return {word: list(library.search(word, typing=True).ids) for word in words}


def fresh(lib: Path, words: tuple[str, ...] = WORDS) -> Found:
    """The answers worked out from the library alone."""
    folder = lib.parent / f"fresh-{time.monotonic_ns()}"
    before = os.environ[kept_postings.CACHE_ENV]
    os.environ[kept_postings.CACHE_ENV] = str(folder)
    try:
        with Library(lib) as library:
            return found_by(library, words)
    finally:
        os.environ[kept_postings.CACHE_ENV] = before
        shutil.rmtree(folder, ignore_errors=True)


def later(lib: Path, words: tuple[str, ...] = WORDS) -> Found:
    """A later session's answers, with this test's cache folder."""
    with Library(lib) as library:
        return found_by(library, words)


def assert_right(live: Library, lib: Path, words: tuple[str, ...] = WORDS) -> Found:
    """The open session (which keeps what it works out) and a later one (which reads that),
    both as worked out from the library alone."""
    expected = fresh(lib, words)
    assert found_by(live, words) == expected
    assert later(lib, words) == expected
    return expected


def build(path: Path) -> Path:
    with Library(path) as library:
        library.import_listings([parse_listing(listing_text(PAPERS), "graphs.txt")])
        bare = tuple(ParsedPaper(title, "", None, "bare.bib") for title in BARE)
        library.import_listings([ParsedListing("bare.bib", None, bare)])
        library.add_note(2, "Kernels for a hypergraph.")
    return path


@pytest.fixture(autouse=True)
def orders_kept_and_heads_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bm25 orders of title matches are kept between sessions too, however short; and a
    match of more than a few papers is too large to rank, so that it shows each tier's
    newest titles (kept between sessions as matches are)."""
    monkeypatch.setattr(kept_postings, "ORDER_KEPT_FROM", 1)
    monkeypatch.setattr(ranking, "SCORED_MATCHES", SCORED)
    monkeypatch.setattr(ranking, "HEAD", SCORED - 2)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("text-version") / "lib.db")


@pytest.fixture
def lib(tmp_path: Path, template: Path, kept_cache: Path) -> Path:
    """A copy of the template with this test's own cache folder, where every match is kept."""
    path = tmp_path / "lib" / "lib.db"
    path.parent.mkdir()
    shutil.copy(template, path)
    with Library(path) as library:  # a text version of its own (the copies share one)
        library.edit(1, {"title": "Paper 0 on graphs, again"})
    return path


@pytest.fixture
def live(lib: Path) -> Iterator[Library]:
    """A session open all along, as the app's is while the person types."""
    with Library(lib) as library:
        found_by(library)
        yield library


# A process that runs ``reader`` commands one after another as it is told on its input (one
# JSON list of arguments, and what stdin holds, a line), each as ``reader`` would in a process
# of its own, answering with the exit code and stderr: ~0.3 s of start-up paid once.
COMMANDS = """
import io, json, sys
from reader.cli import main
requests, answers = sys.stdin, sys.stdout
for line in requests:
    args, text = json.loads(line)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(text), io.StringIO(), io.StringIO()
    try:
        main.main(args=args, prog_name="reader")
        code = 0
    except SystemExit as stop:
        code = stop.code or 0
    error = sys.stderr.getvalue()
    sys.stdin, sys.stdout, sys.stderr = requests, answers, sys.__stderr__
    print(json.dumps([code, error]), flush=True)
"""


class Commands:
    """``reader`` commands on the library, run by another process (one for all the tests)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", COMMANDS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lib = Path()

    def __call__(self, *args: str, stdin: str = "") -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([["--db", str(self.lib), *args], stdin]) + "\n")
        self.process.stdin.flush()
        code, error = json.loads(self.process.stdout.readline())
        assert code == 0, error


@pytest.fixture(scope="session")
def commands() -> Iterator[Commands]:
    running = Commands()
    yield running
    running.process.kill()
    running.process.wait()


@pytest.fixture
def reader(lib: Path, commands: Commands) -> Commands:
    """``reader`` commands on this test's library."""
    commands.lib = lib
    return commands


def note_ids(lib: Path, paper: int) -> list[int]:
    with Library(lib) as library:
        return [note.id for note in library.notes(paper)]


def test_every_command_that_changes_the_text(
    live: Library, lib: Path, tmp_path: Path, reader: Commands
) -> None:
    """Each command in a process of its own, the session open all along."""
    first = assert_right(live, lib)
    assert len(first["model"]) == 24 and 2 in first["kernels"]
    backup, other = tmp_path / "backup.json", tmp_path / "other.db"
    copy_library(lib, other)
    with Library(other) as library, library.write():  # what the library lacks
        library.ingest.set_abstract(27, "", "Lattices of kernels and trees.")
        library.add_note(27, "Quasicrystals, perhaps.")
        library.add_note(5, "Trees everywhere.")
    reader("--db", str(other), "export", "--all", "-f", "json", "-o", str(backup))
    files = {
        "listing.txt": listing_text([(BARE[0], "A model of kernels on trees.")]),
        "new.txt": listing_text([("Lattices of quasicrystals", "A hypergraph model.")]),
        "enrich.bib": f"@article{{k1, title={{{BARE[0]}}}, author={{Lovelace, Ada}}}}\n",
        "snapshot.jsonl": json.dumps(
            {
                "id": "2401.00001",
                "title": BARE[1],
                "abstract": "Sampling a hypergraph with a model.",
                "authors_parsed": [["Hopper", "Grace", ""]],
                "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}],
                "categories": "cs.LG",
            }
        )
        + "\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    toml = 'title = "Quasicrystals of trees"\nabstract = "No graphs at all."\n'
    steps: list[tuple[tuple[str, ...], str | None]] = [
        (("import", str(tmp_path / "new.txt")), None),  # a new paper
        (("import", str(tmp_path / "listing.txt")), None),  # fills an abstract
        (("import", str(tmp_path / "enrich.bib")), None),  # fills authors
        (("import", str(tmp_path / "snapshot.jsonl")), None),  # abstract and authors
        (("import", str(backup)), None),  # merged: an abstract and two notes
        (("edit", "12", "--title", "Kernels of lattices"), None),
        (("undo",), None),
        (("redo",), None),
        (("edit", "3", "--title", "Trees of lattices"), None),
        (("edit", "4", "--authors", "Lovelace, Ada"), None),
        (("edit", "6", "--abstract", "Kernels only."), None),
        (("edit", "7"), toml),
        (("undo",), None),
        (("undo",), None),
        (("redo",), None),
        (("note", "8", "Hypergraph lattices."), None),
        (("notes", "edit", "{note}", "Quasicrystals instead."), None),
        (("notes", "delete", "{note}"), None),
        (("undo",), None),
        (("remove", "2", "--yes"), None),  # and its note
        (("undo",), None),
        (("merge", "9", "2"), None),  # 2's note moves to 9
        (("undo",), None),
        (("merge", "10", "11"), None),
        (("undo",), None),
        (("redo",), None),
        (("tags", "rename", "none", "other"), None),
    ]
    seen = [first]
    for args, stdin in steps:
        if "{note}" in args:
            note = note_ids(lib, 8)[-1]
            args = tuple(str(note) if arg == "{note}" else arg for arg in args)
        if args[0] == "tags":
            with Library(lib) as other:
                other.tag(10, ["none"])
        reader(*args, stdin=stdin or "")
        seen.append(assert_right(live, lib))
    # Matches, bm25 orders and newest heads were kept (and read by the next sessions).
    with Library(lib) as library, raw(library.search_index.kept.path) as cache:
        kept = {row[0] for row in cache.execute("SELECT expression FROM kept")}
        kept |= {row[0] for row in cache.execute("SELECT expression FROM matches")}
    assert 'abstracts_fts:"mod"*' in kept and 'order titles_fts:("kernels")' in kept
    assert any(key.startswith("titles_fts newest") for key in kept)
    # Every change but the tag's showed in some answer.
    alike = [n for n, (one, two) in enumerate(zip(seen, seen[1:], strict=False)) if one == two]
    assert alike == [len(steps) - 1], alike


def test_imports_of_new_papers_one_after_another(
    live: Library, lib: Path, tmp_path: Path, reader: Commands
) -> None:
    """Matches kept before an import hold for the papers before it, and the papers appended
    since are read apart (their titles from a temporary index of the session's): with two
    imports, matches kept before the first or only before the second, asked in either order."""
    assert_right(live, lib)  # every match kept, covering the papers so far
    for title in ("Kernels of hypergraph lattices", "Trees of kernels"):
        listing = tmp_path / f"{title}.txt"
        listing.write_text(listing_text([(title, "A model of kernels.")]))
        reader("import", str(listing))
        expected = fresh(lib)
        for word in ("kernels", "kern", "model"):  # kept again, covering the new paper too
            assert found_by(live, (word,))[word] == expected[word]
    assert found_by(live, ("kernels", "lattices", "trees", "kern")) == fresh(
        lib, ("kernels", "lattices", "trees", "kern")
    )
    assert_right(live, lib)


# A process that changes the text inside its write and then fails, or waits to be killed.
STOPPED = """
import sys, time
from reader.store import Library
with Library(sys.argv[1]) as library, library.write():
    library.edit(3, {"title": "Quasicrystals of graphs"})
    library.add_note(4, "Quasicrystals.")
    library.remove([5])
    print("inside", flush=True)
    if sys.argv[2] == "fail":
        raise SystemExit(3)
    time.sleep(60)
"""


@pytest.mark.parametrize("how", ["fail", "kill"])
def test_a_writer_that_fails_or_is_killed_inside_its_write(
    live: Library, lib: Path, how: str
) -> None:
    before = assert_right(live, lib)
    version = text_version(live.db)
    writer = subprocess.Popen(
        [sys.executable, "-c", STOPPED, str(lib), how], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "inside"
        assert found_by(live) == before  # nothing of it is seen while it is under way
        if how == "kill":
            writer.kill()
    finally:
        assert writer.wait(timeout=60) != 0
    assert text_version(live.db) == version
    assert assert_right(live, lib) == before
    with Library(lib) as other:  # the lock is free again, and the next change is seen
        other.edit(3, {"title": "Quasicrystals of graphs"})
    assert 3 in assert_right(live, lib)["quasicrystals"]


# A process that changes the text over and over, each change its own transaction.
WRITER = """
import sys
from reader.store import Library
with Library(sys.argv[1]) as library:
    for n in range(int(sys.argv[2])):
        paper = 3 + n % 6
        if n % 3 == 0:
            library.edit(paper, {"title": f"Paper {n} on " + ("trees" if n % 2 else "graphs")})
        elif n % 3 == 1:
            library.add_note(paper, f"Kernels, lattices and a model {n}.")
        else:
            for note in library.notes(paper)[:1]:
                library.delete_note(note.id)
            library.edit(paper + 10, {"abstract": f"Hypergraph number {n}" if n % 2 else ""})
print("done", flush=True)
"""
# A process that searches, every match kept, until it is told to stop; then once more.
SEARCHER = """
import json, select, sys
from reader.store import Library, kept_postings, ranking, search
kept_postings.KEPT_FROM = search.KEPT_FROM = kept_postings.ORDER_KEPT_FROM = 1
ranking.SCORED_MATCHES, ranking.HEAD = int(sys.argv[2]), int(sys.argv[2]) - 2
words = sys.argv[3:]
with Library(sys.argv[1]) as library:
    while not select.select([sys.stdin], [], [], 0)[0]:
        for word in words:
            library.search(word, typing=True)
    sys.stdin.readline()
    found = {word: list(library.search(word, typing=True).ids) for word in words}
print(json.dumps(found), flush=True)
"""
# What a person types, a letter at a time.
TYPED = tuple(
    word[:end]
    for word in ("kernels", "lattices", "model", "trees", "hypergraph", "paper")
    for end in range(1, len(word) + 1)
)


def test_writers_while_a_session_types(live: Library, lib: Path) -> None:
    """The session types, and another process keeps matches, all the while one writes."""
    searcher = subprocess.Popen(
        [sys.executable, "-c", SEARCHER, str(lib), str(SCORED), *WORDS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(lib), "60"], stdout=subprocess.PIPE, text=True
    )
    try:
        while writer.poll() is None:
            for word in TYPED:
                live.search(word, typing=True)
        assert writer.returncode == 0
        out, _ = searcher.communicate("stop\n", timeout=60)
    finally:
        for process in (writer, searcher):
            process.kill()
            process.wait()
    expected = assert_right(live, lib, WORDS + TYPED)
    assert json.loads(out) == {word: expected[word] for word in WORDS}


def between(live: Library, where: str, change: Callable[[], object]) -> list[str]:
    """Make ``change`` land, once, at ``where`` in the session's next search (which works
    every word out again); says whether it did."""
    index = live.search_index
    index._word_cache.clear()
    index.abstract_words._terms.clear()
    index.titles._memo.clear()
    index.titles._matches.clear()
    index._index_version = None
    if where != "between a kept match and the papers appended since":
        with raw(index.kept.path) as cache:
            cache.execute("DELETE FROM matches")
    done: list[str] = []

    def once() -> None:
        if not done:
            done.append(where)
            change()

    if where in ("after the text version, before the index", "after the kept state"):
        bitmap = index._bitmap

        def first_read(sql: str, params: list) -> object:  # type: ignore[type-arg]
            once()
            return bitmap(sql, params)

        index._bitmap = first_read  # type: ignore[method-assign]
    elif where == "between a kept match and the papers appended since":
        bitmap, appended = index._bitmap, index.appended_titles.matching

        def since(sql: str, params: list) -> object:  # type: ignore[type-arg]
            if len(params) == 2 and params[1]:
                once()
            return bitmap(sql, params)

        def appended_since(expression: str, first: int) -> object:
            if first:
                once()
            return appended(expression, first)

        index._bitmap = since  # type: ignore[method-assign]
        index.appended_titles.matching = appended_since  # type: ignore[method-assign]
    elif where in ("between the stamp and the kept state", "before the check of a match kept"):
        state, calls = index.kept.state, []

        def late_state() -> object:
            calls.append(1)
            if len(calls) == (1 if where.startswith("between") else 2):
                once()
            return state()

        index.kept.state = late_state  # type: ignore[method-assign]
    else:  # between the check of a match kept and its writing
        write = index.kept._write

        def late_write(*args: object) -> None:
            once()
            write(*args)  # type: ignore[arg-type]

        index.kept._write = late_write  # type: ignore[method-assign]
    return done


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("after the text version, before the index", "abstract"),
        ("after the text version, before the index", "note"),
        ("after the kept state", "import"),
        ("between a kept match and the papers appended since", "abstract"),
        ("between a kept match and the papers appended since", "import"),
        ("between the stamp and the kept state", "abstract"),
        ("before the check of a match kept", "abstract"),
        ("between the check of a match kept and its writing", "abstract"),
    ],
)
def test_a_change_landing_between_the_reads_of_one_search(
    live: Library, lib: Path, tmp_path: Path, reader: Commands, where: str, change: str
) -> None:
    listing = tmp_path / "new.txt"
    listing.write_text(listing_text([("Kernels of graphs", "A model of kernels.")]))
    before = assert_right(live, lib)
    if "appended" in where:  # the kept matches cover the papers before this one
        reader("import", str(listing))
        listing.write_text(listing_text([("Kernels of trees", "A model of kernels.")]))
        before = fresh(lib)  # (from nothing kept: the kept matches stay as they were)
    args = {
        "abstract": ("edit", "6", "--abstract", "Kernels."),
        "note": ("note", "6", "Kernels."),
        "import": ("import", str(listing)),
    }[change]
    landed = between(live, where, lambda: reader(*args))
    live.search("model kernels", typing=True)
    assert landed == [where]
    after = assert_right(live, lib)
    assert after["kernels"] != before["kernels"]


def segments(path: Path) -> list[bytes]:
    """The indexes' records of their segments (what kept matches are filed under besides
    the text version)."""
    with raw(path) as library:
        return [
            library.execute(f"SELECT block FROM {table}_data WHERE id = 10").fetchone()[0]
            for table in kept_postings.INDEXES
        ]


def sessions_right(lib: Path, words: tuple[str, ...] = WORDS) -> Found:
    """Two sessions (the second reads what the first kept), as worked out from the library."""
    expected = fresh(lib, words)
    assert later(lib, words) == expected
    assert later(lib, words) == expected
    return expected


@pytest.mark.parametrize("how", ["edited", "imported"])
def test_copies_changed_apart_and_put_back_at_the_path(
    lib: Path, tmp_path: Path, reader: Commands, how: str
) -> None:
    """Copies of one library (the same text version and base, the same records of the
    indexes' segments) changed alike in shape but not in words, one left as it was, then put
    at the library's path in turn (as a backup is put back). Edited, each draws a new text
    base; imported into, each keeps it (a match kept at it holds for the papers before)."""
    sessions_right(lib)
    copies = {name: tmp_path / f"{name}.db" for name in ("kernels", "lattices", "untouched")}
    for name, copy in copies.items():
        copy_library(lib, copy)
        if name == "untouched":
            continue
        if how == "edited":
            reader("--db", str(copy), "edit", "6", "--abstract", f"{name.title()} of trees.")
            reader("--db", str(copy), "note", "7", f"{name.title()}.")
        else:
            listing = tmp_path / f"{name}.txt"
            listing.write_text(listing_text([(f"{name.title()} of trees", "A model.")]))
            reader("--db", str(copy), "import", str(listing))
    assert segments(copies["kernels"]) == segments(copies["lattices"])
    answers = {}
    for name in ("kernels", "lattices", "untouched", "kernels", "untouched", "lattices"):
        shutil.copy(copies[name], lib)
        answers[name] = sessions_right(lib)
    changed = {6, 7} if how == "edited" else {28}
    assert changed <= set(answers["kernels"]["kernels"]) - set(answers["lattices"]["kernels"])
    assert changed <= set(answers["lattices"]["lattices"]) - set(answers["kernels"]["lattices"])
    assert not changed & set(answers["untouched"]["kernels"] + answers["untouched"]["trees"])


def older_library(path: Path, papers: list[tuple[str, str]], steps: int = 3) -> Path:
    """A library as reader made it before the text version (schema steps 1 to 3), or
    before the text base (1 to 4)."""
    with raw(path) as library:
        for migration in MIGRATIONS[:steps]:
            library.executescript(migration.sql)
        library.execute(
            "CREATE TABLE schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)"
        )
        library.executemany(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')",
            [(m.version, m.name) for m in MIGRATIONS[:steps]],
        )
        library.executemany(
            "INSERT INTO papers (key, title, abstract, added) VALUES (?, ?, ?, '2026-01-01')",
            [(f"key-{n}", title, abstract) for n, (title, abstract) in enumerate(papers)],
        )
        library.execute("INSERT INTO titles_fts (rowid, title, authors) SELECT * FROM paper_text")
        library.execute(
            "INSERT INTO abstracts_fts (rowid, abstract) SELECT id, abstract FROM papers"
        )
        library.execute(
            "INSERT INTO annotations (paper_id, body, created, updated) "
            "VALUES (2, 'Kernels for a hypergraph.', '2026-01-01', '2026-01-01')"
        )
        library.execute(f"PRAGMA user_version = {steps}")
    return path


def test_a_library_of_an_older_schema_and_its_backup_put_back(
    tmp_path: Path, kept_cache: Path, commands: Commands
) -> None:
    lib = older_library(tmp_path / "old.db", PAPERS)
    commands.lib = lib
    before = sessions_right(lib)  # the first opening takes the schema step
    assert 2 in before["kernels"] and len(before["model"]) == 24
    backup = tmp_path / "old.db.v3.bak"
    assert backup.exists()
    commands("note", "3", "Kernels again.")
    commands("edit", "4", "--abstract", "Lattices.")
    changed = sessions_right(lib)
    assert 3 in changed["kernels"] and 4 not in changed["model"]
    shutil.copy(backup, lib)  # the copy made before the step, put back: taken again
    assert sessions_right(lib) == before
    commands("edit", "4", "--abstract", "Lattices.")
    assert 4 not in sessions_right(lib)["model"]


# A reader of before the text version (schema 3), or of before the text base (schema 4), that
# opened the library before another process took the schema steps (the app left open while
# reader was upgraded): as today's, but it takes no step and draws no version (schema 3), or
# the version but not the base (schema 4). The notes' triggers are the file's: they draw it.
OLDER_READER = """
import sys
from reader.models import ParsedListing, ParsedPaper
from reader.store import Library, indexing, opening
opening.migrate = lambda library, version: None
DRAWN = {"3": "", "4": "UPDATE stats SET value = random() WHERE name = 'text_version'"}
indexing._text_changed = lambda db, appended=False: DRAWN[sys.argv[2]] and db.execute(
    DRAWN[sys.argv[2]]
)
with Library(sys.argv[1]) as library:
    print(library.schema_version, flush=True)
    sys.stdin.readline()
    library.edit(3, {"title": "Quasicrystals of graphs"})
    library.edit(4, {"abstract": "Kernels."})
    new = ParsedPaper("Lattices of trees", "A hypergraph.", None, "x.txt")
    library.import_listings([ParsedListing("x.txt", None, (new,))])
    library.remove([5])
    print("done", flush=True)
"""


@pytest.mark.xfail(
    strict=True,
    reason="a reader of before a schema step, left open while another process takes it, "
    "changes the text drawing no text base (nor, before step 4, a text version): the open "
    "session's memo (schema 3) and the kept matches (both) go on with the text of before",
)
@pytest.mark.parametrize("schema", [3, 4])
def test_a_reader_of_before_the_schema_step_left_open(
    tmp_path: Path, kept_cache: Path, schema: int
) -> None:
    lib = older_library(tmp_path / "old.db", PAPERS, schema)
    older = subprocess.Popen(
        [sys.executable, "-c", OLDER_READER, str(lib), str(schema)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert older.stdout is not None and older.stdin is not None
        assert older.stdout.readline().strip() == str(schema)
        with Library(lib) as live:  # takes the schema steps
            assert text_version(live.db) is not None
            before = assert_right(live, lib)
            older.stdin.write("go\n")
            older.stdin.flush()
            assert older.stdout.readline().strip() == "done"
            found = found_by(live)
    finally:
        older.kill()
        older.wait()
    expected = fresh(lib)
    assert expected["quasicrystals"] == [3] and 4 in expected["kernels"] != before["kernels"]
    assert (found, later(lib)) == (expected, expected)


class GivenUp(Exception):
    pass


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM stats WHERE name = 'text_version'",
        "UPDATE stats SET value = 'text' WHERE name = 'text_version'",
        "UPDATE stats SET value = x'00' WHERE name = 'text_version'",
        "DELETE FROM stats WHERE name = 'text_base'",
        "UPDATE stats SET value = 'text' WHERE name = 'text_base'",
    ],
)
def test_the_version_taken_away_or_spoilt_by_sqlite3(
    live: Library, lib: Path, reader: Commands, sql: str
) -> None:
    assert_right(live, lib)
    with raw(lib) as library:
        library.execute(sql)
    assert_right(live, lib)
    reader("edit", "6", "--abstract", "Kernels.")
    reader("note", "7", "Lattices.")
    found = assert_right(live, lib)
    assert 6 in found["kernels"] and 7 in found["lattices"]
    # A search inside a write sees what the write changed so far, and after it is given up
    # what there was before it.
    assert 3 not in found["quasicrystals"]
    with pytest.raises(GivenUp), live.write():
        live.edit(3, {"title": "Quasicrystals"})
        assert 3 in live.search("quasicrystals", typing=True).ids
        live.add_note(8, "Hopper.")
        assert 8 in live.search("hopper", typing=True).ids
        raise GivenUp
    assert assert_right(live, lib) == found


def uncached(library: Library, words: tuple[str, ...]) -> Found:
    """What a search index with nothing memoised finds, on the same connection (inside its
    transaction, if one is open); nothing is kept from inside a transaction."""
    from reader.store.search import SearchIndex

    index = SearchIndex(library)
    try:
        return {word: list(index.search(word, typing=True).ids) for word in words}
    finally:
        index.close()


def test_searches_inside_a_write_and_its_savepoints(live: Library, lib: Path) -> None:
    """Each search inside the write (and inside a savepoint of it given up) is what a search
    with nothing memoised finds at that moment, and after the write what the library says."""
    words = (*WORDS, "", "p", "-kernels")  # no words at all; one letter; none but a negated one
    before = assert_right(live, lib)
    with pytest.raises(GivenUp), live.write():
        live.edit(3, {"title": "Quasicrystals of graphs"})
        assert found_by(live, words) == uncached(live, words)
        with pytest.raises(GivenUp), live.write():
            live.remove([4])
            live.add_note(5, "Kernels.")
            live.skip(6)
            inner = found_by(live, words)
            assert inner == uncached(live, words)
            assert 4 not in inner[""] and 6 not in inner[""] and 5 in inner["kernels"]
            new = ParsedPaper("Lattices of trees", "A hypergraph.", None, "x.txt")
            live.import_listings([ParsedListing("x.txt", None, (new,))])
            inner = found_by(live, words)
            assert inner == uncached(live, words) and 28 in inner["lattices"]
            with live.write():
                live.ingest.set_abstract(26, "", "Kernels of a hypergraph.")
            inner = found_by(live, words)
            assert inner == uncached(live, words) and 26 in inner["kernels"]
            raise GivenUp
        outer = found_by(live, words)
        assert outer == uncached(live, words)
        assert 4 in outer[""] and 6 in outer[""] and 5 not in outer["kernels"]
        raise GivenUp
    assert assert_right(live, lib) == before


# sqlite3 keeping the indexes in order (no answer changes), or editing a note (its triggers,
# in the file, draw the version).
UPKEEP = {
    "optimize": "INSERT INTO abstracts_fts (abstracts_fts) VALUES ('optimize')",
    "merge": "INSERT INTO titles_fts (titles_fts, rank) VALUES ('merge', 16)",
    "rebuild": "INSERT INTO abstracts_fts (abstracts_fts) VALUES ('rebuild')",
    "notes rebuilt": "INSERT INTO annotations_fts (annotations_fts) VALUES ('rebuild')",
    "vacuum": "VACUUM",
    "notes edited": "UPDATE annotations SET body = 'Lattices.' WHERE paper_id = 2",
}
# sqlite3 changing the text itself, the indexes kept in step by hand (external-content FTS5
# tables are: a 'rebuild', or the old text deleted from the index and the new one added).
BY_HAND = {
    "abstract, rebuild": [
        "UPDATE papers SET abstract = 'Kernels of graphs number 5.' WHERE id = 6",
        "INSERT INTO abstracts_fts (abstracts_fts) VALUES ('rebuild')",
    ],
    "abstract, index by hand": [
        "INSERT INTO abstracts_fts (abstracts_fts, rowid, abstract) "
        "SELECT 'delete', id, abstract FROM papers WHERE id = 6",
        "UPDATE papers SET abstract = 'Kernels of graphs number 5.' WHERE id = 6",
        "INSERT INTO abstracts_fts (rowid, abstract) SELECT id, abstract FROM papers WHERE id = 6",
    ],
    "new paper, index by hand": [
        "INSERT INTO papers (key, title, abstract, added) "
        "VALUES ('x', 'Kernels', 'Kernels.', '2026-01-01')",
        "INSERT INTO titles_fts (rowid, title, authors) "
        "SELECT id, title, authors FROM paper_text "
        "WHERE id = (SELECT id FROM papers WHERE key = 'x')",
    ],
}
# What a tool that changes the text is to do besides (TEXT_VERSION_SCHEMA, TEXT_BASE_SCHEMA).
DRAW = "UPDATE stats SET value = random() WHERE name IN ('text_version', 'text_base')"


@pytest.mark.parametrize("upkeep", UPKEEP, ids=str)
def test_index_upkeep_by_sqlite3_while_a_session_is_open(
    live: Library, lib: Path, upkeep: str
) -> None:
    for n in range(3):  # several segments, for optimize and merge to fold together
        with Library(lib) as other:
            other.edit(10 + n, {"abstract": f"Graphs model {n} again."})
    expected = assert_right(live, lib)
    with raw(lib, isolation_level=None) as library:
        library.execute(UPKEEP[upkeep])
    found = assert_right(live, lib)
    assert found == expected or upkeep == "notes edited"


def text_by_hand(lib: Path, change: str, *, draw: bool) -> None:
    with raw(lib, isolation_level=None) as library:
        library.execute("BEGIN")
        for sql in BY_HAND[change]:
            library.execute(sql)
        if draw:
            library.execute(DRAW)
        library.execute("COMMIT")


@pytest.mark.parametrize("change", BY_HAND, ids=str)
def test_sqlite3_changing_the_text_and_drawing_the_version(
    live: Library, lib: Path, change: str
) -> None:
    """A tool other than reader that changes the text and draws the text version and base:
    the open session and the kept matches follow."""
    before = assert_right(live, lib)
    text_by_hand(lib, change, draw=True)
    assert assert_right(live, lib)["kernels"] != before["kernels"]


@pytest.mark.xfail(
    strict=True,
    reason="out of scope: a tool that changes the text without drawing the text version and "
    "the text base",
)
@pytest.mark.parametrize("change", BY_HAND, ids=str)
def test_sqlite3_changing_the_text_without_drawing_the_version(
    live: Library, lib: Path, change: str
) -> None:
    assert_right(live, lib)
    text_by_hand(lib, change, draw=False)
    assert_right(live, lib)
