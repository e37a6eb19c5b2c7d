"""The ``reader`` command group: with no subcommand it opens the app."""

from __future__ import annotations

from pathlib import Path

import click

from reader import __version__
from reader.cli.base import LazyGroup, LibraryPath, handle_errors


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    if db_path is None:
        from reader.config import default_library_path  # settings are read only when needed

        db_path = default_library_path()
    ctx.obj = LibraryPath(db_path)
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj.path)


@handle_errors
def run_app(path: Path, *, start: str = "library") -> None:
    """The app on ``path``; a missing library is created only once the person says so."""
    from reader.store import Library
    from reader.tui.app import ReaderApp

    if path.exists():
        # Refuse a foreign or newer file before the screen takes over.
        Library(path, create=False).close()
    ReaderApp(path, ask_to_create=True, start=start).run()


@main.command()
@click.pass_obj
@handle_errors
def triage(obj: LibraryPath) -> None:
    """Open the app in triage: the new papers one at a time, best for you first."""
    run_app(obj.path, start="triage")


@main.command()
@handle_errors
def demo() -> None:
    """Open the app on a fresh temporary library filled with the bundled sample."""
    import tempfile

    from reader.demo import create_demo_library

    with tempfile.TemporaryDirectory(prefix="reader-demo-") as folder:
        path = create_demo_library(Path(folder))
        run_app(path)
