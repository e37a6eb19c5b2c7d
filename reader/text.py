"""Text helpers shared by the CLI, exports and the app; no dependencies."""

from __future__ import annotations

import json
import re
import unicodedata

# C0 and C1 control characters (ESC, BEL, CSI...) except tab and newline, plus the bidi
# overrides that can make text display differently from what it is.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text fit for a terminal: escape sequences and control characters removed."""
    return _UNSAFE.sub("", text)


def json_text(value: object) -> str:
    """JSON with every control character escaped (``\u009b``), so the text stays intact but
    can never drive a terminal; json.dumps alone leaves DEL, C1 and bidi controls raw."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def one_line(text: str) -> str:
    return " ".join(safe(text).split())


def truncate(text: str, width: int) -> str:
    """Cut to ``width`` cells with an ellipsis (wide characters count double)."""
    if width <= 0:
        return ""
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


def stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else ""


def slugify(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "list"
