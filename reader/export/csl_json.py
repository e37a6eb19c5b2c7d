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
from reader.models import Paper
from reader.text import json_array_pieces, json_string, json_strings, json_text, one_line, one_lines

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
    """The items as ``json_text`` writes the list of ``csl_item`` dicts, byte for byte."""
    return "".join(csl_json_pieces(papers))


def csl_json_pieces(papers: Sequence[Paper]) -> list[str]:
    """``render_csl_json``'s text in pieces, an item each, written straight into ``json_text``'s
    layout, a variable at a time: ``json.dumps`` with an indent walks dicts in pure Python, most
    of a long export's time. Each variable's values of a block of papers are made one-line and
    quoted in one pass, and its part of every item made in one more ("" where an item has
    none); the tests compare the result with ``csl_item``'s."""
    if not papers:
        return ["[]\n"]
    return json_array_pieces(csl_items(papers, json_strings(citation_keys(papers))))


def csl_items(papers: Sequence[Paper], keys: Sequence[str]) -> list[str]:
    """Each paper's item under the key given for it, already a JSON string (``"key"``), each
    followed by the comma and indent before the next."""
    names = _names(papers)
    keywords = _keywords(papers)
    items: list[str] = []
    for start in range(0, len(papers), BLOCK):
        block = papers[start : start + BLOCK]
        items += _items(block, keys[start : start + BLOCK], names, keywords)
    return items


# Papers written together, as BibTeX does: a block's texts stay in the processor's cache
# through every pass over them, and its memory is reused by the next block.
BLOCK = 32


def _items(
    papers: Sequence[Paper],
    keys: Sequence[str],
    names: dict[int, str],
    keywords: dict[tuple[str, ...], str],
) -> list[str]:
    """The block's items, each followed by the comma and indent before the next."""
    kinds = [entry_type(paper) for paper in papers]
    types = [
        ("article" if paper.arxiv else "document")
        if kind == "misc"
        else CSL_TYPES.get(kind, "document")
        for kind, paper in zip(kinds, papers, strict=True)
    ]
    venues = one_lines([paper.venue for paper in papers])
    publishers = [
        publisher
        or (venue if kind in INSTITUTIONS else "")
        or ("arXiv" if csl == "article" else "")
        for publisher, venue, kind, csl in zip(
            one_lines([paper.publisher for paper in papers]), venues, kinds, types, strict=True
        )
    ]
    parts = [
        [
            f'{{\n    "id": {key},\n    "type": "{csl}",\n    "title": {title}'
            for key, csl, title in zip(
                keys,
                types,
                json_strings(one_lines([paper.title for paper in papers])),
                strict=True,
            )
        ],
        [_authors(paper, names) if paper.authors else "" for paper in papers],
        [_issued(paper.year, paper.month) if paper.year else "" for paper in papers],
        [
            ',\n    "container-title": ' + encode_basestring(venue)
            if venue and kind not in INSTITUTIONS
            else ""
            for venue, kind in zip(venues, kinds, strict=True)
        ],
        [
            ',\n    "publisher": ' + encode_basestring(publisher) if publisher else ""
            for publisher in publishers
        ],
        [
            ',\n    "genre": ' + encode_basestring(GENRES[kind]) if kind in GENRES else ""
            for kind in kinds
        ],
        [
            ',\n    "number": ' + json_string(f"arXiv:{paper.arxiv}")
            if paper.arxiv and csl == "article"
            else ""
            for paper, csl in zip(papers, types, strict=True)
        ],
        [',\n    "DOI": ' + _json_value(paper.doi) if paper.doi else "" for paper in papers],
        [_url(landing_url(paper)) for paper in papers],
        [
            ',\n    "abstract": ' + abstract if paper.abstract.strip() else ""
            for paper, abstract in zip(  # one-line text: json_strings quotes it as json does
                papers, json_strings(one_lines([paper.abstract for paper in papers])), strict=True
            )
        ],
        [keywords[paper.tags] if paper.tags else "" for paper in papers],
        ["\n  },\n  "] * len(papers),  # the comma between items
    ]
    return list(map("".join, zip(*parts, strict=True)))


def _names(papers: Sequence[Paper]) -> dict[int, str]:
    """Each author with a family name as ``_name`` writes it in an item, by the author's ``id``
    (the papers share one ``Author`` per name and keep it alive; an ``Author`` hashes in Python
    code)."""
    authors = [
        author
        for author in {id(each): each for paper in papers for each in paper.authors}.values()
        if author.family
    ]
    names = {}
    for author, family, given in zip(
        authors,
        one_lines([author.family for author in authors]),
        one_lines([author.given for author in authors]),
        strict=True,
    ):
        if given:
            names[id(author)] = (
                f'{{\n        "family": {encode_basestring(family)},\n'
                f'        "given": {encode_basestring(given)}\n      }}'
            )
        else:
            names[id(author)] = f'{{\n        "literal": {encode_basestring(family)}\n      }}'
    return names


def _authors(paper: Paper, names: dict[int, str]) -> str:
    written = [names[id(author)] for author in paper.authors if author.family]
    if not written:
        return ""
    return ',\n    "author": [\n      ' + ",\n      ".join(written) + "\n    ]"


def _issued(year: object, month: object) -> str:
    """``issued`` as json writes ``{"date-parts": [[year, month]]}`` (the month when 1 to 12)."""
    parts = _number(year)
    if month and 1 <= month <= 12:  # type: ignore[operator]
        parts += ",\n          " + _number(month)
    return (
        ',\n    "issued": {\n      "date-parts": [\n        [\n          '
        + parts
        + "\n        ]\n      ]\n    }"
    )


def _keywords(papers: Sequence[Paper]) -> dict[tuple[str, ...], str]:
    """Each distinct set of tags as its ``keyword`` ("" when every tag is blank)."""
    written = {}
    for tags in {paper.tags for paper in papers if paper.tags}:
        kept = [tag for tag in one_lines(list(tags)) if tag]
        written[tags] = ',\n    "keyword": ' + encode_basestring(", ".join(kept)) if kept else ""
    return written


def _url(url: str | None) -> str:
    return ',\n    "URL": ' + _json_value(url) if url else ""


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
