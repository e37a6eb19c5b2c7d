"""What to read next: ``related``, ``recommend`` and ``batches``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from reader.cli.base import echo_json, with_library
from reader.cli.group import main
from reader.records import paper_dict
from reader.text import one_line, truncate

if TYPE_CHECKING:
    from reader.store import Library


@main.command()
@click.argument("ref")
@click.option("--limit", "-n", type=click.IntRange(1, 200), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the papers as JSON.")
@with_library(readonly=True)
def related(lib: Library, ref: str, limit: int, as_json: bool) -> None:
    """The papers most like REF, by the words of their titles and abstracts."""
    paper_id = lib.resolve(ref)
    found = lib.related(paper_id, limit)
    papers = {paper.id: paper for paper in lib.papers([item.paper_id for item in found])}
    if as_json:
        echo_json(
            [
                {**paper_dict(papers[item.paper_id]), "similarity": round(item.score, 4)}
                for item in found
            ]
        )
        return
    if not found:
        click.echo("No related papers (it has too few words in common with the others).", err=True)
    for item in found:
        paper = papers[item.paper_id]
        click.echo(f"{item.paper_id:>6}  {item.score:4.0%}  {truncate(one_line(paper.title), 80)}")


@main.command()
@click.argument("query", nargs=-1)
@click.option("--tag", help="More like the papers with this tag (and its children).")
@click.option("--limit", "-n", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the papers as JSON.")
@with_library(readonly=True)
def recommend(
    lib: Library, query: tuple[str, ...], tag: str | None, limit: int, as_json: bool
) -> None:
    """The new papers (or those matching QUERY) that best match your taste: what you rated
    4-5, tagged or put in lists; what you skipped or rated 1-2 sinks."""
    text = " ".join(query)
    candidates = lib.search(text, fuzzy=False).ids if text.strip() else lib.new_ids()
    if not candidates:
        click.echo("No new papers to rank (give a QUERY to rank others).", err=True)
        return
    found = lib.recommend(candidates, tag=tag, limit=limit)
    papers = {paper.id: paper for paper in lib.papers([item.paper_id for item in found])}
    if as_json:
        echo_json(
            [
                {
                    **paper_dict(papers[item.paper_id]),
                    "score": round(item.score, 4),
                    "reason": item.reason,
                }
                for item in found
            ]
        )
        return
    for item in found:
        paper = papers[item.paper_id]
        click.echo(f"{item.paper_id:>6}  {truncate(one_line(paper.title), 72)}")
        click.echo(f"        {one_line(item.reason)}")


@main.command()
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the batches as JSON.")
@with_library(readonly=True)
def batches(lib: Library, limit: int, as_json: bool) -> None:
    """Recent imports and additions, newest first, with how many of their papers are new."""
    found = lib.batches(limit)
    if as_json:
        echo_json(
            [
                {
                    "id": item.id,
                    "created": item.created,
                    "kind": item.kind,
                    "source": item.source,
                    "papers": item.papers,
                    "new": item.new,
                }
                for item in found
            ]
        )
        return
    if not found:
        click.echo("Nothing imported yet.", err=True)
    for item in found:
        click.echo(
            f"{item.created}  {item.kind:<6}  {item.papers:>6} papers, {item.new:>6} new  "
            f"{one_line(item.source)}"
        )
