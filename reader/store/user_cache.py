"""The user cache folder, where reader keeps what can always be worked out again: which library
files were found sound (``checked``) and large search matches (``kept_postings``), one entry or
file per library, named by a hash of its resolved path. ``READER_CACHE_DIR`` picks another
folder (the tests and the benchmarks use their own)."""

from __future__ import annotations

import os
from pathlib import Path

# Python's own SHA-256, which hashlib falls back to: importing hashlib loads OpenSSL first,
# 5 ms of every command for one digest of a path. The digest is the same either way.
try:
    from _sha256 import sha256  # Python 3.11
except ImportError:  # pragma: no cover - other versions and builds
    try:
        from _sha2 import sha256  # Python 3.12 on
    except ImportError:
        from hashlib import sha256

CACHE_ENV = "READER_CACHE_DIR"


def cache_folder() -> Path:
    folder = os.environ.get(CACHE_ENV)
    if folder:
        return Path(folder)
    from platformdirs import user_cache_path  # only when no folder is given

    return user_cache_path("reader", appauthor=False)


def library_key(path: Path) -> str:
    """A library's name in the cache: the same for every way of writing its path."""
    return sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
