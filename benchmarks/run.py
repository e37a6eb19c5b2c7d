"""The benchmark suite: ``python -m benchmarks`` (see benchmarks/README.md).

Generates (once, cached) synthetic listing dumps, then measures the figures of the performance
targets and prints a table of medians against them, writing every sample to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.generate import DEFAULT_SEED, Dump, cached_dump

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WORK = ROOT / "benchmarks" / "out"
DEFAULT_SIZES = (10_000, 100_000)
QUICK_SIZES = (500, 2_000)
TARGET_SIZE = 100_000  # the targets are stated for this many papers (and are shown from it up)
LIST_NAME = "Benchmark reading list"
LIST_SIZE = 1_000
CLI_QUERY = "diffusion model"
CLI_TYPO = "difusion"
TYPED_QUERIES = ("diffusion model", "graph neural network", "vision transformer", "robot")
QUICK_QUERIES = ("graph",)
TYPO_QUERY = "difusion"
ECHO_TARGET_MS = 50.0
SCHEMA = 1


# -- figures ---------------------------------------------------------------------------------


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), -(-int(fraction * 100 * len(ordered)) // 100)))
    return ordered[rank - 1]


@dataclass
class Figure:
    """One measured figure: all its samples, and the target it is held to (if any)."""

    key: str
    label: str
    papers: int
    unit: str
    samples: list[float]
    target: float | None = None
    stat: str = "median"  # which statistic the target is for: median, p95, max
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)

    @property
    def value(self) -> float:
        return {"median": self.median, "p95": self.p95, "max": max(self.samples)}[self.stat]

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.value <= self.target

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "papers": self.papers,
            "unit": self.unit,
            "median": self.median,
            "p95": self.p95,
            "min": min(self.samples),
            "max": max(self.samples),
            "runs": len(self.samples),
            "target": self.target,
            "target_stat": self.stat if self.target is not None else None,
            "passed": self.passed,
            "note": self.note,
            "samples": self.samples,
        }


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:g} {unit}"


def table(figures: Sequence[Figure]) -> str:
    """A Markdown table: it reads in a terminal and pastes into the README."""
    header = ("figure", "papers", "median", "p95", "runs", "target", "result")
    rows = []
    for figure in figures:
        if figure.target is None:
            target, result = "", ""
        else:
            prefix = "" if figure.stat == "median" else f"{figure.stat} "
            target = f"{prefix}<= {fmt(figure.target, figure.unit)}"
            result = "pass" if figure.passed else f"MISS ({figure.value / figure.target:.2f}x)"
            if figure.stat == "max" and len(figure.samples) > 1:
                result += f", max {fmt(figure.value, figure.unit)}"
        rows.append(
            (
                figure.label,
                f"{figure.papers:,}",
                fmt(figure.median, figure.unit),
                fmt(figure.p95, figure.unit) if len(figure.samples) > 1 else "",
                str(len(figure.samples)),
                target,
                result,
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows]
    return "\n".join(out)


# -- running things ----------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("READER_DB", None)
    env["NO_COLOR"] = "1"
    return env


def timed_run(
    command: Sequence[str], *, check_output: Callable[[str], None] | None = None
) -> float:
    """Wall time of a whole process, from just before it starts to its exit, in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        list(command), capture_output=True, text=True, env=environment(), cwd=ROOT
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    if check_output is not None:
        check_output(done.stdout)
    return elapsed


def run_driver(arguments: Sequence[str], *, timeout: float = 900) -> dict[str, Any]:
    """Run benchmarks.app_driver in a fresh interpreter; returns its JSON line."""
    env = environment()
    env["READER_BENCH_T0"] = repr(time.time())
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.app_driver", *arguments],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"app driver {' '.join(arguments)} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    data = json.loads(lines[-1])
    if "error" in data:
        raise RuntimeError(f"app driver: {data['error']}")
    data["process_wall"] = time.perf_counter() - started  # start to exit, as a cross-check
    return data


def reader_command(db: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "reader", "--db", str(db), *arguments]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def db_bytes(path: Path) -> int:
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    from importlib.metadata import version

    return {
        "nproc": cores,
        "cpu": cpu,
        "memory_gb": memory,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "textual": version("textual"),
        "sqlite_utils": version("sqlite-utils"),
        "rapidfuzz": version("rapidfuzz"),
    }


