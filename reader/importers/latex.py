"""LaTeX field text as plain Unicode: the escapes reference managers write (and
``reader.export.bibtex`` writes) undone, accents applied, dashes made (``--`` –, ``---`` —),
braces gone, math kept as written.

bibtexparser's LatexDecodingMiddleware (pylatexenc) does the same job but takes about 85 s for
10,000 entries with abstracts, against a budget of 1.5 s for a whole import; this decoder jumps
between the few characters that mean something to LaTeX, and text holding none of them (most
abstracts) costs one regular-expression search. ``$...$`` math stays as written, braces and all,
since the app shows titles as their authors typed them. Commands it does not know stay as
written; nothing here can raise on any input but RecursionError on absurdly nested accents,
which the BibTeX reader reports as a bad file.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reader.text import clean_text, printable

# Control words that stand for one character; ``\textbraceleft{}`` and friends are what the
# exporter writes for characters BibTeX cannot take verbatim.
_SYMBOLS: dict[str, str] = {
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
    "textunderscore": "_",
    "textdollar": "$",
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "textquoteleft": "\u2018",
    "textquoteright": "\u2019",
    "textquotedblleft": "\u201c",
    "textquotedblright": "\u201d",
    "textregistered": "\u00ae",
    "texttrademark": "\u2122",
    "textcopyright": "\u00a9",
    "copyright": "\u00a9",
    "textdegree": "\u00b0",
    "textperiodcentered": "\u00b7",
    "textbullet": "\u2022",
    "textellipsis": "\u2026",
    "guillemotleft": "\u00ab",
    "guillemotright": "\u00bb",
    "euro": "\u20ac",
    "pounds": "\u00a3",
    "ldots": "\u2026",
    "dots": "\u2026",
    "ss": "\u00df",
    "o": "\u00f8",
    "O": "\u00d8",
    "ae": "\u00e6",
    "AE": "\u00c6",
    "oe": "\u0153",
    "OE": "\u0152",
    "aa": "\u00e5",
    "AA": "\u00c5",
    "l": "\u0142",
    "L": "\u0141",
    # Dotless i and j only ever appear under an accent, where the dotted letter is meant.
    "i": "i",
    "j": "j",
    "S": "\u00a7",
    "P": "\u00b6",
}
# Commands that only change the look of their argument: keep the argument, drop the command.
_FORMATTING = frozenset(
    {
        "emph",
        "textit",
        "textbf",
        "texttt",
        "textsc",
        "textsf",
        "textsl",
        "textrm",
        "textup",
        "textnormal",
        "mbox",
        "url",
        "text",
        "mathrm",
        "mathbf",
        "mathit",
        "mathsf",
        "mathtt",
    }
)
# Accent commands and the combining character each one puts on its argument.
_ACCENTS: dict[str, str] = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
# A backslash before one of these just makes it literal (or is a spacing command).
_ESCAPED: dict[str, str] = {
    "{": "{",
    "}": "}",
    "%": "%",
    "&": "&",
    "$": "$",
    "#": "#",
    "_": "_",
    " ": " ",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    "-": "",
    "/": "",
    "@": "",
    "\\": " ",
}


# A run of characters that are copied as they are: a hyphen is one too, unless a dash of two
# or three begins there.
_PLAIN = re.compile(r"[^\\{}~$-]+(?:-(?!-)[^\\{}~$-]*)*")
# The closing ``$`` of inline math (or ``$$`` of display math): not escaped.
_MATH_END = re.compile(r"(?<!\\)\$")


def tex_to_text(value: str) -> str:
    """BibTeX/LaTeX field text as plain Unicode: escapes undone, accents applied, braces gone,
    cleaned like every imported text (no control characters) and on one line."""
    if len(value) <= SHORT:
        return _short_text(value)
    return _text(value)


# Short values (a month, a venue, a name, a keyword) come back again and again in one file, and
# a cached answer costs less than the checks of even the plainest text.
SHORT = 100


def _text(value: str) -> str:
    if not value:
        return ""
    if not ("{" in value or "}" in value or "~" in value or "$" in value or "--" in value):
        # six scans in C cost less than one regular expression over a long abstract
        if "\\" not in value:
            if printable(value) and "  " not in value and value == value.strip():
                return value  # one line already, nothing to clean
            return one_line(value)
        unescaped = _escaped_symbols_only(value)
        if unescaped is not None:
            return one_line(unescaped)
    return one_line(_decode(value))


# What a backslash before these makes: the character itself.
_SELF_ESCAPED = frozenset("%&#_")


def _escaped_symbols_only(value: str) -> str | None:
    """Text whose only LaTeX is ``\\%``, ``\\&``, ``\\#`` or ``\\_`` (an abstract's "50\\%"),
    unescaped by splitting on the backslashes; None when any other command is there.

    The caller has ruled out braces, ties, math and dashes, and a backslash removed before one
    of these characters cannot make a dash, so this is what ``_decode`` gives, without stepping
    through the text."""
    pieces = value.split("\\")
    for piece in pieces[1:]:
        if not piece or piece[0] not in _SELF_ESCAPED:
            return None
    return "".join(pieces)


_short_text = lru_cache(maxsize=16_384)(_text)


def one_line(text: str) -> str:
    """Text cleaned like every imported text, its line breaks and runs of spaces folded.

    Printable text has no space but " ", so text printable already, without a double space or
    one at either end, is returned as it is, without splitting. Folding first leaves most other
    text printable, so cleaning (a loop over the characters when any is not printable) is
    skipped; what cleaning drops can leave a double space, folded again."""
    if printable(text) and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    folded = " ".join(text.split())
    if printable(folded):
        return folded
    return " ".join(clean_text(folded).split())


def _decode(value: str) -> str:
    out: list[str] = []
    index = 0
    length = len(value)
    while index < length:
        plain = _PLAIN.match(value, index)
        if plain is not None:
            out.append(plain.group())
            index = plain.end()
            continue
        ch = value[index]
        if ch == "\\" and index + 1 < length:
            decoded, index = _command(value, index + 1)
            out.append(decoded)
        elif ch in "{}":
            index += 1
        elif ch == "~":  # a tie: an unbreakable space
            out.append(" ")
            index += 1
        elif ch == "-":
            dashes = (
                3 if value.startswith("---", index) else 2 if value.startswith("--", index) else 1
            )
            out.append(("-", "\u2013", "\u2014")[dashes - 1])
            index += dashes
        elif ch == "$":
            math, index = _math(value, index)
            out.append(math)
        else:
            out.append(ch)
            index += 1
    return "".join(out)


def _math(value: str, index: int) -> tuple[str, int]:
    """``$...$`` or ``$$...$$`` as written; a ``$`` that opens nothing is a dollar sign."""
    fence = "$$" if value.startswith("$$", index) else "$"
    end = _MATH_END.search(value, index + len(fence))
    if end is None or end.start() == index + len(fence):
        return value[index], index + 1
    close = end.start() + len(fence)
    if fence == "$$" and not value.startswith("$$", end.start()):
        return value[index], index + 1
    return value[index:close], close


def _command(value: str, index: int) -> tuple[str, int]:
    """Decode the command starting just after a backslash; return its text and the next index."""
    first = value[index]
    if not (first.isascii() and first.isalpha()):
        if first in _ACCENTS:
            return _accent(value, index + 1, _ACCENTS[first], literal=first)
        return _ESCAPED.get(first, first), index + 1
    end = index
    while end < len(value) and value[end].isascii() and value[end].isalpha():
        end += 1
    name = value[index:end]
    if name in _ACCENTS:
        return _accent(value, end, _ACCENTS[name], literal="")
    if name in _SYMBOLS:
        return _SYMBOLS[name], _skip_terminator(value, end)
    if name in _FORMATTING:
        return "", _skip_spaces(value, end)
    return "\\" + name, end  # math and anything unknown stays as written


def _accent(value: str, index: int, mark: str, *, literal: str) -> tuple[str, int]:
    """Apply an accent to its argument (``{e}``, ``e`` or ``{\\i}``); ``\\^{}`` is a plain ``^``."""
    index = _skip_spaces(value, index)
    if index >= len(value):
        return literal, index
    if value[index] == "{":
        depth = 0
        end = index
        while end < len(value):
            if value[end] == "{":
                depth += 1
            elif value[end] == "}":
                depth -= 1
                if depth == 0:
                    break
            end += 1
        argument = _decode(value[index + 1 : end])
        index = end + 1
    elif value[index] == "\\" and index + 1 < len(value):
        argument, index = _command(value, index + 1)
    else:
        argument = value[index]
        index += 1
    if not argument:
        return literal, index
    # Compose only the accented letter: the rest of the text keeps its own normal form.
    return unicodedata.normalize("NFC", argument[0] + mark) + argument[1:], index


def _skip_terminator(value: str, index: int) -> int:
    """Skip what ends a control word: an empty group ``{}`` or the spaces after it."""
    if value.startswith("{}", index):
        return index + 2
    return _skip_spaces(value, index)


def _skip_spaces(value: str, index: int) -> int:
    while index < len(value) and value[index] in " \t\n":
        index += 1
    return index
