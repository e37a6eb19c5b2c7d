"""The query language compiled to SQL, checked without a library: what each term asks of
SQLite, and that the result runs against the real schema."""

from __future__ import annotations

import sqlite3

import pytest

from reader.query import QueryError, Term, parse_query
from reader.store import schema
from reader.store.filters import (
    fts_phrase,
    fts_tokens,
    has_tokens,
    like_escape,
    ranking_expression,
    term_sql,
)
from reader.store.opening import statements


def no_lists(name: str) -> int:
    raise AssertionError(f"no list lookup expected, got {name}")


@pytest.mark.parametrize(
    ("term", "sql", "params"),
    [
        (Term("rating", "4", op=">="), "p.rating >= ?", [4]),
        (Term("rating", "2", op="<"), "p.rating < ?", [2]),
        (Term("status", "read"), "p.status = ?", ["read"]),
        (Term("has", "rating"), "p.rating IS NOT NULL", []),
        (
            Term("has", "code"),
            "EXISTS (SELECT 1 FROM links WHERE paper_id = p.id AND kind = 'code')",
            [],
        ),
    ],
)
def test_filters_compile_to_parameterised_sql(term: Term, sql: str, params: list) -> None:
    assert term_sql(term, no_lists) == (sql, params)


def test_a_negated_term_keeps_unknown_values() -> None:
    """``-rating:<3`` keeps unrated papers: NULL comparisons count as false, not unknown."""
    sql, params = term_sql(Term("rating", "3", op="<", negated=True), no_lists)
    assert sql == "NOT coalesce((p.rating < ?), 0)"
    assert params == [3]


def test_tags_match_their_children_with_like_wildcards_escaped() -> None:
    sql, params = term_sql(Term("tag", "a_b%"), no_lists)
    assert "t.name = ? COLLATE NOCASE OR t.name LIKE ? ESCAPE" in sql
    assert params == ["a_b%", "a\\_b\\%/%"]


def test_a_list_term_asks_for_the_list_id() -> None:
    asked: list[str] = []

    def list_id(name: str) -> int:
        asked.append(name)
        return 7

    sql, params = term_sql(Term("list", "Week 1"), list_id)
    assert asked == ["Week 1"] and params == [7]
    assert "list_items WHERE list_id = ?" in sql


def test_free_words_search_titles_abstracts_and_notes() -> None:
    sql, params = term_sql(Term(None, "diffusion", prefix=True), no_lists)
    assert sql.count("MATCH ?") == 3
    assert params == ['"diffusion"*', '"diffusion"*', '"diffusion"*']


def test_a_word_without_letters_matches_everything() -> None:
    assert term_sql(Term(None, "--"), no_lists) == ("1", [])
    assert not has_tokens("--") and not has_tokens("\u19b0") and has_tokens("ü")


def test_an_unknown_field_is_a_query_error() -> None:
    with pytest.raises(QueryError):
        term_sql(Term("colour", "red"), no_lists)


@pytest.mark.parametrize(
    ("word", "prefix", "expected"),
    [
        ("diffusion", False, '"diffusion"'),
        ("multi-label", True, '"multi" "label"*'),
        ("a\u19b0b", False, '"a" "b"'),  # split where SQLite's tokenizer splits, not Python's
        ("ﬁne", True, '"ﬁne"*'),
    ],
)
def test_abstract_tokens_are_single_fts_tokens(word: str, prefix: bool, expected: str) -> None:
    assert fts_tokens(word, prefix) == expected


def test_phrases_quote_quotes() -> None:
    assert fts_phrase('say "hi"') == '"say ""hi"""'
    assert like_escape("50%_\\") == "50\\%\\_\\\\"


def test_ranking_uses_positive_words_and_ranks_short_prefixes_as_words() -> None:
    query = parse_query("diffusion OR flow -gan tag:x mo")
    assert ranking_expression(query, min_prefix=3) == '("diffusion" OR "flow") AND ("mo")'
    assert ranking_expression(query) == '("diffusion" OR "flow") AND ("mo"*)'


def test_every_term_runs_against_the_real_schema() -> None:
    conn = sqlite3.connect(":memory:")
    for step in schema.MIGRATIONS:
        for statement in statements(step.sql):
            conn.execute(statement)
    conn.execute("INSERT INTO lists (id, name, created) VALUES (1, 'L', 'now')")
    query = parse_query(
        'diffusion tag:a/b -rating:<3 status:read list:L has:notes listed:"Mar 11" x OR y'
    )
    for group in query.groups:
        for term in group:
            sql, params = term_sql(term, lambda name: 1)
            conn.execute(f"SELECT p.id FROM papers p WHERE {sql}", params).fetchall()
