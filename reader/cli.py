"""The command line: ``reader`` opens the app; subcommands script the library.

Every error a person can cause ends as one line on stderr and exit code 1. Textual is imported
only when the app opens, so scripted commands start fast.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from reader import __version__
from reader.config import default_library_path
from reader.export import FORMATS
from reader.models import STATUSES, Paper, ReaderError
from reader.records import annotation_dict, list_dict, paper_dict
from reader.text import json_text, one_line, safe, stars, truncate

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    click.echo(f"reader: {one_line(message)}", err=True)
    sys.exit(1)


def handle_errors(function: F) -> F:
    """Turn expected failures into one-line messages instead of tracebacks."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ReaderError as error:
            fail(str(error))
        except BrokenPipeError:
            # `reader papers | head` closes the pipe early: that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except OSError as error:
            name = getattr(error, "filename", None) or ""
            fail(f"{name}: {error.strerror}" if name else str(error))
        except sqlite3.DatabaseError as error:
            path = getattr(click.get_current_context(silent=True), "obj", None)
            where = f"{path.path}: " if isinstance(path, LibraryPath) else ""
            fail(f"{where}the library could not be read or written ({error})")

    return wrapper  # type: ignore[return-value]


class LibraryPath:
    """Carries the chosen library path; the library opens only when a command needs it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def open(self) -> Iterator[Any]:
        from reader.store import Library

        library = Library(self.path)
        try:
            yield library
        finally:
            library.close()


pass_library = click.make_pass_decorator(LibraryPath)


def echo_json(value: Any) -> None:
    click.echo(json_text(value))


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Library file (default: READER_DB, else the user data folder).",
)
@click.version_option(__version__, "-V", "--version", prog_name="reader")
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """Keep the papers you mean to read: import listings, curate, search, export.

    With no command, opens the full-screen app on the library.
    """
    ctx.obj = LibraryPath(db_path or default_library_path())
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj.path)


@handle_errors
def run_app(path: Path) -> None:
    from reader.store import Library
    from reader.tui.app import ReaderApp

    Library(path).close()  # refuse a foreign or newer file before the screen takes over
    ReaderApp(path).run()


# -- import ---------------------------------------------------------------------------------


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--skip-bad", is_flag=True, help="BibTeX: skip malformed entries instead of refusing."
)
@pass_library
@handle_errors
def import_command(
    library: LibraryPath, paths: tuple[Path, ...], as_json: bool, skip_bad: bool
) -> None:
    """Import listing dumps (files or folders of *.txt), BibTeX files or JSON backups.

    One transaction for the whole command: every file goes in, or none does.
    """
    from reader.importers import collect_files, import_files

    files = collect_files(paths)
    show_progress = sys.stderr.isatty() and not as_json
    created = not library.path.exists()
    try:
        with (
            click.progressbar(
                length=len(files), label="Importing", file=sys.stderr, hidden=not show_progress
            ) as progress,
            library.open() as lib,
        ):
            summary = import_files(
                lib, files, skip_bad=skip_bad, on_file=lambda _path: progress.update(1)
            )
    except BaseException:
        if created:  # a failed first import leaves no empty library behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{library.path}{suffix}").unlink(missing_ok=True)
        raise
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


# -- reading --------------------------------------------------------------------------------


def status_mark(status: str) -> str:
    return {"unread": " ", "reading": "~", "read": "✓"}.get(status, " ")


def print_table(papers: list[Paper]) -> None:
    width = shutil.get_terminal_size((100, 24)).columns
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


class QueryCommand(click.Command):
    """Treat words starting with ``-`` as query terms (``-tag:done``), not as options."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        flags = {"--json", "-h", "--help"}
        valued = {"--limit", "-n"}
        options: list[str] = []
        words: list[str] = []
        pending = iter(args)
        for arg in pending:
            if arg == "--":
                words.extend(pending)
            elif arg in flags or arg.startswith("--limit="):
                options.append(arg)
            elif arg in valued:
                options.extend([arg, next(pending, "")])
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words])


