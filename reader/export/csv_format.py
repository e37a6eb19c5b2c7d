"""Render papers as CSV for spreadsheets and scripts.

Imported text lands in spreadsheet cells, where a leading ``=``, ``+``, ``-`` or ``@`` makes
Excel, LibreOffice and Google Sheets evaluate it as a formula. Such cells get a leading ``'``,
the convention those programs recognise for "this is text"; so do cells where the sign hides
behind control characters, spaces or invisible characters.

Rows end in ``\n``. The csv module then quotes only cells holding ``\n`` (not a lone ``\r``), so
carriage returns inside text are turned into ``\n`` first; otherwise a stray ``\r`` would split a
row in two for most readers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from reader.models import Paper
from reader.text import safe

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
# A formula sign, or whitespace or an invisible character that a spreadsheet may trim away
# before it sees one (tab and carriage return are in every list of formula starts).
_RISKY_START = re.compile(r"[=+\-@\s\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


def defuse(cell: str) -> str:
    """The cell text, prefixed with ``'`` when a spreadsheet could run it as a formula.

    Control characters are removed first, as the whole export's are, so that none can hide a
    formula sign here and vanish afterwards (``\\u202e=HYPERLINK(...)``)."""
    text = safe(cell.replace("\r\n", "\n").replace("\r", "\n"))
    return "'" + text if _RISKY_START.match(text) else text


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
