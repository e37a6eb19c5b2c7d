"""The paper list: a lazily drawn ScrollView, smooth at 100,000 papers.

Only the visible rows are ever built. The list holds just an array of paper ids; the rows for the
window on screen are fetched through a loader the screen supplies and kept in a small cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import PaperRow
from reader.text import one_line, stars, truncate

RowLoader = Callable[[Sequence[int]], list[PaperRow]]

STATUS_MARKS = {"unread": "•", "reading": "◐", "read": "✓"}
CACHE_LIMIT = 2_000


class PaperList(ScrollView, can_focus=True):
    """Rows of papers with a cursor; posts Highlighted and Selected messages."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="up"),
        Binding("g,home", "first", "First", show=False, id="first"),
        Binding("G,end", "last", "Last", show=False, id="last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
        Binding("enter", "select", "Open", tooltip="Open the paper full-screen", id="open-paper"),
    ]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--reading",
        "paper-list--read",
        "paper-list--stars",
        "paper-list--tags",
        "paper-list--date",
        "paper-list--empty",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, paper_id: int | None) -> None:
            super().__init__()
            self.paper_id = paper_id

        def can_replace(self, message: Message) -> bool:
            # Holding j down floods the queue: only the latest highlight matters.
            return isinstance(message, PaperList.Highlighted)

    class Selected(Message):
        def __init__(self, paper_id: int) -> None:
            super().__init__()
            self.paper_id = paper_id

    def __init__(self, loader: RowLoader, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loader = loader
        self.ids: list[int] = []
        self._rows: dict[int, PaperRow] = {}
        self.empty_text = "No papers."

    # -- data --------------------------------------------------------------------------------

    def set_ids(self, ids: Sequence[int], *, keep: int | None = None) -> None:
        """Show new results; keep the cursor on paper ``keep`` when it is still there."""
        self.ids = list(ids)
        self.virtual_size = Size(0, len(self.ids))
        index = 0
        if keep is not None:
            try:
                index = self.ids.index(keep)
            except ValueError:
                index = 0
        self._set_cursor(index, scroll=True)
        self.refresh()

    def invalidate(self, paper_ids: Iterable[int] | None = None) -> None:
        """Forget cached rows (all, or some) so they are read again from the library."""
        if paper_ids is None:
            self._rows.clear()
        else:
            for paper_id in paper_ids:
                self._rows.pop(paper_id, None)
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def _row(self, index: int) -> PaperRow | None:
        paper_id = self.ids[index]
        row = self._rows.get(paper_id)
        if row is None:
            top = self.scroll_offset.y
            window = self.ids[max(0, min(index, top)) : max(index, top) + self.size.height + 1]
            if len(self._rows) > CACHE_LIMIT:
                self._rows.clear()
            for loaded in self._loader(window):
                self._rows[loaded.id] = loaded
            row = self._rows.get(paper_id)
        return row

    # -- cursor ------------------------------------------------------------------------------

    def _set_cursor(self, index: int, *, scroll: bool = True) -> None:
        if not self.ids:
            self.cursor = 0
            self.post_message(self.Highlighted(None))
            return
        index = max(0, min(index, len(self.ids) - 1))
        old = self.cursor
        self.cursor = index
        self.refresh_line(old - self.scroll_offset.y)
        self.refresh_line(index - self.scroll_offset.y)
        if scroll:
            self.scroll_to_region(
                Region(0, index, max(self.size.width, 1), 1), animate=False, immediate=True
            )
        self.post_message(self.Highlighted(self.highlighted))

    def refresh_line(self, y: int) -> None:
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self.ids) - 1)

    def action_page_down(self) -> None:
        self._set_cursor(self.cursor + max(self.size.height - 1, 1))

    def action_page_up(self) -> None:
        self._set_cursor(self.cursor - max(self.size.height - 1, 1))

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def move_cursor_to(self, paper_id: int) -> None:
        if paper_id in self.ids:
            self._set_cursor(self.ids.index(paper_id))

    def on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.ids):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self._set_cursor(index, scroll=False)

    # -- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + self.scroll_offset.y
        base = self.rich_style
        if not self.ids:
            if y == 1:
                style = base + self.get_component_rich_style("paper-list--empty", partial=True)
                return Strip(
                    [Segment(truncate(f"  {self.empty_text}", width), style)]
                ).extend_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.ids):
            return Strip.blank(width, base)
        row = self._row(index)
        if row is None:
            return Strip.blank(width, base)
        cursor = None
        if index == self.cursor:
            cursor = self.get_component_rich_style("paper-list--cursor", partial=True)
            base = base + cursor
        return self._render_row(row, width, base, cursor)

    def _render_row(self, row: PaperRow, width: int, base: Style, cursor: Style | None) -> Strip:
        """Mark, title, then right-aligned columns: tags, stars (always reserved), date.

        The cursor's style goes on top of each column's own colour, so the highlighted row
        reads as one bar whatever the status colours are.
        """

        def styled(part: Style) -> Style:
            return base + part + cursor if cursor is not None else base + part

        status_style = self.get_component_rich_style(f"paper-list--{row.status}", partial=True)
        star_style = self.get_component_rich_style("paper-list--stars", partial=True)
        tag_style = self.get_component_rich_style("paper-list--tags", partial=True)
        date_style = self.get_component_rich_style("paper-list--date", partial=True)
        mark = STATUS_MARKS.get(row.status, " ")
        right_parts: list[tuple[str, Style]] = []
        if width >= 48 and row.tags:
            # The first tag, and how many more: all of them are in the detail pane.
            more = f" +{len(row.tags) - 1}" if len(row.tags) > 1 else ""
            room = max(8, width // 4) - len(more)
            right_parts.append((truncate(f"#{one_line(row.tags[0])}", room) + more, tag_style))
        rating = stars(row.rating) if row.rating else ""
        right_parts.append((f"{rating:<5}", star_style))
        if width >= 50:
            # Listing dates come from imported files: clean them like every other field.
            date = truncate(one_line(row.listed or ""), 8)
            right_parts.append((f"{date:<6}", date_style))
        right_width = sum(cell_len(text) + 1 for text, _ in right_parts)
        title_width = max(width - 3 - right_width - 1, 8)
        title = truncate(one_line(row.title), title_width)
        title += " " * (title_width - cell_len(title))
        segments = [
            Segment(f" {mark} ", styled(status_style)),
            Segment(title, styled(status_style if row.status == "unread" else Style())),
        ]
        for text, style in right_parts:
            segments.append(Segment(" " + text, styled(style)))
        return Strip(segments).crop(0, width).extend_cell_length(width, base)
