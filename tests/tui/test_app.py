"""The app driven with the real keys; every change is checked on the widgets and in the database."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea
from tui_helpers import (
    Notes,
    detail_text,
    library_screen,
    open_library,
    plain,
    press,
    run_in_palette,
    running,
    settle,
    static_text,
    wait_until,
)

import reader.launch
from reader.demo import DEMO_LIST
from reader.tui.app import ReaderApp
from reader.tui.screens.dialogs import ListPickerDialog, PromptDialog, TagDialog
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.note_dialog import NoteDialog
from reader.tui.screens.paper import PaperScreen
from reader.tui.screens.welcome import WelcomeScreen
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.sidebar import Scope, Sidebar


def detail(app: ReaderApp) -> str:
    return detail_text(app)


def count_label(app: ReaderApp) -> str:
    return static_text(app, "#count")


def title_of(path: Path, paper_id: int) -> str:
    with open_library(path) as library:
        return library.paper(paper_id).title


def size_of(path: Path) -> int:
    with open_library(path) as library:
        return library.count()


def state(path: Path) -> list[tuple[int, str, int | None, tuple[str, ...]]]:
    """Status, rating and tags of every paper, read on a connection of its own."""
    with open_library(path) as library:
        ids = library.search("", fuzzy=False).ids
        return [(p.id, p.status, p.rating, p.tags) for p in library.papers(ids)]


async def go_to(pilot: Pilot, paper_id: int) -> None:
    """Move the list cursor onto a paper with j/k, as a person would."""
    papers = library_screen(pilot.app).paper_list
    target = papers.ids.index(paper_id)
    key = "j" if target > papers.cursor else "k"
    await press(pilot, *[key] * abs(target - papers.cursor))
    assert papers.highlighted == paper_id


async def show_reading_list(pilot: Pilot) -> LibraryScreen:
    """Jump to the demo reading list the way the palette does (the sidebar has its own test)."""
    screen = library_screen(pilot.app)
    screen.show_scope(Scope("list", DEMO_LIST, DEMO_LIST))
    await settle(pilot)
    assert pilot.app.focused is screen.paper_list
    return screen


async def choose_reading_list_in_sidebar(pilot: Pilot) -> LibraryScreen:
    """Choose the demo reading list in the sidebar with the keys, then go back to the list."""
    screen = library_screen(pilot.app)
    await press(pilot, "shift+tab")
    sidebar = screen.query_one(Sidebar)
    assert pilot.app.focused is sidebar
    wanted = f"list:{DEMO_LIST}"
    for _ in range(12):
        option = sidebar.get_option_at_index(sidebar.highlighted or 0)
        if option.id == wanted:
            break
        await press(pilot, "down")
    await press(pilot, "enter")
    await press(pilot, "tab")
    assert pilot.app.focused is screen.paper_list
    assert screen.scope.kind == "list"
    return screen


# -- moving --------------------------------------------------------------------------------


async def test_j_k_and_arrows_move_and_the_detail_follows(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        papers = library_screen(app).paper_list
        assert app.focused is papers
        assert papers.cursor == 0
        assert detail(app).startswith(title_of(demo_path, papers.ids[0]))
        for key, expected in [("j", 1), ("down", 2), ("j", 3), ("k", 2), ("up", 1)]:
            await press(pilot, key)
            assert papers.cursor == expected
            assert detail(app).startswith(title_of(demo_path, papers.ids[expected]))
        await press(pilot, "k", "k")
        assert papers.cursor == 0


async def test_g_G_home_end_and_paging_jump(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        papers = library_screen(app).paper_list
        last = len(papers.ids) - 1
        await press(pilot, "G")
        assert papers.cursor == last
        assert detail(app).startswith(title_of(demo_path, papers.ids[last]))
        await press(pilot, "g")
        assert papers.cursor == 0
        await press(pilot, "end")
        assert papers.cursor == last
        assert papers.scroll_offset.y > 0
        await press(pilot, "home")
        assert papers.cursor == 0
        assert papers.scroll_offset.y == 0

        page = papers.size.height - 1
        assert 0 < page < last
        await press(pilot, "pagedown")
        assert papers.cursor == page
        await press(pilot, "pagedown")
        assert papers.cursor == last
        await press(pilot, "pageup")
        assert papers.cursor == last - page
        await press(pilot, "pageup")
        assert papers.cursor == 0
        assert detail(app).startswith(title_of(demo_path, papers.ids[0]))


async def test_tab_cycles_the_panes(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        seen = [app.focused]
        for _ in range(4):
            await press(pilot, "tab")
            seen.append(app.focused)
        assert seen == [
            screen.paper_list,
            screen.query_one("#detail"),
            screen.search_input,
            screen.query_one(Sidebar),
            screen.paper_list,
        ]


# -- search --------------------------------------------------------------------------------


async def test_slash_focuses_search_and_typing_filters_with_a_count(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        total = size_of(demo_path)
        assert count_label(app) == f"{total} of {total}"
        await press(pilot, "slash")
        assert app.focused is screen.search_input
        await press(pilot, *"diffusion")
        assert screen.search_input.value == "diffusion"
        ids = screen.paper_list.ids
        assert 0 < len(ids) < total
        assert count_label(app) == f"{len(ids)} of {total}"
        with open_library(demo_path) as library:
            for paper in library.papers(ids):
                assert "diffusion" in (paper.title + paper.abstract).lower()


async def test_typing_action_keys_in_the_search_box_does_not_act(demo_path: Path) -> None:
    before = state(demo_path)
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await press(pilot, "slash", "s", "1", "q", "t", "question_mark")
        assert app.is_running
        assert app.screen is screen  # no dialog, no help
        assert screen.search_input.value == "s1qt?"
        assert app.focused is screen.search_input
    assert state(demo_path) == before
    with open_library(demo_path) as library:
        assert library.undo_history() == []


async def test_enter_in_search_focuses_the_first_result(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await press(pilot, "j", "j", "slash", *"lora")
        await press(pilot, "enter")
        assert app.focused is screen.paper_list
        assert screen.paper_list.cursor == 0
        first = screen.paper_list.ids[0]
        assert title_of(demo_path, first).startswith("LoRA")
        assert detail(app).startswith(title_of(demo_path, first))


async def test_escape_leaves_search_then_clears_the_query(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        total = size_of(demo_path)
        await press(pilot, "slash", *"bert")
        narrowed = len(screen.paper_list.ids)
        assert 0 < narrowed < total
        await press(pilot, "escape")
        assert app.focused is screen.paper_list
        assert screen.search_input.value == "bert"
        assert len(screen.paper_list.ids) == narrowed
        await press(pilot, "escape")
        assert screen.search_input.value == ""
        assert len(screen.paper_list.ids) == total
        assert count_label(app) == f"{total} of {total}"


async def test_malformed_query_is_said_once_typing_pauses(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        error_line = screen.query_one("#query-error", Static)
        await press(pilot, "slash", *"rating:>=")
        assert not error_line.display  # half-typed: nothing flashes
        await wait_until(pilot, lambda: error_line.display)  # once typing pauses (ERROR_PAUSE)
        assert error_line.display
        text = static_text(app, "#query-error")
        assert "rating" in text and "number" in text
        assert count_label(app) == "query error"
        height = screen.query_one("#top-bar").size.height
        await press(pilot, "4")
        assert not error_line.display
        assert screen.search_input.value == "rating:>=4"
        assert count_label(app) == f"{len(screen.paper_list.ids)} of {size_of(demo_path)}"
        assert screen.query_one("#top-bar").size.height == height
        await press(pilot, "backspace", "backspace", "backspace", "enter")  # Enter: at once
        await wait_until(pilot, lambda: error_line.display, rounds=100)
        assert app.is_running


async def test_a_typo_still_finds_diffusion_papers(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await press(pilot, "slash", *"difusion")
        ids = screen.paper_list.ids
        assert ids
        with open_library(demo_path) as library:
            papers = library.papers(ids)
        assert all("diffusion" in (p.title + p.abstract).lower() for p in papers)
        assert any("diffusion" in p.title.lower() for p in papers)
        assert "close" in count_label(app)


# -- curating the highlighted paper --------------------------------------------------------


async def test_number_keys_rate_and_zero_clears(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "j")  # BERT: unrated
        paper_id = library_screen(app).paper_list.highlighted
        assert paper_id is not None
        for key in "12345":
            await press(pilot, key)
            with open_library(demo_path) as library:
                assert library.paper(paper_id).rating == int(key)
        assert "★★★★★" in detail(app)
        await press(pilot, "0")
        with open_library(demo_path) as library:
            assert not library.paper(paper_id).rating
        assert "★" not in detail(app)


async def test_s_cycles_the_status(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "j")
        paper_id = library_screen(app).paper_list.highlighted
        assert paper_id is not None
        with open_library(demo_path) as library:
            assert library.paper(paper_id).status == "unread"
        await press(pilot, "s")
        with open_library(demo_path) as library:
            assert library.paper(paper_id).status == "reading"
        assert "◐ reading" in detail(app)
        await press(pilot, "s")
        with open_library(demo_path) as library:
            paper = library.paper(paper_id)
            assert paper.status == "read"
            assert paper.read_at
        assert "✓ read" in detail(app)
        await press(pilot, "s")
        with open_library(demo_path) as library:
            assert library.paper(paper_id).status == "unread"


async def test_t_adds_and_removes_tags(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "j")
        paper_id = library_screen(app).paper_list.highlighted
        assert paper_id is not None
        await press(pilot, "t")
        assert isinstance(app.screen, TagDialog)
        assert app.focused is app.screen.query_one("#tag-input", Input)
        await press(pilot, *"foo, bar", "enter")
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            assert {"foo", "bar"} <= set(library.paper(paper_id).tags)
        assert "#bar" in detail(app) and "#foo" in detail(app)
        await press(pilot, "t", *"-foo", "enter")
        with open_library(demo_path) as library:
            tags = library.paper(paper_id).tags
        assert "foo" not in tags and "bar" in tags
        assert "#foo" not in detail(app)
        await press(pilot, "t", *"baz -bar", "enter")  # both at once: one change
        with open_library(demo_path) as library:
            tags = library.paper(paper_id).tags
            assert "baz" in tags and "bar" not in tags
            assert library.undo_history()[0].description.startswith("retagged")
        await press(pilot, "u")  # one u takes both back
        with open_library(demo_path) as library:
            tags = library.paper(paper_id).tags
        assert "bar" in tags and "baz" not in tags


async def test_n_note_escape_cancels_and_ctrl_s_saves(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "j")
        paper_id = library_screen(app).paper_list.highlighted
        assert paper_id is not None
        await press(pilot, "n", *"no")
        assert isinstance(app.screen, NoteDialog)
        await press(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            assert library.notes(paper_id) == []
            assert library.undo_history() == []

        await press(pilot, "n")
        assert isinstance(app.screen, NoteDialog)
        assert app.focused is app.screen.query_one("#note-body", TextArea)
        await press(pilot, *"Skim")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            notes = library.notes(paper_id)
        assert [note.body for note in notes] == ["Skim"]
        assert "Skim" in detail(app)


async def test_a_adds_to_an_existing_list_or_creates_one(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "j")
        paper_id = library_screen(app).paper_list.highlighted
        with open_library(demo_path) as library:
            before = library.reading_list(DEMO_LIST)[1]
        assert paper_id not in before
        await press(pilot, "a")
        assert isinstance(app.screen, ListPickerDialog)
        await press(pilot, *"fou", "enter")
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1] == [*before, paper_id]
            assert len(library.lists()) == 1

        await press(pilot, "a", *"Wk 2")
        options = app.screen.query_one("#list-options", OptionList)
        assert options.get_option_at_index(options.highlighted or 0).id == "create"
        await press(pilot, "enter")
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            assert {item.name for item in library.lists()} == {DEMO_LIST, "Wk 2"}
            assert library.reading_list("Wk 2")[1] == [paper_id]
        assert "Wk 2" in detail(app)


async def test_shift_o_opens_the_code_link(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(reader.launch, "launch", opened.append)
    async with running(demo_path) as (app, pilot):
        with open_library(demo_path) as library:
            lora = library.resolve("lora-low-rank")
        await go_to(pilot, lora)
        await press(pilot, "O")
        await wait_until(pilot, lambda: bool(opened))
        assert opened == ["https://github.com/microsoft/LoRA"]


async def test_u_undoes_the_last_change_and_says_what(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        await press(pilot, "j")
        paper_id = library_screen(app).paper_list.highlighted
        assert paper_id is not None
        await press(pilot, "4", "t", *"zz", "enter")
        with open_library(demo_path) as library:
            assert library.paper(paper_id).rating == 4
            assert "zz" in library.paper(paper_id).tags
        await press(pilot, "u")
        assert notes.last.startswith("Undid: tagged")
        with open_library(demo_path) as library:
            paper = library.paper(paper_id)
            assert "zz" not in paper.tags and paper.rating == 4
        await press(pilot, "u")
        assert notes.last.startswith("Undid: rated")
        with open_library(demo_path) as library:
            assert not library.paper(paper_id).rating
        assert "★" not in detail(app)
        await press(pilot, "u")
        assert "nothing to undo" in notes.last.lower()
        assert app.is_running


# -- screens -------------------------------------------------------------------------------


async def test_enter_opens_the_paper_and_escape_returns(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        with open_library(demo_path) as library:
            lora = library.resolve("lora-low-rank")
        await go_to(pilot, lora)
        await press(pilot, "enter")
        assert isinstance(app.screen, PaperScreen)
        text = detail_text(app, "#paper-full")
        assert text.startswith("LoRA: Low-Rank Adaptation")
        assert "Notes (1)" in text  # the demo note is shown on the full page
        await press(pilot, "3")  # the paper keys work here too
        with open_library(demo_path) as library:
            assert library.paper(lora).rating == 3
        await press(pilot, "escape")
        assert app.screen is screen
        assert screen.paper_list.highlighted == lora
        assert "★★★☆☆" in detail(app)


async def test_question_mark_opens_the_help(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(plain(widget.content) for widget in app.screen.query(Static))
        for expected in [
            "Focus the search box",
            "Rate 1 to 5 stars",
            "unread → reading → read",
            "Export this list (or the marked papers)",
            "Undo the last change",
            "PgDn",
            "Ctrl+p",
            "tag:vision",
        ]:
            assert expected in text
        await press(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)


async def _palette(pilot: Pilot, typed: str, wanted: str) -> None:
    """Run a palette command that leads back to the library screen."""
    await run_in_palette(pilot, typed, wanted)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LibraryScreen))
    await settle(pilot)


async def test_palette_filters_by_a_tag_and_jumps_to_a_list(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await _palette(pilot, "#vision", "Tag: #vision")
        assert screen.scope.kind == "tag" and screen.scope.value == "vision"
        with open_library(demo_path) as library:
            expected = library.search("tag:vision", fuzzy=False).ids
            assert sorted(screen.paper_list.ids) == sorted(expected)
            for paper in library.papers(screen.paper_list.ids):
                assert any(tag.split("/")[0] == "vision" for tag in paper.tags)
        assert "#vision" in static_text(app, "#scope-title")

        await _palette(pilot, "List: R", f"List: {DEMO_LIST}")
        assert screen.scope.kind == "list"
        with open_library(demo_path) as library:
            assert screen.paper_list.ids == library.reading_list(DEMO_LIST)[1]


async def test_names_that_look_like_markup_are_shown_as_they_are(demo_path: Path) -> None:
    odd = "[/] odd [b]list"
    with open_library(demo_path) as library:
        library.create_list(odd)
        library.add_to_list(odd, library.search("", fuzzy=False).ids[:2])
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        screen = library_screen(app)
        await _palette(pilot, "odd", f"List: {odd}")
        assert screen.scope.kind == "list" and screen.scope.value == odd
        assert odd in static_text(app, "#scope-title")
        await press(pilot, "x")
        assert notes.last == f"Removed from {odd} (u undoes)."
        assert app.is_running
        with open_library(demo_path) as library:
            assert len(library.reading_list(odd)[1]) == 1


# -- the reading-list view -----------------------------------------------------------------


async def test_sidebar_reading_list_shows_the_list_in_order(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = await choose_reading_list_in_sidebar(pilot)
        with open_library(demo_path) as library:
            order = library.reading_list(DEMO_LIST)[1]
            titles = [library.paper(paper_id).title for paper_id in screen.paper_list.ids]
        assert screen.paper_list.ids == order
        assert titles[0] == "Attention Is All You Need"
        assert count_label(app) == "6 of 6"
        title = static_text(app, "#scope-title")
        assert DEMO_LIST in title and "1 of 6 read" in title


async def test_shift_j_k_move_the_paper_in_the_list(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        await press(pilot, "J", "x", "e")  # list keys do nothing outside a list
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            assert library.undo_history() == []
        screen = await show_reading_list(pilot)
        with open_library(demo_path) as library:
            order = library.reading_list(DEMO_LIST)[1]
        first, second = order[0], order[1]
        await press(pilot, "J")
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1] == [second, first, *order[2:]]
        assert screen.paper_list.ids[:2] == [second, first]
        assert screen.paper_list.highlighted == first  # the cursor stays on the moved paper
        await press(pilot, "J", "J")
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1].index(first) == 3
        await press(pilot, "K", "K", "K")
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1] == order
        await press(pilot, "K")  # already at the top: nothing moves
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1] == order


async def test_x_removes_the_paper_from_the_list(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        screen = await show_reading_list(pilot)
        await press(pilot, "j")
        removed = screen.paper_list.highlighted
        with open_library(demo_path) as library:
            order = library.reading_list(DEMO_LIST)[1]
            papers = library.count()
        await press(pilot, "x")
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1] == [p for p in order if p != removed]
            assert library.count() == papers  # the paper stays in the library
        assert removed not in screen.paper_list.ids
        assert screen.paper_list.highlighted == order[2]  # the cursor stays in place
        left = len(order) - 1
        assert count_label(app) == f"{left} of {left}"
        assert notes.last.startswith(f"Removed from {DEMO_LIST}")
        await press(pilot, "u")
        with open_library(demo_path) as library:
            assert library.reading_list(DEMO_LIST)[1] == order


@pytest.mark.skipif(
    importlib.util.find_spec("reader.export.markdown") is None,
    reason="the Markdown renderer (reader/export/markdown.py) is not there yet",
)
async def test_e_exports_the_list_to_markdown(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        await show_reading_list(pilot)
        await press(pilot, "e")
        assert isinstance(app.screen, PromptDialog)
        prompt = app.screen.query_one("#prompt-input", Input)
        assert prompt.value == "reading-group-foundations.md"
        await press(pilot, "enter")
        written = tmp_path / "reading-group-foundations.md"
        await wait_until(pilot, written.exists)
        assert isinstance(app.screen, LibraryScreen)
        await wait_until(pilot, lambda: notes.last.startswith("Wrote"))
        assert str(written) in notes.last
    text = written.read_text(encoding="utf-8")
    assert text.startswith(f"# {DEMO_LIST}")
    assert "Attention Is All You Need" in text


# -- first run, layout and outside changes -------------------------------------------------


async def test_empty_library_welcome_then_l_opens_the_demo_library(empty_path: Path) -> None:
    async with running(empty_path) as (app, pilot):
        assert isinstance(app.screen, WelcomeScreen)
        assert "reader import" in static_text(app, "#welcome-body")
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await settle(pilot)
        assert app.library_path != empty_path  # a library of its own
        assert "demo" in app.sub_title
        count = app.library.count()
        assert 35 <= count <= 45
        with open_library(empty_path) as library:
            assert library.count() == 0  # the person's own library is untouched
        screen = library_screen(app)
        assert len(screen.paper_list.ids) == count
        assert count_label(app) == f"{count} of {count}"
        assert app.focused is screen.paper_list


async def test_i_imports_a_listing_from_the_welcome_screen(
    empty_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a short relative path keeps the typing quick
    listing = tmp_path / "m.txt"
    listing.write_text(
        "new\n\nMar 11\n\nA Paper About Owls\n\nOwls see well at night.\n\n"
        "A Paper About Bats\n\nBats hear well at night.\n",
        encoding="utf-8",
    )
    async with running(empty_path) as (app, pilot):
        await press(pilot, "i")
        await pilot.press(*listing.name)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        await settle(pilot)
        with open_library(empty_path) as library:
            assert library.count() == 2
        assert len(library_screen(app).paper_list.ids) == 2


async def test_i_reports_a_bad_file_and_changes_nothing(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "b.txt"
    bad.write_bytes(b"\x00\x01binary")
    async with running(demo_path) as (app, pilot):
        with open_library(demo_path) as library:
            before = library.count()
        await press(pilot, "i")
        await pilot.press(*bad.name)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            assert library.count() == before


async def test_narrow_terminal_folds_the_sidebar_away(demo_path: Path) -> None:
    async with running(demo_path, size=(80, 24)) as (app, pilot):
        screen = library_screen(app)
        sidebar = screen.query_one(Sidebar)
        assert not sidebar.display
        assert screen.query_one(PaperList).size.width >= 40
        await press(pilot, "j", "3")  # still usable
        with open_library(demo_path) as library:
            assert library.paper(screen.paper_list.ids[1]).rating == 3
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert sidebar.display


async def test_ctrl_r_shows_changes_made_elsewhere(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await press(pilot, "j")
        paper_id = screen.paper_list.highlighted
        assert paper_id is not None
        with open_library(demo_path) as other:
            other.tag(paper_id, ["from-elsewhere"])
        await press(pilot, "ctrl+r")
        assert "#from-elsewhere" in detail(app)
        sidebar = screen.query_one(Sidebar)
        ids = [sidebar.get_option_at_index(i).id for i in range(sidebar.option_count)]
        assert "tag:from-elsewhere" in ids
        assert screen.paper_list.highlighted == paper_id
