"""SQLite's failures, said in a person's words: the store's one boundary for storage errors.

"Damaged" is said only when SQLite reports corruption; a read-only file, a full disk, a denied
permission or a lock held too long by another process are named for what they are.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from reader.models import LibraryError

# Below this much free space SQLite cannot even create its shared-memory file.
LOW_SPACE_BYTES = 1024 * 1024


def describe(path: Path, error: BaseException) -> LibraryError:
    """A LibraryError for an SQLite (or OS) error met while using the library at ``path``."""
    text = str(error).lower()
    code = getattr(error, "sqlite_errorcode", None)
    if "locked" in text or "busy" in text or code in (5, 6):
        return LibraryError(
            f"{path}: the library is busy: another reader is writing to it (an import, say); "
            "nothing was changed. Try again in a moment.",
            busy=True,
        )
    if "not a database" in text:
        return LibraryError(f"{path}: not a reader library ({error})")
    if "malformed" in text or "corrupt" in text:
        return LibraryError(
            f"{path}: the library file is damaged ({error}); nothing was written. "
            "`reader export --all --format json` may save what is readable."
        )
    cause = environment_cause(path)
    if "full" in text or isinstance(error, OSError) and error.errno == errno.ENOSPC:
        cause = cause or "the disk is full"
    if "readonly" in text or "read-only" in text:
        cause = cause or "the library is read-only"
    if cause:
        return LibraryError(f"{path}: {cause}; nothing was changed")
    return LibraryError(f"{path}: the library could not be read or written ({error})")


def environment_cause(path: Path) -> str | None:
    """What about the file, its folder or its disk keeps SQLite from using it, if anything."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.R_OK):
        return "permission denied (the library file cannot be read)"
    writable = os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    if not writable:
        try:
            read_only_fs = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
        except OSError:
            read_only_fs = False
        where = "on a read-only file system" if read_only_fs else "in a folder you cannot write"
        return f"the library is read-only ({where})"
    try:  # what shutil.disk_usage reads, without importing shutil into every command
        space = os.statvfs(folder)
    except OSError:
        return None
    if space.f_bavail * space.f_frsize < LOW_SPACE_BYTES:
        return "the disk is full"
    return None


def is_sqlite_error(error: BaseException) -> bool:
    return isinstance(error, sqlite3.Error)
