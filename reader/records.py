"""Papers as plain dictionaries: the shape of ``--json`` output and of backups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.models import Annotation, Paper

if TYPE_CHECKING:
    from reader.summaries import ReadingList


def annotation_dict(note: Annotation) -> dict[str, Any]:
    return {
        "id": note.id,
        "body": note.body,
        "quote": note.quote,
        "created": note.created,
        "updated": note.updated,
    }


def paper_dict(paper: Paper, *, full: bool = False) -> dict[str, Any]:
    """The JSON object for a paper; ``full`` adds annotations and lists (``show --json``)."""
    record: dict[str, Any] = {
        "id": paper.id,
        "key": paper.key,
        "title": paper.title,
        "abstract": paper.abstract,
        "listed": paper.listed,
        "listings": list(paper.listings),
        "sources": [{"file": source.file, "listed": source.listed} for source in paper.sources],
        "links": [{"url": link.url, "kind": link.kind} for link in paper.links],
        "tags": list(paper.tags),
        "rating": paper.rating,
        "status": paper.status,
        "read_at": paper.read_at,
        "added": paper.added,
        "authors": [author.display for author in paper.authors],
        "year": paper.year,
        "month": paper.month,
        "venue": paper.venue or None,
        "publisher": paper.publisher or None,
        "entry_type": paper.entry_type,
        "citekey": paper.citekey,
        "arxiv": paper.arxiv,
        "doi": paper.doi,
        "url": paper.url,
        "landing_page": paper.landing_page,
        "categories": list(paper.categories),
        "files": [item.path for item in paper.files],
    }
    if full:
        record["annotations"] = [annotation_dict(note) for note in paper.annotations]
        record["lists"] = list(paper.lists)
    return record


def list_dict(reading_list: ReadingList) -> dict[str, Any]:
    return {
        "name": reading_list.name,
        "description": reading_list.description,
        "count": reading_list.count,
        "read": reading_list.read,
        "progress": reading_list.progress,
    }


def document_dict(title: str, description: str, papers: Sequence[Paper]) -> dict[str, Any]:
    """A list, a query's results or every paper as ``export --format json`` writes them."""
    return {
        "name": title,
        "description": description,
        "papers": [paper_dict(paper, full=True) for paper in papers],
    }
