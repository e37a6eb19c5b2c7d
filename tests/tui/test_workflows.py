"""The daily workflows that were broken or confusing: each pressed as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, TextArea
from tui_helpers import (
    Notes,
    library_screen,
    open_library,
    palette_labels,
    press,
    run_in_palette,
    running,
    settle,
    static_text,
    wait_until,
)

from reader.demo import DEMO_LIST
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import ConfirmDialog, TagDialog
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.note_dialog import NoteDialog, NotePickerDialog
from reader.tui.screens.welcome import WelcomeScreen
from reader.tui.widgets.sidebar import Scope, Sidebar


async def test_tab_completes_a_tag_and_enter_takes_what_is_shown(demo_path: Path) -> None:
    with open_library(demo_path) as library:
        library.tag(library.resolve("lora-low-rank"), ["pretraining"])
    async with running(demo_path) as (app, pilot):
        paper_id = library_screen(app).current_paper_id
        await press(pilot, "t", *"pr")
        tag_input = app.screen.query_one("#tag-input", Input)
        await wait_until(pilot, lambda: tag_input._suggestion == "pretraining")
        await press(pilot, "tab")
        assert isinstance(app.screen, TagDialog) and tag_input.value == "pretraining"
        await press(pilot, *" cla")
        await wait_until(pilot, lambda: tag_input._suggestion == "pretraining classic")
        await press(pilot, "enter")  # the completion shown is taken
        with open_library(demo_path) as library:
            tags = library.paper(paper_id).tags
        assert "pretraining" in tags and "classic" in tags
        assert "pr" not in tags and "cla" not in tags


def _luminance(color: Color) -> float:
    red, green, blue = (c / 255 for c in color.get_truecolor())

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(one: Color, other: Color) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_every_theme_draws_dates_tags_and_titles_readably(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        papers = library_screen(app).paper_list
        await press(pilot, "j", "j")  # the cursor aside: rows 0 and 1 in their own colours
        for theme in sorted(app.available_themes):
            if theme.startswith("ansi-"):
                continue  # the terminal's own colours
            app.theme = theme
            await settle(pilot)
            papers.invalidate()
            strip = papers.render_line(1)  # not the cursor's row; BERT has a date
            background = papers.rich_style.bgcolor
            segments = {seg.text.strip(): seg.style for seg in strip if seg.text.strip()}
            date = segments["Mar 11"]
            title = next(style for text, style in segments.items() if text.startswith("BERT"))
            assert _contrast(date.color, background) >= 2.5, theme
            assert _contrast(title.color, background) >= 4, theme
            # Dates are quieter than titles, never brighter.
            assert _contrast(date.color, background) < _contrast(title.color, background), theme
            attention = papers.render_line(0)
            chip = next(seg.style for seg in attention if seg.text.strip().startswith("#"))
            assert _contrast(chip.color, background) >= 3, theme


async def test_sidebar_counts_stay_on_their_line_with_many_tags(demo_path: Path) -> None:
    with open_library(demo_path) as library:
        paper_id = library.resolve("lora-low-rank")
        library.tag(paper_id, [f"topic-with-a-long-name-{n:02d}" for n in range(30)])
    async with running(demo_path) as (app, pilot):
        sidebar = library_screen(app).query_one(Sidebar)
        assert sidebar.virtual_size.height > sidebar.size.height  # it scrolls
        lines = sidebar.virtual_size.height
        assert lines <= sidebar.option_count + 2  # one line per option: no wrapped counts


async def test_a_tag_with_a_quote_is_shown_not_an_error(demo_path: Path) -> None:
    odd = 'say"hi'
    with open_library(demo_path) as library:
        paper_id = library.resolve("lora-low-rank")
        library.tag(paper_id, [odd])
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        screen.show_scope(Scope("tag", odd, f"#{odd}"))  # as the sidebar and palette do
        await settle(pilot)
        assert screen.paper_list.ids == [paper_id]
        assert "error" not in static_text(app, "#count")
        await press(pilot, "slash", *"low")
        assert screen.paper_list.ids == [paper_id]


async def test_L_and_the_palette_go_back_to_the_whole_library(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        screen.show_scope(Scope("list", DEMO_LIST, DEMO_LIST))
        await settle(pilot)
        await press(pilot, "L")
        assert screen.scope.kind == "all"
        assert len(screen.paper_list.ids) == app.library.count()
        screen.show_scope(Scope("list", DEMO_LIST, DEMO_LIST))
        await settle(pilot)
        await run_in_palette(pilot, "whole lib", "Back to the whole library")
        assert screen.scope.kind == "all"


async def test_a_search_in_a_list_says_it_is_limited_to_the_list(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        screen.show_scope(Scope("list", DEMO_LIST, DEMO_LIST))
        await settle(pilot)
        await press(pilot, "slash", *"detection")
        assert screen.paper_list.ids == []
        assert "limited to" in screen.paper_list.empty_text
        assert DEMO_LIST in screen.paper_list.empty_text
        await press(pilot, "escape", "L")
        await press(pilot, "slash", *"detection")
        assert screen.paper_list.ids  # in the library, not in the list


async def test_the_palette_lists_reader_s_commands_first(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await wait_until(pilot, lambda: len(palette_labels(app)) > 5)
        labels = palette_labels(app)
        assert labels[0] == "Focus the search box"
        assert labels.index("Theme") > labels.index("Undo the last change")
        await press(pilot, "escape")
        library_screen(app).show_scope(Scope("list", DEMO_LIST, DEMO_LIST))
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"export")
        await wait_until(pilot, lambda: bool(palette_labels(app)))
        await pilot.pause(0.3)
        labels = palette_labels(app)
        assert labels[0] == "Export this list (or the marked papers)", labels
        papers = [i for i, label in enumerate(labels) if label.startswith("Open:")]
        commands = [i for i, label in enumerate(labels) if not label.startswith("Open:")]
        assert not papers or max(commands) < min(papers)  # papers come last
        await press(pilot, "escape")


async def test_lists_are_created_renamed_described_and_deleted(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await run_in_palette(pilot, "create a read", "Lists: create a reading list")
        await press(pilot, *"Week 2", "enter")
        await run_in_palette(pilot, "rename a read", "Lists: rename a reading list")
        await press(pilot, *"Week 2", "enter")  # picks the list
        app.screen.query_one(Input).value = ""
        await press(pilot, *"Week two", "enter")
        with open_library(demo_path) as library:
            assert {item.name for item in library.lists()} == {DEMO_LIST, "Week two"}
        await run_in_palette(pilot, "describe a read", "Lists: describe a reading list")
        await press(pilot, *"Week two", "enter", *"Diffusion", "enter")
        with open_library(demo_path) as library:
            assert library.reading_list("Week two")[0].description == "Diffusion"
        # From the sidebar: d on the list under its cursor, then confirm.
        sidebar = screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("list:Week two")
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        with open_library(demo_path) as library:
            assert {item.name for item in library.lists()} == {DEMO_LIST}
        await press(pilot, "u")
        with open_library(demo_path) as library:
            assert "Week two" in {item.name for item in library.lists()}


async def test_tags_are_renamed_merged_and_deleted(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        sidebar = screen.query_one(Sidebar)
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("tag:to-try")
        await press(pilot, "R")
        app.screen.query_one(Input).value = "classic"  # onto an existing tag: merged
        await press(pilot, "enter")
        with open_library(demo_path) as library:
            names = {tag.name: tag.count for tag in library.tags()}
        assert "to-try" not in names and names["classic"] == 4
        await run_in_palette(pilot, "delete a tag", "Tags: delete a tag")
        await press(pilot, *"multimodal", "enter", "y")
        with open_library(demo_path) as library:
            assert "multimodal" not in {tag.name for tag in library.tags()}
        await press(pilot, "u")
        with open_library(demo_path) as library:
            assert "multimodal" in {tag.name for tag in library.tags()}


async def test_the_note_dialog_starts_in_the_body_and_quotes_whole_sentences(
    demo_path: Path,
) -> None:
    async with running(demo_path) as (app, pilot):
        paper_id = library_screen(app).current_paper_id
        await press(pilot, "n")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert app.focused is dialog.query_one("#note-body", TextArea)
        await press(pilot, *"Read twice")
        await press(pilot, "tab")
        picker = dialog.query_one("#quote", OptionList)
        assert app.focused is picker
        long_sentence = max(dialog.abstract_sentences, key=len)
        assert len(long_sentence) > 80
        shown = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert any(long_sentence in text for text in shown)  # whole, not cut at 80
        await press(pilot, "enter")
        await press(pilot, "ctrl+s")
        with open_library(demo_path) as library:
            note = library.notes(paper_id)[0]
        assert note.body == "Read twice" and note.quote == dialog.abstract_sentences[0]


async def test_N_edits_and_deletes_notes(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        with open_library(demo_path) as library:
            lora = library.resolve("lora-low-rank")
        screen = library_screen(app)
        await press(pilot, "j", "j", "j")
        assert screen.current_paper_id == lora
        await press(pilot, "N")
        assert isinstance(app.screen, NotePickerDialog)
        await press(pilot, "enter")
        editor = app.screen
        assert isinstance(editor, NoteDialog)
        body = editor.query_one("#note-body", TextArea)
        assert body.text.startswith("Only the small update matrices")
        body.text = "Rewritten."
        await press(pilot, "ctrl+s")
        with open_library(demo_path) as library:
            notes = library.notes(lora)
        assert [n.body for n in notes] == ["Rewritten."]
        assert notes[0].quote == "It adds no extra inference latency."
        await press(pilot, "N", "d")
        with open_library(demo_path) as library:
            assert library.notes(lora) == []
        await press(pilot, "u")
        with open_library(demo_path) as library:
            assert [n.body for n in library.notes(lora)] == ["Rewritten."]


async def test_a_missing_library_is_created_only_when_confirmed(tmp_path: Path) -> None:
    missing = tmp_path / "new" / "library.db"
    missing.parent.mkdir()
    app = ReaderApp(missing, ask_to_create=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert str(missing) in question
        await pilot.press("n")
        await pilot.pause(0.1)
    assert not missing.exists()
    app = ReaderApp(missing, ask_to_create=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
    assert missing.exists()


async def test_the_create_question_can_wait_while_the_app_polls_for_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check for other processes' changes runs on a timer from the start; while the app
    still asks whether to create the library there is nothing to check (it was a bug)."""
    import reader.tui.app

    monkeypatch.setattr(reader.tui.app, "POLL_SECONDS", 0.05)
    missing = tmp_path / "library.db"
    app = ReaderApp(missing, ask_to_create=True)
    async with app.run_test(size=(100, 30)) as pilot:
        notes = Notes(app)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.pause(0.3)  # several polls while the question is open
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        await pilot.pause(0.2)
        assert notes.messages == []
    assert missing.exists()


