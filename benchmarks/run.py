"""The benchmark suite: ``python -m benchmarks`` (see benchmarks/README.md).

Generates (once, cached) the inputs, runs the tiers asked for, prints a table of every figure
(median, p95, target, pass or miss) and writes every sample to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import math
import time
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import tiers
from benchmarks.figures import Figure, table
from benchmarks.generate import DEFAULT_SEED
from benchmarks.processes import ROOT, load_average, log, machine
from benchmarks.profiles import profile_misses
from benchmarks.suite import DEFAULT_TIERS, QUICK_PAPERS, REFERENCE, TIERS, Plan, Suite

DEFAULT_WORK = ROOT / "benchmarks" / "out"
SCHEMA = 2
# The table's order within a tier.
ORDER = (
    "import_listings",
    "import_listings_bare",
    "import_listings_ratio",
    "import_listings_size",
    "import_one_file",
    "import_one_file_bare",
    "import_one_file_ratio",
    "import_one_file_size",
    "import_snapshot",
    "import_snapshot_bare",
    "import_snapshot_ratio",
    "import_snapshot_memory",
    "import_snapshot_size",
    "import_bibtex",
    "export_bibtex",
    "export_csv",
    "export_json",
    "export_markdown",
    "export_csl_json",
    "export_bibtex_nothing_kept",
    "export_bibtex_one_changed",
    "export_csl_json_nothing_kept",
    "export_csl_json_one_changed",
    "export_csv_nothing_kept",
    "export_csv_one_changed",
    "export_markdown_nothing_kept",
    "export_markdown_one_changed",
    "export_json_nothing_kept",
    "export_json_one_changed",
    "cli_tag",
    "cli_rate",
    "cli_status",
    "cli_show",
    "cli_search",
    "cli_search_typo",
    "cold_start",
    "cold_start_memory",
    "keystroke",
    "keystroke_p95",
    "keystroke_first_session",
    "keystroke_first_session_p95",
    "keystroke_after_import",
    "keystroke_after_import_p95",
    "keystroke_no_color",
    "keystroke_no_color_p95",
    "keystroke_applied",
    "keystroke_fuzzy",
    "typing_echo",
    "end_key",
    "page_down",
    "app_memory",
    "related_precision",
    "related_precision_random",
    "recommend_precision",
    "recommend_precision_random",
    "related_time",
    "recommend_time",
    "triage_order",
    "triage_next",
    "relevance_mrr",
    "relevance_first",
    "relevance_met",
    "python_start",
    "import_cli_module",
)
TIER_ORDER = (*TIERS, REFERENCE)


def ordered(figures: Sequence[Figure]) -> list[Figure]:
    return sorted(figures, key=lambda f: (TIER_ORDER.index(f.tier), f.papers, ORDER.index(f.key)))


def count(text: str) -> int:
    text = text.strip().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def parse_sizes(text: str) -> list[tuple[str, int | None]]:
    """``10k,100k,1M`` (tiers at their size, or their quick size with --quick), ``100k=2000``
    (a tier at another size), or a number (the tier nearest to it, at that size)."""
    names = {name.lower(): name for name in TIERS}
    chosen: list[tuple[str, int | None]] = []
    try:
        for part in filter(None, (p.strip() for p in text.split(","))):
            tier, _, size = part.partition("=")
            if tier.lower() in names:
                chosen.append((names[tier.lower()], count(size) if size else None))
                continue
            papers = count(part)
            nearest = min(TIERS, key=lambda name: abs(math.log(TIERS[name] / max(papers, 1))))
            chosen.append((nearest, papers))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes are tiers (10k,100k,1M) or numbers: {text}"
        ) from None
    if not chosen or any(size is not None and size < 50 for _, size in chosen):
        raise argparse.ArgumentTypeError("each size needs at least 50 papers")
    return chosen


def plans(sizes: list[tuple[str, int | None]] | None, quick: bool) -> list[Plan]:
    given = sizes or [(tier, None) for tier in (TIERS if quick else DEFAULT_TIERS)]
    found = []
    for tier, papers in given:
        plan = Plan(tier, papers or (QUICK_PAPERS[tier] if quick else TIERS[tier]))
        if plan not in found:
            found.append(plan)
    return sorted(found, key=lambda plan: (TIER_ORDER.index(plan.tier), plan.papers))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure reader at 10,000, 100,000 and 1,000,000 papers against its targets.",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        help="tiers to run: 10k, 100k, 1M (default 10k,100k); TIER=N runs a tier at N papers",
    )
    parser.add_argument("--repeat", type=int, help="runs per figure (default 5, quick 1)")
    parser.add_argument("--out", type=Path, help="JSON results (default: WORK/results.json)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="cache and scratch folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--quick", action="store_true", help="every tier at a few hundred papers, once: seconds"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile each missed whole-process figure"
    )
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 5)
    if repeat < 1:
        parser.error("--repeat needs at least 1")
    work = args.work.resolve()
    out = args.out or work / "results.json"
    suite = Suite(plans(args.sizes, args.quick), repeat, work, args.seed, args.quick)
    started = time.perf_counter()
    info = machine()
    loads = [load_average()]
    sizes = ", ".join(f"{plan.tier} at {plan.papers:,}" for plan in suite.plans)
    log(
        f"reader benchmarks: {sizes}; {repeat} runs; {info['nproc']} cores, {info['cpu']}, "
        f"Python {info['python']}, load average {loads[0]:.1f}"
    )
    errors = []
    for step, name in [(tiers.references, REFERENCE)] + [
        (lambda s, p=plan: tiers.TIER_RUNS[p.tier](s, p), plan.tier) for plan in suite.plans
    ]:
        try:
            step(suite)
        except Exception:
            errors.append(f"{name}: {traceback.format_exc()}")
            log(f"the {name} tier failed:\n{errors[-1]}")
        loads.append(load_average())
    figures = ordered(suite.figures)
    elapsed = time.perf_counter() - started
    result = {
        "schema": SCHEMA,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": info,
        "config": {
            "plans": [{"tier": plan.tier, "papers": plan.papers} for plan in suite.plans],
            "repeat": repeat,
            "seed": args.seed,
            "quick": args.quick,
            "terminal": "120x40",
        },
        "elapsed_s": elapsed,
        "load_average": {"samples": loads, "max": max(loads)},
        "figures": [figure.as_dict() for figure in figures],
        "details": suite.details,
        "errors": errors,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(
        f"Machine: {info['nproc']} cores, {info['cpu']}, {info['memory_gb']} GB, "
        f"Python {info['python']}, SQLite {info['sqlite']}, Textual {info['textual']}; "
        f"load average {min(loads):.1f}-{max(loads):.1f}"
    )
    print()
    print(table(figures))
    busiest = max(loads)
    if busiest > 0.5 * (info["nproc"] or 1) + 1:
        print()
        print(
            f"warning: load average up to {busiest:.1f} on {info['nproc']} cores: other "
            "processes competed for the CPU, so these figures are pessimistic; run again when idle"
        )
    missed = [f for f in figures if f.passed is False]
    held = sum(1 for f in figures if f.target is not None)
    print()
    print(f"{len(missed)} of {held} targets missed; {elapsed:.0f} s in all; results in {out}")
    if args.profile and missed:
        for path in profile_misses(missed, suite.env, work / "profiles"):
            print(f"profile: {path}")
    for error in errors:
        print(f"error: {error.splitlines()[0]} (see the log above)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
