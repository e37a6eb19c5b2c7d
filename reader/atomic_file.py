"""Writing a whole file or nothing, for exports: the text goes to a file with no name yet, which
takes the target's name in one rename when complete.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import TextIO

from reader.models import ReaderError

# A piece of text already encoded as UTF-8 (an export's kept entries, written as they were).
Encoded = bytes | memoryview


def joined_text(pieces: Iterable[str | Encoded]) -> str:
    """The whole text of pieces some of which are encoded (for printing rather than writing)."""
    return "".join(piece if isinstance(piece, str) else str(piece, "utf-8") for piece in pieces)


def write_atomic(path: Path, text: str | Iterable[str | Encoded], *, private: bool = False) -> Path:
    """Write a whole file or nothing: the text (a string or its pieces, some of them maybe
    encoded already) goes to a file with no name yet, which takes the target's name in one
    rename when complete.

    A process killed while writing leaves nothing behind: on Linux the text goes into an
    unnamed ``O_TMPFILE`` file in the target's folder; elsewhere, or where the file system
    cannot link one, a hidden temporary file is used and removed on SIGTERM, SIGHUP and
    Ctrl+C (only SIGKILL can strand it). A symlink is written through to the file it points at.
    An existing file keeps its permissions (``private`` content also loses any group or other
    access); a new file gets ``0600`` when ``private``, otherwise what the umask allows.
    Returns the path written.
    """
    target = _target(path.expanduser())
    try:
        return _write_whole(target, _mode(target, private), text)
    except OSError as error:
        if error.filename is None:  # a write or a flush: name the file it was for
            raise OSError(error.errno, error.strerror, str(target)) from None
        raise


def _write_whole(target: Path, mode: int | None, text: str | Iterable[str | Encoded]) -> Path:
    pieces = (text,) if isinstance(text, str) else text
    with _removed_on_termination():
        descriptor = _unnamed_file(target.parent)
        if descriptor is None:
            _write_named(target, pieces, mode)
            return target
        try:
            stream = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        except BaseException:
            os.close(descriptor)
            raise
        with stream:
            if mode is not None:
                os.fchmod(descriptor, mode)
            _write_pieces(stream, pieces)
            _link(descriptor, target)
    return target


_CHUNK = 1 << 20
_MIXED = 1 << 14


def _write_pieces(stream: TextIO, pieces: Iterable[str | Encoded]) -> None:
    """Write text and encoded pieces in their order, and flush."""
    text: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            text.append(piece)
            continue
        for chunk in _chunks(text):
            stream.write(chunk)
        text.clear()
        stream.flush()
        stream.buffer.write(piece)
    for chunk in _chunks(text):
        stream.write(chunk)
    stream.flush()


def _chunks(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces joined into runs of about a megabyte (a text stream's write costs more than
    joining a few small strings). Only an ASCII run is encoded by copying, so a piece beyond
    ASCII starts a run that ends at about 16 KB where ASCII follows."""
    run: list[str] = []
    size = 0
    narrow = True
    for piece in pieces:
        plain = piece.isascii()
        if run and (size >= _CHUNK or (plain != narrow and size >= _MIXED)):
            yield "".join(run)
            run.clear()
            size = 0
        narrow = plain if not run else narrow and plain
        run.append(piece)
        size += len(piece)
    if size:
        yield "".join(run)


def _target(path: Path) -> Path:
    """The file to replace: symlinks followed to the end, refused when it cannot be one."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise ReaderError(f"{path}: cannot be written ({error.strerror})") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise ReaderError(f"{path}: is a folder; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise ReaderError(f"{path}: not a regular file; give a file name to write to")
    target = Path(os.path.realpath(path))
    if not target.parent.is_dir():
        shown = target.parent if os.path.islink(path) else path.parent
        raise ReaderError(f"{shown}: no such folder")
    return target


def _mode(target: Path, private: bool) -> int | None:
    """The permissions to give the new file; None leaves them to the umask."""
    try:
        current = stat.S_IMODE(os.stat(target).st_mode) & 0o777
    except FileNotFoundError:
        return 0o600 if private else None
    return current & 0o700 if private else current


def _unnamed_file(folder: Path) -> int | None:
    """An ``O_TMPFILE`` descriptor in the folder, or None where the system has none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(folder, flag | os.O_RDWR | os.O_CLOEXEC, 0o666)
    except OSError as error:
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None
        raise


# What linking /proc/self/fd/N gives where the kernel or file system will not do it.
_NO_LINK = frozenset(
    {errno.EXDEV, errno.EPERM, errno.ENOENT, errno.EOPNOTSUPP, errno.EACCES, errno.EMLINK}
)


