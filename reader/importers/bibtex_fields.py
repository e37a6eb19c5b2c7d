"""BibTeX field values turned into the record's parts: people, dates, types, tags and files.

Each function takes a value as BibTeX resolved it (macros and concatenation done, LaTeX still
in) and gives the stored value, or None / empty when the value says nothing usable.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from reader.editing import ENTRY_TYPES
from reader.importers.latex import tex_to_text
from reader.keys import MONTHS
from reader.models import Author

# Types the record does not know map to the nearest one it does, or to ``misc``.
TYPE_ALIASES = {
    "conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "electronic": "online",
    "www": "online",
    "webpage": "online",
    "preprint": "misc",
}
_MONTH_NUMBERS = {name: number for number, name in enumerate(dict.fromkeys(MONTHS.values()), 1)}
_YEAR = re.compile(r"[0-9]{1,4}", re.ASCII)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
# "Family, Given" with one comma: read without bibtexparser when the family is one word or its
# words all start with a capital (no "von" part can hide in them) and its braces balance.
_SIMPLE_NAME = re.compile(r"([^,]+),([^,]+)")
# The plainest of those, most names: ASCII words, each family word with a capital, one space
# between words and after the comma. Read as they are (with no "--" in them, no dash is made).
_PLAIN_NAME = re.compile(
    r"([A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*)*), ([A-Za-z.'-]+(?: [A-Za-z.'-]+)*)", re.ASCII
)
_SEPARATORS = re.compile(r"[,;]")
_BRACES = re.compile(r"[{}]")
_SPACE_ESCAPE = re.compile(r"\\\s")
_UNESCAPED_SEMICOLON = re.compile(r"(?<!\\);")
_UNESCAPED_COLON = re.compile(r"(?<!\\):")
_WINDOWS_PATH = re.compile(r"[A-Za-z]:[\\/]")
_FILE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,6}$")


# The next three are remembered: a file has a few types, years and months, each read once.
@lru_cache(maxsize=256)
def entry_type(kind: str) -> str:
    kind = kind.strip().lower()
    if kind in ENTRY_TYPES:
        return kind
    return TYPE_ALIASES.get(kind, "misc")


@lru_cache(maxsize=1024)
def year(value: str) -> int | None:
    """A year of ASCII digits from 1 to 9999 (``{2017}``, ``2017``); anything else is none."""
    text = tex_to_text(value)
    if not _YEAR.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= 9999 else None


@lru_cache(maxsize=1024)
def month(value: str) -> int | None:
    """1-12 from a number, a name or abbreviation in English (``jan``, ``January``, ``Jan.``)."""
    text = tex_to_text(value).lower().rstrip(".")
    if text.isascii() and text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    name = MONTHS.get(text)
    return _MONTH_NUMBERS[name] if name else None


def authors(value: str) -> tuple[Author, ...]:
    """People as BibTeX names them: ``Family, Given``, ``Given Family``, ``von Family, Given``,
    ``Family, Jr, Given``, or a ``{Corporate Name}`` (one family-only author).

    The ``von`` part joins the family name (``van der Berg``) and a ``Jr`` follows it
    (``King Jr.``), so that both come back in the same place when exported. ``others`` (BibTeX's
    "et al.") is dropped: it names nobody."""
    stripped = value.strip()
    if not stripped:
        return ()
    names = _AND.split(stripped)
    if "{" in value and any(name.count("{") != name.count("}") for name in names):
        from bibtexparser.middlewares.names import split_multiple_persons_names

        names = split_multiple_persons_names(value)  # an "and" inside braces: {Barnes and Noble}
    return tuple(filter(None, map(_person, names)))  # an Author is never false


@lru_cache(maxsize=16_384)
def _person(name: str) -> Author | None:
    """One name read into an Author (None for ``others`` or nothing), remembered: the same
    people write many papers of one file, and reading a name costs more than looking it up."""
    name = name.strip()
    plain = _PLAIN_NAME.fullmatch(name)
    if plain and "--" not in name:  # LaTeX leaves such names as they are
        return Author(plain.group(1), plain.group(2))
    if not name or name.lower() == "others":
        return None
    simple = _SIMPLE_NAME.fullmatch(name)
    if simple and (_plain_family(simple.group(1)) or _one_word(simple.group(1), simple.group(2))):
        family, given = tex_to_text(simple.group(1)), tex_to_text(simple.group(2))
    else:
        from bibtexparser.middlewares.names import parse_single_name_into_parts

        parts = parse_single_name_into_parts(name, strict=False)
        family = tex_to_text(" ".join([*parts.von, *parts.last, *parts.jr]))
        given = tex_to_text(" ".join(parts.first))
    if family:
        return Author(family, given)
    return Author(given) if given else None


def _plain_family(family: str) -> bool:
    words = family.split()
    return (
        bool(words)
        and all(word[0].isupper() for word in words)
        and family.count("{") == family.count("}")
        and "~" not in family
    )


def _one_word(family: str, given: str) -> bool:
    """A family of one word (``{\\O}stergaard``, ``d'Alembert``) is all the last name to
    bibtexparser whatever its case; both parts then read as they are written when neither has
    a tie (``~``: a space to bibtexparser, also after a backslash), a backslash before a space
    or at its end, or braces that do not open and close in order (or are escaped)."""
    return len(family.split()) == 1 and _as_written(family) and _as_written(given)


def _as_written(text: str) -> bool:
    if "~" in text or ("\\" in text and (text.rstrip()[-1:] == "\\" or _SPACE_ESCAPE.search(text))):
        return False
    if "{" not in text and "}" not in text:
        return True
    if "\\{" in text or "\\}" in text:
        return False
    depth = 0
    for brace in _BRACES.findall(text):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


@lru_cache(maxsize=4096)
def keywords(value: str) -> tuple[str, ...]:
    """Tags from keywords split on ``,`` or ``;``; spaces inside one become hyphens
    (``machine learning`` → ``machine-learning``), since a tag name holds no spaces.

    Remembered: a file's entries share a handful of keyword lists."""
    if not value:
        return ()
    words = (
        "-".join(tex_to_text(word).split()) for word in _SEPARATORS.split(value) if word.strip()
    )
    return tuple(dict.fromkeys(word for word in words if word))


def files(value: str, folder: Path | None) -> tuple[str, ...]:
    """Paths named by a ``file`` field, made absolute against the .bib file's folder.

    JabRef writes ``description:path:type`` items separated by ``;`` (``:`` and ``;`` in a path
    escaped with a backslash), Zotero ``files/1/x.pdf`` or the same three-part form, others a
    plain path."""
    if not value:
        return ()
    found: list[str] = []
    for item in _UNESCAPED_SEMICOLON.split(value):
        if not item.strip():
            continue
        parts = [_unescape(part).strip() for part in _UNESCAPED_COLON.split(item)]
        if len(parts) > 3 and len(parts[1]) == 1:  # a Windows drive: "desc:C:\\x.pdf:PDF"
            parts = [parts[0], f"{parts[1]}:{parts[2]}", *parts[3:]]
        path = _path_part(parts)
        if path:
            absolute = Path(path).expanduser().is_absolute() or _WINDOWS_PATH.match(path)
            if folder is not None and not absolute:
                path = str(folder / path)
            found.append(path)
    return tuple(dict.fromkeys(found))


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\:;])", r"\1", text.replace("{", "").replace("}", ""))


def _path_part(parts: list[str]) -> str:
    """The path among an item's parts: the middle of three, else the one that looks like a
    file name (``x.pdf``), else the longest."""
    parts = [part for part in parts if part]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    named = [part for part in parts if _FILE_SUFFIX.search(part)]
    if len(parts) == 3 and parts[1] in named:
        return parts[1]
    return named[0] if named else max(parts, key=len)
