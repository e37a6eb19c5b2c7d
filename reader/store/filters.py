"""The query language compiled to SQL and FTS5 expressions: pure functions, no connection.

``term_sql`` turns one parsed term into a SQL condition on ``papers p``; the searcher combines
conditions and the full-text matches. Kept apart from any connection so the SQL each term makes
can be unit-tested.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # one-paper commands use this module's helpers but never parse a query
    from reader.query import Query, Term

# FTS5's unicode61 tokenizer keeps letters, numbers and private-use characters in tokens and
# splits on everything else; matching its rule keeps a quoted word one token.
_TOKEN = re.compile(r"[^\W_]+")

HAS_SQL = {
    "notes": "EXISTS (SELECT 1 FROM annotations WHERE paper_id = p.id)",
    "code": "EXISTS (SELECT 1 FROM links WHERE paper_id = p.id AND kind = 'code')",
    "links": "EXISTS (SELECT 1 FROM links WHERE paper_id = p.id)",
    "tags": "EXISTS (SELECT 1 FROM paper_tags WHERE paper_id = p.id)",
    "lists": "EXISTS (SELECT 1 FROM list_items WHERE paper_id = p.id)",
    "rating": "p.rating IS NOT NULL",
    "pdf": "EXISTS (SELECT 1 FROM attachments WHERE paper_id = p.id)",
    "doi": "p.doi IS NOT NULL",
    "arxiv": "p.arxiv IS NOT NULL",
}


def fts_phrase(word: str, prefix: bool = False) -> str:
    phrase = '"' + word.replace('"', '""') + '"'
    return phrase + "*" if prefix else phrase


def fts_tokens(word: str, prefix: bool = False) -> str:
    """The word's tokens, all required but not as a phrase (abstracts keep no positions).

    Each must be one token to FTS5 (a quoted string of two tokens is a phrase, which an index
    without positions refuses), so words beyond ASCII are split by SQLite's own tokenizer,
    whose Unicode tables differ from Python's."""
    tokens = ['"' + token + '"' for token in word_tokens(word)]
    if prefix and tokens:
        tokens[-1] += "*"
    return " ".join(tokens)


def word_tokens(word: str) -> list[str]:
    """The tokens FTS5 makes of a word, folded to lower case as its index holds them."""
    return (
        [token.lower() for token in _TOKEN.findall(word)]
        if word.isascii()
        else list(sqlite_tokens(word))
    )


_tokenizer_lock = threading.Lock()
_tokenizer: sqlite3.Connection | None = None


@functools.lru_cache(maxsize=4096)
def sqlite_tokens(text: str) -> tuple[str, ...]:
    """The tokens FTS5's unicode61 tokenizer makes of ``text``, in order."""
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            _tokenizer = sqlite3.connect(":memory:", check_same_thread=False)
            _tokenizer.execute(
                "CREATE VIRTUAL TABLE words USING fts5 "
                "(text, tokenize = 'unicode61 remove_diacritics 2')"
            )
            _tokenizer.execute("CREATE VIRTUAL TABLE tokens USING fts5vocab (words, 'instance')")
        _tokenizer.execute("INSERT INTO words (rowid, text) VALUES (1, ?)", [text])
        rows = _tokenizer.execute("SELECT term FROM tokens ORDER BY offset").fetchall()
        _tokenizer.execute("DELETE FROM words")
    return tuple(row[0] for row in rows)


def has_tokens(word: str) -> bool:
    """Whether the full-text index can search for the word at all (``-`` or ``ᦰ`` alone
    hold no token, and match everything rather than nothing)."""
    if word.isascii():
        return any(ch.isalnum() for ch in word)
    return bool(sqlite_tokens(word))


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def is_text_group(group: tuple[Term, ...]) -> bool:
    return all(term.field is None and not term.negated for term in group)


def ranking_expression(query: Query, min_prefix: int = 1) -> str:
    """One FTS5 expression over the query's positive free words, for bm25 ranking.

    A prefix shorter than ``min_prefix`` would rank half the library for nothing: it ranks as a
    whole word instead."""
    groups = []
    for group in query.groups:
        if is_text_group(group):
            # A prefix of one or two letters ranks as the whole word it may be (RL, 3D, QA).
            phrases = [
                fts_phrase(term.value, term.prefix and len(term.value) >= min_prefix)
                for term in group
                if has_tokens(term.value)
            ]
            if phrases:
                groups.append("(" + " OR ".join(phrases) + ")")
    return " AND ".join(groups)


def term_sql(term: Term, list_id: Callable[[str], int]) -> tuple[str, list[Any]]:
    """A SQL condition on ``papers p`` for one term; ``list_id`` names a list by its id."""
    sql, params = _positive_term_sql(term, list_id)
    if term.negated:
        return f"NOT coalesce(({sql}), 0)", params
    return sql, params


def _positive_term_sql(term: Term, list_id: Callable[[str], int]) -> tuple[str, list[Any]]:
    if term.field is None:
        if not has_tokens(term.value):
            return "1", []
        phrase = fts_phrase(term.value, term.prefix)
        return (
            "(p.id IN (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?)"
            " OR p.id IN (SELECT rowid FROM abstracts_fts WHERE abstracts_fts MATCH ?)"
            " OR p.id IN (SELECT a.paper_id FROM annotations a WHERE a.id IN "
            "(SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?)))",
            [phrase, fts_tokens(term.value, term.prefix), phrase],
        )
    if term.field == "tag":
        return (
            "p.id IN (SELECT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
            "WHERE t.name = ? COLLATE NOCASE OR t.name LIKE ? ESCAPE '\\')",
            [term.value, like_escape(term.value) + "/%"],
        )
    if term.field == "rating":
        return f"p.rating {term.op} ?", [int(term.value)]
    if term.field == "status":
        return "p.status = ?", [term.value]
    if term.field == "list":
        return "p.id IN (SELECT paper_id FROM list_items WHERE list_id = ?)", [list_id(term.value)]
    if term.field == "listed":
        return (
            "p.id IN (SELECT s.paper_id FROM sources s JOIN files f ON f.id = s.file_id "
            "WHERE f.listed = ?)",
            [term.value],
        )
    if term.field == "has":
        return HAS_SQL[term.value], []
    if term.field == "is":
        # "!= 'seen'" lets SQLite use the partial index of triaged papers.
        return "(p.triage != 'seen' AND p.triage = ?)", [term.value]
    if term.field == "year":
        return f"p.year {term.op} ?", [int(term.value)]
    if term.field == "author":
        # Every word must be in the authors column: author:vaswani, author:"noam shazeer".
        tokens = _TOKEN.findall(term.value) if term.value.isascii() else sqlite_tokens(term.value)
        if not tokens:
            return "0", []
        match = "authors : (" + " ".join(fts_phrase(token) for token in tokens) + ")"
        return "p.id IN (SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?)", [match]
    if term.field == "venue":
        return "p.venue LIKE ? ESCAPE '\\'", ["%" + like_escape(term.value) + "%"]
    from reader.query import QueryError

    raise QueryError(f"unknown filter '{term.field}:'", 1, str(term))
