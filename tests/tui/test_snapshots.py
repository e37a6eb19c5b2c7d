"""SVG snapshots of the main views on the demo library (fixed size, fixed clock).

Update the baselines after an intended change with ``pytest tests/tui --snapshot-update`` and
look at the new SVGs before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import SIZE, settle, settle_shown

from reader.demo import DEMO_LIST
from reader.tui.app import ReaderApp
from reader.tui.screens.library import LibraryScreen
from reader.tui.widgets.sidebar import Scope

pytestmark = pytest.mark.usefixtures("related_looked_up_at_once")


async def _keys(pilot: Pilot, *keys: str) -> None:
    await settle_shown(pilot)  # what is under a dialog is finished too
    for key in keys:
        await pilot.press(key)
        await settle_shown(pilot)  # (and so before the next key)


def test_library_view(snap_compare, demo_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "j", "j")

    assert snap_compare(ReaderApp(demo_path), terminal_size=SIZE, run_before=run_before)


def test_search_results(snap_compare, demo_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "slash", *"diffu", "enter")

    assert snap_compare(ReaderApp(demo_path), terminal_size=SIZE, run_before=run_before)


def test_paper_screen_with_a_note(snap_compare, demo_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "j", "j", "j")  # LoRA, the paper with the demo's note
        assert "LoRA" in pilot.app.library.paper(pilot.app.screen.current_paper_id).title
        await _keys(pilot, "enter")

    assert snap_compare(ReaderApp(demo_path), terminal_size=SIZE, run_before=run_before)


def test_reading_list_view(snap_compare, demo_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LibraryScreen)
        screen.show_scope(Scope("list", DEMO_LIST, DEMO_LIST))  # as the palette does
        await settle(pilot)
        await _keys(pilot, "j")

    assert snap_compare(ReaderApp(demo_path), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, demo_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "question_mark")

    assert snap_compare(ReaderApp(demo_path), terminal_size=SIZE, run_before=run_before)
