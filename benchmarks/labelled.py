"""What to read next, measured: related papers and recommendations on a labelled library, and
the relevance score of search.

The generator draws every paper from one topic and records it (``labels.tsv``). A copy of the
benchmark library gets 1,000 new papers (a later import, so they are new) while the earlier
papers are marked as triaged long ago, as in a library in use; then some papers of one topic are
rated 5 stars. Reported, each beside what picking at random would give:

* precision@10 of related papers: for sample papers, the share of ``Library.related(id, 10)``
  with the paper's own topic (random: the share of the library in that topic);
* precision@20 of recommendations: the share of the first 20 of
  ``Library.recommend(the new papers)`` in the rated topic (random: its share of the new papers);

and how long each takes, and the triage screen's move to the next paper (``app_driver triage``).
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import time
from pathlib import Path

from benchmarks.generate import Dump, new_papers, read_labels
from benchmarks.processes import log, reader_command, remove_db, run, run_driver
from benchmarks.suite import Plan, Suite

NEW_PAPERS = 1_000
RATED_TOPIC = "graphs"  # a topic of middling size: 6% of papers
RATED_PAPERS = 20
RELATED_QUERIES = 50
RELATED_PRECISION = 0.8
RECOMMEND_PRECISION = 0.7
RELATED_MS = 150.0
RECOMMEND_S = 1.0
TRIAGE_MS = 50.0


def copy_library(source: Path, target: Path) -> None:
    """A consistent copy through SQLite (the source may have a write-ahead log)."""
    remove_db(target)
    original, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        original.backup(copy)
    finally:
        original.close()
        copy.close()


def build(suite: Suite, plan: Plan, corpus: Dump, library: Path) -> tuple[Path, dict, list[int]]:
    """The labelled copy: new papers imported, the old ones triaged, one topic rated."""
    from reader.store import Library

    quick = plan.papers < plan.nominal
    count = min(NEW_PAPERS, max(100, plan.papers // 10)) if quick else NEW_PAPERS
    new = new_papers(count, corpus, suite.cache, seed=suite.seed)
    db = suite.dbs / f"labelled-{plan.papers}.db"
    copy_library(library, db)
    done = run(reader_command(db, "import", "--json", str(new.path)), suite.env)
    if json.loads(done.stdout)["added"] != count:
        raise RuntimeError(f"the {count} new papers were not all added: {done.stdout}")
    labels = read_labels(corpus.labels) | read_labels(new.labels)
    new_keys = set(read_labels(new.labels))
    rng = random.Random(f"{suite.seed}-labelled")
    with Library(db) as lib:
        rows = lib.db.execute("SELECT id, key FROM papers").fetchall()
        topics = {paper_id: labels[key] for paper_id, key in rows}
        new_ids = sorted(paper_id for paper_id, key in rows if key in new_keys)
        with lib.write():  # the earlier papers were triaged long ago
            lib.db.execute(
                "UPDATE papers SET triage = 'seen' WHERE triage = 'new' AND id < ?", [new_ids[0]]
            )
        rated = rng.sample(
            sorted(
                pid for pid, topic in topics.items() if topic == RATED_TOPIC and pid < new_ids[0]
            ),
            RATED_PAPERS,
        )
        lib.rate(rated, 5)
        lib.clear_undo()
    suite.detail(plan, "labelled", {"new_papers": count, "rated": rated, "topic": RATED_TOPIC})
    return db, topics, new_ids


def measure(suite: Suite, plan: Plan, corpus: Dump, library: Path) -> None:
    from reader.store import Library

    log(f"labelled benchmark: related papers and recommendations, {plan.papers:,} papers")
    db, topics, new_ids = build(suite, plan, corpus, library)
    old = [pid for pid in topics if pid < new_ids[0]]
    share = {
        topic: sum(1 for pid in old if topics[pid] == topic) / len(old)
        for topic in set(topics.values())
    }
    rng = random.Random(f"{suite.seed}-queries")
    queries = rng.sample(old, min(RELATED_QUERIES, len(old)) if not suite.quick else 10)
    related_ms, precisions, baselines = [], [], []
    with Library(db, readonly=True) as lib:
        lib.related(queries[0], 10)  # the first call reads the index from disk
        for paper_id in queries:
            start = time.perf_counter()
            found = lib.related(paper_id, 10)
            related_ms.append((time.perf_counter() - start) * 1000)
            same = sum(1 for item in found if topics[item.paper_id] == topics[paper_id])
            precisions.append(same / 10)
            baselines.append(share[topics[paper_id]])
        recommend_s, ranked = [], []
        for _ in range(suite.runs()):
            start = time.perf_counter()
            ranked = lib.recommend(new_ids)
            recommend_s.append(time.perf_counter() - start)
    top = [item.paper_id for item in ranked[:20]]
    in_topic = sum(1 for pid in top if topics[pid] == RATED_TOPIC)
    new_share = sum(1 for pid in new_ids if topics[pid] == RATED_TOPIC) / len(new_ids)
    suite.add(
        plan,
        "related_precision",
        "related papers: precision@10 (same topic)",
        "",
        [statistics.mean(precisions)],
        RELATED_PRECISION,
        stat="min",
        higher=True,
        note=f"mean over {len(queries)} papers",
    )
    suite.add(
        plan,
        "related_precision_random",
        "related papers: precision@10 picking at random",
        "",
        [statistics.mean(baselines)],
    )
    suite.add(
        plan,
        "recommend_precision",
        f"recommendations: precision@20 among {len(new_ids):,} new papers",
        "",
        [in_topic / min(20, len(top) or 1)],
        RECOMMEND_PRECISION,
        stat="min",
        higher=True,
        note=f"{RATED_PAPERS} papers about {RATED_TOPIC} rated 5 stars",
    )
    suite.add(
        plan,
        "recommend_precision_random",
        "recommendations: precision@20 picking at random",
        "",
        [new_share],
    )
    suite.add(plan, "related_time", "Library.related(id, 10)", "ms", related_ms, RELATED_MS)
    suite.add(
        plan,
        "recommend_time",
        f"Library.recommend({len(new_ids):,} new papers)",
        "s",
        recommend_s,
        RECOMMEND_S,
    )
    triage(suite, plan, db)


def triage(suite: Suite, plan: Plan, db: Path) -> None:
    log(f"triage screen, {plan.papers:,} papers")
    moves = 6 if suite.quick else 30
    data = run_driver(["triage", str(db), "--moves", str(moves)], suite.env)
    suite.detail(plan, "triage", data)
    suite.add(
        plan,
        "triage_order",
        f"triage: screen open to the first paper ({data['new_papers']:,} new, ranked)",
        "ms",
        [data["order_ms"]],
    )
    suite.add(
        plan,
        "triage_next",
        "triage: Space or x to the next paper drawn",
        "ms",
        [move["ms"] for move in data["moves"]],
        TRIAGE_MS,
    )


def relevance(suite: Suite, plan: Plan) -> None:
    """``reader.relevance.relevance_score()``: search's fixture of well-known papers."""
    from reader.relevance import relevance_score

    log("relevance score of search (tests/fixtures/relevance)")
    score = relevance_score()
    suite.details["relevance"] = score
    size = score["papers"]
    runs = f"{score['runs']} query runs"
    for key, label, value in (
        ("relevance_mrr", f"search relevance: MRR ({runs})", score["mrr"]),
        ("relevance_first", "search relevance: first result right", score["first_right"]),
        ("relevance_met", "search relevance: expectations met", score["met_share"]),
    ):
        suite.add(plan, key, label, "", [value], papers=size)
