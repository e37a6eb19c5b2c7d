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
HEADER_LINE = ",".join(HEADER) + "\n"
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
    return "".join(csv_pieces(papers))


# Rows cleaned and written together: enough to make a write worth it, few enough to stay in
# the processor's cache.
_ROWS = 256


def csv_pieces(papers: Sequence[Paper]) -> list[str]:
    """``render_csv``'s text in pieces of a few hundred rows each, made a column at a time.

    Control characters go from each piece at once (``safe``): none is a comma, a quote or a
    newline, so where they were changes no quoting; the pieces are then clean as written."""
    rows = [",".join(HEADER), *_rows(papers)]
    return [
        safe("\n".join(rows[start : start + _ROWS]) + "\n") for start in range(0, len(rows), _ROWS)
    ]


def csv_rows(papers: Sequence[Paper]) -> list[str]:
    """Each paper's row as ``csv_pieces`` writes it, its newline included (without the
    header: ``HEADER_LINE``)."""
    rows = [row + "\n" for row in _rows(papers)]
    joined = "".join(rows)
    if safe(joined) is joined:  # (one look at them all: most have nothing to take away)
        return rows
    return list(map(safe, rows))


def _rows(papers: Sequence[Paper]) -> list[str]:
    """Each paper's row, not yet cleaned of control characters."""
    dates = [paper.listings or ((paper.listed,) if paper.listed else ()) for paper in papers]
    columns = [
        [str(paper.id) for paper in papers],
        _cells([paper.key for paper in papers]),
        _cells([paper.title for paper in papers]),
        _cells(list(map("; ".join, dates))),
        _cells([paper.status for paper in papers]),
        ["" if paper.rating is None else str(paper.rating) for paper in papers],
        _cells(["; ".join(paper.tags) for paper in papers]),
        _cells([paper.code_link or "" for paper in papers]),
        _cells([" ".join([link.url for link in paper.links]) for paper in papers]),
        [str(len(paper.annotations)) for paper in papers],
        _cells([paper.abstract for paper in papers]),
    ]
    return list(map(",".join, zip(*columns, strict=True)))


def _cells(texts: list[str]) -> list[str]:
    """``_quoted(_defused(text))`` of each text, one look at the whole column first: most
    columns hold no carriage return and no cell starting with anything a spreadsheet (or
    ``safe``) could take away or run, and then only quoting is left to do."""
    joined = "".join(texts)
    firsts = "".join([text[:1] for text in texts])
    if "\r" in joined or not firsts.isprintable() or _RISKY_START.search(firsts):
        return [_quoted(_defused(text)) for text in texts]
    if '"' not in joined and "," not in joined and "\n" not in joined:
        return texts
    return list(map(_quoted, texts))
