"""The BibTeX importer's shortcuts give what the longer ways give: whole plain entries read at
once, field values found by string search, LaTeX and names decoded once and remembered, clean
text kept as it is, the usual citation key and URL taken as they are."""

from __future__ import annotations

import bibtexparser
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from property_examples import examples

from reader.identifiers import normalize_citekey
from reader.importers import bibtex, bibtex_fields, latex
from reader.importers.bibtex_syntax import from_bibtexparser, resolve, split_fast
from reader.models import Author, ReaderError
from reader.text import clean_text


def _slow(text: str) -> object:
    blocks = from_bibtexparser(bibtexparser.parse_string(text, parse_stack=[]))
    return blocks.items, blocks.strings


def _same_as_bibtexparser(text: str) -> None:
    fast = split_fast(text)
    assert fast is not None
    assert (fast.items, fast.strings) == _slow(text)


# -- the splitter ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        "  title = {Plain},\n  year = 2017,\n  month = feb\n",  # all plain, no trailing comma
        "  title = {Plain},\n  year = {2017},\n",  # trailing comma
        "  title = {A ({B})},\n  year = 2017\n",  # a nested brace: field by field
        "  title = {A \\{B},\n  year = 2017\n",  # an escaped brace
        "  title = {Ends in a backslash\\},\n  year = 2017}\n",  # "\}" does not close
        "  title = {a@b},\n  year = 2017\n",  # an "@" inside a value
        "  title = {T},\n  Title = {U}\n",  # names differing in case only
        "  title = {T},\n  title = {U}\n",  # a name twice
        "  month = feb jan,\n  year = 2017\n",  # a bare value with a space
        '  title = "quoted",\n  year = 2017\n',  # quotes
        "  a b = {x},\n  c = y\n",  # a name with a space
        "  title = {T}, year = 2017, note = {}}\n",  # one line, an empty value
        "  title = {T}\n  year = 2017\n",  # a missing comma
    ],
)
def test_whole_entries_read_as_bibtexparser_reads_them(fields: str) -> None:
    text = f"@article{{key,\n{fields}}}\n\n@misc{{other,\n  title = {{Other}}\n}}\n"
    fast = split_fast(text)
    if fast is not None:
        assert (fast.items, fast.strings) == _slow(text)


_WORDS = st.sampled_from(["Plain words", "x", "", " ", "a\\", "\\%", "{", "}", "@", "a=b", "é"])
_VALUES = st.one_of(
    st.lists(_WORDS, max_size=4).map(lambda words: "{" + " ".join(words) + "}"),
    st.sampled_from(["2017", "jan", "feb jan", '"q"', "{x {y} z}", "{a}{b}", "{a\\}", "a # b"]),
)
_NAMES = st.sampled_from(["title", "Title", "year", "abstract", "a b", "x\\", "note"])
_PLAIN_ENTRIES = st.builds(
    lambda fields, comma: (
        "@article{key,\n"
        + ",\n".join(f"  {name} = {value}" for name, value in fields)
        + ("," if comma else "")
        + "\n}\n"
    ),
    st.lists(st.tuples(_NAMES, _VALUES), max_size=5),
    st.booleans(),
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PLAIN_ENTRIES, min_size=1, max_size=3).map("".join))
@example("@article{key,\n  title = {a\\},\n  year = 1\n}\n")
@example("@article{key,\n  title = {x}, Title = {y}\n}\n")
def test_mostly_plain_files_read_as_bibtexparser_reads_them(text: str) -> None:
    fast = split_fast(text)
    if fast is not None:
        assert (fast.items, fast.strings) == _slow(text)


def test_a_plain_entry_keeps_its_fields_in_order() -> None:
    text = "@misc{k,\n  Title = {T},\n  year = 2017,\n  abstract = {A b.}\n}\n"
    _same_as_bibtexparser(text)
    fast = split_fast(text)
    assert fast is not None
    assert fast.items[0].fields == (("Title", "{T}"), ("year", "2017"), ("abstract", "{A b.}"))


