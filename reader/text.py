"""Text helpers shared by the CLI, exports and the app; no dependencies."""

from __future__ import annotations

import json
import re
import unicodedata
from itertools import repeat
from json.encoder import encode_basestring

# C0 and C1 control characters (ESC, BEL, CSI...) except tab and newline, plus the bidi
# overrides that can make text display differently from what it is.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Each Latin-1 character's code as a byte, 0 where _UNSAFE matches it: whether a long text is
# clean is then one translate and one find, several times faster than the pattern's search.
_LATIN1_MARKS = bytes(0 if _UNSAFE.match(chr(code)) else 1 for code in range(256))
_LONG = 4096


def safe(text: str) -> str:
    """Text fit for a terminal: escape sequences and control characters removed."""
    if len(text) <= _LONG:
        # None of those characters is printable: most fields are returned as they are.
        return text if text.isprintable() else _UNSAFE.sub("", text)
    return text if _clean_latin1(text) else _UNSAFE.sub("", text)


def _clean_latin1(text: str) -> bool:
    """True when the text is Latin-1 and none of its characters is one _UNSAFE matches (False
    says "look with the pattern"): a whole export, checked several times faster."""
    try:
        marks = text.encode("latin-1").translate(_LATIN1_MARKS)
    except UnicodeEncodeError:
        return False  # beyond Latin-1, where the bidi controls are
    return marks.find(0) < 0


def starts_unsafe(text: str) -> bool:
    """Whether ``safe`` would remove the text's first character."""
    return _UNSAFE.match(text) is not None


def json_text(value: object) -> str:
    """JSON with every control character escaped (``\u009b``), so the text stays intact but
    can never drive a terminal; json.dumps alone leaves DEL, C1 and bidi controls raw."""
    return json_escaped(json.dumps(value, ensure_ascii=False, indent=2))


def json_escaped(text: str) -> str:
    """JSON text (``json.dumps`` with ``ensure_ascii=False``) with the control characters it
    leaves raw escaped, as ``json_text`` writes them."""
    if len(text) > _LONG and _clean_latin1(text):
        return text
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def json_string(text: str) -> str:
    """A string as ``json_text`` writes it: json's quoting, then the controls it leaves raw."""
    quoted = encode_basestring(text)
    return quoted if _json_clean(quoted) else json_escaped(quoted)


def json_array_pieces(items: list[str]) -> list[str]:
    """The pieces of a JSON array laid out as ``json_text`` lays it out, from its items as
    written, each followed by the comma and indent before the next (the list is changed).
    Only the first and the last are touched, so items joined into one piece work too."""
    if not items:
        return ["[]\n"]
    items[0] = "[\n  " + items[0]
    items[-1] = items[-1][: -len(",\n  ")] + "\n]\n"
    return items


def json_strings(texts: list[str]) -> list[str]:
    """``json_string`` of each text, with one look at them all: text of only the characters
    JSON writes as they are (most abstracts) needs only its quotes; else one look for controls."""
    joined = "".join(texts)
    if joined.isascii() and not joined.encode("ascii").translate(None, _JSON_PLAIN):
        return [f'"{text}"' for text in texts]
    quoted = list(map(encode_basestring, texts))
    if _json_clean("".join(quoted)):
        return quoted
    return [text if _json_clean(text) else json_escaped(text) for text in quoted]


def _json_clean(quoted: str) -> bool:
    """True when JSON text has none of the controls ``json_escaped`` escapes: in ASCII text only
    DEL can be one (json has escaped the others), found by one search; other text is asked
    ``isprintable``, false for those controls (and for a few harmless characters, which then
    only cost a closer look)."""
    return "\x7f" not in quoted if quoted.isascii() else quoted.isprintable()


def one_line(text: str) -> str:
    return " ".join(safe(text).split())


def one_lines(texts: list[str]) -> list[str]:
    """``one_line`` of each text. Most texts are one line already (printable, so no control and
    no whitespace but single spaces inside, none at either end): one look at them all says so."""
    joined = "".join(texts)  # a double space across two texts needs a space at an end: seen below
    if (
        printable(joined)
        and _DOUBLE_SPACE.search(joined) is None
        and not any(map(str.startswith, texts, repeat(" ")))
        and not any(map(str.endswith, texts, repeat(" ")))
    ):
        return list(texts)
    return [
        text
        if printable(text) and "  " not in text and text[:1] != " " and text[-1:] != " "
        else one_line(text)
        for text in texts
    ]


# Every printable ASCII character: deleting them leaves nothing of printable ASCII text.
PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
# The ASCII characters JSON writes as they are (and ``json_text`` leaves alone).
_JSON_PLAIN = PRINTABLE_ASCII.translate(None, b'"\\')
# Over megabytes of ASCII a pattern's literal search is several times quicker than ``in``.
_DOUBLE_SPACE = re.compile("  ")


def printable(text: str) -> bool:
    """``text.isprintable()``; for long ASCII text (abstracts, a whole column) one C pass over
    its bytes, a few times quicker than asking each character."""
    if len(text) > 64 and text.isascii():
        return not text.encode("ascii").translate(None, PRINTABLE_ASCII)
    return text.isprintable()


# What cleaning drops: C0 and C1 control characters and DEL that are not whitespace, the bidi
# embeddings, overrides and isolates (they make text display as something else), and lone
# surrogates (SQLite cannot store them; they come from bytes that were not UTF-8).
_DROPPED = re.compile(
    r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_LINE_BREAK = re.compile(r"\r\n?")


def clean_text(text: str, *, multiline: bool = False) -> str:
    """Imported text as it is stored: the one cleaning rule of every importer.

    Control characters (escape sequences must never reach a terminal), bidi overrides and lone
    surrogates are dropped; tabs, line separators and unusual spaces become plain spaces.
    ``multiline`` text (notes, list descriptions) keeps its newlines and tabs, with ``\\r\\n``
    and ``\\r`` read as newlines. Other invisible characters (joiners, soft hyphens) stay:
    they cannot drive a terminal, and emoji sequences and some scripts need them.
    """
    if text.isprintable():
        return text
    keep = "\n\t" if multiline else ""
    if multiline and "\r" in text:
        text = _LINE_BREAK.sub("\n", text)
    return "".join(_clean_char(ch, keep) for ch in text)


def _clean_char(ch: str, keep: str) -> str:
    if ch.isprintable() or ch in keep:
        return ch
    if ch.isspace():
        return " "
    return "" if _DROPPED.match(ch) else ch


def is_blank(text: str) -> bool:
    """True when nothing in the text would show: only spaces and invisible characters."""
    return not any(ch.isprintable() and not ch.isspace() for ch in text)


def truncate(text: str, width: int) -> str:
    """Cut to ``width`` cells with an ellipsis (wide characters count double)."""
    if width <= 0:
        return ""
    if text.isascii():  # one cell a character: the common case, without a lookup each
        return text if len(text) <= width else text[: width - 1] + "…"
    cells = 0
    out = []
    for ch in text:
        size = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if cells + size > width:
            while out and cells + 1 > width:
                removed = out.pop()
                cells -= 2 if unicodedata.east_asian_width(removed) in "WF" else 1
            return "".join(out) + "…"
        out.append(ch)
        cells += size
    return text


# One mark per reading status, the same in the app, the CLI and exports.
STATUS_MARKS = {"unread": "•", "reading": "◐", "read": "✓"}


def stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def slugify(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "list"
