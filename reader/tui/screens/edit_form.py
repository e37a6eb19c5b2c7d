"""The edit form: one input per field of the record, checked by the rules ``reader edit`` uses.

Enter or Ctrl+S saves; every field is checked first, and a refused one shows why under itself
and keeps the focus, so nothing is saved until all of them are right.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from reader.editing import FIELDS, parse_changes
from reader.models import ReaderError
from reader.text import one_line, truncate

LABELS = {
    "entry_type": "entry type",
    "citekey": "citation key",
    "arxiv": "arXiv id",
    "doi": "DOI",
    "url": "landing page",
}
HINTS = {
    "authors": "Family, Given; Family, Given ({Corporate Name} whole)",
    "month": "1-12 or jan…dec",
    "entry_type": "article, inproceedings, misc, …",
}


class EditDialog(ModalScreen[dict[str, Any] | None]):
    """Answers the changed fields, parsed (an empty dict when nothing changed)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="save-record"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, title: str, current: dict[str, str]) -> None:
        super().__init__()
        self.paper_title = title
        self.current = current

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide", id="edit-form"):
            yield Label("Edit the record", classes="dialog-title")
            yield Static(
                truncate(one_line(self.paper_title), 90), classes="dialog-subtitle", markup=False
            )
            for name in FIELDS:
                with Vertical(classes="field"):
                    with Horizontal(classes="field-row"):
                        yield Label(LABELS.get(name, name), classes="field-label")
                        value = self.current.get(name, "")
                        if name == "abstract":
                            yield TextArea(value, id=f"field-{name}", soft_wrap=True)
                        else:
                            yield Input(
                                value,
                                placeholder=HINTS.get(name, ""),
                                compact=True,
                                id=f"field-{name}",
                            )
                    yield Static("", id=f"error-{name}", classes="field-error")
            yield Static("Enter or Ctrl+S saves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#field-title", Input).focus()

    def typed(self) -> dict[str, str]:
        values = {}
        for name in FIELDS:
            widget = self.query_one(f"#field-{name}")
            values[name] = widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]
        return values

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        changes: dict[str, Any] = {}
        first_bad = None
        for name, text in self.typed().items():
            error = self.query_one(f"#error-{name}", Static)
            if text == self.current.get(name, ""):
                error.update("")
                error.remove_class("shown")
                continue
            try:
                changes.update(parse_changes({name: text}))
            except ReaderError as refused:
                error.update(Text(str(refused), style="bold"))
                error.add_class("shown")
                first_bad = first_bad or name
            else:
                error.update("")
                error.remove_class("shown")
        if first_bad is not None:
            widget = self.query_one(f"#field-{first_bad}")
            widget.focus()
            widget.scroll_visible()
            return
        self.dismiss(changes)

    def action_cancel(self) -> None:
        self.dismiss(None)
