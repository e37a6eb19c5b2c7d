"""Figures: the samples of one measurement, the target it is held to, and the table of them."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), -(-int(fraction * 100 * len(ordered)) // 100)))
    return ordered[rank - 1]


@dataclass
class Figure:
    """One measured figure: all its samples, and the target it is held to (if any).

    ``stat`` says which statistic the target is for (median, p95, max, or min for figures where
    more is better, such as precision); ``higher`` figures pass at or above their target."""

    key: str
    label: str
    papers: int
    unit: str
    samples: list[float]
    target: float | None = None
    stat: str = "median"
    note: str = ""
    tier: str = ""
    higher: bool = False
    command: list[str] | None = None  # the measured process, for --profile

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)

    @property
    def value(self) -> float:
        return {
            "median": self.median,
            "p95": self.p95,
            "max": max(self.samples),
            "min": min(self.samples),
        }[self.stat]

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.higher else self.value <= self.target

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "tier": self.tier,
            "papers": self.papers,
            "unit": self.unit,
            "median": self.median,
            "p95": self.p95,
            "min": min(self.samples),
            "max": max(self.samples),
            "runs": len(self.samples),
            "target": self.target,
            "target_stat": self.stat if self.target is not None else None,
            "higher_is_better": self.higher,
            "passed": self.passed,
            "note": self.note,
            "command": self.command,
            "samples": self.samples,
        }


def fmt(value: float, unit: str) -> str:
    if value != value:  # NaN: nothing was measured
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "":
        return f"{value:.2f}"
    return f"{value:g} {unit}"


def result(figure: Figure) -> tuple[str, str]:
    """The target and pass/miss cells of a figure's row."""
    if figure.target is None:
        return "", ""
    prefix = "" if figure.stat in ("median", "min") else f"{figure.stat} "
    sign = ">=" if figure.higher else "<="
    target = f"{prefix}{sign} {fmt(figure.target, figure.unit)}"
    if figure.passed:
        verdict = "pass"
    elif figure.higher:
        verdict = "MISS" if figure.value <= 0 else f"MISS ({figure.target / figure.value:.2f}x)"
    else:
        verdict = f"MISS ({figure.value / figure.target:.2f}x)"
    if figure.stat == "max" and len(figure.samples) > 1:
        verdict += f", max {fmt(figure.value, figure.unit)}"
    return target, verdict


def table(figures: Sequence[Figure]) -> str:
    """A Markdown table: it reads in a terminal and pastes into the README."""
    header = ("figure", "papers", "median", "p95", "runs", "target", "result")
    rows = []
    for figure in figures:
        target, verdict = result(figure)
        rows.append(
            (
                figure.label,
                f"{figure.papers:,}" if figure.papers else "",
                fmt(figure.median, figure.unit),
                fmt(figure.p95, figure.unit) if len(figure.samples) > 1 else "",
                str(len(figure.samples)),
                target,
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(row) for row in rows]
    return "\n".join(out)
