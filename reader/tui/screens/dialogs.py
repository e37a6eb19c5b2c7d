"""Modal dialogs: each returns its answer through ``dismiss`` (None when cancelled)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from reader.keys import TagEdit, parse_tag_text
from reader.search import rank_titles
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
    """Type tags separated by spaces or commas; ``-name`` removes; Enter applies."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

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

    @on(Input.Submitted)
    def apply(self, event: Input.Submitted) -> None:
        edit = parse_tag_text(event.value)
        self.dismiss(edit if edit.add or edit.remove else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class NoteDraft:
    body: str
    quote: str | None


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", " ".join(text.split()))
    return [part for part in parts if part]


class NoteDialog(ModalScreen[NoteDraft | None]):
    """A Markdown note; optionally about one sentence of the abstract. Ctrl+S saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="save-note"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, title: str, abstract: str) -> None:
        super().__init__()
        self.paper_title = title
        self.abstract_sentences = sentences(abstract)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label("New note", classes="dialog-title")
            yield Static(
                truncate(one_line(self.paper_title), 90), classes="dialog-subtitle", markup=False
            )
            options = [(Text(truncate(one_line(s), 80)), s) for s in self.abstract_sentences]
            yield Select(options, prompt="Quote a sentence of the abstract (optional)", id="quote")
            yield TextArea(id="note-body", language="markdown", soft_wrap=True)
            yield Static("Markdown welcome · Ctrl+S saves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#note-body", TextArea).focus()

    def action_save(self) -> None:
        body = self.query_one("#note-body", TextArea).text
        if not body.strip():
            self.notify("Write something first, or press Esc to cancel.", severity="warning")
            return
        quote = self.query_one("#quote", Select).value
        self.dismiss(NoteDraft(body, quote if isinstance(quote, str) else None))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class ListChoice:
    name: str
    create: bool


class ListPickerDialog(ModalScreen[ListChoice | None]):
    """Fuzzy-pick a reading list, or create one with the name typed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("down", "cursor_down", show=False, priority=True, id="picker-down"),
        Binding("up", "cursor_up", show=False, priority=True, id="picker-up"),
    ]

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add to reading list", classes="dialog-title")
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
        ranked = rank_titles(typed, self.names, limit=50) if typed else range(len(self.names))
        for index in ranked:
            options.add_option(Option(Text(one_line(self.names[index])), id=f"pick:{index}"))
        if typed and typed.casefold() not in (name.casefold() for name in self.names):
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
