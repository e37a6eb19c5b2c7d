"""How the app's parts fit: every change reaches every view through one message, screens are
given what they use, and every key has an id a keymap can remap."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets import Static
from tui_helpers import (
    Notes,
    detail_text,
    library_screen,
    open_library,
    plain,
    press,
    running,
    settle,
    wait_until,
    write_lock_held,
)

import reader.tui
import reader.tui.app
from reader.demo import import_sample
from reader.models import LibraryError
from reader.query import FIELDS, HAS_VALUES
from reader.store import Library
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import TagDialog
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.paper import PaperScreen
from reader.tui.screens.welcome import WelcomeScreen
from reader.tui.widgets.sidebar import Sidebar

TUI = Path(reader.tui.__file__).parent


def sidebar_ids(screen: LibraryScreen) -> list[str | None]:
    sidebar = screen.query_one(Sidebar)
    return [sidebar.get_option_at_index(i).id for i in range(sidebar.option_count)]


def highlighted_row(screen: LibraryScreen) -> str:
    """The text the list draws for the highlighted paper, as painted now."""
    papers = screen.paper_list
    return papers.render_line(papers.cursor - papers.scroll_offset.y).text


def quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look for other processes' changes every tenth of a second instead of every two."""
    monkeypatch.setattr(reader.tui.app, "POLL_SECONDS", 0.1)


# -- one message for every change ----------------------------------------------------------


