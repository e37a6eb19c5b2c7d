"""The ``?`` help screen, generated from the bindings so it never drifts from them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

QUERY_HELP = [
    ("diffusion model", "words in titles, abstracts, notes"),
    ("difusion", "typos match close title words"),
    ("tag:vision", "a tag and its children, vision/…"),
    ("rating:>=4", "also = <= > <; rating:0 is unrated"),
    ("status:reading", "unread, reading or read"),
    ('list:"Week 1"', "papers in a reading list"),
    ("has:notes", "also has:code, has:links, has:tags"),
    ('listed:"Mar 11"', "listing date"),
    ("-tag:done", "a leading - negates any term"),
    ("a OR b", "either; other terms are ANDed"),
]


KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "backspace": "Backspace",
    "down": "↓",
    "up": "↑",
    "home": "Home",
    "end": "End",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "tab": "Tab",
}


def key_label(binding: Binding) -> str:
    keys = [KEY_NAMES.get(key, key) for key in binding.key.split(",")]
    return " ".join(key.replace("ctrl+", "Ctrl+") for key in keys)


def binding_rows(bindings: list[Binding]) -> list[tuple[str, str]]:
    """(keys, what they do) for each action once; the five rating keys share one row."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for binding in bindings:
        text = binding.tooltip or binding.description
        if not text or binding.action in seen:
            continue
        seen.add(binding.action)
        if binding.action.startswith("rate(") and binding.action != "rate(0)":
            if "rate" not in seen:
                seen.add("rate")
                rows.append(("1-5", "Rate 1 to 5 stars"))
            continue
        rows.append((key_label(binding), text))
    return rows


def key_table(rows: list[tuple[str, str]], key_width: int) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", min_width=key_width, no_wrap=True)
    table.add_column()
    for key, text in rows:
        table.add_row(key, text)
    return table


class HelpScreen(ModalScreen[None]):
    """Keys of the screen it was opened from, and the search syntax, side by side."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        blocks = [
            (title, key_table(binding_rows(bindings), 8)) for title, bindings in self.sections
        ]
        blocks.append(("Search", key_table(QUERY_HELP, 16)))
        left, right = split_in_two(blocks)
        with VerticalScroll(classes="dialog dialog-wide", id="help"):
            yield Static(Text("reader: keys", style="bold"), classes="dialog-title")
            with Horizontal(id="help-columns"):
                for column in (left, right):
                    with Vertical(classes="help-column"):
                        for title, table in column:
                            yield Static(Text(title, style="bold underline"))
                            yield Static(table, classes="help-table")
            yield Static(Text("Esc closes", style="dim"), classes="dialog-hint")


def split_in_two(blocks: list[tuple[str, Table]]) -> tuple[list, list]:
    """Keep the order; cut where the two columns come out closest in height."""
    heights = [len(table.rows) + 2 for _, table in blocks]
    total = sum(heights)
    best = min(range(1, len(blocks) + 1), key=lambda k: abs(total - 2 * sum(heights[:k])))
    return blocks[:best], blocks[best:]
