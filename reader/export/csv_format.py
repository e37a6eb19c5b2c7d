"""Render papers as CSV for spreadsheets and scripts.

Imported text lands in spreadsheet cells, where a leading ``=``, ``+``, ``-`` or ``@`` makes
Excel, LibreOffice and Google Sheets evaluate it as a formula. Such cells get a leading ``'``,
the convention those programs recognise for "this is text".

Rows end in ``\n``. The csv module then quotes only cells holding ``\n`` (not a lone ``\r``), so
carriage returns inside text are turned into ``\n`` first; otherwise a stray ``\r`` would split a
row in two for most readers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from reader.models import Paper

HEADER = (
    "id",
    "key",
    "title",
    "listed",
    "status",
    "rating",
    "tags",
    "code_link",
    "links",
    "notes",
    "abstract",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """The cell text, prefixed with ``'`` when a spreadsheet would run it as a formula."""
    if cell.startswith(_FORMULA_START):
        cell = "'" + cell
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def render_csv(papers: Sequence[Paper]) -> str:
    """A header row, then one row per paper in the given order; lists joined by "; " or " "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for paper in papers:
        dates = paper.listings or ((paper.listed,) if paper.listed else ())
        row: list[str | int] = [
            paper.id,
            defuse(paper.key),
            defuse(paper.title),
            defuse("; ".join(dates)),
            defuse(paper.status),
            "" if paper.rating is None else paper.rating,
            defuse("; ".join(paper.tags)),
            defuse(paper.code_link or ""),
            defuse(" ".join(link.url for link in paper.links)),
            len(paper.annotations),
            defuse(paper.abstract),
        ]
        writer.writerow(row)
    return buffer.getvalue()
