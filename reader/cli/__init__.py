"""The command line: ``reader`` opens the app; subcommands script the library.

Every error a person can cause ends as one line on stderr and exit code 1. Textual is imported
only when the app opens, so scripted commands start fast. Commands only parse their arguments,
call the core and render what it returns; ``base.with_library`` opens the library for them.
"""

from reader.cli import (  # noqa: F401 (the modules register their commands)
    curation,
    discover,
    history,
    lists,
    reading,
    records,
    serve,
    settings,
    transfer,
    web,
)
from reader.cli.group import main

__all__ = ["main"]
