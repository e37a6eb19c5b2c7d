"""The detail pane: everything about the highlighted paper, scrollable."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual, visualize

from reader.models import Paper
from reader.text import one_line, safe, stars, truncate
from reader.tui.widgets.scrolling import set_virtual_size

MAX_AUTHORS = 6

STATUS_LABELS = {"unread": "• unread", "reading": "◐ reading", "read": "✓ read"}
STATUS_STYLES = {"unread": "bold", "reading": "yellow", "read": "green"}
NOTHING = Text("Nothing highlighted.", style="dim")


def authors_line(paper: Paper) -> str:
    """Up to six authors, then "et al."."""
    names = [one_line(author.display) for author in paper.authors[:MAX_AUTHORS]]
    if len(paper.authors) > MAX_AUTHORS:
        names.append("et al.")
    return ", ".join(names)


def record_view(paper: Paper) -> Text:
    """Authors, year and venue, then the identifiers: what a citation needs."""
    text = Text()
    authors = authors_line(paper)
    if authors:
        text.append(authors + "\n", style="italic")
    published = " · ".join(
        part for part in (str(paper.year or ""), one_line(paper.venue or "")) if part
    )
    if published:
        text.append(published + "\n", style="bold")
    ids = []
    if paper.citekey:
        ids.append(("key", paper.citekey))
    if paper.arxiv:
        ids.append(("arXiv", paper.arxiv))
    if paper.doi:
        ids.append(("DOI", paper.doi))
    for number, (label, value) in enumerate(ids):
        text.append(" · " if number else "", style="dim")
        text.append(f"{label} ", style="dim")
        text.append(one_line(value))
    if ids:
        text.append("\n")
    for item in paper.files:
        text.append("file ", style="bold green")
        text.append(safe(item.path) + "\n")
    return text


def related_view(related: list[tuple[int, str, float]] | None, width: int = 75) -> Text:
    """The most similar papers, with how similar (cosine of their words, 0 to 1)."""
    text = Text("\nRelated", style="bold")
    if related is None:
        text.append("  finding…", style="dim italic")
        return text
    if not related:
        text.append("  none found", style="dim italic")
        return text
    text.append("  (r lists them)", style="dim")
    for _, title, score in related:
        text.append(f"\n{score:4.2f} ", style="dim")
        text.append(truncate(one_line(title), max(width - 5, 20)))
    return text


def paper_view(
    paper: Paper, related: list[tuple[int, str, float]] | None | bool = False, width: int = 75
) -> Group:
    """The paper as styled text; every imported string is cleaned of control characters.
    ``related`` is False when not shown, None while being found."""
    text = Text()
    text.append(one_line(paper.title) + "\n", style="bold")
    text.append_text(record_view(paper))
    facts = Text()
    facts.append(
        STATUS_LABELS.get(paper.status, paper.status), style=STATUS_STYLES.get(paper.status, "")
    )
    if paper.rating:
        facts.append("   ")
        facts.append(stars(paper.rating), style="yellow")
    if paper.listings:
        facts.append("   ")
        # A date is not split over two lines in a narrow pane.
        dates = ", ".join(one_line(d).replace(" ", "\u00a0") for d in paper.listings)
        facts.append(f"listed {dates}", style="dim")
    text.append_text(facts)
    text.append("\n")
    if paper.tags:
        text.append(" ".join(f"#{one_line(tag)}" for tag in paper.tags) + "\n", style="cyan")
    if paper.lists:
        text.append("in " + ", ".join(one_line(name) for name in paper.lists) + "\n", style="dim")
    for link in paper.links:
        label = "code " if link.kind == "code" else "link "
        text.append(label, style="bold green" if link.kind == "code" else "dim")
        text.append(safe(link.url) + "\n", style="underline")
    text.append("\n")
    text.append(one_line(paper.abstract) if paper.abstract else "(no abstract)", style="")
    parts: list[RenderableType] = [text]
    if paper.annotations:
        # Loaded with the first paper that has notes: the Markdown parser and its syntax
        # highlighting are a tenth of the app's imports, before its first frame.
        from rich.markdown import Markdown

        parts.append(Text(f"\nNotes ({len(paper.annotations)})", style="bold"))
        for note in paper.annotations:
            meta = Text(f"— {note.updated[:10]}", style="dim")
            if note.quote:
                meta.append(f"\n“{one_line(note.quote)}”", style="italic")
            parts.append(meta)
            # Notes are the person's own Markdown: show it rendered, as the note dialog promises.
            parts.append(Markdown(safe(note.body).strip(), hyperlinks=False))
    if related is not False:
        parts.append(related_view(related, width))  # type: ignore[arg-type]
    sources = ", ".join(safe(source.file) for source in paper.sources)
    # The key has no spaces: on a line of its own it folds cleanly in a narrow pane.
    parts.append(Text(f"\nid {paper.id} · from {sources}\nkey:{paper.key}", style="dim"))
    return Group(*parts)


class PaperDetail(ScrollView, can_focus=True):
    """Shows one paper; scrolls when the abstract and notes are long.

    The screen binds the paper to show into ``paper``; a new paper starts at the top. The pane
    draws its own lines, as the paper list does: a paper is rendered once at the pane's width,
    and showing another one repaints the pane without a new layout of the screen (a text of
    automatic height needs two, each repainting what it moves, at every highlighted paper).
    """

    paper: var[Paper | None] = var(None, init=False)
    related: var[list[tuple[int, str, float]] | None | bool] = var(False, init=False)
    """(id, title, similarity) of the most similar papers; None while being found, False
    when the pane does not show them."""

    def __init__(self, *, id: str | None = None, max_width: int | None = None) -> None:
        super().__init__(id=id)
        self.max_width = max_width  # lines no longer than this, however wide the pane
        self.shown: RenderableType = NOTHING  # what the pane shows, before it is cut to lines
        self._lines: list[Strip] = []
        self._cut_pending = False

    def watch_paper(self, old: Paper | None, paper: Paper | None) -> None:
        self._draw()
        if old is None or paper is None or old.id != paper.id:
            self.scroll_home(animate=False, immediate=True)

    def watch_related(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()  # lines are cut to the pane's width

    def _draw(self) -> None:
        width = self.scrollable_content_region.width  # the scroll bar's column is kept free
        if self.paper is None:
            self.shown = NOTHING
        else:
            self.shown = paper_view(self.paper, self.related, width or 75)
        # A new paper comes with its related papers reset: cut the text to lines once for both.
        if not self._cut_pending:
            self._cut_pending = True
            self.call_later(self._cut)

    def _cut(self) -> None:
        self._cut_pending = False
        width = self.scrollable_content_region.width
        if self.max_width is not None:
            width = min(width, self.max_width)
        if width <= 0:
            self._lines = []  # not laid out yet: drawn once it has a size
            return
        self._lines = Visual.to_strips(
            self, visualize(self, self.shown), width, None, self.visual_style
        )
        set_virtual_size(self, Size(width, len(self._lines)))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        if index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.size.width, self.visual_style.rich_style)
