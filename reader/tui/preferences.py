"""The settings that stay, applied to the app: the theme (and saving the one chosen), key
remaps by binding id, and a word when the settings file could not be used."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.timer import Timer

from reader.config import Settings, save_setting
from reader.tui.errors import reported

if TYPE_CHECKING:
    from textual.app import App

# A theme is saved once the palette's picker has rested on it this long.
THEME_SAVE_DELAY = 0.5


class Preferences:
    """Mixin of the app."""

    settings: Settings
    settings_problem: str | None
    keymap: dict[str, str]
    _theme_timer: Timer | None = None

    def apply_settings(self: App) -> None:  # type: ignore[misc]
        if self.settings_problem:
            self.notify(self.settings_problem, severity="warning", timeout=10, markup=False)
        theme = self.settings.theme
        if theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.notify(f"Unknown theme {theme!r}", severity="warning", markup=False)
        if self.keymap:
            self.set_keymap(self.keymap)
        self.theme_changed_signal.subscribe(self, self._theme_chosen)

    def _theme_chosen(self: App, theme: object) -> None:  # type: ignore[misc]
        """A theme chosen (in the palette) is the theme of the next start too. The picker
        tries each theme it passes, so the one it stops on is saved, a moment later."""
        if self._theme_timer is not None:
            self._theme_timer.stop()
        self._theme_timer = self.set_timer(THEME_SAVE_DELAY, self._save_theme)

    def _save_theme(self: App) -> None:  # type: ignore[misc]
        name = self.theme
        if name and name != self.settings.theme:
            self.settings = replace(self.settings, theme=name)
            with reported(self, "save the theme"):
                save_setting("theme", name)
