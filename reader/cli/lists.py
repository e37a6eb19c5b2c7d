"""Reading-list commands: ``list create/add/remove/move/rename/delete/show`` and ``lists``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from reader.cli.base import echo_json, papers_given, with_library
from reader.cli.group import main
from reader.records import list_dict, paper_dict
from reader.text import one_line, safe

if TYPE_CHECKING:
    from reader.store import Library


@main.group("list")
def list_group() -> None:
    """Build ordered reading lists."""


@list_group.command("create")
@click.argument("name")
@click.option("--description", "-d", default="", help="What the list is for.")
@with_library()
def list_create(lib: Library, name: str, description: str) -> None:
    """Create an empty reading list."""
    lib.create_list(name, description)
    click.echo(one_line(f"created list {name}"))


@list_group.command("add")
@click.argument("name")
@click.argument("refs", nargs=-1)
@click.option("--at", type=int, help="1-based position to insert at (default: the end).")
@click.option("--query", "-q", help="Add every paper matching this query instead of REFs.")
@with_library()
def list_add(
    lib: Library, name: str, refs: tuple[str, ...], at: int | None, query: str | None
) -> None:
    """Add papers to a reading list (in the order given)."""
    given = [lib.resolve(ref) for ref in refs] if query is None else []
    ids = papers_given(lib, refs, query)
    count = lib.add_to_list(name, ids, at)
    info, _ = lib.reading_list(name)
    notes = []
    repeated = len(given) - len(set(given))
    if repeated:
        notes.append(f"{repeated} given twice")
    if len(ids) - count:
        notes.append(f"{len(ids) - count} already there")
    extra = f"; {', '.join(notes)}" if notes else ""
    noun = "paper" if count == 1 else "papers"
    click.echo(one_line(f"added {count} {noun} to {info.name} ({info.count} in all{extra})"))


@list_group.command("remove")
@click.argument("name")
@click.argument("refs", nargs=-1, required=True)
@with_library()
def list_remove(lib: Library, name: str, refs: tuple[str, ...]) -> None:
    """Remove papers from a reading list (the papers stay in the library)."""
    ids = [lib.resolve(ref) for ref in refs]
    count = lib.remove_from_list(name, ids)
    click.echo(one_line(f"removed {count} from {name}"))


@list_group.command("move")
@click.argument("name")
@click.argument("ref")
@click.argument("position", type=int)
@with_library()
def list_move(lib: Library, name: str, ref: str, position: int) -> None:
    """Move a paper to POSITION (1-based) in a reading list."""
    paper_id = lib.resolve(ref)
    where = lib.move_in_list(name, paper_id, position)
    click.echo(one_line(f"moved {paper_id} to position {where} in {name}"))


@list_group.command("rename")
@click.argument("old")
@click.argument("new")
@with_library()
def list_rename(lib: Library, old: str, new: str) -> None:
    """Rename a reading list."""
    lib.rename_list(old, new)
    click.echo(one_line(f"renamed list {old} to {new}"))


@list_group.command("delete")
@click.argument("name")
@with_library()
def list_delete(lib: Library, name: str) -> None:
    """Delete a reading list; its papers stay in the library."""
    count = lib.delete_list(name)
    click.echo(one_line(f"deleted list {name} ({count} papers kept in the library)"))


@list_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@with_library(readonly=True)
def list_show(lib: Library, name: str, as_json: bool) -> None:
    """Show a reading list in order, with its progress."""
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
@with_library(readonly=True)
def lists_command(lib: Library, as_json: bool) -> None:
    """All reading lists with counts and progress."""
    found = lib.lists()
    if as_json:
        echo_json([list_dict(item) for item in found])
        return
    if not found:
        click.echo("No reading lists yet: `reader list create NAME` makes one.", err=True)
    for item in found:
        click.echo(f"{safe(item.name)}  ({item.progress})")
