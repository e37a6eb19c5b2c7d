"""Telling a line-drawn view its new height without a new layout of the screen.

A change of a ScrollView's virtual size asks Textual for a layout, and a layout repaints every
widget whose region it touches, then asks for a second one as sizes settle: 10-30 ms each at
200x60. A view that draws its own lines needs one only when its scroll bar appears or goes
(the bar takes a column); otherwise the bar's thumb is told the new length, and the view
repaints itself.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size) -> None:
    room = view.container_size.height
    if not room or (size.height > room) != view.show_vertical_scrollbar:
        view.virtual_size = size
        return
    view.set_reactive(ScrollView.virtual_size, size)
    if view.show_vertical_scrollbar:
        view.vertical_scrollbar.window_virtual_size = size.height
