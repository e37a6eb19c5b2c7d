"""BibTeX text split into raw entries, quickly.

bibtexparser's splitter steps through every comma, quote and line end in Python: about 1.6 s
for 10,000 entries with abstracts, more than a whole import may take. ``split_fast`` reads the
usual shape of a file (``@type{key, name = value, ...}`` with brace, quote, number or macro
values, ``@string``, ``@comment`` and ``@preamble``) by jumping between the characters that
matter, following bibtexparser's rules exactly; anything else (parenthesised blocks, syntax
errors) makes it give up, and the caller hands the whole text to bibtexparser instead. A file
gives the same entries either way (a property test compares them), only sooner.

The blocks and the resolving of values are in ``reader.importers.bibtex_blocks``.
"""

from __future__ import annotations

import re

from reader.importers.bibtex_blocks import Blocks, Failure, RawEntry, from_bibtexparser, resolve

__all__ = ["Blocks", "Failure", "RawEntry", "from_bibtexparser", "resolve", "split_fast"]

_BLOCK = r"@\w*[ \t]*(?=[{(])"
_BLOCK_START = re.compile(_BLOCK)
# What can end a key or a value outside braces and quotes; "=" only matters before a value.
_TOP = re.compile(r'(?<!\\)[{}",=]|' + _BLOCK)
_VALUE = re.compile(r'(?<!\\)[{}",]|' + _BLOCK)
_BRACED = re.compile(r"(?<!\\)[{}]|" + _BLOCK)
_QUOTED = re.compile(r'(?<!\\)"|' + _BLOCK)


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
_CLOSING = re.compile(r"\s*\}")
# A whole entry after its key in the plainest shape, matched at once: every field a name, "=",
# and a value in braces with no closing brace inside (nor a closing backslash) or a bare word;
# then the entry's "}". "[^}]" is a single-character loop in the regular expression engine,
# which crosses an abstract several times faster than a character class. An opening brace
# inside a value is ruled out after the match, by counting, and so is an "@" that could open a
# block (``_has_block_mark``).
_PLAIN_NAME = r'[^{}",=@\s](?:[^{}",=@]*[^{}",=@\s])?(?<!\\)'
_PLAIN_VALUE = r'\{[^}]*+(?<!\\)\}|[^{}",@\\#\s]++'
_PLAIN_ENTRY = re.compile(
    rf"(?:\s*+{_PLAIN_NAME}\s*+=\s*+(?:{_PLAIN_VALUE})\s*+,)*+"
    rf"(?:\s*+{_PLAIN_NAME}\s*+=\s*+(?:{_PLAIN_VALUE}))?\s*+\}}"
)
_PLAIN_FIELDS = re.compile(rf"\s*+({_PLAIN_NAME})\s*+=\s*+({_PLAIN_VALUE})\s*+[,}}]")
# Fields in that shape, each with its comma: the runs of plain fields in an entry that is not.
_PLAIN_RUN = re.compile(rf"(?:\s*+{_PLAIN_NAME}\s*+=\s*+(?:{_PLAIN_VALUE})\s*+,)++")


def _has_block_mark(text: str, start: int, end: int) -> bool:
    """Whether an "@" between start and end could open a block (``@misc{``), which the reading
    mark by mark must look at (where a line starts with one, it gives up); any other "@" (an
    address, "Hits@10") is text to it, as to the shortcuts that ask this."""
    return text.find("@", start, end) >= 0 and _BLOCK_START.search(text, start, end) is not None


class _GiveUp(Exception):
    """Input the fast reader does not follow: bibtexparser reads the whole text instead."""


def split_fast(text: str) -> Blocks | None:
    """The file's blocks, or None when the text needs bibtexparser's slower reading."""
    try:
        return _Reader(text).read()
    except _GiveUp:
        return None


class Splitter:
    """``split_fast`` a stretch of the file at a time, for a file read in parts: ``read_to``
    reads the blocks that start before a position where a block starts at the beginning of a
    line (``block_start_after`` finds one), and gives None when bibtexparser must read the
    file instead.

    The stretches give the blocks of the whole text and no others: a block crossing such a
    position meets its ``@`` at the start of a line, where the whole text's reading gives up
    as well. ``strings`` fills as ``@string`` blocks are read."""

    def __init__(self, text: str) -> None:
        self._reader = _Reader(text)
        self.strings = self._reader.strings

    def read_to(self, stop: int) -> list[RawEntry | Failure] | None:
        reader = self._reader
        try:
            reader.read(stop)
        except _GiveUp:
            return None
        items, reader.items = reader.items, []
        return items


