"""The sidebar: the library, reading states, reading lists and tags, each a filter."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from reader.summaries import ReadingList, TagCount
from reader.text import one_line, truncate

# The sidebar is 26 cells: its border, the options' padding and a scrollbar leave this.
LABEL_WIDTH = 21


@dataclass(frozen=True)
class Scope:
    """What the paper list is showing before any search: a status, a list or a tag."""

    kind: str  # "all", "new", "status", "list", "tag", "related"
    value: str = ""
    label: str = "Library"

    @property
    def option_id(self) -> str:
        return f"{self.kind}:{self.value}"


LIBRARY = Scope("all", "", "Library")


@dataclass(frozen=True)
class Overview:
    """What the sidebar counts: the library's size, reading states, reading lists and tags."""

    total: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    lists: list[ReadingList] = field(default_factory=list)
    tags: list[TagCount] = field(default_factory=list)
    new: int = 0

    def find_list(self, name: str) -> ReadingList | None:
        """A reading list by name (names are unique regardless of case)."""
        wanted = name.casefold()
        return next((item for item in self.lists if item.name.casefold() == wanted), None)


NEW = Scope("new", "", "New")
STATUS_SCOPES = [
    Scope("status", "unread", "Unread"),
    Scope("status", "reading", "Reading"),
    Scope("status", "read", "Read"),
]


class Sidebar(OptionList):
    """An OptionList of scopes; choosing one posts ScopeChosen.

    The screen binds its ``overview`` (what to count) and ``scope`` (what is shown) into it.
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="sidebar-down"),
        Binding("k", "cursor_up", "Up", show=False, id="sidebar-up"),
        Binding("R", "manage('rename')", "Rename", tooltip="Rename the list or tag", id="rename"),
        Binding("D", "manage('describe')", "Describe", tooltip="Describe the list", id="describe"),
        Binding(
            "delete,d", "manage('delete')", "Delete", tooltip="Delete the list or tag", id="delete"
        ),
    ]

    overview: var[Overview | None] = var(None)
    scope: var[Scope] = var(LIBRARY)

    class ScopeChosen(Message):
        def __init__(self, scope: Scope) -> None:
            super().__init__()
            self.scope = scope

    class Manage(Message):
        """Rename, describe or delete the list or tag under the cursor."""

        def __init__(self, verb: str, scope: Scope) -> None:
            super().__init__()
            self.verb = verb
            self.scope = scope

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._scopes: dict[str, Scope] = {}

    def watch_overview(self) -> None:
        if self.overview is not None:
            self._fill(self.overview)

    def watch_scope(self) -> None:
        """Follow the scope shown, however it was chosen (the palette, Esc, a list gone)."""
        try:
            index = self.get_option_index(self.scope.option_id)
        except OptionDoesNotExist:
            return
        if index != self.highlighted:
            self.highlighted = index

    def _fill(self, overview: Overview) -> None:
        counts = {"all": overview.total, **overview.statuses}
        options: list[Option | None] = []
        self._scopes = {}
        options.append(self._option(LIBRARY, LIBRARY.label, f"{overview.total}"))
        options.append(self._option(NEW, "New", f"{overview.new}"))
        for scope in STATUS_SCOPES:
            options.append(self._option(scope, scope.label, f"{counts.get(scope.value, 0)}"))
        options.append(None)
        options.append(Option(Text("Reading lists", style="bold dim"), disabled=True))
        if not overview.lists:
            options.append(Option(Text("  none yet: press a", style="dim"), disabled=True))
        for item in overview.lists:
            scope = Scope("list", item.name, item.name)
            options.append(self._option(scope, one_line(item.name), f"{item.read}/{item.count}"))
        options.append(None)
        options.append(Option(Text("Tags", style="bold dim"), disabled=True))
        if not overview.tags:
            options.append(Option(Text("  none yet: press t", style="dim"), disabled=True))
        for tag in overview.tags:
            scope = Scope("tag", tag.name, f"#{tag.name}")
            options.append(self._option(scope, f"#{one_line(tag.name)}", str(tag.count)))
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(options)
        try:
            self.highlighted = self.get_option_index(self.scope.option_id)
        except OptionDoesNotExist:
            self.highlighted = highlighted if highlighted is not None else 0

    def _option(self, scope: Scope, label: str, count: str) -> Option:
        """Name and count on one line, whatever the width: room is kept for a scrollbar."""
        self._scopes[scope.option_id] = scope
        width = LABEL_WIDTH
        name = truncate(label, width - len(count) - 1)
        text = Text(name, no_wrap=True, overflow="ellipsis")
        text.append(" " * max(1, width - cell_len(name) - len(count)))
        text.append(count, style="dim")
        return Option(text, id=scope.option_id)

    def action_manage(self, verb: str) -> None:
        if self.highlighted is None:
            return
        scope = self._scopes.get(self.get_option_at_index(self.highlighted).id or "")
        if scope is not None:
            self.post_message(self.Manage(verb, scope))

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
