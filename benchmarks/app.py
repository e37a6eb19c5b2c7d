"""App figures: cold start to the painted list, and sessions that type searches, jump to the
end and page down, each in a fresh interpreter (``benchmarks.app_driver``)."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.generate import Dump
from benchmarks.processes import forget_kept_matches, log, reader_command, run_driver
from benchmarks.processes import run as run_process
from benchmarks.suite import Plan, Suite

TYPED_QUERIES = ("diffusion model", "graph neural network", "vision transformer", "robot")
QUICK_QUERIES = ("graph",)
TYPO_QUERY = "difusion"
QUICK_TYPO = "difus"  # still answered by the fuzzy fallback, in fewer keys
# Targets by tier: cold start (s); keystroke median and p95 (ms); peak memory (MB).
COLD_START = {"1M": 1.0}
KEYSTROKE = {"100k": (25.0, 50.0), "1M": (50.0, 100.0)}
MEMORY = {"1M": 400.0}
# Targets of the issue before (at 100,000 papers), kept as guards.
END_PGDN_MS = 30.0
FUZZY_MS = 250.0
ECHO_MS = 50.0


def cold_start(suite: Suite, plan: Plan, library: Path) -> None:
    log(f"app cold start to the painted list, {plan.papers:,} papers")
    if not suite.quick:  # files and bytecode cached, as for a person's second start
        run_driver(["start", str(library)], suite.env)
    starts = []
    for run in range(suite.runs()):
        starts.append(run_driver(["start", str(library)], suite.env))
        log(f"    start {run + 1}/{suite.runs()}: {starts[-1]['painted']:.3f}")
    suite.detail(plan, "cold_start", starts)
    suite.add(
        plan,
        "cold_start",
        "app cold start to painted list (whole process)",
        "s",
        [item["painted"] for item in starts],
        COLD_START.get(plan.tier),
    )
    suite.add(
        plan,
        "cold_start_memory",
        "app peak memory at first paint",
        "MB",
        [item["peak_mb"] for item in starts],
    )


def sessions(suite: Suite, plan: Plan, library: Path, new: Dump | None = None) -> None:
    """Typing sessions; then, given ``new`` papers, one more after importing them (as a person
    imports the day's listing), reported apart."""
    log(f"app sessions: typing, typo, End and PgDn, {plan.papers:,} papers")
    queries = QUICK_QUERIES if suite.quick else TYPED_QUERIES
    typo = QUICK_TYPO if suite.quick else TYPO_QUERY
    jumps = 1 if suite.quick else 12
    arguments = ["session", str(library), "--queries", *queries, "--typo", typo]
    arguments += ["--jumps", str(jumps)]
    forget_kept_matches(suite.env)  # the first session finds nothing kept (no search yet)
    found = []
    for run in range(suite.runs()):
        if run:  # a person tags and rates between sessions: the kept matches must outlive it
            run_process(reader_command(library, "tag", "1", f"session-{run}"), suite.env)
            run_process(reader_command(library, "rate", "1", str(run % 5 + 1)), suite.env)
        started = time.perf_counter()
        found.append(run_driver(arguments, suite.env))
        log(f"    session {run + 1}/{suite.runs()}: {time.perf_counter() - started:.1f} s")
    suite.detail(plan, "sessions", found)
    # The same session with NO_COLOR set: what a person who asks for no colour waits.
    monochrome = run_driver(arguments, suite.env, colour=False)
    suite.detail(plan, "session_no_color", monochrome)
    if new is not None:
        run_process(reader_command(library, "import", str(new.path)), suite.env)
        after = run_driver(arguments, suite.env)
        suite.detail(plan, "session_after_import", after)
        typed = [key["painted_ms"] for timings in after["typing"].values() for key in timings]
        label = f"keystroke to updated list, first session after importing {new.papers:,} papers"
        suite.add(plan, "keystroke_after_import", label, "ms", typed)
        suite.add(plan, "keystroke_after_import_p95", f"{label}, p95", "ms", typed, stat="p95")
    held = plan.tier == "100k"  # the earlier targets were stated for 100,000 papers
    # The first session works out the commonest words' matches and keeps them; the later ones
    # (every start after it, until the library's text changes: a tag or a rating written
    # between sessions leaves them) find them kept.
    later = found[1:] or found
    keys = [key for session in later for timings in session["typing"].values() for key in timings]
    first = [key for timings in found[0]["typing"].values() for key in timings]
    median, p95 = KEYSTROKE.get(plan.tier, (None, None))
    painted = [key["painted_ms"] for key in keys]
    suite.add(plan, "keystroke", "keystroke to updated list (typed queries)", "ms", painted, median)
    plain = [key["painted_ms"] for timings in monochrome["typing"].values() for key in timings]
    label = "keystroke to updated list, NO_COLOR set (frames filtered to monochrome)"
    suite.add(plan, "keystroke_no_color", label, "ms", plain)
    suite.add(plan, "keystroke_no_color_p95", f"{label}, p95", "ms", plain, stat="p95")
    first_painted = [key["painted_ms"] for key in first]
    suite.add(
        plan,
        "keystroke_first_session",
        "keystroke to updated list, first session (nothing kept yet)",
        "ms",
        first_painted,
    )
    suite.add(
        plan,
        "keystroke_first_session_p95",
        "keystroke to updated list, first session, p95",
        "ms",
        first_painted,
        stat="p95",
    )
    suite.add(
        plan,
        "keystroke_p95",
        "keystroke to updated list, p95",
        "ms",
        painted,
        p95,
        stat="p95",
    )
    suite.add(
        plan,
        "keystroke_applied",
        "keystroke to results handed to the list (no frame)",
        "ms",
        [key["applied_ms"] for key in keys],
    )
    typo_keys = [key for session in found for key in session["typo"]]
    fuzzy = [key for key in typo_keys if key["fuzzy"]]
    suite.add(
        plan,
        "keystroke_fuzzy",
        f'keystroke to list, typo "{typo}" (fuzzy answers)',
        "ms",
        [key["painted_ms"] for key in fuzzy],
        FUZZY_MS if held else None,
        note=f"{len(fuzzy)} of {len(typo_keys)} keys answered by the fuzzy fallback",
    )
    bursts = [session["typo_burst"] for session in found]
    suite.add(
        plan,
        "typing_echo",
        f"key echo while typing (a key per {bursts[0]['interval_ms']:.0f} ms)",
        "ms",
        [echo for burst in bursts for echo in burst["echo_ms"]],
        ECHO_MS if held else None,
        stat="max",
        note="typing never blocked: every key shows in the search box within the target",
    )
    suite.add(
        plan,
        "end_key",
        "End to the re-rendered list",
        "ms",
        [ms for session in found for ms in session["end_ms"]],
        END_PGDN_MS if held else None,
    )
    suite.add(
        plan,
        "page_down",
        "PgDn to the re-rendered list",
        "ms",
        [ms for session in found for ms in session["page_down_ms"]],
        END_PGDN_MS if held else None,
    )
    suite.add(
        plan,
        "app_memory",
        "app peak memory (start, searches, End, PgDn)",
        "MB",
        [session["peak_mb"] for session in found],
        MEMORY.get(plan.tier),
        stat="max",
    )
