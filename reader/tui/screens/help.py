"""The ``?`` help screen, generated from the bindings so it never drifts from them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from reader.models import STATUSES
from reader.query import FIELDS, HAS_VALUES, IS_VALUES

# One example per field of the query language; ``query_help`` adds any field this misses, so
# the help cannot leave out what the parser accepts.
FIELD_EXAMPLES = {
    "tag": ("tag:vision", "a tag and its children, vision/…"),
    "rating": ("rating:>=4", "also = <= > <; rating:0 is unrated"),
    "status": ("status:reading", " or ".join([", ".join(STATUSES[:-1]), STATUSES[-1]])),
    "list": ('list:"Week 1"', "papers in a reading list"),
    "has": (f"has:{HAS_VALUES[0]}", "also " + ", ".join(HAS_VALUES[1:])),
    "listed": ('listed:"Mar 11"', "listing date"),
    "author": ("author:vaswani", "an author's name"),
    "year": ("year:>=2020", "also year:2017, year:<2000"),
    "venue": ("venue:neurips", "the journal or proceedings"),
    "is": (f"is:{IS_VALUES[0]}", "not triaged yet; also " + ", ".join(IS_VALUES[1:])),
    "related": ("related:1843", "the papers most like 1843"),
}


def query_help() -> list[tuple[str, str]]:
    """The search syntax: words, then every field ``reader.query`` knows, then the operators."""
    rows = [
        ("diffusion model", "titles, authors, abstracts, notes"),
        ("difusion", "typos match close title words"),
    ]
    rows += [FIELD_EXAMPLES.get(field, (f"{field}:…", "see the README")) for field in FIELDS]
    rows += [
        ("-tag:done", "a leading - negates any term"),
        ("a OR b", "either; other terms are ANDed"),
    ]
    return rows


KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "asterisk": "*",
    "percent_sign": "%",
    "space": "Space",
    "delete": "Delete",
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


def key_label(binding: Binding, keymap: dict[str, str] | None = None) -> str:
    """The keys of a binding as a person reads them, remapped by ``keymap`` (binding id to
    keys, the settings' ``[keys]``) when it names the binding."""
    keys = binding.key
    if keymap and binding.id and binding.id in keymap:
        keys = keymap[binding.id]
    names = [KEY_NAMES.get(key.strip(), key.strip()) for key in keys.split(",")]
    return " ".join(name.replace("ctrl+", "Ctrl+") for name in names)


def binding_rows(
    bindings: list[Binding], keymap: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """(keys, what they do) for each action once; the five rating keys share one row (unless
    a keymap moved one of them)."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for binding in bindings:
        text = binding.tooltip or binding.description
        if not text or binding.action in seen:
            continue
        seen.add(binding.action)
        remapped = keymap and any(f"rate-{n}" in keymap for n in range(1, 6))
        if binding.action.startswith("rate(") and binding.action != "rate(0)" and not remapped:
            if "rate" not in seen:
                seen.add("rate")
                rows.append(("1-5", "Rate 1 to 5 stars"))
            continue
        rows.append((key_label(binding, keymap), text))
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

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close-help")]

    def __init__(
        self, sections: list[tuple[str, list[Binding]]], keymap: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap or {}

    @classmethod
    def about(
        cls, screen: Screen, everywhere: list[Binding], keymap: dict[str, str] | None = None
    ) -> HelpScreen:
        """Help for ``screen``: its keys, the app's, and the list's when it has one."""
        from reader.tui.widgets.paper_list import PaperList
        from reader.tui.widgets.sidebar import Sidebar

        sections = [
            ("This screen", list(getattr(type(screen), "BINDINGS", []))),
            ("Everywhere", list(everywhere)),
        ]
        if screen.query(PaperList):
            sections.append(("Moving in the list", list(PaperList.BINDINGS)))
        if screen.query(Sidebar):
            sections.append(("In the sidebar", list(Sidebar.BINDINGS)))
        return cls(sections, keymap)

    def compose(self) -> ComposeResult:
        blocks = [
            (title, key_table(binding_rows(bindings, self.keymap), 8))
            for title, bindings in self.sections
        ]
        blocks.append(("Search", key_table(query_help(), 16)))
        # Side by side when there is room; one column on a small terminal.
        left, right = split_in_two(blocks) if self.app.size.width >= 110 else (blocks, [])
        with VerticalScroll(classes="dialog dialog-wide", id="help"):
            title = Text.assemble(("reader: keys", "bold"), ("  ·  Esc closes", "dim"))
            yield Static(title, classes="dialog-title")
            with Horizontal(id="help-columns"):
                for column in (left, right):
                    with Vertical(classes="help-column"):
                        for title, table in column:
                            yield Static(Text(title, style="bold underline"))
                            yield Static(table, classes="help-table")


def split_in_two(blocks: list[tuple[str, Table]]) -> tuple[list, list]:
    """Keep the order; cut where the two columns come out closest in height."""
    heights = [len(table.rows) + 2 for _, table in blocks]
    total = sum(heights)
    best = min(range(1, len(blocks) + 1), key=lambda k: abs(total - 2 * sum(heights[:k])))
    return blocks[:best], blocks[best:]
