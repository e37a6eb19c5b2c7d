"""The query language shared by ``reader papers``, exports and the app.

``parse_query`` turns text into a small tree (AND of OR-groups of terms); the store turns that tree
into SQL. Keeping the two apart means the language can be tested, and its errors reported with a
column, without a database.

    diffusion tag:vision -rating:<3 list:"Week 1" OR has:notes
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.keys import normalize_date
from reader.models import STATUSES, ReaderError

FIELDS = (
    "tag",
    "rating",
    "status",
    "list",
    "has",
    "listed",
    "author",
    "year",
    "venue",
    "is",
    "related",
)
IS_VALUES = ("new", "kept", "skipped")
HAS_VALUES = ("notes", "code", "links", "tags", "rating", "lists", "pdf", "doi", "arxiv")
RATING_OPS = (">=", "<=", "!=", ">", "<", "=")
_YEAR = re.compile(r"[0-9]{1,4}", re.ASCII)
# Every filter or negated word becomes a condition of its own in SQL, and SQLite refuses an
# expression about a thousand deep; plain words go to the full-text index together.
MAX_FILTERS = 200
MAX_WORDS = 1000


class QueryError(ReaderError):
    """A malformed query; ``column`` (1-based) points at the bad term."""

    def __init__(self, message: str, column: int, text: str) -> None:
        super().__init__(f"bad query at column {column}: {message}")
        self.column = column
        self.text = text
        self.reason = message


@dataclass(frozen=True)
class Term:
    """One condition. ``field`` is None for free words searched by full text."""

    field: str | None
    value: str
    op: str = "="
    negated: bool = False
    prefix: bool = False

    def __str__(self) -> str:
        sign = "-" if self.negated else ""
        if self.field is None:
            return f"{sign}{self.value}"
        value = f'"{self.value}"' if " " in self.value else self.value
        op = "" if self.op == "=" else self.op
        return f"{sign}{self.field}:{op}{value}"


@dataclass(frozen=True)
class Query:
    """Groups are ANDed; the terms inside a group are ORed."""

    groups: tuple[tuple[Term, ...], ...] = ()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def words(self) -> tuple[Term, ...]:
        """Positive free words that every result must contain: these drive ranking."""
        return tuple(
            group[0]
            for group in self.groups
            if len(group) == 1 and group[0].field is None and not group[0].negated
        )

    @property
    def has_text(self) -> bool:
        return any(term.field is None for group in self.groups for term in group)


@dataclass(frozen=True)
class _Token:
    text: str
    column: int
    quoted: bool


_RATING = re.compile(r"[1-5]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TOKEN = re.compile(r'(?:[^\s"]*"[^"]*"?)+[^\s"]*|\S+')


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        raw = match.group(0)
        if raw.count('"') % 2:
            raise QueryError("unclosed quote", match.start() + raw.index('"') + 1, text)
        tokens.append(_Token(raw, match.start() + 1, '"' in raw))
    return tokens


def _unquote(value: str) -> str:
    return value.replace('"', "")


def _shown(value: str) -> str:
    """A value for an error message: whole when short, cut when someone pasted a page."""
    return value if len(value) <= 40 else value[:39] + "…"


def _parse_term(token: _Token, text: str) -> Term | None:
    raw = token.text
    negated = False
    if raw.startswith("-") and len(raw) > 1:
        negated = True
        raw = raw[1:]
    column = token.column + (1 if negated else 0)
    match = re.match(r"^([A-Za-z]+):(.*)$", raw, re.DOTALL)
    if match and match.group(1).lower() in FIELDS:
        return _parse_filter(match.group(1).lower(), match.group(2), negated, column, text)
    if match and re.match(r"\w", match.group(2)):
        known = ", ".join(f"{name}:" for name in FIELDS)
        name = _shown(match.group(1))
        raise QueryError(f"unknown filter '{name}:' (known: {known})", column, text)
    value = _unquote(raw).strip()
    if not value:
        return None
    return Term(field=None, value=value, negated=negated)


def _parse_filter(field: str, raw: str, negated: bool, column: int, text: str) -> Term:
    value = _unquote(raw).strip()
    if field == "rating":
        op = next((candidate for candidate in RATING_OPS if value.startswith(candidate)), "=")
        number = value[len(op) :] if value.startswith(op) else value
        if number.lower() in ("none", "0") and op in ("=", "!="):
            return Term("has", "rating", negated=(op == "=") != negated)
        # ASCII digits only: "²" and "٣" pass str.isdigit() but are no rating.
        if not _RATING.fullmatch(number):
            shown = _shown(raw)
            raise QueryError(f"rating needs a number from 1 to 5, got '{shown}'", column, text)
        return Term("rating", number, op=op, negated=negated)
    if field == "year":
        op = next((candidate for candidate in RATING_OPS if value.startswith(candidate)), "=")
        number = value[len(op) :] if value.startswith(op) else value
        if not _YEAR.fullmatch(number):
            shown = _shown(raw)
            raise QueryError(f"year needs a year like 2017 or >=2020, got '{shown}'", column, text)
        return Term("year", str(int(number)), op=op, negated=negated)
    if not value:
        raise QueryError(f"'{field}:' needs a value", column, text)
    if field == "status":
        if value.lower() not in STATUSES:
            shown = _shown(value)
            raise QueryError(f"status is one of {', '.join(STATUSES)}, got '{shown}'", column, text)
        value = value.lower()
    elif field == "has":
        if value.lower() not in HAS_VALUES:
            raise QueryError(
                f"has: takes one of {', '.join(HAS_VALUES)}, got '{_shown(value)}'", column, text
            )
        value = value.lower()
    elif field == "is":
        if value.lower() not in IS_VALUES:
            shown = _shown(value)
            raise QueryError(
                f"is: takes one of {', '.join(IS_VALUES)}, got '{shown}'", column, text
            )
        value = value.lower()
    elif field == "listed":
        date = normalize_date(value)
        if date is None:
            shown = _shown(value)
            raise QueryError(f"listed: needs a date like \"Mar 11\", got '{shown}'", column, text)
        value = date
    return Term(field, value, negated=negated)


def parse_query(text: str) -> Query:
    """Parse query text; raises QueryError pointing at the first bad term."""
    groups: list[list[Term]] = []
    pending_or = False
    words = filters = 0
    # A command-line argument that is not UTF-8 arrives with surrogates, which SQLite refuses.
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise QueryError("bytes that are not UTF-8 text", surrogate.start() + 1, text)
    # NUL and other control characters can mean nothing in a query (and confuse FTS5).
    tokens = _tokens(
        "".join(" " if (ch < " " and ch not in "\t\n\r") or ch == "\x7f" else ch for ch in text)
    )
    for token in tokens:
        if token.text == "OR" and not token.quoted:
            if not groups or pending_or:
                raise QueryError("OR needs a term on each side", token.column, text)
            pending_or = True
            continue
        term = _parse_term(token, text)
        if term is None:
            continue
        if term.field is None and not term.negated:
            words += 1
            if words > MAX_WORDS:
                raise QueryError(f"too many words (at most {MAX_WORDS})", token.column, text)
        else:
            filters += 1
            if filters > MAX_FILTERS:
                raise QueryError(
                    f"too many filters (at most {MAX_FILTERS}, negated words included)",
                    token.column,
                    text,
                )
        if pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise QueryError("OR needs a term on each side", tokens[-1].column, text)

    # The last free word is matched as a prefix while the person is still typing it.
    if text and not text[-1].isspace() and groups:
        last = groups[-1][-1]
        if last.field is None and not last.negated and not tokens[-1].quoted:
            groups[-1][-1] = Term(None, last.value, negated=False, prefix=True)
    return Query(groups=tuple(tuple(group) for group in groups), text=text)


def quote_value(value: str) -> str:
    """Write a filter value so that parse_query reads it back whole."""
    return f'"{value}"' if re.search(r'[\s"]', value) or not value else value
