"""The paper list: a lazily drawn ScrollView, smooth at 100,000 papers.

Only the visible rows are ever built. The list holds just an array of paper ids; the papers for
the window on screen are fetched through a loader the screen supplies and kept in a small cache.
The columns beside the title are the ones the settings ask for, shown only when the papers on
screen have something to put in them, so the title gets the room a blank column would take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.config import DEFAULT_COLUMNS
from reader.models import Paper
from reader.store.results import Results
from reader.text import truncate
from reader.tui.widgets.columns import COLUMNS, KEEP, Column
from reader.tui.widgets.paper_rows import Frame, RowLook, draw_row
from reader.tui.widgets.scrolling import set_virtual_size
from reader.tui.widgets.styles import foreground

RowLoader = Callable[[Sequence[int]], list[Paper]]

CACHE_LIMIT = 2_000
# Rows drawn lately, kept while their paper, place and look are the same: as a query grows a
# letter at a time, most of the papers on screen stay, and a row is drawn once, not per key.
STRIP_LIMIT = 400


class PaperList(ScrollView, can_focus=True):
    """Rows of papers with a cursor and marks; posts Highlighted, Selected and Marked."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="up"),
        Binding("g,home", "first", "First", show=False, id="first"),
        Binding("G,end", "last", "Last", show=False, id="last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
        Binding("enter", "select", "Open", tooltip="Open the paper full-screen", id="open-paper"),
        Binding("space", "toggle_mark", "Mark", tooltip="Mark or unmark the paper", id="mark"),
        Binding(
            "v", "mark_range", "Range", show=False, tooltip="Mark a range: v, move", id="range"
        ),
        Binding(
            "asterisk", "mark_all", "All", show=False, tooltip="Mark every paper shown", id="all"
        ),
    ]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--marked",
        "paper-list--unread",
        "paper-list--reading",
        "paper-list--read",
        "paper-list--stars",
        "paper-list--tags",
        "paper-list--authors",
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

    class Marked(Message):
        """The marked papers changed (the screen counts them in its status line)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PaperList.Marked)

    def __init__(
        self, loader: RowLoader, *, columns: Sequence[str] = DEFAULT_COLUMNS, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._loader = loader
        self.columns = tuple(columns)
        self.ids: Sequence[int] = []
        self._rows: dict[int, Paper] = {}
        self._strips: dict[tuple[object, ...], tuple[Paper, Strip]] = {}
        self.empty_text = "No papers."
        self._marked: dict[int, None] = {}  # in the order marked
        self.anchor: int | None = None  # where ``v`` started a range
        self._layout_key: tuple[int, int, int, int] | None = None
        self._layout: list[Column] = []
        self._version = 0
        self._look: tuple[tuple[object, ...], RowLook] | None = None  # styles, by their key
        self._drawing: Frame | None = None  # while a frame is drawn

    # -- data --------------------------------------------------------------------------------

    def set_ids(self, ids: Sequence[int], *, keep: int | None = None) -> None:
        """Show new results; keep the cursor on paper ``keep`` when it is still there."""
        # Kept as given: a result of a million papers is a compressed bitmap read where the
        # screen looks; a list would make a Python int of every id on every keystroke.
        self.ids = ids
        self._version += 1
        set_virtual_size(self, Size(0, len(self.ids)))  # a layout only if the bar comes or goes
        index = 0
        if keep is not None:
            try:
                index = self.ids.index(keep)
            except ValueError:
                index = 0
        if self.anchor is not None:
            self.anchor = min(self.anchor, max(len(self.ids) - 1, 0))
        self._set_cursor(index, scroll=True)
        self.refresh()

    def invalidate(self, paper_ids: Iterable[int] | None = None) -> None:
        """Forget cached rows (all, or some) so they are read again from the library."""
        if paper_ids is None:
            self._rows.clear()
        else:
            for paper_id in paper_ids:
                self._rows.pop(paper_id, None)
        self._version += 1
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def _row(self, index: int) -> Paper | None:
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

    # -- marks -------------------------------------------------------------------------------

    @property
    def marked(self) -> list[int]:
        """The marked papers, a range being marked with ``v`` included, in list order."""
        chosen = set(self._marked) | set(self._range())
        if isinstance(self.ids, Results):  # finds a paper's place without reading the rest
            shown = [paper_id for paper_id in chosen if paper_id in self.ids]
            return sorted(shown, key=self.ids.index)
        return [paper_id for paper_id in self.ids if paper_id in chosen]

    def _range(self) -> list[int]:
        if self.anchor is None or not self.ids:
            return []
        low, high = sorted((self.anchor, self.cursor))
        return self.ids[low : high + 1]

    def _marks_changed(self) -> None:
        self.refresh()
        self.post_message(self.Marked())

    def action_toggle_mark(self) -> None:
        paper_id = self.highlighted
        if paper_id is None:
            return
        if self.anchor is not None:
            self._end_range()
        if paper_id in self._marked:
            del self._marked[paper_id]
        else:
            self._marked[paper_id] = None
        self._marks_changed()
        self._set_cursor(self.cursor + 1)

    def action_mark_range(self) -> None:
        """``v`` starts a range at the cursor; moving extends it; ``v`` again keeps it."""
        if self.anchor is None:
            self.anchor = self.cursor
        else:
            self._end_range()
        self._marks_changed()

    def _end_range(self) -> None:
        for paper_id in self._range():
            self._marked[paper_id] = None
        self.anchor = None

    def action_mark_all(self) -> None:
        self.anchor = None
        self._marked = dict.fromkeys(self.ids)
        self._marks_changed()

    def clear_marks(self) -> bool:
        """Forget every mark; False when there was none."""
        if not self._marked and self.anchor is None:
            return False
        self._marked = {}
        self.anchor = None
        self._marks_changed()
        return True

    # -- cursor ------------------------------------------------------------------------------

    def _set_cursor(self, index: int, *, scroll: bool = True) -> None:
        if not self.ids:
            self.cursor = 0
            self.post_message(self.Highlighted(None))
            return
        index = max(0, min(index, len(self.ids) - 1))
        old = self.cursor
        self.cursor = index
        if self.anchor is not None:
            self.refresh()
            self.post_message(self.Marked())
        else:
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

    def render_lines(self, crop: Region) -> list[Strip]:
        self._drawing = self._frame()  # what every row of this frame shares, worked out once
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def notify_style_update(self) -> None:
        self._look = None
        super().notify_style_update()

    def _frame(self) -> Frame:
        width = self.size.width
        base = self.rich_style
        key = (base, self.app.theme, self.has_focus)
        if self._look is None or self._look[0] != key:
            self._look = (key, RowLook.of(self, base))
        columns = self._columns(width)
        names = tuple(column.name for column in columns)
        return Frame(
            self._look[1],
            width,
            self.scroll_offset.y,
            columns,
            (width, names, self.columns, *key),
        )

    def render_line(self, y: int) -> Strip:
        frame = self._drawing or self._frame()
        width, base = frame.width, frame.look.base
        index = y + frame.top
        if not self.ids:
            if y == 1:
                style = base + foreground(self, "paper-list--empty")
                return Strip(
                    [Segment(truncate(f"  {self.empty_text}", width), style)]
                ).extend_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.ids):
            return Strip.blank(width, base)
        row = self._row(index)
        if row is None:
            return Strip.blank(width, base)
        marked = row.id in self._marked or (
            self.anchor is not None
            and min(self.anchor, self.cursor) <= index <= max(self.anchor, self.cursor)
        )
        if index == self.cursor:  # one row, styled by focus too: always drawn afresh
            return draw_row(row, frame, self.columns, marked=marked, cursor=True)
        key = (row.id, marked, frame.key)
        drawn = self._strips.get(key)
        if drawn is not None and drawn[0] is row:
            return drawn[1]
        strip = draw_row(row, frame, self.columns, marked=marked, cursor=False)
        if len(self._strips) > STRIP_LIMIT:
            self._strips.clear()
        self._strips[key] = (row, strip)
        return strip

    def _columns(self, width: int) -> list[Column]:
        """The columns for the papers on screen now: wanted, filled by one of them at least,
        and leaving the title at least three fifths of the row."""
        top = self.scroll_offset.y
        key = (top, self.size.height, width, self._version)
        if key == self._layout_key:
            return self._layout
        window = [self._row(i) for i in range(top, min(top + self.size.height, len(self.ids)))]
        papers = [paper for paper in window if paper is not None]
        wanted = [
            COLUMNS[name]
            for name in COLUMNS
            if name in self.columns and any(COLUMNS[name].value(paper) for paper in papers)
        ]
        title_room = max(30, width * 3 // 5)
        for name in reversed(KEEP):
            if sum(c.width + 1 for c in wanted) + title_room + 4 <= width:
                break
            wanted = [column for column in wanted if column.name != name]
        self._layout_key, self._layout = key, wanted
        return wanted
