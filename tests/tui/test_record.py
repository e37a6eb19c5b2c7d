"""The paper as a bibliographic record: shown, edited in a form, removed, opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static
from tui_helpers import (
    Notes,
    detail_text,
    library_screen,
    open_library,
    press,
    running,
    static_text,
    wait_until,
)

import reader.launch
from reader.models import Author
from reader.tui.screens.dialogs import ConfirmDialog
from reader.tui.screens.edit_form import EditDialog
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.paper import PaperScreen

AUTHORS = tuple(Author(f"Family{n}", f"Given{n}") for n in range(1, 9))


def give_record(path: Path) -> int:
    """Attention gets eight authors, a year, a venue and identifiers."""
    with open_library(path) as library:
        paper_id = library.resolve("attention-is-all-you-need")
        library.edit(
            paper_id,
            {
                "authors": AUTHORS,
                "year": 2017,
                "venue": "NeurIPS",
                "citekey": "vaswani2017attention",
                "arxiv": "1706.03762",
                "doi": "10.5555/3295222.3295349",
            },
        )
        library.clear_undo()
    return paper_id


def detail(app) -> str:  # type: ignore[no-untyped-def]
    return detail_text(app)


async def test_the_detail_pane_and_the_paper_screen_show_the_record(demo_path: Path) -> None:
    give_record(demo_path)
    async with running(demo_path) as (app, pilot):
        text = detail(app)
        assert "Given1 Family1, Given2 Family2" in text
        assert "Given6 Family6, et al." in text and "Family7" not in text
        assert "2017 · NeurIPS" in text
        assert "key vaswani2017attention" in text
        assert "arXiv 1706.03762" in text and "DOI 10.5555/3295222.3295349" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, PaperScreen)
        full = detail_text(app, "#paper-full")
        assert "2017 · NeurIPS" in full and "arXiv 1706.03762" in full


async def test_authors_and_year_become_columns_when_the_terminal_is_wide(
    demo_path: Path,
) -> None:
    give_record(demo_path)
    async with running(demo_path, size=(200, 40)) as (app, pilot):
        papers = library_screen(app).paper_list
        row = papers.render_line(0).text
        assert "Family1 et al." in row and "2017" in row
        assert "Attention Is All You Need" in row
    async with running(demo_path, size=(80, 24)) as (app, pilot):
        papers = library_screen(app).paper_list
        row = papers.render_line(0).text
        assert "et al." not in row  # no room: the title keeps it
        assert "Attention Is All You Need" in row


async def test_titles_get_the_room_blank_columns_would_take(demo_path: Path) -> None:
    """At 120 columns a title is not cut to ~37 characters for stars and tags it lacks."""
    async with running(demo_path) as (app, pilot):
        papers = library_screen(app).paper_list
        with open_library(demo_path) as library:
            titles = {p.id: p.title for p in library.papers(papers.ids[:20])}
        for y, paper_id in enumerate(papers.ids[:20]):
            line = papers.render_line(y).text
            shown = line[3:].split("…")[0].rstrip()
            assert len(shown) >= min(len(titles[paper_id]), 36), line


async def test_E_edits_the_record_and_u_undoes_it(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        paper_id = library_screen(app).paper_list.highlighted
        await press(pilot, "E")
        assert isinstance(app.screen, EditDialog)
        form = app.screen
        assert form.query_one("#field-title", Input).value == "Attention Is All You Need"
        year = form.query_one("#field-year", Input)
        assert year.value == "2017"
        year.value = ""
        year.focus()
        await press(pilot, *"2016")
        authors = form.query_one("#field-authors", Input)
        authors.value = ""
        authors.focus()
        await press(pilot, *"Vaswani, Ashish; Noam Shazeer", "enter")
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            paper = library.paper(paper_id)
        assert paper.year == 2016
        assert [a.family for a in paper.authors] == ["Vaswani", "Shazeer"]
        assert notes.last.startswith("Edited")
        assert "Ashish Vaswani, Noam Shazeer" in detail(app)
        await press(pilot, "u")
        with open_library(demo_path) as library:
            assert library.paper(paper_id).year == 2017


async def test_an_invalid_field_is_shown_inline_and_nothing_is_saved(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        paper_id = library_screen(app).paper_list.highlighted
        await press(pilot, "E")
        form = app.screen
        assert isinstance(form, EditDialog)
        form.query_one("#field-year", Input).value = ""
        form.query_one("#field-year", Input).focus()
        await press(pilot, *"twenty")
        form.query_one("#field-doi", Input).focus()
        await press(pilot, *"not-a-doi", "ctrl+s")
        assert app.screen is form  # still open
        error = form.query_one("#error-year", Static)
        assert error.display and "year is a number" in static_text(app, "#error-year")
        assert "not a DOI" in static_text(app, "#error-doi")
        assert app.focused is form.query_one("#field-year", Input)
        await press(pilot, "escape")
        with open_library(demo_path) as library:
            assert library.paper(paper_id).year == 2017
            assert library.undo_history() == []


async def test_delete_asks_then_removes_and_u_brings_it_back(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        paper_id = screen.paper_list.highlighted
        count = app.library.count()
        await press(pilot, "delete")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "escape")
        assert app.library.count() == count
        await press(pilot, "delete", "enter")
        assert isinstance(app.screen, LibraryScreen)
        assert app.library.count() == count - 1
        assert paper_id not in screen.paper_list.ids
        await press(pilot, "u")
        assert app.library.count() == count
        assert paper_id in screen.paper_list.ids


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    locations: list[str] = []
    monkeypatch.setattr(reader.launch, "launch", locations.append)
    return locations


async def test_o_opens_the_attached_file_else_the_page(
    demo_path: Path, tmp_path: Path, opened: list[str]
) -> None:
    paper_id = give_record(demo_path)
    pdf = tmp_path / "attention.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with open_library(demo_path) as library:
        library.attach(paper_id, pdf, link=True)
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        assert "file " in detail(app) and "attention.pdf" in detail(app)
        await press(pilot, "o")
        await wait_until(pilot, lambda: bool(opened))
        assert opened == [str(pdf)]
        pdf.unlink()  # a missing file: said, and the page opened instead
        await press(pilot, "o")
        await wait_until(pilot, lambda: len(opened) == 2)
        assert opened[1] == "https://arxiv.org/abs/1706.03762"
        assert any("Missing file" in message for message in notes.messages)


async def test_o_on_a_paper_with_nothing_to_open_is_a_notification(
    demo_path: Path, opened: list[str]
) -> None:
    with open_library(demo_path) as library:
        library.edit(library.resolve("attention-is-all-you-need"), {"arxiv": None, "doi": None})
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        await press(pilot, "o")
        assert app.is_running
        assert opened == []
        assert notes.last.startswith("Nothing to open")


async def test_related_papers_asked_for_as_the_screen_goes_are_not_an_error(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The related papers' worker asks which paper is highlighted; while the app closes, the
    list may already be gone (NoMatches): the answer is no longer wanted, nothing is reported."""
    from textual.css.query import NoMatches

    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        paper_id = screen.current_paper_id
        assert paper_id is not None

        def gone(self: LibraryScreen) -> int | None:
            raise NoMatches("No nodes match '#papers'")

        monkeypatch.setattr(LibraryScreen, "current_paper_id", property(gone))
        worker = screen._related_worker(paper_id, screen.generation)
        await worker.wait()
        monkeypatch.undo()
        await pilot.pause()
        assert worker.error is None
        assert app._exception is None
