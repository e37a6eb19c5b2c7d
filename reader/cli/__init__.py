"""The command line: ``reader`` opens the app; subcommands script the library.

Every error a person can cause ends as one line on stderr and exit code 1. Textual is imported
only when the app opens, so scripted commands start fast. Commands only parse their arguments,
call the core and render what it returns; ``base.with_library`` opens the library for them.
"""

from reader.cli.group import main

# Each command's module, imported when the command runs (see base.LazyGroup).
main.lazy = {
    name: f"reader.cli.{module}"
    for module, names in {
        "reading": ("papers", "show"),
        "curation": ("tag", "untag", "tags", "rate", "status", "note", "notes"),
        "lists": ("list", "lists"),
        "transfer": ("import", "export"),
        "history": ("undo", "redo"),
        "records": ("edit", "remove", "merge", "duplicates", "attach", "open"),
        "discover": ("related", "recommend", "batches"),
        "settings": ("config", "stats"),
        "web": ("add", "fetch-pdf", "enrich"),
        "serve": ("serve",),
    }.items()
    for name in names
}

__all__ = ["main"]
