"""Typing in the search box repaints what changed without a new layout of the screen, and what
a layout used to bring (the box scrolling its text, the list's scroll bar) still follows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tui_helpers import library_screen, open_library, press, running, settle

from reader.tui.widgets.search_box import SearchBox


async def test_a_query_longer_than_the_box_scrolls_to_keep_the_cursor_in_view(
    demo_path: Path,
) -> None:
    async with running(demo_path, size=(80, 24)) as (app, pilot):
        screen = library_screen(app)
        box = screen.search_input
        assert isinstance(box, SearchBox)
        await press(pilot, "slash")
        words = "transformer " * 12
        await press(pilot, *words.strip())
        assert box.value == words.strip()
        assert box.virtual_size.width > box.content_size.width
        assert box.scroll_offset.x > 0
        left, _, width, _ = box.content_region
        assert left <= box.cursor_screen_offset.x <= left + width  # after the last letter
        shown = "".join(segment.text for segment in box.render_line(0))
        assert "transformer" in shown
        await press(pilot, "home")
        assert box.scroll_offset.x == 0


async def test_the_scroll_bar_follows_the_number_of_results(demo_path: Path) -> None:
    async with running(demo_path, size=(100, 18)) as (app, pilot):
        screen = library_screen(app)
        papers = screen.paper_list
        room = papers.container_size.height
        total = len(papers.ids)
        assert total > room
        assert papers.show_vertical_scrollbar
        assert papers.vertical_scrollbar.window_virtual_size == total

        async def search(text: str) -> int:
            screen.search_input.value = text
            await settle(pilot)
            await pilot.pause()
            assert papers.virtual_size.height == len(papers.ids)
            return len(papers.ids)

        # Fewer papers, still more than fit: the thumb is told the new length.
        found = await search("model")
        assert room < found < total
        assert papers.show_vertical_scrollbar
        assert papers.vertical_scrollbar.window_virtual_size == found
        # Told at once, not at the next layout (which the detail pane would bring anyway).
        papers.set_ids(list(papers.ids)[:-1])
        assert papers.vertical_scrollbar.window_virtual_size == found - 1
        assert papers.virtual_size.height == found - 1
        # So few that they fit: the bar goes, and the list takes its column back.
        few = await search("diffusion")
        assert 0 < few <= room
        assert not papers.show_vertical_scrollbar
        # All again: the bar comes back with the whole length.
        assert await search("") == total
        assert papers.show_vertical_scrollbar
        assert papers.vertical_scrollbar.window_virtual_size == total
        # The end of the list is reachable.
        papers.focus()
        await press(pilot, "end")
        assert papers.cursor == total - 1
        assert papers.scroll_offset.y == total - papers.size.height


async def test_the_scroll_bar_repaints_only_when_its_thumb_changes(demo_path: Path) -> None:
    """Each search gives the list a new length; past a few hundred results the thumb stays the
    same one-cell mark, and repainting its column was a tenth of the results' frame."""
    async with running(demo_path, size=(100, 18)) as (app, pilot):
        papers = library_screen(app).paper_list
        bar = papers.vertical_scrollbar
        room = papers.container_size.height
        ids = list(papers.ids) * 20  # a long list: each paper twenty times
        assert len(ids) > room * room  # past this the thumb is one cell
        papers.set_ids(ids)
        await settle(pilot)
        asked: list[bool] = []
        refresh = bar.refresh

        def counted(*regions: Any, **kwargs: Any) -> Any:
            asked.append(True)
            return refresh(*regions, **kwargs)

        bar.refresh = counted  # type: ignore[method-assign]
        papers.set_ids(ids[:-1])  # one fewer of many: the same thumb
        assert bar.window_virtual_size == len(ids) - 1
        assert not asked
        papers.set_ids(ids[: room + 1])  # one more than fits: a thumb nearly the bar's length
        assert bar.window_virtual_size == room + 1
        assert asked
        await settle(pilot)
        asked.clear()
        papers.set_ids(ids[: room + 2])
        assert asked  # a shorter thumb again
        await settle(pilot)
        # Scrolled to the end, a shorter list moves the thumb.
        papers.set_ids(ids)
        papers.focus()
        await press(pilot, "end")
        asked.clear()
        papers.set_ids(ids[: len(ids) // 2], keep=ids[len(ids) // 2 - 1])
        assert asked


async def test_rows_drawn_once_are_drawn_again_when_their_look_or_paper_changes(
    demo_path: Path,
) -> None:
    async with running(demo_path) as (app, pilot):
        papers = library_screen(app).paper_list
        papers.focus()
        await settle(pilot)

        def row(y: int) -> list[tuple[str, object]]:
            return [(segment.text, segment.style) for segment in papers.render_line(y)]

        before = row(2)
        assert row(2) == before  # the same paper, place and look: the same row
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
        await settle(pilot)
        assert row(2) != before  # the theme's colours, not the kept row's
        themed = row(2)
        await press(pilot, "j", "j", "space")  # mark the paper on the third row
        assert row(2) != themed
        marked = row(2)
        paper_id = papers.ids[2]
        with open_library(demo_path) as library:
            library.rate(paper_id, 5)
        papers.invalidate([paper_id])  # as the app does when a paper changes
        await settle(pilot)
        assert row(2) != marked
        assert "★5" in "".join(text for text, _ in row(2))


def test_the_app_paints_up_to_120_frames_a_second_unless_told_otherwise() -> None:
    probe = "import reader.tui.app, textual.constants as c; print(c.MAX_FPS)"

    def frames(**env: str) -> int:
        environment = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"} | env
        done = subprocess.run(
            [sys.executable, "-c", probe], env=environment, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return int(done.stdout)

    assert frames() == 120
    assert frames(TEXTUAL_FPS="30") == 30


def test_the_app_tunes_the_collector_once_results_show(
    demo_path: Path,
) -> None:
    """The collector's full passes while typing walked everything the app made to start."""
    script = """
import asyncio, gc, sys
from reader.tui.app import ReaderApp

calls = []
freeze = gc.freeze
gc.freeze = lambda: (calls.append(gc.get_count()), freeze())

async def main():
    threshold = gc.get_threshold()[0]
    app = ReaderApp(sys.argv[1])
    async with app.run_test() as pilot:
        for _ in range(500):
            if calls:
                break
            await pilot.pause(0.01)
        shown = app.search_generation_done
        screen = app.screen
        screen.search_input.value = "diffusion"
        for _ in range(500):
            await pilot.pause(0.01)
            if app.search_generation_done >= screen.generation:
                break
        await pilot.pause(0.1)
        print(shown, len(calls), gc.get_freeze_count(), threshold, gc.get_threshold()[0])

asyncio.run(main())
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(demo_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    shown, freezes, frozen, before, after = map(int, done.stdout.split())
    assert shown >= 1  # after the first results were on screen
    assert freezes == 1  # once: what later searches make is collected as before
    assert frozen > 10_000  # the app's start, set aside
    # And the youngest generation is collected less often once the app draws.
    assert (before, after) == (700, 10_000)
