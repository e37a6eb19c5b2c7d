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
from reader.text import one_line, safe, stars

STATUS_LABELS = {"unread": "• unread", "reading": "◐ reading", "read": "✓ read"}
STATUS_STYLES = {"unread": "bold", "reading": "yellow", "read": "green"}


def paper_view(paper: Paper) -> Group:
    """The paper as styled text; every imported string is cleaned of control characters."""
    text = Text()
    text.append(one_line(paper.title) + "\n", style="bold")
    facts = Text()
    facts.append(
        STATUS_LABELS.get(paper.status, paper.status), style=STATUS_STYLES.get(paper.status, "")
    )
    if paper.rating:
        facts.append("   ")
        facts.append(stars(paper.rating), style="yellow")
    if paper.listings:
        facts.append("   ")
        facts.append("listed " + ", ".join(one_line(d) for d in paper.listings), style="dim")
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
    sources = ", ".join(safe(source.file) for source in paper.sources)
    # The key has no spaces: on a line of its own it folds cleanly in a narrow pane.
    parts.append(Text(f"\nid {paper.id} · from {sources}\nkey:{paper.key}", style="dim"))
    return Group(*parts)


class PaperDetail(VerticalScroll):
    """Shows one paper; scrolls when the abstract and notes are long.

    The screen binds the paper to show into ``paper``; a new paper starts at the top.
    """

    paper: var[Paper | None] = var(None, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static(Text("Nothing highlighted.", style="dim"), id="detail-body")

    def compose(self) -> ComposeResult:
        yield self._body

    def watch_paper(self, paper: Paper | None) -> None:
        if paper is None:
            self._body.update(Text("Nothing highlighted.", style="dim"))
        else:
            self._body.update(paper_view(paper))
        self.scroll_home(animate=False)
