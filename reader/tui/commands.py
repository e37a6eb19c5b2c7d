"""Command palette providers: every action, jump to a list, filter by a tag, open a paper."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from reader.text import one_line, truncate

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp


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
        entries: list[tuple[str, str, object]] = []
        seen: set[str] = set()
        for binding in getattr(type(screen), "BINDINGS", []):
            if (
                not isinstance(binding, Binding)
                or binding.action in seen
                or binding.id == "back"
                or not screen.check_action(binding.action.split("(")[0], ())
            ):
                continue
            seen.add(binding.action)
            label = binding.tooltip or binding.description
            entries.append(
                (label, f"key {key_label(binding)}", partial(screen.run_action, binding.action))
            )
        if isinstance(screen, LibraryScreen):
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
        entries.append(("Help: keys and search syntax", "key ?", app.action_help))
        return entries

    async def discover(self) -> Hits:
        for label, help_text, command in self._entries():
            yield DiscoveryHit(Content(label), command, text=label, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, command in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, highlight(matcher, label), command, text=label, help=help_text)  # type: ignore[arg-type]
        if len(query.strip()) >= 3:
            app = self.reader_app
            for row in app.library.rows(app.library.search(query, limit=15).ids):
                yield Hit(
                    0.5,
                    Content(f"Open: {truncate(one_line(row.title), 70)}"),
                    partial(app.open_paper, row.id),
                    help="paper",
                )
