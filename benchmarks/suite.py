"""The suite's state: where its files go, how often each figure runs, and the figures so far.

A tier is a set of figures stated for one library size (``10k``, ``100k``, ``1M``). It can run
at another size (``--quick`` runs every tier at a few hundred papers to check the code paths);
targets are applied only at the tier's own size or above.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.figures import Figure, fmt
from benchmarks.processes import environment, log

TIERS = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
REFERENCE = "reference"  # figures of no size: Python's start, search relevance
DEFAULT_TIERS = ("10k", "100k")
QUICK_PAPERS = {"10k": 300, "100k": 600, "1M": 800}
# Imports of this many papers or more run once by default (one is minutes on two cores).
BIG_IMPORT = 500_000


@dataclass(frozen=True)
class Plan:
    """One tier to run, at a size."""

    tier: str
    papers: int

    @property
    def nominal(self) -> int:
        return TIERS.get(self.tier, 0)

    @property
    def held(self) -> bool:
        """Whether targets apply: the tier runs at its own size or above."""
        return self.papers >= self.nominal


@dataclass
class Suite:
    plans: list[Plan]
    repeat: int
    work: Path
    seed: int
    quick: bool = False
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = environment(self.work)
        # This process writes libraries too (curation, the labelled library): the same cache.
        os.environ["READER_CACHE_DIR"] = self.env["READER_CACHE_DIR"]
        os.environ["READER_CONFIG"] = self.env["READER_CONFIG"]
        self.cache.mkdir(parents=True, exist_ok=True)
        self.dbs.mkdir(parents=True, exist_ok=True)

    @property
    def cache(self) -> Path:
        return self.work / "cache"

    @property
    def dbs(self) -> Path:
        return self.work / "db"

    def add(
        self,
        plan: Plan,
        key: str,
        label: str,
        unit: str,
        samples: Sequence[float],
        target: float | None = None,
        *,
        stat: str = "median",
        note: str = "",
        higher: bool = False,
        papers: int | None = None,
        command: list[str] | None = None,
    ) -> Figure:
        """Record a figure; ``target`` counts only when the plan runs at its tier's size."""
        figure = Figure(
            key,
            label,
            plan.papers if papers is None else papers,
            unit,
            [float(x) for x in samples] or [float("nan")],
            target if plan.held else None,
            stat,
            note,
            plan.tier,
            higher,
            command,
        )
        self.figures.append(figure)
        log(f"  {label} ({figure.papers:,}): median {fmt(figure.median, unit)} over {len(samples)}")
        return figure

    def runs(self, papers: int = 0, *, imports: bool = False) -> int:
        """How many timed runs a figure gets."""
        if imports:
            return 1 if papers >= BIG_IMPORT else min(self.repeat, 3)
        return self.repeat

    def repeated(
        self, what: str, function: Callable[[], float], runs: int | None = None
    ) -> list[float]:
        samples = []
        count = self.repeat if runs is None else runs
        for run in range(count):
            samples.append(function())
            log(f"    {what} {run + 1}/{count}: {samples[-1]:.3f}")
        return samples

    def detail(self, plan: Plan, name: str, value: Any) -> None:
        self.details.setdefault(f"{plan.tier}@{plan.papers}", {})[name] = value
