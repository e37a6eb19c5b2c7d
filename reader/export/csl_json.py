"""Render papers as CSL-JSON, the item format of Zotero, pandoc and every citeproc.

A JSON array of items, one per paper, with only the variables that are known. ``id`` is the
citation key, made as for BibTeX (the two exports of a list cite the same keys). Names are
``family`` / ``given``; a corporate author (family name only) is a ``literal``. ``issued`` is
``[[year, month]]`` (or ``[[year]]``); ``keyword`` is the tags joined by commas. The venue is
the ``container-title``, except for theses and reports, where it is the school or institution
that issued them: their ``publisher``.

Entry types map to CSL 1.0.2 types: article → ``article-journal``, inproceedings →
``paper-conference``, incollection and inbook → ``chapter``, book → ``book``, phdthesis and
mastersthesis → ``thesis`` (with a ``genre``), techreport → ``report``, unpublished →
``manuscript``, online → ``webpage``, software → ``software``, dataset → ``dataset``. A
``misc`` paper with an arXiv id is a preprint, which CSL 1.0.2 types ``article`` ("preprints,
working papers"), with ``number`` ``arXiv:ID`` and ``publisher`` arXiv unless it has one; any
other ``misc`` is a ``document``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reader.export.citation import citation_keys, entry_type, landing_url
from reader.models import Paper
from reader.text import json_text, one_line

CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "software": "software",
    "dataset": "dataset",
}
GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# Types whose venue is the institution that issued them: CSL calls it the publisher.
INSTITUTIONS = frozenset({"phdthesis", "mastersthesis", "techreport"})


def render_csl_json(papers: Sequence[Paper]) -> str:
    keys = citation_keys(papers)
    return json_text([csl_item(key, paper) for key, paper in zip(keys, papers, strict=True)]) + "\n"


def csl_type(paper: Paper) -> str:
    kind = entry_type(paper)
    if kind == "misc":
        return "article" if paper.arxiv else "document"
    return CSL_TYPES.get(kind, "document")


def csl_item(key: str, paper: Paper) -> dict[str, Any]:
    """One paper as a CSL-JSON item: the known variables, in a fixed order."""
    kind = entry_type(paper)
    item: dict[str, Any] = {"id": key, "type": csl_type(paper), "title": one_line(paper.title)}
    authors = [_name(author.family, author.given) for author in paper.authors if author.family]
    if authors:
        item["author"] = authors
    if paper.year:
        parts = [paper.year] + ([paper.month] if paper.month and 1 <= paper.month <= 12 else [])
        item["issued"] = {"date-parts": [parts]}
    venue = one_line(paper.venue)
    if venue and kind not in INSTITUTIONS:
        item["container-title"] = venue
    publisher = one_line(paper.publisher) or (venue if kind in INSTITUTIONS else "")
    publisher = publisher or ("arXiv" if item["type"] == "article" else "")
    if publisher:
        item["publisher"] = publisher
    if kind in GENRES:
        item["genre"] = GENRES[kind]
    if paper.arxiv and item["type"] == "article":
        item["number"] = f"arXiv:{paper.arxiv}"
    if paper.doi:
        item["DOI"] = paper.doi
    url = landing_url(paper)
    if url:
        item["URL"] = url
    if paper.abstract.strip():
        item["abstract"] = one_line(paper.abstract)
    tags = [one_line(tag) for tag in paper.tags if one_line(tag)]
    if tags:
        item["keyword"] = ", ".join(tags)
    return item


def _name(family: str, given: str) -> dict[str, str]:
    family, given = one_line(family), one_line(given)
    return {"family": family, "given": given} if given else {"literal": family}
