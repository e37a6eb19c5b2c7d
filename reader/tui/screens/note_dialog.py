"""Writing a note, and choosing one of a paper's notes to edit or delete."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from reader.models import Annotation
from reader.text import one_line, truncate


@dataclass(frozen=True)
class NoteDraft:
    body: str
    quote: str | None


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", " ".join(text.split()))
    return [part for part in parts if part]


class NoteDialog(ModalScreen[NoteDraft | None]):
    """A Markdown note, optionally about one sentence of the abstract. The body has the
    focus; Tab goes to the sentences (whole, wrapped, below the text) and Enter picks one."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="save-note"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(
        self,
        title: str,
        abstract: str,
        *,
        body: str = "",
        quote: str | None = None,
        heading: str = "New note",
    ) -> None:
        super().__init__()
        self.paper_title = title
        self.abstract_sentences = sentences(abstract)
        if quote and quote not in self.abstract_sentences:
            self.abstract_sentences.insert(0, quote)
        self.body = body
        self.quote = quote
        self.heading = heading

    def compose(self) -> ComposeResult:
        # Scrolls on a small terminal, so the sentences below the text can be reached.
        with VerticalScroll(classes="dialog dialog-wide", id="note-dialog"):
            yield Label(self.heading, classes="dialog-title", markup=False)
            yield Static(
                truncate(one_line(self.paper_title), 90), classes="dialog-subtitle", markup=False
            )
            yield TextArea(self.body, id="note-body", language="markdown", soft_wrap=True)
            yield Static("", id="quote-chosen", classes="dialog-hint")
            if self.abstract_sentences:
                yield OptionList(id="quote")
            yield Static(
                "Markdown welcome · Tab: quote a sentence (Enter picks, again unpicks) · "
                "Ctrl+S saves · Esc cancels",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        if self.abstract_sentences:
            self._fill()
        self._show_quote()
        body = self.query_one("#note-body", TextArea)
        body.focus()
        body.move_cursor(body.document.end)

    def _fill(self) -> None:
        options = self.query_one("#quote", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for index, sentence in enumerate(self.abstract_sentences):
            mark = "❝ " if sentence == self.quote else "  "
            options.add_option(Option(Text(mark + one_line(sentence)), id=f"s{index}"))
        options.highlighted = highlighted if highlighted is not None else 0

    def _show_quote(self) -> None:
        chosen = self.query_one("#quote-chosen", Static)
        chosen.update(
            Text(f"Quoting: “{one_line(self.quote)}”", style="italic")
            if self.quote
            else Text("No quote", style="dim")
        )

    @on(OptionList.OptionSelected, "#quote")
    def quote_picked(self, event: OptionList.OptionSelected) -> None:
        sentence = self.abstract_sentences[int((event.option.id or "s0")[1:])]
        self.quote = None if sentence == self.quote else sentence
        self._fill()
        self._show_quote()

    def action_save(self) -> None:
        body = self.query_one("#note-body", TextArea).text
        if not body.strip():
            self.notify("Write something first, or press Esc to cancel.", severity="warning")
            return
        self.dismiss(NoteDraft(body, self.quote))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class NoteChoice:
    note: Annotation
    delete: bool


class NotePickerDialog(ModalScreen[NoteChoice | None]):
    """One of a paper's notes: Enter edits it, d (or Delete) deletes it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("d,delete", "delete", "Delete", id="delete-note"),
    ]

    def __init__(self, title: str, notes: list[Annotation]) -> None:
        super().__init__()
        self.paper_title = title
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label("Notes", classes="dialog-title")
            yield Static(
                truncate(one_line(self.paper_title), 90), classes="dialog-subtitle", markup=False
            )
            yield OptionList(
                *[
                    Option(
                        Text(f"{note.updated[:10]}  {truncate(one_line(note.body), 80)}"),
                        id=f"n{index}",
                    )
                    for index, note in enumerate(self.notes)
                ],
                id="note-options",
            )
            yield Static("Enter edits · d deletes · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one("#note-options", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(NoteChoice(self.notes[int((event.option.id or "n0")[1:])], delete=False))

    def action_delete(self) -> None:
        index = self.query_one("#note-options", OptionList).highlighted
        if index is not None:
            self.dismiss(NoteChoice(self.notes[index], delete=True))

    def action_cancel(self) -> None:
        self.dismiss(None)
