"""The query language parser: no database involved."""

from __future__ import annotations

import pytest

from reader.models import ReaderError
from reader.query import Query, QueryError, Term, parse_query, quote_value


def terms(query: Query) -> list[list[Term]]:
    return [list(group) for group in query.groups]


def test_empty_query_is_empty():
    for text in ("", "   ", "\t"):
        query = parse_query(text)
        assert query.is_empty
        assert query.groups == ()


def test_free_words_are_anded_and_the_last_one_is_a_prefix():
    query = parse_query("diffusion transf")
    assert terms(query) == [
        [Term(None, "diffusion")],
        [Term(None, "transf", prefix=True)],
    ]
    assert [term.value for term in query.words] == ["diffusion", "transf"]
    assert query.has_text


def test_trailing_space_means_the_last_word_is_finished():
    assert terms(parse_query("diffusion ")) == [[Term(None, "diffusion")]]


def test_quoted_phrase_is_one_term_and_never_a_prefix():
    query = parse_query('"large language" models')
    assert terms(query) == [
        [Term(None, "large language")],
        [Term(None, "models", prefix=True)],
    ]
    assert terms(parse_query('models "large language"')) == [
        [Term(None, "models")],
        [Term(None, "large language")],
    ]


def test_filters_are_parsed():
    query = parse_query('tag:vision rating:>=4 status:read list:"Week 1" has:notes has:code x')
    assert terms(query)[:-1] == [
        [Term("tag", "vision")],
        [Term("rating", "4", op=">=")],
        [Term("status", "read")],
        [Term("list", "Week 1")],
        [Term("has", "notes")],
        [Term("has", "code")],
    ]
    assert query.words == (Term(None, "x", prefix=True),)


@pytest.mark.parametrize("op", ["=", ">=", "<=", ">", "<"])
def test_every_rating_operator(op):
    assert terms(parse_query(f"rating:{op}3")) == [[Term("rating", "3", op=op)]]


def test_plain_rating_means_equal():
    assert terms(parse_query("rating:5")) == [[Term("rating", "5", op="=")]]


@pytest.mark.parametrize(
    ("text", "value"),
    [('listed:"Mar 11"', "Mar 11"), ('listed:"March 11"', "Mar 11"), ('listed:"Sept 3"', "Sep 3")],
)
def test_listed_dates_are_normalized(text, value):
    assert terms(parse_query(text)) == [[Term("listed", value)]]


def test_filter_names_and_keyword_values_are_case_insensitive():
    assert terms(parse_query("STATUS:READ Has:Code")) == [
        [Term("status", "read")],
        [Term("has", "code")],
    ]


def test_tag_values_keep_their_hierarchy():
    assert terms(parse_query("tag:vision/detection")) == [[Term("tag", "vision/detection")]]


def test_negation_applies_to_filters_and_words():
    query = parse_query("-tag:read-later -rating:<3 -diffusion x")
    assert terms(query)[:3] == [
        [Term("tag", "read-later", negated=True)],
        [Term("rating", "3", op="<", negated=True)],
        [Term(None, "diffusion", negated=True)],
    ]
    # Negated words are not required words, so they do not drive ranking.
    assert [term.value for term in query.words] == ["x"]


def test_a_lone_dash_is_not_a_negation():
    query = parse_query("- x")
    assert all(not term.negated for group in query.groups for term in group)


def test_or_joins_two_terms_into_one_group():
    query = parse_query("tag:vision OR tag:nlp status:read")
    assert terms(query) == [
        [Term("tag", "vision"), Term("tag", "nlp")],
        [Term("status", "read")],
    ]


def test_or_chains_and_words():
    query = parse_query("lora OR diffusion OR gan ")
    assert terms(query) == [[Term(None, "lora"), Term(None, "diffusion"), Term(None, "gan")]]
    # A word inside an OR group is not a required word.
    assert query.words == ()


def test_lowercase_or_and_quoted_or_are_words():
    assert terms(parse_query("this or that ")) == [
        [Term(None, "this")],
        [Term(None, "or")],
        [Term(None, "that")],
    ]
    assert terms(parse_query('"OR" x ')) == [[Term(None, "OR")], [Term(None, "x")]]


def test_rating_zero_means_unrated():
    assert terms(parse_query("rating:0")) == [[Term("has", "rating", negated=True)]]


@pytest.mark.parametrize(
    "text",
    [
        "LoRA: Low-Rank",
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "Faster Diffusion: Rethinking",
        "https://github.com/sail-sg/inceptionnext",
        "note: ",
        "ratio 3:2",
    ],
)
def test_colons_in_titles_and_urls_are_not_filters(text):
    query = parse_query(text)
    assert all(term.field is None for group in query.groups for term in group)
    assert query.words


def test_title_with_colon_keeps_its_words():
    query = parse_query("LoRA: Low-Rank")
    assert [term.value for term in query.words] == ["LoRA:", "Low-Rank"]
    assert query.words[-1].prefix


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ('tag:"Week 1', 5, "unclosed quote"),
        ('"unclosed words', 1, "unclosed quote"),
        ('diffusion "large', 11, "unclosed quote"),
        ("foo:bar", 1, "unknown filter 'foo:'"),
        ("diffusion foo:bar", 11, "unknown filter 'foo:'"),
        ("rating:9", 1, "rating"),
        ("rating:6", 1, "rating"),
        ("rating:>=x", 1, "rating"),
        ("rating:", 1, "rating"),
        ("x rating:-1", 3, "rating"),
        ("status:done", 1, "status"),
        ("has:xyz", 1, "has:"),
        ("listed:notadate", 1, "listed:"),
        ('listed:"Mar 45"', 1, "listed:"),
        ("tag:", 1, "'tag:' needs a value"),
        ('tag:""', 1, "'tag:' needs a value"),
        ("list:", 1, "'list:' needs a value"),
        ("status:", 1, "'status:' needs a value"),
        ("x OR", 3, "OR"),
        ("OR x", 1, "OR"),
        ("a OR OR b", 6, "OR"),
    ],
)
def test_malformed_queries_point_at_the_bad_term(text, column, fragment):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    error = caught.value
    assert error.column == column
    assert fragment in str(error)
    assert f"column {column}" in str(error)
    assert error.text == text
    assert isinstance(error, ReaderError)


def test_negated_unknown_filter_points_into_that_term():
    text = "diffusion -foo:bar"
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert text[caught.value.column - 1 :].lstrip("-").startswith("foo:bar")


def test_known_filters_are_listed_in_the_unknown_filter_message():
    with pytest.raises(QueryError, match="tag:.*rating:.*status:.*list:.*has:.*listed:"):
        parse_query("foo:bar")


@pytest.mark.parametrize("value", ["Week 1", "plain", "", 'say "hi"', "tab\there"])
def test_quote_value_round_trips_through_the_parser(value):
    if not value or '"' in value:
        assert quote_value(value).startswith('"')
        return
    query = parse_query(f"list:{quote_value(value)}")
    assert terms(query) == [[Term("list", value)]]


def test_term_str_round_trips():
    text = '-tag:x rating:>=4 list:"Week 1" status:read has:code'
    query = parse_query(text)
    rebuilt = " ".join(str(group[0]) for group in query.groups)
    assert parse_query(rebuilt).groups == query.groups
