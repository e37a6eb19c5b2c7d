"""Import figures: ``reader import`` beside the bare-SQLite floor on the same rows, in the same
run (so the ratio holds on any machine), and the size of what it builds."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from benchmarks.bare import reader_schema
from benchmarks.generate import Dump
from benchmarks.processes import Run, db_bytes, log, reader_command, remove_db, run
from benchmarks.suite import Plan, Suite

RATIO_TARGET = 1.3


def schema_file(suite: Suite) -> Path:
    path = suite.work / "bare-schema.json"
    if not path.exists():
        path.write_text(json.dumps(reader_schema()) + "\n")
    return path


def reader_import(suite: Suite, dump: Dump, db: Path, *, memory: bool = False) -> Run:
    """``reader import`` of a dump into a new library at ``db``, checked to add every paper."""
    remove_db(db)
    done = run(reader_command(db, "import", "--json", str(dump.path)), suite.env, memory=memory)
    summary = json.loads(done.stdout)
    if summary["added"] != dump.papers:
        raise RuntimeError(f"reader import added {summary['added']} of {dump.papers} papers")
    return done


def bare_import(suite: Suite, dump: Dump, kind: str, db: Path, *, memory: bool = False) -> Run:
    command = [sys.executable, "-m", "benchmarks.bare", kind, str(schema_file(suite)), str(db)]
    done = run([*command, str(dump.path)], suite.env, memory=memory)
    papers = json.loads(done.stdout)["papers"]
    if papers != dump.papers:
        raise RuntimeError(f"the bare import wrote {papers} of {dump.papers} papers")
    return done


def import_vs_bare(
    suite: Suite,
    plan: Plan,
    dump: Dump,
    *,
    key: str,
    label: str,
    kind: str,
    library: Path,
    ratio_target: float | None = RATIO_TARGET,
    memory_target: float | None = None,
    size_target: float | None = None,
) -> Path:
    """Time ``reader import`` and the bare import of the same input, run after run; the
    library of the last run is kept at ``library``."""
    log(f"{label}: {dump.papers:,} papers, {dump.files} files, {dump.bytes / 1e6:,.0f} MB")
    db = suite.dbs / f"importing-{key}.db"
    bare_db = suite.dbs / f"bare-{key}.db"
    memory = memory_target is not None
    readers: list[Run] = []
    bares: list[Run] = []
    runs = suite.runs(dump.papers, imports=True)
    for number in range(runs):
        readers.append(reader_import(suite, dump, db, memory=memory))
        bares.append(bare_import(suite, dump, kind, bare_db, memory=memory))
        log(
            f"    run {number + 1}/{runs}: reader {readers[-1].seconds:.2f} s, "
            f"bare {bares[-1].seconds:.2f} s"
        )
    size, bare_size = db_bytes(db), db_bytes(bare_db)
    remove_db(bare_db)
    ratios = [r.seconds / b.seconds for r, b in zip(readers, bares, strict=True)]
    suite.add(
        plan, key, f"{label}: reader import (whole process)", "s", [r.seconds for r in readers]
    )
    suite.add(
        plan, f"{key}_bare", f"{label}: bare SQLite, same rows", "s", [b.seconds for b in bares]
    )
    profiled = reader_command(suite.work / "profiles" / f"{key}.db", "import", str(dump.path))
    suite.add(
        plan,
        f"{key}_ratio",
        f"{label}: reader / bare SQLite",
        "x",
        ratios,
        ratio_target,
        note="each run's reader time over the bare time of the same run",
        command=profiled,
    )
    if memory_target is not None:
        suite.add(
            plan,
            f"{key}_memory",
            f"{label}: reader import peak memory (with its parser process)",
            "MB",
            [r.tree_peak_mb for r in readers],
            memory_target,
            stat="max",
            note=f"largest single process {max(r.peak_mb for r in readers):.0f} MB; bare "
            f"SQLite {max(b.peak_mb for b in bares):.0f} MB",
        )
    suite.add(
        plan,
        f"{key}_size",
        f"{label}: library size / input text",
        "x",
        [size / dump.bytes],
        size_target,
        stat="max",
        note=f"{size:,} bytes for {dump.bytes:,} bytes of input; bare SQLite {bare_size:,}",
    )
    suite.detail(
        plan,
        key,
        {
            "input_bytes": dump.bytes,
            "input_files": dump.files,
            "library_bytes": size,
            "bare_bytes": bare_size,
            "bare_steps": [json.loads(b.stdout)["steps"] for b in bares],
            "reader_peak_mb": [r.peak_mb for r in readers],
            "reader_tree_peak_mb": [r.tree_peak_mb for r in readers],
        },
    )
    remove_db(library)
    shutil.move(str(db), library)
    return library


def bibtex_import(suite: Suite, plan: Plan, dump: Dump, library: Path, target: float) -> Path:
    log(f"reader import of a BibTeX file: {dump.papers:,} entries, {dump.bytes / 1e6:.0f} MB")
    db = suite.dbs / "importing-bibtex.db"
    samples = suite.repeated("bibtex", lambda: reader_import(suite, dump, db).seconds)
    suite.add(
        plan,
        "import_bibtex",
        f"reader import FILE.bib, {dump.papers:,} entries (whole process)",
        "s",
        samples,
        target,
        command=reader_command(suite.work / "profiles" / "bibtex.db", "import", str(dump.path)),
    )
    remove_db(library)
    shutil.move(str(db), library)
    return library
