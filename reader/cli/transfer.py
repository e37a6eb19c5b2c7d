"""Bringing papers in and taking them out: ``import`` and ``export``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reader.cli.base import LibraryPath, echo_json, handle_errors, with_library
from reader.cli.group import main
from reader.export import FORMATS
from reader.models import ReaderError
from reader.records import paper_dict
from reader.text import json_text, one_line

if TYPE_CHECKING:
    from reader.store import Library


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--skip-bad", is_flag=True, help="BibTeX: skip malformed entries instead of refusing."
)
@click.pass_obj
@handle_errors
def import_command(
    where: LibraryPath, paths: tuple[Path, ...], as_json: bool, skip_bad: bool
) -> None:
    """Import listing dumps (files or folders of *.txt), BibTeX files or JSON backups.

    One transaction for the whole command: every file goes in, or none does. A library that
    does not exist yet is created only when the import succeeds.
    """
    from reader.importers import collect_files, import_files
    from reader.store.creation import fill_new_library

    files = collect_files(paths)
    show_progress = sys.stderr.isatty() and not as_json
    with click.progressbar(
        length=len(files), label="Importing", file=sys.stderr, hidden=not show_progress
    ) as progress:

        def fill(library: Library):  # type: ignore[no-untyped-def]
            return import_files(
                library, files, skip_bad=skip_bad, on_file=lambda _path: progress.update(1)
            )

        summary = fill_new_library(where.path, fill)
    for warning in summary.warnings:
        click.echo(f"reader: warning: {one_line(warning)}", err=True)
    if as_json:
        echo_json(summary.as_dict())
        return
    noun = "file" if summary.files == 1 else "files"
    paper_noun = "paper" if summary.parsed == 1 else "papers"
    click.echo(
        f"{summary.parsed} {paper_noun} read from {summary.files} {noun}: "
        f"{summary.added} added, {summary.duplicates} already in the library"
    )


@main.command()
@click.argument("name", required=False)
@click.option("--query", "-q", "query", help="Export the papers matching a query instead.")
@click.option("--all", "everything", is_flag=True, help="Export the whole library.")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="markdown",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: stdout)."
)
@click.option("--abstracts", is_flag=True, help="Markdown: include abstracts.")
@click.option("--no-notes", is_flag=True, help="Markdown: leave annotations out.")
@click.option("--no-tags", is_flag=True, help="Markdown: leave tags out.")
@click.option("--no-ratings", is_flag=True, help="Markdown: leave ratings out.")
@click.option("--no-dates", is_flag=True, help="Markdown: leave listing dates out.")
@click.option("--no-links", is_flag=True, help="Markdown: do not link titles.")
@with_library(readonly=True)
def export(
    lib: Library,
    name: str | None,
    query: str | None,
    everything: bool,
    fmt: str,
    output: Path | None,
    abstracts: bool,
    no_notes: bool,
    no_tags: bool,
    no_ratings: bool,
    no_dates: bool,
    no_links: bool,
) -> None:
    """Export a reading list NAME, a --query, or --all (JSON with --all is a full backup)."""
    from reader.export import ExportDocument, MarkdownOptions
    from reader.exporting import list_document, query_document, render, write_atomic
    from reader.importers.backup import render_backup

    chosen = sum(1 for given in (name is not None, query is not None, everything) if given)
    if chosen != 1:
        raise ReaderError("export needs exactly one of: a list NAME, --query QUERY, or --all")
    if everything and fmt == "json":
        text = render_backup(lib.dump())
    else:
        if name is not None:
            document = list_document(lib, name)
        elif query is not None:
            document = query_document(lib, query)
        else:
            document = ExportDocument(title="Library", papers=tuple(lib.papers(lib.search("").ids)))
        if fmt == "json":
            text = (
                json_text(
                    {
                        "name": document.title,
                        "description": document.description,
                        "papers": [paper_dict(paper, full=True) for paper in document.papers],
                    }
                )
                + "\n"
            )
        else:
            options = MarkdownOptions(
                abstracts=abstracts,
                notes=not no_notes,
                tags=not no_tags,
                ratings=not no_ratings,
                dates=not no_dates,
                links=not no_links,
            )
            text = render(document, fmt, options)
    if output is None:
        click.echo(text, nl=False)
        return
    # The whole library carries every note: as private as the library itself.
    written = write_atomic(output, text, private=everything)
    click.echo(one_line(f"wrote {written}"), err=True)
