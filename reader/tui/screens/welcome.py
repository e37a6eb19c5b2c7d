"""First run: an empty library explains how to fill it, and offers the bundled sample."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from reader.tui.widgets.key_footer import KeyFooter

IMPORTS = [
    ("reader import listing.txt", 'a "trending papers" listing dump'),
    ("reader import folder/", "every *.txt listing in a folder"),
    ("reader import refs.bib", "BibTeX"),
    ("reader import backup.json", "a backup from reader export --all --format json"),
]


def welcome_text() -> Text:
    """The body of the welcome box; Text keeps the indentation and styles the keys."""
    text = Text()
    text.append("Your library is empty.\n\n")
    text.append("Import the papers you mean to read from a shell:\n\n")
    for command, meaning in IMPORTS:
        text.append("  ")
        text.append(f"{command:<28}", style="bold")
        text.append(f"{meaning}\n", style="dim")
    text.append("\nor press ")
    text.append("i", style="reverse bold")
    text.append(" to import a file from here.\n\n")
    text.append("Just looking?  Press ")
    text.append("l", style="reverse bold")
    text.append(
        " to open the demo library: about 40 well-known papers in a throw-away file of "
        "its own. Your library stays as it is."
    )
    return text


class WelcomeScreen(Screen):
    """Shown while the library is empty; the app moves on to the library once it is not."""

    BINDINGS = [
        Binding("l", "app.open_demo", "Open the demo", id="load-sample"),
        Binding("i", "app.import_file", "Import a file", id="import"),
    ]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="welcome"):
            yield Static(Text("Welcome to reader", style="bold"), id="welcome-title")
            yield Static(welcome_text(), id="welcome-body")
        yield KeyFooter()
