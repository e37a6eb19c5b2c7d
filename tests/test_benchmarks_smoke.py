"""The benchmark suite runs end to end at a tiny size (figures are checked, never timed)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing

# benchmarks/ sits beside reader/ but is not installed: make it importable from any directory.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import cached_dump  # noqa: E402
from benchmarks.run import ORDER, main  # noqa: E402

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="peak memory is read from /proc"
)


def test_generated_dump_is_deterministic_and_parses(tmp_path: Path) -> None:
    first = cached_dump(120, tmp_path / "a", seed=7)
    second = cached_dump(120, tmp_path / "b", seed=7)
    files = sorted(first.folder.glob("*.txt"))
    assert [f.read_bytes() for f in files] == [
        f.read_bytes() for f in sorted(second.folder.glob("*.txt"))
    ]
    papers = [p for f in files for p in parse_listing(f.read_text(), f.name).papers]
    assert len(papers) == 120
    assert all(60 <= len(p.title) <= 120 for p in papers)
    assert len({p.title for p in papers}) == 120


def test_suite_runs_at_a_tiny_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "results.json"
    argv = ["--sizes", "300", "--repeat", "1", "--quick", "--work", str(tmp_path)]
    assert main([*argv, "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    figures = {figure["key"]: figure for figure in results["figures"]}
    assert set(figures) == set(ORDER)
    for key, figure in figures.items():
        assert figure["papers"] == 300, key
        assert figure["runs"] >= 1, key
        assert math.isfinite(figure["median"]), key
    assert results["machine"]["nproc"] >= 1
    assert results["machine"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert "| figure" in capsys.readouterr().out
