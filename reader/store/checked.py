"""Remembering that a library file was found sound, so that a one-shot command need not read
all of it again before its first write.

Before writing, a library is checked for damage (``PRAGMA quick_check`` reads every page: two
seconds at a million papers). Damage comes from outside SQLite (a bad disk, a copy cut short,
another program), and such a change also changes the file's size or modification time. So once a
check passes, the file's identity (device, inode, size, modification time) is remembered in the
user cache folder, and later writers skip the check while the file is unchanged. A process that
wrote records the file again after closing (closing folds the write-ahead log into the file), so
its own writes do not make the next command check again. Writes still in the write-ahead log are
guarded by SQLite's own checksums on every frame.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.store.user_cache import CACHE_ENV, cache_folder, library_key

__all__ = ["CACHE_ENV", "is_unchanged", "remember"]
MAX_ENTRIES = 200


def _cache_file() -> Path:
    return cache_folder() / "checked-libraries.json"


def _identity(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


def _load() -> dict[str, list[int]]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_unchanged(path: Path) -> bool:
    """Whether the file is exactly as it was when last found sound (or written from sound)."""
    identity = _identity(path)
    return identity is not None and _load().get(library_key(path)) == identity


def remember(path: Path) -> None:
    """Record the file as sound as it is now. Best effort: a cache that cannot be written only
    means the next writer checks again."""
    identity = _identity(path)
    if identity is None:
        return
    cache = _cache_file()
    data = _load()
    data.pop(library_key(path), None)
    data[library_key(path)] = identity
    while len(data) > MAX_ENTRIES:
        data.pop(next(iter(data)))
    # A name no other writer uses (tempfile's way, without importing tempfile, random and
    # shutil into every writing command: 8 ms), created only if it is not there.
    temporary = cache.parent / f".checked.{os.getpid()}.{os.urandom(6).hex()}"
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream)
        os.replace(temporary, cache)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
