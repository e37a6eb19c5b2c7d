"""BibTeX written a field at a time (every paper's values of a field escaped in one pass) is the
text the entry-at-a-time renderer wrote with ``escape_tex``, ``protect_capitals`` and
``format_authors``, kept here as the reference, with the whole text cleaned after."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from property_examples import examples
from test_export_speed_paths import BITS, TEXT, fill

from reader.export import bibtex
from reader.export.bibtex import (
    MONTHS,
    VENUE_FIELDS,
    escape_all,
    escape_tex,
    escape_url,
    format_authors,
    protect_all_capitals,
    protect_capitals,
    render_bibtex,
)
from reader.export.citation import citation_keys, entry_type, landing_url
from reader.exporting import library_document, render
from reader.models import Author, Paper
from reader.store import Library
from reader.text import one_line, safe


def reference_entry(key: str, paper: Paper) -> str:
    kind = entry_type(paper)
    fields: list[tuple[str, str]] = []
    authors = format_authors(paper.authors)
    if authors:
        fields.append(("author", "{" + authors + "}"))
    fields.append(("title", "{" + protect_capitals(paper.title) + "}"))
    venue = escape_tex(paper.venue)
    if venue:
        fields.append((VENUE_FIELDS.get(kind, "howpublished"), "{" + venue + "}"))
    publisher = escape_tex(paper.publisher)
    if publisher:
        fields.append(("publisher", "{" + publisher + "}"))
    if paper.year:
        fields.append(("year", f"{{{paper.year}}}"))
    if paper.month and 1 <= paper.month <= 12:
        fields.append(("month", MONTHS[paper.month - 1]))
    if paper.doi:
        fields.append(("doi", "{" + escape_url(paper.doi) + "}"))
    if paper.arxiv:
        fields.append(("eprint", "{" + escape_url(paper.arxiv) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        if paper.categories and escape_tex(paper.categories[0]):
            fields.append(("primaryClass", "{" + escape_tex(paper.categories[0]) + "}"))
    url = landing_url(paper)
    if url and escape_url(url):
        fields.append(("url", "{" + escape_url(url) + "}"))
    tags = [tag for tag in (escape_tex(tag) for tag in paper.tags) if tag]
    if tags:
        fields.append(("keywords", "{" + ", ".join(tags) + "}"))
    abstract = escape_tex(paper.abstract)
    if abstract:
        fields.append(("abstract", "{" + abstract + "}"))
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {value}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"


def reference(papers: Sequence[Paper]) -> str:
    """What an export wrote before: entry by entry, the whole text cleaned after."""
    keys = citation_keys(papers)
    return safe(
        "\n".join(reference_entry(key, paper) for key, paper in zip(keys, papers, strict=True))
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "lib.db")
    with library.write():
        fill(library, 150, seed=11)
        library.db.execute("UPDATE papers SET citekey = 'a\x1b[31m\u202eb' WHERE id = 5")
    try:
        yield library
    finally:
        library.close()


def test_a_hostile_library_is_written_as_entry_by_entry(hostile: Library) -> None:
    papers = library_document(hostile).papers
    assert render_bibtex(papers) == reference(papers)
    assert render(library_document(hostile), "bibtex") == reference(papers)
    assert render_bibtex(papers[:1]) == reference(papers[:1])
    assert render_bibtex(()) == reference(()) == ""


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
    year=st.none() | st.integers(-5, 3000) | st.floats(allow_nan=False, allow_infinity=False),
    month=st.none() | st.integers(-1, 14),
    venue=TEXT,
    publisher=TEXT,
    entry_type=st.sampled_from(["misc", "article", "phdthesis", "techreport", "book", "x", ""]),
    citekey=st.none() | TEXT,
    arxiv=st.none() | TEXT,
    doi=st.none() | TEXT,
    url=st.none() | TEXT | st.sampled_from(["https://github.com/a/b", "https://x.org/a b{"]),
    categories=st.lists(TEXT, max_size=2).map(tuple),
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(PAPER, max_size=6))
def test_any_papers_are_written_as_entry_by_entry(papers: list[Paper]) -> None:
    assert render_bibtex(papers) == reference(papers)


WORDS = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from([*BITS, "LoRA", "(Learning", "Self-Supervised", "ÉCOLE", "x²", "ǅ", "İx"]),
    ),
    max_size=8,
).map(" ".join)


@given(st.lists(WORDS, max_size=5))
def test_values_escaped_together_are_escaped_as_one_by_one(texts: list[str]) -> None:
    assert escape_all(texts) == [escape_tex(text) for text in texts]
    assert protect_all_capitals(texts) == [protect_capitals(text) for text in texts]
    every = " ".join(BITS)
    assert bibtex._escaped(one_line(every)) == escape_tex(every)
