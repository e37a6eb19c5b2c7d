"""``reader config`` and ``reader stats``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from reader.cli.base import echo_json, handle_errors, with_library
from reader.cli.group import main
from reader.config import config_path, load_settings
from reader.text import one_line

if TYPE_CHECKING:
    from reader.store import Library

BAR = "█"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@main.group("config")
def config_group() -> None:
    """Settings that stay: the library, theme, default sort, columns and key remaps."""


@config_group.command("path")
def config_path_command() -> None:
    """Print where the settings file is (it may not exist yet)."""
    click.echo(str(config_path()))


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@handle_errors
def config_show(as_json: bool) -> None:
    """Print the settings in effect (a broken file is an error naming its line)."""
    settings = load_settings()
    if as_json:
        echo_json(settings.as_dict())
        return
    data = settings.as_dict()
    click.echo(f"# {config_path()}")
    for name in ("library", "theme", "sort", "columns"):
        click.echo(f"{name} = {one_line(str(data[name]))}")
    for binding, key in sorted(settings.keys.items()):
        click.echo(f"keys.{binding} = {one_line(key)}")


def bars(rows: list[tuple[str, int]], width: int = 40) -> list[str]:
    """Rows as a bar chart in text: label, bar scaled to the largest value, the value."""
    largest = max((value for _, value in rows), default=0) or 1
    label = max((len(name) for name, _ in rows), default=0)
    lines = []
    for name, value in rows:
        bar = BAR * max(1 if value else 0, round(width * value / largest))
        lines.append(f"{name:<{label}}  {bar:<{width}} {value}")
    return lines


@main.command()
@click.option("--weeks", type=click.IntRange(1, 520), default=12, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@with_library(readonly=True)
def stats(lib: Library, weeks: int, as_json: bool) -> None:
    """Papers added and read per week, by status and by tag, drawn as bars."""
    figures = lib.stats(weeks)
    if as_json:
        echo_json(figures.as_dict())
        return
    statuses = " · ".join(f"{count} {name}" for name, count in figures.statuses.items())
    click.echo(
        f"{figures.papers} papers ({statuses}) · {figures.new} new · "
        f"{plural(figures.notes, 'note')} · {plural(figures.lists, 'list')}"
    )
    for title, counts in (("Added per week", figures.added), ("Read per week", figures.read)):
        click.echo(f"\n{title}")
        for line in bars(list(zip(figures.weeks, counts, strict=True))):
            click.echo(f"  {line}")
    if figures.tags:
        click.echo("\nTags")
        for line in bars([(one_line(name), count) for name, count in figures.tags]):
            click.echo(f"  {line}")
    rated = [(f"{'★' * stars:<5}", count) for stars, count in figures.ratings.items()]
    if any(count for _, count in rated):
        click.echo("\nRatings")
        for line in bars(rated):
            click.echo(f"  {line}")
