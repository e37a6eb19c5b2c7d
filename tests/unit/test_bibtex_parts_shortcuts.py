"""The shortcuts that keep reading a BibTeX file quick give what the longer ways give: names
read without bibtexparser as bibtexparser reads them, entries whose values hold braces read at
once as bibtexparser reads them, a record's values stored as they always were, and arXiv ids
and DOIs read as reader.identifiers reads them."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from property_examples import examples

from reader.identifiers import find_arxiv_id, parse_doi
from reader.importers import bibtex, bibtex_fields
from reader.importers.bibtex_syntax import from_bibtexparser, split_fast
from reader.importers.latex import tex_to_text
from reader.incoming import ParsedPaper
from reader.models import Author
from reader.store.fields import encode_authors, encode_categories, is_empty, record_values
from reader.text import printable


def _person_the_long_way(name: str) -> Author | None:
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    name = name.strip()
    if not name or name.lower() == "others":
        return None
    parts = parse_single_name_into_parts(name, strict=False)
    family = tex_to_text(" ".join([*parts.von, *parts.last, *parts.jr]))
    given = tex_to_text(" ".join(parts.first))
    if family:
        return Author(family, given)
    return Author(given) if given else None


_NAME_PARTS = st.text(alphabet="aZ{}\\'\"O~- .\t\u00e9\u00a0", max_size=10)


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NAME_PARTS, _NAME_PARTS)
@example("{\\O}stergaard", " Linh")
@example("d'Alembert", " Jean")
@example("a}b{", " C")
@example("\\{a}", " C")
@example("{\\'e}", " {\\'E")
@example("van", "  Jan")
def test_a_family_name_of_one_word_reads_as_bibtexparser_reads_it(family: str, given: str) -> None:
    """(Names whose family words all start with a capital were read without bibtexparser
    before, as they still are.)"""
    name = f"{family},{given}"
    assume(not bibtex_fields._plain_family(family.strip()))
    bibtex_fields._person.cache_clear()
    assert bibtex_fields._person(name) == _person_the_long_way(name)


# -- entries read at once ---------------------------------------------------------------------

_INSIDE = st.text(alphabet='ab {}\\"@,=#%\n', max_size=8)
_VALUES = st.one_of(
    _INSIDE.map(lambda text: "{" + text + "}"),
    st.tuples(_INSIDE, _INSIDE, _INSIDE).map(lambda p: "{" + p[0] + "{" + p[1] + "}" + p[2] + "}"),
    st.sampled_from(["2017", "jan", '"q"', "{x {y} z}", '{{"}}', "{a}{b}", "{a\\}", "{\\{}"]),
)
_ENTRIES = st.builds(
    lambda fields, comma: (
        "@article{key,\n"
        + ",\n".join(f"  {name} = {value}" for name, value in fields)
        + ("," if comma else "")
        + "\n}\n"
    ),
    st.lists(st.tuples(st.sampled_from(["title", "author", "year", "abstract"]), _VALUES)),
    st.booleans(),
)


@settings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ENTRIES, min_size=1, max_size=3).map("".join))
@example('@article{key,\n  title = {{"}},\n  author = {}\n}\n')
@example("@article{key,\n  title = {On {BERT}, again},\n  year = 1\n}\n")
@example("@article{key,\n  title = {On {BERT}}}\n")
def test_entries_with_braces_inside_read_as_bibtexparser_reads_them(text: str) -> None:
    import bibtexparser

    fast = split_fast(text)
    if fast is not None:
        slow = from_bibtexparser(bibtexparser.parse_string(text, parse_stack=[]))
        assert (fast.items, fast.strings) == (slow.items, slow.strings)


# -- the record's stored values ---------------------------------------------------------------


def _record_values_the_long_way(paper: ParsedPaper) -> dict[str, object]:
    values = {
        "authors": json.dumps(
            [[author.family, author.given] for author in paper.authors],
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        "year": paper.year,
        "month": paper.month,
        "venue": paper.venue,
        "publisher": paper.publisher,
        "entry_type": paper.entry_type,
        "citekey": paper.citekey,
        "arxiv": paper.arxiv,
        "doi": paper.doi,
        "url": paper.url,
        "categories": encode_categories(paper.categories),
    }
    return {column: value for column, value in values.items() if not is_empty(column, value)}


_TEXT = st.one_of(st.sampled_from(["", "misc", "article", "x"]), st.text(max_size=6))
_MAYBE = st.one_of(st.none(), _TEXT)


@settings(max_examples=examples(500), deadline=None)
@given(
    st.lists(st.builds(Author, _TEXT, _TEXT), max_size=3),
    st.one_of(st.none(), st.integers(0, 3000)),
    st.one_of(st.none(), st.integers(0, 12)),
    _TEXT,
    _TEXT,
    _TEXT,
    _MAYBE,
    _MAYBE,
    _MAYBE,
    _MAYBE,
    st.lists(_TEXT, max_size=3),
)
@example(
    [Author('Q"u\\o\u2028te\x00', "\u00e9")], None, None, "", "", "", None, None, None, None, []
)
def test_a_record_is_stored_as_it_always_was(
    authors, year, month, venue, publisher, kind, citekey, arxiv, doi, url, categories
) -> None:
    paper = ParsedPaper(
        "T", "", None, "x.bib", (), tuple(authors), year, month, venue, publisher, kind,
        citekey, arxiv, doi, url, tuple(categories),
    )  # fmt: skip
    expected = _record_values_the_long_way(paper)
    assert record_values(paper) == expected
    assert list(record_values(paper)) == list(expected)  # in the same order
    assert encode_authors(paper.authors) == json.dumps(
        [[author.family, author.given] for author in authors],
        ensure_ascii=False,
        separators=(",", ":"),
    )


# -- identifiers ------------------------------------------------------------------------------


@settings(max_examples=examples(800), deadline=None)
@given(
    st.one_of(
        st.from_regex(r"[0-9]{4}\.[0-9]{4,5}", fullmatch=True),
        st.from_regex(r"(0[0-9]|1[0-9]|9[0-9])(0[0-9]|1[0-3])\.[0-9]{4,5}", fullmatch=True),
        st.text(alphabet="0123456789.v/ax:", max_size=14),
    )
)
@example("0704.0001")
@example("0703.0001")
@example("1412.00001")
@example("1501.0001")
@example("2106.09685")
def test_an_eprint_gives_the_id_find_arxiv_id_finds(eprint: str) -> None:
    assert bibtex._eprint_id(eprint) == find_arxiv_id(eprint, bare=True)


@settings(max_examples=examples(800), deadline=None)
@given(
    st.one_of(
        st.from_regex(r"10\.[0-9]{3,10}(\.[0-9]{1,3})?/[A-Za-z0-9._/()-]{0,12}", fullmatch=True),
        st.text(alphabet="10./aZ-_()%:doi ", max_size=20),
    )
)
@example("10.1000/" + "a" * 2000)
@example("10.1016/j.artint.000003")
@example("10.1000/x.")
def test_a_doi_is_read_as_parse_doi_reads_it(text: str) -> None:
    warnings: list[str] = []
    assert bibtex._doi("k", text, warnings) == parse_doi(bibtex._plain_url(text))


@settings(max_examples=examples(500), deadline=None)
@given(
    st.from_regex(
        r"[A-Z][a-z.'-]{0,6}( [A-Z][a-z.'-]{0,4})?, [A-Za-z.'-]{1,5}( [a-z.-]{1,3})?",
        fullmatch=True,
    )
)
@example("Koch, Omar")
@example("Lee-Smith, A.-B.")
@example("Wu--Li, A")
def test_a_plain_name_reads_as_the_longer_way_reads_it(name: str) -> None:
    bibtex_fields._person.cache_clear()
    family, given = name.split(",")
    assert bibtex_fields._person(name) == Author(tex_to_text(family), tex_to_text(given))


@given(
    st.text(
        alphabet=st.characters(max_codepoint=0x7F) | st.sampled_from("\u00e9\u2028"), max_size=200
    )
)
@example("x" * 65 + "\x7f")
@example("x" * 65 + "\n")
@example(" " * 65)
def test_long_text_is_printable_as_isprintable_says(text: str) -> None:
    assert printable(text) == text.isprintable()


_AT_VALUES = st.lists(
    st.sampled_from(
        ["Hits@10", "a@b.org", " @ ", "@misc{x}", "@misc(x)", "\n@misc{y}", "\n  @x{", "@", "@@",
         "\n@", "text", " ", "\n", "{in}", "@{", "@ {", "pass@1,"]
    ),
    max_size=5,
).map("".join)  # fmt: skip


@settings(max_examples=examples(600), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["title", "abstract", "note"]),
            st.one_of(
                _AT_VALUES.map(lambda text: "{" + text + "}"),
                _AT_VALUES.map(lambda text: '"' + text.replace('"', "") + '"'),
            ),
        ),
        min_size=1,
        max_size=3,
    )
)
@example([("abstract", "{Hits@10 and pass@1}")])
@example([("title", "{a\n@misc{b}"), ("note", "{x}")])
def test_an_at_sign_in_a_value_reads_as_bibtexparser_reads_it(
    fields: list[tuple[str, str]],
) -> None:
    import bibtexparser

    text = "@article{key,\n" + ",\n".join(f"  {n} = {v}" for n, v in fields) + "\n}\n"
    fast = split_fast(text)
    if fast is not None:
        slow = from_bibtexparser(bibtexparser.parse_string(text, parse_stack=[]))
        assert (fast.items, fast.strings) == (slow.items, slow.strings)


def test_a_paper_is_made_as_its_constructor_makes_it() -> None:
    """BibTeX papers are made straight into their __dict__, as unpickling makes them."""
    text = (
        "@article{a, title = {A}, author = {Koch, O.}, year = 2020, month = jan, doi = "
        "{10.1000/x}, url = {https://example.org/a}, keywords = {x, y}, abstract = {B.},\n"
        "  eprint = {2106.09685}, primaryClass = {cs.LG}, journal = {J}, publisher = {P}}\n"
        "@misc{b, title = {C}}\n"
    )
    papers, _ = bibtex.parse_bibtex(text, "x.bib")
    assert not hasattr(ParsedPaper, "__post_init__")
    names = [field.name for field in dataclasses.fields(ParsedPaper)]
    for paper in papers:
        assert list(vars(paper)) == names
        made = ParsedPaper(**vars(paper))
        assert paper == made and hash(paper) == hash(made) and repr(paper) == repr(made)
