"""Finding papers' arXiv entries by exact title: ``reader enrich``.

Papers with neither an arXiv id nor a DOI (what listings give) are looked up several titles per
request. A match counts only when both titles are the same after ``normalize_title``; a close
title (rapidfuzz ratio >= 90) is reported and left alone, and a title arXiv holds more than once
is ambiguous. Each request's papers are written in one transaction as soon as it is answered,
so an interrupted run keeps what it found and the next run skips those papers. Titles arXiv
did not have are remembered and not asked about again (``again=True`` asks anyway; a paper
whose title has changed since is asked again).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

from reader.incoming import ParsedPaper
from reader.models import RECORD_FIELDS, Paper, ReaderError
from reader.web.reports import EnrichReport, Progress, ProgressCallback, TitleMatch

if TYPE_CHECKING:
    from reader.store import Library
    from reader.web.http import Settings

UNKNOWN_QUERY = "-has:arxiv -has:doi"
BATCH = 10  # titles per request to arXiv (and papers per transaction)
# What a field holds when nothing is known (a dry run reports the fields that would fill).
_EMPTY: dict[str, object] = {"entry_type": "misc"}
_FIELDS = tuple(field for field in RECORD_FIELDS if field != "citekey")


def candidates(library: Library, query: str = "") -> list[int]:
    """Papers matching ``query`` (every paper when empty) that have no arXiv id and no DOI."""
    unknown = set(library.search(UNKNOWN_QUERY, fuzzy=False).ids)
    if query.strip():
        return sorted(set(library.search(query, fuzzy=False).ids) & unknown)
    return sorted(unknown)


def would_fill(paper: Paper, record: ParsedPaper) -> tuple[str, ...]:
    """The empty fields of ``paper`` that ``record`` knows (a dry run's answer; the real run
    also keeps fields a person edited by hand)."""
    filled = []
    for name in _FIELDS:
        mine, theirs = getattr(paper, name), getattr(record, name)
        empty = _EMPTY.get(name)
        if (
            (mine in (None, "", ()) or mine == empty)
            and theirs not in (None, "", ())
            and (theirs != empty)
        ):
            filled.append(name)
    return tuple(filled)


def _holder(library: Library, arxiv_id: str) -> int | None:
    try:
        stored = library.paper(arxiv_id)
    except ReaderError:
        return None
    return stored.id if stored.arxiv == arxiv_id else None


def enrich_library(
    library: Library,
    query: str = "",
    *,
    dry_run: bool = False,
    again: bool = False,
    progress: ProgressCallback | None = None,
    settings: Settings | None = None,
) -> EnrichReport:
    """Look up every candidate paper on arXiv by title and fill its record from an exact
    match (``dry_run``: only say what would change). Never raises for a failed request: the
    report's ``error`` says why the run stopped, and what was found before it is kept."""
    from reader.web.arxiv_api import ArxivService
    from reader.web.http import Settings, WebError

    settings = settings or Settings.from_env()
    ids = candidates(library, query)
    not_asked = 0
    if not again:
        missed = library.lookup_misses(ids)
        not_asked = len(missed)
        ids = [paper_id for paper_id in ids if paper_id not in missed]
    found: list[TitleMatch] = []
    near: list[TitleMatch] = []
    missing: list[int] = []
    ambiguous: list[int] = []
    looked_up = 0
    error: str | None = None
    if progress is not None:
        progress(Progress("enrich", 0, len(ids)))
    service = ArxivService(settings)
    try:
        for start in range(0, len(ids), BATCH):
            papers = library.papers(ids[start : start + BATCH], with_notes=False)
            try:
                matches = service.search_titles(paper.title for paper in papers)
            except WebError as failure:
                error = str(failure)
                break
            not_there: list[tuple[int, str]] = []
            with nullcontext() if dry_run else library.transaction():
                for paper in papers:
                    match = matches[paper.title]
                    if len(match.exact) > 1:
                        ambiguous.append(paper.id)
                    elif match.exact:
                        found.append(_apply(library, paper, match.exact[0], dry_run))
                    else:
                        missing.append(paper.id)
                        not_there.append((paper.id, paper.title))
                        near.extend(
                            TitleMatch(
                                paper.id, paper.title, entry.arxiv or "", entry.title, score=score
                            )
                            for entry, score in sorted(match.near, key=lambda item: -item[1])
                        )
                if not dry_run:
                    library.note_lookup_misses(not_there)
            looked_up += len(papers)
            if progress is not None:
                progress(
                    Progress("enrich", looked_up, len(ids), papers[-1].title if papers else "")
                )
    finally:
        service.close()
    return EnrichReport(
        candidates=len(ids),
        looked_up=looked_up,
        not_asked=not_asked,
        found=tuple(found),
        missing=tuple(missing),
        ambiguous=tuple(ambiguous),
        near=tuple(near),
        dry_run=dry_run,
        error=error,
    )


def _apply(library: Library, paper: Paper, record: ParsedPaper, dry_run: bool) -> TitleMatch:
    arxiv_id = record.arxiv or ""
    match = TitleMatch(paper.id, paper.title, arxiv_id, record.title)
    holder = _holder(library, arxiv_id)
    if holder is not None and holder != paper.id:
        return TitleMatch(paper.id, paper.title, arxiv_id, record.title, duplicate_of=holder)
    if dry_run:
        return TitleMatch(paper.id, paper.title, arxiv_id, record.title, would_fill(paper, record))
    filled = library.enrich_paper(paper.id, record)
    return TitleMatch(match.paper_id, match.title, arxiv_id, record.title, tuple(filled))
