"""Modal dialogs: each returns its answer through ``dismiss`` (None when cancelled)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from reader.keys import TagEdit, parse_tag_text
from reader.text import one_line, truncate


class LastWordSuggester(Suggester):
    """Completes the word being typed from known tag names (Tab or → accepts)."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.words = sorted(words, key=str.casefold)

    async def get_suggestion(self, value: str) -> str | None:
        match = re.search(r"(-?)([^\s,]+)$", value)
        if not match:
            return None
        partial = match.group(2).casefold()
        for word in self.words:
            if word.casefold().startswith(partial) and word.casefold() != partial:
                return value[: match.start(2)] + word
        return None


class TagDialog(ModalScreen[TagEdit | None]):
    """Type tags separated by spaces or commas; ``-name`` removes; Tab completes the word
    being typed; Enter applies what is shown (a completion shown included)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("tab", "complete", "Complete", show=False, priority=True, id="complete"),
    ]

    def __init__(self, title: str, current: list[str], known: list[str]) -> None:
        super().__init__()
        self.paper_title = title
        self.current = current
        self.known = known

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Tags", classes="dialog-title")
            yield Static(
                truncate(one_line(self.paper_title), 70), classes="dialog-subtitle", markup=False
            )
            current = " ".join(f"#{tag}" for tag in self.current) or "no tags yet"
            yield Static(f"Now: {one_line(current)}", classes="dialog-hint", markup=False)
            yield Input(
                placeholder="tags to add, -tag to remove (Tab completes)",
                suggester=LastWordSuggester(self.known),
                id="tag-input",
            )
            yield Static("Enter applies · Esc cancels", classes="dialog-hint")

    def action_complete(self) -> None:
        tag_input = self.query_one("#tag-input", Input)
        if tag_input.has_focus and len(tag_input._suggestion) > len(tag_input.value):
            tag_input.value = tag_input._suggestion
            tag_input.cursor_position = len(tag_input.value)

    @on(Input.Submitted)
    def apply(self, event: Input.Submitted) -> None:
        shown = event.input._suggestion
        value = shown if shown.startswith(event.value) and shown else event.value
        edit = parse_tag_text(value)
        self.dismiss(edit if edit.add or edit.remove else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class ListChoice:
    name: str
    create: bool


class ListPickerDialog(ModalScreen[ListChoice | None]):
    """Fuzzy-pick a reading list, or create one with the name typed (unless ``create`` is
    False: then only an existing list can be picked)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("down", "cursor_down", show=False, priority=True, id="picker-down"),
        Binding("up", "cursor_up", show=False, priority=True, id="picker-up"),
    ]

    def __init__(
        self, names: list[str], title: str = "Add to reading list", *, create: bool = True
    ) -> None:
        super().__init__()
        self.names = names
        self.dialog_title = title
        self.create = create

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.dialog_title, classes="dialog-title", markup=False)
            yield Input(placeholder="type to filter, or a new list's name", id="list-filter")
            yield OptionList(id="list-options")
            yield Static("↑↓ choose · Enter picks · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self._refill("")

    @on(Input.Changed, "#list-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def _refill(self, text: str) -> None:
        options = self.query_one("#list-options", OptionList)
        options.clear_options()
        typed = text.strip()
        if typed:
            from reader.search import rank_titles  # rapidfuzz: not before the first filter

            ranked: Iterable[int] = rank_titles(typed, self.names, limit=50)
        else:
            ranked = range(len(self.names))
        for index in ranked:
            options.add_option(Option(Text(one_line(self.names[index])), id=f"pick:{index}"))
        if (
            self.create
            and typed
            and typed.casefold() not in (name.casefold() for name in self.names)
        ):
            options.add_option(Option(Text(f"+ Create list “{one_line(typed)}”"), id="create"))
        if options.option_count:
            options.highlighted = 0

    def action_cursor_down(self) -> None:
        self.query_one("#list-options", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#list-options", OptionList).action_cursor_up()

    @on(Input.Submitted, "#list-filter")
    def submitted(self) -> None:
        options = self.query_one("#list-options", OptionList)
        if options.highlighted is None:
            return
        self._choose(options.get_option_at_index(options.highlighted).id or "")

    @on(OptionList.OptionSelected, "#list-options")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id or "")

    def _choose(self, option_id: str) -> None:
        if option_id == "create":
            name = self.query_one("#list-filter", Input).value.strip()
            self.dismiss(ListChoice(name, create=True))
        elif option_id.startswith("pick:"):
            self.dismiss(ListChoice(self.names[int(option_id[5:])], create=False))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line of text, with a default; Enter accepts, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self.dialog_title = title
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.dialog_title, classes="dialog-title", markup=False)
            yield Input(value=self.value, id="prompt-input")
            yield Static(self.hint or "Enter accepts · Esc cancels", classes="dialog-hint")

    @on(Input.Submitted)
    def accept(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no: Enter or y confirms, Esc or n cancels."""

    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", id="cancel"),
        Binding("y", "confirm", "Confirm", id="confirm"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.dialog_title = title
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.dialog_title, classes="dialog-title", markup=False)
            yield Static(self.question, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")
            yield Static("Enter or y confirms · Esc or n cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
