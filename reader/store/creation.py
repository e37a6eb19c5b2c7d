"""Creating a library by filling it: the file appears under its name only once it is complete.

A first import builds the library in a hidden file beside the target and links it into place
when it succeeds. A failed import therefore leaves no library behind, and nothing is ever
deleted that another process might have created or written under the library's name.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reader.models import LibraryError
from reader.store import errors
from reader.store.library import Library

T = TypeVar("T")
SIDE_FILES = ("", "-wal", "-shm", "-journal")


def fill_new_library(path: Path, fill: Callable[[Library], T]) -> T:
    """Run ``fill`` on a library at ``path``; when none exists yet, build it aside first.

    If another process creates the library meanwhile, ``fill`` runs again on that one (an
    import merges, so nothing is lost or doubled)."""
    path = path.expanduser()
    if path.exists():
        with Library(path) as library:
            return fill(library)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise errors.describe(path, error) from None
    _remove_abandoned(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    try:
        try:
            with Library(temporary) as library:
                result = fill(library)
                library.fold_log()  # a full disk says so here, not in the closing
        except LibraryError as error:  # said of the library asked for, not of the hidden file
            raise LibraryError(
                str(error).replace(str(temporary), str(path)), busy=error.busy
            ) from None
        if _log_left(temporary):  # changes only in the log would stay behind with it
            raise errors.describe(path, OSError(errno.ENOSPC, "No space left on device"))
        if _link_into_place(temporary, path):
            return result
        with Library(path) as library:
            return fill(library)
    finally:
        for suffix in SIDE_FILES:
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def _log_left(temporary: Path) -> bool:
    """Whether the built file's write-ahead log still holds anything after the last close."""
    try:
        return Path(f"{temporary}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


def _link_into_place(temporary: Path, path: Path) -> bool:
    """Give the finished file its name unless one exists; False when another process won."""
    try:
        os.link(temporary, path)
        return True
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise errors.describe(path, error) from None
    # A file system without hard links: rename, checking first (a narrow window remains).
    if path.exists():
        return False
    os.replace(temporary, path)
    return True


def _remove_abandoned(path: Path) -> None:
    """Hidden files of first imports whose process was killed (it can clean nothing then)."""
    for candidate in path.parent.glob(f".{path.name}.*.new"):
        pid_text = candidate.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        for suffix in SIDE_FILES:
            Path(f"{candidate}{suffix}").unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True
