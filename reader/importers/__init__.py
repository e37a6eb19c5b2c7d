"""Read input files and import them, all or nothing.

Files are parsed in a background thread while the library writes what was already parsed; the
whole command is one transaction, so a bad file anywhere rolls everything back and the library
is left as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.importers.backup import looks_like_backup, parse_backup
from reader.importers.listing import decode, link_kind, parse_listing
from reader.keys import paper_key
from reader.models import ImportSummary, Link, ParsedListing, ParsedPaper, ReaderError
from reader.text import clean_text

if TYPE_CHECKING:
    from reader.store import Library

MAX_FILE_BYTES = 512 * 1024 * 1024
# From this much input on, a second process parses while this one writes.
PROCESS_PARSE_BYTES = 8 * 1024 * 1024
IMPORTABLE_SUFFIXES = (".txt", ".bib", ".json")


@dataclass
class ParsedFile:
    """One input file, parsed: a listing (with BibTeX keywords as tags) or a backup."""

    path: Path
    listing: ParsedListing | None = None
    tags: dict[str, list[str]] = field(default_factory=dict)
    backup: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


# Non-blocking, so that a FIFO put in a file's place after collect_files looked at it cannot
# hang the import (and the library's write lock with it); no controlling terminal from a tty.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_CHUNK_BYTES = 1024 * 1024
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: Path, mode: int) -> ReaderError:
    if stat.S_ISDIR(mode):
        return ReaderError(f"{path}: is a folder")
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a file")
    return ReaderError(
        f"{path}: not a regular file ({kind}); give a listing, BibTeX or backup file"
    )


def read_text(path: Path) -> str:
    """The decoded text of a regular file, or a ReaderError naming it.

    What is opened is checked, not what the name pointed at a moment before, and at most
    MAX_FILE_BYTES are read whatever the file claims its size is (devices and /proc files
    say 0).
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise ReaderError(f"{path}: no such file (it may have been moved while reading)") from None
    except OSError as error:
        raise ReaderError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            raise ReaderError(f"{path}: too large to be a listing ({info.st_size} bytes)")
        data = _read_at_most(descriptor, info.st_size, path)
    except OSError as error:
        raise ReaderError(f"{path}: cannot be read ({error.strerror})") from None
    finally:
        os.close(descriptor)
    if not data.strip():
        raise ReaderError(f"{path}: empty file")
    return decode(data, str(path))


