"""What the library screen shows and in which order: scopes as queries, the sort cycled by
a key, the sidebar's counts, related papers (in the detail pane and as a view of their own),
and the keys to triage and statistics.

Orders, counts and related papers are worked out off the UI thread, on the app's connection for
slow reads; an answer made stale by a newer key or change is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.css.query import NoMatches
from textual.timer import Timer

from reader.models import SORTS, ReaderError
from reader.query import quote_value
from reader.store import SearchResult
from reader.text import one_line, truncate
from reader.tui.background import Background, Closing
from reader.tui.errors import app_work
from reader.tui.widgets.sidebar import LIBRARY, Overview, Scope

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App
    from textual.widgets import Input

    from reader.store import Library
    from reader.summaries import ReadingList
    from reader.tui.widgets.paper_list import PaperList

FOR_YOU = "for you"
ORDERS = (*SORTS, FOR_YOU)
ORDER_WORDS = {
    "relevance": "best match first",
    "added": "newest added first",
    "listed": "newest listing first",
    "year": "newest year first",
    "title": "by title",
    "rating": "best rated first",
    "changed": "last changed first",
    FOR_YOU: "for you",
}
# "For you" ranks at most this many papers by taste; the rest follow in their order.
FOR_YOU_LIMIT = 2_000
NO_TASTE = "Rate or keep a few papers to get recommendations; shown in listing order for now."
RELATED_SHOWN = 5
# How long the cursor rests on a paper before its related papers are looked for.
RELATED_AFTER = 0.3


class LibraryViews:
    """Mixin of the library screen."""

    VIEW_BINDINGS = [
        Binding("S", "cycle_sort", "Sort", tooltip="Cycle the order of the list", id="sort"),
        Binding("r", "related", "Related", tooltip="List the papers most like it", id="related"),
        Binding("T", "triage", "Triage", tooltip="Triage new papers one by one", id="triage"),
        Binding("percent_sign", "app.stats", "Stats", show=False, tooltip="Statistics", id="stats"),
        Binding(
            "L",
            "whole_library",
            "Library",
            show=False,
            tooltip="Back to the whole library",
            id="whole-library",
        ),
    ]

    library: Library
    background: Background
    scope: Scope
    sort: str
    order: str
    related: list[tuple[int, str, float]] | None | bool
    generation: int
    overview: Overview | None
    _related_timer: Timer | None = None
    _overviews_asked = 0  # counts asked for; only the latest is shown

    if TYPE_CHECKING:
        app: App

        @property
        def paper_list(self) -> PaperList: ...

        @property
        def search_input(self) -> Input: ...

        @property
        def current_paper_id(self) -> int | None: ...

        def run_search(self, keep: int | None = None) -> None: ...

        def notify(self, message: str, **kwargs) -> None: ...  # type: ignore[no-untyped-def]

        def set_timer(self, delay: float, callback: Callable[[], object]) -> Timer: ...

        @property
        def is_attached(self) -> bool: ...

        def _leave_vanished_list(self, lists: list[ReadingList] | None = None) -> bool: ...

    # -- the sidebar's counts ----------------------------------------------------------------

    def read_overview(self) -> None:
        """Count again for the sidebar, off the UI thread: at a million papers the counts take
        a quarter of a second, which the first frame and every change would otherwise wait."""
        self._overviews_asked += 1
        self._overview_worker(self._overviews_asked)

    @app_work("count the library", thread=True, group="overview")
    def _overview_worker(self, asked: int) -> None:
        def count(library: Library) -> Overview:
            return Overview(
                library.count(),
                library.status_counts(),
                library.lists(),
                library.tags(),
                library.triage_counts().get("new", 0),
            )

        try:
            overview = self.background.read(count, lambda: asked != self._overviews_asked)
        except Closing:  # the app is closing, or a newer count was asked for
            return
        self.app.call_from_thread(self._show_overview, asked, overview)

    def _show_overview(self, asked: int, overview: Overview) -> None:
        """The counts, unless newer ones were asked for since; leave a list shown that is gone."""
        if asked != self._overviews_asked or not self.is_attached:
            return
        self.overview = overview
        self._leave_vanished_list(overview.lists)

    # -- scope -------------------------------------------------------------------------------

    def scope_query(self) -> str:
        if self.scope.kind == "status":
            return f"status:{self.scope.value}"
        if self.scope.kind == "tag":
            return f"tag:{quote_value(self.scope.value)}"
        if self.scope.kind == "new":
            return "is:new"
        if self.scope.kind == "related":
            return f"related:{self.scope.value}"
        return ""

    @property
    def list_name(self) -> str | None:
        return self.scope.value if self.scope.kind == "list" else None

    def action_whole_library(self) -> None:
        self.search_input.value = ""
        self.scope = LIBRARY
        self.paper_list.focus()

    def _empty_text(self) -> str:
        where = {"list": "this list", "tag": "this tag", "status": "these papers"}.get(
            self.scope.kind, "this view"
        )
        if self.search_input.value.strip():
            if self.scope != LIBRARY:
                return (
                    f"No papers in {where} match (the search is limited to {self.scope.label}). "
                    "L searches the whole library; Esc twice clears the search."
                )
            return "No papers match. Esc twice clears the search."
        if self.scope.kind == "list":
            return "This list is empty: highlight a paper in the Library and press a."
        if self.scope.kind == "new":
            return "Nothing new: every paper has been triaged."
        if self.overview is not None and self.overview.total == 0:
            return "The library is empty: press i to import a listing file, or A to add one."
        return "No papers here."

    # -- order -------------------------------------------------------------------------------

    def order_label(self) -> str:
        if self.scope.kind == "list":
            return ""  # a list is in its own order
        if self.scope.kind == "related":
            return "most similar first"
        if self.sort == "relevance" and not self.search_input.value.strip():
            return "library order"
        return ORDER_WORDS.get(self.sort, self.sort)

    def action_cycle_sort(self) -> None:
        self.sort = ORDERS[(ORDERS.index(self.sort) + 1) % len(ORDERS)]
        self.order = self.order_label()
        if self.scope.kind in ("list", "related"):
            self.notify(f"Sorted {ORDER_WORDS[self.sort]} outside lists and related papers")
        self.run_search(keep=self.current_paper_id)

    def ordered(
        self, result: SearchResult, sort: str, in_list: bool, stale: Callable[[], bool]
    ) -> SearchResult | None:
        """The results in ``sort`` order (called in the search worker thread); None when a
        newer search has made them stale."""
        if sort == "relevance" or in_list or self.scope.kind == "related" or not result.ids:
            return result
        ids = list(result.ids)
        try:
            if sort == FOR_YOU:
                ranked = self.background.read(
                    lambda library: library.recommend(ids[:FOR_YOU_LIMIT]), stale
                )
                chosen = [item.paper_id for item in ranked]
                rest = set(chosen)
                ids = chosen + [pid for pid in ids if pid not in rest]
            else:
                ids = self.background.read(lambda library: library.sorted_ids(ids, sort), stale)
        except Closing:
            return None
        except ReaderError:  # no taste to learn from yet
            self.app.call_from_thread(self.notify, NO_TASTE, timeout=6)
        return replace(result, ids=ids)

    # -- related papers ----------------------------------------------------------------------

    def find_related(self, paper_id: int | None) -> None:
        """Look for the papers like this one once the cursor has rested on it.

        Holding j, or typing a search, moves on first: no lookup is started for the papers
        passed over.
        """
        if self._related_timer is not None:
            self._related_timer.stop()
        self._related_timer = self.set_timer(
            RELATED_AFTER, lambda: self._find_related_if_still(paper_id)
        )

    def _find_related_if_still(self, paper_id: int | None) -> None:
        if paper_id is not None and paper_id == self.current_paper_id:
            self._related_worker(paper_id, self.generation)

    @app_work("find related papers", thread=True, exclusive=True, group="related")
    def _related_worker(self, paper_id: int, generation: int) -> None:
        def stale() -> bool:
            try:
                return self.current_paper_id != paper_id
            except NoMatches:  # the screen is being taken down (the app is closing)
                return True

        def find(library: Library) -> list[tuple[int, str, float]]:
            similar = library.related(paper_id, RELATED_SHOWN)
            titles = {row.id: row.title for row in library.rows([s.paper_id for s in similar])}
            return [(s.paper_id, titles.get(s.paper_id, "?"), s.score) for s in similar]

        try:
            found = self.background.read(find, stale)
        except Closing:
            return
        except ReaderError:  # the paper went away meanwhile
            found = []
        self.app.call_from_thread(self._show_related, paper_id, found)

    def _show_related(self, paper_id: int, found: list[tuple[int, str, float]]) -> None:
        if not self.is_attached or not self.query("#papers"):
            return  # the screen is being taken down (the app is closing)
        if self.current_paper_id == paper_id:
            self.related = found

    def action_related(self) -> None:
        paper_id = self.current_paper_id
        if paper_id is None:
            return
        title = self.library.papers([paper_id], with_notes=False)[0].title
        label = f"Related to “{truncate(one_line(title), 40)}”"
        self.search_input.value = ""
        self.scope = Scope("related", str(paper_id), label)
        self.paper_list.focus()

    def action_triage(self) -> None:
        self.app.open_triage()  # type: ignore[attr-defined]
