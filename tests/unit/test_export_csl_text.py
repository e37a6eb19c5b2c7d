"""CSL-JSON written straight into its layout is the text ``json_text`` makes of the ``csl_item``
dicts, byte for byte; the JSON formats need no cleaning after rendering; the bulk text helpers
agree with the ones they stand for."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hostile_library import hostile_copy, hostile_file
from hypothesis import given, settings
from hypothesis import strategies as st
from property_examples import examples
from test_export_speed_paths import BITS, PLAIN_UNSAFE, TEXT

from reader.export import EXPORT_FORMATS
from reader.export.citation import citation_keys
from reader.export.csl_json import csl_item, render_csl_json
from reader.exporting import library_document, render
from reader.models import Author, Paper
from reader.store import Library
from reader.text import json_string, json_strings, json_text, one_line, one_lines, safe


def reference(papers: Sequence[Paper]) -> str:
    """What render_csl_json wrote before it wrote the layout itself."""
    keys = citation_keys(papers)
    return json_text([csl_item(key, paper) for key, paper in zip(keys, papers, strict=True)]) + "\n"


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_file(tmp_path_factory, seed=7)


@pytest.fixture
def hostile(tmp_path: Path, hostile_template: Path) -> Iterator[Library]:
    with hostile_copy(hostile_template, tmp_path) as library:
        yield library


def test_a_hostile_library_is_written_as_the_items_were(hostile: Library) -> None:
    papers = library_document(hostile).papers
    assert render_csl_json(papers) == reference(papers)
    assert render_csl_json(papers[:1]) == reference(papers[:1])
    assert render_csl_json(()) == reference(()) == "[]\n"


@pytest.mark.parametrize("fmt", [name for name, item in EXPORT_FORMATS.items() if item.clean])
def test_formats_marked_clean_leave_nothing_for_safe(hostile: Library, fmt: str) -> None:
    text = render(library_document(hostile), fmt)
    assert not PLAIN_UNSAFE.search(text)
    assert safe(text) == text


NAME = st.tuples(TEXT, TEXT).map(lambda pair: Author(*pair))
PAPER = st.builds(
    Paper,
    id=st.integers(1, 10**6),
    key=TEXT,
    title=TEXT,
    abstract=TEXT,
    listed=st.none() | TEXT,
    added=st.just("2024"),
    tags=st.lists(TEXT, max_size=3).map(tuple),
    authors=st.lists(NAME, max_size=4).map(tuple),
    year=st.none() | st.integers(-5, 3000) | st.floats(allow_nan=False),
    month=st.none() | st.integers(-1, 14),
    venue=TEXT,
    publisher=TEXT,
    entry_type=st.sampled_from(["misc", "article", "phdthesis", "techreport", "book", "x", ""]),
    citekey=st.none() | TEXT,
    arxiv=st.none() | TEXT,
    doi=st.none() | TEXT,
    url=st.none() | TEXT | st.sampled_from(["https://github.com/a/b", "https://x.org/\u202e"]),
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(PAPER, max_size=6))
def test_any_papers_are_written_as_the_items_were(papers: list[Paper]) -> None:
    assert render_csl_json(papers) == reference(papers)


LINES = st.lists(st.one_of(TEXT, st.sampled_from(["a b", " a", "a ", "a  b", "|", " |", "| "])))


@given(LINES)
def test_one_lines_is_one_line_of_each(texts: list[str]) -> None:
    assert one_lines(texts) == [one_line(text) for text in texts]
    clean = [text.replace(" ", "x") for text in texts if text.isprintable()]
    assert one_lines(clean) == [one_line(text) for text in clean]


@given(st.lists(TEXT | st.sampled_from(BITS)))
def test_json_strings_are_json_text_of_each(texts: list[str]) -> None:
    expected = [json_text(text) for text in texts]
    assert json_strings(texts) == expected
    assert [json_string(text) for text in texts] == expected
    assert json.loads("[" + ",".join(expected) + "]") == texts


URLS = st.from_regex(
    r"(https?://)?([a-z]+@)?(www\.)?(GitHub\.com|gitlab\.COM|hf\.co|huggingface\.co|gitee\.com|"
    r"arxiv\.org|x\.y)?(:\d+)?(/[A-Za-z\u0130\u212a]*)?",
    fullmatch=True,
)


@given(URLS | TEXT)
def test_a_url_without_a_code_host_in_it_is_never_code(url: str) -> None:
    from reader.export.citation import _may_be_code
    from reader.importers.listing import link_kind

    if link_kind(url) == "code":
        assert _may_be_code(url)
