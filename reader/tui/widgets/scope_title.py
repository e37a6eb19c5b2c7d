"""The title above the paper list: what it shows, and a reading list's progress."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from reader.text import one_line
from reader.tui.widgets.sidebar import LIBRARY, Overview, Scope


class ScopeTitle(Static):
    """The screen binds its ``scope`` and ``overview`` into it."""

    scope: var[Scope] = var(LIBRARY)
    overview: var[Overview | None] = var(None)

    def watch_scope(self) -> None:
        self._show()

    def watch_overview(self) -> None:
        self._show()

    def _show(self) -> None:
        # List and tag names come from imports too: never draw their control characters.
        title = one_line(self.scope.label)
        if self.scope.kind == "list":
            title = f"≡ {title}"
            item = self.overview.find_list(self.scope.value) if self.overview else None
            if item is not None:
                title = f"≡ {one_line(item.name)}  ·  {item.progress}"
        self.update(Text(title))