async def test_redo_after_undo(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        paper_id = library_screen(app).current_paper_id
        await press(pilot, "j", "2")
        paper_id = library_screen(app).current_paper_id
        await press(pilot, "u")
        assert "U redoes" in notes.last
        with open_library(demo_path) as library:
            assert not library.paper(paper_id).rating
        await press(pilot, "U")
        assert notes.last.startswith("Redid: rated")
        with open_library(demo_path) as library:
            assert library.paper(paper_id).rating == 2


@pytest.mark.parametrize("key", ["percent_sign", "palette"])
async def test_statistics_are_drawn_as_bars(tmp_path: Path, key: str) -> None:
    from reader.demo import create_demo_library
    from reader.tui.screens.stats import StatsScreen

    fresh = create_demo_library(tmp_path)  # added this week, by the real clock
    async with running(fresh) as (app, pilot):
        if key == "palette":
            await run_in_palette(pilot, "Statis", "Statistics")
        else:
            await press(pilot, key)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        await wait_until(pilot, lambda: screen.stats is not None)
        await settle(pilot)
        added = static_text(app, "#chart-added")
        assert "Added per week" in added and "█" in added and "40" in added
        status = static_text(app, "#chart-status")
        assert "unread" in status and "37" in status
        assert "#vision" in static_text(app, "#chart-tags")
        await press(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)
