"""Text helpers over a whole column of values (every paper's abstract, say) at once.

An export looks at each column once to learn that nothing in it needs work, which is most of
the time. On megabytes of ASCII text ``str.isprintable`` costs a few nanoseconds a character
and a search for two spaces about as much; the bytes' ``translate`` and a pattern's literal
search here are several times quicker, and give the same answers. The tests compare each
function with the one in ``reader.text`` it stands for.
"""

from __future__ import annotations

import re
from itertools import repeat

from reader import text as plain
from reader.text import one_line

# Every printable ASCII character: deleting them leaves nothing of printable ASCII text.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
# The ASCII characters JSON writes as they are (and ``json_text`` leaves alone).
_JSON_PLAIN = _PRINTABLE_ASCII.translate(None, b'"\\')
_DOUBLE_SPACE = re.compile("  ")


def one_lines(texts: list[str]) -> list[str]:
    """``reader.text.one_lines``: ``one_line`` of each text, with one look at them all for the
    usual case (every text one line already: printable, single spaces, none at either end)."""
    joined = "".join(texts)  # a double space across two texts needs a space at an end: seen below
    if (
        _printable(joined)
        and _DOUBLE_SPACE.search(joined) is None
        and not any(map(str.startswith, texts, repeat(" ")))
        and not any(map(str.endswith, texts, repeat(" ")))
    ):
        return list(texts)
    return [
        text
        if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
        else one_line(text)
        for text in texts
    ]


def _printable(text: str) -> bool:
    """``text.isprintable()``, for ASCII text by deleting the printable bytes."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return text.isprintable()


def json_strings(texts: list[str]) -> list[str]:
    """``reader.text.json_strings``: each text as ``json_text`` writes a string. Text of only
    the characters JSON writes as they are needs only its quotes, found by one look at all."""
    joined = "".join(texts)
    if joined.isascii() and not joined.encode("ascii").translate(None, _JSON_PLAIN):
        return [f'"{text}"' for text in texts]
    return plain.json_strings(texts)
