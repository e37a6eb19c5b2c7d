"""Drawing one row of the paper list, with the styles of a frame worked out once.

A frame of new results draws every visible row (45 at 200x60). Asking Textual for the list's
style and each column's style costs more than drawing the row itself (the list's style walks
its ancestors' backgrounds), so a ``RowLook`` resolves them once per frame, and each
combination of base, mark and cursor is added up once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from reader.models import Paper
from reader.text import STATUS_MARKS, one_line, truncate
from reader.tui.widgets.columns import Column, tag_chip
from reader.tui.widgets.styles import foreground

COMPONENTS = ("marked", "unread", "reading", "read", "tags", "authors", "date", "stars")
PLAIN = ""  # the title of a paper being read or read: the row's own colours


@dataclass
class RowLook:
    """The styles of one frame of the list: what every row of it is drawn with."""

    base: Style
    parts: dict[str, Style]
    cursor: Style
    marked_background: Style
    _bases: dict[tuple[bool, bool], Style] = field(default_factory=dict)
    _styles: dict[tuple[str, bool, bool], Style] = field(default_factory=dict)

    @classmethod
    def of(cls, widget: Widget, base: Style) -> RowLook:
        parts = {name: foreground(widget, f"paper-list--{name}") for name in COMPONENTS}
        parts[PLAIN] = Style()
        marks = widget.get_component_rich_style("paper-list--marked", partial=False)
        return cls(
            base=base,
            parts=parts,
            cursor=widget.get_component_rich_style("paper-list--cursor", partial=False),
            marked_background=Style(bgcolor=marks.bgcolor),
        )

    def row_base(self, marked: bool, cursor: bool) -> Style:
        """The row's own style: the list's, with a mark's background, then the cursor's."""
        key = (marked, cursor)
        found = self._bases.get(key)
        if found is None:
            found = self.base + self.marked_background if marked else self.base
            if cursor:
                found = found + self.cursor
            self._bases[key] = found
        return found

    def style(self, part: str, marked: bool, cursor: bool) -> Style:
        """A part of a row over the row's style; the cursor's style goes on top of the part's
        own colour, so the highlighted row reads as one bar."""
        key = (part, marked, cursor)
        found = self._styles.get(key)
        if found is None:
            found = self.row_base(marked, cursor) + self.parts[part]
            if cursor:
                found = found + self.cursor
            self._styles[key] = found
        return found


@dataclass(frozen=True)
class Frame:
    """What every row of a frame shares: the styles, the width, the first row shown, the
    columns beside the title, and the part of a drawn row's cache key they make."""

    look: RowLook
    width: int
    top: int
    columns: Sequence[Column]
    key: tuple[object, ...]


def draw_row(
    row: Paper, frame: Frame, shown: tuple[str, ...], *, marked: bool, cursor: bool
) -> Strip:
    """Mark, status, title (with its first tag in the room it leaves), then the columns."""
    look, width, columns = frame.look, frame.width, frame.columns

    def styled(part: str) -> Style:
        return look.style(part, marked, cursor)

    show_status = "status" in shown
    mark = STATUS_MARKS.get(row.status, " ") if show_status else " "
    right_width = sum(column.width + 1 for column in columns)
    title_width = max(width - 3 - right_width - 1, 8)
    title = truncate(one_line(row.title), title_width)
    # Tags go in the room the title leaves: they never cut a title short.
    chip = ""
    title_cells = len(title) if title.isascii() else cell_len(title)
    room = title_width - title_cells - 2
    if "tags" in shown and row.tags and room >= 6:
        chip = truncate(tag_chip(row), room)
    chip_cells = len(chip) if chip.isascii() else cell_len(chip)
    gap = " " * (title_width - title_cells - chip_cells - (2 if chip else 0))
    segments = [
        Segment("▌" if marked else " ", styled("marked")),
        Segment(f"{mark} ", styled(row.status)),
        Segment(title, styled(row.status if row.status == "unread" else PLAIN)),
        Segment(f"  {chip}" if chip else "", styled("tags")),
        Segment(gap, styled(PLAIN)),
    ]
    exact = title_cells + chip_cells <= title_width
    for column in columns:
        text = truncate(column.value(row), column.width)
        exact = exact and text.isascii()
        segments.append(Segment(" " + text.ljust(column.width), styled(column.style)))
    row_base = look.row_base(marked, cursor)
    if exact and 3 + title_width + right_width == width - 1:
        # Every piece is as wide as planned: the strip's length is known, nothing to cut.
        segments.append(Segment(" ", row_base))
        return Strip(segments, width)
    return Strip(segments).crop(0, width).extend_cell_length(width, row_base)
