"""The status line above the paper list: what it shows (and a reading list's progress) on the
left; how many papers are marked and in which order they are on the right."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from reader.text import one_line, truncate
from reader.tui.widgets.sidebar import LIBRARY, Overview, Scope


class ScopeTitle(Static):
    """The screen binds its ``scope``, ``overview``, ``marked`` and ``order`` into it."""

    scope: var[Scope] = var(LIBRARY)
    overview: var[Overview | None] = var(None)
    marked: var[int] = var(0)
    order: var[str] = var("")

    def watch_scope(self) -> None:
        self._show()

    def watch_overview(self) -> None:
        self._show()

    def watch_marked(self) -> None:
        self._show()

    def watch_order(self) -> None:
        self._show()

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        # List and tag names come from imports too: never draw their control characters.
        title = one_line(self.scope.label)
        if self.scope.kind == "list":
            title = f"≡ {title}"
            item = self.overview.find_list(self.scope.value) if self.overview else None
            if item is not None:
                title = f"≡ {one_line(item.name)}  ·  {item.progress}"
        right = Text()
        width = max(self.size.width - 2, 20)
        if self.marked:
            right.append(f" {self.marked} marked ", style="reverse")
            right.append("  Esc clears  " if width >= 60 else "  ", style="dim")
        if self.order:
            right.append(self.order, style="dim")
        left = truncate(title, max(width - right.cell_len - 2, 10))
        text = Text(left)
        text.append(" " * max(2, width - cell_len(left) - right.cell_len))
        text.append_text(right)
        self.update(text, layout=False)  # one line across the pane, whatever it says
