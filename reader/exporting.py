"""Gather what to export from the library, render it, and write it safely.

The renderers in ``reader.export`` are pure; this module is the small bridge between them and the
store, shared by the CLI and the app.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reader.export import ExportDocument, MarkdownOptions
from reader.models import ReaderError
from reader.store import Library
from reader.text import safe


def list_document(library: Library, name: str) -> ExportDocument:
    info, ids = library.reading_list(name)
    return ExportDocument(
        title=info.name,
        description=info.description,
        papers=tuple(library.papers(ids)),
        is_list=True,
    )


def query_document(library: Library, query: str) -> ExportDocument:
    ids = library.search(query, fuzzy=False).ids
    title = f"Papers matching {query}" if query.strip() else "All papers"
    return ExportDocument(title=title, papers=tuple(library.papers(ids)))


def render(document: ExportDocument, fmt: str, options: MarkdownOptions | None = None) -> str:
    """The document in a text format, free of control characters (they mean nothing in
    Markdown, BibTeX or CSV, and could drive a terminal the file is printed to)."""
    return safe(_render(document, fmt, options))


def _render(document: ExportDocument, fmt: str, options: MarkdownOptions | None) -> str:
    if fmt == "markdown":
        from reader.export.markdown import render_markdown

        return render_markdown(document, options or MarkdownOptions())
    if fmt == "bibtex":
        from reader.export.bibtex import render_bibtex

        return render_bibtex(document.papers)
    if fmt == "csv":
        from reader.export.csv_format import render_csv

        return render_csv(document.papers)
    raise ReaderError(f"unknown export format '{fmt}'")


def write_atomic(path: Path, text: str) -> Path:
    """Write through a temporary file and a rename, so no half-written export is ever left."""
    path = path.expanduser()
    if path.is_dir():
        raise ReaderError(f"{path}: is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ReaderError(f"{folder}: no such folder")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path.resolve()
