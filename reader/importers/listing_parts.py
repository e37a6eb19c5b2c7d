"""Reading a big listing in parts, as the arXiv snapshot is read.

A listing of a hundred megabytes parsed whole keeps the writer waiting for all of it and holds
its text, its lines and every paper at once. Read in parts of ~10,000 papers instead, a second
process parses the next part while the library writes this one, in constant memory.

A part reads the file in blocks cut at line ends and hands the lines to the same reader as a
whole file (``listing.read_lines``); where the next part starts (a ``ListingPosition``) carries
what that reader knows so far, so the papers are exactly those of ``parse_listing``. Only files
whose whole-file reading could not go otherwise are read so: UTF-8 without NUL bytes (checked
over the whole file first, so a bad byte is refused as before, by the whole-file path), neither
a backup nor BibTeX by their first characters, and not over ``MAX_FILE_BYTES``.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, replace
from pathlib import Path

from reader.importers.files import open_regular
from reader.importers.listing import ListingState, check_found, content_lines, read_lines
from reader.incoming import ParsedListing, ParsedPaper
from reader.models import ReaderError

# Listings from this size on are read in parts (a real dump of hundreds of papers is ~1 MB).
SPLIT_BYTES = 8 * 1024 * 1024
PART_PAPERS = 10_000  # the store writes this many papers per step
# Small enough that a block never holds more lines than a file may (see content_lines).
BLOCK_BYTES = 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_BOM = codecs.BOM_UTF8
_NOT_LISTINGS = (".json", ".bib")  # read whole by their name, whatever they hold


@dataclass(frozen=True)
class ListingPosition:
    """Where the next part of a listing starts, and what reading it has learnt so far."""

    offset: int
    state: ListingState


def readable_in_parts(path: Path, max_bytes: int) -> bool:
    """True when ``path`` is a listing that reads the same in parts as whole (see above).

    Costs one pass over the file (about a tenth of a second per 100 MB)."""
    if path.suffix.lower() in _NOT_LISTINGS:
        return False
    try:
        descriptor, info = open_regular(path)
    except ReaderError:
        return False  # the whole-file path names the problem
    if not SPLIT_BYTES <= info.st_size <= max_bytes:
        os.close(descriptor)
        return False
    try:
        with os.fdopen(descriptor, "rb", buffering=0) as stream:
            head = stream.read(_SNIFF_BYTES)
            if not _starts_like_listing(head):
                return False
            decoder = codecs.getincrementaldecoder("utf-8")()
            block = head
            while block:
                if b"\x00" in block:
                    return False
                decoder.decode(block)
                block = stream.read(BLOCK_BYTES)
            decoder.decode(b"", True)
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _starts_like_listing(head: bytes) -> bool:
    """The first thing in the file that is not a space or a byte-order mark is no backup's
    ``{``, no BibTeX ``@`` and no ``%`` comment (which could hide either)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16: read whole
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(head)
    content = text.lstrip("\ufeff").lstrip()
    return bool(content) and content[0] not in "{@%\ufeff"


def parse_listing_part(
    path: Path, source: str, resume: ListingPosition | None
) -> tuple[ParsedListing, ListingPosition | None]:
    """The papers of the part starting at ``resume`` (the first part when None), and where the
    next part starts (None after the last, when the whole file's checks have been made)."""
    offset = resume.offset if resume is not None else 0
    state = replace(resume.state) if resume is not None else ListingState()
    papers: list[ParsedPaper] = []
    warnings: list[str] = []
    descriptor, _ = open_regular(path)
    with os.fdopen(descriptor, "rb", buffering=BLOCK_BYTES) as stream:
        stream.seek(offset)
        carry = b""
        at_end = False
        while not at_end and len(papers) < PART_PAPERS:
            # A line longer than a block is read on in ever bigger blocks (no quadratic copying).
            block = stream.read(max(BLOCK_BYTES, len(carry)))
            data = carry + block
            if block:
                cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
                if not cut:
                    carry = data
                    continue
                data, carry = data[:cut], data[cut:]
            else:
                at_end, carry = True, b""
            found, more = _read_block(data, offset, state, source, final=at_end)
            papers += found
            warnings += more
            offset += len(data)
        if not at_end and not carry and not stream.peek(1):
            found, more = _read_block(b"", offset, state, source, final=True)
            papers += found
            warnings += more
            at_end = True
    if at_end:
        check_found(state, source)
    listing = ParsedListing(source, state.listed, tuple(papers), tuple(warnings))
    return listing, None if at_end else ListingPosition(offset, state)


def _read_block(
    data: bytes, offset: int, state: ListingState, source: str, *, final: bool
) -> tuple[list[ParsedPaper], list[str]]:
    if offset == 0 and data.startswith(_BOM):
        data = data[len(_BOM) :]  # as decoding the whole file with utf-8-sig drops it
        offset = len(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:  # the file changed since it was checked
        raise ReaderError(
            f"{source}: not UTF-8 text (undecodable byte at offset {offset + error.start})"
        ) from None
    lines = content_lines(text, source, state.lines, raw=data)
    state.lines += len(lines)
    return read_lines(lines, state, source, final=final)
