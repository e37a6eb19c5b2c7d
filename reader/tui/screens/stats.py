"""Statistics: papers added and read per week, by status, by tag and by rating, as bars.

The figures are read in a worker on the app's connection for slow reads."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from reader.store.stats import LibraryStats
from reader.text import stars
from reader.tui.background import Background, Closing
from reader.tui.errors import app_work
from reader.tui.widgets.bar_chart import BarChart
from reader.tui.widgets.key_footer import KeyFooter

WEEKS = 12


def week_label(monday: str) -> str:
    try:
        return date.fromisoformat(monday).strftime("%b %d")
    except ValueError:
        return monday


class StatsScreen(Screen):
    """Read-only: Esc goes back; the figures are as of opening (r reads them again)."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="back"),
        Binding("r", "reload", "Reload", tooltip="Read the figures again", id="reload-stats"),
    ]

    def __init__(self, background: Background) -> None:
        super().__init__()
        self.background = background
        self.stats: LibraryStats | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats"):
            yield Static(Text("Statistics", style="bold"), id="stats-title")
            yield Static("Counting…", id="stats-summary")
            with Grid(id="stats-grid"):
                yield BarChart(f"Added per week (last {WEEKS})", id="chart-added")
                yield BarChart(f"Read per week (last {WEEKS})", id="chart-read")
                yield BarChart("By status", id="chart-status")
                yield BarChart("By rating", id="chart-rating")
                yield BarChart("By tag (most used)", id="chart-tags")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self._count()

    @app_work("count the statistics", thread=True, exclusive=True, group="stats")
    def _count(self) -> None:
        try:
            stats = self.background.read(lambda library: library.stats(WEEKS))
        except Closing:
            return
        self.app.call_from_thread(self.show, stats)

    def show(self, stats: LibraryStats) -> None:
        self.stats = stats
        self.query_one("#stats-summary", Static).update(
            f"{stats.papers} papers · {stats.new} new · {stats.notes} notes · "
            f"{stats.lists} reading lists"
        )
        weeks = [week_label(monday) for monday in stats.weeks]
        self.query_one("#chart-added", BarChart).rows = list(zip(weeks, stats.added, strict=True))
        self.query_one("#chart-read", BarChart).rows = list(zip(weeks, stats.read, strict=True))
        self.query_one("#chart-status", BarChart).rows = list(stats.statuses.items())
        self.query_one("#chart-rating", BarChart).rows = [
            (stars(n), count) for n, count in sorted(stats.ratings.items(), reverse=True)
        ]
        self.query_one("#chart-tags", BarChart).rows = [(f"#{n}", c) for n, c in stats.tags]