# -- the measurements ----------------------------------------------------------------------------


def expect_papers(count: int) -> Callable[[str], None]:
    def check(stdout: str) -> None:
        papers = json.loads(stdout)
        if len(papers) != count:
            raise RuntimeError(f"expected {count} papers from the search, got {len(papers)}")

    return check


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
    return size


@dataclass
class Suite:
    sizes: list[int]
    repeat: int
    work: Path
    seed: int
    queries: list[str]
    jumps: int
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    dumps: dict[int, Dump] = field(default_factory=dict)

    def add(
        self,
        key: str,
        label: str,
        papers: int,
        unit: str,
        samples: Sequence[float],
        target: float | None = None,
        stat: str = "median",
        note: str = "",
    ) -> Figure:
        figure = Figure(
            key,
            label,
            papers,
            unit,
            [float(x) for x in samples],
            target if papers >= TARGET_SIZE else None,
            stat,
            note,
        )
        self.figures.append(figure)
        shown = fmt(figure.median, unit)
        log(f"  {label} ({papers:,} papers): median {shown} over {len(samples)}")
        return figure

    def repeated(self, what: str, function: Callable[[], float]) -> list[float]:
        samples = []
        for run in range(self.repeat):
            samples.append(function())
            log(f"    {what} {run + 1}/{self.repeat}: {samples[-1]:.3f}")
        return samples

    def run(self) -> None:
        cache = self.work / "cache"
        dbs = self.work / "db"
        dbs.mkdir(parents=True, exist_ok=True)
        for papers in self.sizes:
            started = time.perf_counter()
            self.dumps[papers] = cached_dump(papers, cache, seed=self.seed)
            log(f"dump of {papers:,} papers ready ({time.perf_counter() - started:.1f} s)")

        log("reference: Python's own start")
        smallest = min(self.sizes)
        python = sys.executable
        self.add(
            "python_start",
            "python -c pass (reference)",
            smallest,
            "s",
            self.repeated("python", lambda: timed_run([python, "-c", "pass"])),
        )
        self.add(
            "import_cli_module",
            "python -c 'import reader.cli' (reference)",
            smallest,
            "s",
            self.repeated("import", lambda: timed_run([python, "-c", "import reader.cli"])),
        )
        for papers in self.sizes:
            self.run_size(papers, dbs)
        self.run_app(max(self.sizes), dbs)

    def run_size(self, papers: int, dbs: Path) -> None:
        dump = self.dumps[papers]
        db = dbs / f"import-{papers}.db"
        log(f"reader import, {papers:,} papers ({dump.files} files, {dump.bytes:,} bytes)")

        def one_import() -> float:
            remove_db(db)
            return timed_run(reader_command(db, "import", str(dump.folder)))

        self.add(
            "import",
            "reader import (whole process)",
            papers,
            "s",
            self.repeated("import", one_import),
            target=4.0,
        )
        size = db_bytes(db)
        self.add(
            "db_size_ratio",
            "database size / listing text",
            papers,
            "x",
            [size / dump.bytes],
            target=1.5,
            stat="max",
            note=f"{size:,} bytes of database for {dump.bytes:,} bytes of listings",
        )
        self.add("db_size_mb", "database size on disk", papers, "MB", [size / 1024 / 1024])
        self.details.setdefault("sizes", {})[str(papers)] = {
            "listing_bytes": dump.bytes,
            "listing_files": dump.files,
            "db_bytes": size,
        }
        library = dbs / f"library-{papers}.db"
        remove_db(library)
        shutil.move(str(db), library)

        log(f"reader papers QUERY --json --limit 20, {papers:,} papers")
        for key, label, query in (
            ("cli_search", f'reader papers "{CLI_QUERY}" --json --limit 20', CLI_QUERY),
            ("cli_search_typo", f'reader papers "{CLI_TYPO}" (fuzzy fallback)', CLI_TYPO),
        ):
            command = reader_command(library, "papers", query, "--json", "--limit", "20")
            check = expect_papers(min(20, papers)) if key == "cli_search" else None
            self.add(
                key,
                label,
                papers,
                "s",
                self.repeated(query, lambda c=command, k=check: timed_run(c, check_output=k)),
                target=0.5,
            )

    def run_app(self, papers: int, dbs: Path) -> None:
        library = dbs / f"library-{papers}.db"
        log(f"curating the {papers:,}-paper library (list, tags, ratings, notes)")
        listed = curate(library, papers, self.seed)

        log(f"export of a {listed:,}-paper reading list to Markdown")
        output = self.work / "export.md"
        command = reader_command(library, "export", LIST_NAME, "-f", "markdown", "-o", str(output))
        self.add(
            "export_cli",
            f"reader export LIST -o FILE ({listed:,} papers, whole process)",
            papers,
            "s",
            self.repeated("export", lambda: timed_run(command)),
            target=0.3,
        )
        self.add(
            "export_render",
            f"Markdown export in process ({listed:,} papers: gather + render)",
            papers,
            "s",
            self.repeated("render", lambda: render_in_process(library)),
            target=0.3,
        )

        log(f"app cold start to the painted list, {papers:,} papers")
        starts = []
        for run in range(self.repeat):
            starts.append(run_driver(["start", str(library)]))
            log(f"    start {run + 1}/{self.repeat}: {starts[-1]['painted']:.3f}")
        self.details["cold_start"] = starts
        self.add(
            "cold_start",
            "app cold start to painted list (whole process)",
            papers,
            "s",
            [item["painted"] for item in starts],
            target=1.0,
        )
        self.add(
            "cold_start_peak_mb",
            "app peak memory at first paint",
            papers,
            "MB",
            [item["peak_mb"] for item in starts],
        )

        log(f"app sessions: typing, typo, End and PgDn, {papers:,} papers")
        sessions = []
        for run in range(self.repeat):
            started = time.perf_counter()
            sessions.append(
                run_driver(
                    [
                        "session",
                        str(library),
                        "--queries",
                        *self.queries,
                        "--typo",
                        TYPO_QUERY,
                        "--jumps",
                        str(self.jumps),
                    ]
                )
            )
            log(f"    session {run + 1}/{self.repeat}: {time.perf_counter() - started:.1f} s")
        self.details["sessions"] = sessions
        keys = [
            key for session in sessions for timings in session["typing"].values() for key in timings
        ]
        self.add(
            "search_keystroke",
            "keystroke to updated list (matching queries)",
            papers,
            "ms",
            [key["painted_ms"] for key in keys],
            target=30.0,
        )
        self.add(
            "search_keystroke_p95",
            "keystroke to updated list, p95",
            papers,
            "ms",
            [key["painted_ms"] for key in keys],
            target=60.0,
            stat="p95",
        )
        self.add(
            "search_keystroke_applied",
            "keystroke to results handed to the list (no frame)",
            papers,
            "ms",
            [key["applied_ms"] for key in keys],
        )
        typo = [key for session in sessions for key in session["typo"]]
        fuzzy = [key for key in typo if key["fuzzy"]]
        self.add(
            "search_fuzzy",
            f'keystroke to list, typo "{TYPO_QUERY}" (fuzzy answers)',
            papers,
            "ms",
            [key["painted_ms"] for key in fuzzy] or [float("nan")],
            target=250.0,
            note=f"{len(fuzzy)} of {len(typo)} keys answered by the fuzzy fallback",
        )
        bursts = [session["typo_burst"] for session in sessions]
        interval = bursts[0]["interval_ms"]
        self.add(
            "typing_echo",
            f"key echo while typing the typo (a key per {interval:.0f} ms)",
            papers,
            "ms",
            [echo for burst in bursts for echo in burst["echo_ms"]],
            target=ECHO_TARGET_MS,
            stat="max",
            note="typing never blocked: every key shows in the search box within the target",
        )
        self.add(
            "search_fuzzy_burst",
            "last key of the burst to its fuzzy results",
            papers,
            "ms",
            [burst["final_results_ms"] for burst in bursts],
            target=250.0,
        )
        self.add(
            "end_key",
            "End to the re-rendered list",
            papers,
            "ms",
            [ms for session in sessions for ms in session["end_ms"]],
            target=30.0,
        )
        self.add(
            "page_down",
            "PgDn to the re-rendered list",
            papers,
            "ms",
            [ms for session in sessions for ms in session["page_down_ms"]],
            target=30.0,
        )
        self.add(
            "memory_peak",
            "app peak memory (session: start, searches, End, PgDn)",
            papers,
            "MB",
            [session["peak_mb"] for session in sessions],
            target=200.0,
            stat="max",
        )


