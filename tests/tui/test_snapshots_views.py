"""SVG snapshots of the newer views, each in a dark and a light theme (fixed size and clock).

Update the baselines after an intended change with ``pytest tests/tui --snapshot-update`` and
look at the new SVGs before committing them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import SIZE, settle, settle_shown, wait_until

import reader.store.stats
from reader.tui.app import ReaderApp

THEMES = ["textual-dark", "catppuccin-latte"]
pytestmark = pytest.mark.usefixtures("related_looked_up_at_once")


class FixedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def]
        return datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def themed(path: Path, theme: str) -> ReaderApp:
    app = ReaderApp(path)
    app.theme = theme
    return app


async def _keys(pilot: Pilot, *keys: str) -> None:
    await settle_shown(pilot)  # what is under a dialog is finished too
    for key in keys:
        await pilot.press(key)
        await settle_shown(pilot)  # (and so before the next key)


@pytest.mark.parametrize("theme", THEMES)
def test_triage(snap_compare, demo_path: Path, theme: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "T")
        await wait_until(pilot, lambda: pilot.app.screen.order is not None)  # type: ignore[attr-defined]
        await _keys(pilot, "k")

    assert snap_compare(themed(demo_path, theme), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_edit_form(snap_compare, demo_path: Path, theme: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "E")
        form = pilot.app.screen
        form.query_one("#field-year").value = "twenty"  # type: ignore[attr-defined]
        await _keys(pilot, "ctrl+s")  # an error shown inline
        # The cursor, in the field in error, held still: a blink caught at any moment is not
        # part of what the form looks like.
        year = form.query_one("#field-year", Input)
        await wait_until(pilot, lambda: year.has_focus)
        for field in form.query(Input):
            field.cursor_blink = False
        await pilot.wait_for_scheduled_animations()
        await settle_shown(pilot)

    assert snap_compare(themed(demo_path, theme), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_statistics(
    snap_compare, demo_path: Path, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader.store.stats, "datetime", FixedDatetime)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "percent_sign")
        await wait_until(pilot, lambda: pilot.app.screen.stats is not None)  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(themed(demo_path, theme), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_related_list(snap_compare, demo_path: Path, theme: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "r")
        screen = pilot.app.screen
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(screen.related, list))  # type: ignore[attr-defined]
        await pilot.pause(0.2)  # the detail pane's new height laid out (and its scrollbar)

    assert snap_compare(themed(demo_path, theme), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_marked_papers(snap_compare, demo_path: Path, theme: str) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await _keys(pilot, "space", "space", "j", "v", "j", "j")
        screen = pilot.app.screen
        await settle(pilot)  # the detail pane follows the cursor, then its related papers
        await wait_until(pilot, lambda: isinstance(screen.related, list))  # type: ignore[attr-defined]
        await pilot.pause(0.2)  # the detail pane's new height laid out (and its scrollbar)

    assert snap_compare(themed(demo_path, theme), terminal_size=SIZE, run_before=run_before)
