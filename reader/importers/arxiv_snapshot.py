"""Read the arXiv metadata snapshot: one JSON object per line for every paper on arXiv.

The public file is about 4.5 GB, so it is never read whole: lines are read one at a time and
handed on in parts of ~10,000 papers, each written while the next is parsed, in constant memory.
A part says where the next one starts (a ``SnapshotPosition``), so a second process can parse
part after part without holding the file open between them.

Each line names the paper's id, authors (``authors_parsed``: family, given, suffix), title,
abstract, ``journal-ref``, ``doi``, space-separated ``categories`` and ``versions`` with their
dates. Titles and abstracts keep their LaTeX (``$...$`` math is what arXiv shows); their line
breaks and runs of spaces are folded. The year and month come from the first version; links in
the abstract (code on GitHub) become links, as in listings.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.identifiers import parse_arxiv_id, parse_doi
from reader.importers.files import open_regular
from reader.importers.latex import one_line, tex_to_text
from reader.importers.listing import extract_links
from reader.incoming import ParsedListing, ParsedPaper
from reader.keys import MONTHS
from reader.models import Author, ReaderError

MAX_LINE_BYTES = 1024 * 1024  # a real line is a few kilobytes
PART_PAPERS = 10_000  # the store writes this many papers per step
MAX_NAMED_LINES = 10  # bad lines named one by one before the rest are counted
_SNIFF_BLOCK = 64 * 1024
_REQUIRED = frozenset({"id", "abstract", "authors_parsed"})
_CREATED = re.compile(r"([0-9]{1,2}) ([A-Za-z]{3}) ([0-9]{4})", re.ASCII)
_UPDATED = re.compile(r"([0-9]{4})-([0-9]{2})-[0-9]{2}", re.ASCII)
_MONTH_NUMBERS = {name: number for number, name in enumerate(dict.fromkeys(MONTHS.values()), 1)}


@dataclass(frozen=True)
class SnapshotPosition:
    """Where the next part of a snapshot starts, and what was counted before it."""

    offset: int
    line: int
    seen: int = 0
    kept: int = 0
    skipped: int = 0


def looks_like_snapshot(path: Path) -> bool:
    """True when the first line that is not blank is a JSON object with ``id``, ``abstract``
    and ``authors_parsed``: reads at most a megabyte, whatever the file's size."""
    try:
        descriptor, _ = open_regular(path)
    except ReaderError:
        return False
    try:
        line = _first_line(descriptor)
    except OSError:
        return False
    finally:
        os.close(descriptor)
    if not line.startswith(b"{"):
        return False
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and record.keys() >= _REQUIRED


def _first_line(descriptor: int) -> bytes:
    data = b""
    while len(data) <= MAX_LINE_BYTES:
        block = os.read(descriptor, _SNIFF_BLOCK)
        data += block
        stripped = data.removeprefix(b"\xef\xbb\xbf").lstrip()
        end = stripped.find(b"\n")
        if end >= 0:
            return stripped[:end].strip()
        if not block:
            return stripped.strip()
    return b""


