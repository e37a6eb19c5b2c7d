"""How well search puts first what a person wants: a fixed library, queries, and a score.

The library (about two hundred well-known papers, with first authors and years) and the queries
live in ``tests/fixtures/relevance/library.json``. Each query says what a person typing it wants
to see, in the paper ids of the fixture:

* ``first``: the first result is one of these papers;
* ``top``: ``[k, [papers]]`` pairs: each paper is among the first k results;
* ``within``: ``[k, [papers]]`` pairs: each of the first k results is one of the papers;
* ``above``: ``[a, b]`` pairs, each side a paper or a list of papers: every paper of ``a`` is
  found, and ranked above every paper of ``b`` that is found;
* ``absent``: papers that must not be found at all;
* ``fuzzy``: whether the answer must (true) or must not (false) come from the typo fallback.

``modes`` says how a query runs: ``cli`` as ``reader papers`` runs it (the last word is a prefix
unless the query ends with a space), ``typing`` as the search box runs it while typing. Every
query runs in ``cli`` mode unless its modes say otherwise.

Two kinds of expectation are known to fail. ``xfail`` names a ranking bug that makes the whole
query fail today (the test suite expects it to fail until it is fixed). ``wish`` holds further
expectations, with their own ``why``, that a person has but that search cannot meet from the
text alone (an acronym the paper never writes, say): they count in the score and are never
asserted.

The test suite asserts every other expectation and holds the score above a floor; the benchmark
reports the score. ``relevance_score()`` builds the library in a temporary folder when given
none.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.incoming import ParsedListing, ParsedPaper
from reader.keys import paper_key
from reader.models import Author
from reader.store import Library

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "relevance" / "library.json"
SOURCE = "relevance.txt"
LISTED = "Mar 11"
MODES = ("cli", "typing")
SHOWN = 6  # wrong placements named in a failure's detail


@dataclass(frozen=True)
class Check:
    """One expectation of one query, met or not, with what was seen when it was not."""

    kind: str
    met: bool
    detail: str = ""
    wish: bool = False


@dataclass(frozen=True)
class Case:
    """One query run in one mode: the ranked fixture ids and how each expectation fared."""

    query: str
    mode: str
    ranked: tuple[str, ...]
    fuzzy: bool
    checks: tuple[Check, ...]
    reciprocal_rank: float
    xfail: str | None = None  # a known ranking bug that fails this query

    @property
    def asserted(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.wish)

    @property
    def met(self) -> bool:
        """Whether every expectation that is not a wish holds."""
        return all(check.met for check in self.asserted)


def load_fixture(path: Path | str = FIXTURE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _author(name: str) -> Author:
    family, _, given = name.partition(",")
    return Author(family.strip(), given.strip())


def fixture_listing(data: dict[str, Any]) -> ParsedListing:
    papers = tuple(
        ParsedPaper(
            title=paper["title"],
            abstract=paper["abstract"],
            listed=LISTED,
            source=SOURCE,
            authors=tuple(_author(name) for name in paper.get("authors", ())),
            year=paper.get("year"),
        )
        for paper in data["papers"]
    )
    return ParsedListing(SOURCE, LISTED, papers)


def build_library(path: Path | str, data: dict[str, Any] | None = None) -> Library:
    """A new library at ``path`` holding the fixture's papers."""
    data = load_fixture() if data is None else data
    library = Library(path)
    library.import_listings([fixture_listing(data)])
    return library


def paper_ids(library: Library, data: dict[str, Any]) -> dict[int, str]:
    """The fixture id of each paper in the library, by its library id."""
    return {library.resolve(paper_key(paper["title"])): paper["id"] for paper in data["papers"]}


def referenced(query: dict[str, Any]) -> set[str]:
    """Every fixture id a query's expectations name (for checking the fixture itself)."""
    ids: set[str] = set()
    for part in (query, query.get("wish", {})):
        ids.update(part.get("first", ()))
        ids.update(part.get("absent", ()))
        for kind in ("top", "within"):
            for _, papers in part.get(kind, ()):
                ids.update(papers)
        for upper, lower in part.get("above", ()):
            ids.update(_papers(upper) + _papers(lower))
    return ids


def _papers(side: str | list[str]) -> list[str]:
    return [side] if isinstance(side, str) else list(side)


def _shown(ranked: tuple[str, ...], count: int = 5) -> str:
    if not ranked:
        return "nothing"
    return ", ".join(ranked[:count]) + (", ..." if len(ranked) > count else "")


