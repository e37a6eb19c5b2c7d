"""Render papers as BibTeX ``@misc`` entries for a reference manager or a LaTeX paper.

Titles and abstracts are imported text, so every character that BibTeX or LaTeX treats
specially is escaped. Braces in particular are written as ``\\textbraceleft{}`` rather than
``\\{``: BibTeX counts braces without regard to backslashes, so ``\\{`` would unbalance the field.
``reader.importers.bibtex`` undoes exactly these escapes, so an export reads back unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from reader.models import Paper
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
# Characters a URL may keep verbatim in a ``url`` field (read verbatim by biblatex and the
# ``url`` package); the rest are percent-encoded, which any web server treats the same.
_URL_ENCODE = frozenset('{}\\"')
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


def escape_tex(text: str) -> str:
    """Imported text as one line of BibTeX-safe LaTeX that prints as the text itself.

    Runs of whitespace become one space: BibTeX reads them that way anyway, and a newline inside
    a field could let a line starting with ``@`` look like a new entry.
    """
    line = " ".join(safe(text).split())
    return "".join(TEX_ESCAPES.get(ch, ch) for ch in line)


def escape_url(url: str) -> str:
    """A URL for a verbatim ``url`` field: braces, backslashes, quotes and spaces encoded."""
    parts = []
    for ch in url.strip():
        if ch in _URL_ENCODE or ch.isspace() or not ch.isprintable():
            parts.append("".join(f"%{byte:02X}" for byte in ch.encode("utf-8")))
        else:
            parts.append(ch)
    return "".join(parts)


def citation_key(paper: Paper) -> str:
    """The paper's key reduced to characters every BibTeX tool accepts in a citation key."""
    decomposed = unicodedata.normalize("NFKD", paper.key)
    ascii_key = decomposed.encode("ascii", "ignore").decode()
    key = _KEY_UNSAFE.sub("-", ascii_key).strip("-.:")
    return key or f"paper-{paper.id}"


def render_bibtex(papers: Sequence[Paper]) -> str:
    """One ``@misc`` entry per paper, in the given order, with keys unique within the file."""
    used: set[str] = set()
    entries = []
    for paper in papers:
        base = citation_key(paper)
        key = base
        suffix = 2
        # BibTeX compares keys case-insensitively, so collisions are checked that way too.
        while key.casefold() in used:
            key = f"{base}-{suffix}"
            suffix += 1
        used.add(key.casefold())
        entries.append(_entry(key, paper))
    return "\n".join(entries)


def _entry(key: str, paper: Paper) -> str:
    fields = [("title", "{" + escape_tex(paper.title) + "}")]
    url = paper.code_link or (paper.links[0].url if paper.links else None)
    if url and escape_url(url):
        fields.append(("url", escape_url(url)))
    tags = [escape_tex(tag) for tag in paper.tags]
    tags = [tag for tag in tags if tag]
    if tags:
        fields.append(("keywords", ", ".join(tags)))
    dates = paper.listings or ((paper.listed,) if paper.listed else ())
    dates = tuple(escape_tex(date) for date in dates if escape_tex(date))
    if dates:
        fields.append(("note", "Listed " + "; ".join(dates)))
    if paper.abstract.strip():
        fields.append(("abstract", escape_tex(paper.abstract)))
    lines = [f"@misc{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"
