"""The ``?`` help screen, generated from the bindings so it never drifts from them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

QUERY_HELP = [
    ("diffusion model", "full text over titles, abstracts and notes"),
    ("difusion", "typos fall back to close title words"),
    ("tag:vision", "a tag and its children (vision/detection)"),
    ("rating:>=4", "also =, <=, >, <; rating:0 for unrated"),
    ("status:reading", "unread, reading or read"),
    ('list:"Week 1"', "papers in a reading list"),
    ("has:notes", "also has:code, has:links, has:tags"),
    ('listed:"Mar 11"', "listing date"),
    ("-tag:done", "a leading - negates any term"),
    ("a OR b", "either term; terms are otherwise ANDed"),
]


def key_label(binding: Binding) -> str:
    names = {"slash": "/", "question_mark": "?", "escape": "Esc", "enter": "Enter"}
    keys = [names.get(key, key) for key in binding.key.split(",")]
    return " ".join(key.replace("ctrl+", "Ctrl+") for key in keys)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide", id="help"):
            yield Static(Text("reader: keys", style="bold"), classes="dialog-title")
            for title, bindings in self.sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold cyan", min_width=12)
                table.add_column()
                seen: set[str] = set()
                for binding in bindings:
                    text = binding.tooltip or binding.description
                    if not text or binding.action in seen:
                        continue
                    seen.add(binding.action)
                    table.add_row(key_label(binding), text)
                yield Static(Text(title, style="bold underline"))
                yield Static(table)
            table = Table.grid(padding=(0, 2))
            table.add_column(style="bold cyan", min_width=18)
            table.add_column()
            for example, meaning in QUERY_HELP:
                table.add_row(example, meaning)
            yield Static(Text("Search", style="bold underline"))
            yield Static(table)
            yield Static(Text("Esc closes", style="dim"), classes="dialog-hint")
