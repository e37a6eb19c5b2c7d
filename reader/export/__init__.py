"""Pure renderers: papers in, text out. No database, no terminal.

Every renderer is deterministic (same papers, same bytes) so that exports diff cleanly under git.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import Paper

FORMATS = ("markdown", "bibtex", "csv", "json")


@dataclass(frozen=True)
class ExportDocument:
    """What gets exported: a reading list, a query's results or the whole library."""

    title: str
    papers: tuple[Paper, ...]
    description: str = ""
    is_list: bool = False


@dataclass(frozen=True)
class MarkdownOptions:
    """Which parts of each paper to write; abstracts are off unless asked for."""

    abstracts: bool = False
    notes: bool = True
    tags: bool = True
    ratings: bool = True
    dates: bool = True
    links: bool = True
