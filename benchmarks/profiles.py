"""``--profile``: each missed whole-process figure run once more under cProfile, and the top of
its profile written beside the results (``WORK/profiles/KEY-PAPERS.txt``).

cProfile sees the main thread of the main process: an import's parser process and the app's
worker threads need a sampling profiler (``py-spy record --subprocesses``), as
benchmarks/README.md shows.
"""

from __future__ import annotations

import io
import pstats
import subprocess
from collections.abc import Sequence
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.processes import ROOT, log, remove_db

TOP = 25


def profile(command: Sequence[str], env: dict[str, str], output: Path) -> str:
    """The top of the cumulative and the own-time profile of one run of ``command`` (a Python
    process: ``python -m MODULE ...`` or ``python -c ...``)."""
    stats = output.with_suffix(".prof")
    python, *rest = command
    if "import" in rest and "--db" in rest:  # an import starts from no library, as measured
        remove_db(Path(rest[rest.index("--db") + 1]))
    subprocess.run(
        [python, "-m", "cProfile", "-o", str(stats), *rest],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    text = io.StringIO()
    report = pstats.Stats(str(stats), stream=text)
    report.strip_dirs().sort_stats("cumulative").print_stats(TOP)
    report.sort_stats("tottime").print_stats(TOP)
    output.write_text(text.getvalue())
    return text.getvalue()


def profile_misses(figures: Sequence[Figure], env: dict[str, str], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    seen: set[tuple[str, ...]] = set()
    for figure in figures:
        if figure.passed is not False or not figure.command:
            continue
        if tuple(figure.command) in seen:
            continue
        seen.add(tuple(figure.command))
        output = folder / f"{figure.key}-{figure.papers}.txt"
        log(f"profiling {figure.label} ({figure.papers:,} papers) into {output}")
        try:
            profile(figure.command, env, output)
        except subprocess.CalledProcessError as error:
            log(f"  could not profile it: {error.stderr.decode(errors='replace')[-500:]}")
            continue
        written.append(output)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m benchmarks.profiles RESULTS.json``: profile the misses of an earlier run."""
    import argparse
    import json

    from benchmarks.processes import environment

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--work", type=Path, help="the run's work folder (default: beside it)")
    args = parser.parse_args(argv)
    data = json.loads(args.results.read_text())
    work = (args.work or args.results.parent).resolve()
    fields = Figure.__dataclass_fields__
    figures = [
        Figure(
            **{name: value for name, value in item.items() if name in fields},
            stat=item["target_stat"] or "median",
            higher=item["higher_is_better"],
        )
        for item in data["figures"]
    ]
    for path in profile_misses(figures, environment(work), work / "profiles"):
        print(f"profile: {path}")


if __name__ == "__main__":
    main()
