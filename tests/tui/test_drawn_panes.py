"""The paper list and the detail pane draw their own lines: rows fill the list exactly whatever
their titles, the detail pane's text is cut to its width and scrolls to its end, and showing
another paper, or a new count of results, repaints without a new layout of the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets._footer import FooterKey
from tui_helpers import (
    detail_text,
    library_screen,
    press,
    running,
    settle,
    static_text,
    wait_until,
)

from reader.store import Library
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.paper_detail import PaperDetail

TITLES = (
    "深層学習による画像認識の研究とその応用について非常に長いタイトルの論文です",
    "Émoji 🎉🎉 and x² in a title that goes on and on for quite a while longer than most",
    "Short",
    "A" * 300,
    "Combining marks: e\u0301te\u0301 cafe\u0301 — and an em dash",
)


def layouts_of(screen: Screen) -> list[int]:
    """Counts the layouts a widget asks of the screen from now on (each repaints every widget
    it moves); scrolling's own cheaper pass is not one."""
    count = [0]
    layout = screen._refresh_layout

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        # The footer lays its keys out again when the focus moves (they change with it).
        origins = set().union(*screen._layout_widgets.values())
        asking = [widget for widget in origins if not isinstance(widget, (KeyFooter, FooterKey))]
        count[0] += bool(screen._layout_required and (asking or not origins))
        return layout(*args, **kwargs)

    screen._refresh_layout = counted  # type: ignore[method-assign]
    return count


def line_text(widget: object, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))  # type: ignore[attr-defined]


async def test_rows_fill_the_list_exactly_whatever_their_titles(tmp_path: Path) -> None:
    db = tmp_path / "wide.db"
    papers = [
        {"key": f"p{n}", "title": title, "abstract": "Text.", "year": 2020 + n, "rating": n or 5}
        for n, title in enumerate(TITLES)
    ]
    papers[0]["tags"] = ["a-tag-long-enough-to-be-cut-short-in-a-narrow-list", "second"]
    with Library(db) as library:
        library.restore(
            {
                "format": "reader-backup",
                "version": 1,
                "papers": papers,
                "tags": [],
                "annotations": [],
                "lists": [],
            }
        )
    for size in ((60, 20), (200, 50)):
        async with running(db, size=size) as (app, pilot):
            papers_list = library_screen(app).paper_list
            papers_list.focus()
            await press(pilot, "j", "space")  # a marked row, and the cursor on the next one
            width = papers_list.size.width
            for y in range(len(TITLES)):
                strip = papers_list.render_line(y)
                assert strip.cell_length == width, (size, y, line_text(papers_list, y))
                assert papers_list.ids[y] in papers_list._rows
            shown = "".join(line_text(papers_list, y) for y in range(len(TITLES)))
            assert "深層学習" in shown and "🎉" in shown and "Short" in shown


@pytest.mark.usefixtures("related_looked_up_at_once")
async def test_showing_another_paper_lays_nothing_out(demo_path: Path) -> None:
    # Tall enough that every demo paper fits the pane: no scroll bar comes or goes.
    async with running(demo_path, size=(200, 80)) as (app, pilot):
        screen = library_screen(app)
        detail = screen.query_one("#detail", PaperDetail)
        screen.paper_list.focus()
        await settle(pilot)
        layouts = layouts_of(screen)
        for _ in range(4):
            await press(pilot, "j")
            await wait_until(pilot, lambda: isinstance(detail.related, list))
            title = app.library.paper(screen.current_paper_id).title
            assert detail_text(app).startswith(title)
            assert title[:20] in line_text(detail, 0)
        assert not detail.show_vertical_scrollbar
        assert layouts[0] == 0


@pytest.mark.usefixtures("related_looked_up_at_once")
async def test_a_long_detail_scrolls_to_its_last_line(demo_path: Path) -> None:
    async with running(demo_path, size=(80, 24)) as (app, pilot):
        screen = library_screen(app)
        detail = screen.query_one("#detail", PaperDetail)
        screen.paper_list.focus()
        await press(pilot, "j", "j", "j")  # LoRA: an abstract, links and a note
        assert "LoRA" in detail_text(app)
        await wait_until(pilot, lambda: isinstance(detail.related, list))
        assert detail.virtual_size.height > detail.scrollable_content_region.height
        assert detail.show_vertical_scrollbar
        assert detail.vertical_scrollbar.window_virtual_size == detail.virtual_size.height
        detail.focus()
        await press(pilot, "end")
        await wait_until(pilot, lambda: detail.scroll_offset.y == detail.max_scroll_y > 0)
        bottom = [line_text(detail, y) for y in range(detail.scrollable_content_region.height)]
        assert any("key:lora" in line for line in bottom)
        width = detail.scrollable_content_region.width
        assert all(len(line.rstrip()) <= width for line in bottom)
        await press(pilot, "home")
        await wait_until(pilot, lambda: "LoRA" in line_text(detail, 0))


async def test_the_full_paper_keeps_its_lines_readable(demo_path: Path) -> None:
    async with running(demo_path, size=(200, 50)) as (app, pilot):
        screen = library_screen(app)
        screen.paper_list.focus()
        await press(pilot, "j", "j", "j", "enter")
        full = app.screen.query_one("#paper-full", PaperDetail)
        lines = [line_text(full, y) for y in range(full.virtual_size.height)]
        assert "LoRA" in lines[0]
        assert max(len(line.rstrip()) for line in lines) <= 100 < full.size.width
        assert full.virtual_size.width == 100


async def test_a_new_count_of_results_lays_nothing_out(demo_path: Path) -> None:
    # Tall enough that the whole demo library fits the list: its scroll bar never comes.
    async with running(demo_path, size=(200, 60)) as (app, pilot):
        screen = library_screen(app)
        total = len(screen.paper_list.ids)
        await press(pilot, "slash")  # (the footer shows the box's keys: a layout of its own)
        layouts = layouts_of(screen)
        await press(pilot, *"diffu")
        found = len(screen.paper_list.ids)
        assert 0 < found < total
        assert static_text(app, "#count") == f"{found} of {total}"
        assert "best match first" in static_text(app, "#scope-title")
        await settle(pilot)
        assert layouts[0] == 0