def render_in_process(library_path: Path) -> float:
    from reader.exporting import list_document, render
    from reader.store import Library

    with Library(library_path) as library:
        start = time.perf_counter()
        document = list_document(library, LIST_NAME)
        text = render(document, "markdown")
        elapsed = time.perf_counter() - start
    if LIST_NAME not in text:
        raise RuntimeError("the Markdown export does not name its list")
    return elapsed


ORDER = (
    "import",
    "cold_start",
    "search_keystroke",
    "search_keystroke_p95",
    "search_keystroke_applied",
    "search_fuzzy",
    "search_fuzzy_burst",
    "typing_echo",
    "end_key",
    "page_down",
    "cli_search",
    "cli_search_typo",
    "export_cli",
    "export_render",
    "memory_peak",
    "cold_start_peak_mb",
    "db_size_ratio",
    "db_size_mb",
    "python_start",
    "import_cli_module",
)


def ordered(figures: Sequence[Figure]) -> list[Figure]:
    return sorted(figures, key=lambda f: (ORDER.index(f.key), f.papers))


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are numbers like 10000,100000: {text}") from None
    if not sizes or sizes[0] < 50:
        raise argparse.ArgumentTypeError("each size needs at least 50 papers")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure reader at 10,000 and 100,000 papers against its targets.",
    )
    parser.add_argument(
        "--sizes", type=parse_sizes, help="library sizes, largest one gets every figure"
    )
    parser.add_argument("--repeat", type=int, help="runs per figure (default 5, quick 2)")
    parser.add_argument("--out", type=Path, help="JSON results (default: WORK/results.json)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="cache and scratch folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, fewer runs, one typed query"
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeat = args.repeat or (2 if args.quick else 5)
    if repeat < 1:
        parser.error("--repeat needs at least 1")
    work = args.work.resolve()
    out = args.out or work / "results.json"
    suite = Suite(
        sizes=sizes,
        repeat=repeat,
        work=work,
        seed=args.seed,
        queries=list(QUICK_QUERIES if args.quick else TYPED_QUERIES),
        jumps=3 if args.quick else 12,
    )
    started = time.perf_counter()
    info = machine()
    load_before = os.getloadavg()
    log(
        f"reader benchmarks: sizes {', '.join(f'{s:,}' for s in sizes)}, {repeat} runs; "
        f"{info['nproc']} cores, {info['cpu']}, Python {info['python']}"
    )
    suite.run()
    figures = ordered(suite.figures)
    elapsed = time.perf_counter() - started
    result = {
        "schema": SCHEMA,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": info,
        "config": {
            "sizes": sizes,
            "repeat": repeat,
            "seed": args.seed,
            "target_size": TARGET_SIZE,
            "typed_queries": suite.queries,
            "typo_query": TYPO_QUERY,
            "cli_query": CLI_QUERY,
            "terminal": "120x40",
        },
        "elapsed_s": elapsed,
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "figures": [figure.as_dict() for figure in figures],
        "details": suite.details,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(
        f"Machine: {info['nproc']} cores, {info['cpu']}, {info['memory_gb']} GB, "
        f"Python {info['python']}, SQLite {info['sqlite']}, Textual {info['textual']}"
    )
    print()
    print(table(figures))
    missed = [f for f in figures if f.passed is False]
    busiest = max(load_before[0], result["load_average"]["after"][0])
    if busiest > 0.5 * (info["nproc"] or 1) + 1:
        print()
        print(
            f"warning: load average {busiest:.1f} on {info['nproc']} cores: other processes "
            "competed for the CPU, so these figures are pessimistic; run again when idle"
        )
    print()
    print(
        f"{len(missed)} of {sum(1 for f in figures if f.target is not None)} targets missed; "
        f"{elapsed:.0f} s in all; results in {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
