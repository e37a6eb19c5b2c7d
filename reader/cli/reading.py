"""Reading commands: ``papers`` and ``show``. They open the library read-only."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from reader.cli.base import QueryCommand, echo_json, with_library
from reader.cli.group import main
from reader.models import SORTS, Paper
from reader.records import paper_dict

if TYPE_CHECKING:
    from reader.store import Library
from reader.text import STATUS_MARKS, one_line, safe, stars, truncate


def status_mark(status: str) -> str:
    return STATUS_MARKS.get(status, " ")


MAX_COLUMNS = 1_000


def terminal_width(fallback: int = 100) -> int:
    """The columns ``shutil.get_terminal_size`` says (``COLUMNS``, else the terminal's, else
    ``fallback``), without importing shutil, and the compression modules it brings, into every
    ``show`` and ``papers``."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    # A terminal is never wider than this; COLUMNS=9223372036854775808 must not pad each line
    # to it (shutil's answer, as was, ran out of memory).
    return min(columns, MAX_COLUMNS) if columns > 0 else fallback


def print_table(papers: list[Paper]) -> None:
    width = terminal_width()
    id_width = max((len(str(paper.id)) for paper in papers), default=2)
    for paper in papers:
        right = "  ".join(
            part
            for part in (
                stars(paper.rating),
                " ".join(f"#{tag}" for tag in paper.tags),
                paper.listed or "",
            )
            if part
        )
        room = max(width - id_width - len(right) - 6, 20)
        title = truncate(one_line(paper.title), room)
        line = f"{paper.id:>{id_width}} {status_mark(paper.status)} {title}"
        if right:
            line = f"{line:<{id_width + 3 + room}}  {safe(right)}"
        click.echo(line.rstrip())


@main.command(cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option("--limit", "-n", type=click.IntRange(min=1), help="Show at most N papers.")
@click.option("--new", "new", is_flag=True, help="Only new arrivals not triaged yet (is:new).")
@click.option("--for-you", "for_you", is_flag=True, help="Best match for your taste first.")
@click.option("--sort", type=click.Choice(SORTS), help="Order by this instead of relevance.")
@click.option("--reverse", is_flag=True, help="Reverse the order.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of papers.")
@with_library(readonly=True)
def papers(
    lib: Library,
    query: tuple[str, ...],
    limit: int | None,
    new: bool,
    for_you: bool,
    sort: str | None,
    reverse: bool,
    as_json: bool,
) -> None:
    """List papers, or those matching QUERY (see the README for the query language)."""
    text = " ".join(query)
    searched = f"is:new {text}" if new else text
    result = lib.search(searched, limit=None if (for_you or sort or reverse) else limit)
    ids = result.ids
    if for_you:
        ids = [item.paper_id for item in lib.recommend(ids)]
    if sort or reverse:
        ids = lib.sorted_ids(ids, sort or "relevance", reverse)
    found = lib.papers(ids[:limit] if limit else ids, with_notes=False)
    if as_json:
        echo_json([{**paper_dict(paper), "fuzzy": result.fuzzy} for paper in found])
        return
    if result.fuzzy and found:
        fixes = ", ".join(f"{word} → {words[0]}" for word, words in result.corrections.items())
        click.echo(f"No exact matches; showing close titles ({fixes}).", err=True)
    if not found:
        empty = "No new papers." if new else "The library is empty."
        click.echo("No papers match." if text.strip() else empty, err=True)
        return
    print_table(found)


@main.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print the paper as JSON.")
@with_library(readonly=True)
def show(lib: Library, ref: str, as_json: bool) -> None:
    """Show one paper in full. REF is an id, a key or a unique key prefix."""
    paper = lib.paper(ref)
    if as_json:
        echo_json(paper_dict(paper, full=True))
        return
    click.echo(click.style(one_line(paper.title), bold=True))
    click.echo(f"id {paper.id} · {paper.key}")
    facts = [f"status: {paper.status}"]
    if paper.rating:
        facts.append(f"rating: {stars(paper.rating)}")
    if paper.listings:
        facts.append("listed: " + one_line(", ".join(paper.listings)))
    click.echo(" · ".join(facts))
    if paper.tags:
        click.echo("tags: " + " ".join(f"#{safe(tag)}" for tag in paper.tags))
    if paper.lists:
        click.echo("lists: " + ", ".join(safe(name) for name in paper.lists))
    click.echo("sources: " + ", ".join(safe(source.file) for source in paper.sources))
    for link in paper.links:
        click.echo(f"{'code' if link.kind == 'code' else 'link'}: {safe(link.url)}")
    if paper.abstract:
        click.echo()
        width = min(terminal_width(), 100)
        click.echo(click.wrap_text(one_line(paper.abstract), width))
    for note in paper.annotations:
        click.echo()
        click.echo(click.style(f"note {note.id} · {note.updated}", dim=True))
        if note.quote:
            click.echo(f"> {one_line(note.quote)}")
        click.echo(safe(note.body))
