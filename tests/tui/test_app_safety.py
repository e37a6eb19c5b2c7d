"""The app keeps running, and the library stays right, when the library misbehaves under it.

Another process renames the reading list on screen, holds the write lock for a long time, the
disk fills up, or the app is closed while a search still runs: each is a notification (or a
clean exit), never a crash, and a change is saved in the order its keys were pressed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input
from tui_helpers import (
    SIZE,
    Notes,
    library_screen,
    open_library,
    press,
    running,
    settle,
    wait_until,
    write_lock_held,
    writes_pending,
)

from reader.demo import DEMO_LIST
from reader.models import STATUSES, LibraryError, ReaderError
from reader.store import Library
from reader.tui.app import ReaderApp
from reader.tui.errors import BUSY, DISK_FULL, app_work, describe
from reader.tui.widgets.sidebar import LIBRARY, Scope


def rating_of(path: Path, paper_id: int) -> int | None:
    with open_library(path) as library:
        return library.paper(paper_id).rating


def undo_count(path: Path) -> int:
    with open_library(path) as library:
        return len(library.undo_history(limit=1000))


async def show_reading_list(pilot) -> None:  # type: ignore[no-untyped-def]
    screen = library_screen(pilot.app)
    screen.show_scope(Scope("list", DEMO_LIST, DEMO_LIST))
    await settle(pilot)
    assert screen.scope.kind == "list"


def impatient(app: ReaderApp) -> None:
    """Give up on the write lock after a second and a half instead of thirty."""
    app.writer.patience = 1.5


# -- 5: the reading list on screen changes elsewhere -----------------------------------------


@pytest.mark.parametrize(
    ("change", "key"),
    [("rename", "J"), ("rename", "K"), ("rename", "x"), ("delete", "J"), ("delete", "x")],
)
async def test_list_renamed_or_deleted_elsewhere_then_list_keys(
    demo_path: Path, change: str, key: str
) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        screen = library_screen(app)
        await show_reading_list(pilot)
        await press(pilot, "j")  # K has somewhere to go
        with open_library(demo_path) as other:
            order = other.reading_list(DEMO_LIST)[1]
            if change == "rename":
                other.rename_list(DEMO_LIST, "Renamed elsewhere")
            else:
                other.delete_list(DEMO_LIST)
            changes = len(other.undo_history(limit=1000))
        await press(pilot, key)
        assert app.is_running
        assert screen.scope == LIBRARY
        assert any("no longer exists" in message for message in notes.messages)
        assert "whole library" in notes.last
        assert len(screen.paper_list.ids) == app.library.count()
        assert undo_count(demo_path) == changes  # the key changed nothing
    if change == "rename":
        with open_library(demo_path) as library:
            assert library.reading_list("Renamed elsewhere")[1] == order


async def test_the_check_for_outside_changes_leaves_a_vanished_list(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        screen = library_screen(app)
        await show_reading_list(pilot)
        with open_library(demo_path) as other:
            other.delete_list(DEMO_LIST)
        app.check_outside_changes()  # what the two-second timer does
        await settle(pilot)
        assert screen.scope == LIBRARY
        assert "no longer exists" in notes.last
        assert len(screen.paper_list.ids) == app.library.count()
        # Said once, as a warning: not also as an error of the search that found it gone
        # (the sidebar's counts, which notice it too, come from a worker, often later).
        assert sum("no longer exists" in message for message in notes.messages) == 1
        assert not any("No reading list named" in message for message in notes.messages)


async def test_a_search_that_finds_the_list_gone_leaves_it_once(demo_path: Path) -> None:
    """The search notices first (the sidebar's counts are held back): the same single notice."""
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        screen = library_screen(app)
        await show_reading_list(pilot)
        screen.read_overview = lambda: None  # type: ignore[method-assign]
        with open_library(demo_path) as other:
            other.delete_list(DEMO_LIST)
        app.check_outside_changes()
        await settle(pilot)
        assert screen.scope == LIBRARY
        assert len(screen.paper_list.ids) == app.library.count()
        assert sum("no longer exists" in message for message in notes.messages) == 1
        assert not any("No reading list named" in message for message in notes.messages)


async def test_a_write_to_a_list_gone_meanwhile_is_a_notification(demo_path: Path) -> None:
    """The list vanishes after the key is pressed but before the writer gets to it."""
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        await show_reading_list(pilot)
        screen = library_screen(app)
        with write_lock_held(demo_path) as (other, release):
            await pilot.press("x")
            await wait_until(pilot, lambda: app.writer.waiting_for_lock)
            other.delete_list(DEMO_LIST)
            release()
            await settle(pilot)
        assert app.is_running
        assert any("No reading list named" in message for message in notes.messages)
        assert any("no longer exists" in message for message in notes.messages)
        assert screen.scope == LIBRARY


# -- 6: another process holds the write lock ---------------------------------------------------


async def test_busy_library_a_rating_waits_off_screen_then_says_busy(demo_path: Path) -> None:
    async with running(demo_path, setup=impatient) as (app, pilot):
        notes = Notes(app)
        papers = library_screen(app).paper_list
        first = papers.highlighted
        assert first is not None
        before = rating_of(demo_path, first)
        screen = library_screen(app)
        with write_lock_held(demo_path):
            await pilot.press("3")
            await pilot.press("j")  # the screen still answers while the write waits
            await wait_until(pilot, lambda: papers.cursor == 1)
            assert writes_pending(app)
            await pilot.press("slash", *"bert")  # and so does the search
            await wait_until(pilot, lambda: app.search_generation_done == screen.generation)
            assert len(papers.ids) < app.library.count()
            await wait_until(pilot, lambda: BUSY in notes.messages)
        assert app.is_running
        assert not writes_pending(app)
    assert rating_of(demo_path, first) == before


async def test_busy_library_the_rating_is_saved_once_the_lock_is_let_go(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        app.wait_notice = 0.1
        papers = library_screen(app).paper_list
        first = papers.highlighted
        assert first is not None
        with write_lock_held(demo_path) as (_, release):
            await pilot.press("3", "j")
            await wait_until(pilot, lambda: papers.cursor == 1)
            await wait_until(pilot, lambda: bool(app.waiting_notices))
            assert "another reader is writing" in app.waiting_notices[0]
            assert writes_pending(app)
            assert rating_of(demo_path, first) != 3
            release()
            await settle(pilot)
        assert rating_of(demo_path, first) == 3  # the paper highlighted when 3 was pressed
        assert rating_of(demo_path, papers.ids[1]) != 3
        assert "Rated ★★★☆☆" in notes.messages
        await wait_until(pilot, lambda: not app.waiting_notices)
        assert BUSY not in notes.messages


async def test_writes_apply_in_the_order_the_keys_were_pressed(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        paper = library_screen(app).paper_list.highlighted
        assert paper is not None
        await pilot.press("3", "4")  # no settling in between
        await settle(pilot)
        assert rating_of(demo_path, paper) == 4
        with open_library(demo_path) as library:
            status = library.paper(paper).status
        with write_lock_held(demo_path) as (_, release):
            await pilot.press("1", "s", "2", "5")  # all queued behind the lock
            await wait_until(pilot, lambda: app.writer.waiting_for_lock)
            release()
            await settle(pilot)
        with open_library(demo_path) as library:
            assert library.paper(paper).rating == 5
            assert library.paper(paper).status == STATUSES[(STATUSES.index(status) + 1) % 3]
            history = [entry.description for entry in library.undo_history(limit=6)]
        assert [text.split(" '")[0] for text in history[:4]] == [
            "rated",
            "rated",
            "marked",
            "rated",
        ]
        assert history[0].endswith(" 5") and history[1].endswith(" 2")


async def test_list_moves_queued_behind_the_lock_all_apply(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await show_reading_list(pilot)
        with open_library(demo_path) as library:
            order = library.reading_list(DEMO_LIST)[1]
        with write_lock_held(demo_path) as (_, release):
            await pilot.press("J", "J", "J")
            await wait_until(pilot, lambda: app.writer.waiting_for_lock)
            release()
            await settle(pilot)
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1].index(order[0]) == 3
        assert screen.paper_list.highlighted == order[0]


# -- 7: the disk is full ------------------------------------------------------------------------


async def test_disk_full_is_a_notification_and_changes_nothing(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)

        def full(*args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(Library, "rate", full)
        paper = library_screen(app).paper_list.highlighted
        assert paper is not None
        with open_library(demo_path) as library:
            before = library.paper(paper)
        changes = undo_count(demo_path)
        await press(pilot, "3")
        assert app.is_running
        assert notes.last == DISK_FULL
        assert rating_of(demo_path, paper) == before.rating
        assert undo_count(demo_path) == changes
        await press(pilot, "s")  # and the app goes on writing
        with open_library(demo_path) as library:
            assert library.paper(paper).status != before.status


async def test_a_full_disk_met_by_sqlite_itself(demo_path: Path) -> None:
    """The library may not grow: a long note needs new pages, and SQLite refuses them."""
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        paper = library_screen(app).paper_list.highlighted
        assert paper is not None
        pages = app.writer.library.db.execute("PRAGMA page_count").fetchone()[0]
        app.writer.library.db.execute(f"PRAGMA max_page_count = {pages}")
        app.write("save the note", lambda library: library.add_note(paper, "x" * 400_000))
        await settle(pilot)
        assert app.is_running
        assert "disk is full" in notes.last and "nothing was changed" in notes.last
        assert str(demo_path) not in notes.last  # the app has one library: no need to name it
        with open_library(demo_path) as library:
            assert library.notes(paper) == []


async def test_a_failed_read_in_an_action_or_the_timer_is_a_notification(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)

        def damaged(*args: object, **kwargs: object) -> None:
            raise LibraryError(f"{demo_path}: the library file is damaged; nothing was written")

        monkeypatch.setattr(app.library, "papers", damaged)
        await press(pilot, "o")  # reads the paper for its link
        assert app.is_running
        assert notes.last == "The library file is damaged; nothing was written."
        monkeypatch.setattr(app.library, "data_version", damaged)
        app.check_outside_changes()  # what the two-second timer does
        assert app.is_running
        assert len(notes.messages) == 2


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (LibraryError("lib.db: the library is busy", busy=True), BUSY),
        (sqlite3.OperationalError("database is locked"), BUSY),
        (sqlite3.OperationalError("database or disk is full"), DISK_FULL),
        (LibraryError("lib.db: the file is damaged; nothing was written"), "The file is damaged"),
        (LibraryError("lib.db: the disk is full; nothing was changed"), "The disk is full;"),
        (sqlite3.DatabaseError("file is not a database"), "could not be read or written"),
        (ReaderError("nothing to undo"), "Nothing to undo."),
        (PermissionError(13, "Permission denied", "out.md"), "Permission denied: out.md."),
    ],
)
def test_errors_are_worded_for_a_person(error: Exception, expected: str) -> None:
    failure = describe(error, Path("lib.db"))
    assert failure is not None
    assert expected in failure.message
    assert "\n" not in failure.message


def test_a_bug_is_not_mistaken_for_a_library_error() -> None:
    assert describe(KeyError("oops")) is None


async def test_export_to_a_folder_that_does_not_exist_is_a_notification(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        await show_reading_list(pilot)
        await press(pilot, "e")
        app.screen.query_one("#prompt-input", Input).value = "no/such/x.md"
        await press(pilot, "enter")
        await wait_until(pilot, lambda: bool(notes.messages))
        assert app.is_running
        assert "no/such" in notes.last or "No such file" in notes.last


# -- 8: closing while work is under way ---------------------------------------------------------

# Half a minute of 10 ms naps, unless interrupted (interruption is checked between rows).
SLOW_SQL = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) "
    "SELECT max(nap(0.01)) FROM c"
)


def make_search_slow(app: ReaderApp, events: list[str], started: threading.Event) -> None:
    """The next search runs a statement that takes half a minute unless it is interrupted (as a
    search of a huge library runs for a while), and records what happens to its connection."""
    library = app.searcher.library
    library.db.conn.create_function("nap", 1, time.sleep)
    close = library.close

    def slow_search(*args: object, **kwargs: object) -> object:
        events.append("search started")
        started.set()
        try:
            return library.db.execute(SLOW_SQL).fetchone()
        finally:
            events.append("search ended")

    def recorded_close() -> None:
        events.append("closed")
        close()

    library.search = slow_search  # type: ignore[method-assign]
    library.close = recorded_close  # type: ignore[method-assign]


async def test_quitting_mid_search_interrupts_it_then_closes(demo_path: Path) -> None:
    events: list[str] = []
    started = threading.Event()
    app = ReaderApp(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        make_search_slow(app, events, started)
        await pilot.press("slash", *"tiny")
        await wait_until(pilot, started.is_set)
        await pilot.press("escape")
        begun = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - begun < 3
    assert events == ["search started", "search ended", "closed"]
    assert app.return_code in (0, None)


async def test_quitting_right_after_a_change_keeps_it(demo_path: Path) -> None:
    app = ReaderApp(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = library_screen(app).paper_list.highlighted
        assert paper is not None
        await pilot.press("2", "q")
    assert rating_of(demo_path, paper) == 2


async def test_quitting_while_a_write_waits_for_the_lock(demo_path: Path) -> None:
    app = ReaderApp(demo_path)
    with write_lock_held(demo_path):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            paper = library_screen(app).paper_list.highlighted
            assert paper is not None
            before = rating_of(demo_path, paper)
            await pilot.press("2")
            await wait_until(pilot, lambda: app.writer.waiting_for_lock)
            begun = time.monotonic()
            await pilot.press("q")
        assert time.monotonic() - begun < 5  # the writer gives up; it does not wait 30 s
    assert rating_of(demo_path, paper) == before


async def test_quitting_mid_import_interrupts_and_rolls_it_back(demo_path: Path) -> None:
    started = threading.Event()
    app = ReaderApp(demo_path)
    app.writer.grace = 0.3
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = library_screen(app).paper_list.highlighted
        assert paper is not None

        def long_import(library: Library) -> None:
            library.db.conn.create_function("nap", 1, time.sleep)
            with library.transaction():
                library.tag(paper, ["half-imported"])
                started.set()
                library.db.execute(SLOW_SQL).fetchone()

        app.write("import the file", long_import)
        await wait_until(pilot, started.is_set)
        begun = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - begun < 3
    with open_library(demo_path) as library:
        assert "half-imported" not in library.paper(paper).tags


QUIT_MID_SEARCH = textwrap.dedent(
    """
    import sys, threading
    sys.path[:0] = [sys.argv[2], sys.argv[2] + "/.."]
    from test_app_safety import make_search_slow
    from reader.tui.app import ReaderApp

    app = ReaderApp(sys.argv[1])
    events, started = [], threading.Event()

    async def auto_pilot(pilot):
        while app.search_generation_done < 1:
            await pilot.pause(0.01)
        make_search_slow(app, events, started)
        await pilot.press("slash", *"tiny")
        while not started.is_set():
            await pilot.pause(0.01)
        await pilot.press("escape", "q")

    app.run(headless=True, size=(100, 30), auto_pilot=auto_pilot)
    print(",".join(events))
    sys.exit(app.return_code or 0)
    """
)


def test_the_app_process_quit_mid_search_exits_cleanly(demo_path: Path) -> None:
    begun = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", QUIT_MID_SEARCH, str(demo_path), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("search started,search ended,closed")
    assert time.monotonic() - begun < 10


class _SlowScreen(Screen):
    """A screen whose thread work reaches for the app after the screen has gone."""

    def __init__(self, go: threading.Event, done: threading.Event) -> None:
        super().__init__()
        self.go, self.done = go, done

    @app_work("look something up", thread=True)
    def look_up(self) -> None:
        try:
            self.go.wait(5)
            self.app.call_from_thread(lambda: None)  # the screen is detached: no app here
        finally:
            self.done.set()


async def test_thread_work_that_outlives_its_screen_is_dropped_quietly(demo_path: Path) -> None:
    go, done = threading.Event(), threading.Event()
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        screen = _SlowScreen(go, done)
        await app.push_screen(screen)
        screen.look_up()
        await app.pop_screen()
        await pilot.pause(0)
        go.set()
        await wait_until(pilot, lambda: done.is_set() and not app.workers._workers)
        assert app.is_running
        assert notes.messages == []


async def test_a_bug_is_told_and_written_down_and_the_app_goes_on(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug must not end the app (a note half typed would go with it): outside the test
    suite it is said in one line and its traceback kept in a log."""
    monkeypatch.delenv("READER_RAISE_BUGS")
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path))

    def broken_rate(self: Library, paper_id: int, stars: int | None) -> None:
        raise KeyError("a rating bug")

    def broken_sidebar(self: object) -> None:
        raise ZeroDivisionError("a sidebar bug")

    monkeypatch.setattr(Library, "rate", broken_rate)
    monkeypatch.setattr(
        "reader.tui.screens.library.LibraryScreen.action_toggle_sidebar", broken_sidebar
    )
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        await press(pilot, "3")  # a write, in a worker
        await wait_until(pilot, lambda: "a rating bug" in notes.last)
        assert notes.last.startswith("This is a bug in reader (KeyError: 'a rating bug').")
        assert str(tmp_path / "bugs.log") in notes.last
        await press(pilot, "ctrl+b")  # an action, on the app's own thread
        await wait_until(pilot, lambda: "a sidebar bug" in notes.last)
        assert app.is_running
        await press(pilot, "j", "4")  # still usable
    log = (tmp_path / "bugs.log").read_text()
    assert "Traceback" in log and "KeyError: 'a rating bug'" in log
    assert "ZeroDivisionError: a sidebar bug" in log


def test_a_bug_log_that_cannot_be_written_still_leaves_the_bug_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.tui import bug_log
    from reader.tui.errors import bug_failure

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("READER_CACHE_DIR", str(blocker))
    assert bug_log.write_down(KeyError("x"), "rate") is None
    failure = bug_failure(KeyError("x"), None)
    assert failure.message == "This is a bug in reader (KeyError: 'x')."
    assert failure.severity == "error"
