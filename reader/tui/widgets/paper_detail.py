"""The detail pane: everything about the highlighted paper, scrollable."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from reader.models import Paper
from reader.text import one_line, safe, stars, truncate

MAX_AUTHORS = 6

STATUS_LABELS = {"unread": "• unread", "reading": "◐ reading", "read": "✓ read"}
STATUS_STYLES = {"unread": "bold", "reading": "yellow", "read": "green"}


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


class PaperDetail(VerticalScroll):
    """Shows one paper; scrolls when the abstract and notes are long.

    The screen binds the paper to show into ``paper``; a new paper starts at the top.
    """

    paper: var[Paper | None] = var(None, init=False)
    related: var[list[tuple[int, str, float]] | None | bool] = var(False, init=False)
    """(id, title, similarity) of the most similar papers; None while being found, False
    when the pane does not show them."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static(Text("Nothing highlighted.", style="dim"), id="detail-body")

    def compose(self) -> ComposeResult:
        yield self._body

    def watch_paper(self, old: Paper | None, paper: Paper | None) -> None:
        self._draw()
        if old is None or paper is None or old.id != paper.id:
            self.scroll_home(animate=False)

    def watch_related(self) -> None:
        self._draw()

    def on_resize(self) -> None:
        self._draw()  # related titles are cut to the pane's width

    def _draw(self) -> None:
        if self.paper is None:
            self._body.update(Text("Nothing highlighted.", style="dim"))
        else:
            width = self._body.content_size.width or 75
            self._body.update(paper_view(self.paper, self.related, width))
