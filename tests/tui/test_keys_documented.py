"""The README's key table, the ``?`` help and the bindings say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

from textual.binding import Binding

from reader.tui.app import ReaderApp
from reader.tui.screens.help import binding_rows, key_label
from reader.tui.screens.library import LibraryScreen
from reader.tui.screens.paper import PaperScreen
from reader.tui.screens.triage import TriageScreen
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.sidebar import Sidebar

README = Path(__file__).resolve().parents[2] / "README.md"
OWNERS = [ReaderApp, LibraryScreen, PaperList, Sidebar, PaperScreen, TriageScreen]


def app_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## The app")
    return text[start : text.index("\n## ", start + 1)]


def key_table() -> str:
    section = app_section()
    return "\n".join(line for line in section.splitlines() if line.startswith("| "))


def documented_keys() -> set[str]:
    """Every key the README's app section names in backticks (or by name), one by one."""
    section = app_section()
    keys = set(re.findall(r"`([^`\s]{1,6})`", section))
    for number in range(1, 6):
        if "`1`-`5`" in section:
            keys.add(str(number))
    names = ("Enter", "Esc", "Tab", "Space", "Delete", "Backspace")
    keys |= {name for name in names if name in section}
    keys |= set(re.findall(r"Ctrl\+[A-Z]", section))
    return keys


def bound_keys() -> dict[str, Binding]:
    keys: dict[str, Binding] = {}
    for owner in OWNERS:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in key_label(binding).split(" "):
                keys[key[:5] + key[5:].upper() if key.startswith("Ctrl+") else key] = binding
    return keys


ARROWS = {"↑", "↓", "Home", "End", "PgDn", "PgUp"}


def test_every_key_bound_is_in_the_readme() -> None:
    documented = documented_keys()
    table = key_table()
    for key, binding in bound_keys().items():
        if key in ARROWS:
            assert key in table, f"{key} ({binding.action}) is not in the README's key table"
            continue
        assert key in documented, f"{key} ({binding.action}) is not in the README's app keys"


def test_every_key_in_the_readme_table_is_bound() -> None:
    bound = set(bound_keys())
    table_keys = set(re.findall(r"`([^`\s]{1,2})`", key_table()))
    ignored = {"-"}  # `-tag` in an example
    for key in table_keys - ignored:
        assert key in bound, f"the README documents `{key}`, which no key is bound to"


def test_the_help_describes_every_binding_of_the_library_screen() -> None:
    rows = dict(binding_rows(list(LibraryScreen.BINDINGS)))
    described = set(rows.values())
    for binding in LibraryScreen.BINDINGS:
        if binding.action.startswith("rate(") and binding.action != "rate(0)":
            continue
        assert (binding.tooltip or binding.description) in described
