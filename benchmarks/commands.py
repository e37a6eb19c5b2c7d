"""Whole-process figures of the command line: a library curated as a person's is, one-paper
changes and ``show``, searches, and exports of the whole library in every format.

Every command runs once untimed before its timed runs: the file cache is warm, and a command
that writes finds the library recorded as sound (reader skips its damage check while the file
is unchanged since), which is the steady state of a person's commands.
"""

from __future__ import annotations

import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.processes import forget_kept_matches, log, reader_command, timed
from benchmarks.suite import Plan, Suite

LIST_NAME = "Benchmark reading list"
LIST_SIZE = 1_000
CLI_QUERY = "diffusion model"
CLI_TYPO = "difusion"
EDIT_TARGET = 0.15
SEARCH_TARGET = 0.2
EXPORT_TARGET = 0.4
EXPORT_FORMATS = ("bibtex", "csv", "json", "markdown", "csl-json")


def curate(db: Path, papers: int, seed: int) -> int:
    """Give the library what a person adds: a reading list, tags, ratings and notes."""
    from reader.store import Library

    rng = random.Random(f"{seed}-curation")
    size = min(LIST_SIZE, papers)
    ids = rng.sample(range(1, papers + 1), size)
    tags = ["vision", "nlp", "rl", "to-cite", "reading-group", "survey", "ideas", "baseline"]
    with Library(db) as library:
        library.create_list(LIST_NAME, "Papers to read for the benchmark")
        library.add_to_list(LIST_NAME, ids)
        for paper_id in ids[: size * 3 // 10]:
            library.tag(paper_id, rng.sample(tags, rng.randint(1, 3)))
        for paper_id in ids[: size // 5]:
            library.rate(paper_id, rng.randint(1, 5))
        for paper_id in ids[: size // 10]:
            library.add_note(
                paper_id,
                "Worth comparing with our baseline; check the ablation on data size.",
                quote="Ablation studies confirm that each component contributes",
            )
        library.clear_undo()
        library.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return ids[0]


def steady(
    suite: Suite,
    what: str,
    command: Callable[[int], list[str]],
    check: Callable[[str], None] | None = None,
    runs: int | None = None,
) -> list[float]:
    """Run ``command(0)`` once untimed (not in a quick run), then ``command(1)``,
    ``command(2)``... timed."""
    if not suite.quick:
        timed(command(0), suite.env, check)
    counter = iter(range(1, 10_000))
    return suite.repeated(what, lambda: timed(command(next(counter)), suite.env, check), runs)


def references(suite: Suite, plan: Plan) -> None:
    """Python's own start and reader's import: the floor of every whole-process figure."""
    python = sys.executable
    suite.add(
        plan,
        "python_start",
        "python -c pass (reference)",
        "s",
        steady(suite, "python", lambda _: [python, "-c", "pass"]),
    )
    suite.add(
        plan,
        "import_cli_module",
        "python -c 'import reader.cli' (reference)",
        "s",
        steady(suite, "import", lambda _: [python, "-c", "import reader.cli"]),
    )


def edits(suite: Suite, plan: Plan, library: Path, paper: int) -> None:
    """``reader tag``, ``rate``, ``status`` and ``show`` of one paper; each run changes it."""
    log(f"reader tag, rate, status, show, {plan.papers:,} papers")
    ref = str(paper)
    statuses = ("reading", "read", "unread")
    cases = (
        ("cli_tag", "reader tag REF TAG", lambda n: ["tag", ref, f"bench-{n}"]),
        ("cli_rate", "reader rate REF N", lambda n: ["rate", ref, str(n % 5 + 1)]),
        ("cli_status", "reader status REF S", lambda n: ["status", ref, statuses[n % 3]]),
        ("cli_show", "reader show REF", lambda n: ["show", ref]),
    )
    for key, label, arguments in cases:
        samples = steady(
            suite, key, lambda n, arguments=arguments: reader_command(library, *arguments(n))
        )
        command = reader_command(library, *arguments(1))
        suite.add(plan, key, f"{label} (whole process)", "s", samples, EDIT_TARGET, command=command)


def at_least(lines: int) -> Callable[[str], None]:
    def check(stdout: str) -> None:
        found = sum(1 for line in stdout.splitlines() if line.strip())
        if found < lines:
            raise RuntimeError(f"expected {lines} papers from the search, got {found}")

    return check


def searches(suite: Suite, plan: Plan, library: Path, target: float | None) -> None:
    """Steady state, as for the other commands: the untimed first run keeps the commonest
    words' matches (``reader/store/kept_postings``) for the timed ones."""
    log(f"reader papers QUERY --limit 20, {plan.papers:,} papers")
    forget_kept_matches(suite.env)
    for key, label, query in (
        ("cli_search", f'reader papers "{CLI_QUERY}" --limit 20', CLI_QUERY),
        ("cli_search_typo", f'reader papers "{CLI_TYPO}" --limit 20 (fuzzy fallback)', CLI_TYPO),
    ):
        command = reader_command(library, "papers", query, "--limit", "20")
        check = at_least(min(20, plan.papers)) if key == "cli_search" else None
        samples = steady(suite, key, lambda _, c=command: c, check)
        suite.add(plan, key, f"{label} (whole process)", "s", samples, target, command=command)


def exports(suite: Suite, plan: Plan, library: Path, papers: int) -> None:
    """``reader export --all`` in every format (JSON with --all is the full backup)."""
    log(f"reader export --all in each format, {papers:,} papers")
    folder = suite.work / "exports"
    folder.mkdir(exist_ok=True)
    for name in EXPORT_FORMATS:
        output = folder / f"library.{name}"
        command = reader_command(library, "export", "--all", "--format", name, "-o", str(output))
        samples = steady(suite, f"export {name}", lambda _, c=command: c)
        if output.stat().st_size < papers * 50:
            raise RuntimeError(f"the {name} export is too small to hold {papers} papers")
        suite.add(
            plan,
            f"export_{name.replace('-', '_')}",
            f"reader export --all --format {name} -o FILE (whole process)",
            "s",
            samples,
            EXPORT_TARGET,
            note=f"{output.stat().st_size:,} bytes",
            command=command,
        )
        if name in KEPT_FORMATS:
            kept_exports(suite, plan, library, name, command)


# Formats whose entries are kept between exports (reader/kept_exports.py): the figures above
# are of a library unchanged since its last export; these are of the other cases. (JSON with
# --all is the backup: its papers are kept, its tags, notes and lists written anew.)
KEPT_FORMATS = ("bibtex", "csl-json", "csv", "markdown", "json")


def kept_exports(suite: Suite, plan: Plan, library: Path, name: str, command: list[str]) -> None:
    """The export with nothing kept (a cache folder of its own, empty, each run), and after one
    paper changed (a ``reader rate`` before each run, untimed): its key and entry made again,
    and every paper's key."""
    fresh = suite.work / "exports" / "nothing-kept"
    counter = iter(range(10_000))

    def nothing_kept() -> float:
        folder = fresh / str(next(counter))
        try:
            return timed(command, {**suite.env, "READER_CACHE_DIR": str(folder)})
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    samples = suite.repeated(f"export {name}, nothing kept", nothing_kept)
    suite.add(
        plan,
        f"export_{name.replace('-', '_')}_nothing_kept",
        f"reader export --all --format {name}, nothing kept (first export)",
        "s",
        samples,
    )
    ratings = iter(range(10_000))

    def one_changed() -> float:
        timed(reader_command(library, "rate", "1", str(next(ratings) % 5 + 1)), suite.env)
        return timed(command, suite.env)

    samples = suite.repeated(f"export {name}, one paper changed", one_changed)
    suite.add(
        plan,
        f"export_{name.replace('-', '_')}_one_changed",
        f"reader export --all --format {name}, one paper changed since the last",
        "s",
        samples,
    )
