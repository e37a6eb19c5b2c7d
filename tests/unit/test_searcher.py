"""The app's searcher without the app: results, scope totals, stale searches, closing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.demo import DEMO_LIST, create_demo_library
from reader.query import QueryError
from reader.searcher import Searcher
from reader.store import Library


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return create_demo_library(tmp_path)


@pytest.fixture
def searcher(demo: Path) -> Iterator[Searcher]:
    searcher = Searcher(demo)
    try:
        yield searcher
    finally:
        searcher.close()


def count_searches(searcher: Searcher) -> list[str]:
    """Record every query the searcher's connection runs."""
    queries: list[str] = []
    search = searcher.library.search

    def counted(query: str, **kwargs: object) -> object:
        queries.append(query)
        return search(query, **kwargs)  # type: ignore[arg-type]

    searcher.library.search = counted  # type: ignore[method-assign]
    return queries


def test_the_results_and_the_size_of_the_scope(searcher: Searcher, demo: Path) -> None:
    with Library(demo) as library:
        everything = library.search("", fuzzy=False).ids
        diffusion = library.search("diffusion", typing=True).ids
        vision = library.search("tag:vision", fuzzy=False).ids
        vision_diffusion = library.search("tag:vision diffusion", typing=True).ids
        listed = library.reading_list(DEMO_LIST)[1]

    found = searcher.search("")
    assert found is not None
    assert found.result.ids == everything and found.total == len(everything)

    found = searcher.search("diffusion")
    assert found is not None
    assert found.result.ids == diffusion and found.total == len(everything)
    assert 0 < len(diffusion) < len(everything)

    found = searcher.search("diffusion", "tag:vision")
    assert found is not None
    assert found.result.ids == vision_diffusion and found.total == len(vision)

    found = searcher.search("  ", list_name=DEMO_LIST)
    assert found is not None
    assert found.result.ids == listed and found.total == len(listed)  # in the list's order


def test_a_typo_falls_back_to_close_titles(searcher: Searcher) -> None:
    found = searcher.search("difusion")
    assert found is not None
    assert found.result.fuzzy and found.result.ids
    assert found.result.corrections["difusion"][0] == "diffusion"


def test_a_malformed_query_raises(searcher: Searcher) -> None:
    with pytest.raises(QueryError):
        searcher.search("rating:9")
    assert searcher.search("rating:4") is not None  # the lock was let go


def test_the_scope_total_is_counted_once_per_data_version(searcher: Searcher, demo: Path) -> None:
    queries = count_searches(searcher)
    first = searcher.search("diff", "tag:vision")
    assert queries == ["tag:vision", "tag:vision diff"]
    queries.clear()
    searcher.search("diffu", "tag:vision")
    searcher.search("diffus", "tag:vision")
    assert queries == ["tag:vision diffu", "tag:vision diffus"]  # the total came from the cache

    with Library(demo) as other:  # another process changes the library
        paper = other.search("-tag:vision", fuzzy=False).ids[0]
        other.tag(paper, ["vision"])
    queries.clear()
    again = searcher.search("diffus", "tag:vision")
    assert queries == ["tag:vision", "tag:vision diffus"]
    assert first is not None and again is not None
    assert again.total == first.total + 1

    queries.clear()
    searcher.search("diffus", "")  # another scope is counted for itself
    assert queries == ["", "diffus"]


def test_a_stale_search_answers_none_without_searching(searcher: Searcher) -> None:
    queries = count_searches(searcher)
    assert searcher.search("diffusion", stale=lambda: True) is None
    assert queries == []


def test_a_search_made_stale_while_it_waited_gives_way(searcher: Searcher) -> None:
    """One search holds the connection; the next is overtaken by a keystroke while it waits."""
    running = threading.Event()
    go_on = threading.Event()
    search = searcher.library.search
    queries: list[str] = []

    def held(query: str, **kwargs: object) -> object:
        queries.append(query)
        running.set()
        go_on.wait(10)
        return search(query, **kwargs)  # type: ignore[arg-type]

    searcher.library.search = held  # type: ignore[method-assign]
    typed = ["dif"]
    answers: dict[str, object] = {}

    def ask(text: str) -> None:
        answers[text] = searcher.search(text, stale=lambda: typed[-1] != text)

    first = threading.Thread(target=ask, args=("dif",))
    first.start()
    assert running.wait(10)
    typed.append("diff")
    second = threading.Thread(target=ask, args=("diff",))
    second.start()
    time.sleep(0.05)  # the second search now waits for the connection
    typed.append("diffu")  # a newer keystroke
    go_on.set()
    first.join(10)
    second.join(10)
    assert answers["dif"] is not None  # it had started: the screen drops it by generation
    assert answers["diff"] is None
    assert queries == ["", "dif"]  # the second never reached the library


def test_close_interrupts_a_running_search_then_closes(demo: Path) -> None:
    searcher = Searcher(demo)
    library = searcher.library
    events: list[str] = []
    started = threading.Event()
    library.db.conn.create_function("nap", 1, time.sleep)
    slow = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) "
        "SELECT max(nap(0.01)) FROM c"
    )  # half a minute, unless interrupted

    def slow_search(*args: object, **kwargs: object) -> object:
        events.append("search started")
        started.set()
        try:
            return library.db.execute(slow).fetchone()
        finally:
            events.append("search ended")

    close = library.close

    def recorded_close() -> None:
        events.append("closed")
        close()

    library.search = slow_search  # type: ignore[method-assign]
    library.close = recorded_close  # type: ignore[method-assign]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            searcher.search("tiny")
        except Exception as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(10)
    begun = time.monotonic()
    searcher.close()
    assert time.monotonic() - begun < 3
    thread.join(10)
    assert events == ["search started", "search ended", "closed"]
    assert errors and "interrupt" in str(errors[0]).lower()
    assert searcher.search("anything") is None  # after closing: no answer, no error
    searcher.close()  # twice is harmless
    assert events.count("closed") == 1
