"""Identity and naming rules the whole core shares: paper keys, titles, dates, tags, lists.

They live apart from any importer or store so that the query language, the store, the importers
and the app agree on what makes two titles the same paper and what a tag or list name may be.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reader.models import ReaderError

MONTHS = {
    "jan": "Jan",
    "january": "Jan",
    "feb": "Feb",
    "february": "Feb",
    "mar": "Mar",
    "march": "Mar",
    "apr": "Apr",
    "april": "Apr",
    "may": "May",
    "jun": "Jun",
    "june": "Jun",
    "jul": "Jul",
    "july": "Jul",
    "aug": "Aug",
    "august": "Aug",
    "sep": "Sep",
    "sept": "Sep",
    "september": "Sep",
    "oct": "Oct",
    "october": "Oct",
    "nov": "Nov",
    "november": "Nov",
    "dec": "Dec",
    "december": "Dec",
}
MAX_KEY_LENGTH = 100
MAX_NAME_LENGTH = 200

_DATE = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$", re.ASCII)
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def normalize_date(text: str) -> str | None:
    """Return ``Mar 11`` for any spelling of a listing date, or None when it is not one."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    month = MONTHS.get(match.group(1).lower())
    day = int(match.group(2))
    if month is None or not 1 <= day <= 31:
        return None
    year = match.group(3)
    return f"{month} {day}, {year}" if year else f"{month} {day}"


def normalize_title(title: str) -> str:
    """Fold case, accents, punctuation and spacing so that one paper has one spelling."""
    if title.isascii():
        return " ".join(_ASCII_WORD.findall(title.lower()))
    decomposed = unicodedata.normalize("NFKD", title)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = re.findall(r"[^\W_]+", folded)
    return " ".join(words)


def paper_key(title: str) -> str:
    """A readable, stable slug of the normalized title; long titles end in a short hash."""
    normalized = normalize_title(title)
    slug = normalized.replace(" ", "-")
    if not slug:
        import hashlib  # rare: a command that only reads keys does not load it

        digest = hashlib.sha1(title.strip().encode("utf-8", "surrogatepass")).hexdigest()
        return f"untitled-{digest[:10]}"
    if len(slug) > MAX_KEY_LENGTH:
        import hashlib

        digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
        slug = f"{slug[:MAX_KEY_LENGTH].rstrip('-')}-{digest}"
    return slug


def _has_control(text: str) -> bool:
    """Control characters, bidi overrides and line separators: what would make a name drive a
    terminal or display as something else. Joiners and soft hyphens are fine (emoji need
    them)."""
    return any(
        unicodedata.category(ch) in ("Cc", "Zl", "Zp")
        or "\u202a" <= ch <= "\u202e"
        or "\u2066" <= ch <= "\u2069"
        for ch in text
    )


def clean_tag(name: str) -> str:
    """A tag name as stored: ``/``-separated parts, no spaces, commas or control characters.

    Raises ReaderError naming the refused text, so the CLI, the app and backups refuse the
    same names with the same words."""
    cleaned = "/".join(part.strip() for part in name.strip().strip(",").split("/"))
    if not cleaned or cleaned.startswith("/") or cleaned.endswith("/") or "//" in cleaned:
        raise ReaderError(f"'{name}' is not a tag name")
    if any(ch.isspace() or ch == "," for ch in cleaned) or _has_control(cleaned):
        raise ReaderError(f"'{name}' is not a tag name (no spaces, commas or control characters)")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ReaderError(f"a tag name is at most {MAX_NAME_LENGTH} characters")
    return cleaned


def clean_list_name(name: str) -> str:
    """A reading-list name as stored: trimmed, not blank, one line, no control characters."""
    cleaned = " ".join(name.split()) if not name.isprintable() else name.strip()
    if not cleaned:
        raise ReaderError("a reading list needs a name")
    if _has_control(cleaned):
        raise ReaderError(f"'{name}' is not a list name (control characters)")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ReaderError(f"a list name is at most {MAX_NAME_LENGTH} characters")
    return cleaned


@dataclass(frozen=True)
class TagEdit:
    """What a line of tag text asks for: names to add and names to remove."""

    add: list[str]
    remove: list[str]


def parse_tag_text(text: str) -> TagEdit:
    """``vision, -todo nlp/llm`` adds vision and nlp/llm and removes todo.

    The one reader of tag text: the CLI's arguments, the app's tag dialog and imported keywords
    all go through it, so a comma or a space separates tags everywhere."""
    add: list[str] = []
    remove: list[str] = []
    for word in split_tag_words(text):
        if word.startswith("-") and len(word) > 1:
            remove.append(word[1:])
        elif word != "-":
            add.append(word)
    return TagEdit(add, remove)


def split_tag_words(text: str) -> list[str]:
    """Tag text split into words: a comma or any space separates tags."""
    return [word for word in re.split(r"[\s,]+", text.strip()) if word]
