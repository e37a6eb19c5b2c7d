"""The cyclic garbage collector, tuned for an app that is up and drawing."""

from __future__ import annotations

import gc

# Collect the youngest generation every this many allocations (Python's default is 700).
YOUNGEST = 10_000


def tune_for_frames() -> None:
    """Called once the first results are on screen.

    What the process made to start lives as long as the app: the collector's full passes
    (70-220 ms while typing at 100,000 papers) need not walk it again, so it is frozen. And a
    frame makes about a hundred thousand short-lived objects (strips, segments, styles):
    collected every 700 allocations, many lived just long enough to be carried into the older
    generations and walked again there; collected every 10,000, they die first. Only after the
    start: the app started more slowly with it set from the beginning."""
    gc.freeze()
    gc.set_threshold(YOUNGEST, *gc.get_threshold()[1:])
