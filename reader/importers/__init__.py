"""Read input files into parsed batches before the library is touched.

Everything is read and checked first; only a batch with no errors is applied, in one
transaction, so bad input never leaves a library half-imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.importers.backup import looks_like_backup, parse_backup
from reader.importers.listing import decode, link_kind, paper_key, parse_listing
from reader.models import ImportSummary, Link, ParsedListing, ParsedPaper, ReaderError

if TYPE_CHECKING:
    from reader.store import Library

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class ImportBatch:
    """Everything read from the command's files, applied in one transaction."""

    listings: list[ParsedListing] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=dict)
    backups: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.listings) + len(self.backups)

    def apply(self, library: Library) -> ImportSummary:
        with library.transaction():
            summaries = [library.import_listings(self.listings)] if self.listings else []
            if self.tags:
                library.attach_tags(self.tags)
            summaries += [library.restore(backup) for backup in self.backups]
        return ImportSummary(
            files=self.files,
            parsed=sum(item.parsed for item in summaries),
            added=sum(item.added for item in summaries),
            duplicates=sum(item.duplicates for item in summaries),
            warnings=tuple(self.warnings)
            + tuple(warning for item in summaries for warning in item.warnings),
        )


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
    """Read every file, choosing its format from its content, before anything is written."""
    from reader.importers.bibtex import looks_like_bibtex, parse_bibtex

    batch = ImportBatch()
    for path in paths:
        text = read_text(path)
        if looks_like_backup(text) or (
            path.suffix.lower() == ".json" and text.lstrip()[:1] in "{["
        ):
            batch.backups.append(parse_backup(text, path.name))
        elif looks_like_bibtex(text) or path.suffix.lower() == ".bib":
            entries, warnings = parse_bibtex(text, path.name, skip_bad=skip_bad)
            batch.warnings.extend(warnings)
            papers = []
            for entry in entries:
                links = (Link(entry.url, link_kind(entry.url)),) if entry.url else ()
                papers.append(
                    ParsedPaper(entry.title, entry.abstract, entry.listed, path.name, links)
                )
                if entry.tags:
                    key = paper_key(entry.title)
                    batch.tags.setdefault(key, []).extend(entry.tags)
            batch.listings.append(ParsedListing(path.name, None, tuple(papers)))
        else:
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
