"""The blocks of a BibTeX file as both readers give them, and field values resolved.

``reader.importers.bibtex_syntax`` reads the usual file quickly and bibtexparser reads the
rest; both give RawEntry and Failure items, compared by a property test. Values are resolved
here for both, as BibTeX does: ``@string`` macros (case-insensitive), ``#`` concatenation, and
the outer braces or quotes removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_BRACES = re.compile(r"(?<!\\)[{}]")
_BRACES_AND_QUOTES = re.compile(r'(?<!\\)[{}"]')
_MAX_MACRO_DEPTH = 20


@dataclass(frozen=True)
class RawEntry:
    """One entry as written: type lower-case, fields in order with their raw values.

    ``plain`` (not compared) says the fast reader found every value a ``{text}`` with no other
    brace and no closing backslash, or a bare word: its braces need no resolving."""

    entry_type: str
    key: str
    fields: tuple[tuple[str, str], ...]
    start_line: int
    plain: bool = field(default=False, compare=False, repr=False)


@dataclass(frozen=True)
class Failure:
    """A block that cannot be an entry: its name (key, or where it starts) and why."""

    name: str
    reason: str


@dataclass
class Blocks:
    items: list[RawEntry | Failure]
    strings: dict[str, str]  # lower-case macro name -> raw value


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
            fields_ = tuple((str(item.key), str(item.value)) for item in block.fields)
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
    if "#" not in value:  # one part (``month = jan``): no need to step through it for "#"
        name = value.lower()
        if value and name in strings and depth < _MAX_MACRO_DEPTH:
            return resolve(strings[name], strings, depth + 1)
        return value
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
