"""Read input files and import them, all or nothing.

Each file's format is told from its content: a listing dump, BibTeX, a JSON backup, or the
arXiv metadata snapshot (read in parts, never whole). Files are parsed ahead of the library
(``reader.importers.pipeline``) while it writes what was already parsed; the whole command is
one transaction, so a bad file anywhere rolls everything back and the library is left as it was.
"""

from __future__ import annotations

import gc
import os
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.importers.files import not_regular, open_regular
from reader.importers.listing import decode, parse_listing
from reader.incoming import ImportSummary, ParsedListing
from reader.models import ReaderError
from reader.text import clean_text

if TYPE_CHECKING:
    from reader.store import Library

MAX_FILE_BYTES = 512 * 1024 * 1024  # whole-file formats; the arXiv snapshot is streamed
# What a folder import takes; a file named on its own may have any name.
IMPORTABLE_SUFFIXES = (".txt", ".bib", ".json")


@dataclass(frozen=True)
class ParseOptions:
    """How to read files: skip malformed entries or lines instead of refusing the file, and
    which arXiv categories to keep from a snapshot (prefixes: ``cs`` takes every ``cs.*``).

    ``bibtex_parts``: a big BibTeX file comes in parts as it is read (``bibtex_parts``), each
    carrying the reading's state to the next: only where the parts are asked for in the
    process that read the first (not through the process pool)."""

    skip_bad: bool = False
    categories: tuple[str, ...] = ()
    bibtex_parts: bool = False


@dataclass
class ParsedFile:
    """One part of an input file, parsed: papers (a listing, BibTeX, or a snapshot's next
    ~10,000) or a backup. ``resume`` says where the next part of the file starts, when there is
    one (see ``reader.importers.pipeline``)."""

    path: Path
    listing: ParsedListing | None = None
    backup: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    resume: Any = None
    step_end: bool = False  # written at once, before what comes next (a BibTeX file's parts)

    @property
    def last(self) -> bool:
        return self.resume is None

    @property
    def tags(self) -> dict[str, list[str]]:
        """Keyword tags by paper key, read from the papers (which carry them to the store)."""
        from reader.keys import paper_key

        papers = self.listing.papers if self.listing is not None else ()
        return {paper_key(paper.title): list(paper.tags) for paper in papers if paper.tags}


_CHUNK_BYTES = 1024 * 1024


def read_text(path: Path) -> str:
    """The decoded text of a regular file, or a ReaderError naming it.

    What is opened is checked, not what the name pointed at a moment before, and at most
    MAX_FILE_BYTES are read whatever the file claims its size is (devices and /proc files
    say 0).
    """
    descriptor, info = open_regular(path)
    try:
        if info.st_size > MAX_FILE_BYTES:
            raise ReaderError(f"{path}: too large to be a listing ({info.st_size} bytes)")
        data = _read_at_most(descriptor, info.st_size, path)
    except OSError as error:
        raise ReaderError(f"{path}: cannot be read ({error.strerror})") from None
    finally:
        os.close(descriptor)
    if not data or data.isspace():  # as data.strip() would say, without copying the file
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
    """Parse one file (its first part, for the arXiv snapshot), choosing its format from its
    content (and only then its name)."""
    return parse_part(path, ParseOptions(skip_bad=skip_bad), None)


def parse_part(path: Path, options: ParseOptions, resume: Any) -> ParsedFile:
    """One part of a file: the whole file, or the part of a snapshot or a big listing starting
    at ``resume``."""
    from reader.importers import arxiv_snapshot, listing_parts

    source = source_name(path)
    ignored = [f"{source}: --category applies to arXiv snapshots only; ignored"]
    warnings = ignored if options.categories else []
    if isinstance(resume, listing_parts.ListingPosition):
        listing, resume = listing_parts.parse_listing_part(path, source, resume)
        return ParsedFile(path, listing=listing, resume=resume)
    if resume is not None:
        from reader.importers.bibtex_parts import BibtexParts

        if isinstance(resume, BibtexParts):
            return _bibtex_part(path, resume)
    if resume is not None or arxiv_snapshot.looks_like_snapshot(path):
        listing, resume = arxiv_snapshot.parse_snapshot_part(path, options, resume)
        return ParsedFile(path, listing=listing, resume=resume)
    if listing_parts.readable_in_parts(path, MAX_FILE_BYTES):
        listing, resume = listing_parts.parse_listing_part(path, source, None)
        return ParsedFile(path, listing=listing, warnings=warnings, resume=resume)
    text = read_text(path)
    suffix = path.suffix.lower()
    from reader.importers.backup import looks_like_backup, parse_backup

    if looks_like_backup(text) or (suffix == ".json" and text.lstrip()[:1] in "{["):
        return ParsedFile(path, backup=parse_backup(text, source), warnings=warnings)
    from reader.importers.bibtex import looks_like_bibtex, parse_bibtex

    if looks_like_bibtex(text) or suffix == ".bib":
        folder = path.resolve().parent
        from reader.importers import bibtex_parts

        if options.bibtex_parts and len(text) >= bibtex_parts.MIN_CHARS:
            reader = bibtex_parts.BibtexParts(
                text, source, skip_bad=options.skip_bad, folder=folder, notes=warnings
            )
            return _bibtex_part(path, reader)
        papers, found = parse_bibtex(text, source, skip_bad=options.skip_bad, folder=folder)
        listing = ParsedListing(source, None, tuple(papers))
        return ParsedFile(path, listing=listing, warnings=warnings + found)
    return ParsedFile(path, listing=parse_listing(text, source), warnings=warnings)


