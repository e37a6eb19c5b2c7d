"""Adding papers from the web (A) and finding arXiv entries from the palette, with the network
part replaced by a stand-in that waits until the test lets it answer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import (
    Notes,
    library_screen,
    open_library,
    press,
    run_in_palette,
    running,
    settle,
    wait_until,
)

import reader.web.add
import reader.web.enrich
from reader.incoming import ParsedPaper
from reader.models import Author
from reader.tui.screens.dialogs import PromptDialog
from reader.web.add import Lookup, _parse
from reader.web.http import WebError
from reader.web.reports import EnrichReport, Progress, TitleMatch

LORA = ParsedPaper(
    title="LoRA: Low-Rank Adaptation of Large Language Models",
    abstract="We propose low-rank adaptation.",
    listed=None,
    source="reader add",
    authors=(Author("Hu", "Edward J."),),
    year=2021,
    arxiv="2106.09685",
    publisher="A publisher the demo record lacks",
)
NEW = ParsedPaper(
    title="A Paper Nobody Has Seen",
    abstract="Something new entirely.",
    listed=None,
    source="reader add",
    year=2024,
    arxiv="2401.00001",
)


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """look_up reports progress, then waits for the test before answering."""
    go = threading.Event()

    def look_up(things, *, progress=None, settings=None):  # type: ignore[no-untyped-def]
        parsed, unparsed = _parse(things)
        if progress is not None:
            progress(Progress("lookup", 1, len(parsed), "2106.09685"))
        assert go.wait(10)
        records: dict[str, ParsedPaper | Exception] = {}
        for _, item in parsed:
            known = {"2106.09685": LORA, "2401.00001": NEW}.get(item.value)
            records[item.value] = known or WebError(f"{item.value}: not found")
        return Lookup(tuple(things), tuple(parsed), tuple(unparsed), records)

    monkeypatch.setattr(reader.web.add, "look_up", look_up)
    return go


async def test_A_adds_papers_while_the_screen_stays_live(
    demo_path: Path, answer: threading.Event
) -> None:
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        screen = library_screen(app)
        count = app.library.count()
        await press(pilot, "A")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"2106.09685 2401.00001 10.9999/nothing nonsense", "enter")
        progress = screen.query_one("#progress", Static)
        await wait_until(pilot, lambda: "Looking up 1 of 3" in str(progress.render()))
        assert progress.display
        await press(pilot, "j")  # the screen answers meanwhile
        assert screen.paper_list.cursor == 1
        answer.set()
        await wait_until(pilot, lambda: any("added" in m for m in notes.messages))
        await settle(pilot)
        summary = next(m for m in notes.messages if "added" in m)
        assert "1 added" in summary and "1 enriched" in summary and "2 failed" in summary
        assert not progress.display
        with open_library(demo_path) as library:
            assert library.count() == count + 1
            assert library.paper("2401.00001").title == NEW.title
            assert library.paper("lora-low-rank").arxiv == "2106.09685"
        assert len(screen.paper_list.ids) == count + 1


async def test_find_arxiv_entries_for_the_search_from_the_palette(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def enrich_library(library, query="", *, dry_run=False, progress=None, settings=None):  # type: ignore[no-untyped-def]
        asked.append(query)
        if progress is not None:
            progress(Progress("enrich", 2, 4, "Some title"))
        paper_id = library.resolve("lora-low-rank")
        return EnrichReport(
            candidates=4,
            looked_up=4,
            found=(TitleMatch(paper_id, "LoRA", "2106.09685", "LoRA", ("arxiv",)),),
            missing=(1, 2),
            ambiguous=(3,),
            not_asked=5,
        )

    monkeypatch.setattr(reader.web.enrich, "enrich_library", enrich_library)
    async with running(demo_path) as (app, pilot):
        notes = Notes(app)
        await press(pilot, "slash", *"lora", "enter")
        await run_in_palette(pilot, "Find arXiv", "Find arXiv entries for lora")
        await wait_until(pilot, lambda: any("filled" in m for m in notes.messages))
        assert asked == ["lora"]
        message = next(m for m in notes.messages if "filled" in m)
        assert message.startswith("1 filled, 2 not on arXiv, 1 ambiguous, of 4")
        assert "5 not on arXiv last time were not asked again" in message