def block_start_after(text: str, position: int) -> int:
    """The first ``@`` at the very start of a line that opens a block, from ``position`` on;
    the text's length when there is none."""
    while True:
        found = text.find("\n@", position)
        if found < 0:
            return len(text)
        if _BLOCK_START.match(text, found + 1):
            return found + 1
        position = found + 1


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[RawEntry | Failure] = []
        self.strings: dict[str, str] = {}
        self._counted = 0  # line ends are counted up to here
        self._lines = 0
        self._position = 0  # where the next block is looked for

    def _line(self, position: int) -> int:
        """The 0-based line of a position at or after the last one asked about, counted as
        bibtexparser counts lines: a line end after a backslash is not one."""
        text, start = self.text, self._counted
        self._lines += text.count("\n", start, position) - text.count("\\\n", start, position)
        self._counted = position
        return self._lines

    def read(self, stop: int | None = None) -> Blocks:
        """The blocks starting before ``stop`` (the end of the text by default), each of which
        must end by then."""
        text = self.text
        stop = len(text) if stop is None else stop
        position = self._position
        while True:
            start = _BLOCK_START.search(text, position, stop)
            if start is None:
                self._position = stop
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
            if position > stop:
                raise _GiveUp  # never, when ``stop`` is where a line starts a block

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
        separator = first.group()
        if separator == ",":
            # Most entries: all in the plainest shape (see _PLAIN_ENTRY), each field named once.
            key_start = first.end()
            whole = self._plain_entry(key_start)
            if whole is not None:
                fields, end = whole
                if len({name for name, _ in fields}) == len(fields):
                    key = text[position : first.start()].strip()
                    self.items.append(RawEntry(kind, key, tuple(fields), self._line(at), True))
                    return end
            return self._fields(kind, at, position, first, whole)
        if separator != "}":
            raise _GiveUp
        return self._fields(kind, at, position, first, None)

    def _fields(
        self,
        kind: str,
        at: int,
        position: int,
        first: re.Match[str],
        whole: tuple[list[tuple[str, str]], int] | None,
    ) -> int:
        """An entry read field by field (or a plain one whose fields are named twice, ``whole``
        as ``_plain_entry`` read it)."""
        text = self.text
        key = text[position : first.start()].strip()
        fields: list[tuple[str, str]] = []
        names: set[str] = set()
        twice: set[str] = set()
        end = first.end()
        key_start = first.end()
        if whole is not None:
            fields, end = whole
            names = {name for name, _ in fields}
            if len(names) < len(fields):
                twice.update(name for name in names if sum(n == name for n, _ in fields) > 1)
        while whole is None and first.group() == ",":
            closing = _CLOSING.match(text, key_start)
            if closing is not None:  # the entry's end (what the patterns below would all miss)
                end = closing.end()
                break
            run = self._plain_run(key_start)
            if run is not None:
                found, key_start = run
                for name, value in found:
                    if name in names:
                        twice.add(name)
                    names.add(name)
                    fields.append((name, value))
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
            if field is not None and not _has_block_mark(field.group(2), 0, len(field.group(2))):
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

    def _plain_entry(self, position: int) -> tuple[list[tuple[str, str]], int] | None:
        """An entry's fields and end when all of them are in the plainest shape (see
        ``_PLAIN_ENTRY``), read in two passes of the regular expression engine; None for any
        other entry, which is read field by field."""
        text = self.text
        whole = _PLAIN_ENTRY.match(text, position)
        if whole is None:
            return None
        end = whole.end()
        # Each braced value has one "}" and the entry one more: any further "{" is inside a value.
        if (
            _has_block_mark(text, position, end)
            or text.count("{", position, end) != text.count("}", position, end) - 1
        ):
            return None
        return _PLAIN_FIELDS.findall(text, position, end), end

    def _plain_run(self, position: int) -> tuple[list[tuple[str, str]], int] | None:
        """The fields from here up to the first one in another shape (a nested brace, quotes),
        read at once as ``_plain_entry`` reads a whole entry, and where the next field starts;
        None when the next field is in another shape."""
        text = self.text
        run = _PLAIN_RUN.match(text, position)
        if run is None:
            return None
        end = run.end()
        if _has_block_mark(text, position, end) or text.count("{", position, end) != text.count(
            "}", position, end
        ):
            return None
        return _PLAIN_FIELDS.findall(text, position, end), end

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
            or _has_block_mark(text, inside, close)
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