def _bibtex_part(path: Path, reader: Any) -> ParsedFile:
    """The next part of a BibTeX file read in parts (``reader``: its BibtexParts)."""
    papers, warnings = reader.next_part()
    listing = ParsedListing(reader.source, None, tuple(papers))
    resume = None if reader.done else reader
    return ParsedFile(path, listing=listing, warnings=warnings, resume=resume, step_end=True)


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
            raise not_regular(path, mode)
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


def parse_in_background(paths: list[Path], options: ParseOptions) -> Iterator[ParsedFile]:
    """Every part of every file, parsed ahead of the consumer; errors surface in order."""
    from reader.importers.arxiv_snapshot import looks_like_snapshot

    chunked = any(path.suffix.lower() == ".jsonl" or looks_like_snapshot(path) for path in paths)
    light = not chunked and all(path.suffix.lower() not in (".bib", ".json") for path in paths)
    from reader.importers.pipeline import parse_ahead  # a process pool: only to import

    return parse_ahead(paths, options, parse_part, chunked=chunked, light=light)


def import_files(
    library: Library,
    paths: list[Path],
    *,
    skip_bad: bool = False,
    categories: Sequence[str] = (),
    on_file: Callable[[Path], None] | None = None,
) -> ImportSummary:
    """Import files into the library in one transaction: every file goes in, or none does.

    ``on_file`` is called once a file is wholly read (after its last part)."""
    options = ParseOptions(skip_bad=skip_bad, categories=tuple(categories), bibtex_parts=True)
    told = 0  # files reported to on_file: an import done again does not report them twice

    def tell(path: Path, number: int) -> None:
        nonlocal told
        if on_file is not None and number >= told:
            told += 1
            on_file(path)

    from reader.importers.bibtex_parts import StartOver

    with _uncollected():
        try:
            return _import(library, paths, options, tell)
        except StartOver:
            # A BibTeX file read in parts needs bibtexparser's reading of its whole text after
            # all: what was written is undone with the transaction, and the files read again.
            return _import(library, paths, replace(options, bibtex_parts=False), tell)


@contextmanager
def _uncollected() -> Iterator[None]:
    """The cyclic garbage collector paused: parsed papers are many objects, none in a cycle,
    and every collection of the oldest generation walks all that are alive again (a tenth of a
    second of a 10,000-entry BibTeX import). Reference counting frees them as usual. Only in a
    process running no other thread (a command): the pause is the whole process's, and an
    app's other threads go on making garbage while it imports."""
    if not gc.isenabled() or threading.active_count() > 1:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _import(
    library: Library,
    paths: list[Path],
    options: ParseOptions,
    tell: Callable[[Path, int], None],
) -> ImportSummary:
    backups: list[dict[str, Any]] = []
    warnings: list[str] = []
    listing_files: set[Path] = set()

    def listings() -> Iterator[ParsedListing | None]:
        finished = 0
        for parsed in parse_in_background(paths, options):
            if parsed.last:
                tell(parsed.path, finished)
                finished += 1
            warnings.extend(parsed.warnings)
            if parsed.backup is not None:
                backups.append(parsed.backup)
            if parsed.listing is not None:
                listing_files.add(parsed.path)
                yield parsed.listing
            if parsed.step_end:
                yield None  # written now, while the next part is read

    with library.transaction():
        summaries = [library.import_listings(listings())]  # type: ignore[arg-type]
        summaries += [library.restore(backup) for backup in backups]
    return ImportSummary(
        files=len(listing_files) + len(backups),
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
    """Parse every part of every file now, raising on the first bad one."""
    options = ParseOptions(skip_bad=skip_bad)
    from reader.importers.pipeline import parts

    return ParsedBatch([part for path in paths for part in parts(path, options, parse_part)])
