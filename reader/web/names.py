"""People's names as arXiv gives them (``Given Family``) split into family and given names.

The rule is BibTeX's: the family name is the last word, or starts at the first lower-case word
after the first (``Aaron van den Oord`` → ``van den Oord``, so the particle stays with the
family name, as the BibTeX importer keeps it); a ``Jr.`` or ``III`` follows the family name
(``King Jr.``). A collaboration or team is one corporate author with only a family name.
"""

from __future__ import annotations

import re

from reader.models import Author
from reader.text import clean_text, is_blank

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_CORPORATE = re.compile(
    r"\b(?:collaboration|consortium|team|group|collective|organization|organisation|"
    r"institute|university|laboratory|project|committee|et al\.?)$|^the\s",
    re.IGNORECASE,
)


def split_name(name: str) -> Author | None:
    """One person's name as an Author, or None when nothing is left after cleaning."""
    text = " ".join(clean_text(name).split())
    if is_blank(text):
        return None
    if _CORPORATE.search(text):
        return Author(text)
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > 1 and all(part.lower() in _SUFFIXES for part in parts[1:] if part):
        # "Martin Luther King, Jr.": the comma only sets the suffix off.
        text = " ".join(part for part in parts if part)
    elif len(parts) > 1:
        # "Family, Given" or "Family, Jr., Given", as some records spell it.
        family = " ".join(part for part in parts[:-1] if part)
        given = parts[-1]
        return Author(family, given) if family else Author(given) if given else None
    words = text.split()
    suffix: list[str] = []
    while len(words) > 1 and words[-1].lower() in _SUFFIXES:
        suffix.insert(0, words.pop())
    if len(words) == 1:
        return Author(" ".join(words + suffix))
    start = len(words) - 1
    for index in range(1, len(words) - 1):
        if words[index][:1].islower():
            start = index
            break
    return Author(" ".join(words[start:] + suffix), " ".join(words[:start]))


def split_names(names: list[str]) -> tuple[Author, ...]:
    authors = (split_name(name) for name in names)
    return tuple(author for author in authors if author is not None)
