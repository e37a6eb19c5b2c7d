"""A horizontal bar chart drawn with block characters in the theme's colours."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from reader.text import one_line, truncate
from reader.tui.widgets.styles import foreground

EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: int, largest: int, width: int) -> str:
    """A bar ``value / largest`` of ``width`` cells, to an eighth of a cell."""
    if largest <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


class BarChart(Static):
    """A titled chart: one labelled bar per (label, value), the value after the bar."""

    COMPONENT_CLASSES = {"bar-chart--bar", "bar-chart--title", "bar-chart--label"}

    rows: var[list[tuple[str, int]]] = var(list, init=False)

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="bar-chart")
        self.title = title

    def watch_rows(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        def style(name: str):  # type: ignore[no-untyped-def]
            return foreground(self, f"bar-chart--{name}")

        text = Text(no_wrap=True, overflow="crop")  # a bar never spills onto the next line
        text.append(self.title + "\n", style=style("title"))
        if not self.rows:
            text.append("nothing yet", style=style("label"))
            self.update(text)
            return
        label_width = min(max(cell_len(one_line(label)) for label, _ in self.rows), 18)
        value_width = max(len(str(value)) for _, value in self.rows)
        room = max(self.content_size.width - label_width - value_width - 3, 4)
        largest = max(value for _, value in self.rows)
        for index, (label, value) in enumerate(self.rows):
            name = truncate(one_line(label), label_width)
            text.append(name + " " * (label_width - cell_len(name)) + " ", style=style("label"))
            drawn = bar(value, largest, room)
            text.append(drawn, style=style("bar"))
            text.append(f" {value}")
            if index < len(self.rows) - 1:
                text.append("\n")
        self.update(text)
