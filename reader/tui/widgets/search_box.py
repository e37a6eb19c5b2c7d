"""The library's search box: an Input whose typing repaints one line, not the whole screen.

Textual's Input keeps a virtual size as wide as its text, and a change of virtual size asks
for a new layout of the screen by default. The box is sized by its container, never by its
text, so each keystroke would pay a layout and a repaint of every widget whose region the
layout touched, for nothing: the box scrolls its own text from its virtual size either way.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input):
    """An Input whose width never depends on its text (the stylesheet gives it one)."""

    # Same storage as Widget.virtual_size; only the layout request on change is dropped.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
