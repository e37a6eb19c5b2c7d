"""A prefix longer than the prefix index is spelled out as its completions: the same papers as
FTS5's own prefix query, at every state of the library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pyroaring import BitMap

from reader.importers.listing import parse_listing
from reader.incoming import ParsedListing
from reader.store import Library
from reader.store.completions import MOST_COMPLETIONS, AbstractWords

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
        spelled = index.abstract_words.ids(prefix, True, words_library.stamp())
        assert spelled == abstracts_matching(words_library, '"' + prefix + '"*'), prefix
        whole = index.abstract_words.ids(prefix, False, words_library.stamp())
        assert whole == abstracts_matching(words_library, '"' + prefix + '"'), prefix


def words_of(library: Library) -> AbstractWords:
    return AbstractWords(library.db, library.search_index._abstracts_matching)  # noqa: SLF001


def test_typing_on_asks_the_index_only_for_what_it_has_not_seen(words_library: Library) -> None:
    words = words_of(words_library)
    stamp = words_library.stamp()
    first = words.ids("mode", True, stamp)
    assert words.completions("mode") == [
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
    assert words.completions("model") == ["model", "modeling", "modelled", "models"]
    narrower = words.ids("model", True, stamp)
    assert words.ids("modelx", True, stamp) == BitMap()
    words_library.db.conn.set_trace_callback(None)
    assert asked == []
    assert narrower < first
    assert narrower == abstracts_matching(words_library, '"model"*')


def test_a_word_imported_later_is_found_at_once(
    words_library: Library, blank_listing: Layout
) -> None:
    index = words_library.search_index
    before = words_library.search("modelz", typing=True).ids
    assert list(before) == []
    model = len(words_library.search("model", typing=True).ids)
    words_library.import_listings(
        [
            listing(
                blank_listing,
                [("A late paper", "We study modelzoo checkpoints with a model.")],
                "apr-02.txt",
            )
        ]
    )
    after = words_library.search("modelz", typing=True).ids
    assert len(after) == 1
    assert index.abstract_words.completions("modelz") == ["modelzoo"]
    # A term's papers kept from before the import are not reused either.
    assert len(words_library.search("model", typing=True).ids) == model + 1


def test_too_many_completions_are_left_to_fts5(tmp_path: Path, blank_listing: Layout) -> None:
    words = [f"zeta{index:03d}" for index in range(MOST_COMPLETIONS + 5)]
    library = Library(tmp_path / "lib.db")
    library.import_listings([listing(blank_listing, [("Many zetas", " ".join(words))])])
    found = words_of(library)
    assert found.completions("zeta") is None
    asked: list[str] = []
    library.db.conn.set_trace_callback(asked.append)
    assert len(found.ids("zeta0", True, library.stamp())) == 1
    library.db.conn.set_trace_callback(None)
    assert any('"zeta0"*' in sql or "zeta0" in sql for sql in asked)
    assert len(library.search("zeta0", typing=True).ids) == 1


def test_completions_of_an_accented_prefix(words_library: Library) -> None:
    # The index folds diacritics: "café" and "caféine" are held as cafe and cafeine.
    found = words_library.search("cafe", typing=True).ids
    assert len(found) == len(words_library.search("café", typing=True).ids) > 0


def test_a_word_of_several_tokens_needs_them_all(words_library: Library) -> None:
    words = words_of(words_library)
    stamp = words_library.stamp()
    assert words.ids("graph-transfor", True, stamp) == abstracts_matching(
        words_library, '"graph" "transfor"*'
    )
    assert words.ids("naive-modu", True, stamp) == abstracts_matching(
        words_library, '"naive" "modu"*'
    )
