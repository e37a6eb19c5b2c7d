"""``reader serve``: the app in a web browser, one app process per tab, on the chosen library."""

from __future__ import annotations

import click

from reader.cli.base import LibraryPath, handle_errors
from reader.cli.group import main
from reader.models import ReaderError

INSTALL_HINT = "reader serve needs textual-serve: pip install 'reader[serve]'"


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; only this machine's (loopback) unless --allow-remote.",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port."
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Listen on an address other machines reach: anyone who reaches it can read and "
    "change the library (there is no login).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The address a reverse proxy serves the page at (https://papers.example.org/); "
    "pages from there may connect.",
)
@click.pass_obj
@handle_errors
def serve(
    obj: LibraryPath,
    host: str,
    port: int,
    open_page: bool,
    allow_remote: bool,
    public_url: str | None,
) -> None:
    """Serve the app to web browsers until Ctrl+C (on this machine only, unless --allow-remote).

    Every browser tab runs its own app on the library; they may write at the same time.
    """
    from reader.serve.access import Gate, is_loopback, page_url

    Gate(host, public_url)  # a bad --public-url is refused before anything starts
    if not is_loopback(host):
        if not allow_remote:
            raise ReaderError(
                f"refusing to serve on {host}: there is no login, so anyone who reaches the "
                "port could read and change the library. Serve on 127.0.0.1 behind a reverse "
                "proxy that asks for a password (see the README), or pass --allow-remote"
            )
        click.echo(
            f"reader: warning: serving on {host}:{port} with no login: anyone who can reach "
            "this port can read and change the library",
            err=True,
        )
    with obj.open(create=False):
        pass  # a missing, foreign or newer library is refused here, once, not in every tab
    try:
        from reader.serve.server import LibraryServer
    except ImportError:
        raise ReaderError(INSTALL_HINT) from None
    import logging

    logging.basicConfig(level=logging.INFO, format="reader serve: %(message)s")
    url = page_url(host, port)
    server = LibraryServer(obj.path.resolve(), host=host, port=port, public_url=public_url)

    def listening() -> None:
        click.echo(f"Serving {obj.path} at {url} (Ctrl+C stops it and every open app)")
        if open_page:
            from reader.launch import launch

            try:
                launch(url)
            except ReaderError as error:
                click.echo(f"reader: {error}; open {url} yourself", err=True)

    try:
        server.run(listening)
    except OSError as error:
        raise ReaderError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
