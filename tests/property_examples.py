"""How many examples a property test runs: ``@settings(max_examples=examples(1500))``.

The count written in a test is its thorough level, run with ``READER_THOROUGH=1`` (after
changing a parser or an exporter, and before a release). The everyday run takes a quarter of it,
never fewer than 100 (Hypothesis's own default) and never more than written: the differential
tests still meet a hundred or more new inputs on every run, and every ``@example`` is run
either way. Hypothesis keeps the inputs that ever failed and tries them first on every run, so a
failure found by a thorough run is not lost to a shorter one. The run's level is in pytest's
header.
"""

from __future__ import annotations

import os

THOROUGH = os.environ.get("READER_THOROUGH", "") not in ("", "0")
EVERYDAY_SHARE = 4  # the everyday run takes a quarter of a thorough one's examples...
EVERYDAY_FLOOR = 100  # ...but never fewer than this


def examples(thorough: int) -> int:
    """The examples to run of a test whose thorough level is ``thorough``."""
    if THOROUGH:
        return thorough
    return min(thorough, max(EVERYDAY_FLOOR, thorough // EVERYDAY_SHARE))


def level() -> str:
    """This run's level, for pytest's header."""
    if THOROUGH:
        return "property tests: thorough (READER_THOROUGH set): every example count as written"
    return (
        f"property tests: everyday example counts (1/{EVERYDAY_SHARE} of those written, at least "
        f"{EVERYDAY_FLOOR}); READER_THOROUGH=1 runs them in full"
    )
