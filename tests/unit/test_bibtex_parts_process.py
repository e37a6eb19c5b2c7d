"""A big BibTeX file parsed in a forked copy of the importing process, as `reader import` does
it: the library it makes is the one the file read whole makes, a failure is one line naming the
file, and a killed import (or a killed parsing process) leaves the library as it was."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from reader.importers import bibtex_fork, bibtex_parts, import_files
from reader.store import Library

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="BibTeX is parsed in a forked process on Linux"
)

_TOPICS = ["diffusion", "graphs", "robots", "retrieval", "agents"]


def _big_bib(path: Path, entries: int, *, seed: int = 3, tail: str = "") -> Path:
    """A reference manager's file of ``entries`` entries with abstracts (~1.3 KB each), with a
    macro used at its start and defined a quarter of the way in, and some entries twice."""
    rng = random.Random(seed)
    topics = [rng.choice(_TOPICS) for _ in range(entries)]
    blocks = []
    for number in range(entries):
        twin = number > 100 and number % 97 == 5  # the entry 100 before, under another key
        same = number - 100 if twin else number
        key = f"twin{number}" if twin else f"k{number}"
        topic = topics[same]
        venue = "conf" if number == 0 else "{Proceedings of " + topic.title() + "}"
        words = [*_TOPICS, "we", "study", "50\\%", "of"]
        abstract = " ".join(rng.choice(words) for _ in range(180)) if number % 7 else ""
        blocks.append(
            f'@inproceedings{{{key},\n  author = {{M{{\\"u}}ller, Anna and Ng, Bo}},\n'
            f"  title = {{On {topic.title()} number {same}}},\n"
            f"  booktitle = {venue},\n  year = {{{2018 + same % 6}}},\n"
            f"  eprint = {{{1801 + same % 12:04d}.{10000 + same:05d}}},\n"
            f"  archivePrefix = {{arXiv}},\n"
            f"  abstract = {{{abstract}}},\n  keywords = {{{topic}, survey}}\n}}\n"
        )
    blocks.insert(entries // 4, '@string{conf = "Conference"}\n')  # defined after its use
    text = "% made for a test\n\n" + "\n".join(blocks) + tail
    path.write_text(text, encoding="utf-8")
    return path


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(db), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        env={**os.environ, "READER_CACHE_DIR": str(db.parent / "cache")},
    )


_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _content(db: Path) -> Any:
    with Library(db) as library:
        return json.loads(_STAMP.sub("T", json.dumps(library.dump(), sort_keys=True)))


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(str(db))
    try:
        names = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    finally:
        conn.close()


def test_an_import_parsed_in_a_forked_process_makes_the_library_reading_it_whole_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib = _big_bib(tmp_path / "refs.bib", 3_000)
    assert bib.stat().st_size > bibtex_parts.MIN_CHARS  # read in parts
    done = _run(tmp_path / "forked.db", "import", str(bib))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3000 papers read from 1 file: 2970 added, 30 already")
    monkeypatch.setattr(bibtex_fork, "can_fork", lambda: False)
    monkeypatch.setattr(bibtex_parts, "MIN_CHARS", 10**12)  # read whole, in a thread
    with Library(tmp_path / "whole.db") as library:
        import_files(library, [bib])
    assert _content(tmp_path / "forked.db") == _content(tmp_path / "whole.db")


def test_a_refused_file_is_said_in_one_line_and_the_library_is_left_alone(
    tmp_path: Path,
) -> None:
    db = tmp_path / "lib.db"
    assert _run(db, "import", str(_big_bib(tmp_path / "seed.bib", 50))).returncode == 0
    before = _rows(db)
    bad = _big_bib(tmp_path / "refs.bib", 3_000, tail="\n@misc{notitle, year = 2020}\n")
    done = _run(db, "import", str(bad))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "reader: refs.bib: malformed BibTeX entries: notitle (pass --skip-bad to skip them)"
    ]
    assert _rows(db) == before


def test_a_parsing_process_that_dies_fails_the_import_naming_the_file(tmp_path: Path) -> None:
    """(Run in a process of its own: a test process has threads, and is not forked.)"""
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        from reader.importers import ParseOptions, bibtex_fork, parse_part
        from reader.importers.pipeline import parts
        from reader.models import ReaderError

        def dying(path):
            for number, part in enumerate(parts(path, ParseOptions(bibtex_parts=True), parse_part)):
                if number == 1:
                    os.kill(os.getpid(), signal.SIGKILL)
                yield part

        path = Path(sys.argv[1])
        received = 0
        try:
            for part in bibtex_fork.parse_in_fork([path], dying):
                received += 1
        except ReaderError as error:
            print(received, error)
        """
    )
    bib = _big_bib(tmp_path / "refs.bib", 3_000)
    done = subprocess.run(
        [sys.executable, "-c", script, str(bib)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout == f"1 {bib}: could not be read (the parsing process ended)\n", done.stderr


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with (task / "children").open() as stream:
            found += [int(child) for child in stream.read().split()]
    return found


def test_a_killed_import_leaves_the_library_as_it_was_and_its_parsing_process_ends(
    tmp_path: Path,
) -> None:
    db = tmp_path / "lib.db"
    assert _run(db, "import", str(_big_bib(tmp_path / "seed.bib", 50))).returncode == 0
    before = _rows(db)
    bib = _big_bib(tmp_path / "refs.bib", 6_000, seed=5)
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(db), "import", str(bib)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "READER_CACHE_DIR": str(tmp_path / "cache")},
    )
    wal = Path(f"{db}-wal")
    started = time.monotonic()
    children: list[int] = []
    try:
        while process.poll() is None and time.monotonic() - started < 60:
            children = children or _children(process.pid)
            if children and wal.exists() and wal.stat().st_size > 256 * 1024:
                break
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert children, "no parsing process was seen"
    assert _rows(db) == before
    deadline = time.monotonic() + 30
    while Path(f"/proc/{children[0]}").exists() and time.monotonic() < deadline:
        status = Path(f"/proc/{children[0]}/status").read_text()
        if "State:\tZ" in status:  # ended, waiting for init to reap it
            break
        time.sleep(0.05)
    assert (
        not Path(f"/proc/{children[0]}").exists()
        or "State:\tZ" in Path(f"/proc/{children[0]}/status").read_text()
    ), "the parsing process outlived its import"
