"""Pure renderers: papers in, text out. No database, no terminal.

Every renderer is deterministic (same papers, same bytes) so that exports diff cleanly under git.
``EXPORT_FORMATS`` is the one registry of formats: the CLI's ``--format`` choices, the file
extension each is written with, and which one is the full backup with ``--all``, all come from
it. Renderers are imported when used, so the CLI starts without loading them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reader.models import Paper, ReaderError


@dataclass(frozen=True)
class ExportDocument:
    """What gets exported: a reading list, a query's results or the whole library."""

    title: str
    papers: tuple[Paper, ...]
    description: str = ""
    is_list: bool = False


@dataclass(frozen=True)
class MarkdownOptions:
    """Which parts of each paper to write; abstracts are off unless asked for.

    ``share`` writes the version for other people: no stars, no reading status, no progress
    line and no task boxes (notes and the list's description stay)."""

    abstracts: bool = False
    notes: bool = True
    tags: bool = True
    ratings: bool = True
    dates: bool = True
    links: bool = True
    share: bool = False


Renderer = Callable[[ExportDocument, MarkdownOptions], str]
# The same text in pieces whose concatenation it is (a paper's entry each), for writing to a
# file: no one string of the whole export, and the ASCII pieces are encoded by copying.
PieceRenderer = Callable[[ExportDocument, MarkdownOptions], "list[str]"]
# The paper fields a format reads (given the options): an export loads only those. None is
# every field. The tests render each format from papers with only these and with all.
Reads = Callable[[MarkdownOptions], "frozenset[str] | None"]


def _every_field(options: MarkdownOptions) -> frozenset[str] | None:
    return None


# What citation keys are made from, for BibTeX and CSL-JSON.
CITATION_KEY_FIELDS = frozenset({"citekey", "authors", "year", "title", "listed", "sources"})
_CITED = CITATION_KEY_FIELDS | {
    "entry_type", "venue", "publisher", "month", "doi", "arxiv", "url", "categories", "tags",
    "abstract",
}  # fmt: skip
_CSV = frozenset(
    {"id", "key", "title", "listed", "sources", "status", "rating", "tags", "links",
     "annotations", "abstract"}
)  # fmt: skip
_MARKDOWN = frozenset(
    {"title", "arxiv", "doi", "url", "links", "authors", "year", "listed", "sources", "rating",
     "tags", "status"}
)  # fmt: skip


def _markdown_reads(options: MarkdownOptions) -> frozenset[str]:
    return (
        _MARKDOWN
        | ({"abstract"} if options.abstracts else set())
        | ({"annotations"} if options.notes else set())
    )


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name (``--format NAME``), what it is called in messages, the
    file extension it is written with, and whether ``--all`` in it is the full backup that
    ``reader import`` restores (otherwise ``--all`` is every paper, rendered like a list)."""

    name: str
    label: str
    extension: str
    render: Renderer
    backup: bool = False
    reads: Reads = _every_field
    # The renderer's text holds no control character already (JSON escapes them, BibTeX leaves
    # them out of each value), so it needs no pass over the whole text (slow beyond Latin-1).
    clean: bool = False
    # The text in pieces (``PieceRenderer``), where the format can give them; only clean ones.
    pieces: PieceRenderer | None = None


def _markdown(document: ExportDocument, options: MarkdownOptions) -> str:
    from reader.export.markdown import render_markdown

    return render_markdown(document, options)


def _bibtex(document: ExportDocument, options: MarkdownOptions) -> str:
    from reader.export.bibtex import render_bibtex

    return render_bibtex(document.papers)


def _bibtex_pieces(document: ExportDocument, options: MarkdownOptions) -> list[str]:
    from reader.export.bibtex import bibtex_entries

    return bibtex_entries(document.papers)


def _csl_json(document: ExportDocument, options: MarkdownOptions) -> str:
    from reader.export.csl_json import render_csl_json

    return render_csl_json(document.papers)


def _csl_json_pieces(document: ExportDocument, options: MarkdownOptions) -> list[str]:
    from reader.export.csl_json import csl_json_pieces

    return csl_json_pieces(document.papers)


def _csv(document: ExportDocument, options: MarkdownOptions) -> str:
    from reader.export.csv_format import render_csv

    return render_csv(document.papers)


def _csv_pieces(document: ExportDocument, options: MarkdownOptions) -> list[str]:
    from reader.export.csv_format import csv_pieces

    return csv_pieces(document.papers)


def _json(document: ExportDocument, options: MarkdownOptions) -> str:
    from reader.records import document_dict
    from reader.text import json_text

    return json_text(document_dict(document.title, document.description, document.papers)) + "\n"


EXPORT_FORMATS: dict[str, ExportFormat] = {
    item.name: item
    for item in (
        ExportFormat("markdown", "Markdown", ".md", _markdown, reads=_markdown_reads),
        ExportFormat(
            "bibtex",
            "BibTeX",
            ".bib",
            _bibtex,
            reads=lambda _: _CITED,
            clean=True,
            pieces=_bibtex_pieces,
        ),
        # CSV cleans its own text (a few hundred rows at a time), so it is clean as rendered.
        ExportFormat(
            "csv", "CSV", ".csv", _csv, reads=lambda _: _CSV, clean=True, pieces=_csv_pieces
        ),
        # Two formats write .json: reader's own comes first, for whoever goes by extension.
        ExportFormat("json", "JSON", ".json", _json, backup=True, clean=True),
        ExportFormat(
            "csl-json",
            "CSL-JSON",
            ".json",
            _csl_json,
            reads=lambda _: _CITED,
            clean=True,
            pieces=_csl_json_pieces,
        ),
    )
}
FORMATS = tuple(EXPORT_FORMATS)
# What an export of every paper is called (a Markdown heading, a JSON export's name).
LIBRARY_TITLE = "Library"


def export_format(name: str) -> ExportFormat:
    """The registered format of that name, or a ReaderError listing the known ones."""
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        raise ReaderError(
            f"unknown export format '{name}' (formats: {', '.join(FORMATS)})"
        ) from None
