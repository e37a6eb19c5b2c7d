"""Gather what to export from the library, render it, and write it safely.

The renderers in ``reader.export`` are pure; this module is the small bridge between them and the
store, shared by the CLI and the app.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Collection, Sequence
from typing import ParamSpec, TypeVar

from reader.export import LIBRARY_TITLE, ExportDocument, MarkdownOptions, export_format
from reader.models import Paper
from reader.store import Library
from reader.text import safe

P = ParamSpec("P")
R = TypeVar("R")


def uncollected(function: Callable[P, R]) -> Callable[P, R]:
    """The function, run with the cyclic garbage collector paused.

    Loading and rendering a whole library make hundreds of thousands of objects (rows, papers,
    lists of lines), none of them in a cycle; every collection of the oldest generation walks
    all that are alive again, a fifth of a long export's time. Reference counting frees them as
    usual; the collector resumes (if it ran before) when the function returns."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@uncollected
def list_document(
    library: Library, name: str, fields: Collection[str] | None = None
) -> ExportDocument:
    info, ids = library.reading_list(name)
    return ExportDocument(
        title=info.name,
        description=info.description,
        papers=tuple(_papers(library, ids, fields)),
        is_list=True,
    )


@uncollected
def query_document(
    library: Library, query: str, fields: Collection[str] | None = None
) -> ExportDocument:
    if not query.strip():
        return library_document(library, fields)
    ids = library.search(query, fuzzy=False).ids
    return ExportDocument(
        title=f"Papers matching {query}", papers=tuple(_papers(library, ids, fields))
    )


@uncollected
def library_document(library: Library, fields: Collection[str] | None = None) -> ExportDocument:
    """Every paper, in the library's order, titled as every such export is."""
    ids = library.search("").ids
    return ExportDocument(title=LIBRARY_TITLE, papers=tuple(_papers(library, ids, fields)))


def selected_ids(library: Library, name: str | None, query: str | None) -> list[int]:
    """The ids of a list's papers in its order, a query's matches, or (neither) every paper in
    the library's order: what ``list_document``, ``query_document`` and ``library_document``
    export."""
    if name is not None:
        return list(library.reading_list(name)[1])
    if query is not None and query.strip():
        return list(library.search(query, fuzzy=False).ids)
    return list(library.search("").ids)


def _papers(library: Library, ids: Sequence[int], fields: Collection[str] | None) -> list[Paper]:
    """The papers, with only ``fields`` loaded when given (what the format reads:
    ``ExportFormat.reads``)."""
    if fields is None:
        return library.papers(ids)
    return library.catalog.papers_of(ids, fields)


@uncollected
def backup_text(library: Library) -> str:
    """The whole library as the JSON backup ``reader import`` restores: the text of
    ``render_backup(library.dump())``, written from the rows without building the dicts."""
    return library.backups.text()


@uncollected
def backup_pieces(library: Library) -> list[str]:
    """``backup_text`` in pieces, for ``write_atomic``: written one by one, the ASCII ones
    (most) are encoded as such rather than as wide as the whole text's widest character."""
    return library.backups.pieces()


@uncollected
def render(document: ExportDocument, fmt: str, options: MarkdownOptions | None = None) -> str:
    """The document in a format of the registry, free of control characters (they mean nothing
    in any of them, and could drive a terminal the file is printed to)."""
    chosen = export_format(fmt)
    text = chosen.render(document, options or MarkdownOptions())
    return text if chosen.clean else safe(text)


@uncollected
def render_pieces(document: ExportDocument, fmt: str, options: MarkdownOptions) -> list[str]:
    """``render``'s text in pieces, for ``write_atomic``: a paper's each where the format can
    (no string of the whole export; most pieces ASCII), else the whole text."""
    pieces = export_format(fmt).pieces
    return pieces(document, options) if pieces else [render(document, fmt, options)]
