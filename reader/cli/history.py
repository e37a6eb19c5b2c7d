"""``undo``: the change history, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from reader.cli.base import with_library
from reader.cli.group import main
from reader.text import one_line

if TYPE_CHECKING:
    from reader.store import Library


@main.command()
@click.option("--list", "show_list", is_flag=True, help="Show what can be undone, newest first.")
@click.option("--drop", is_flag=True, help="Forget the most recent change without undoing it.")
@click.pass_context
def undo(ctx: click.Context, show_list: bool, drop: bool) -> None:
    """Undo the most recent change (tags, ratings, status, notes, lists).

    When the library has moved on since (an import changed the same rows), the change cannot
    be undone exactly: undo says so and changes nothing; --drop then forgets that step."""
    if show_list:
        ctx.invoke(undo_list)
    elif drop:
        ctx.invoke(undo_drop)
    else:
        ctx.invoke(undo_last)


@with_library(readonly=True)
def undo_list(lib: Library) -> None:
    history = lib.undo_history()
    if not history:
        click.echo("Nothing to undo.", err=True)
    for entry in history:
        click.echo(f"{entry.created}  {one_line(entry.description)}")


@with_library()
def undo_last(lib: Library) -> None:
    click.echo(f"undid: {one_line(lib.undo())}")


@with_library()
def undo_drop(lib: Library) -> None:
    click.echo(f"forgot, without undoing: {one_line(lib.drop_undo())}")


@main.command()
@with_library()
def redo(lib: Library) -> None:
    """Make again the change undone last (a new change ends what can be redone)."""
    click.echo(f"redid: {one_line(lib.redo())}")