def parse_snapshot_part(
    path: Path, options: Any, resume: SnapshotPosition | None
) -> tuple[ParsedListing, SnapshotPosition | None]:
    """The papers of the part starting at ``resume`` (the first part when None), and where the
    next part starts (None after the last).

    ``options`` is the import's ParseOptions: ``categories`` keeps only papers in those
    categories (``cs`` takes ``cs.LG`` and every other ``cs.*``; ``cs.LG`` papers having it
    among theirs), ``skip_bad`` skips lines that are not a paper instead of refusing the file.
    A line longer than MAX_LINE_BYTES is refused either way: no snapshot line is that long."""
    from reader.importers import source_name

    source = source_name(path)
    position = resume or SnapshotPosition(0, 0)
    wanted = tuple(category.lower() for category in options.categories)
    needles = tuple(category.encode("utf-8") for category in wanted)
    line, seen, kept, skipped = position.line, position.seen, position.kept, position.skipped
    papers: list[ParsedPaper] = []
    warnings: list[str] = []
    descriptor, _ = open_regular(path)
    with os.fdopen(descriptor, "rb", buffering=1 << 20) as stream:
        stream.seek(position.offset)
        while len(papers) < PART_PAPERS:
            raw = stream.readline(MAX_LINE_BYTES + 2)
            if not raw:
                break
            line += 1
            content = raw.rstrip(b"\r\n")
            if len(content) > MAX_LINE_BYTES:
                raise ReaderError(
                    f"{source}: line {line:,} is longer than {MAX_LINE_BYTES // 1024 // 1024} MB:"
                    " not an arXiv snapshot line"
                )
            if not content.strip():
                continue
            if needles and not any(needle in content.lower() for needle in needles):
                seen += 1  # cannot be in the categories: no need to read it
                continue
            paper = _paper(content, source)
            if isinstance(paper, str):
                if not options.skip_bad:
                    raise ReaderError(
                        f"{source}: line {line:,}: {paper} (pass --skip-bad to skip bad lines)"
                    )
                skipped += 1
                if skipped <= MAX_NAMED_LINES:
                    warnings.append(f"{source}: skipped line {line:,}: {paper}")
                continue
            seen += 1
            if wanted and not _in_categories(paper.categories, wanted):
                continue
            kept += 1
            papers.append(paper)
        at_end = len(papers) < PART_PAPERS or not stream.peek(1)
        offset = stream.tell()
    if not at_end:
        next_part = SnapshotPosition(offset, line, seen, kept, skipped)
        return ParsedListing(source, None, tuple(papers), tuple(warnings)), next_part
    if skipped > MAX_NAMED_LINES:
        warnings.append(f"{source}: skipped {skipped - MAX_NAMED_LINES:,} more bad lines")
    if wanted:
        names = ", ".join(options.categories)
        warnings.append(f"{source}: kept {kept:,} of {seen:,} papers (categories {names})")
    return ParsedListing(source, None, tuple(papers), tuple(warnings)), None


def _in_categories(categories: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    for category in categories:
        folded = category.lower()
        for prefix in wanted:
            if folded == prefix or folded.startswith(prefix + "."):
                return True
    return False


def _paper(content: bytes, source: str) -> ParsedPaper | str:
    """The paper a line describes, or why it describes none."""
    try:
        record = json.loads(content)
    except (ValueError, RecursionError):
        return "not a JSON object"
    if not isinstance(record, dict):
        return "not a JSON object"
    arxiv = parse_arxiv_id(_text(record.get("id")))
    if arxiv is None:
        return "no arXiv id"
    title = _one_line(_text(record.get("title")))
    if not title:
        return f"{arxiv} has no title"
    journal = _one_line(_text(record.get("journal-ref")))
    abstract = _one_line(_text(record.get("abstract")))
    year, month = _date(record)
    return ParsedPaper(
        title=title,
        abstract=abstract,
        listed=None,
        source=source,
        links=extract_links(abstract),
        authors=_authors(record.get("authors_parsed")),
        year=year,
        month=month,
        venue=journal,
        entry_type="article" if journal else "misc",
        arxiv=arxiv,
        doi=_doi(_text(record.get("doi"))),
        categories=tuple(dict.fromkeys(_text(record.get("categories")).split())),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    """Line breaks and runs of spaces folded; LaTeX kept as written."""
    return one_line(text) if text else ""


def _authors(parsed: Any) -> tuple[Author, ...]:
    """``[family, given, suffix]`` triples; accents written in LaTeX (``M\\"uller``) decoded."""
    if not isinstance(parsed, list):
        return ()
    people = []
    for item in parsed:
        if not isinstance(item, list) or not item:
            continue
        parts = [tex_to_text(part) if isinstance(part, str) else "" for part in item[:3]]
        family = " ".join(part for part in (parts[0], *parts[2:]) if part)
        given = parts[1] if len(parts) > 1 else ""
        if family:
            people.append(Author(family, given))
        elif given:
            people.append(Author(given))
    return tuple(people)


def _date(record: dict[str, Any]) -> tuple[int | None, int | None]:
    """Year and month of the first version (``Mon, 2 Apr 2007 19:18:42 GMT``), else of
    ``update_date`` (``2008-11-13``)."""
    versions = record.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        found = _CREATED.search(_text(versions[0].get("created")))
        if found:
            month = _MONTH_NUMBERS.get(MONTHS.get(found.group(2).lower(), ""))
            return _year(found.group(3)), month
    updated = _UPDATED.match(_text(record.get("update_date")))
    if updated:
        month = int(updated.group(2))
        return _year(updated.group(1)), month if 1 <= month <= 12 else None
    return None, None


def _year(text: str) -> int | None:
    year = int(text)
    return year if 1 <= year <= 9999 else None


def _doi(text: str) -> str | None:
    """The first DOI of the field (some lines give several, separated by spaces)."""
    for word in text.split():
        doi = parse_doi(word)
        if doi:
            return doi
    return None
