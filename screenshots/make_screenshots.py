"""Make the SVG screenshots of the main views from the real app on the demo library.

Run from the project folder:

    python screenshots/make_screenshots.py

It builds the demo library in a temporary folder, drives the app headless at 120x36 with the
real keys, and writes library.svg, search.svg, paper.svg, reading-list.svg, help.svg,
marked.svg, related.svg, edit.svg, triage.svg, stats.svg, library-light.svg and welcome.svg
next to this script. The library's clock (and the statistics' today) are fixed, and the app
reads a settings file of its own, so the SVGs only change when the app or the sample does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

import reader.store.clock
import reader.store.stats
from reader.demo import DEMO_LIST, create_demo_library
from reader.tui.app import ReaderApp
from reader.tui.screens.library import LibraryScreen
from reader.tui.widgets.sidebar import Sidebar

OUT = Path(__file__).resolve().parent
SIZE = (120, 36)
FIXED_NOW = "2024-05-01T09:00:00Z"


class FixedDatetime(datetime):
    """Statistics count weeks back from today: from the demo's fixed today."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def]
        return datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


async def settle(pilot: Pilot) -> None:
    """Wait until the latest search of the library screen is on screen and the detail pane's
    related papers are found, then for idle."""
    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        screen = app.screen
        if not isinstance(screen, LibraryScreen) or (
            app.search_generation_done == screen.generation
            and screen.detail_settled
            and isinstance(screen.related, list)
        ):
            break
        await asyncio.sleep(0.01)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def keys(pilot: Pilot, *names: str) -> None:
    for name in names:
        await pilot.press(name)
        await settle(pilot)


def shoot(app: ReaderApp, name: str) -> None:
    app.save_screenshot(name, str(OUT))
    print(f"wrote {OUT / name}")


async def library_views(folder: Path) -> None:
    app = ReaderApp(create_demo_library(folder))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "j", "j")
        shoot(app, "library.svg")

        await keys(pilot, "slash", *"diffusion", "enter")
        shoot(app, "search.svg")

        # Clear the search, find the LoRA paper (it has a note) and open it.
        await keys(pilot, "escape", "escape", "slash", *"lora", "enter", "enter")
        shoot(app, "paper.svg")

        # Back, clear the search, and choose the reading list in the sidebar.
        await keys(pilot, "escape", "escape", "escape", "shift+tab")
        sidebar = app.screen.query_one(Sidebar)
        for _ in range(12):
            if sidebar.get_option_at_index(sidebar.highlighted or 0).id == f"list:{DEMO_LIST}":
                break
            await keys(pilot, "down")
        await keys(pilot, "enter", "tab", "j")
        screen = app.screen
        if not (isinstance(screen, LibraryScreen) and screen.scope.kind == "list"):
            raise SystemExit("could not open the reading list")
        shoot(app, "reading-list.svg")

        await keys(pilot, "question_mark")
        shoot(app, "help.svg")

        # Back to the whole library: three papers marked, one a range.
        await keys(pilot, "escape", "L", "j", "space", "j", "v", "j", "j")
        shoot(app, "marked.svg")

        await keys(pilot, "escape", "g", "r")
        shoot(app, "related.svg")

        await keys(pilot, "L", "E")
        app.screen.query_one("#field-year").value = "twenty"  # type: ignore[attr-defined]
        await keys(pilot, "ctrl+s")  # refused, and said under the field
        shoot(app, "edit.svg")

        await keys(pilot, "escape", "T")
        await asyncio.sleep(0.5)  # the order is worked out in a worker
        await keys(pilot, "k")
        shoot(app, "triage.svg")

        await keys(pilot, "escape", "percent_sign")
        await asyncio.sleep(0.3)
        await settle(pilot)
        shoot(app, "stats.svg")


async def light_view(folder: Path) -> None:
    app = ReaderApp(create_demo_library(folder))
    app.theme = "catppuccin-latte"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "j", "j", "j")
        shoot(app, "library-light.svg")


async def welcome_view(folder: Path) -> None:
    app = ReaderApp(folder / "empty.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shoot(app, "welcome.svg")


async def main() -> None:
    reader.store.clock.now = lambda: FIXED_NOW
    reader.store.stats.datetime = FixedDatetime  # type: ignore[misc]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        os.environ["READER_CONFIG"] = str(folder / "config.toml")  # never the person's
        (folder / "one").mkdir()
        (folder / "two").mkdir()
        await library_views(folder / "one")
        await light_view(folder / "two")
        await welcome_view(folder)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
