"""The user cache folder, where reader keeps what can always be worked out again: which library
files were found sound (``checked``) and large search matches (``kept_postings``), one entry or
file per library, named by a hash of its resolved path. ``READER_CACHE_DIR`` picks another
folder (the tests and the benchmarks use their own)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CACHE_ENV = "READER_CACHE_DIR"


def cache_folder() -> Path:
    folder = os.environ.get(CACHE_ENV)
    if folder:
        return Path(folder)
    from platformdirs import user_cache_path  # only when no folder is given

    return user_cache_path("reader", appauthor=False)


def library_key(path: Path) -> str:
    """A library's name in the cache: the same for every way of writing its path."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
