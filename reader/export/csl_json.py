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
from json.encoder import encode_basestring
from typing import Any

from reader.export.citation import citation_keys, entry_type, landing_url
from reader.models import Author, Paper
from reader.text import json_string, json_strings, json_text, one_line, one_lines

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
    """The items as ``json_text`` writes the list of ``csl_item`` dicts, byte for byte, but
    written straight into that layout: ``json.dumps`` with an indent walks dicts in pure Python,
    most of a long export's time. The tests compare the two."""
    if not papers:
        return "[]\n"
    keys = citation_keys(papers)
    titles = one_lines([paper.title for paper in papers])
    venues = one_lines([paper.venue for paper in papers])
    publishers = one_lines([paper.publisher for paper in papers])
    abstracts = one_lines([paper.abstract for paper in papers])
    names: dict[tuple[str, str], str] = {}
    keywords: dict[tuple[str, ...], str] = {}
    items = []
    for paper, key, title, venue, publisher, abstract in zip(
        papers, json_strings(keys), json_strings(titles), venues, publishers, abstracts, strict=True
    ):
        kind = entry_type(paper)
        if kind == "misc":
            csl = "article" if paper.arxiv else "document"
        else:
            csl = CSL_TYPES.get(kind, "document")
        lines = [f'"id": {key}', f'"type": "{csl}"', f'"title": {title}']
        if paper.authors:
            authors = [_name_text(author, names) for author in paper.authors if author.family]
            if authors:
                lines.append('"author": [\n      ' + ",\n      ".join(authors) + "\n    ]")
        if paper.year:
            parts = [paper.year] + ([paper.month] if paper.month and 1 <= paper.month <= 12 else [])
            lines.append(
                '"issued": {\n      "date-parts": [\n        [\n          '
                + ",\n          ".join(map(_number, parts))
                + "\n        ]\n      ]\n    }"
            )
        if venue and kind not in INSTITUTIONS:
            lines.append('"container-title": ' + encode_basestring(venue))
        publisher = publisher or (venue if kind in INSTITUTIONS else "")
        publisher = publisher or ("arXiv" if csl == "article" else "")
        if publisher:
            lines.append('"publisher": ' + encode_basestring(publisher))
        if kind in GENRES:
            lines.append('"genre": ' + encode_basestring(GENRES[kind]))
        if paper.arxiv and csl == "article":
            lines.append('"number": ' + json_string(f"arXiv:{paper.arxiv}"))
        if paper.doi:
            lines.append('"DOI": ' + _json_value(paper.doi))
        url = landing_url(paper)
        if url:
            lines.append('"URL": ' + _json_value(url))
        if paper.abstract.strip():
            lines.append('"abstract": ' + encode_basestring(abstract))
        if paper.tags:
            keyword = keywords.get(paper.tags)
            if keyword is None:
                tags = [tag for tag in one_lines(list(paper.tags)) if tag]
                keyword = keywords[paper.tags] = (
                    '"keyword": ' + encode_basestring(", ".join(tags)) if tags else ""
                )
            if keyword:
                lines.append(keyword)
        items.append("{\n    " + ",\n    ".join(lines) + "\n  }")
    return "[\n  " + ",\n  ".join(items) + "\n]\n"


def _name_text(author: Author, made: dict[tuple[str, str], str]) -> str:
    """``_name`` of the author as its item in the author array."""
    found = made.get((author.family, author.given))
    if found is None:
        family, given = one_line(author.family), one_line(author.given)
        if given:
            found = (
                f'{{\n        "family": {encode_basestring(family)},\n'
                f'        "given": {encode_basestring(given)}\n      }}'
            )
        else:
            found = f'{{\n        "literal": {encode_basestring(family)}\n      }}'
        made[author.family, author.given] = found
    return found


def _number(value: object) -> str:
    """A year or month as ``json.dumps`` writes it."""
    return int.__repr__(value) if value.__class__ is int else json_text(value)


def _json_value(value: object) -> str:
    return json_string(value) if isinstance(value, str) else json_text(value)


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
