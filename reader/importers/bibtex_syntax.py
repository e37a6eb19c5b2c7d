"""BibTeX text split into raw entries, quickly, and field values resolved.

bibtexparser's splitter steps through every comma, quote and line end in Python: about 1.6 s
for 10,000 entries with abstracts, more than a whole import may take. ``split_fast`` reads the
usual shape of a file (``@type{key, name = value, ...}`` with brace, quote, number or macro
values, ``@string``, ``@comment`` and ``@preamble``) by jumping between the characters that
matter, following bibtexparser's rules exactly; anything else (parenthesised blocks, syntax
errors) makes it give up, and the caller hands the whole text to bibtexparser instead. A file
gives the same entries either way (a property test compares them), only sooner.

Values are resolved here for both paths, as BibTeX does: ``@string`` macros (case-insensitive),
``#`` concatenation, and the outer braces or quotes removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_BLOCK = r"@\w*[ \t]*(?=[{(])"
_BLOCK_START = re.compile(_BLOCK)
# What can end a key or a value outside braces and quotes; "=" only matters before a value.
_TOP = re.compile(r'(?<!\\)[{}",=]|' + _BLOCK)
_VALUE = re.compile(r'(?<!\\)[{}",]|' + _BLOCK)
_BRACED = re.compile(r"(?<!\\)[{}]|" + _BLOCK)
_QUOTED = re.compile(r'(?<!\\)"|' + _BLOCK)
_BRACES = re.compile(r"(?<!\\)[{}]")
_BRACES_AND_QUOTES = re.compile(r'(?<!\\)[{}"]')
_MAX_MACRO_DEPTH = 20


def _braced(levels: int) -> str:
    """A ``{...}`` value with up to ``levels`` of nested braces; a brace after a backslash is
    text, as bibtexparser reads it."""
    text = r"[^{}]*(?:(?<=\\)[{}][^{}]*)*"
    opening, closing = r"(?<!\\)\{", r"(?<!\\)\}"
    group = opening + text + closing
    for _ in range(levels - 1):
        group = f"{opening}{text}(?:{group}{text})*{closing}"
    return group


# One whole field in the usual shape, read by one match: a name, "=", a value in braces
# (nested up to four deep), in quotes (with no escaped quote, no {"} inside) or bare (a number
# or a macro), then the "," or "}" after it. Fields in any other shape, or whose value holds
# an "@", are read mark by mark.
_FIELD = re.compile(
    r'\s*([^{}",=@]+?)\s*=\s*('
    + _braced(4)
    + r'|"[^"\\]*(?<!\{)"|[^{}",@\\#\s][^{}",@\\#]*?)\s*([,}])'
)


# The start of a field whose value is in braces, up to that brace: the name as the pattern
# above reads it once stripped (a name ending in a backslash is left to the mark-by-mark path).
_NAME_BRACE = re.compile(r'\s*([^{}",=@\s](?:[^{}",=@]*[^{}",=@\s])?)(?<!\\)\s*=\s*\{')
_SEPARATOR = re.compile(r"\s*([,}])")


@dataclass(frozen=True)
class RawEntry:
    """One entry as written: type lower-case, fields in order with their raw values."""

    entry_type: str
    key: str
    fields: tuple[tuple[str, str], ...]
    start_line: int


@dataclass(frozen=True)
class Failure:
    """A block that cannot be an entry: its name (key, or where it starts) and why."""

    name: str
    reason: str


@dataclass
class Blocks:
    items: list[RawEntry | Failure]
    strings: dict[str, str]  # lower-case macro name -> raw value


class _GiveUp(Exception):
    """Input the fast reader does not follow: bibtexparser reads the whole text instead."""


def split_fast(text: str) -> Blocks | None:
    """The file's blocks, or None when the text needs bibtexparser's slower reading."""
    try:
        return _Reader(text).read()
    except _GiveUp:
        return None


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[RawEntry | Failure] = []
        self.strings: dict[str, str] = {}
        self._counted = 0  # line ends are counted up to here
        self._lines = 0

    def _line(self, position: int) -> int:
        """The 0-based line of a position at or after the last one asked about, counted as
        bibtexparser counts lines: a line end after a backslash is not one."""
        text, start = self.text, self._counted
        self._lines += text.count("\n", start, position) - text.count("\\\n", start, position)
        self._counted = position
        return self._lines

    def read(self) -> Blocks:
        text = self.text
        position = 0
        while True:
            start = _BLOCK_START.search(text, position)
            if start is None:
                return Blocks(self.items, self.strings)
            if text[start.end()] != "{":
                raise _GiveUp
            kind = start.group()[1:].strip().lower()
            if kind.startswith(("comment", "preamble")):
                position = self._closing_brace(start.end() + 1) + 1
            elif kind.startswith("string"):
                position = self._string(start.end() + 1)
            elif kind:
                position = self._entry(kind, start.start(), start.end() + 1)
            else:
                raise _GiveUp

    def _mark(self, pattern: re.Pattern[str], position: int) -> re.Match[str]:
        found = pattern.search(self.text, position)
        if found is None:
            raise _GiveUp  # the file ends inside a block
        return found

    def _at_line_start(self, position: int) -> bool:
        text = self.text
        index = position - 1
        while index >= 0 and text[index] != "\n" and text[index].isspace():
            index -= 1
        return index < 0 or text[index] == "\n"

    def _closing_brace(self, position: int) -> int:
        """The ``}`` that closes a comment, a preamble or a string definition."""
        depth = 0
        while True:
            mark = self._mark(_BRACED, position)
            position = mark.end()
            char = mark.group()
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    return mark.start()
                depth -= 1
            elif self._at_line_start(mark.start()):
                raise _GiveUp

    def _string(self, position: int) -> int:
        equals = self._mark(_TOP, position)
        if equals.group() != "=":
            raise _GiveUp
        name = self.text[position : equals.start()].strip().lower()
        end = self._closing_brace(equals.end())
        if name in self.strings:
            raise _GiveUp
        self.strings[name] = self.text[equals.end() : end].strip()
        return end + 1

    def _entry(self, kind: str, at: int, position: int) -> int:
        text = self.text
        first = self._mark(_TOP, position)
        if first.group() not in (",", "}"):
            raise _GiveUp
        key = text[position : first.start()].strip()
        fields: list[tuple[str, str]] = []
        names: set[str] = set()
        twice: set[str] = set()
        end = first.end()
        key_start = first.end()
        while first.group() == ",":
            plain = self._plain_field(key_start)
            if plain is not None:
                name, value, key_start = plain
                if name in names:
                    twice.add(name)
                names.add(name)
                fields.append((name, value))
                continue
            field = _FIELD.match(text, key_start)
            if field is not None and field.group(1).endswith("\\"):
                raise _GiveUp  # "name\=": bibtexparser reads the "=" as escaped
            if field is not None and "@" not in field.group(2):
                name = field.group(1).strip()
                if name in names:
                    twice.add(name)
                names.add(name)
                fields.append((name, field.group(2)))
                key_start = field.end() if field.group(3) == "," else field.end() - 1
                continue
            mark = self._mark(_TOP, key_start)
            if mark.group() == "}":
                if text[key_start : mark.start()].strip():
                    raise _GiveUp  # a name without "= value"
                end = mark.end()
                break
            if mark.group() != "=" or text[mark.start() - 1] == "\\":
                raise _GiveUp
            name = text[key_start : mark.start()].strip()
            value_end = self._value_end(mark.end())
            if name in names:
                twice.add(name)
            names.add(name)
            fields.append((name, text[mark.end() : value_end].strip()))
            key_start = value_end + 1 if text[value_end] == "," else value_end
        line = self._line(at)
        if twice:
            name = key or f"(entry on line {line + 1})"
            self.items.append(Failure(name, f"field given twice ({', '.join(sorted(twice))})"))
        else:
            self.items.append(RawEntry(kind, key, tuple(fields), line))
        return end

    def _plain_field(self, position: int) -> tuple[str, str, int] | None:
        """The name, raw value and next position of a field ``name = {text}`` with no brace or
        ``@`` in its text, found with string searches rather than a pattern that steps through
        every character of the value (most values, abstracts among them); None for any other
        field, which ``_FIELD`` or the marks then read as before."""
        text = self.text
        start = _NAME_BRACE.match(text, position)
        if start is None:
            return None
        inside = start.end()
        close = text.find("}", inside)
        if (
            close < 0
            or text[close - 1] == "\\"
            or text.find("{", inside, close) >= 0
            or text.find("@", inside, close) >= 0
        ):
            return None
        after = text[close + 1 : close + 2]
        if after == ",":
            following = close + 2
        elif after == "}":
            following = close + 1
        else:
            separator = _SEPARATOR.match(text, close + 1)
            if separator is None:
                return None
            following = separator.end() if separator.group(1) == "," else separator.start(1)
        return start.group(1), text[inside - 1 : close + 1], following

    def _value_end(self, position: int) -> int:
        """Where a value ends: the ``,`` or ``}`` after it, outside braces and quotes."""
        text = self.text
        depth = 0
        quoted = False
        while True:
            pattern = _BRACED if depth else _QUOTED if quoted else _VALUE
            mark = self._mark(pattern, position)
            position = mark.end()
            char = mark.group()
            if char[0] == "@":
                if self._at_line_start(mark.start()):
                    raise _GiveUp
            elif depth:
                depth += 1 if char == "{" else -1
            elif quoted:
                at = mark.start()
                escaped = at > 0 and text[at - 1] == "{" and text[at + 1 : at + 2] == "}"
                if not (escaped and at + 2 < len(text)):
                    quoted = False
            elif char == '"':
                quoted = True
            elif char == "{":
                depth = 1
            else:  # "," or "}" outside braces and quotes
                return mark.start()


def from_bibtexparser(library: Any) -> Blocks:
    """bibtexparser's blocks (read without middleware) in the fast reader's terms."""
    from bibtexparser.model import (
        DuplicateBlockKeyBlock,
        DuplicateFieldKeyBlock,
        Entry,
        ParsingFailedBlock,
        String,
    )

    items: list[RawEntry | Failure] = []
    strings: dict[str, str] = {}
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            block = block.ignore_error_block
        if isinstance(block, DuplicateFieldKeyBlock):
            fields = ", ".join(sorted(block.duplicate_keys))
            items.append(Failure(block_name(block), f"field given twice ({fields})"))
        elif isinstance(block, ParsingFailedBlock):
            items.append(Failure(block_name(block), "not valid BibTeX"))
        elif isinstance(block, String):
            strings.setdefault(str(block.key).strip().lower(), str(block.value).strip())
        elif isinstance(block, Entry):
            fields_ = tuple((str(field.key), str(field.value)) for field in block.fields)
            items.append(
                RawEntry(str(block.entry_type), str(block.key or ""), fields_, block.start_line)
            )
    return Blocks(items, strings)


_FAILED_KEY = re.compile(r"^@\s*\w+\s*[{(]\s*([^,\s{}()=\"#%'~\\]+)")


def block_name(block: Any) -> str:
    """The citation key of a block bibtexparser could not parse, else where it starts."""
    key = getattr(block, "key", None)
    if not key:
        inner = getattr(block, "ignore_error_block", None) or getattr(block, "entry", None)
        key = getattr(inner, "key", None)
    if not key:
        match = _FAILED_KEY.match((getattr(block, "raw", None) or "").lstrip())
        key = match.group(1) if match else None
    if key:
        return " ".join(str(key).split())[:80]
    line = getattr(block, "start_line", None)
    return f"(entry on line {line + 1})" if isinstance(line, int) else "(entry without key)"


def resolve(value: str, strings: dict[str, str], depth: int = 0) -> str:
    """A raw field value as BibTeX reads it: macros replaced, ``#`` parts joined, the outer
    braces or quotes of each part removed (a macro BibTeX would not know stays its name)."""
    value = value.strip()
    whole = _enclosed(value)
    if whole is not None:
        return whole
    parts = _parts(value)
    if parts is None:
        return value
    out = []
    for part in parts:
        inner = _enclosed(part)
        if inner is not None:
            out.append(inner)
        elif part.lower() in strings and depth < _MAX_MACRO_DEPTH:
            out.append(resolve(strings[part.lower()], strings, depth + 1))
        else:
            out.append(part)
    return "".join(out)


def _enclosed(value: str) -> str | None:
    """The inside of a value wholly in one pair of braces or quotes, else None."""
    if len(value) < 2:
        return None
    if value[0] == "{" and value[-1] == "}":
        inner = value[1:-1]
        if "{" not in inner and "}" not in inner:  # most values: no braces inside
            return None if inner.endswith("\\") else inner
        depth = 0
        for match in _BRACES.finditer(value):
            depth += 1 if match.group() == "{" else -1
            if depth == 0 and match.end() != len(value):
                return None
        return value[1:-1] if depth == 0 else None
    if value[0] == '"' and value[-1] == '"':
        depth = 0
        for match in _BRACES_AND_QUOTES.finditer(value, 1, len(value) - 1):
            char = match.group()
            if char == "{":
                depth += 1
            elif char == "}":
                depth = max(depth - 1, 0)
            elif depth == 0:
                return None
        return value[1:-1]
    return None


def _parts(value: str) -> list[str] | None:
    """A value split on its top-level ``#``; None when it is not a concatenation."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(value):
        if char == "{" and not quoted:
            depth += 1
        elif char == "}" and not quoted:
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    return parts if all(parts) else None
