"""Read input files into parsed batches before the library is touched.

Everything is read and checked first; only a batch with no errors is applied, in one
transaction, so bad input never leaves a library half-imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader.importers.listing import decode, parse_listing
from reader.models import ImportSummary, ParsedListing, ReaderError

if TYPE_CHECKING:
    from reader.store import Library

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class ImportBatch:
    listings: list[ParsedListing] = field(default_factory=list)

    def apply(self, library: Library) -> ImportSummary:
        return library.import_listings(self.listings)


def read_text(path: Path) -> str:
    """The decoded text of a file, or a ReaderError naming it."""
    if path.is_dir():
        raise ReaderError(f"{path}: is a folder")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReaderError(f"{path}: too large to be a listing ({size} bytes)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReaderError(f"{path}: no such file (it may have been moved while reading)") from None
    except OSError as error:
        raise ReaderError(f"{path}: cannot be read ({error.strerror})") from None
    if not data.strip():
        raise ReaderError(f"{path}: empty file")
    return decode(data, str(path))


def load_files(paths: Iterable[Path], *, skip_bad: bool = False) -> ImportBatch:
    batch = ImportBatch()
    for path in paths:
        text = read_text(path)
        batch.listings.append(parse_listing(text, path.name))
    return batch


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their listings; refuse missing paths before anything is read."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                child
                for child in path.iterdir()
                if child.is_file() and child.suffix.lower() in (".txt", ".bib", ".json")
            )
            if not found:
                raise ReaderError(f"{path}: folder has no listings (*.txt)")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise ReaderError(f"{path}: no such file or folder")
    return files
