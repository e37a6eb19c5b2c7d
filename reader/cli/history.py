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
@click.pass_context
def undo(ctx: click.Context, show_list: bool) -> None:
    """Undo the most recent change (tags, ratings, status, notes, lists)."""
    if show_list:
        ctx.invoke(undo_list)
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
