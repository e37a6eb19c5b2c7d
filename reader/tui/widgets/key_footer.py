"""Textual's footer, built again only when the keys it would show have changed.

The footer rebuilds every key it shows (a widget each, styled anew) whenever the screen's
bindings are refreshed: twice for each change of focus and five times while the app starts,
nearly always to show the same keys. Here it first compares what it would show with what it
shows, and only a difference rebuilds it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A compact footer that rebuilds its keys only when they change."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._shown: tuple[Hashable, ...] | None = None

    def compose(self) -> Iterable:  # type: ignore[override]
        if self._bindings_ready:
            self._shown = self._keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if (
            self._shown is not None
            and screen.app.app_focus
            and self.is_attached
            and screen is self.screen
            and self._keys(screen) == self._shown
        ):
            return
        super().bindings_changed(screen)

    def _keys(self, screen: Screen) -> tuple[Hashable, ...]:
        """Everything of the screen's bindings that the footer draws."""
        app = self.app
        return tuple(
            (
                binding.key,
                binding.action,
                binding.description,
                binding.show,
                binding.group,
                enabled,
                tooltip,
                app.get_key_display(binding),
            )
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
        ) + (self.show_command_palette, app.ENABLE_COMMAND_PALETTE)
