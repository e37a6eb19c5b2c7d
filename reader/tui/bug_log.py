"""Where the app writes down a bug it met, so that the person keeps working and can report it.

A bug in the app must not end it: a note half typed in a dialog would go with it. The app tells
the person in one line and keeps the whole traceback in a log file of its own, the newest at the
end, the file cut back to its last half when it passes a size nobody reads.
"""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

# Set (to anything) by the test suite: a bug is raised again there so that the test fails.
RAISE_ENV = "READER_RAISE_BUGS"
LOG_ENV = "READER_CACHE_DIR"
MOST_BYTES = 1_000_000


def raise_bugs() -> bool:
    return bool(os.environ.get(RAISE_ENV))


def log_path() -> Path:
    folder = os.environ.get(LOG_ENV)
    if folder:
        return Path(folder) / "bugs.log"
    from platformdirs import user_log_path

    return user_log_path("reader", appauthor=False) / "bugs.log"


def write_down(error: BaseException, doing: str) -> Path | None:
    """Append the bug's traceback to the log; the log's path, or None when it cannot be
    written (the person is told about the bug all the same)."""
    path = log_path()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    entry = f"--- {stamp} while trying to {doing or 'act'}\n" + "".join(
        traceback.format_exception(error)
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MOST_BYTES:
            kept = path.read_bytes()[-MOST_BYTES // 2 :]
            path.write_bytes(kept)
        with path.open("a", encoding="utf-8", errors="replace") as log:
            log.write(entry)
    except OSError:
        return None
    return path
