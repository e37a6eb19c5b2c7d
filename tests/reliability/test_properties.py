"""Property-based tests: whatever text the parsers are given, only the documented error type
escapes (``ReaderError``; ``QueryError`` for the query language)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_examples import examples

from reader.importers.backup import parse_backup, render_backup
from reader.importers.bibtex import parse_bibtex, tex_to_text
from reader.importers.listing import decode, parse_listing
from reader.incoming import ParsedListing
from reader.models import ReaderError
from reader.query import Query, QueryError, parse_query
from reader.store import Library

from .support import seed_library

SETTINGS = settings(
    max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
FEW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- listings ---------------------------------------------------------------------------------

LISTING_LINES = st.one_of(
    st.sampled_from(
        [
            "new",
            "Get trending papers in your email inbox!",
            "Subscribe",
            "SubscribeA Glued Title",
            "byAK and the research community",
            "Mar 11",
            "March 11th, 2024",
            "Feb 31",
            "",
            "   ",
            "https://github.com/a/b",
            "see (https://x.org/a_(b)) and https://gitlab.com/c{d}.",
            "\x1b[31mred\x1b[0m",
            "\u202eevil",
            "\ufeff",
            "\u2028",
            "\x00",
        ]
    ),
    st.text(max_size=80),
)


@SETTINGS
@given(st.one_of(st.text(), st.lists(LISTING_LINES, max_size=40).map("\n".join)))
def test_the_listing_parser_raises_only_reader_errors(text: str) -> None:
    try:
        listing = parse_listing(text, "x.txt")
    except ReaderError:
        return
    assert isinstance(listing, ParsedListing)
    assert listing.papers
    for paper in listing.papers:
        assert isinstance(paper.title, str) and paper.title
        assert isinstance(paper.abstract, str)


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=4096),
        st.binary(max_size=2048).map(lambda data: b"\xff\xfe" + data),
        st.binary(max_size=2048).map(lambda data: b"\xfe\xff" + data),
        st.binary(max_size=2048).map(lambda data: b"\xef\xbb\xbf" + data),
        st.text().map(lambda text: text.encode("utf-16")),
    )
)
def test_decoding_raises_only_reader_errors(data: bytes) -> None:
    try:
        text = decode(data, "x.txt")
    except ReaderError:
        return
    assert isinstance(text, str)


# -- BibTeX -----------------------------------------------------------------------------------

TEX_PIECES = st.one_of(
    st.sampled_from(
        [
            "{",
            "}",
            "\\",
            '"',
            "#",
            "@",
            "%",
            "~",
            ",",
            "=",
            "\\'e",
            '\\"{o}',
            "\\c{c}",
            "\\v",
            "\\^{}",
            "\\textbf{x}",
            "\\emph",
            "\\url{https://a.b}",
            "$x^2$",
            "\\ss",
            "\\i",
            "{\\'{\\i}}",
            "\\textbraceleft{}",
            "--",
            "\n",
        ]
    ),
    st.text(max_size=12),
)
TEX = st.lists(TEX_PIECES, max_size=20).map("".join)
FIELD_NAMES = st.sampled_from(
    ["title", "abstract", "url", "doi", "eprint", "archiveprefix", "keywords", "note", "author"]
)


@st.composite
def bibtex_entry(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["article", "inproceedings", "misc", "comment", "string", "x"]))
    key = draw(st.one_of(st.just("key1"), st.text(max_size=10)))
    fields = draw(st.lists(st.tuples(FIELD_NAMES, TEX), max_size=6))
    quote = draw(st.booleans())
    body = ",\n".join(
        f'  {name} = "{value}"' if quote else f"  {name} = {{{value}}}" for name, value in fields
    )
    close = draw(st.sampled_from(["}", "", ")", "}}"]))
    return f"@{kind}{{{key},\n{body}\n{close}\n"


BIBTEX = st.one_of(
    st.text(),
    st.lists(bibtex_entry(), max_size=5).map("".join),
    st.lists(st.one_of(bibtex_entry(), TEX), max_size=6).map("\n".join),
)


@SETTINGS
@given(BIBTEX, st.booleans())
def test_the_bibtex_importer_raises_only_reader_errors(text: str, skip_bad: bool) -> None:
    try:
        entries, warnings = parse_bibtex(text, "x.bib", skip_bad=skip_bad)
    except ReaderError:
        return
    assert all(isinstance(warning, str) for warning in warnings)
    for entry in entries:
        assert isinstance(entry.title, str) and entry.title


@SETTINGS
@given(TEX)
def test_tex_to_text_never_raises(value: str) -> None:
    assert isinstance(tex_to_text(value), str)


# -- backups ----------------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**62, max_value=2**80),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["reader-backup", "unread", "read", "reading", "", "a", "https://a.org"]),
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["format", "version", "papers", "tags", "annotations", "lists", "key"]
                    + ["title", "id", "paper", "body", "name", "url", "file", "rating"]
                ),
                st.text(max_size=8),
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)

TEXT = st.text(max_size=20)


@st.composite
def valid_backup(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4, unique=True))
    papers = [
        {
            "id": draw(st.one_of(st.none(), st.integers(min_value=1, max_value=50))),
            "key": key,
            "title": draw(st.text(min_size=1, max_size=30)),
            "abstract": draw(TEXT),
            "listed": draw(st.one_of(st.none(), TEXT)),
            "added": draw(TEXT),
            "rating": draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5))),
            "status": draw(st.sampled_from(["unread", "reading", "read"])),
            "read_at": draw(st.one_of(st.none(), TEXT)),
            "sources": [{"file": draw(TEXT), "listed": draw(st.one_of(st.none(), TEXT))}],
            "links": [
                {"url": draw(TEXT), "kind": draw(st.sampled_from(["web", "code"])), "position": 0}
            ],
            "tags": draw(st.lists(TEXT, max_size=3)),
        }
        for key in keys
    ]
    notes = [
        {"id": index, "paper": draw(st.sampled_from(keys)), "body": draw(st.text(min_size=1))}
        for index in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    lists = [
        {
            "name": name,
            "description": draw(TEXT),
            "papers": [{"paper": key} for key in draw(st.lists(st.sampled_from(keys)))],
        }
        for name in draw(
            st.lists(
                st.text(min_size=1, max_size=8), max_size=3, unique_by=lambda name: name.casefold()
            )
        )
    ]
    return {
        "format": "reader-backup",
        "version": 1,
        "papers": papers,
        "tags": draw(st.lists(TEXT, max_size=3)),
        "annotations": notes,
        "lists": lists,
    }


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@st.composite
def damaged_backup(draw: st.DrawFn) -> Any:
    """A valid backup with one value somewhere replaced by arbitrary JSON (or removed)."""
    data = draw(valid_backup())
    paths = list(_paths(data))
    path = draw(st.sampled_from(paths))
    if not path:
        return draw(JSON)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON)
    return data


BACKUP_TEXT = st.one_of(
    st.text(),
    JSON.map(json.dumps),
    valid_backup().map(render_backup),
    damaged_backup().map(lambda data: json.dumps(data, ensure_ascii=False)),
)


@SETTINGS
@given(BACKUP_TEXT)
def test_the_backup_importer_raises_only_reader_errors(text: str) -> None:
    try:
        data = parse_backup(text, "x.json")
    except ReaderError:
        return
    assert isinstance(data, dict)


class _RollBack(Exception):
    pass


@pytest.fixture(scope="module")
def empty_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library(tmp_path_factory.mktemp("empty") / "lib.db")
    yield library
    library.close()


@FEW
@given(st.one_of(valid_backup().map(render_backup), damaged_backup().map(json.dumps)))
def test_a_backup_that_passes_validation_restores_or_raises_a_reader_error(
    empty_library: Library, text: str
) -> None:
    """What parse_backup accepts, restore must take, or refuse with a ReaderError."""
    try:
        data = parse_backup(text, "x.json")
    except ReaderError:
        return
    try:
        with empty_library.transaction():
            empty_library.restore(data)
            raise _RollBack
    except (_RollBack, ReaderError):
        pass
    assert empty_library.is_empty()


# -- queries ----------------------------------------------------------------------------------

QUERY_PIECES = st.one_of(
    st.sampled_from(
        [
            " ",
            "OR",
            " OR ",
            "-",
            '"',
            ":",
            "*",
            "^",
            "(",
            ")",
            "NEAR(",
            "AND",
            "NOT",
            "tag:",
            "rating:",
            "rating:>=",
            "rating:<9",
            "rating:none",
            "status:",
            "status:read",
            "list:",
            'list:"Seed list"',
            "list:nope",
            "has:",
            "has:notes",
            "listed:",
            "listed:Mar 11",
            "foo:",
            "seed",
            "diffusion",
            "\x00",
            "\x1b",
            "é",
            "日本",
            "%",
            "_",
            "\\",
            "'",
        ]
    ),
    st.text(max_size=6),
)
QUERIES = st.one_of(st.text(), st.lists(QUERY_PIECES, max_size=12).map("".join))


@SETTINGS
@given(QUERIES)
def test_the_query_parser_raises_only_query_errors(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert error.column >= 1
        return
    assert isinstance(query, Query)


@pytest.fixture(scope="module")
def small_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    path: Path = tmp_path_factory.mktemp("small") / "lib.db"
    seed_library(path)
    library = Library(path)
    yield library
    library.close()


@SETTINGS
@given(QUERIES, st.one_of(st.none(), st.just("Seed list"), st.text(max_size=5)))
def test_searching_raises_only_reader_errors(
    small_library: Library, text: str, list_name: str | None
) -> None:
    try:
        result = small_library.search(text, list_name=list_name)
    except ReaderError:
        return
    assert all(isinstance(paper_id, int) for paper_id in result.ids)
