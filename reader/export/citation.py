"""What BibTeX and CSL-JSON exports share: each paper's citation key within one export, the
entry type, and the landing page written as its url.

A paper's own citation key is used as it is; a paper without one gets a Google Scholar-style key
(``vaswani2017attention``), made unique within the export. Keys already held by papers of the
export are reserved first, so a generated key never takes one of theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from reader.editing import ENTRY_TYPES
from reader.identifiers import citation_key, unique_citation_key
from reader.importers.listing import CODE_HOSTS, link_kind
from reader.models import Paper

_LISTED_YEAR = re.compile(r",\s*([0-9]{4})$", re.ASCII)


def listed_year(paper: Paper) -> int | None:
    """The year of the paper's listing date, when the date has one (``Mar 11, 2024``)."""
    for date in (paper.listed, *paper.listings):
        found = _LISTED_YEAR.search(date or "")
        if found:
            return int(found.group(1))
    return None


def citation_keys(papers: Sequence[Paper]) -> list[str]:
    """One key per paper, in order, unique within the export (compared case-insensitively, as
    BibTeX compares them)."""
    return unique_keys([paper.citekey for paper in papers], lambda index: base_key(papers[index]))


def base_key(paper: Paper) -> str:
    """The key a paper without one of its own is given, before it is made unique."""
    return citation_key(paper.authors, paper.year, paper.title, listed_year=listed_year(paper))


def unique_keys(citekeys: Sequence[str | None], base: Callable[[int], str]) -> list[str]:
    """``citation_keys`` from each paper's own key (or None) and, asked only for the papers
    that need one, the index's ``base_key``."""
    reserved = {key.casefold() for key in citekeys if key}
    used: set[str] = set()
    keys = []
    for index, key in enumerate(citekeys):
        if not key or key.casefold() in used:
            key = unique_citation_key(
                base(index),
                lambda candidate: candidate.casefold() in used or candidate.casefold() in reserved,
            )
        used.add(key.casefold())
        keys.append(key)
    return keys


def entry_type(paper: Paper) -> str:
    return paper.entry_type if paper.entry_type in ENTRY_TYPES else "misc"


def landing_url(paper: Paper) -> str | None:
    """The paper's url, else its arXiv or DOI page; never a code repository."""
    for url in (paper.url, paper.landing_page):
        if url and (not _may_be_code(url) or link_kind(url) != "code"):
            return url
    return None


def _may_be_code(url: str) -> bool:
    """False when no code host's name is in the URL at all, so that ``link_kind`` cannot call
    it code (most landing pages: arXiv's, DOI's), without taking the URL apart."""
    lowered = url.lower()
    return any(host in lowered for host in CODE_HOSTS)
