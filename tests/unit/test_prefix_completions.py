"""A prefix longer than the prefix index is spelled out as its completions: the same papers as
FTS5's own prefix query, at every state of the library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyroaring import BitMap

from reader.importers.listing import parse_listing
from reader.models import ParsedListing
from reader.store import Library
from reader.store.completions import MOST_COMPLETIONS, Completions

WORDS = (
    "model models modeling modelled modem modern mode modal modular module diffusion diffuse "
    "différence differential graph graphs graphical grapheme naïve naive café caféine "
    "transformer transformers transform trans translation über uber 3d 3dgs x²"
).split()


Layout = Callable[..., str]


def listing(
    layout: Layout, papers: list[tuple[str, str]], name: str = "mar-11.txt"
) -> ParsedListing:
    return parse_listing(layout(papers), name)


def abstracts_matching(library: Library, expression: str) -> BitMap:
    """FTS5's own answer, to compare against."""
    return library.search_index._bitmap(  # noqa: SLF001 - the store's own helper
        "SELECT group_concat(rowid) FROM abstracts_fts WHERE abstracts_fts MATCH ?", [expression]
    )


@pytest.fixture
def words_library(tmp_path: Path, blank_listing: Layout) -> Library:
    papers = [
        (f"Paper number {index} about things", " ".join(WORDS[index % len(WORDS) :][:5]))
        for index in range(len(WORDS))
    ]
    library = Library(tmp_path / "lib.db")
    library.import_listings([listing(blank_listing, papers)])
    return library


def test_a_spelled_out_prefix_finds_what_fts5_finds(words_library: Library) -> None:
    index = words_library.search_index
    prefixes = {word[:cut] for word in WORDS for cut in range(4, len(word) + 1)}
    for prefix in sorted(prefixes | {"modelx", "graphe", "TRANS", "Über"}):
        expression = index._abstracts_expression(prefix, True, words_library.stamp())  # noqa: SLF001
        spelled = abstracts_matching(words_library, expression) if expression else BitMap()
        assert spelled == abstracts_matching(words_library, '"' + prefix + '"*'), prefix


def test_typing_on_narrows_the_completions_without_asking_the_index(words_library: Library) -> None:
    completions = Completions(words_library.db)
    stamp = words_library.stamp()
    assert completions.of("mode", stamp) == [
        "mode",
        "model",
        "modeling",
        "modelled",
        "models",
        "modem",
        "modern",
    ]
    asked: list[str] = []
    words_library.db.conn.set_trace_callback(asked.append)
    assert completions.of("model", stamp) == ["model", "modeling", "modelled", "models"]
    assert completions.of("modelx", stamp) == []
    words_library.db.conn.set_trace_callback(None)
    assert asked == []


def test_a_word_imported_later_is_found_at_once(
    words_library: Library, blank_listing: Layout
) -> None:
    index = words_library.search_index
    before = words_library.search("modelz", typing=True).ids
    assert list(before) == []
    words_library.import_listings(
        [listing(blank_listing, [("A late paper", "We study modelzoo checkpoints.")], "apr-02.txt")]
    )
    after = words_library.search("modelz", typing=True).ids
    assert len(after) == 1
    assert index._completions.of("modelz", words_library.stamp()) == ["modelzoo"]  # noqa: SLF001


def test_too_many_completions_are_left_to_fts5(tmp_path: Path, blank_listing: Layout) -> None:
    words = [f"zeta{index:03d}" for index in range(MOST_COMPLETIONS + 5)]
    library = Library(tmp_path / "lib.db")
    library.import_listings([listing(blank_listing, [("Many zetas", " ".join(words))])])
    assert Completions(library.db).of("zeta", library.stamp()) is None
    expression = library.search_index._abstracts_expression("zeta0", True, library.stamp())  # noqa: SLF001
    assert expression == '"zeta0"*'
    assert len(library.search("zeta0", typing=True).ids) == 1


def test_completions_of_an_accented_prefix(words_library: Library) -> None:
    # The index folds diacritics: "café" and "caféine" are held as cafe and cafeine.
    found = words_library.search("cafe", typing=True).ids
    assert len(found) == len(words_library.search("café", typing=True).ids) > 0
