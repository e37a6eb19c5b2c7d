"""The benchmark suite runs end to end at a tiny size (figures are checked, never timed)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from reader.importers import load_files
from reader.importers.listing import parse_listing

# benchmarks/ sits beside reader/ but is not installed: make it importable from any directory.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import formats, generate  # noqa: E402
from benchmarks.run import ORDER, main, parse_sizes, plans  # noqa: E402

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="peak memory is read from /proc"
)


def test_generated_inputs_are_deterministic_and_parse(tmp_path: Path) -> None:
    first = generate.corpus(120, tmp_path / "a", seed=7)
    second = generate.corpus(120, tmp_path / "b", seed=7)
    files = first.inputs
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in second.inputs]
    papers = [p for f in files for p in parse_listing(f.read_text(), f.name).papers]
    assert len(papers) == 120
    assert all(60 <= len(p.title) <= 120 for p in papers)
    assert len({p.title for p in papers}) == 120
    labels = generate.read_labels(first.labels)
    assert len(labels) == 120 and set(labels.values()) <= {t.name for t in generate.TOPICS}


def test_bibtex_and_snapshot_inputs_import_whole(tmp_path: Path) -> None:
    bib = formats.bibtex(80, tmp_path, seed=7)
    snapshot = formats.snapshot(90, tmp_path, seed=7)
    for dump in (bib, snapshot):
        batch = load_files([dump.path])
        papers = [paper for listing in batch.listings for paper in listing.papers]
        assert len(papers) == dump.papers
        assert all(paper.authors and paper.year for paper in papers)
    assert sum(1 for paper in load_files([bib.path]).listings[0].papers if paper.doi) > 10


def test_sizes_name_tiers_or_counts() -> None:
    assert [(p.tier, p.papers) for p in plans(None, quick=False)] == [
        ("10k", 10_000),
        ("100k", 100_000),
    ]
    chosen = plans(parse_sizes("1M,2000,100k=5000"), quick=False)
    assert [(p.tier, p.papers) for p in chosen] == [
        ("10k", 2_000),
        ("100k", 5_000),
        ("1M", 1_000_000),
    ]
    assert all(not p.held for p in plans(None, quick=True))


def test_suite_runs_quick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.json"
    assert main(["--quick", "--work", str(tmp_path), "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["errors"] == []
    figures = results["figures"]
    assert {figure["key"] for figure in figures} == set(ORDER)
    for figure in figures:
        assert len(figure["label"]) <= 100 and "{" not in figure["label"], figure["label"]
        assert figure["runs"] >= 1, figure["key"]
        assert figure["target"] is None, figure["key"]  # quick sizes are held to nothing
        if figure["key"] != "keystroke_fuzzy":  # the tiny library may need no fuzzy answer
            assert math.isfinite(figure["median"]), figure["key"]
    assert results["machine"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert "| figure" in capsys.readouterr().out