def _can_link(target: Path) -> bool:
    """Whether an unnamed file beside the target can be given a name, tried on an empty one (a
    few system calls; the name it takes is removed at once): where it cannot (some containers
    and file systems refuse with EXDEV or EPERM), the finished file is copied without first
    being flushed to disk for a link that would fail."""
    probe = _unnamed_file(target.parent)
    if probe is None:
        return False
    name = _reserve(target)
    try:
        os.link(f"/proc/self/fd/{probe}", name)
    except OSError as error:
        if error.errno not in _NO_LINK:
            raise
        return False
    else:
        _remove(name)
        return True
    finally:
        _PENDING.discard(name)
        os.close(probe)


def _link(descriptor: int, target: Path) -> None:
    """Give the finished unnamed file the target's name (through a temporary name when the
    target exists, as a link cannot replace a file); copy it where linking is refused."""
    source = f"/proc/self/fd/{descriptor}"
    if not _can_link(target):
        _copy_named(descriptor, target)
        return
    try:
        os.fsync(descriptor)  # the content is on disk before any name points at it
        if not os.path.lexists(target):
            try:
                os.link(source, target)
                return
            except FileExistsError:
                pass
        temporary = _reserve(target)
        try:
            os.link(source, temporary)
        except BaseException:
            _PENDING.discard(temporary)
            raise
    except OSError as error:
        if error.errno not in _NO_LINK:
            raise
        _copy_named(descriptor, target)
        return
    _rename(temporary, target)


def _copy_named(descriptor: int, target: Path) -> None:
    """Copy the finished unnamed file to a hidden temporary file and rename that."""
    mode = stat.S_IMODE(os.fstat(descriptor).st_mode)
    os.lseek(descriptor, 0, os.SEEK_SET)
    temporary, copy = _create_named(target, mode)
    try:
        while chunk := os.read(descriptor, 1024 * 1024):
            while chunk:
                chunk = chunk[os.write(copy, chunk) :]
        os.fsync(copy)
    except BaseException:
        _remove(temporary)
        raise
    finally:
        os.close(copy)
    _rename(temporary, target)


def _write_named(target: Path, pieces: Iterable[str | Encoded], mode: int | None) -> None:
    """Where there is no ``O_TMPFILE``: write a hidden temporary file and rename it."""
    temporary, descriptor = _create_named(target, mode)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            _write_pieces(stream, pieces)
            os.fsync(descriptor)
    except BaseException:
        _remove(temporary)
        raise
    _rename(temporary, target)


def _create_named(target: Path, mode: int | None) -> tuple[str, int]:
    """A new hidden file beside the target, with its final permissions before any content."""
    temporary = _reserve(target)
    try:
        descriptor = os.open(
            temporary,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
            0o666 if mode is None else 0o600,
        )
    except BaseException:
        _PENDING.discard(temporary)
        raise
    try:
        if mode is not None:
            os.fchmod(descriptor, mode)
    except BaseException:
        os.close(descriptor)
        _remove(temporary)
        raise
    return temporary, descriptor


def _rename(temporary: str, target: Path) -> None:
    try:
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise
    _PENDING.discard(temporary)


# Hidden temporary files this process has (or is about to have), for the signal handler.
_PENDING: set[str] = set()
_TERMINATING = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


def _reserve(target: Path) -> str:
    """A fresh hidden name beside the target, registered for removal before it exists."""
    stem = os.fsdecode(os.fsencode(target.name)[:100])  # room for the suffix in NAME_MAX
    name = str(target.parent / f".{stem}.{os.urandom(6).hex()}.tmp")
    _PENDING.add(name)
    return name


def _remove(name: str) -> None:
    with suppress(OSError):
        os.unlink(name)
    _PENDING.discard(name)


def _on_termination(signum: int, frame: FrameType | None) -> None:
    for name in list(_PENDING):
        with suppress(OSError):
            os.unlink(name)
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@contextmanager
def _removed_on_termination() -> Iterator[None]:
    """While writing, a SIGTERM, SIGHUP or SIGINT first removes the temporary files.

    Only signals whose action is still the default (to die) are taken over, and only in the
    main thread, where Python runs handlers; a program with handlers of its own keeps them,
    and Ctrl+C's KeyboardInterrupt is cleaned up like any other exception."""
    replaced: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _TERMINATING:
            with suppress(OSError, ValueError):
                if signal.getsignal(signum) == signal.SIG_DFL:
                    replaced[signum] = signal.signal(signum, _on_termination)
    try:
        yield
    finally:
        for signum, handler in replaced.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
