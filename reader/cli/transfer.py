"""Bringing papers in and taking them out: ``import`` and ``export``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reader.cli.base import LibraryPath, echo_json, handle_errors, with_library
from reader.cli.group import main
from reader.export import EXPORT_FORMATS, FORMATS
from reader.models import ReaderError
from reader.text import one_line

if TYPE_CHECKING:
    from reader.export import MarkdownOptions
    from reader.store import Library


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--skip-bad",
    is_flag=True,
    help="BibTeX, arXiv snapshot: skip malformed entries or lines instead of refusing.",
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    metavar="CAT",
    help="arXiv snapshot: keep papers in this category (cs takes every cs.*); repeatable.",
)
@click.pass_obj
@handle_errors
def import_command(
    where: LibraryPath,
    paths: tuple[Path, ...],
    as_json: bool,
    skip_bad: bool,
    categories: tuple[str, ...],
) -> None:
    """Import listing dumps (files or folders of *.txt), BibTeX files, JSON backups or the
    arXiv metadata snapshot (JSON lines, streamed).

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
                library,
                files,
                skip_bad=skip_bad,
                categories=_categories(categories),
                on_file=lambda _path: progress.update(1),
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
    help="With --all, "
    + " and ".join(name for name, item in EXPORT_FORMATS.items() if item.backup)
    + " is the full backup that `reader import` restores.",
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
@click.option(
    "--share",
    is_flag=True,
    help="Markdown: for other people: no stars, reading status, progress or checkboxes.",
)
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
    share: bool,
) -> None:
    """Export a reading list NAME, a --query, or --all (JSON with --all is a full backup)."""
    from reader.export import MarkdownOptions
    from reader.exporting import uncollected

    chosen = sum(1 for given in (name is not None, query is not None, everything) if given)
    if chosen != 1:
        raise ReaderError("export needs exactly one of: a list NAME, --query QUERY, or --all")
    options = MarkdownOptions(
        abstracts=abstracts,
        notes=not no_notes,
        tags=not no_tags,
        ratings=not no_ratings,
        dates=not no_dates,
        links=not no_links,
        share=share,
    )
    # The collector stays paused until the papers are freed: a collection while they are
    # alive walks every one of them, and an export makes no cycles.
    written = uncollected(_export)(lib, name, query, fmt, output, options)
    if written is not None:
        click.echo(one_line(f"wrote {written}"), err=True)


def _export(
    lib: Library,
    name: str | None,
    query: str | None,
    fmt: str,
    output: Path | None,
    options: MarkdownOptions,
) -> Path | None:
    """Write the export to ``output`` (the path written) or to stdout (None)."""
    from reader.atomic_file import Encoded, joined_text, write_atomic
    from reader.export import export_format
    from reader.exporting import (
        backup_pieces,
        backup_text,
        library_document,
        list_document,
        query_document,
        render,
        render_pieces,
        selected_ids,
    )
    from reader.kept_exports import KEYED_FORMATS, kept_backup, kept_markdown, kept_pieces

    everything = name is None and query is None
    backup = everything and export_format(fmt).backup
    # The entries of papers unchanged since the last export are reused (None: render them).
    kept: list[str | Encoded] | None = None
    if backup:
        kept = kept_backup(lib)
    elif fmt == "markdown":
        kept = kept_markdown(lib, name, query, options)
    elif fmt in KEYED_FORMATS:
        kept = kept_pieces(lib, lambda: selected_ids(lib, name, query), fmt)
    text: str | list[str] | list[str | Encoded] | None = None
    if kept is not None:
        text = kept if output is not None else joined_text(kept)
    elif backup:
        text = backup_pieces(lib) if output is not None else backup_text(lib)
    if text is None:
        fields = export_format(fmt).reads(options)  # load only what the format reads
        if name is not None:
            document = list_document(lib, name, fields)
        elif query is not None:
            document = query_document(lib, query, fields)
        else:
            document = library_document(lib, fields)
        if output is None:
            text = render(document, fmt, options)
        else:
            text = render_pieces(document, fmt, options)
    if output is None:
        click.echo(text, nl=False)
        return None
    # The whole library carries every note: as private as the library itself.
    return write_atomic(output, text, private=everything)


def _categories(given: tuple[str, ...]) -> tuple[str, ...]:
    """arXiv categories as typed: one word each (``cs``, ``cs.LG``, ``hep-th``)."""
    for category in given:
        if not category.strip() or any(ch.isspace() or ch == "," for ch in category.strip()):
            raise ReaderError(f"'{one_line(category)}' is not an arXiv category (like cs.LG)")
    return tuple(dict.fromkeys(category.strip() for category in given))
