"""The Library: import, schema, lookups, search, curation, undo and concurrent writers."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.importers.listing import paper_key, parse_listing
from reader.incoming import ParsedListing
from reader.models import STATUSES, ReaderError
from reader.store import Library
from reader.store import schema as store_module
from reader.store.schema import LATEST_VERSION, MIGRATIONS, Migration
from reader.store.tags import TagChange
from reader.summaries import TagCount

# Papers for search tests: ids 1..6 in this order.
SEARCH_PAPERS = (
    (
        "Diffusion Models Beat GANs on Image Synthesis",
        "We show that these generative models achieve image sample quality superior to "
        "adversarial networks. Code: https://github.com/openai/guided-diffusion.",
    ),
    (
        "Attention Is All You Need",
        "The Transformer relies entirely on attention; a footnote covers the diffusion of ideas.",
    ),
    (
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "We freeze pretrained weights and train low-rank matrices. https://github.com/microsoft/LoRA",
    ),
    (
        "Deep Residual Learning for Image Recognition",
        "Residual networks are easier to optimize. Project page: https://example.org/resnet.",
    ),
    (
        "Transformers for Image Recognition at Scale",
        "A pure vision model applied to sequences of image patches works well.",
    ),
)
EXTRA = ("Masked Autoencoders Are Scalable Vision Learners", "We mask random patches.")


def dump(papers, date="Mar 11") -> str:
    lines = ["new", "Subscribe", date]
    for title, abstract in papers:
        lines += [title, abstract]
    return "\n\n".join(lines) + "\n"


def listing(papers, name="mar-11.txt", date="Mar 11") -> ParsedListing:
    return parse_listing(dump(papers, date), name)


def all_ids(lib: Library) -> list[int]:
    return lib.search("").ids


def state(lib: Library):
    """Everything a person can change, for exact before/after comparisons."""
    lists = lib.lists()
    return (
        lib.papers(all_ids(lib)),
        lists,
        {item.name: lib.reading_list(item.name)[1] for item in lists},
        lib.tags(),
    )


@pytest.fixture
def lib(library: Library) -> Library:
    """A library with SEARCH_PAPERS (ids 1..5) from mar-11.txt."""
    library.import_listings([listing(SEARCH_PAPERS)])
    return library


@pytest.fixture
def curated(lib: Library) -> Library:
    """Search papers with tags, ratings, statuses, a note and two lists."""
    lib.tag(1, ["ML"])
    lib.tag(4, ["Vision/Detection", "ml"])
    lib.tag(5, ["vision"])
    lib.tag(2, ["visionary", "nlp"])
    lib.tag(3, ["nlp"])
    lib.rate(1, 5)
    lib.rate(3, 3)
    lib.rate(4, 2)
    lib.set_status(1, "read")
    lib.set_status(3, "reading")
    lib.add_note(2, "Compare with zebra crossing detectors", quote="attention")
    lib.create_list("Week 1", "first things")
    lib.add_to_list("Week 1", [3, 1])
    lib.create_list("Later")
    lib.add_to_list("Later", [5])
    lib.import_listings([listing([SEARCH_PAPERS[4], EXTRA], "apr-02.txt", "April 2")])
    return lib


# -- import ------------------------------------------------------------------------------------


def test_import_counts_and_stores_every_field(library: Library):
    summary = library.import_listings([listing(SEARCH_PAPERS)])
    assert summary.as_dict() == {"files": 1, "parsed": 5, "added": 5, "duplicates": 0}
    assert library.count() == 5
    papers = library.papers(all_ids(library))
    assert [paper.id for paper in papers] == [1, 2, 3, 4, 5]
    assert [(paper.title, paper.abstract) for paper in papers] == list(SEARCH_PAPERS)
    lora = library.paper("lora-low-rank-adaptation-of-large-language-models")
    assert lora.listed == "Mar 11"
    assert [(s.file, s.listed) for s in lora.sources] == [("mar-11.txt", "Mar 11")]
    assert [(link.url, link.kind) for link in lora.links] == [
        ("https://github.com/microsoft/LoRA", "code")
    ]
    assert library.paper(4).links[0].kind == "web"
    assert (lora.tags, lora.rating, lora.status, lora.read_at) == ((), None, "unread", None)
    assert lora.added


def test_duplicates_across_files_are_one_paper_with_every_source(library: Library):
    again = [(SEARCH_PAPERS[2][0].upper() + " ", SEARCH_PAPERS[2][1]), EXTRA]
    summary = library.import_listings(
        [listing(SEARCH_PAPERS), listing(again, "apr-02.txt", "April 2")]
    )
    assert summary.as_dict() == {"files": 2, "parsed": 7, "added": 6, "duplicates": 1}
    assert library.count() == 6
    lora = library.paper(3)
    assert lora.title == SEARCH_PAPERS[2][0]  # the first spelling seen wins
    assert sorted((s.file, s.listed) for s in lora.sources) == [
        ("apr-02.txt", "Apr 2"),
        ("mar-11.txt", "Mar 11"),
    ]
    assert sorted(lora.listings) == ["Apr 2", "Mar 11"]
    assert library.paper(6).sources[0].file == "apr-02.txt"


def test_duplicates_across_separate_imports_record_the_new_source(library: Library):
    library.import_listings([listing(SEARCH_PAPERS)])
    summary = library.import_listings([listing([SEARCH_PAPERS[0]], "may-22.txt", "May 22")])
    assert summary.as_dict() == {"files": 1, "parsed": 1, "added": 0, "duplicates": 1}
    paper = library.paper(1)
    assert [(s.file, s.listed) for s in paper.sources] == [
        ("mar-11.txt", "Mar 11"),
        ("may-22.txt", "May 22"),
    ]
    assert paper.listings == ("Mar 11", "May 22")
    assert paper.listed == "Mar 11"


def test_duplicates_within_one_file_are_one_paper(library: Library):
    papers = [
        SEARCH_PAPERS[0],
        SEARCH_PAPERS[1],
        ("diffusion models beat gans on image synthesis!", "x"),
    ]
    summary = library.import_listings([listing(papers)])
    assert summary.as_dict() == {"files": 1, "parsed": 3, "added": 2, "duplicates": 1}
    paper = library.paper(1)
    assert [(s.file, s.listed) for s in paper.sources] == [("mar-11.txt", "Mar 11")]
    assert paper.abstract == SEARCH_PAPERS[0][1]


def test_reimport_changes_nothing(lib: Library):
    before = state(lib)
    history = lib.undo_history()
    summary = lib.import_listings([listing(SEARCH_PAPERS)])
    assert summary.as_dict() == {"files": 1, "parsed": 5, "added": 0, "duplicates": 5}
    assert state(lib) == before
    assert lib.undo_history() == history


def test_reimport_keeps_what_a_person_added(curated: Library):
    before = state(curated)
    summary = curated.import_listings(
        [listing(SEARCH_PAPERS), listing([SEARCH_PAPERS[4], EXTRA], "apr-02.txt", "April 2")]
    )
    assert summary.added == 0
    after = state(curated)
    assert after == before
    paper = curated.paper(1)
    assert paper.tags == ("ML",) and paper.rating == 5 and paper.status == "read"
    assert curated.paper(2).annotations[0].body.startswith("Compare with zebra")


def test_import_is_all_or_nothing(library: Library, monkeypatch):
    library.import_listings([listing(SEARCH_PAPERS[:2])])
    before = state(library)

    from reader.store import indexing

    index_from = indexing.index_from

    def fail_half_way(*args, **kwargs):
        # The new papers and their index rows are written, then the disk catches fire.
        index_from(*args, **kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(indexing, "index_from", fail_half_way)
    good = listing(SEARCH_PAPERS[2:], "apr-02.txt", "Apr 2")
    with pytest.raises(RuntimeError, match="disk on fire"):
        library.import_listings([good])
    monkeypatch.undo()
    assert library.count() == 2
    assert state(library) == before
    assert library.search("LoRA", fuzzy=False).ids == []
    assert library.search("residual", fuzzy=False).ids == []
    # The library still works afterwards.
    assert library.import_listings([good]).added == 3
    assert library.search("residual", fuzzy=False).ids == [4]


def test_a_paper_first_seen_without_abstract_gets_it_later(library: Library):
    cut = parse_listing("Mar 11\nFirst Paper\nfirst abstract\nTruncated Paper\n", "a.txt")
    assert cut.warnings
    summary = library.import_listings([cut])
    assert summary.warnings == cut.warnings
    assert library.paper("truncated-paper").abstract == ""
    library.import_listings([listing([("Truncated Paper", "now with hyperbolic words")])])
    assert library.paper("truncated-paper").abstract == "now with hyperbolic words"
    assert library.search("hyperbolic", fuzzy=False).ids == [2]


def test_full_text_index_follows_imports(lib: Library):
    assert lib.search("residual", fuzzy=False).ids == [4]
    lib.import_listings([listing([EXTRA], "apr-02.txt")])
    assert lib.search("autoencoders", fuzzy=False).ids == [6]


def test_rows_carry_the_list_columns(curated: Library):
    rows = curated.rows([4, 1, 2])
    assert [row.id for row in rows] == [4, 1, 2]
    first = rows[1]
    assert (first.title, first.status, first.rating, first.listed) == (
        SEARCH_PAPERS[0][0],
        "read",
        5,
        "Mar 11",
    )
    assert first.tags == ("ML",)
    assert [row.has_code for row in rows] == [False, True, False]
    assert curated.rows([]) == []


# -- the file ----------------------------------------------------------------------------------


def test_schema_version_is_recorded_twice(tmp_path: Path):
    with Library(tmp_path / "lib.db") as library:  # made here, not copied (the fixture's is)
        assert library.schema_version == LATEST_VERSION
        raw = sqlite3.connect(library.path)
        try:
            assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
            rows = raw.execute(
                "SELECT version, name FROM schema_migrations ORDER BY version"
            ).fetchall()
        finally:
            raw.close()
        assert rows == [(step.version, step.name) for step in MIGRATIONS]
        versions = [row["version"] for row in library.migrations()]
        assert versions == [step.version for step in MIGRATIONS]


def test_wal_foreign_keys_and_busy_timeout(tmp_path: Path):
    with Library(tmp_path / "lib.db") as library:  # made here, not copied (the fixture's is)
        assert library.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert library.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert library.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_new_library_file_is_private(tmp_path: Path):
    path = tmp_path / "deep" / "er" / "lib.db"
    with Library(path):
        pass
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_reopening_keeps_everything(tmp_path: Path):
    path = tmp_path / "lib.db"
    with Library(path) as first:
        first.import_listings([listing(SEARCH_PAPERS)])
        first.tag(1, ["kept"])
        expected = state(first)
    with Library(path) as second:
        assert state(second) == expected
        assert second.schema_version == LATEST_VERSION


def _closed_library(path: Path) -> None:
    with Library(path) as lib:
        lib.import_listings([listing(SEARCH_PAPERS[:2])])


def test_a_newer_library_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "lib.db"
    _closed_library(path)
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    raw.commit()
    raw.close()
    data = path.read_bytes()
    with pytest.raises(ReaderError, match="newer") as caught:
        Library(path)
    assert str(path) in str(caught.value)
    assert str(LATEST_VERSION + 5) in str(caught.value)
    assert path.read_bytes() == data
    assert not list(tmp_path.glob("*.bak"))


@pytest.mark.parametrize(
    "content",
    [b"just some text, not a database\n", b"\x00" * 4096, b"SQLite format 2\x00" + b"x" * 200],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, content: bytes):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(ReaderError, match="not a reader library"):
        Library(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE things (x)")
    raw.execute("INSERT INTO things VALUES (1)")
    raw.commit()
    raw.close()
    data = path.read_bytes()
    with pytest.raises(ReaderError, match="not a reader library"):
        Library(path)
    assert path.read_bytes() == data


def test_a_folder_is_refused(tmp_path: Path):
    with pytest.raises(ReaderError, match="folder"):
        Library(tmp_path)


def test_an_empty_file_becomes_a_library(tmp_path: Path):
    path = tmp_path / "lib.db"
    path.touch()
    with Library(path) as lib:
        assert lib.schema_version == LATEST_VERSION
        assert lib.count() == 0


def test_a_new_migration_runs_once_and_keeps_a_backup(tmp_path: Path, monkeypatch):
    path = tmp_path / "lib.db"
    _closed_library(path)
    step = Migration(LATEST_VERSION + 1, "extra table", "CREATE TABLE extra (id INTEGER);")
    monkeypatch.setattr(store_module, "MIGRATIONS", (*MIGRATIONS, step))
    monkeypatch.setattr(store_module, "LATEST_VERSION", step.version)
    with Library(path) as lib:
        assert lib.schema_version == step.version
        assert [row["version"] for row in lib.migrations()] == [
            *(m.version for m in MIGRATIONS),
            step.version,
        ]
        assert lib.count() == 2
        assert "extra" in lib.db.table_names()
    backup = tmp_path / f"lib.db.v{LATEST_VERSION}.bak"
    assert backup.is_file()
    raw = sqlite3.connect(backup)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert raw.execute("SELECT count(*) FROM papers").fetchone()[0] == 2
    finally:
        raw.close()
    with Library(path) as lib:  # nothing pending: no second run
        assert len(lib.migrations()) == len(MIGRATIONS) + 1


# -- resolve -----------------------------------------------------------------------------------


def test_resolve_by_id_key_and_unique_prefix(lib: Library):
    assert lib.resolve(3) == 3
    assert lib.resolve("3") == 3
    assert lib.resolve(" 3 ") == 3
    assert lib.resolve("lora-low-rank-adaptation-of-large-language-models") == 3
    assert lib.resolve("lora") == 3
    assert lib.resolve("LoRA-low") == 3
    assert lib.resolve("attention-is") == 2
    assert lib.paper("deep-res").title == SEARCH_PAPERS[3][0]


def test_resolve_ambiguous_prefix_names_the_candidates(lib: Library):
    lib.import_listings([listing([("Attention Is Not Explanation", "x")], "b.txt")])
    with pytest.raises(ReaderError, match="ambiguous") as caught:
        lib.resolve("attention-is")
    assert "attention-is-all-you-need" in str(caught.value)
    assert "attention-is-not-explanation" in str(caught.value)


@pytest.mark.parametrize("ref", ["nothing-like-this", "99", "%", "_", "lora%", ""])
def test_resolve_unknown_is_an_error(lib: Library, ref: str):
    with pytest.raises(ReaderError):
        lib.resolve(ref)


def test_unknown_paper_message(lib: Library):
    with pytest.raises(ReaderError, match="no paper matches 'zzz'"):
        lib.paper("zzz")


# -- search ------------------------------------------------------------------------------------


def test_empty_search_is_every_paper_in_id_order(lib: Library):
    result = lib.search("")
    assert result.ids == [1, 2, 3, 4, 5]
    assert not result.fuzzy
    assert lib.search("", limit=2).ids == [1, 2]


def test_full_text_is_best_first(lib: Library):
    # Title match (1) ranks above an abstract-only match (2).
    assert lib.search("diffusion ").ids == [1, 2]
    assert lib.search("image ").ids[0] in (1, 4, 5)
    assert set(lib.search("image ").ids) == {1, 4, 5}
    assert lib.search("patches").ids == [5]
    assert lib.search("recognition image").ids[:2] in ([4, 5], [5, 4])


def test_words_are_anded(lib: Library):
    assert lib.search("image residual").ids == [4]
    assert lib.search("diffusion residual", fuzzy=False).ids == []


def test_last_word_is_a_prefix(lib: Library):
    assert set(lib.search("transf").ids) == {2, 5}
    assert lib.search("resid").ids == [4]
    assert lib.search("Low-Ra").ids == [3]


def test_quoted_phrase(lib: Library):
    assert sorted(lib.search('"image recognition"').ids) == [4, 5]
    assert lib.search('"recognition image"', fuzzy=False).ids == []


def test_a_title_with_a_colon_is_searchable(lib: Library):
    assert lib.search("LoRA: Low-Rank").ids == [3]
    assert lib.search("LoRA: Low-Rank Adaptation of Large Language Models").ids == [3]


def test_fuzzy_fallback_finds_typos(lib: Library):
    result = lib.search("difusion")
    assert result.fuzzy
    assert result.ids[0] == 1
    assert "diffusion" in result.corrections["difusion"]
    assert not lib.search("diffusion").fuzzy
    assert lib.search("difusion", fuzzy=False).ids == []


def test_a_typo_reads_only_the_title_words_of_its_first_letter(lib: Library):
    index = lib.search_index
    assert "diffusion" in lib.search("difusion").corrections["difusion"]
    assert set(index._vocabularies) == {"d"}  # not the whole vocabulary
    assert all(word.startswith("d") for word in index._vocabularies["d"])
    # A typo in the first letter is still corrected, from every word.
    assert "diffusion" in lib.search("Tiffusion").corrections["Tiffusion"]
    assert set(index._vocabularies) == {"d", "t", ""}
    assert "diffusion" in lib.search("Ďifusion").corrections["Ďifusion"]
    assert set(index._vocabularies) == {"d", "t", ""}  # "Ď" is read as "d"


def test_fuzzy_fallback_gives_up_on_nonsense(lib: Library):
    result = lib.search("qzxwvk")
    assert result.ids == []
    assert not result.fuzzy


def test_fuzzy_fallback_keeps_the_filters(curated: Library):
    assert curated.search("recogniton").ids  # typo, found fuzzily
    result = curated.search("recogniton tag:vision/detection")
    assert result.fuzzy
    assert result.ids == [4]


def test_tag_filter_follows_the_hierarchy_case_insensitively(curated: Library):
    assert set(curated.search("tag:vision").ids) == {4, 5}
    assert set(curated.search("tag:VISION").ids) == {4, 5}
    assert curated.search("tag:vision/detection").ids == [4]
    assert curated.search("tag:Vision/DETECTION").ids == [4]
    assert curated.search("tag:detection").ids == []
    assert curated.search("tag:vis").ids == []
    assert set(curated.search("tag:ml").ids) == {1, 4}
    assert set(curated.search("-tag:vision").ids) == {1, 2, 3, 6}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rating:5", {1}),
        ("rating:=3", {3}),
        ("rating:>=3", {1, 3}),
        ("rating:<=3", {3, 4}),
        ("rating:>3", {1}),
        ("rating:<3", {4}),
        ("-rating:<3", {1, 2, 3, 5, 6}),
        ("-rating:>=3", {2, 4, 5, 6}),
        ("rating:0", {2, 5, 6}),
        ("has:rating", {1, 3, 4}),
    ],
)
def test_rating_filters(curated: Library, query: str, expected: set[int]):
    assert set(curated.search(query).ids) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status:read", {1}),
        ("status:reading", {3}),
        ("status:unread", {2, 4, 5, 6}),
        ("-status:unread", {1, 3}),
        ('list:"Week 1"', {1, 3}),
        ('list:"week 1"', {1, 3}),
        ("list:Later", {5}),
        ('-list:"Week 1"', {2, 4, 5, 6}),
        ("has:notes", {2}),
        ("-has:notes", {1, 3, 4, 5, 6}),
        ("has:code", {1, 3}),
        ("has:links", {1, 3, 4}),
        ("has:tags", {1, 2, 3, 4, 5}),
        ("has:lists", {1, 3, 5}),
        ('listed:"Mar 11"', {1, 2, 3, 4, 5}),
        ('listed:"Apr 2"', {5, 6}),
        ('listed:"April 2"', {5, 6}),
        ('-listed:"Mar 11"', {6}),
        ("tag:nlp OR status:read", {1, 2, 3}),
        ("tag:nlp OR tag:ml status:read", {1}),
        ("image -tag:vision", {1}),
        ("image rating:>=2 -status:read", {4}),
        ('-list:"Week 1" -tag:vision OR has:notes', {2, 6}),
    ],
)
def test_filters_and_combinations(curated: Library, query: str, expected: set[int]):
    assert set(curated.search(query).ids) == expected


def test_annotations_are_found_by_full_text(curated: Library):
    assert curated.search("zebra").ids == [2]
    assert curated.search("zebr").ids == [2]
    note_id = curated.notes(2)[0].id
    curated.edit_note(note_id, "about giraffes now")
    assert 2 not in curated.search("zebra").ids
    assert curated.search("giraffes").ids == [2]
    curated.delete_note(note_id)
    assert curated.search("giraffes", fuzzy=False).ids == []


def test_annotation_quotes_are_searchable(lib: Library):
    lib.add_note(4, "see the shortcut idea", quote="easier to optimize with shortcuts")
    assert lib.search("shortcuts", fuzzy=False).ids == [4]


def test_search_within_a_list_keeps_list_order(curated: Library):
    assert curated.search("", list_name="Week 1").ids == [3, 1]
    assert curated.search("status:read", list_name="Week 1").ids == [1]


def test_unknown_list_in_a_query_is_an_error(curated: Library):
    with pytest.raises(ReaderError, match="no reading list named 'Nope'"):
        curated.search("list:Nope")


# -- tags --------------------------------------------------------------------------------------


def test_tag_names_are_case_insensitive_and_keep_their_first_spelling(lib: Library):
    assert lib.tag(1, ["Vision", "nlp"]) == ["Vision", "nlp"]
    assert lib.tag(2, ["vision"]) == ["Vision"]  # the spelling the library has
    assert lib.tag(1, ["VISION"]) == []
    assert lib.paper(2).tags == ("Vision",)
    assert lib.tags() == [TagCount("nlp", 1), TagCount("Vision", 2)]


def test_tags_are_sorted_on_papers(lib: Library):
    lib.tag(1, ["zeta", "Alpha", "mid/sub"])
    assert lib.paper(1).tags == ("Alpha", "mid/sub", "zeta")


@pytest.mark.parametrize("name", ["", "  ", "two words", "a,b", "/x", "x/", "a//b"])
def test_bad_tag_names_are_refused(lib: Library, name: str):
    with pytest.raises(ReaderError):
        lib.tag(1, [name])
    assert lib.paper(1).tags == ()
    assert lib.tags() == []


def test_tag_names_are_trimmed(lib: Library):
    assert lib.tag(1, [" vision / detection "]) == ["vision/detection"]


def test_untag(lib: Library):
    lib.tag(1, ["a", "b", "c"])
    assert lib.untag(1, ["A", "zzz", "c"]) == ["A", "c"]
    assert lib.paper(1).tags == ("b",)
    assert lib.untag(1, ["a"]) == []


def test_tag_counts(lib: Library):
    lib.tag(1, ["x", "y"])
    lib.tag(2, ["x"])
    lib.tag(3, ["X"])
    assert lib.tags() == [TagCount("x", 3), TagCount("y", 1)]


def test_rename_tag(lib: Library):
    lib.tag(1, ["old"])
    lib.tag(2, ["old", "other"])
    assert lib.rename_tag("OLD", "new/name") is False
    assert lib.paper(1).tags == ("new/name",)
    assert lib.paper(2).tags == ("new/name", "other")
    assert [t.name for t in lib.tags()] == ["new/name", "other"]
    assert set(lib.search("tag:new").ids) == {1, 2}
    assert lib.search("tag:old").ids == []


def test_rename_tag_changes_only_case(lib: Library):
    lib.tag(1, ["vision"])
    assert lib.rename_tag("vision", "Vision") is False
    assert lib.paper(1).tags == ("Vision",)


def test_rename_tag_into_an_existing_one_merges(lib: Library):
    lib.tag(1, ["old", "new"])
    lib.tag(2, ["old"])
    lib.tag(3, ["New"])
    assert lib.rename_tag("old", "new") is True
    assert lib.tags() == [TagCount("new", 3)]
    for paper_id in (1, 2, 3):
        assert lib.paper(paper_id).tags == ("new",)


def test_rename_unknown_tag_is_an_error(lib: Library):
    with pytest.raises(ReaderError, match="no tag named 'ghost'"):
        lib.rename_tag("ghost", "x")


def test_delete_tag(lib: Library):
    lib.tag(1, ["gone", "kept"])
    lib.tag(2, ["Gone"])
    assert lib.delete_tag("GONE") == 2
    assert lib.tags() == [TagCount("kept", 1)]
    assert lib.paper(1).tags == ("kept",)
    assert lib.paper(2).tags == ()
    assert lib.count() == 5
    with pytest.raises(ReaderError):
        lib.delete_tag("gone")


# -- rating and status -------------------------------------------------------------------------


def test_ratings(lib: Library):
    for value in range(1, 6):
        lib.rate(1, value)
        assert lib.paper(1).rating == value
    lib.rate(1, 0)
    assert lib.paper(1).rating is None
    lib.rate(1, 4)
    lib.rate(1, None)
    assert lib.paper(1).rating is None


@pytest.mark.parametrize("value", [6, -1, "x", "3", 2.5, True, 100])
def test_bad_ratings_are_refused(lib: Library, value):
    lib.rate(1, 3)
    history = lib.undo_history()
    with pytest.raises(ReaderError, match="1 to 5"):
        lib.rate(1, value)
    assert lib.paper(1).rating == 3
    assert lib.undo_history() == history


def test_status_and_read_time(lib: Library):
    assert lib.paper(1).status == "unread"
    lib.set_status(1, "read")
    paper = lib.paper(1)
    assert paper.status == "read"
    assert paper.read_at and paper.read_at.startswith("20") and paper.read_at.endswith("Z")
    lib.set_status(1, "reading")
    assert (lib.paper(1).status, lib.paper(1).read_at) == ("reading", None)
    lib.set_status(1, "unread")
    assert (lib.paper(1).status, lib.paper(1).read_at) == ("unread", None)
    assert lib.status_counts() == {"unread": 5, "reading": 0, "read": 0}


def test_setting_the_same_status_records_nothing(lib: Library):
    lib.set_status(1, "reading")
    history = lib.undo_history()
    lib.set_status(1, "reading")
    assert lib.undo_history() == history


def test_bad_status_is_refused(lib: Library):
    with pytest.raises(ReaderError, match="unread, reading, read"):
        lib.set_status(1, "done")
    assert lib.paper(1).status == "unread"


def test_cycle_status(lib: Library):
    assert [lib.cycle_status(1) for _ in STATUSES] == ["reading", "read", "unread"]
    assert lib.paper(1).read_at is None


# -- annotations -------------------------------------------------------------------------------


def test_add_edit_delete_notes(lib: Library):
    first = lib.add_note(1, "  **Key idea**: guidance.\n", quote="  image sample quality ")
    second = lib.add_note(1, "second thought")
    notes = lib.notes(1)
    assert [note.id for note in notes] == [first, second]
    assert notes[0].body == "**Key idea**: guidance."
    assert notes[0].quote == "image sample quality"
    assert notes[0].paper_id == 1
    assert notes[0].created == notes[0].updated
    assert notes[1].quote is None
    assert lib.paper(1).annotations == tuple(notes)

    lib.edit_note(first, "rewritten")
    edited = lib.note(first)
    assert (edited.body, edited.quote, edited.created) == (
        "rewritten",
        "image sample quality",
        notes[0].created,
    )
    assert edited.updated >= notes[0].updated
    lib.edit_note(first, "rewritten", quote="other passage")
    assert lib.note(first).quote == "other passage"
    lib.edit_note(first, "rewritten", quote="")
    assert lib.note(first).quote is None

    lib.delete_note(second)
    assert [note.id for note in lib.notes(1)] == [first]
    with pytest.raises(ReaderError, match=f"no annotation with id {second}"):
        lib.note(second)


def test_note_refusals(lib: Library):
    with pytest.raises(ReaderError):
        lib.add_note(1, "   ")
    note_id = lib.add_note(1, "x")
    with pytest.raises(ReaderError):
        lib.edit_note(note_id, "\n")
    assert lib.note(note_id).body == "x"
    with pytest.raises(ReaderError, match="no annotation with id 999"):
        lib.edit_note(999, "y")
    with pytest.raises(ReaderError, match="no annotation with id 999"):
        lib.delete_note(999)


# -- reading lists -----------------------------------------------------------------------------


def order(lib: Library, name: str) -> list[int]:
    return lib.reading_list(name)[1]


def test_create_list(lib: Library):
    lib.create_list("  Week 1 ", "  to read first ")
    info, ids = lib.reading_list("week 1")
    assert (info.name, info.description, info.count, info.read, ids) == (
        "Week 1",
        "to read first",
        0,
        0,
        [],
    )
    with pytest.raises(ReaderError, match="exists already"):
        lib.create_list("WEEK 1")
    with pytest.raises(ReaderError):
        lib.create_list("  ")
    assert [item.name for item in lib.lists()] == ["Week 1"]


def test_add_to_list_at_the_end_and_at_a_position(lib: Library):
    lib.create_list("L")
    assert lib.add_to_list("L", [3, 1]) == 2
    assert order(lib, "L") == [3, 1]
    assert lib.add_to_list("L", [5]) == 1
    assert order(lib, "L") == [3, 1, 5]
    assert lib.add_to_list("L", [2], at=1) == 1
    assert order(lib, "L") == [2, 3, 1, 5]
    assert lib.add_to_list("L", [4], at=3) == 1
    assert order(lib, "L") == [2, 3, 4, 1, 5]
    assert lib.add_to_list("L", [1, 2]) == 0  # already there: nothing moves
    assert order(lib, "L") == [2, 3, 4, 1, 5]


def test_add_to_list_past_the_end_appends(lib: Library):
    lib.create_list("L")
    lib.add_to_list("L", [1])
    lib.add_to_list("L", [2, 2, 3], at=99)
    assert order(lib, "L") == [1, 2, 3]


def test_add_to_list_refusals(lib: Library):
    lib.create_list("L")
    lib.add_to_list("L", [1])
    with pytest.raises(ReaderError, match="positions start at 1"):
        lib.add_to_list("L", [2], at=0)
    with pytest.raises(ReaderError, match="no reading list named 'Nope'"):
        lib.add_to_list("Nope", [1])
    assert order(lib, "L") == [1]


def test_remove_from_list(lib: Library):
    lib.create_list("L")
    lib.add_to_list("L", [1, 2, 3, 4])
    assert lib.remove_from_list("L", [2, 4, 5]) == 2
    assert order(lib, "L") == [1, 3]
    assert lib.remove_from_list("L", [5]) == 0
    assert lib.count() == 5
    lib.add_to_list("L", [2], at=2)
    assert order(lib, "L") == [1, 2, 3]


def test_move_in_list(lib: Library):
    lib.create_list("L")
    lib.add_to_list("L", [1, 2, 3, 4])
    assert lib.move_in_list("L", 4, 1) == 1
    assert order(lib, "L") == [4, 1, 2, 3]
    assert lib.move_in_list("L", 4, 3) == 3
    assert order(lib, "L") == [1, 2, 4, 3]
    assert lib.move_in_list("L", 1, 50) == 4
    assert order(lib, "L") == [2, 4, 3, 1]
    with pytest.raises(ReaderError, match="not in L"):
        lib.move_in_list("L", 5, 1)
    with pytest.raises(ReaderError, match="positions start at 1"):
        lib.move_in_list("L", 1, 0)
    assert order(lib, "L") == [2, 4, 3, 1]


def test_list_keeps_when_papers_were_added(lib: Library):
    lib.create_list("L")
    lib.add_to_list("L", [1, 2])
    added = dict(lib.db.execute("SELECT paper_id, added FROM list_items"))
    lib.move_in_list("L", 2, 1)
    lib.add_to_list("L", [3], at=1)
    after = dict(lib.db.execute("SELECT paper_id, added FROM list_items"))
    assert after[1] == added[1] and after[2] == added[2]


def test_rename_list(lib: Library):
    lib.create_list("Old", "desc")
    lib.add_to_list("Old", [2, 1])
    lib.create_list("Other")
    lib.rename_list("old", "New name")
    info, ids = lib.reading_list("New name")
    assert (info.name, info.description, ids) == ("New name", "desc", [2, 1])
    with pytest.raises(ReaderError):
        lib.reading_list("Old")
    with pytest.raises(ReaderError, match="exists already"):
        lib.rename_list("New name", "other")
    lib.rename_list("New name", "NEW NAME")
    assert [item.name for item in lib.lists()] == ["NEW NAME", "Other"]


def test_delete_list_keeps_the_papers(lib: Library):
    lib.create_list("L")
    lib.add_to_list("L", [1, 2, 3])
    lib.rate(2, 4)
    assert lib.delete_list("l") == 3
    assert lib.lists() == []
    assert lib.count() == 5
    assert lib.paper(2).rating == 4
    assert lib.paper(1).lists == ()
    with pytest.raises(ReaderError):
        lib.delete_list("L")


def test_list_progress_and_membership(lib: Library):
    lib.create_list("B list")
    lib.create_list("a list")
    lib.add_to_list("B list", [1, 2, 3])
    lib.add_to_list("a list", [1])
    lib.set_status(1, "read")
    lib.set_status(2, "reading")
    lists = {item.name: item for item in lib.lists()}
    assert [item.name for item in lib.lists()] == ["a list", "B list"]
    assert (lists["B list"].count, lists["B list"].read) == (3, 1)
    assert lists["B list"].progress == "1 of 3 read"
    assert lists["a list"].progress == "1 of 1 read"
    assert lib.paper(1).lists == ("a list", "B list")
    assert lib.paper(4).lists == ()


# -- undo --------------------------------------------------------------------------------------

Action = Callable[[Library], object]

UNDOABLE: list[tuple[str, Action, str]] = [
    ("tag-new", lambda lib: lib.tag(2, ["fresh", "Other/Sub"]), "tagged"),
    ("tag-existing", lambda lib: lib.tag(2, ["ml"]), "tagged"),
    ("tag-existing-case", lambda lib: lib.tag(6, ["VISION"]), "tagged"),
    ("untag", lambda lib: lib.untag(4, ["ml", "vision/detection"]), "untagged"),
    ("rename-tag", lambda lib: lib.rename_tag("nlp", "language"), "renamed tag"),
    ("merge-tag", lambda lib: lib.rename_tag("ml", "nlp"), "renamed tag"),
    ("delete-tag", lambda lib: lib.delete_tag("ml"), "deleted tag"),
    ("rate", lambda lib: lib.rate(2, 4), "rated"),
    ("re-rate", lambda lib: lib.rate(1, 2), "rated"),
    ("clear-rating", lambda lib: lib.rate(1, 0), "cleared the rating"),
    ("status-read", lambda lib: lib.set_status(2, "read"), "read"),
    ("status-unread", lambda lib: lib.set_status(1, "unread"), "unread"),
    ("cycle-status", lambda lib: lib.cycle_status(3), "read"),
    ("add-note", lambda lib: lib.add_note(2, "another note", quote="Transformer"), "annotated"),
    ("add-first-note", lambda lib: lib.add_note(5, "first note here"), "annotated"),
    ("edit-note", lambda lib: lib.edit_note(1, "changed body", quote=""), "edited a note"),
    ("delete-note", lambda lib: lib.delete_note(1), "deleted a note"),
    ("create-list", lambda lib: lib.create_list("Fresh", "new"), "created list"),
    ("add-to-list", lambda lib: lib.add_to_list("Week 1", [4, 5]), "added"),
    ("add-to-list-at", lambda lib: lib.add_to_list("Week 1", [2], at=1), "added"),
    ("remove-from-list", lambda lib: lib.remove_from_list("Week 1", [3]), "removed"),
    ("move-in-list", lambda lib: lib.move_in_list("Week 1", 1, 1), "moved"),
    ("rename-list", lambda lib: lib.rename_list("Week 1", "Week One"), "renamed list"),
    ("describe-list", lambda lib: lib.describe_list("Week 1", "changed"), "described list"),
    ("delete-list", lambda lib: lib.delete_list("Week 1"), "deleted list"),
]


@pytest.mark.parametrize(
    ("action", "fragment"),
    [(action, fragment) for _, action, fragment in UNDOABLE],
    ids=[name for name, _, _ in UNDOABLE],
)
def test_undo_restores_the_exact_previous_state(curated: Library, action: Action, fragment: str):
    assert curated.notes(2)[0].id == 1
    before = state(curated)
    history = curated.undo_history()
    action(curated)
    assert state(curated) != before, "the action should change something"
    assert len(curated.undo_history()) == len(history) + 1
    description = curated.undo()
    assert fragment in description
    assert state(curated) == before
    assert curated.undo_history() == history


def test_undo_restores_search_indexes(curated: Library):
    curated.edit_note(1, "all about okapis")
    assert curated.search("okapis").ids == [2]
    curated.undo()
    assert curated.search("zebra").ids == [2]
    assert curated.search("okapis", fuzzy=False).ids == []
    curated.delete_note(1)
    curated.undo()
    assert curated.search("zebra").ids == [2]


def test_undo_walks_back_most_recent_first(lib: Library):
    steps = [
        lambda: lib.tag(1, ["a"]),
        lambda: lib.tag(2, ["a"]),
        lambda: lib.tag(3, ["A", "b"]),
        lambda: lib.rate(1, 5),
        lambda: lib.set_status(1, "read"),
        lambda: lib.add_note(1, "n1"),
        lambda: lib.create_list("L"),
        lambda: lib.add_to_list("L", [1, 2, 3]),
        lambda: lib.move_in_list("L", 3, 1),
        lambda: lib.rename_list("L", "M"),
        lambda: lib.rename_tag("a", "c"),
        lambda: lib.untag(2, ["c"]),
        lambda: lib.delete_tag("b"),
        lambda: lib.remove_from_list("M", [1]),
        lambda: lib.delete_list("M"),
    ]
    states = [state(lib)]
    for step in steps:
        step()
        states.append(state(lib))
    history = lib.undo_history(limit=100)
    assert len(history) == len(steps)
    assert history[0].description.startswith("deleted list M")
    for expected in reversed(states[:-1]):
        lib.undo()
        assert state(lib) == expected
    with pytest.raises(ReaderError, match="nothing to undo"):
        lib.undo()


def test_undo_with_nothing_to_undo(library: Library):
    with pytest.raises(ReaderError, match="nothing to undo"):
        library.undo()
    library.import_listings([listing(SEARCH_PAPERS)])
    with pytest.raises(ReaderError, match="nothing to undo"):  # imports are not curation
        library.undo()


def test_undo_history_is_newest_first_and_limited(lib: Library):
    lib.tag(1, ["x"])
    lib.rate(2, 3)
    lib.set_status(3, "read")
    history = lib.undo_history()
    assert [entry.description.split()[0] for entry in history] == ["marked", "rated", "tagged"]
    assert "'LoRA: Low-Rank Adaptation of Large Language Models'" in history[0].description
    assert history[0].created.endswith("Z")
    assert [entry.id for entry in history] == sorted((e.id for e in history), reverse=True)
    assert len(lib.undo_history(limit=2)) == 2


def test_undo_history_survives_reopening(tmp_path: Path):
    path = tmp_path / "lib.db"
    with Library(path) as lib:
        lib.import_listings([listing(SEARCH_PAPERS)])
        before = state(lib)
        lib.tag(1, ["x"])
        lib.rate(1, 4)
        descriptions = [entry.description for entry in lib.undo_history()]
    with Library(path) as lib:
        assert [entry.description for entry in lib.undo_history()] == descriptions
        assert lib.undo().startswith("rated")
        assert lib.undo().startswith("tagged")
        assert state(lib) == before


def test_a_failed_change_records_no_undo(lib: Library):
    lib.create_list("L")
    history = lib.undo_history()
    for bad in (
        lambda: lib.tag(1, ["bad name"]),
        lambda: lib.rate(1, 9),
        lambda: lib.create_list("l"),
        lambda: lib.move_in_list("L", 1, 1),
        lambda: lib.rename_tag("ghost", "x"),
    ):
        with pytest.raises(ReaderError):
            bad()
    assert lib.undo_history() == history


# -- two processes -----------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from reader.store import Library

    path, who, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    lib = Library(path)
    (go.parent / f"ready-{who}").touch()
    while not go.exists():
        time.sleep(0.005)
    for i in range(50):
        paper = i % 5 + 1
        if i % 2:
            lib.tag(paper, [f"{who}-{i}"])
        else:
            lib.add_note(paper, f"{who} note {i}")
    lib.close()
    print("done", who)
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path):
    path = tmp_path / "lib.db"
    with Library(path) as lib:
        lib.import_listings([listing(SEARCH_PAPERS)])
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), who, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for who in ("p", "q")
    ]
    # Start both writers together once both have opened the library.
    for _ in range(3000):
        if (tmp_path / "ready-p").exists() and (tmp_path / "ready-q").exists():
            break
        if any(proc.poll() is not None for proc in procs):
            break
        time.sleep(0.01)
    go.touch()
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert out.startswith("done")
    with Library(path) as lib:
        names = {tag.name for tag in lib.tags()}
        assert names == {f"{who}-{i}" for who in "pq" for i in range(1, 50, 2)}
        notes = [note.body for paper_id in range(1, 6) for note in lib.notes(paper_id)]
        assert sorted(notes) == sorted(f"{who} note {i}" for who in "pq" for i in range(0, 50, 2))
        assert len(lib.undo_history(limit=1000)) == 100
        assert sum(tag.count for tag in lib.tags()) == 50


def test_paper_keys_match_the_parser(lib: Library):
    for paper in lib.papers(all_ids(lib)):
        assert paper.key == paper_key(paper.title)


def test_tags_are_one_tree_whatever_the_case(lib: Library):
    lib.tag(1, ["nlp/llm/quantization"])
    assert lib.tag(2, ["NLP/LLM"]) == ["nlp/llm"]
    assert lib.tag(3, ["Nlp/Fine-Tuning"]) == ["nlp/Fine-Tuning"]
    assert [tag.name for tag in lib.tags()] == [
        "nlp/Fine-Tuning",
        "nlp/llm",
        "nlp/llm/quantization",
    ]


def test_renaming_a_tag_moves_its_subtree_and_undo_moves_it_back(lib: Library):
    lib.tag(1, ["nlp", "nlp/fine-tuning"])
    lib.tag(2, ["nlp/llm", "language/llm"])
    assert lib.rename_tag("NLP", "language") is True  # nlp/llm merges into language/llm
    assert [tag.name for tag in lib.tags()] == ["language", "language/fine-tuning", "language/llm"]
    assert lib.paper(2).tags == ("language/llm",)
    assert lib.search("tag:language").ids == [1, 2]
    with pytest.raises(ReaderError, match="inside itself"):
        lib.rename_tag("language", "language/sub")
    lib.undo()
    assert [tag.name for tag in lib.tags()] == ["language/llm", "nlp", "nlp/fine-tuning", "nlp/llm"]


def test_tagging_many_papers_is_one_undoable_change(lib: Library):
    change = lib.tag_many([1, 2, 3], ["batch"])
    assert change.papers == 3 and change.names == ["batch"]
    assert lib.tag_many([1, 2, 3], ["batch"]).papers == 0
    assert lib.undo_history(1)[0].description == "tagged 3 papers with batch"
    assert lib.untag_many([1, 2], ["batch"]).papers == 2
    lib.undo()
    lib.undo()
    assert lib.search("tag:batch").ids == []


def test_redo_makes_an_undone_change_again_until_a_new_change(lib: Library):
    lib.tag(1, ["x"])
    lib.rate(1, 4)
    lib.undo()
    lib.undo()
    assert lib.paper(1).tags == () and lib.paper(1).rating is None
    assert [entry.description for entry in lib.redo_history()][0].startswith("tagged")
    lib.redo()
    assert lib.paper(1).tags == ("x",)
    lib.redo()
    assert lib.paper(1).rating == 4
    with pytest.raises(ReaderError, match="nothing to redo"):
        lib.redo()
    lib.undo()
    lib.set_status(1, "read")  # a new change: the undone rating cannot come back
    with pytest.raises(ReaderError, match="nothing to redo"):
        lib.redo()
    lib.undo()
    lib.undo()
    assert lib.paper(1).tags == ()


def test_adding_and_removing_tags_at_once_is_one_undoable_change(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as library:
        library.import_listings([listing([EXTRA])])
        library.tag(1, ["old", "keep"])
        added, removed = library.retag_many([1], ["new"], ["old", "absent"])
        assert added.names == ["new"] and removed.names == ["old"]
        assert set(library.paper(1).tags) == {"keep", "new"}
        assert library.undo_history()[0].description.endswith("added new; removed old, absent")
        library.undo()
        assert set(library.paper(1).tags) == {"keep", "old"}
        assert library.retag_many([1], [], []) == (TagChange([], 0), TagChange([], 0))


def test_a_write_knows_whether_another_connection_committed_since_its_last(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib.db"
    with Library(path) as mine, Library(path) as theirs:
        mine.import_listings([listing([EXTRA])])
        assert not mine.take_changed_elsewhere()  # nobody else wrote since it opened
        theirs.rate(1, 4)
        assert not mine.take_changed_elsewhere()  # known only at its next write
        mine.tag(1, ["mine"])
        assert mine.take_changed_elsewhere()
        assert not mine.take_changed_elsewhere()  # asked once
        mine.tag(1, ["again"])
        assert not mine.take_changed_elsewhere()


def test_has_papers_says_whether_any_paper_is_left(library: Library) -> None:
    """What the app asks before its first frame (the welcome screen or the library)."""
    assert not library.has_papers()
    library.import_listings([listing(SEARCH_PAPERS)])
    assert library.has_papers() and library.count() == 5
    library.remove([1, 2, 3, 4])
    assert library.has_papers()
    library.remove([5])
    assert not library.has_papers() and library.count() == 0
