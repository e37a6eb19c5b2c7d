"""What to read next: New in the sidebar, triage one paper at a time, related papers, and the
"for you" order."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from tui_helpers import (
    Notes,
    detail_text,
    library_screen,
    open_library,
    press,
    running,
    settle,
    static_text,
    wait_until,
)

import reader.tui.app
from reader.cli import main
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.triage import NO_TASTE, TriageScreen
from reader.tui.widgets.sidebar import Sidebar


def new_count(path: Path) -> int:
    with open_library(path) as library:
        return library.triage_counts()["new"]


async def test_the_sidebar_counts_new_papers_and_shows_them(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        sidebar = screen.query_one(Sidebar)
        option = sidebar.get_option("new:")
        assert "New" in str(option.prompt) and str(new_count(demo_path)) in str(option.prompt)
        await press(pilot, "shift+tab", "j")  # the sidebar moves with j, and previews
        assert screen.scope.kind == "new"
        with open_library(demo_path) as library:
            assert sorted(screen.paper_list.ids) == sorted(library.new_ids())


async def open_triage(pilot) -> TriageScreen:  # type: ignore[no-untyped-def]
    await press(pilot, "T")
    screen = pilot.app.screen
    assert isinstance(screen, TriageScreen)
    await wait_until(pilot, lambda: screen.order is not None)
    await settle(pilot)
    return screen


async def test_triage_keeps_skips_rates_goes_back_and_undoes(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        triage = await open_triage(pilot)
        total = len(triage.order or [])
        assert total == new_count(demo_path)
        first = triage.current_paper_id
        assert first is not None
        body = static_text(app, "#triage-body")
        with open_library(demo_path) as library:
            paper = library.paper(first)
        assert paper.abstract[-40:] in " ".join(body.split())  # the whole abstract
        assert "Why:" in body
        assert f"1 of {total} new" in static_text(app, "#triage-progress")

        await press(pilot, "k")  # keep: into "To read"
        second = triage.current_paper_id
        assert second != first
        await press(pilot, "x")  # skip
        third = triage.current_paper_id
        await press(pilot, "4")  # rate, and stay
        assert triage.current_paper_id == third
        assert f"3 of {total} new" in static_text(app, "#triage-progress")
        assert "1 kept · 1 skipped" in static_text(app, "#triage-progress")
        with open_library(demo_path) as library:
            assert first in library.reading_list("To read")[1]
            assert library.search("is:skipped", fuzzy=False).ids == [second]
            assert library.paper(third).rating == 4

        await press(pilot, "b")  # back to the skipped one
        assert triage.current_paper_id == second
        assert "skipped" in static_text(app, "#triage-body")
        await press(pilot, "space", "u")  # undo the rating of the third: it stays decided
        with open_library(demo_path) as library:
            assert not library.paper(third).rating
        assert triage.current_paper_id == third
        assert "1 kept · 1 skipped" in static_text(app, "#triage-progress")
        await press(pilot, "k")
        assert "2 kept" in static_text(app, "#triage-progress")
        await press(pilot, "u")  # undoing a keep brings its paper back, undecided
        assert triage.current_paper_id == third
        assert "1 kept · 1 skipped" in static_text(app, "#triage-progress")
        with open_library(demo_path) as library:
            assert third not in library.reading_list("To read")[1]

        await press(pilot, "escape")  # leaving keeps what was decided
        assert isinstance(app.screen, LibraryScreen)
        with open_library(demo_path) as library:
            assert first in library.reading_list("To read")[1]
            assert new_count(demo_path) == total - 3


async def test_triage_with_no_taste_says_how_to_get_recommendations(demo_path: Path) -> None:
    with open_library(demo_path) as library:  # forget every sign of taste
        for item in library.lists():
            library.delete_list(item.name)
        for tag in library.tags():
            library.delete_tag(tag.name)
        ids = library.search("", fuzzy=False).ids
        library.rate(ids, None)
        new_ids = library.new_ids()
    async with running(demo_path) as (app, pilot):
        triage = await open_triage(pilot)
        assert triage.order == new_ids  # listing order
        assert NO_TASTE in static_text(app, "#triage-body")


async def test_triage_recommends_with_a_reason(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        triage = await open_triage(pilot)
        body = static_text(app, "#triage-body")
        assert "like '" in body  # a reason from the recommender
        assert NO_TASTE not in triage.reasons.get(triage.current_paper_id or 0, "")


async def test_next_paper_is_on_screen_at_once(demo_path: Path) -> None:
    """Space reads and draws the next paper itself, with no worker to wait for: after one
    turn of the event loop the screen shows it (how soon is a benchmark figure)."""
    async with running(demo_path) as (app, pilot):
        triage = await open_triage(pilot)
        seen = []
        for _ in range(min(5, len(triage.order or []) - 1)):
            triage.action_next()  # what Space does
            await pilot.pause(0)
            paper = triage.paper
            assert paper is not None and paper.id == triage.current_paper_id
            assert paper.title.split(":")[0] in static_text(app, "#triage-body")
            seen.append(paper.id)
        assert len(set(seen)) == len(seen) >= 2


def test_reader_triage_opens_the_app_in_triage(demo_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    started: list[tuple[Path, str]] = []

    class Recorded:
        def __init__(self, path: Path, *, ask_to_create: bool, start: str) -> None:
            started.append((path, start))

        def run(self) -> None:
            pass

    monkeypatch.setattr(reader.tui.app, "ReaderApp", Recorded)
    result = CliRunner().invoke(main, ["--db", str(demo_path), "triage"])
    assert result.exit_code == 0, result.output
    assert started == [(demo_path, "triage")]


async def test_the_app_started_in_triage(demo_path: Path) -> None:
    from reader.tui.app import ReaderApp

    app = ReaderApp(demo_path, start="triage")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TriageScreen))
        await press(pilot, "escape")
        assert isinstance(app.screen, LibraryScreen)


# -- related papers ----------------------------------------------------------------------------


@pytest.mark.usefixtures("related_looked_up_at_once")
async def test_the_detail_pane_shows_related_papers_found_in_a_worker(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await wait_until(pilot, lambda: isinstance(screen.related, list))
        with open_library(demo_path) as library:
            expected = library.related(screen.current_paper_id, 5)
            title = library.paper(expected[0].paper_id).title
        assert [pid for pid, _, _ in screen.related] == [s.paper_id for s in expected]
        text = detail_text(app)
        assert "Related" in text and f"{expected[0].score:4.2f}" in text
        assert title[:20] in " ".join(text.split())


async def test_r_lists_the_related_papers(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        paper_id = screen.current_paper_id
        await press(pilot, "r")
        assert screen.scope.kind == "related"
        assert static_text(app, "#scope-title").startswith("Related to “Attention")
        with open_library(demo_path) as library:
            expected = library.search(f"related:{paper_id}", fuzzy=False).ids
        assert screen.paper_list.ids == expected and expected
        await press(pilot, "L")  # back to the whole library
        assert screen.scope.kind == "all"


async def test_the_for_you_order_ranks_by_taste(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        for _ in range(7):  # relevance → … → for you
            await press(pilot, "S")
        assert screen.sort == "for you"
        assert "for you" in static_text(app, "#scope-title")
        with open_library(demo_path) as library:
            ranked = [r.paper_id for r in library.recommend(library.search("").ids)]
        assert screen.paper_list.ids[: len(ranked)] == ranked


async def test_for_you_without_taste_says_so(demo_path: Path) -> None:
    with open_library(demo_path) as library:
        for item in library.lists():
            library.delete_list(item.name)
        for tag in library.tags():
            library.delete_tag(tag.name)
        library.rate(library.search("", fuzzy=False).ids, None)
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        for _ in range(7):
            await press(pilot, "S")
        await wait_until(pilot, lambda: any("Rate or keep" in m for m in notes.messages))
        assert app.is_running


async def test_triage_tags_and_opens_the_paper_shown(demo_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import reader.launch

    opened: list[str] = []
    monkeypatch.setattr(reader.launch, "launch", opened.append)
    async with running(demo_path) as (app, pilot):
        triage = await open_triage(pilot)
        paper_id = triage.current_paper_id
        await press(pilot, "t", *"later", "enter")
        assert isinstance(app.screen, TriageScreen)
        with open_library(demo_path) as library:
            paper = library.paper(paper_id)
        assert "later" in paper.tags
        assert "#later" in static_text(app, "#triage-body")
        await press(pilot, "o")
        await wait_until(pilot, lambda: bool(opened))
        assert opened == [paper.landing_page]
        assert triage.current_paper_id == paper_id  # still on it: tagging decides nothing
