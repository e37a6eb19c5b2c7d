"""Related papers and recommendations on a small library of three clear topics."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from test_cli import Reader

from reader.importers.listing import parse_listing
from reader.models import ReaderError
from reader.store import Library

TOPICS = {
    "protein": "protein folding residues amino chains structure enzymes binding sequence",
    "galaxy": "galaxy clusters dark matter redshift telescope stellar cosmology halos",
    "translation": "machine translation sentences bilingual corpora encoder decoder language",
}


def papers(seed: int, count: int) -> list[tuple[str, str, str]]:
    """(topic, title, abstract): each paper draws most of its words from its topic."""
    rng = random.Random(seed)
    shared = "we study a method and report results on several benchmarks with ablations".split()
    made = []
    for index in range(count):
        topic = list(TOPICS)[index % 3]
        words = TOPICS[topic].split()
        title = " ".join(rng.sample(words, 3)).title() + f" {seed}-{index}"
        abstract = " ".join(
            rng.choice(words) if rng.random() < 0.6 else rng.choice(shared) for _ in range(60)
        )
        made.append((topic, title, abstract))
    return made


def listing(rows: list[tuple[str, str, str]], name: str) -> object:
    body = "".join(f"{title}\n\n{abstract}\n\n" for _, title, abstract in rows)
    return parse_listing(f"new\n\nMar 11\n\n{body}", name)


@pytest.fixture
def library(tmp_path: Path):  # type: ignore[no-untyped-def]
    first = papers(1, 30)
    with Library(tmp_path / "lib.db") as lib:
        lib.import_listings([listing(first, "first.txt")])
        for paper_id in range(1, 31):
            lib.db.execute("UPDATE papers SET triage = 'seen' WHERE id = ?", [paper_id])
        second = papers(2, 30)
        lib.import_listings([listing(second, "second.txt")])
        lib.topics = {i + 1: topic for i, (topic, _, _) in enumerate(first + second)}
        yield lib


def test_related_papers_come_from_the_same_cluster(library: Library) -> None:
    for paper_id in (1, 2, 3):
        found = library.related(paper_id, 10)
        assert len(found) == 10
        assert all(library.topics[item.paper_id] == library.topics[paper_id] for item in found)
        assert all(0 < item.score <= 1 for item in found)
        assert [item.score for item in found] == sorted(
            (item.score for item in found), reverse=True
        )


def test_related_is_a_query_term_ranked_by_similarity(library: Library) -> None:
    ids = library.search("related:1").ids
    assert ids[:10] == [item.paper_id for item in library.related(1, 10)]
    assert 1 not in ids
    with pytest.raises(ReaderError, match="stands alone"):
        library.search("related:1 OR x")


def test_recommendations_follow_taste_and_sink_what_was_skipped(library: Library) -> None:
    with pytest.raises(ReaderError, match="rate papers 4 or 5"):
        library.recommend(library.new_ids())
    library.rate(1, 5)  # protein
    library.rate(4, 4)  # protein
    library.rate(2, 2)  # galaxy, disliked
    library.skip(32)  # a new galaxy paper, skipped
    found = library.recommend(library.new_ids())
    top = [library.topics[item.paper_id] for item in found[:9]]
    assert top == ["protein"] * 9
    bottom = [library.topics[item.paper_id] for item in found[-5:]]
    assert bottom == ["galaxy"] * 5
    assert (
        found[0].reason.startswith("like '")
        and "★★★★★" in found[0].reason
        or "★★★★" in found[0].reason
    )


def test_recommendations_for_one_tag(library: Library) -> None:
    for paper_id in (3, 6, 9):  # translation papers
        library.tag(paper_id, ["mt"])
    found = library.recommend(library.new_ids(), tag="mt", limit=9)
    assert {library.topics[item.paper_id] for item in found} == {"translation"}
    assert "tag mt" in found[0].reason


def test_the_cli_shows_related_and_recommended(library: Library, tmp_path: Path) -> None:
    library.rate(1, 5)
    reader = Reader(library.path)
    related = reader.json("related", "1", "--limit", "5")
    assert len(related) == 5 and all("similarity" in item for item in related)
    recommended = reader.json("recommend", "--limit", "3")
    assert len(recommended) == 3 and recommended[0]["reason"]
    assert (
        reader.json("papers", "--new", "--for-you", "--limit", "2")[0]["id"] == recommended[0]["id"]
    )
    assert "papers" in reader.ok("batches").stdout
