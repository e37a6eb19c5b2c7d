"""Search relevance: what a person typing a query wants first, over a fixed library of papers.

The papers and the queries, each with the reason for what it expects, are in
``tests/fixtures/relevance/library.json``; ``reader.relevance`` runs and judges them (the
benchmark reports the same score). Every query is a test of its own; a query that fails today
because of a known ranking bug is marked xfail (strict, so fixing the bug shows here), and
expectations search cannot meet from the text alone are wishes that only count in the score.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reader.keys import paper_key
from reader.query import parse_query
from reader.relevance import (
    MODES,
    Case,
    build_library,
    evaluate,
    load_fixture,
    referenced,
    relevance_score,
)
from reader.store import Library

DATA = load_fixture()

# The score on the day the set was written. A change to search that lowers any of them fails;
# one that raises them should raise these too. Adding queries means setting them anew.
FLOORS = {"met_share": 0.972, "mrr": 0.978, "first_right": 0.966}


@pytest.fixture(scope="module")
def relevance_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = build_library(tmp_path_factory.mktemp("relevance") / "library.db", DATA)
    try:
        yield library
    finally:
        library.close()


@pytest.fixture(scope="module")
def cases(relevance_library: Library) -> dict[tuple[str, str], Case]:
    return {(case.query, case.mode): case for case in evaluate(relevance_library, DATA)}


def _params() -> list:
    params = []
    for query in DATA["queries"]:
        marks = [pytest.mark.xfail(reason=query["xfail"], strict=True)] if "xfail" in query else []
        for mode in query.get("modes", ["cli"]):
            params.append(
                pytest.param(query["query"], mode, marks=marks, id=f"{query['query']}|{mode}")
            )
    return params


@pytest.mark.parametrize(("query", "mode"), _params())
def test_query_puts_first_what_a_person_wants(
    cases: dict[tuple[str, str], Case], query: str, mode: str
) -> None:
    case = cases[(query, mode)]
    wrong = [f"{check.kind}: {check.detail}" for check in case.asserted if not check.met]
    assert not wrong, f"{query!r} ({mode}) found {', '.join(case.ranked[:8])}: " + " | ".join(wrong)


def test_score_stays_above_the_floor(relevance_library: Library) -> None:
    score = relevance_score(relevance_library, DATA)
    below = {name: score[name] for name, floor in FLOORS.items() if score[name] < floor}
    assert not below, f"relevance fell below {FLOORS}: {below}; failures: {score['failures']}"
    unknown = [failure for failure in score["failures"] if failure["known"] is None]
    assert not unknown
    assert score["queries"] == len(DATA["queries"]) >= 30
    assert score["seconds"] < 2


def test_score_builds_its_own_library_when_given_none(relevance_library: Library) -> None:
    own = relevance_score()
    given = relevance_score(relevance_library, DATA)
    own.pop("seconds")
    given.pop("seconds")
    assert own == given


def test_two_letters_rank_the_same_while_typing(cases: dict[tuple[str, str], Case]) -> None:
    """RL, 3D, QA are whole queries: typing them gives what the command line gives."""
    both = [query for query, mode in cases if mode == "typing" and (query, "cli") in cases]
    assert both
    for query in both:
        assert cases[(query, "typing")].ranked == cases[(query, "cli")].ranked, query


def test_fixture_is_consistent(relevance_library: Library) -> None:
    papers = DATA["papers"]
    ids = [paper["id"] for paper in papers]
    assert len(papers) >= 150
    assert len(set(ids)) == len(ids)
    assert len({paper_key(paper["title"]) for paper in papers}) == len(papers)
    assert relevance_library.count() == len(papers)
    assert all(paper["title"] and paper["abstract"] for paper in papers)
    runs = set()
    for query in DATA["queries"]:
        parse_query(query["query"])  # every query is well formed
        assert query.get("why"), query["query"]
        assert referenced(query) <= set(ids), query["query"]
        assert set(query.get("modes", ["cli"])) <= set(MODES), query["query"]
        for mode in query.get("modes", ["cli"]):
            assert (query["query"], mode) not in runs, query["query"]
            runs.add((query["query"], mode))
        if "wish" in query:
            assert query["wish"].get("why"), query["query"]
