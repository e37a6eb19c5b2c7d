"""Opening input files safely: only regular files, never blocking, never a terminal.

What is opened is checked, not what a name pointed at a moment before: a FIFO put in a file's
place after the folder was listed cannot hang an import (and the library's write lock with it).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from reader.models import ReaderError

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_regular(path: Path, mode: int) -> ReaderError:
    """The error for a path that is a folder, a FIFO, a device or a socket."""
    if stat.S_ISDIR(mode):
        return ReaderError(f"{path}: is a folder")
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a file")
    return ReaderError(
        f"{path}: not a regular file ({kind}); give a listing, BibTeX or backup file"
    )


def open_regular(path: Path) -> tuple[int, os.stat_result]:
    """A read-only descriptor of a regular file and what fstat says of it; the caller closes
    it. Raises ReaderError naming the path for anything else."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise ReaderError(f"{path}: no such file (it may have been moved while reading)") from None
    except OSError as error:
        raise ReaderError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(path, info.st_mode)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor, info
