"""Telling a line-drawn view its new height without a new layout of the screen.

A change of a ScrollView's virtual size asks Textual for a layout, and a layout repaints every
widget whose region it touches, then asks for a second one as sizes settle: 10-30 ms each at
200x60. A view that draws its own lines needs one only when its scroll bar appears or goes
(the bar takes a column); otherwise the bar's thumb is told the new length, and the view
repaints itself.

The bar itself is repainted only when its thumb moves or changes size. Each search gives the
list a new length, but past a few hundred results the thumb is the same one-cell mark at the
top: repainting the column anyway cost 2-3 ms of the frame that shows the results.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar


def set_virtual_size(view: ScrollView, size: Size) -> None:
    room = view.container_size.height
    if not room or (size.height > room) != view.show_vertical_scrollbar:
        view.virtual_size = size
        return
    view.set_reactive(ScrollView.virtual_size, size)
    if view.show_vertical_scrollbar:
        bar = view.vertical_scrollbar
        if _drawn_bar(bar, size.height) == _drawn_bar(bar, bar.window_virtual_size):
            bar.set_reactive(ScrollBar.window_virtual_size, size.height)  # nothing to repaint
        else:
            bar.window_virtual_size = size.height


def _drawn_bar(bar: ScrollBar, length: int) -> list[Segment]:
    """The cells of a vertical bar over ``length`` lines, as the bar's renderer draws them
    (``ScrollBar._render_bar``'s arguments; the colours are the same either way)."""
    window = bar.window_size if bar.window_size < length else 0
    drawn = bar.renderer.render_bar(
        size=bar.size.height,
        virtual_size=ceil(length),
        window_size=ceil(window),
        position=bar.position,
        thickness=bar.thickness,
        vertical=True,
    )
    return drawn.segments
