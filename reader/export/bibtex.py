"""Render papers as citable BibTeX: entry type, citation key, authors, title, venue, dates,
identifiers, landing page, keywords and abstract.

Text is imported text, so every character that BibTeX or LaTeX treats specially is escaped;
letters beyond ASCII stay as UTF-8 (biber and modern BibTeX read them). Braces in the text are
written as ``\\textbraceleft{}`` rather than ``\\{``: BibTeX counts braces without regard to
backslashes, so ``\\{`` would unbalance the field. A ``--`` of the text becomes ``-{}-``, which
LaTeX prints as two hyphens rather than a dash.

Titles keep their capitals where styles would lower them: a word with a capital after its first
letter (``{LoRA}``, ``{BERT}``, ``{ImageNet}``, ``{GPT-4}``, ``{3D}``) is wrapped in braces.
Ordinary capitalised words are left to the style; a single capital letter (``Part X``) is not
protected.

``reader.importers.bibtex`` reads all of this back to the same record, so export, import into
an empty library, and export again gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.export.citation import citation_keys, entry_type, landing_url
from reader.models import Author, Paper
from reader.text import safe

# Order matters only for readability of the table; each character is replaced independently.
TEX_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    # Without T1 font encoding LaTeX prints these three as other glyphs (¡, ¿, —).
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_TEX_SPECIAL = re.compile("[" + re.escape("".join(TEX_ESCAPES)) + "]")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Where each entry type keeps the venue; other types use howpublished.
VENUE_FIELDS = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "inbook": "booktitle",
    "phdthesis": "school",
    "mastersthesis": "school",
    "techreport": "institution",
}
# Characters a URL may keep verbatim in a ``url`` field (read verbatim by biblatex and the
# ``url`` package); the rest are percent-encoded, which any web server treats the same.
_URL_ENCODE = frozenset('{}\\"')
_AND = re.compile(r"\band\b", re.IGNORECASE)
_ALNUM = re.compile(r"[^\W_]")


def escape_tex(text: str) -> str:
    """Imported text as one line of BibTeX-safe LaTeX that prints as the text itself.

    Runs of whitespace become one space: BibTeX reads them that way anyway, and a newline inside
    a field could let a line starting with ``@`` look like a new entry.
    """
    if not text.isprintable():
        text = " ".join(safe(text).split())
    elif "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())  # printable text has no whitespace but spaces
    escaped = _TEX_SPECIAL.sub(_tex_escape, text)
    while "--" in escaped:
        escaped = escaped.replace("--", "-{}-")
    return escaped


def _tex_escape(match: re.Match[str]) -> str:
    """One special character's escape (a pattern's scan and a lookup per special character are
    many times quicker than ``str.translate`` with a table of strings)."""
    return TEX_ESCAPES[match.group()]


def escape_url(url: str) -> str:
    """A URL (or DOI) for a verbatim field: braces, backslashes, quotes and spaces encoded."""
    url = url.strip()
    if url.isprintable() and not any(ch in url for ch in ' {}\\"'):
        return url
    parts = []
    for ch in url:
        if ch in _URL_ENCODE or ch.isspace() or not ch.isprintable():
            parts.append("".join(f"%{byte:02X}" for byte in ch.encode("utf-8")))
        else:
            parts.append(ch)
    return "".join(parts)


def protect_capitals(title: str) -> str:
    """The escaped title with words whose capitals a style must keep wrapped in braces."""
    words = " ".join(safe(title).split()).split(" ")
    escaped = escape_tex(title).split(" ")  # escaping keeps the words where they were
    return " ".join(
        "{" + text + "}" if _needs_protection(word) else text
        for word, text in zip(words, escaped, strict=True)
    )


def _needs_protection(word: str) -> bool:
    """A capital after the word's first letter or digit: ``LoRA``, ``BERT``, ``iPhone``, ``3D``."""
    if word[1:].islower():
        return False  # no capital after the first character (the usual word)
    first = _ALNUM.search(word)
    rest = word[first.end() :] if first else ""
    return rest.lower() != rest


def format_authors(authors: Sequence[Author]) -> str:
    """``Family, Given and ...``; a family-only (corporate) name is braced whole, and a part
    holding a comma or the word "and" is braced so BibTeX reads it as one part."""
    people = []
    for author in authors:
        family, given = escape_tex(author.family), escape_tex(author.given)
        if not family:
            continue
        if not given:
            people.append("{" + family + "}")
            continue
        people.append(f"{_guarded(family)}, {_guarded(given)}")
    return " and ".join(people)


def _guarded(part: str) -> str:
    return "{" + part + "}" if "," in part or _AND.search(part) else part


def render_bibtex(papers: Sequence[Paper]) -> str:
    """One entry per paper, in the given order, with keys unique within the file."""
    keys = citation_keys(papers)
    return "\n".join(_entry(key, paper) for key, paper in zip(keys, papers, strict=True))


def _entry(key: str, paper: Paper) -> str:
    kind = entry_type(paper)
    fields: list[tuple[str, str]] = []
    authors = format_authors(paper.authors)
    if authors:
        fields.append(("author", "{" + authors + "}"))
    fields.append(("title", "{" + protect_capitals(paper.title) + "}"))
    venue = escape_tex(paper.venue)
    if venue:
        fields.append((VENUE_FIELDS.get(kind, "howpublished"), "{" + venue + "}"))
    publisher = escape_tex(paper.publisher)
    if publisher:
        fields.append(("publisher", "{" + publisher + "}"))
    if paper.year:
        fields.append(("year", f"{{{paper.year}}}"))
    if paper.month and 1 <= paper.month <= 12:
        fields.append(("month", MONTHS[paper.month - 1]))
    if paper.doi:
        fields.append(("doi", "{" + escape_url(paper.doi) + "}"))
    if paper.arxiv:
        fields.append(("eprint", "{" + escape_url(paper.arxiv) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        if paper.categories and escape_tex(paper.categories[0]):
            fields.append(("primaryClass", "{" + escape_tex(paper.categories[0]) + "}"))
    url = landing_url(paper)
    if url and escape_url(url):
        fields.append(("url", "{" + escape_url(url) + "}"))
    tags = [tag for tag in (escape_tex(tag) for tag in paper.tags) if tag]
    if tags:
        fields.append(("keywords", "{" + ", ".join(tags) + "}"))
    abstract = escape_tex(paper.abstract)
    if abstract:
        fields.append(("abstract", "{" + abstract + "}"))
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {value}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"