@main.command(cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option("--limit", "-n", type=click.IntRange(min=1), help="Show at most N papers.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of papers.")
@pass_library
@handle_errors
def papers(library: LibraryPath, query: tuple[str, ...], limit: int | None, as_json: bool) -> None:
    """List papers, or those matching QUERY (see the README for the query language)."""
    text = " ".join(query)
    with library.open() as lib:
        result = lib.search(text, limit=limit)
        found = lib.papers(result.ids, with_notes=False)
    if as_json:
        echo_json([paper_dict(paper) for paper in found])
        return
    if result.fuzzy and found:
        fixes = ", ".join(f"{word} → {words[0]}" for word, words in result.corrections.items())
        click.echo(f"No exact matches; showing close titles ({fixes}).", err=True)
    if not found:
        click.echo("No papers match." if text.strip() else "The library is empty.", err=True)
        return
    print_table(found)


@main.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print the paper as JSON.")
@pass_library
@handle_errors
def show(library: LibraryPath, ref: str, as_json: bool) -> None:
    """Show one paper in full. REF is an id, a key or a unique key prefix."""
    with library.open() as lib:
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
        width = min(shutil.get_terminal_size((100, 24)).columns, 100)
        click.echo(click.wrap_text(one_line(paper.abstract), width))
    for note in paper.annotations:
        click.echo()
        click.echo(click.style(f"note {note.id} · {note.updated}", dim=True))
        if note.quote:
            click.echo(f"> {one_line(note.quote)}")
        click.echo(safe(note.body))


# -- curation -------------------------------------------------------------------------------


def split_tags(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.replace(",", " ").split() if part]


@main.command()
@click.argument("ref")
@click.argument("tags", nargs=-1, required=True)
@pass_library
@handle_errors
def tag(library: LibraryPath, ref: str, tags: tuple[str, ...]) -> None:
    """Add tags to a paper."""
    with library.open() as lib:
        paper_id = lib.resolve(ref)
        added = lib.tag(paper_id, split_tags(tags))
    click.echo(one_line(f"tagged {paper_id}: {' '.join(added)}") if added else "no new tags")


@main.command()
@click.argument("ref")
@click.argument("tags", nargs=-1, required=True)
@pass_library
@handle_errors
def untag(library: LibraryPath, ref: str, tags: tuple[str, ...]) -> None:
    """Remove tags from a paper."""
    with library.open() as lib:
        paper_id = lib.resolve(ref)
        removed = lib.untag(paper_id, split_tags(tags))
    click.echo(
        one_line(f"untagged {paper_id}: {' '.join(removed)}") if removed else "no such tags on it"
    )


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print tags as JSON.")
@click.pass_context
@handle_errors
def tags(ctx: click.Context, as_json: bool) -> None:
    """List tags with counts; subcommands rename and delete them."""
    if ctx.invoked_subcommand is not None:
        return
    with ctx.obj.open() as lib:
        found = lib.tags()
    if as_json:
        echo_json([{"name": item.name, "count": item.count} for item in found])
        return
    if not found:
        click.echo("No tags yet: `reader tag REF NAME` adds one.", err=True)
    for item in found:
        click.echo(f"{item.count:>6}  {safe(item.name)}")


@tags.command("rename")
@click.argument("old")
@click.argument("new")
@pass_library
@handle_errors
def tags_rename(library: LibraryPath, old: str, new: str) -> None:
    """Rename a tag; an existing NEW tag absorbs OLD."""
    with library.open() as lib:
        merged = lib.rename_tag(old, new)
    click.echo(one_line(f"merged {old} into {new}" if merged else f"renamed {old} to {new}"))


@tags.command("delete")
@click.argument("name")
@pass_library
@handle_errors
def tags_delete(library: LibraryPath, name: str) -> None:
    """Delete a tag from every paper (undo brings it back)."""
    with library.open() as lib:
        count = lib.delete_tag(name)
    click.echo(one_line(f"deleted {name} from {count} papers"))


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("ref")
@click.argument("rating", type=str)
@pass_library
@handle_errors
def rate(library: LibraryPath, ref: str, rating: str) -> None:
    """Rate a paper 1 to 5 stars; 0 clears the rating."""
    if not rating.isdigit():
        raise ReaderError(f"a rating is 1 to 5 stars (0 clears it), not '{rating}'")
    with library.open() as lib:
        paper_id = lib.resolve(ref)
        lib.rate(paper_id, int(rating))
    value = int(rating)
    click.echo(f"rated {paper_id} {stars(value)}" if value else f"cleared rating of {paper_id}")


@main.command()
@click.argument("ref")
@click.argument("status", type=click.Choice(STATUSES))
@pass_library
@handle_errors
def status(library: LibraryPath, ref: str, status: str) -> None:
    """Set a paper's reading status."""
    with library.open() as lib:
        paper_id = lib.resolve(ref)
        lib.set_status(paper_id, status)
    click.echo(f"marked {paper_id} {status}")


def read_body(text: str | None, initial: str = "") -> str:
    """TEXT when given; else stdin when piped; else the person's $EDITOR."""
    if text is not None:
        return text
    if not sys.stdin.isatty():
        return sys.stdin.read()
    edited = click.edit(initial, extension=".md")
    if edited is None:
        raise ReaderError("no annotation written (the editor closed without saving)")
    return edited


@main.command()
@click.argument("ref")
@click.argument("text", required=False)
@click.option("--quote", help="The passage of the title or abstract the note is about.")
@pass_library
@handle_errors
def note(library: LibraryPath, ref: str, text: str | None, quote: str | None) -> None:
    """Annotate a paper (Markdown). Without TEXT, reads stdin or opens $EDITOR."""
    with library.open() as lib:
        paper_id = lib.resolve(ref)
        body = read_body(text)
        note_id = lib.add_note(paper_id, body, quote)
    click.echo(note_id)


class DefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, goes to its default command."""

    default_command = "show"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@main.group(cls=DefaultGroup)
def notes() -> None:
    """Annotations: `notes REF` shows them; `notes edit` and `notes delete` change them."""


@notes.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print annotations as JSON.")
@pass_library
@handle_errors
def notes_show(library: LibraryPath, ref: str, as_json: bool) -> None:
    """Show a paper's annotations."""
    with library.open() as lib:
        found = lib.notes(lib.resolve(ref))
    if as_json:
        echo_json([annotation_dict(item) for item in found])
        return
    if not found:
        click.echo("No annotations on this paper.", err=True)
    for item in found:
        click.echo(click.style(f"[{item.id}] {item.updated}", dim=True))
        if item.quote:
            click.echo(f"> {one_line(item.quote)}")
        click.echo(safe(item.body))
        click.echo()


@notes.command("edit")
@click.argument("note_id", type=int)
@click.argument("text", required=False)
@click.option("--quote", help="Replace the quote (an empty string removes it).")
@pass_library
@handle_errors
def notes_edit(library: LibraryPath, note_id: int, text: str | None, quote: str | None) -> None:
    """Replace an annotation's text."""
    with library.open() as lib:
        body = read_body(text, lib.note(note_id).body)
        lib.edit_note(note_id, body, quote)
    click.echo(f"edited note {note_id}")


@notes.command("delete")
@click.argument("note_id", type=int)
@pass_library
@handle_errors
def notes_delete(library: LibraryPath, note_id: int) -> None:
    """Delete an annotation (undo brings it back)."""
    with library.open() as lib:
        lib.delete_note(note_id)
    click.echo(f"deleted note {note_id}")


# -- reading lists --------------------------------------------------------------------------


@main.group("list")
def list_group() -> None:
    """Build ordered reading lists."""


@list_group.command("create")
@click.argument("name")
@click.option("--description", "-d", default="", help="What the list is for.")
@pass_library
@handle_errors
def list_create(library: LibraryPath, name: str, description: str) -> None:
    """Create an empty reading list."""
    with library.open() as lib:
        lib.create_list(name, description)
    click.echo(one_line(f"created list {name}"))


@list_group.command("add")
@click.argument("name")
@click.argument("refs", nargs=-1, required=True)
@click.option("--at", type=int, help="1-based position to insert at (default: the end).")
@pass_library
@handle_errors
def list_add(library: LibraryPath, name: str, refs: tuple[str, ...], at: int | None) -> None:
    """Add papers to a reading list."""
    with library.open() as lib:
        ids = [lib.resolve(ref) for ref in refs]
        count = lib.add_to_list(name, ids, at)
        info, _ = lib.reading_list(name)
    click.echo(one_line(f"added {count} to {info.name} ({info.count} papers)"))


@list_group.command("remove")
@click.argument("name")
@click.argument("refs", nargs=-1, required=True)
@pass_library
@handle_errors
def list_remove(library: LibraryPath, name: str, refs: tuple[str, ...]) -> None:
    """Remove papers from a reading list (the papers stay in the library)."""
    with library.open() as lib:
        ids = [lib.resolve(ref) for ref in refs]
        count = lib.remove_from_list(name, ids)
    click.echo(one_line(f"removed {count} from {name}"))


@list_group.command("move")
@click.argument("name")
@click.argument("ref")
@click.argument("position", type=int)
@pass_library
@handle_errors
def list_move(library: LibraryPath, name: str, ref: str, position: int) -> None:
    """Move a paper to POSITION (1-based) in a reading list."""
    with library.open() as lib:
        paper_id = lib.resolve(ref)
        where = lib.move_in_list(name, paper_id, position)
    click.echo(one_line(f"moved {paper_id} to position {where} in {name}"))


@list_group.command("rename")
@click.argument("old")
@click.argument("new")
@pass_library
@handle_errors
def list_rename(library: LibraryPath, old: str, new: str) -> None:
    """Rename a reading list."""
    with library.open() as lib:
        lib.rename_list(old, new)
    click.echo(one_line(f"renamed list {old} to {new}"))


@list_group.command("delete")
@click.argument("name")
@pass_library
@handle_errors
def list_delete(library: LibraryPath, name: str) -> None:
    """Delete a reading list; its papers stay in the library."""
    with library.open() as lib:
        count = lib.delete_list(name)
    click.echo(one_line(f"deleted list {name} ({count} papers kept in the library)"))


@list_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@pass_library
@handle_errors
def list_show(library: LibraryPath, name: str, as_json: bool) -> None:
    """Show a reading list in order, with its progress."""
    with library.open() as lib:
        info, ids = lib.reading_list(name)
        found = lib.papers(ids, with_notes=False)
    if as_json:
        echo_json(
            {
                "name": info.name,
                "description": info.description,
                "progress": info.progress,
                "papers": [paper_dict(paper) for paper in found],
            }
        )
        return
    click.echo(click.style(safe(info.name), bold=True) + f"  ({info.progress})")
    if info.description:
        click.echo(one_line(info.description))
    for position, paper in enumerate(found, start=1):
        mark = "[x]" if paper.status == "read" else "[ ]"
        click.echo(f"{position:>3}. {mark} {one_line(paper.title)}  (id {paper.id})")


@main.command("lists")
@click.option("--json", "as_json", is_flag=True, help="Print the lists as JSON.")
@pass_library
@handle_errors
def lists_command(library: LibraryPath, as_json: bool) -> None:
    """All reading lists with counts and progress."""
    with library.open() as lib:
        found = lib.lists()
    if as_json:
        echo_json([list_dict(item) for item in found])
        return
    if not found:
        click.echo("No reading lists yet: `reader list create NAME` makes one.", err=True)
    for item in found:
        click.echo(f"{safe(item.name)}  ({item.progress})")


@main.command()
@click.option("--list", "show_list", is_flag=True, help="Show what can be undone, newest first.")
@pass_library
@handle_errors
def undo(library: LibraryPath, show_list: bool) -> None:
    """Undo the most recent change (tags, ratings, status, notes, lists)."""
    with library.open() as lib:
        if show_list:
            history = lib.undo_history()
            if not history:
                click.echo("Nothing to undo.", err=True)
            for entry in history:
                click.echo(f"{entry.created}  {one_line(entry.description)}")
            return
        description = lib.undo()
    click.echo(f"undid: {one_line(description)}")


@main.command()
@handle_errors
def demo() -> None:
    """Open the app on a fresh temporary library filled with the bundled sample."""
    import tempfile

    from reader.demo import create_demo_library

    with tempfile.TemporaryDirectory(prefix="reader-demo-") as folder:
        path = create_demo_library(Path(folder))
        run_app(path)


# -- export ---------------------------------------------------------------------------------


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
@pass_library
@handle_errors
def export(
    library: LibraryPath,
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
    with library.open() as lib:
        if everything and fmt == "json":
            text = render_backup(lib.dump())
        else:
            if name is not None:
                document = list_document(lib, name)
            elif query is not None:
                document = query_document(lib, query)
            else:
                document = ExportDocument(
                    title="Library", papers=tuple(lib.papers(lib.search("").ids))
                )
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
    written = write_atomic(output, text)
    click.echo(one_line(f"wrote {written}"), err=True)