# -- LaTeX and one_line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("self-supervised", "self-supervised"),
        ("pages 1--2", "pages 1\u20132"),
        ("a---b", "a\u2014b"),
        ("----", "\u2014-"),
        ("-a-", "-a-"),
        ("a-\\%-b", "a-%-b"),
        ("x-{y}--z", "x-y\u2013z"),
        ("50\\% of -- all", "50% of \u2013 all"),
        ("50\\% of R\\&D, \\#1 and a\\_b", "50% of R&D, #1 and a_b"),
        ("50\\%\\\\ x", "50% x"),  # a forced line break, not a symbol escape
        ("\\%-\\%-", "%-%-"),
        ("ends in \\", "ends in \\"),
        ("a \\ae{} b \\%", "a \u00e6 b %"),
        ("x \\alpha y \\%", "x \\alpha y %"),  # an unknown command stays
        ("\\o and \\%", "\u00f8and %"),  # a symbol command eats the spaces after it
        ("a\\-b \\&", "ab &"),  # a hyphenation hint
    ],
)
def test_hyphens_stay_and_dashes_are_made(value: str, text: str) -> None:
    assert latex.tex_to_text(value) == text
    assert latex.tex_to_text("!" + " " * latex.SHORT + value) == "! " + text  # not cached


@given(st.text(max_size=2 * latex.SHORT))
@example("a" * latex.SHORT)
@example("{\\'e}" * 30)
def test_cached_and_uncached_decoding_agree(value: str) -> None:
    assert latex.tex_to_text(value) == latex._text(value)
    assert latex.tex_to_text(value) == latex._text(value)  # and again, from the cache


@given(st.text(alphabet=st.sampled_from(" a\t\n\xa0\u2028\x00b\x1b\u200b"), max_size=20))
@example(" a")
@example("a ")
@example("a  b")
def test_one_line_folds_as_it_always_did(text: str) -> None:
    folded = " ".join(text.split())
    expected = folded if folded.isprintable() else " ".join(clean_text(folded).split())
    assert latex.one_line(text) == expected


# -- names, keys and URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("jan", "January"),
        ("JAN", "January"),
        ("feb", "feb"),  # a macro BibTeX would not know stays its name
        ("loop", "loop"),  # a macro naming itself stops after a few rounds
        ("jan # { 1}", "January 1"),
        ("", ""),
    ],
)
def test_one_word_values_resolve_as_concatenations_do(raw: str, value: str) -> None:
    strings = {"jan": "{January}", "loop": "loop", "": "{empty}"}
    assert resolve(raw, strings) == value


def test_keyword_lists_are_read_once_and_the_same_each_time() -> None:
    assert bibtex_fields.keywords("machine learning; {GNN}s,,graphs") == (
        "machine-learning",
        "GNNs",
        "graphs",
    )
    assert bibtex_fields.keywords("machine learning; {GNN}s,,graphs") == (
        "machine-learning",
        "GNNs",
        "graphs",
    )
    assert bibtex_fields.keywords("") == ()


def test_names_are_read_once_and_the_same_each_time() -> None:
    value = 'Koch, Omar and M{\\"u}ller, Anna and van der Berg, Jan and others'
    expected = (
        Author("Koch", "Omar"),
        Author("M\u00fcller", "Anna"),
        Author("van der Berg", "Jan"),
    )
    assert bibtex_fields.authors(value) == expected
    assert bibtex_fields.authors(value) == expected
    assert bibtex_fields.authors("  Koch,  Omar ") == (Author("Koch", "Omar"),)
    assert bibtex_fields.authors("others") == ()
    assert bibtex_fields.authors("{Barnes and Noble}") == (Author("Barnes and Noble"),)


def _citekey_the_long_way(key: str) -> tuple[str | None, list[str]]:
    try:
        return normalize_citekey(key), []
    except ReaderError as error:
        return None, [f"{key[:80]}: {error}; export will make one"]


@given(st.one_of(st.text(max_size=30), st.text(alphabet="ab:-_{}%~\\ =é\t", max_size=12)))
@example("a" * 200)
@example("a" * 201)
@example("vaswani2017attention")
def test_the_citation_key_shortcut_agrees_with_the_full_check(key: str) -> None:
    warnings: list[str] = []
    assert (bibtex._citekey(key, warnings), warnings) == _citekey_the_long_way(key)


@given(st.one_of(st.text(max_size=30), st.text(alphabet="ab/:{}\\_%\t \xa0\x00", max_size=16)))
@example("https://example.org/a_b")
@example("\\url{https://example.org/a\\_b}")
def test_the_url_shortcut_agrees_with_the_full_cleaning(value: str) -> None:
    long_way = ""
    if value:
        unwrapped = bibtex._URL_ESCAPE.sub(r"\1", bibtex._URL_COMMAND.sub("", value))
        long_way = bibtex._URL_NOISE.sub("", clean_text(unwrapped))
    assert bibtex._plain_url(value) == long_way
