"""Curation commands: tags, ratings, status and notes."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from reader.cli.base import DefaultGroup, echo_json, parse_row_id, with_library
from reader.cli.group import main
from reader.keys import split_tag_words
from reader.models import ReaderError
from reader.records import annotation_dict
from reader.text import one_line, safe, stars

if TYPE_CHECKING:
    from reader.store import Library


def split_tags(values: tuple[str, ...]) -> list[str]:
    """Tag arguments as the tag dialog reads them: commas or spaces separate tags."""
    return split_tag_words(" ".join(values))


@main.command()
@click.argument("ref")
@click.argument("tags", nargs=-1, required=True)
@with_library()
def tag(lib: Library, ref: str, tags: tuple[str, ...]) -> None:
    """Add tags to a paper."""
    paper_id = lib.resolve(ref)
    added = lib.tag(paper_id, split_tags(tags))
    click.echo(one_line(f"tagged {paper_id}: {' '.join(added)}") if added else "no new tags")


@main.command()
@click.argument("ref")
@click.argument("tags", nargs=-1, required=True)
@with_library()
def untag(lib: Library, ref: str, tags: tuple[str, ...]) -> None:
    """Remove tags from a paper."""
    paper_id = lib.resolve(ref)
    removed = lib.untag(paper_id, split_tags(tags))
    click.echo(
        one_line(f"untagged {paper_id}: {' '.join(removed)}") if removed else "no such tags on it"
    )


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
    click.echo(one_line(f"deleted {name} from {count} papers"))


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("ref")
@click.argument("rating", type=str)
@with_library()
def rate(lib: Library, ref: str, rating: str) -> None:
    """Rate a paper 1 to 5 stars; 0 clears the rating."""
    if rating not in ("0", "1", "2", "3", "4", "5"):
        raise ReaderError(f"a rating is 1 to 5 stars (0 clears it), not '{rating}'")
    value = int(rating)
    paper_id = lib.resolve(ref)
    lib.rate(paper_id, value)
    click.echo(f"rated {paper_id} {stars(value)}" if value else f"cleared rating of {paper_id}")


@main.command()
@click.argument("ref")
@click.argument("status", metavar="STATUS")
@with_library()
def status(lib: Library, ref: str, status: str) -> None:
    """Set a paper's reading status: unread, reading or read."""
    paper_id = lib.resolve(ref)
    lib.set_status(paper_id, status.strip().lower())
    click.echo(f"marked {paper_id} {status.strip().lower()}")


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
    click.echo(lib.add_note(paper_id, body, quote))


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
