"""Several processes writing to one library at once (and the app open on it): every write
lands, nobody sees "database is locked", and the app shows what the others changed."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.importers.listing import parse_listing
from reader.store import Library
from reader.tui.app import ReaderApp

from .support import READY, listing_text, seed_library, wait_until_ready

WORKERS = 4
WRITES = 60  # per worker: 240 writes in all, plus the app's own
OWN = 10  # papers each worker owns (ratings and status are last-write-wins per paper)

# Each worker waits for the start signal, then runs the command line in-process (every command
# opens and closes the library exactly as a separate `reader` run does) as fast as it can.
WORKER = (
    r"""
import json, os, sys, time
from click.testing import CliRunner
from reader.cli import main

db, worker, writes, own, first, go = sys.argv[1:]
worker, writes, own, first = int(worker), int(writes), int(own), int(first)
runner = CliRunner()
failures, expected = [], {"tags": [], "notes": [], "shared": [], "ratings": {}, "statuses": {}}
"""
    + READY
    + r"""while not os.path.exists(go):
    time.sleep(0.002)

def run(*args):
    result = runner.invoke(main, ["--db", db, *args])
    text = (result.stdout or "") + (result.stderr or "")
    if result.exit_code != 0 or "locked" in text.lower() or result.exception and not isinstance(
        result.exception, SystemExit
    ):
        failures.append({"args": list(args), "exit": result.exit_code, "output": text[-300:],
                         "exception": repr(result.exception)})

run("list", "create", f"Worker {worker}")
for step in range(writes):
    paper = first + worker * own + step % own
    kind = step % 5
    if kind == 0:
        tag = f"w{worker}-s{step}"
        run("tag", str(paper), tag)
        expected["tags"].append([paper, tag])
    elif kind == 1:
        rating = (step // 5) % 5 + 1
        run("rate", str(paper), str(rating))
        expected["ratings"][str(paper)] = rating
    elif kind == 2:
        body = f"worker {worker} note {step}"
        run("note", str(paper), body)
        expected["notes"].append([paper, body])
    elif kind == 3:
        run("list", "add", "Shared", str(paper))
        run("list", "add", f"Worker {worker}", str(paper))
        expected["shared"].append(paper)
    else:
        status = ("reading", "read", "unread")[step % 3]
        run("status", str(paper), status)
        expected["statuses"][str(paper)] = status
print(json.dumps({"failures": failures, "expected": expected}))
"""
)


def prepare(db: Path) -> int:
    """The seed library plus papers for the workers; returns the first worker paper's id."""
    seed_library(db)
    with Library(db) as library:
        first = library.count() + 1
        papers = [(f"Worker paper {n}", f"Abstract {n}.") for n in range(WORKERS * OWN)]
        library.import_listings([parse_listing(listing_text(papers), "workers.txt")])
        library.create_list("Shared")
    return first


@pytest.fixture
def spawned() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running when it ends (a failed test) are killed."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def start_workers(
    db: Path, first: int, go: Path, spawned: list[subprocess.Popen[str]]
) -> list[subprocess.Popen[str]]:
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                str(db),
                str(n),
                str(WRITES),
                str(OWN),
                str(first),
                str(go),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for n in range(WORKERS)
    ]
    spawned.extend(workers)
    return workers