def judge(
    expected: dict[str, Any], ranked: tuple[str, ...], fuzzy: bool, *, wish: bool = False
) -> list[Check]:
    """Each expectation in ``expected`` against the ranked fixture ids a query found."""
    position = {paper: index for index, paper in enumerate(ranked)}
    checks = []

    def check(kind: str, wrong: list[str]) -> None:
        shown = wrong[:SHOWN] + [f"{len(wrong) - SHOWN} more"] * (len(wrong) > SHOWN)
        checks.append(Check(kind, not wrong, "; ".join(shown), wish))

    if "first" in expected:
        right = bool(ranked) and ranked[0] in expected["first"]
        check("first", [] if right else [f"first came {_shown(ranked, 3)}"])
    for k, wanted in expected.get("top", ()):
        missing = [paper for paper in wanted if position.get(paper, k) >= k]
        check(f"top {k}", [f"not in the top {k}: {', '.join(missing)}"] if missing else [])
    for k, allowed in expected.get("within", ()):
        wrong = [f"{paper} is in the top {k}" for paper in ranked[:k] if paper not in allowed]
        if len(ranked) < k:
            wrong.append(f"only {len(ranked)} found")
        check(f"within {k}", wrong)
    for upper, lower in expected.get("above", ()):
        wrong = []
        for a in _papers(upper):
            if a not in position:
                wrong.append(f"{a} not found")
                continue
            wrong += [
                f"{b} ({position[b] + 1}) above {a} ({position[a] + 1})"
                for b in _papers(lower)
                if b in position and position[b] < position[a]
            ]
        check("above", wrong)
    if "absent" in expected:
        found = [paper for paper in expected["absent"] if paper in position]
        check("absent", [f"found {', '.join(found)}"] if found else [])
    if "fuzzy" in expected:
        check("fuzzy", [] if fuzzy == expected["fuzzy"] else [f"fuzzy was {fuzzy}"])
    if wish:
        return checks
    return checks + judge(expected.get("wish", {}), ranked, fuzzy, wish=True)


def wanted_first(query: dict[str, Any]) -> set[str]:
    """The papers a person wants first: ``first`` (or a wish's), else the first group listed."""
    for part in (query, query.get("wish", {})):
        if "first" in part:
            return set(part["first"])
    for kind in ("top", "within"):
        if query.get(kind):
            return set(query[kind][0][1])
    return set()


def evaluate(library: Library, data: dict[str, Any] | None = None) -> list[Case]:
    """Every query of the fixture, in each of its modes, run and judged."""
    data = load_fixture() if data is None else data
    fixture_ids = paper_ids(library, data)
    cases = []
    for query in data["queries"]:
        for mode in query.get("modes", ["cli"]):
            if mode not in MODES:
                raise ValueError(f"unknown mode {mode!r} for {query['query']!r}")
            result = library.search(query["query"], typing=mode == "typing")
            ranked = tuple(fixture_ids[paper_id] for paper_id in result.ids)
            wanted = wanted_first(query)
            rank = next((index for index, paper in enumerate(ranked) if paper in wanted), None)
            cases.append(
                Case(
                    query=query["query"],
                    mode=mode,
                    ranked=ranked,
                    fuzzy=result.fuzzy,
                    checks=tuple(judge(query, ranked, result.fuzzy)),
                    reciprocal_rank=0.0 if rank is None else 1.0 / (rank + 1),
                    xfail=query.get("xfail"),
                )
            )
    return cases


def relevance_score(
    library: Library | None = None, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The fixture's queries run on ``library`` (built from the fixture when None), scored.

    ``mrr`` is the mean reciprocal rank of the best-placed paper wanted first (see
    ``wanted_first``); ``first_right`` the share of runs whose first result is one of those;
    ``met_share`` the share of all expectations met, wishes included; ``failures`` every unmet
    expectation, with the known bug or the wish it belongs to."""
    data = load_fixture() if data is None else data
    if library is None:
        with tempfile.TemporaryDirectory() as folder:
            built = build_library(Path(folder) / "relevance.db", data)
            try:
                return relevance_score(built, data)
            finally:
                built.close()
    started = time.perf_counter()
    cases = evaluate(library, data)
    seconds = time.perf_counter() - started
    checks = [check for case in cases for check in case.checks]
    met = sum(check.met for check in checks)
    return {
        "papers": len(data["papers"]),
        "queries": len(data["queries"]),
        "runs": len(cases),
        "expectations": len(checks),
        "met": met,
        "met_share": round(met / len(checks), 4) if checks else 1.0,
        "mrr": round(sum(case.reciprocal_rank for case in cases) / len(cases), 4),
        "first_right": round(sum(case.reciprocal_rank == 1.0 for case in cases) / len(cases), 4),
        "runs_met": sum(case.met for case in cases),
        "seconds": round(seconds, 3),
        "failures": [
            {
                "query": case.query,
                "mode": case.mode,
                "expectation": check.kind,
                "detail": check.detail,
                "known": "wish" if check.wish else ("bug" if case.xfail else None),
            }
            for case in cases
            for check in case.checks
            if not check.met
        ],
    }
