"""The sidebar: the library, reading states, reading lists and tags, each a filter."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.models import ReadingList, TagCount
from reader.text import one_line


@dataclass(frozen=True)
class Scope:
    """What the paper list is showing before any search: a status, a list or a tag."""

    kind: str  # "all", "status", "list", "tag"
    value: str = ""
    label: str = "Library"

    @property
    def option_id(self) -> str:
        return f"{self.kind}:{self.value}"


LIBRARY = Scope("all", "", "Library")


class Sidebar(OptionList):
    """An OptionList of scopes; choosing one posts ScopeChosen."""

    class ScopeChosen(Message):
        def __init__(self, scope: Scope) -> None:
            super().__init__()
            self.scope = scope

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._scopes: dict[str, Scope] = {}

    def fill(
        self,
        total: int,
        statuses: dict[str, int],
        lists: list[ReadingList],
        tags: list[TagCount],
        current: Scope,
    ) -> None:
        scopes: list[Scope | None] = [
            LIBRARY,
            Scope("status", "unread", "Unread"),
            Scope("status", "reading", "Reading"),
            Scope("status", "read", "Read"),
        ]
        counts = {"all": total, **statuses}
        options: list[Option | None] = []
        self._scopes = {}
        for scope in scopes:
            assert scope is not None
            count = counts.get(scope.value or "all", 0)
            options.append(self._option(scope, scope.label, f"{count}"))
        options.append(None)
        options.append(Option(Text("Reading lists", style="bold dim"), disabled=True))
        if not lists:
            options.append(Option(Text("  none yet: press a", style="dim"), disabled=True))
        for item in lists:
            scope = Scope("list", item.name, item.name)
            options.append(self._option(scope, one_line(item.name), f"{item.read}/{item.count}"))
        options.append(None)
        options.append(Option(Text("Tags", style="bold dim"), disabled=True))
        if not tags:
            options.append(Option(Text("  none yet: press t", style="dim"), disabled=True))
        for tag in tags:
            scope = Scope("tag", tag.name, f"#{tag.name}")
            options.append(self._option(scope, f"#{one_line(tag.name)}", str(tag.count)))
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        try:
            self.highlighted = self.get_option_index(current.option_id)
        except Exception:
            self.highlighted = highlighted if highlighted is not None else 0

    def _option(self, scope: Scope, label: str, count: str) -> Option:
        self._scopes[scope.option_id] = scope
        width = 24
        name = (
            label if len(label) <= width - len(count) - 1 else label[: width - len(count) - 2] + "…"
        )
        text = Text(name)
        text.append(" " * max(1, width - len(name) - len(count)))
        text.append(count, style="dim")
        return Option(text, id=scope.option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        scope = self._scopes.get(event.option.id or "")
        if scope is not None:
            self.post_message(self.ScopeChosen(scope))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Moving through the sidebar previews each scope, as in lazygit; filling it does not.
        event.stop()
        if self.has_focus:
            scope = self._scopes.get(event.option.id or "")
            if scope is not None:
                self.post_message(self.ScopeChosen(scope))