async def test_a_change_on_the_paper_screen_shows_everywhere_on_return(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await press(pilot, "j")
        paper_id = screen.paper_list.highlighted
        assert paper_id is not None
        assert "★" not in highlighted_row(screen)
        await press(pilot, "enter")
        assert isinstance(app.screen, PaperScreen)
        await press(pilot, "5", "t", *"fresh-tag", "enter")
        text = detail_text(app, "#paper-full")
        assert "★★★★★" in text and "#fresh-tag" in text  # the paper screen redrew itself
        await press(pilot, "escape")
        assert app.screen is screen
        assert screen.paper_list.highlighted == paper_id
        assert "★5" in highlighted_row(screen)  # the list read the row again
        assert "tag:fresh-tag" in sidebar_ids(screen)  # the sidebar was filled again
        detail = detail_text(app)
        assert "★★★★★" in detail and "#fresh-tag" in detail  # and the detail pane reloaded


async def test_another_process_s_change_shows_after_the_poll(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_poll(monkeypatch)
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        paper_id = screen.paper_list.highlighted
        assert paper_id is not None
        await press(pilot, "slash", *"tag:elsewhere", "enter")
        assert screen.paper_list.ids == []
        with open_library(demo_path) as other:
            other.tag(paper_id, ["elsewhere"])
            other.rate(paper_id, 2)
        await wait_until(pilot, lambda: screen.paper_list.ids == [paper_id])  # searched again
        await settle(pilot)
        assert "tag:elsewhere" in sidebar_ids(screen)
        assert "★★☆☆☆" in detail_text(app)
        assert "★2" in highlighted_row(screen)


async def test_changes_made_here_are_not_reloaded_again_by_the_poll(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_poll(monkeypatch)
    async with running(demo_path) as (app, pilot):
        told: list[tuple[object, bool]] = []
        original = app.library_changed

        def recorded(paper_ids: object = None, *, membership: bool = True) -> None:
            told.append((paper_ids, membership))
            original(paper_ids, membership=membership)  # type: ignore[arg-type]

        monkeypatch.setattr(app, "library_changed", recorded)
        paper_id = library_screen(app).paper_list.highlighted
        await press(pilot, "3")
        await pilot.pause(0.4)  # a few polls
        await settle(pilot)
        assert told == [({paper_id}, False)]


async def test_a_change_made_elsewhere_while_a_write_waits_is_shown_after_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The poll waits while the app's own write is in flight; what another process committed
    in that time is shown once the write is saved, not left until the next change."""
    quick_poll(monkeypatch)
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        paper_id = screen.paper_list.highlighted
        assert paper_id is not None
        told: list[object] = []
        original = app.library_changed

        def recorded(paper_ids: object = None, *, membership: bool = True) -> None:
            told.append(paper_ids)
            original(paper_ids, membership=membership)  # type: ignore[arg-type]

        monkeypatch.setattr(app, "library_changed", recorded)
        with write_lock_held(demo_path) as (other, release):
            await pilot.press("3")
            await wait_until(pilot, lambda: app.writer.waiting_for_lock)
            other.tag(paper_id, ["elsewhere"])
            release()
            await settle(pilot)
        await pilot.pause(0.3)  # a few polls
        await settle(pilot)
        assert told == [None]  # everything shown again, once
        assert "tag:elsewhere" in sidebar_ids(screen)
        assert "#elsewhere" in detail_text(app)
        with open_library(demo_path) as library:
            assert library.paper(paper_id).rating == 3


async def test_the_welcome_screen_gives_way_to_a_library_filled_elsewhere(
    empty_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_poll(monkeypatch)
    async with running(empty_path) as (app, pilot):
        assert isinstance(app.screen, WelcomeScreen)
        with open_library(empty_path) as other:
            import_sample(other)
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await settle(pilot)
        with open_library(empty_path) as library:
            assert len(library_screen(app).paper_list.ids) == library.count()


async def test_a_failed_read_while_redrawing_is_a_notification(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)

        def damaged(*args: object, **kwargs: object) -> None:
            raise LibraryError(f"{demo_path}: the library file is damaged; nothing was written")

        # On either connection: the sidebar's counts are read off the UI thread.
        monkeypatch.setattr(Library, "lists", damaged)
        await press(pilot, "3")  # saved, then the screen fails to read the lists
        damage = "The library file is damaged; nothing was written."
        await wait_until(pilot, lambda: damage in notes.messages)
        assert app.is_running
        assert "Rated ★★★☆☆" in notes.messages


async def test_the_sidebar_counts_are_read_off_the_ui_thread(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million papers the counts take a quarter of a second: the first frame and every
    change must not wait for them."""
    import threading

    counted_on: list[str] = []
    count = Library.status_counts

    def recorded(library: Library, *args: object, **kwargs: object) -> dict[str, int]:
        counted_on.append(threading.current_thread().name)
        return count(library, *args, **kwargs)

    monkeypatch.setattr(Library, "status_counts", recorded)
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await wait_until(pilot, lambda: screen.overview is not None)
        total = screen.overview.total
        assert total == len(screen.paper_list.ids) > 0
        await press(pilot, "3")  # a change counts again
        await wait_until(pilot, lambda: len(counted_on) >= 2)
        await settle(pilot)
        assert screen.overview.statuses == count(app.library)
    assert counted_on and threading.main_thread().name not in counted_on


# -- screens are given what they use -------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted((TUI / "screens").glob("*.py")) + sorted((TUI / "widgets").glob("*.py"))
)
def test_screens_and_widgets_do_not_reach_into_the_app(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for reach in ("app.library", "app.searcher", "app.write", "app.apply", "app.writer"):
        assert reach not in source, f"{path.name} uses {reach}: pass it in when building"


# -- keys ----------------------------------------------------------------------------------


def binding_owners() -> list[type[DOMNode]]:
    """Every class in reader.tui that declares key bindings."""
    owners: list[type[DOMNode]] = []
    for module in pkgutil.walk_packages(reader.tui.__path__, "reader.tui."):
        loaded = importlib.import_module(module.name)
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            # Bindings it declares itself (Textual's own widgets come with theirs).
            declared = cls.__module__ == module.name and cls.__dict__.get("BINDINGS")
            if declared and issubclass(cls, DOMNode):
                owners.append(cls)
    return owners


def test_every_binding_has_an_id() -> None:
    owners = binding_owners()
    assert ReaderApp in owners and LibraryScreen in owners and PaperScreen in owners
    for owner in owners:
        bindings = [b for b in owner.BINDINGS if isinstance(b, Binding)]
        assert len(bindings) == len(owner.BINDINGS), f"{owner.__name__} has a tuple binding"
        for binding in bindings:
            assert binding.id, f"{owner.__name__}: {binding.key} → {binding.action} has no id"
        ids = [binding.id for binding in bindings]
        assert len(ids) == len(set(ids)), f"{owner.__name__} uses an id twice: {ids}"


async def test_a_keymap_remaps_a_key_by_its_id(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        app.set_keymap({"tag": "T"})
        await press(pilot, "t")
        assert isinstance(app.screen, LibraryScreen)
        await press(pilot, "T")
        assert isinstance(app.screen, TagDialog)


async def test_help_lists_every_key_and_the_whole_query_language(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(plain(widget.content) for widget in app.screen.query(Static))
        for binding in LibraryScreen.BINDINGS:
            if not binding.action.startswith("rate(") or binding.action == "rate(0)":
                assert (binding.tooltip or binding.description) in text
        for field in FIELDS:
            assert f"{field}:" in text
        has_row = next(line for line in text.splitlines() if "has:" in line)
        following = text[text.index(has_row) :][:200]
        for value in HAS_VALUES:
            assert value in following, f"has:{value} is not in the help"


async def test_the_palette_offers_the_paper_screen_s_keys(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "enter")
        assert isinstance(app.screen, PaperScreen)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Add or remove tags")
        commands = app.screen.query_one(CommandList)

        def offered() -> bool:
            if not commands.option_count or commands.highlighted is None:
                return False
            prompt = commands.get_option_at_index(commands.highlighted).prompt
            return plain(prompt).split("\n")[0].strip() == "Add or remove tags"

        await wait_until(pilot, offered)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TagDialog))
