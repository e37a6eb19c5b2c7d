"""Beside the search box: how many papers were found, of how many; or what is wrong with the
query, in the words of the query language."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.store import SearchResult

PADDING = 2  # left of the count, apart from the search box
MIN_WIDTH = 14
MAX_WIDTH = 50


class SearchCount(Static):
    """``12 of 40``, ``~3 close`` for a typo's fuzzy answers, or the query's error in red."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._width = -1

    def show_found(self, result: SearchResult, total: int) -> None:
        count = Text(f"{len(result.ids):,} of {total:,}")
        self.tooltip = None
        if result.fuzzy and result.ids:
            count = Text(f"~{len(result.ids):,} close", style="italic")
            fixes = ", ".join(f"{w} → {ws[0]}" for w, ws in result.corrections.items())
            self.tooltip = f"No exact match; showing {fixes}"
        self._show(count)

    def show_error(self, message: str) -> None:
        self.tooltip = None
        self._show(Text(message.replace("bad query at ", ""), style="bold red"))

    def _show(self, text: Text) -> None:
        """The count keeps the widest room it has needed, right-aligned in it: a new layout
        (which repaints every widget it moves, and asks for a second one) comes only with a
        wider text, a few times a session, not at every key that changes the count's digits."""
        if text.cell_len > self._width:
            self._width = text.cell_len
            self.styles.width = min(max(self._width + PADDING, MIN_WIDTH), MAX_WIDTH)
        self.update(text, layout=False)
