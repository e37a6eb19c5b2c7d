"""An export loads only the paper fields its format reads (``ExportFormat.reads``): rendered
from those papers, every format and option gives the text it gives from whole papers; the
fields loaded are the whole papers' fields, the others their defaults."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from hostile_library import hostile_copy, hostile_file

from reader.export import EXPORT_FORMATS, MarkdownOptions
from reader.exporting import library_document, list_document, query_document, render
from reader.models import Paper
from reader.store import Library

OPTIONS = [
    MarkdownOptions(),
    MarkdownOptions(abstracts=True, share=True),
    MarkdownOptions(notes=False, tags=False, ratings=False, dates=False, links=False),
    MarkdownOptions(abstracts=True, notes=False),
]


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_file(tmp_path_factory, seed=13)


@pytest.fixture
def hostile(tmp_path: Path, hostile_template: Path) -> Iterator[Library]:
    with hostile_copy(hostile_template, tmp_path) as library:
        yield library


@pytest.mark.parametrize(
    ("fmt", "options"), list(itertools.product(EXPORT_FORMATS, OPTIONS)), ids=str
)
def test_each_format_reads_no_field_it_does_not_load(
    hostile: Library, fmt: str, options: MarkdownOptions
) -> None:
    wanted = EXPORT_FORMATS[fmt].reads(options)
    whole = render(library_document(hostile), fmt, options)
    assert render(library_document(hostile, wanted), fmt, options) == whole
    assert render(query_document(hostile, "title", wanted), fmt, options) == render(
        query_document(hostile, "title"), fmt, options
    )
    name = hostile.lists()[0].name
    assert render(list_document(hostile, name, wanted), fmt, options) == render(
        list_document(hostile, name), fmt, options
    )


@pytest.mark.parametrize(
    "wanted",
    [frozenset(), frozenset({"title"}), frozenset({"authors", "categories", "sources"}), None],
    ids=["none", "title", "three", "all"],
)
def test_papers_with_some_fields_have_those_of_the_whole_papers(
    hostile: Library, wanted: frozenset[str] | None
) -> None:
    ids = list(hostile.search("").ids)
    whole = hostile.papers(ids)
    for some in (
        hostile.catalog.papers_of(ids, wanted),
        hostile.catalog.papers_of(ids[:7], wanted),
    ):
        for paper, full in zip(some, whole, strict=False):
            for field in fields(Paper):
                if wanted is None or field.name in wanted or field.name == "id":
                    assert getattr(paper, field.name) == getattr(full, field.name)
                elif field.name in ("key", "title", "abstract", "added"):
                    assert getattr(paper, field.name) == ""
                else:
                    expected = None if field.name == "listed" else field.default
                    assert getattr(paper, field.name) == expected
