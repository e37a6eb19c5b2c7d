"""Component styles resolved against the theme, for widgets that draw their own text."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def foreground(widget: Widget, component: str) -> Style:
    """A component's colour and text style without its background.

    Textual resolves ``auto`` colours (``$text-muted`` is ``auto 60%``) against the
    background only for a full style; a partial one comes out white, invisible in a light
    theme. So the full style is resolved, and its background dropped so that the row's own
    (the cursor, a mark) shows through.
    """
    full = widget.get_component_rich_style(component, partial=False)
    return Style(
        color=full.color,
        bold=full.bold,
        italic=full.italic,
        underline=full.underline,
        strike=full.strike,
        dim=full.dim,
    )
