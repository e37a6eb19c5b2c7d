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
from collections.abc import Iterable, Sequence

from reader.export.citation import citation_keys, entry_type, landing_url
from reader.models import Author, Paper
from reader.text import one_lines, safe

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
_URL_SPECIAL = re.compile(r'[ {}\\"]')
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
    if url.isprintable() and not _URL_SPECIAL.search(url):
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
    return "".join(bibtex_entries(papers))


def bibtex_entries(papers: Sequence[Paper]) -> list[str]:
    """``render_bibtex``'s text as one piece per entry (the blank line after it included)."""
    if not papers:
        return []
    keys = citation_keys(papers)
    if not "".join(keys).isprintable():
        keys = [safe(key) for key in keys]
    entries = bibtex_items(papers, keys)
    entries[-1] = entries[-1][:-1]  # the last entry ends with its brace's line
    return entries


def bibtex_items(papers: Sequence[Paper], keys: Sequence[str]) -> list[str]:
    """Each paper's entry under the key given for it (free of control characters: ``safe``),
    each followed by a blank line.

    Written a field at a time: each field's values of all the papers are escaped at once
    (``escape_all``, the same text as ``escape_tex`` and ``protect_capitals`` give one by one),
    and each field's lines made in one pass ("" where a paper has none). Every value is free of
    control characters as written (``EXPORT_FORMATS`` marks BibTeX clean): escaped text has
    none, URLs have them percent-encoded, and keys and years lose them here."""
    if not papers:
        return []
    people = _people(papers)
    tags = _escaped_values(tag for paper in papers for tag in paper.tags)
    classes = _escaped_values(paper.categories[0] for paper in papers if paper.categories)
    entries: list[str] = []
    for start in range(0, len(papers), BLOCK):
        block = papers[start : start + BLOCK]
        entries += _entries(block, keys[start : start + BLOCK], people, tags, classes)
    return entries


# Papers written together: a block's texts stay in the processor's cache through every pass
# over them (one-lining, escaping, the lines), and its memory is reused by the next block;
# the whole library's abstracts at once took twice the time.
BLOCK = 32


def _entries(
    papers: Sequence[Paper],
    keys: Sequence[str],
    people: dict[int, str],
    tags: dict[str, str],
    classes: dict[str, str],
) -> list[str]:
    """The block's entries, each followed by a blank line."""
    kinds = [entry_type(paper) for paper in papers]
    authors = [
        " and ".join(
            [person for person in map(people.__getitem__, map(id, paper.authors)) if person]
        )
        if paper.authors
        else ""
        for paper in papers
    ]
    keywords = [
        ", ".join([tag for tag in map(tags.__getitem__, paper.tags) if tag]) if paper.tags else ""
        for paper in papers
    ]
    columns = [
        [f"@{kind}{{{key}," for kind, key in zip(kinds, keys, strict=True)],
        [f"  author = {{{names}}}," if names else "" for names in authors],
        [f"  title = {{{title}}}," for title in protect_all_capitals([p.title for p in papers])],
        [
            f"  {VENUE_FIELDS.get(kind, 'howpublished')} = {{{venue}}}," if venue else ""
            for kind, venue in zip(kinds, escape_all([p.venue for p in papers]), strict=True)
        ],
        [
            f"  publisher = {{{publisher}}}," if publisher else ""
            for publisher in escape_all([paper.publisher for paper in papers])
        ],
        [_year(paper.year) if paper.year else "" for paper in papers],
        [
            f"  month = {MONTHS[paper.month - 1]},"
            if paper.month and 1 <= paper.month <= 12
            else ""
            for paper in papers
        ],
        [f"  doi = {{{escape_url(paper.doi)}}}," if paper.doi else "" for paper in papers],
        [_eprint(paper, classes) if paper.arxiv else "" for paper in papers],
        [_url(landing_url(paper)) for paper in papers],
        [f"  keywords = {{{words}}}," if words else "" for words in keywords],
        [
            f"  abstract = {{{abstract}}}," if abstract else ""
            for abstract in escape_all([paper.abstract for paper in papers])
        ],
        ["}\n\n"] * len(papers),  # entries apart by a blank line
    ]
    return ["\n".join(filter(None, lines)) for lines in zip(*columns, strict=True)]


def _year(year: object) -> str:
    return f"  year = {{{year if year.__class__ is int else safe(str(year))}}},"


