"""Curation commands: tags, ratings, status and notes."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from reader.cli.base import (
    DefaultGroup,
    echo_json,
    papers_given,
    parse_row_id,
    short_title,
    what_changed,
    with_library,
)
from reader.cli.group import main
from reader.keys import split_tag_words
from reader.models import STATUSES, ReaderError
from reader.records import annotation_dict
from reader.text import STATUS_MARKS, one_line, safe, stars

if TYPE_CHECKING:
    from reader.store import Library


def split_tags(values: tuple[str, ...]) -> list[str]:
    """Tag arguments as the tag dialog reads them: commas or spaces separate tags."""
    return split_tag_words(" ".join(values))


QUERY_HELP = "Act on every paper matching this query instead of REFs."


def split_args(
    args: tuple[str, ...], query: str | None, what: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """REF and values, or only values when --query chooses the papers."""
    if query is not None:
        return (), args
    if len(args) < 2:
        raise ReaderError(f"give a REF and {what} (or --query QUERY and {what})")
    return args[:1], args[1:]


@main.command()
@click.argument("args", nargs=-1, required=True, metavar="[REF] TAG...")
@click.option("--query", "-q", help=QUERY_HELP)
@with_library()
def tag(lib: Library, args: tuple[str, ...], query: str | None) -> None:
    """Add tags to a paper (or to every paper matching --query), as one undoable change."""
    refs, tags = split_args(args, query, "TAGs")
    ids = papers_given(lib, refs, query)
    change = lib.tag_many(ids, split_tags(tags))
    if not change.papers:
        click.echo("no new tags (they have them already)")
        return
    what = what_changed(lib, ids) if len(ids) == 1 else f"{change.papers} papers"
    click.echo(one_line(f"tagged {what} with {', '.join(change.names)}"))


@main.command()
@click.argument("args", nargs=-1, required=True, metavar="[REF] TAG...")
@click.option("--query", "-q", help=QUERY_HELP)
@with_library()
def untag(lib: Library, args: tuple[str, ...], query: str | None) -> None:
    """Remove tags from a paper (or from every paper matching --query)."""
    refs, tags = split_args(args, query, "TAGs")
    ids = papers_given(lib, refs, query)
    change = lib.untag_many(ids, split_tags(tags))
    if not change.papers:
        click.echo("no such tags on it" if len(ids) == 1 else "none of them has those tags")
        return
    what = what_changed(lib, ids) if len(ids) == 1 else f"{change.papers} papers"
    click.echo(one_line(f"untagged {what}: {', '.join(change.names)}"))


@main.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print tags as JSON.")
@click.pass_context
def tags(ctx: click.Context, as_json: bool) -> None:
    """List tags with counts; subcommands rename and delete them."""
    if ctx.invoked_subcommand is None:
        list_tags(as_json)


@with_library(readonly=True)
def list_tags(lib: Library, as_json: bool) -> None:
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
@with_library()
def tags_rename(lib: Library, old: str, new: str) -> None:
    """Rename a tag; an existing NEW tag absorbs OLD."""
    merged = lib.rename_tag(old, new)
    click.echo(one_line(f"merged {old} into {new}" if merged else f"renamed {old} to {new}"))


@tags.command("delete")
@click.argument("name")
@with_library()
def tags_delete(lib: Library, name: str) -> None:
    """Delete a tag from every paper (undo brings it back)."""
    count = lib.delete_tag(name)
    click.echo(one_line(f"deleted tag {name} from {count} {'paper' if count == 1 else 'papers'}"))


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, required=True, metavar="[REF] N")
@click.option("--query", "-q", help=QUERY_HELP)
@with_library()
def rate(lib: Library, args: tuple[str, ...], query: str | None) -> None:
    """Rate a paper (or every paper matching --query) 1 to 5 stars; 0 clears the rating."""
    refs, values = split_args(args, query, "a rating")
    rating = values[-1]
    if len(values) != 1 or rating not in ("0", "1", "2", "3", "4", "5"):
        raise ReaderError(f"a rating is 1 to 5 stars (0 clears it), not '{' '.join(values)}'")
    value = int(rating)
    ids = papers_given(lib, refs, query)
    changed = lib.rate(ids, value)
    what = what_changed(lib, ids) if len(ids) == 1 else f"{changed} papers"
    if not changed:
        click.echo("nothing changed (the rating was already that)")
    elif value:
        click.echo(one_line(f"rated {what} {stars(value)}"))
    else:
        click.echo(one_line(f"cleared the rating of {what}"))


@main.command()
@click.argument("args", nargs=-1, required=True, metavar="[REF] STATUS")
@click.option("--query", "-q", help=QUERY_HELP)
@with_library()
def status(lib: Library, args: tuple[str, ...], query: str | None) -> None:
    """Set the reading status of a paper (or of every paper matching --query): unread,
    reading or read."""
    refs, values = split_args(args, query, "a status")
    if len(values) != 1:
        raise ReaderError(f"status is one of {', '.join(STATUSES)}, not '{' '.join(values)}'")
    chosen = values[0].strip().lower()
    ids = papers_given(lib, refs, query)
    changed = lib.set_status(ids, chosen)
    if not changed:
        click.echo(f"nothing changed (already {chosen})")
        return
    what = what_changed(lib, ids) if len(ids) == 1 else f"{changed} papers"
    click.echo(one_line(f"marked {what} {STATUS_MARKS[chosen]} {chosen}"))


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
@with_library()
def note(lib: Library, ref: str, text: str | None, quote: str | None) -> None:
    """Annotate a paper (Markdown). Without TEXT, reads stdin or opens $EDITOR."""
    paper_id = lib.resolve(ref)
    body = read_body(text)
    note_id = lib.add_note(paper_id, body, quote)
    click.echo(one_line(f"added note {note_id} to '{short_title(lib.paper(paper_id).title)}'"))


@main.group(cls=DefaultGroup)
def notes() -> None:
    """Annotations: `notes REF` shows them; `notes edit` and `notes delete` change them."""


@notes.command("show")
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True, help="Print annotations as JSON.")
@with_library(readonly=True)
def notes_show(lib: Library, ref: str, as_json: bool) -> None:
    """Show a paper's annotations."""
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
@click.argument("note_id", metavar="NOTE_ID")
@click.argument("text", required=False)
@click.option("--quote", help="Replace the quote (an empty string removes it).")
@with_library()
def notes_edit(lib: Library, note_id: str, text: str | None, quote: str | None) -> None:
    """Replace an annotation's text."""
    number = parse_row_id(note_id, "annotation")
    body = read_body(text, lib.note(number).body)
    lib.edit_note(number, body, quote)
    click.echo(f"edited note {number}")


@notes.command("delete")
@click.argument("note_id", metavar="NOTE_ID")
@with_library()
def notes_delete(lib: Library, note_id: str) -> None:
    """Delete an annotation (undo brings it back)."""
    number = parse_row_id(note_id, "annotation")
    lib.delete_note(number)
    click.echo(f"deleted note {number}")
