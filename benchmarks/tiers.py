"""What each tier measures, in order. A tier's figures are stated for its size; ``--quick``
runs them at a few hundred papers (no targets then).

``10k``: the benchmark corpus imported beside bare SQLite; a BibTeX file of as many entries
imported; that library curated and exported whole in every format.

``100k``: the corpus (many files) and one ~140 MB listing imported beside bare SQLite; the
labelled benchmark (related papers, recommendations, triage) on a copy; the library curated;
``reader tag/rate/status/show`` and ``reader papers``; the app's cold start and sessions.

``1M``: the arXiv snapshot imported beside bare SQLite with its peak memory and the library's
size; the same commands and app figures on the million papers (not in a quick run: they are
the code paths of the 100k tier, and the smoke test must stay short).
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks import app, commands, formats, generate, imports, labelled
from benchmarks.processes import log, remove_db
from benchmarks.suite import REFERENCE, Plan, Suite

BIBTEX_TARGET = 1.5
SNAPSHOT_MEMORY = 500.0
SNAPSHOT_SIZE = 1.5
# New papers in the listing imported before the last app session (a busy day on arXiv's CS).
DAILY_PAPERS = 500


def megabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def corpus(suite: Suite, plan: Plan, ratio_target: float | None) -> tuple[generate.Dump, Path]:
    dump = generate.corpus(plan.papers, suite.cache, seed=suite.seed)
    library = suite.dbs / f"listings-{plan.papers}.db"
    imports.import_vs_bare(
        suite,
        plan,
        dump,
        key="import_listings",
        label=f"listings in {dump.files:,} files" if dump.files > 1 else "one listing file",
        kind="listing",
        library=library,
        ratio_target=ratio_target,
    )
    return dump, library


def daily_listing(suite: Suite, after: generate.Dump) -> generate.Dump:
    """A day's listing of new papers, imported before the last app session."""
    return generate.new_papers(DAILY_PAPERS, after, suite.cache, seed=suite.seed)


def tier_10k(suite: Suite, plan: Plan) -> None:
    if not suite.quick:  # the quick run imports the corpus in the 100k tier
        corpus(suite, plan, None)  # the ratio's target is stated for 100,000 papers
    dump = formats.bibtex(plan.papers, suite.cache, seed=suite.seed)
    library = imports.bibtex_import(
        suite, plan, dump, suite.dbs / f"bibtex-{plan.papers}.db", BIBTEX_TARGET
    )
    commands.curate(library, plan.papers, suite.seed)
    commands.exports(suite, plan, library, plan.papers)


def tier_100k(suite: Suite, plan: Plan) -> None:
    dump, library = corpus(suite, plan, imports.RATIO_TARGET)
    one = generate.one_file(plan.papers, suite.cache, seed=suite.seed)
    kept = suite.dbs / f"one-file-{plan.papers}.db"
    label = f"one listing of {megabytes(one.bytes)}"
    imports.import_vs_bare(
        suite, plan, one, key="import_one_file", label=label, kind="listing", library=kept
    )
    remove_db(kept)
    labelled.measure(suite, plan, dump, library)
    paper = commands.curate(library, plan.papers, suite.seed)
    commands.edits(suite, plan, library, paper)
    commands.searches(suite, plan, library, commands.SEARCH_TARGET)
    app.cold_start(suite, plan, library)
    app.sessions(suite, plan, library, daily_listing(suite, dump))


def tier_1m(suite: Suite, plan: Plan) -> None:
    started = time.perf_counter()
    dump = formats.snapshot(plan.papers, suite.cache, seed=suite.seed)
    log(f"arXiv snapshot of {plan.papers:,} papers ready ({time.perf_counter() - started:.0f} s)")
    library = suite.dbs / f"snapshot-{plan.papers}.db"
    imports.import_vs_bare(
        suite,
        plan,
        dump,
        key="import_snapshot",
        label=f"arXiv snapshot of {megabytes(dump.bytes)}",
        kind="snapshot",
        library=library,
        memory_target=SNAPSHOT_MEMORY,
        size_target=SNAPSHOT_SIZE,
    )
    if suite.quick:
        return
    paper = commands.curate(library, plan.papers, suite.seed)
    commands.edits(suite, plan, library, paper)
    commands.searches(suite, plan, library, None)
    app.cold_start(suite, plan, library)
    app.sessions(suite, plan, library, daily_listing(suite, dump))


def references(suite: Suite) -> None:
    plan = Plan(REFERENCE, 0)
    commands.references(suite, plan)
    labelled.relevance(suite, plan)


TIER_RUNS = {"10k": tier_10k, "100k": tier_100k, "1M": tier_1m}
