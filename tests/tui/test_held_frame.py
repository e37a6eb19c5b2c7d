"""A key typed in the search box and the results it asks for are painted in one frame when the
search answers in time; a slow search never holds the key's echo longer than the limit, and a
malformed query or a closing app never leaves the screen unpainted."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static
from tui_helpers import library_screen, press, running, settle

from reader.tui import held_frame
from reader.tui.app import ReaderApp


class Frames:
    """What the search box and the list held at each frame handed to the terminal."""

    def __init__(self, app: ReaderApp) -> None:
        self.shown: list[tuple[str, int]] = []
        screen = library_screen(app)
        display = app._display

        def recorded(screen_: Any, renderable: Any) -> None:
            display(screen_, renderable)
            if renderable is not None:
                self.shown.append((screen.search_input.value, len(screen.paper_list.ids)))

        app._display = recorded  # type: ignore[method-assign]


async def until(condition: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not met in time")


async def test_the_key_and_its_results_are_painted_in_one_frame(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A limit far beyond any search here: the frame can only come with the results.
    monkeypatch.setattr(held_frame, "LONGEST", 30.0)
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        everything = len(screen.paper_list.ids)
        await press(pilot, "slash", *"image")
        before = len(screen.paper_list.ids)
        search = screen.searcher.search

        def unhurried(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.3)  # frames enough for an echo alone, were one to be painted
            return search(*args, **kwargs)

        monkeypatch.setattr(screen.searcher, "search", unhurried)
        frames = Frames(app)
        await press(pilot, "s")
        found = len(screen.paper_list.ids)
        assert 0 < found < before < everything
        await until(lambda: frames.shown)
        # No frame of the echo alone: the key is painted with its results.
        assert ("images", before) not in frames.shown
        assert ("images", found) in frames.shown
        assert not screen.held_frame.holding


async def test_a_slow_search_shows_the_key_at_the_limit_then_its_results(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_frame, "LONGEST", 0.05)
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        everything = len(screen.paper_list.ids)
        await press(pilot, "slash", *"image")
        before = len(screen.paper_list.ids)
        assert before < everything
        gate = threading.Event()
        search = screen.searcher.search

        def slow(*args: Any, **kwargs: Any) -> Any:
            gate.wait(10)
            return search(*args, **kwargs)

        monkeypatch.setattr(screen.searcher, "search", slow)
        frames = Frames(app)
        await pilot.press("s")
        # The echo is painted while the search still waits, with the old results.
        await until(lambda: ("images", before) in frames.shown)
        assert not screen.held_frame.holding
        gate.set()
        await settle(pilot)
        found = len(screen.paper_list.ids)
        assert found < before
        await until(lambda: ("images", found) in frames.shown)


async def test_a_malformed_query_is_painted_without_waiting_for_the_limit(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_frame, "LONGEST", 30.0)
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await press(pilot, "slash")
        frames = Frames(app)
        await press(pilot, "quotation_mark")  # an open quote: the query cannot be read
        await until(lambda: any(value == '"' for value, _ in frames.shown))
        assert not screen.held_frame.holding


async def test_closing_the_app_while_a_frame_is_held_ends_it(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_frame, "LONGEST", 30.0)
    gate = threading.Event()
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        await press(pilot, "slash")
        search = screen.searcher.search

        def stuck(*args: Any, **kwargs: Any) -> Any:
            gate.wait(10)
            return search(*args, **kwargs)

        monkeypatch.setattr(screen.searcher, "search", stuck)
        await pilot.press("v")
        assert screen.held_frame.holding
        await pilot.press("ctrl+q")  # leaves the app with a search still waiting
        gate.set()
    assert not screen.held_frame.holding


async def test_what_changed_while_held_is_painted_as_soon_as_the_hold_ends(
    demo_path: Path,
) -> None:
    """Ending the hold asks the screen to paint: nothing else may come to ask it."""
    async with running(demo_path) as (app, pilot):
        screen = library_screen(app)
        screen.paper_list.focus()  # no blinking cursor to bring a frame of its own
        await settle(pilot)
        frames = Frames(app)
        held = held_frame.HeldFrame(app, longest=30.0)
        held.hold()
        title = screen.query_one("#brand", Static)
        title.update("held")
        await asyncio.sleep(0.2)
        assert not frames.shown
        held.release()
        await until(lambda: frames.shown, timeout=1.0)
        assert "held" in str(title.render())


async def test_a_hold_ended_after_the_last_screen_is_gone_is_harmless(demo_path: Path) -> None:
    async with running(demo_path) as (app, pilot):
        held = held_frame.HeldFrame(app, longest=30.0)
        held.hold()
    held.release()  # the app has closed and has no screen left
    assert not held.holding