def _read_at_most(descriptor: int, size: int, path: Path) -> bytes:
    """Read to the end, refusing the file once it passes MAX_FILE_BYTES.

    The first read asks for the size the file reports plus one byte, so an ordinary file is
    read in one call and one buffer."""
    chunks: list[bytes] = []
    total = 0
    want = size + 1
    while True:
        chunk = os.read(descriptor, min(want, MAX_FILE_BYTES + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise ReaderError(
                f"{path}: too large to be a listing (more than {MAX_FILE_BYTES} bytes)"
            )
        want = _CHUNK_BYTES
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def source_name(path: Path) -> str:
    """The file name papers remember as their source: text SQLite can store (bytes that are
    not UTF-8 become U+FFFD, not surrogates) and cleaned like everything imported."""
    return clean_text(os.fsencode(path.name).decode("utf-8", "replace"))


def parse_file(path: Path, *, skip_bad: bool = False) -> ParsedFile:
    """Parse one file, choosing its format from its content (and only then its name)."""
    from reader.importers.bibtex import looks_like_bibtex, parse_bibtex

    text = read_text(path)
    source = source_name(path)
    suffix = path.suffix.lower()
    if looks_like_backup(text) or (suffix == ".json" and text.lstrip()[:1] in "{["):
        return ParsedFile(path, backup=parse_backup(text, source))
    if looks_like_bibtex(text) or suffix == ".bib":
        entries, warnings = parse_bibtex(text, source, skip_bad=skip_bad)
        parsed = ParsedFile(path, warnings=list(warnings))
        papers = []
        for entry in entries:
            links = (Link(entry.url, link_kind(entry.url)),) if entry.url else ()
            papers.append(ParsedPaper(entry.title, entry.abstract, entry.listed, source, links))
            if entry.tags:
                parsed.tags.setdefault(paper_key(entry.title), []).extend(entry.tags)
        parsed.listing = ParsedListing(source, None, tuple(papers))
        return parsed
    return ParsedFile(path, listing=parse_listing(text, source))


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their importable files; refuse missing paths and anything that is not
    a regular file (a FIFO would block, a device never ends) before anything is read, and so
    before the library's write lock is taken. A symlink counts as what it points to."""
    files: list[Path] = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise ReaderError(f"{path}: no such file or folder") from None
        except (OSError, ValueError) as error:  # ValueError: a NUL in the name
            reason = getattr(error, "strerror", None) or "not a file name"
            raise ReaderError(f"{path}: cannot be read ({reason})") from None
        if stat.S_ISDIR(mode):
            files.extend(_folder_files(path))
        elif stat.S_ISREG(mode):
            files.append(path)
        else:
            raise _not_regular(path, mode)
    return files


def _folder_files(folder: Path) -> list[Path]:
    try:
        found = sorted(
            child
            for child in folder.iterdir()
            if child.suffix.lower() in IMPORTABLE_SUFFIXES and child.is_file()
        )
    except OSError as error:
        raise ReaderError(f"{folder}: cannot be read ({error.strerror})") from None
    if not found:
        raise ReaderError(f"{folder}: folder has no listings (*.txt, *.bib, *.json)")
    return found


_DONE = object()


def parse_in_background(paths: list[Path], *, skip_bad: bool = False) -> Iterator[ParsedFile]:
    """Parse files ahead of the consumer; errors surface in order.

    Big imports parse in a second process, so parsing truly runs beside SQLite's work on
    another core; small ones in a thread, which starts at once.
    """
    if len(paths) > 1 and _total_size(paths) >= PROCESS_PARSE_BYTES:
        yield from _parse_in_process(paths, skip_bad)
    else:
        yield from _parse_in_thread(paths, skip_bad)


def _total_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with suppress(OSError):  # read_text names the file when its turn comes
            total += path.stat().st_size
    return total


def _parse_in_process(paths: list[Path], skip_bad: bool) -> Iterator[ParsedFile]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            yield from pool.map(partial(parse_file, skip_bad=skip_bad), paths)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _parse_in_thread(paths: list[Path], skip_bad: bool) -> Iterator[ParsedFile]:
    results: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for path in paths:
                item: Any = parse_file(path, skip_bad=skip_bad)
                while not stop.is_set():
                    try:
                        results.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as error:  # handed to the consumer, which raises it
            results.put(error)
            return
        results.put(_DONE)

    worker = threading.Thread(target=produce, name="reader-parse", daemon=True)
    worker.start()
    try:
        while True:
            item = results.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def import_files(
    library: Library,
    paths: list[Path],
    *,
    skip_bad: bool = False,
    on_file: Callable[[Path], None] | None = None,
) -> ImportSummary:
    """Import files into the library in one transaction: every file goes in, or none does."""
    backups: list[dict[str, Any]] = []
    tags: dict[str, list[str]] = {}
    warnings: list[str] = []

    def listings() -> Iterator[ParsedListing]:
        for parsed in parse_in_background(paths, skip_bad=skip_bad):
            if on_file is not None:
                on_file(parsed.path)
            warnings.extend(parsed.warnings)
            for key, names in parsed.tags.items():
                tags.setdefault(key, []).extend(names)
            if parsed.backup is not None:
                backups.append(parsed.backup)
            if parsed.listing is not None:
                yield parsed.listing

    with library.transaction():
        summaries = [library.import_listings(listings())]
        if tags:
            library.attach_tags(tags)
        summaries += [library.restore(backup) for backup in backups]
    listing_files = summaries[0].files
    return ImportSummary(
        files=listing_files + len(backups),
        parsed=sum(item.parsed for item in summaries),
        added=sum(item.added for item in summaries),
        duplicates=sum(item.duplicates for item in summaries),
        warnings=tuple(warnings) + tuple(w for item in summaries for w in item.warnings),
    )


@dataclass
class ParsedBatch:
    """Several files parsed up front (no library involved), for checks and tools."""

    files: list[ParsedFile]

    @property
    def listings(self) -> list[ParsedListing]:
        return [item.listing for item in self.files if item.listing is not None]

    @property
    def backups(self) -> list[dict[str, Any]]:
        return [item.backup for item in self.files if item.backup is not None]


def load_files(paths: Iterable[Path], *, skip_bad: bool = False) -> ParsedBatch:
    """Parse every file now, raising on the first bad one."""
    return ParsedBatch([parse_file(path, skip_bad=skip_bad) for path in paths])