def _eprint(paper: Paper, classes: dict[str, str]) -> str:
    lines = f"  eprint = {{{escape_url(paper.arxiv or '')}}},\n  archivePrefix = {{arXiv}},"
    primary = classes[paper.categories[0]] if paper.categories else ""
    return lines + f"\n  primaryClass = {{{primary}}}," if primary else lines


def _url(url: str | None) -> str:
    url = escape_url(url) if url else ""
    return f"  url = {{{url}}}," if url else ""


def escape_all(texts: list[str]) -> list[str]:
    """``escape_tex`` of each text, the whole list escaped in one pass.

    ``escape_tex`` is ``one_line`` and then escapes that never span a space; the one-line texts
    hold no newline, so joined by newlines they are escaped together and split apart again."""
    if not texts:
        return []
    return _escaped("\n".join(one_lines(texts))).split("\n")


def _escaped(text: str) -> str:
    """``escape_tex`` of one-line text: its special characters escaped, ``--`` broken.

    A character at a time, only those present, each by one ``str.replace`` (a pass in C; a
    pattern's substitution calls back into Python at every match). Backslashes and braces
    are set aside first as characters one-line text never holds, since the other escapes
    write them, and put back escaped at the end."""
    present = [(char, escape) for char, escape in _REPLACED if char in text]
    for char, escape in present:
        text = text.replace(char, escape)
    for char, escape in _SET_ASIDE:
        if char in text:
            text = text.replace(char, escape)
    while "--" in text:
        text = text.replace("--", "-{}-")
    return text


# Backslash and braces first, each to a control character (one_line has removed them all, and
# _OPEN and _CLOSE are others); then the other specials; then the three put back, escaped.
_ASIDE = {"\\": "\x02", "{": "\x03", "}": "\x04"}
_REPLACED = tuple(_ASIDE.items()) + tuple(
    (char, escape) for char, escape in TEX_ESCAPES.items() if char not in _ASIDE
)
_SET_ASIDE = tuple((_ASIDE[char], TEX_ESCAPES[char]) for char in _ASIDE)


# Marks put around the words a title protects, before escaping: neither is special to TeX, and
# one_line has removed both (they are control characters) from the text itself.
_OPEN, _CLOSE = "\x00", "\x01"
# A word (after the space or newline before it) that may have a capital after its first letter
# or digit: after its first character, a character other than a lower-case ASCII letter, a digit
# or ASCII punctuation. ``_needs_protection`` decides.
_MAYBE_PROTECTED = re.compile(r"[ \n][^ \n][a-z0-9!-/:-@\[-`{-~]*[^a-z0-9 \n!-/:-@\[-`{-~][^ \n]*")


def protect_all_capitals(titles: list[str]) -> list[str]:
    """``protect_capitals`` of each title, the whole list marked and escaped in one pass."""
    if not titles:
        return []
    joined = "\n" + "\n".join(one_lines(titles))  # every word after a space or a newline
    escaped = _escaped(_MAYBE_PROTECTED.sub(_marked, joined))
    if _OPEN in escaped:
        escaped = escaped.replace(_OPEN, "{").replace(_CLOSE, "}")
    return escaped[1:].split("\n")


def _marked(match: re.Match[str]) -> str:
    text = match.group()
    return text[0] + _OPEN + text[1:] + _CLOSE if _needs_protection(text[1:]) else text


def _escaped_values(values: Iterable[str]) -> dict[str, str]:
    """Each distinct value's ``escape_tex``."""
    distinct = list(dict.fromkeys(values))
    return dict(zip(distinct, escape_all(distinct), strict=True))


def _people(papers: Sequence[Paper]) -> dict[int, str]:
    """Each author of the papers as ``format_authors`` writes one ("" for none: no family
    name), by the author's ``id``: the papers share one ``Author`` per name, which hashes in
    Python code while an ``id`` is a number (the papers keep the authors alive meanwhile)."""
    authors = list({id(author): author for paper in papers for author in paper.authors}.values())
    families = escape_all([author.family for author in authors])
    givens = escape_all([author.given for author in authors])
    people = {}
    for author, family, given in zip(authors, families, givens, strict=True):
        if not family:
            people[id(author)] = ""
        elif not given:
            people[id(author)] = "{" + family + "}"
        else:
            people[id(author)] = f"{_guarded(family)}, {_guarded(given)}"
    return people
