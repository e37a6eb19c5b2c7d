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

import re
from collections.abc import Sequence

from reader.models import Paper
from reader.text import safe, starts_unsafe

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
    return safe(_defused(cell))


def _defused(cell: str) -> str:
    """``defuse`` but for control characters after the first character, which leave the
    formula check unchanged: ``render_csv`` removes them from the whole text at once."""
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    if starts_unsafe(cell):
        cell = safe(cell)
    return "'" + cell if _RISKY_START.match(cell) else cell


def _quoted(cell: str) -> str:
    """The cell as ``csv.writer`` writes it (minimal quoting, rows ending in ``\\n``): quoted
    when it holds a comma, a quote or a newline, quotes doubled. Cells never hold ``\\r``."""
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\n" in cell:
        return '"' + cell + '"'
    return cell


def render_csv(papers: Sequence[Paper]) -> str:
    """A header row, then one row per paper in the given order; lists joined by "; " or " "."""
    rows = [",".join(HEADER)]
    for paper in papers:
        dates = paper.listings or ((paper.listed,) if paper.listed else ())
        rating = paper.rating
        cells = (
            str(paper.id),
            _quoted(_defused(paper.key)),
            _quoted(_defused(paper.title)),
            _quoted(_defused("; ".join(dates))),
            _quoted(_defused(paper.status)),
            "" if rating is None else str(rating),
            _quoted(_defused("; ".join(paper.tags))),
            _quoted(_defused(paper.code_link or "")),
            _quoted(_defused(" ".join(link.url for link in paper.links))),
            str(len(paper.annotations)),
            _quoted(_defused(paper.abstract)),
        )
        rows.append(",".join(cells))
    rows.append("")
    # Control characters go from the whole text at once: none is a comma, a quote or a newline,
    # so where they were changes no quoting.
    return safe("\n".join(rows))
