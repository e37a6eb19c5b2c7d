"""Many papers at once (marks), the order of the list, and settings that stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, Static
from tui_helpers import (
    Notes,
    library_screen,
    open_library,
    palette_labels,
    plain,
    press,
    running,
    settle,
    static_text,
    wait_until,
)

import reader.launch
from reader.config import load_settings
from reader.models import SORTS
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import ConfirmDialog, PromptDialog, TagDialog
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.library import LibraryScreen


def undo_steps(path: Path) -> int:
    with open_library(path) as library:
        return len(library.undo_history(limit=100))


async def test_space_v_and_star_mark_papers_and_esc_clears(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        papers = library_screen(app).paper_list
        await press(pilot, "space", "space")
        assert papers.marked == papers.ids[:2]
        assert papers.cursor == 2
        assert "2 marked" in static_text(app, "#scope-title")
        await press(pilot, "j", "v", "j", "j")  # a range from the fourth to the sixth
        assert papers.marked == papers.ids[:2] + papers.ids[3:6]
        await press(pilot, "v")
        assert "5 marked" in static_text(app, "#scope-title")
        await press(pilot, "escape")
        assert papers.marked == []
        assert "marked" not in static_text(app, "#scope-title")
        await press(pilot, "asterisk")
        assert papers.marked == papers.ids
        await press(pilot, "escape")
        assert papers.marked == []


async def mark_three(pilot) -> list[int]:  # type: ignore[no-untyped-def]
    papers = library_screen(pilot.app).paper_list
    await press(pilot, "j", "space", "space", "space")
    return papers.marked


async def test_marked_papers_are_tagged_rated_and_moved_each_as_one_change(
    demo_path: Path,
) -> None:
    async with running(demo_path) as (app, pilot):
        marked = await mark_three(pilot)
        assert len(marked) == 3
        before = undo_steps(demo_path)
        await press(pilot, "t")
        assert isinstance(app.screen, TagDialog)
        await press(pilot, *"batch-tag", "enter")
        await press(pilot, "3", "s")
        await press(pilot, "a", *"Marked list", "enter")
        with open_library(demo_path) as library:
            papers = library.papers(marked)
            assert all("batch-tag" in p.tags and p.rating == 3 for p in papers)
            assert len({p.status for p in papers}) == 1
            assert library.reading_list("Marked list")[1] == marked
        # Tag, rate, status and list are one step each (and making the new list another).
        assert undo_steps(demo_path) == before + 5
        await press(pilot, "u", "u", "u", "u")  # the list, the status, the rating
        with open_library(demo_path) as library:
            papers = library.papers(marked)
            assert all(p.rating != 3 for p in papers)
            assert all("batch-tag" in p.tags for p in papers)
        await press(pilot, "u")
        with open_library(demo_path) as library:
            assert not any("batch-tag" in p.tags for p in library.papers(marked))


async def test_marked_papers_are_removed_exported_and_opened(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(reader.launch, "launch", opened.append)
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        marked = await mark_three(pilot)
        await press(pilot, "o")
        await wait_until(pilot, lambda: len(opened) == 3)
        await press(pilot, "e")
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one(Input).value = "three.bib"
        await press(pilot, "enter")
        await wait_until(pilot, lambda: (tmp_path / "three.bib").exists())
        assert (tmp_path / "three.bib").read_text(encoding="utf-8").count("@") == 3
        count = app.library.count()
        await press(pilot, "delete")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "enter")
        assert app.library.count() == count - 3
        assert library_screen(app).paper_list.marked == []
        assert "Removed 3 papers" in notes.last
        await press(pilot, "u")  # one step brings all three back
        assert app.library.count() == count
        with open_library(demo_path) as library:
            assert len(library.papers(marked)) == 3


async def test_S_cycles_the_order_and_the_status_line_says_which(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        assert "library order" in static_text(app, "#scope-title")
        await press(pilot, "slash", *"diffusion")
        assert "best match first" in static_text(app, "#scope-title")  # once words are typed
        await press(pilot, "escape", "escape")
        assert "library order" in static_text(app, "#scope-title")
        for field in SORTS[1:]:
            await press(pilot, "S")
            assert screen.sort == field
            with open_library(demo_path) as library:
                expected = library.sorted_ids(library.search("").ids, field)
            assert screen.paper_list.ids == expected, field
        assert "last changed first" in static_text(app, "#scope-title")
        await press(pilot, "slash", *"diffusion", "escape")
        await press(pilot, "S", "S")  # for you, then back to the best match
        assert screen.sort == "relevance"
        assert "best match first" in static_text(app, "#scope-title")


async def test_a_broken_settings_file_is_a_notification_and_the_defaults(
    demo_path: Path, own_settings: Path
) -> None:
    own_settings.parent.mkdir(parents=True)
    own_settings.write_text('sort = "sideways"\n', encoding="utf-8")
    app = ReaderApp(demo_path)
    notes = Notes(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await settle(pilot)
        assert any("default settings" in message for message in notes.messages)
        assert library_screen(app).sort == "relevance"


async def test_sort_columns_and_keys_come_from_the_settings(
    demo_path: Path, own_settings: Path
) -> None:
    own_settings.parent.mkdir(parents=True)
    own_settings.write_text(
        'sort = "title"\ncolumns = ["status", "year"]\n\n[keys]\ntag = "ctrl+t"\n',
        encoding="utf-8",
    )
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        assert screen.sort == "title"
        with open_library(demo_path) as library:
            assert screen.paper_list.ids == library.sorted_ids(library.search("").ids, "title")
        row = screen.paper_list.render_line(3).text
        assert "Mar 11" not in row and "20" in row  # the year, not the listing date
        await press(pilot, "t")
        assert isinstance(app.screen, LibraryScreen)
        await press(pilot, "ctrl+t")
        assert isinstance(app.screen, TagDialog)
        await press(pilot, "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = "\n".join(plain(w.content) for w in app.screen.query(Static))
        tag_row = next(line for line in help_text.splitlines() if "Add or remove tags" in line)
        assert "Ctrl+t" in tag_row
        await press(pilot, "escape")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Add or remove")
        await wait_until(pilot, lambda: "Add or remove tags" in palette_labels(app))
        from textual.command import CommandList

        commands = app.screen.query_one(CommandList)
        prompt = plain(commands.get_option_at_index(0).prompt)
        assert "Ctrl+t" in prompt


async def test_the_theme_chosen_is_saved_and_applied_at_the_next_start(
    demo_path: Path, own_settings: Path
) -> None:
    async with running(demo_path) as (app, pilot):
        app.theme = "nord"  # what the palette's theme picker does, passing themes by
        app.theme = "catppuccin-latte"
        # Saved a moment later (THEME_SAVE_DELAY); the app then quits.
        await wait_until(pilot, lambda: load_settings(own_settings).theme == "catppuccin-latte")
    assert load_settings(own_settings).theme == "catppuccin-latte"
    async with running(demo_path) as (app, pilot):
        assert app.theme == "catppuccin-latte"
