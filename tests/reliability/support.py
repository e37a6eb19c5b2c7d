"""Helpers shared by the reliability tests: seeding a library, reading it without reader,
and running the command line in-process or as a real process."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from reader.cli import main
from reader.importers.listing import parse_listing
from reader.store import Library

HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)

SEED_PAPERS: tuple[tuple[str, str], ...] = (
    (
        "Seed Paper on Low-Rank Adaptation",
        "We freeze the weights and train small matrices. Code at https://github.com/seed/lora.",
    ),
    ("Seed Paper on Diffusion Encoders", "We reuse encoder features across time steps."),
    ("Seed Paper on Vision Registers", "Artifacts appear in feature maps of transformers."),
)

# C0 and C1 controls other than tab and newline, DEL, and the bidi overrides and isolates.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def listing_text(
    papers: Sequence[tuple[str, str]], *, date: str | None = "Mar 11", header=HEADER
) -> str:
    """A listing dump in the blank-line layout."""
    lines = list(header) + ([date] if date else [])
    for title, abstract in papers:
        lines += [title, abstract]
    return "\n\n".join(lines) + "\n"


def seed_library(path: Path) -> None:
    """A library holding a few papers, a tag, a rating, a status, a note and a list."""
    with Library(path) as library:
        library.import_listings([parse_listing(listing_text(SEED_PAPERS), "seed.txt")])
        library.tag(1, ["seed-tag", "topic/sub"])
        library.rate(1, 4)
        library.set_status(2, "reading")
        library.add_note(1, "A seed note with *Markdown*.", quote="We freeze the weights")
        library.create_list("Seed list", "for the reading group")
        library.add_to_list("Seed list", [2, 1])


def fingerprint(path: Path, *, indexes: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every real table, read with plain sqlite3 (not through reader).

    ``indexes=False`` leaves out the full-text indexes' own tables, whose rows are rewritten
    whenever anything is added.
    """
    conn = sqlite3.connect(str(path))
    try:
        schema = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
        virtual = [name for name, sql in schema if (sql or "").upper().startswith("CREATE VIRTUAL")]
        tables = sorted(
            name
            for name, _ in schema
            if name not in virtual
            and (indexes or not any(name.startswith(f"{table}_") for table in virtual))
        )
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        conn.close()


def file_hashes(folder: Path) -> dict[str, str]:
    """Name -> sha256 of every file in a folder (a database, its -wal, -shm, backups...)."""
    return {
        child.name: hashlib.sha256(child.read_bytes()).hexdigest()
        for child in sorted(folder.iterdir())
        if child.is_file()
    }


def cli(db: Path, *args: str, input: str | None = None) -> Result:
    """``reader --db DB ARGS`` in-process; unexpected exceptions are kept on the result."""
    return CliRunner().invoke(main, ["--db", str(db), *args], input=input, catch_exceptions=True)


def unexpected(result: Result) -> str:
    if result.exception is None or isinstance(result.exception, SystemExit):
        return ""
    return "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]


def assert_ok(result: Result) -> Result:
    assert not unexpected(result), unexpected(result)
    assert result.exit_code == 0, result.output[-2000:]
    return result


def assert_refused(result: Result, *names: str) -> str:
    """Exit 1, exactly one line on stderr naming ``names``, no traceback; returns the line."""
    assert not unexpected(result), unexpected(result)
    assert result.exit_code == 1, f"exit {result.exit_code}: {result.output[-1000:]!r}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {result.stderr!r}"
    assert lines[0].startswith("reader: "), lines[0]
    assert "Traceback" not in result.output
    for name in names:
        assert name in lines[0], f"{name!r} not named in {lines[0]!r}"
    return lines[0]


def run_reader(
    db: Path, *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m reader --db DB ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(db), *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def assert_process_refused(done: subprocess.CompletedProcess[str], *names: str) -> str:
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("reader: "), lines[0]
    for name in names:
        assert name in lines[0], f"{name!r} not named in {lines[0]!r}"
    return lines[0]


# What a process started to race others runs once it has imported what it needs, just before it
# waits for the start signal (the file ``go``); ``wait_until_ready`` waits for every such one.
READY = "open(f'{go}.ready-{os.getpid()}', 'w').close()\n"


def wait_until_ready(go: Path, processes: Sequence[subprocess.Popen[str]]) -> None:
    """Until every one of ``processes`` waits for ``go`` (has run ``READY``), so that they all
    start at once; or until one has ended (its failure is then told by whoever reads its
    output)."""
    deadline = time.monotonic() + 60
    while sum(1 for _ in go.parent.glob(f"{go.name}.ready-*")) < len(processes):
        if any(process.poll() is not None for process in processes):
            return
        assert time.monotonic() < deadline, "the processes never got ready to start"
        time.sleep(0.005)