def collect(workers: list[subprocess.Popen[str]]) -> list[dict[str, Any]]:
    reports = []
    for process in workers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        assert "locked" not in err.lower(), err[-2000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    failures = [failure for report in reports for failure in report["failures"]]
    assert not failures, json.dumps(failures[:5], indent=1)
    return reports


def check_integrity(db: Path) -> None:
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def verify(db: Path, reports: list[dict[str, Any]]) -> None:
    """The file is sound and every write of every worker is in the library."""
    check_integrity(db)
    with Library(db) as library:
        for worker, report in enumerate(reports):
            expected = report["expected"]
            for paper, tag in expected["tags"]:
                assert tag in library.paper(paper).tags, f"lost tag {tag} on {paper}"
            for paper, body in expected["notes"]:
                bodies = [note.body for note in library.notes(paper)]
                assert bodies.count(body) == 1, f"note {body!r} on {paper}: {bodies}"
            _, shared = library.reading_list("Shared")
            _, own = library.reading_list(f"Worker {worker}")
            for paper in expected["shared"]:
                assert paper in shared and paper in own, f"lost list entry {paper}"
            for paper, rating in expected["ratings"].items():
                assert library.paper(int(paper)).rating == rating
            for paper, status in expected["statuses"].items():
                assert library.paper(int(paper)).status == status
        assert len(library.reading_list("Shared")[1]) == len(set(library.reading_list("Shared")[1]))
        # The seed is untouched by all this.
        seed = library.paper(1)
        assert seed.tags == ("seed-tag", "topic/sub") and seed.rating == 4
        assert [note.body for note in seed.annotations] == ["A seed note with *Markdown*."]


def test_hundreds_of_concurrent_writes_all_land(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    db = tmp_path / "lib.db"
    first = prepare(db)
    go = tmp_path / "go"
    workers = start_workers(db, first, go, spawned)
    wait_until_ready(go, workers)  # every worker has imported reader: they all start at once
    go.touch()
    verify(db, collect(workers))


def test_connections_held_open_in_one_process_survive_other_writers(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    """What the app does: two libraries open in one process (one for searches), reading and
    writing, while other processes write and come and go."""
    db = tmp_path / "lib.db"
    first = prepare(db)
    go = tmp_path / "go"
    workers = start_workers(db, first, go, spawned)
    errors: list[str] = []
    with Library(db) as library, Library(db, threads=True) as searches:
        go.touch()
        step = 0
        while any(process.poll() is None for process in workers):
            step += 1
            try:
                library.rate(3, step % 5 + 1)
                library.cycle_status(3)
                searches.data_version()
                searches.search("worker")
                library.rows(library.search("").ids[:40])
                library.tags()
            except Exception as error:  # every one is a failure a person would see
                errors.append(repr(error))
            time.sleep(0.01)
        reports = collect(workers)
        try:
            assert library.count() == first - 1 + WORKERS * OWN
        except Exception as error:
            errors.append(repr(error))
    assert not errors, errors[:5]
    verify(db, reports)


def test_processes_opening_a_new_library_at_once_all_succeed(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    """The first imports on a machine, four at once: the library is created once (each
    builds it aside and the first to finish names it; the others import into that one) and
    every import lands."""
    code = (
        r"""
import os, sys, time
from pathlib import Path
from click.testing import CliRunner
from reader.cli import main
db, name, go = sys.argv[1:]
listing = Path(go + "-" + name.replace(" ", "-") + ".txt")
listing.write_text(f"new\n\nMar 11\n\n{name}\n\nAn abstract of {name}.\n", encoding="utf-8")
"""
        + READY
        + r"""while not os.path.exists(go):
    time.sleep(0.001)
result = CliRunner().invoke(main, ["--db", db, "import", str(listing)])
print(result.exit_code, (result.stderr or "").strip() or repr(result.exception))
"""
    )
    problems = []
    for attempt in range(3):
        db = tmp_path / f"new-{attempt}" / "lib.db"
        go = tmp_path / f"go-{attempt}"
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(db), f"List {n}", str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
            )
            for n in range(4)
        ]
        spawned.extend(processes)
        wait_until_ready(go, processes)
        go.touch()
        for process in processes:
            out, err = process.communicate(timeout=60)
            if not out.startswith("0 "):
                problems.append(out.strip() or err[-300:])
        if not problems:
            with Library(db) as library:
                papers = library.papers(library.search("").ids)
                assert sorted(paper.title for paper in papers) == [f"List {n}" for n in range(4)]
            assert [path.name for path in db.parent.iterdir()] == ["lib.db"]
    assert not problems, problems


def sidebar_tags(app: ReaderApp) -> set[str]:
    from reader.tui.widgets.sidebar import Sidebar

    sidebar = app.screen.query_one(Sidebar)
    return {
        option.id.removeprefix("tag:")
        for option in sidebar.options
        if option.id and option.id.startswith("tag:")
    }


def screen_text(app: ReaderApp) -> str:
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip if not segment.control)
        for line in update.strips
    )


def row_of(app: ReaderApp, title: str) -> str:
    return next((line for line in screen_text(app).splitlines() if title in line), "")


async def wait_until(pilot, condition, timeout: float = 6.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        if condition():
            return True
    return condition()


async def test_the_app_shows_outside_changes_on_ctrl_r(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    seed_library(db)
    app = ReaderApp(db)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause(0.3)
        assert "outside-tag" not in sidebar_tags(app)
        with Library(db) as other:  # another process, as far as the app can tell
            other.tag(2, ["outside-tag"])
            other.rate(2, 5)
            other.create_list("Outside list")
        await pilot.press("ctrl+r")
        assert await wait_until(pilot, lambda: "outside-tag" in sidebar_tags(app), 2.0)
        assert await wait_until(
            pilot, lambda: "★5" in row_of(app, "Seed Paper on Diffusion Encoders"), 2.0
        ), row_of(app, "Seed Paper on Diffusion Encoders")
        assert "Outside list" in screen_text(app)


async def test_the_app_shows_outside_changes_on_its_own(tmp_path: Path) -> None:
    """No key pressed: the periodic check notices another process's commit."""
    db = tmp_path / "lib.db"
    seed_library(db)
    app = ReaderApp(db)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause(0.3)
        with Library(db) as other:
            other.tag(3, ["timer-tag"])
            other.rate(3, 2)
        assert await wait_until(pilot, lambda: "timer-tag" in sidebar_tags(app), 5.0)
        assert await wait_until(
            pilot, lambda: "★2" in row_of(app, "Seed Paper on Vision Registers"), 2.0
        ), row_of(app, "Seed Paper on Vision Registers")


async def test_the_app_stays_usable_while_others_write(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    """The app open and writing too while four processes write: nothing is lost, the app never
    fails, and afterwards it shows the others' tags."""
    from reader.tui.screens.library import LibraryScreen

    db = tmp_path / "lib.db"
    first = prepare(db)
    go = tmp_path / "go"
    workers = start_workers(db, first, go, spawned)
    app = ReaderApp(db)
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.paper_list.move_cursor_to(3)
        await pilot.pause()
        go.touch()
        presses = 0
        while any(process.poll() is None for process in workers):
            # Rate and cycle the status of the third seed paper, as a person would.
            assert screen.current_paper_id == 3
            await pilot.press("1" if presses % 2 else "3", "s")
            presses += 1
            await asyncio.sleep(0.05)
        reports = collect(workers)
        await pilot.press("ctrl+r")
        expected_tags = {tag for report in reports for _, tag in report["expected"]["tags"]}
        assert await wait_until(pilot, lambda: expected_tags <= sidebar_tags(app), 3.0)
        assert presses > 0
    verify(db, reports)
    with Library(db) as library:
        # The app's own writes landed as well: each rating and status is in the undo history.
        descriptions = [entry.description for entry in library.undo_history(limit=1000)]
        mine = [d for d in descriptions if "Seed Paper on Vision Registers" in d]
        assert len(mine) == 2 * presses
