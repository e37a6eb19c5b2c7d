"""The main screen: sidebar, search box, paper list and detail pane.

The screen is built with what it uses: the library (reads on the UI thread), the searcher
(searches in a worker thread; stale results are dropped by generation number), a connection for
slow reads (related papers, orders), the settings, and the app's ``write``/``apply`` for
changes. Its state is a few reactive variables bound into the widgets: the scope shown, the
overview the sidebar counts, the paper in the detail pane, the marks and the order. After any
change the app posts ``LibraryChanged``, and the screen redraws from it; failures go through
the app's one error path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from reader.config import Settings
from reader.models import NoSuchList, Paper
from reader.query import QueryError, Term
from reader.searcher import Searcher
from reader.store import Library, SearchResult
from reader.tui.background import Background
from reader.tui.errors import app_work, reported
from reader.tui.held_frame import HeldFrame
from reader.tui.messages import Apply, LibraryChanged, OpenPaper, Write
from reader.tui.scoped_search import ScopedSearcher
from reader.tui.screens.library_views import LibraryViews
from reader.tui.screens.list_actions import ReadingListActions
from reader.tui.screens.manage import Management
from reader.tui.screens.paper_actions import PaperActions
from reader.tui.screens.record_actions import RecordActions
from reader.tui.screens.web_actions import WebActions
from reader.tui.widgets.key_footer import KeyFooter
from reader.tui.widgets.paper_detail import PaperDetail
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.scope_title import ScopeTitle
from reader.tui.widgets.search_box import SearchBox
from reader.tui.widgets.search_count import SearchCount
from reader.tui.widgets.sidebar import LIBRARY, Overview, Scope, Sidebar

NARROW_WIDTH = 100
# A malformed query is said once typing pauses this long (or on Enter), not at every key.
ERROR_PAUSE = 0.6


class LibraryScreen(
    PaperActions, RecordActions, ReadingListActions, LibraryViews, WebActions, Management, Screen
):
    """Browse, search and curate the library."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", tooltip="Focus the search box", id="search"),
        Binding("escape", "escape", "Back", show=False, id="back"),
        *PaperActions.PAPER_BINDINGS,
        *RecordActions.RECORD_BINDINGS,
        *ReadingListActions.LIST_BINDINGS,
        *LibraryViews.VIEW_BINDINGS,
        *WebActions.WEB_BINDINGS,
        Binding(
            "i",
            "app.import_file",
            "Import",
            show=False,
            tooltip="Import a listing file",
            id="import",
        ),
        Binding(
            "ctrl+r",
            "app.reload",
            "Reload",
            show=False,
            tooltip="Reload outside changes",
            id="reload",
        ),
        Binding(
            "ctrl+b",
            "toggle_sidebar",
            "Sidebar",
            show=False,
            tooltip="Show or hide the sidebar",
            id="toggle-sidebar",
        ),
    ]

    scope: var[Scope] = var(LIBRARY, init=False)
    """What the list shows before any search: the library, a status, a reading list or a tag."""
    overview: var[Overview | None] = var(None, init=False)
    """What the sidebar counts, read again after every change."""
    paper: var[Paper | None] = var(None, init=False)
    """The paper in the detail pane."""
    related: var[list[tuple[int, str, float]] | None | bool] = var(None, init=False)
    """The papers most like it, found in a worker (None until then)."""
    marked: var[int] = var(0, init=False)
    """How many papers are marked."""
    order: var[str] = var("", init=False)
    """The order the list is in, in words."""

    def __init__(
        self,
        library: Library,
        searcher: Searcher,
        write: Write,
        apply: Apply,
        background: Background,
        settings: Settings,
        *,
        searched: Callable[[int], None] = lambda generation: None,
    ) -> None:
        """``searched(generation)`` is told when a search's results are on screen."""
        super().__init__()
        self.library = library
        self.searcher = searcher
        self.write = write
        self.apply = apply
        self.background = background
        self.columns = settings.columns
        self.sort = settings.sort
        self.searched = searched
        self.generation = 0  # of the latest search asked for; older answers are dropped
        self._detail_for: int | None = -1  # the paper the detail pane was last filled for
        self._error_timer: Timer | None = None
        self._error: tuple[int, str] | None = None
        self._submitted = -1  # the search Enter was pressed on: its error is said at once

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="top-bar"):
            yield Static("reader", id="brand")
            yield SearchBox(
                placeholder=(
                    "Search  (try: diffusion  tag:vision  rating:>=4  status:unread  -has:notes)"
                ),
                id="search",
            )
            yield SearchCount(id="count")
        yield Static("", id="query-error", markup=False)
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar").data_bind(LibraryScreen.overview, LibraryScreen.scope)
            with Vertical(id="list-pane"):
                yield ScopeTitle(id="scope-title").data_bind(
                    LibraryScreen.scope,
                    LibraryScreen.overview,
                    LibraryScreen.marked,
                    LibraryScreen.order,
                )
                yield PaperList(self._load_papers, columns=self.columns, id="papers")
            yield PaperDetail(id="detail").data_bind(LibraryScreen.paper, LibraryScreen.related)
        yield Static("", id="progress", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.held_frame = HeldFrame(self.app)
        # Watched, not heard through Input.Changed: the search starts within the keystroke,
        # before the frame that echoes it, instead of after a message's trip up the DOM.
        self.watch(self.search_input, "value", self.search_changed, init=False)
        self.paper_list.focus()
        self.read_overview()
        self.order = self.order_label()
        self.run_search(keep=None)
        self._fit(self.size.width)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """Fold the sidebar away on narrow terminals (80x24 stays usable)."""
        self.set_class(width < NARROW_WIDTH, "narrow")

    def _load_papers(self, ids: Sequence[int]) -> list[Paper]:
        return self.library.papers(ids, with_notes=False)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    @property
    def current_paper_id(self) -> int | None:
        return self.paper_list.highlighted

    def target_ids(self) -> list[int]:
        return self.paper_list.marked or super().target_ids()

    # -- search ------------------------------------------------------------------------------

    @property
    def filtered(self) -> bool:
        """Whether the list shows less than the library (a change to a paper can move it in
        or out)."""
        return bool(self.search_input.value) or self.scope != LIBRARY

    def run_search(self, keep: int | None = None) -> None:
        self.generation += 1
        self.order = self.order_label()  # "library order" until words are typed
        self._search_worker(
            self.generation,
            self.search_input.value,
            self.scope_query(),
            self.list_name,
            keep,
            self.sort,
        )

    @app_work("search", thread=True, exclusive=True, group="search")
    def _search_worker(
        self,
        generation: int,
        text: str,
        scope_query: str,
        list_name: str | None,
        keep: int | None,
        sort: str,
    ) -> None:
        def stale() -> bool:
            return generation != self.generation

        try:
            if self.scope.kind == "tag" and isinstance(self.searcher, ScopedSearcher):
                # By the tag's exact name: a name with a quote cannot be written as a query.
                scope = (Term("tag", self.scope.value),)
                found = self.searcher.search_in(text, scope, list_name, stale=stale)
            else:
                found = self.searcher.search(text, scope_query, list_name, stale=stale)
            result = found and self.ordered(found.result, sort, list_name is not None, stale)
        except QueryError as error:  # an answer to what was typed, shown under the box
            self.app.call_from_thread(self._query_refused, generation, str(error))
            return
        except NoSuchList as error:  # deleted elsewhere before the sidebar's counts said so
            self.app.call_from_thread(self._list_gone, generation, str(error))
            return
        if found is not None and result is not None:
            self.app.call_from_thread(self._apply_results, generation, result, found.total, keep)

    def _apply_results(
        self, generation: int, result: SearchResult, total: int, keep: int | None
    ) -> None:
        if not self.is_attached:
            self.held_frame.release()  # the app is closing
            return
        if generation != self.generation:
            return  # a newer keystroke has already asked again: its answer ends the hold
        try:
            self._hide_error()
            paper_list = self.paper_list
            if not result.ids:  # worded for the situation
                paper_list.empty_text = self._empty_text()
            paper_list.set_ids(result.ids, keep=keep)
            self.query_one(SearchCount).show_found(result, total)
        finally:
            self.held_frame.release()  # the key's echo and its results, in one frame
        self.searched(generation)

    def _query_refused(self, generation: int, message: str) -> None:
        """Said only once typing pauses: a query is often malformed half-way through."""
        if generation != self.generation or not self.is_attached:
            return
        self.held_frame.release()
        self._error = (generation, message)
        if self._error_timer is not None:
            self._error_timer.stop()
        pause = 0.001 if generation == self._submitted else ERROR_PAUSE  # Enter came first
        self._error_timer = self.set_timer(pause, self._show_error)
        self.searched(generation)

    def _show_error(self) -> None:
        if self._error is None or self._error[0] != self.generation:
            return
        line = self.query_one("#query-error", Static)
        line.update(self._error[1].replace("bad query at ", "Search: "))
        line.add_class("shown")
        self.query_one(SearchCount).show_error("query error")

    def _hide_error(self) -> None:
        self._error = None
        self.query_one("#query-error", Static).remove_class("shown")

    def search_changed(self, _value: str) -> None:
        self.held_frame.hold()  # until the results are on the list (see held_frame)
        self.run_search(keep=None)

    def on_unmount(self) -> None:
        self.held_frame.release()

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self._submitted = self.generation
        if self._error is not None:
            self._show_error()
            return
        self.paper_list.focus()
        self.paper_list.action_first()

    def action_focus_search(self) -> None:
        self.search_input.focus()

    def action_escape(self) -> None:
        if self.search_input.has_focus:
            self.paper_list.focus()
        elif self.paper_list.clear_marks():
            pass
        elif self.search_input.value:
            self.search_input.value = ""
        elif self.scope != LIBRARY:
            self.scope = LIBRARY

    # -- scope and sidebar -------------------------------------------------------------------

    @on(Sidebar.ScopeChosen)
    def scope_chosen(self, event: Sidebar.ScopeChosen) -> None:
        self.scope = event.scope

    @on(Sidebar.Manage)
    def manage_chosen(self, event: Sidebar.Manage) -> None:
        self.manage_scope(event.verb, event.scope)

    def watch_scope(self) -> None:
        self.refresh_bindings()  # the reading-list keys
        self.order = self.order_label()
        self.run_search(keep=None)

    def show_scope(self, scope: Scope) -> None:
        """Used by the command palette: jump to a list or tag."""
        self.search_input.value = ""
        self.scope = scope
        self.paper_list.focus()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    # -- the highlighted paper ---------------------------------------------------------------

    @on(PaperList.Highlighted)
    def highlighted(self) -> None:
        # The list repaints first; the detail pane follows once the cursor is drawn, and only
        # for the paper still highlighted by then (holding j skips the ones in between).
        self.call_after_refresh(self._show_highlighted)

    @on(PaperList.Marked)
    def marks_changed(self) -> None:
        self.marked = len(self.paper_list.marked)

    @property
    def detail_settled(self) -> bool:
        """True once the detail pane shows the highlighted paper (tests wait on it)."""
        return self._detail_for == self.current_paper_id

    def _show_highlighted(self) -> None:
        if not self.detail_settled:
            with reported(self.app, "show the paper"):
                self.show_detail(self.current_paper_id)

    def show_detail(self, paper_id: int | None) -> None:
        papers = self.library.papers([paper_id]) if paper_id is not None else []
        if paper_id != self._detail_for:
            self.related = None
            self.find_related(paper_id)
        self.paper = papers[0] if papers else None
        self._detail_for = paper_id

    @on(PaperList.Selected)
    def selected(self, event: PaperList.Selected) -> None:
        self.post_message(OpenPaper(event.paper_id))

    def removed(self, paper_ids: list[int]) -> None:
        self.paper_list.clear_marks()

    # -- changes -----------------------------------------------------------------------------

    @on(LibraryChanged)
    def library_changed(self, message: LibraryChanged) -> None:
        """Redraw what the change can touch; search again when the results may differ."""
        with reported(self.app, "show the changes"):
            self.paper_list.invalidate(message.paper_ids)
            self.read_overview()
            self.show_detail(self.current_paper_id)
            if message.membership or self.filtered:
                self.run_search(keep=self.current_paper_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_list" and self.paper_list.marked:
            return True  # exports the marked papers
        if action in ReadingListActions.LIST_ACTIONS and self.scope.kind != "list":
            return False
        if action == "whole_library" and self.scope == LIBRARY:
            return False
        return super().check_action(action, parameters)
