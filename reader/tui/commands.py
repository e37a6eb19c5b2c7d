"""Command palette: reader's own commands first (matched on their names), then lists, tags
and papers; Textual's generic commands (theme, quit…) come after."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import Hit, Hits, Matcher, Provider
from textual.content import Content

from reader.text import one_line, truncate

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp

# Textual scores its own hits from 0 to 1: reader's commands are lifted above them, papers
# found by full text stay below every command.
COMMAND_BOOST = 1.0
PAPER_SCORE = 0.05


def highlight(matcher: Matcher, label: str) -> Content:
    """``Matcher.highlight`` for untrusted text: names and titles are shown as plain text.

    The palette reads a string prompt as Textual markup, so a list called ``[/]`` or a title
    starting ``[Re]`` would be mangled or crash it.
    """
    content = Content(label)
    _, offsets = matcher.fuzzy_search.match(matcher.query, label)
    for offset in offsets:
        if not label[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _management(screen: object) -> list[tuple[str, str, object]]:
    """The palette-only commands of the library screen."""
    query = " ".join(
        part
        for part in (screen.scope_query(), screen.search_input.value.strip())  # type: ignore[attr-defined]
        if part
    )
    return [
        ("Lists: create a reading list", "", screen.action_create_list),  # type: ignore[attr-defined]
        ("Lists: rename a reading list", "sidebar R", screen.action_rename_list),  # type: ignore[attr-defined]
        ("Lists: describe a reading list", "sidebar D", screen.action_describe_list),  # type: ignore[attr-defined]
        ("Lists: delete a reading list", "sidebar d", screen.action_delete_list),  # type: ignore[attr-defined]
        ("Tags: rename or merge a tag", "sidebar R", screen.action_rename_tag),  # type: ignore[attr-defined]
        ("Tags: delete a tag", "sidebar d", screen.action_delete_tag),  # type: ignore[attr-defined]
        ("Notes: edit or delete a note of this paper", "key N", screen.action_edit_notes),  # type: ignore[attr-defined]
        (
            f"Find arXiv entries for {query or 'the whole library'}",
            "by exact title",
            screen.action_enrich,  # type: ignore[attr-defined]
        ),
    ]


class ReaderCommands(Provider):
    """Actions of the current screen plus the library's lists, tags and papers."""

    @property
    def reader_app(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def _entries(self) -> list[tuple[str, str, object]]:
        from reader.tui.screens.help import key_label
        from reader.tui.screens.library import LibraryScreen
        from reader.tui.widgets.sidebar import Scope

        app = self.reader_app
        screen = self.screen
        keymap = getattr(app, "keymap", {})
        entries: list[tuple[str, str, object]] = []
        seen: set[str] = set()
        bindings = [*getattr(type(screen), "BINDINGS", []), *app.BINDINGS]
        for binding in bindings:
            if (
                not isinstance(binding, Binding)
                or binding.action in seen
                or binding.id in ("back", "command-palette")
                or not screen.check_action(binding.action.split("(")[0], ())
            ):
                continue
            seen.add(binding.action)
            label = binding.tooltip or binding.description
            entries.append(
                (
                    label,
                    f"key {key_label(binding, keymap)} · remap as {binding.id}",
                    partial(screen.run_action, binding.action),
                )
            )
        if isinstance(screen, LibraryScreen):
            entries += _management(screen)
            library = app.library
            for item in library.lists():
                scope = Scope("list", item.name, item.name)
                entries.append(
                    (
                        f"List: {one_line(item.name)}",
                        item.progress,
                        partial(screen.show_scope, scope),
                    )
                )
            for tag in library.tags():
                scope = Scope("tag", tag.name, f"#{tag.name}")
                entries.append(
                    (
                        f"Tag: #{one_line(tag.name)}",
                        f"{tag.count} paper{'' if tag.count == 1 else 's'}",
                        partial(screen.show_scope, scope),
                    )
                )
        return entries

    async def discover(self) -> Hits:
        entries = self._entries()
        for index, (label, help_text, command) in enumerate(entries):
            # Discovery hits all score 0 and would come after Textual's: keep them first,
            # in the order of the bindings.
            score = COMMAND_BOOST + 1 - index / (len(entries) + 1)
            yield Hit(score, Content(label), command, text=label, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, command in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    COMMAND_BOOST + score,
                    highlight(matcher, label),
                    command,  # type: ignore[arg-type]
                    text=label,
                    help=help_text,
                )
        if len(query.strip()) >= 3:
            app = self.reader_app
            for row in app.library.rows(app.library.search(query, limit=15).ids):
                yield Hit(
                    PAPER_SCORE,
                    Content(f"Open: {truncate(one_line(row.title), 70)}"),
                    partial(app.open_paper, row.id),
                    help="paper",
                )
