"""The detail pane: everything about the highlighted paper, scrollable."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.models import Paper
from reader.text import one_line, safe, stars

STATUS_LABELS = {"unread": "• unread", "reading": "◐ reading", "read": "✓ read"}
STATUS_STYLES = {"unread": "bold", "reading": "yellow", "read": "green"}


def paper_text(paper: Paper) -> Text:
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
        facts.append("listed " + ", ".join(paper.listings), style="dim")
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
    text.append("\n")
    if paper.annotations:
        text.append(f"\nNotes ({len(paper.annotations)})\n", style="bold")
        for note in paper.annotations:
            text.append(f"— {note.updated[:10]}\n", style="dim")
            if note.quote:
                text.append(f"  “{one_line(note.quote)}”\n", style="italic")
            text.append(safe(note.body).strip() + "\n")
    sources = ", ".join(safe(source.file) for source in paper.sources)
    text.append(f"\nkey {paper.key} · id {paper.id}\nfrom {sources}\n", style="dim")
    return text


class PaperDetail(VerticalScroll):
    """Shows one paper; scrolls when the abstract and notes are long."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-body")

    def show(self, paper: Paper | None) -> None:
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Text("Nothing highlighted.", style="dim"))
        else:
            body.update(paper_text(paper))
        self.scroll_home(animate=False)
