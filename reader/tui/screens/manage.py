"""Reading lists and tags managed in place: create, rename, describe and delete lists; rename
(onto another tag: merge) and delete tags. From the sidebar's keys (on the list or tag under
its cursor) and from the palette (which asks which). Every one is undoable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.text import one_line
from reader.tui.errors import app_work
from reader.tui.screens.dialogs import ConfirmDialog, ListPickerDialog, PromptDialog
from reader.tui.widgets.sidebar import LIBRARY, Scope

if TYPE_CHECKING:
    from textual.app import App

    from reader.store import Library
    from reader.tui.messages import Apply


class Management:
    """Mixin of the library screen."""

    library: Library
    apply: Apply
    scope: Scope

    if TYPE_CHECKING:
        app: App

        def notify(self, message: str, **kwargs) -> None: ...  # type: ignore[no-untyped-def]

    async def _pick(self, kind: str, title: str, name: str | None) -> str | None:
        if name is not None:
            return name
        names = (
            [item.name for item in self.library.lists()]
            if kind == "list"
            else [tag.name for tag in self.library.tags()]
        )
        if not names:
            self.notify(f"There are no {kind}s yet.", timeout=3)
            return None
        choice = await self.app.push_screen_wait(ListPickerDialog(names, title, create=False))
        return choice.name if choice is not None else None

    def _said(self, message: str) -> None:
        self.notify(one_line(message), markup=False, timeout=4)

    @app_work("create the list")
    async def action_create_list(self) -> None:
        name = await self.app.push_screen_wait(PromptDialog("New reading list", "", "Its name"))
        if name:
            await self.apply(lambda library: library.create_list(name))
            self._said(f"Created the list {name}; a adds papers to it.")

    @app_work("rename the list")
    async def action_rename_list(self, name: str | None = None) -> None:
        old = await self._pick("list", "Rename which list?", name)
        if old is None:
            return
        new = await self.app.push_screen_wait(PromptDialog(f"Rename “{old}”", old, "New name"))
        if not new or new == old:
            return
        await self.apply(lambda library: library.rename_list(old, new))
        if self.scope.kind == "list" and self.scope.value == old:
            self.scope = Scope("list", new, new)
        self._said(f"Renamed {old} to {new} (u undoes)")

    @app_work("describe the list")
    async def action_describe_list(self, name: str | None = None) -> None:
        chosen = await self._pick("list", "Describe which list?", name)
        if chosen is None:
            return
        info, _ = self.library.reading_list(chosen)
        text = await self.app.push_screen_wait(
            PromptDialog(f"Describe “{chosen}”", info.description, "What the list is for")
        )
        if text is None:
            return
        await self.apply(lambda library: library.describe_list(chosen, text))
        self._said(f"Described {chosen} (u undoes)")

    @app_work("delete the list")
    async def action_delete_list(self, name: str | None = None) -> None:
        chosen = await self._pick("list", "Delete which list?", name)
        if chosen is None:
            return
        sure = await self.app.push_screen_wait(
            ConfirmDialog(
                "Delete the list?",
                f"Delete the reading list “{chosen}”? Its papers stay in the library.",
                "Delete",
            )
        )
        if not sure:
            return
        await self.apply(lambda library: library.delete_list(chosen))
        if self.scope.kind == "list" and self.scope.value == chosen:
            self.scope = LIBRARY
        self._said(f"Deleted the list {chosen} (u undoes)")

    @app_work("rename the tag")
    async def action_rename_tag(self, name: str | None = None) -> None:
        old = await self._pick("tag", "Rename which tag?", name)
        if old is None:
            return
        new = await self.app.push_screen_wait(
            PromptDialog(f"Rename #{old}", old, "New name; an existing tag's name merges them")
        )
        if not new or new == old:
            return
        merged = any(tag.name.casefold() == new.casefold() for tag in self.library.tags())
        await self.apply(lambda library: library.rename_tag(old, new))
        if self.scope.kind == "tag" and self.scope.value == old:
            self.scope = Scope("tag", new, f"#{new}")
        self._said(f"{'Merged' if merged else 'Renamed'} #{old} into #{new} (u undoes)")

    @app_work("delete the tag")
    async def action_delete_tag(self, name: str | None = None) -> None:
        chosen = await self._pick("tag", "Delete which tag?", name)
        if chosen is None:
            return
        sure = await self.app.push_screen_wait(
            ConfirmDialog(
                "Delete the tag?",
                f"Take #{chosen} (and its children) off every paper?",
                "Delete",
            )
        )
        if not sure:
            return
        count = await self.apply(lambda library: library.delete_tag(chosen))
        if self.scope.kind == "tag" and self.scope.value == chosen:
            self.scope = LIBRARY
        self._said(f"Deleted #{chosen} from {count} paper{'' if count == 1 else 's'} (u undoes)")

    def manage_scope(self, verb: str, scope: Scope) -> None:
        """The sidebar's keys: rename, describe or delete the list or tag under its cursor."""
        if scope.kind == "list":
            action = {
                "rename": self.action_rename_list,
                "describe": self.action_describe_list,
                "delete": self.action_delete_list,
            }.get(verb)
        elif scope.kind == "tag":
            action = {"rename": self.action_rename_tag, "delete": self.action_delete_tag}.get(verb)
        else:
            action = None
        if action is None:
            self.notify("Rename, describe and delete work on reading lists and tags.", timeout=3)
            return
        action(scope.value)
