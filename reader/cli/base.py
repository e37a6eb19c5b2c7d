"""What every command shares: the chosen library, one decorator that opens it and turns every
failure a person can cause into one line on stderr and exit code 1, and JSON output."""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from reader.models import ReaderError
from reader.text import json_text, one_line

if TYPE_CHECKING:
    from reader.store import Library

F = TypeVar("F", bound=Callable[..., Any])


class LibraryPath:
    """Carries the chosen library path; the library opens only when a command needs it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def open(self, *, readonly: bool = False, create: bool = False) -> Iterator[Library]:
        from reader.store import Library

        library = Library(self.path, readonly=readonly, create=create)
        try:
            yield library
        finally:
            library.close()


def fail(message: str) -> None:
    click.echo(f"reader: {one_line(message)}", err=True)
    sys.exit(1)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Expected failures end as one line and exit 1, never as a traceback."""
    try:
        yield
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


def handle_errors(function: F) -> F:
    """For commands that open no library, or open it their own way."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reported_errors():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def with_library(*, readonly: bool = False, create: bool = False) -> Callable[[F], F]:
    """Hand the command an open library as its first argument, and report its errors.

    Read-only commands open the library read-only (they work on read-only media); only
    commands that bring papers in may create a missing library."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def command(*args: Any, **kwargs: Any) -> Any:
            where = click.get_current_context().find_object(LibraryPath)
            assert where is not None, "the main group always sets a LibraryPath"
            with reported_errors(), where.open(readonly=readonly, create=create) as library:
                return function(library, *args, **kwargs)

        return command  # type: ignore[return-value]

    return decorate


def echo_json(value: Any) -> None:
    click.echo(json_text(value))


def parse_row_id(text: str, what: str) -> int:
    """An id typed by a person: ASCII digits in SQLite's range, else a one-line refusal."""
    if text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) < 2**63:
        return int(text)
    raise ReaderError(f"no {what} with id {text}")


class QueryCommand(click.Command):
    """Treat words starting with ``-`` as query terms (``-tag:done``), not as options."""

    flags = frozenset({"--json", "-h", "--help", "--new", "--for-you", "--reverse"})
    valued = frozenset({"--limit", "-n", "--sort"})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options: list[str] = []
        words: list[str] = []
        pending = iter(args)
        for arg in pending:
            if arg == "--":
                words.extend(pending)
            elif arg in self.flags or arg.startswith(("--limit=", "--sort=")):
                options.append(arg)
            elif arg in self.valued:
                options.extend([arg, next(pending, "")])
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words])


class LazyGroup(click.Group):
    """A group whose commands' modules are imported only when a command is used: ``reader
    tag`` loads the curation commands, not the web client or the exporters. ``lazy`` maps a
    command name to the module that registers it on import."""

    lazy: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            importlib.import_module(self.lazy[cmd_name])
        return self.commands.get(cmd_name)


class DefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, goes to its default command."""

    default_command = "show"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def short_title(title: str, width: int = 50) -> str:
    """A title as messages quote it: one line, cut with an ellipsis."""
    text = one_line(title)
    return text if len(text) <= width else text[: width - 1] + "…"


def papers_given(
    lib: Library, refs: tuple[str, ...], query: str | None, *, what: str = "REF"
) -> list[int]:
    """The papers a command acts on: its REFs, or every paper matching --query."""
    if query is not None:
        if refs:
            raise ReaderError(f"give either {what}s or --query, not both")
        ids = lib.search(query, fuzzy=False).ids
        if not ids:
            raise ReaderError(f"no papers match the query {query!r}")
        return ids
    if not refs:
        raise ReaderError(f"give a {what} (or --query QUERY for many papers)")
    return list(dict.fromkeys(lib.resolve(ref) for ref in refs))


def what_changed(lib: Library, ids: list[int]) -> str:
    """'Title' for one paper, N papers for several."""
    if len(ids) == 1:
        return f"'{short_title(lib.paper(ids[0]).title)}'"
    return f"{len(ids)} papers"
