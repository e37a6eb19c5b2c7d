"""The store's one clock, so tests and screenshots can fix the time in one place."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    """UTC time to the second, as every timestamp in the library is written."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
