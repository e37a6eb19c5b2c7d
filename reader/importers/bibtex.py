"""Read BibTeX files (from reference managers or from ``reader export --format bibtex``).

bibtexparser splits the file into blocks; this module turns entries into plain text fields (the
LaTeX escapes are undone by ``reader.importers.latex``) and decides which entries are too broken
to import. As with listings, a file with broken entries is refused as a
whole unless the person asks to skip them, so an import never silently loses papers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reader.importers.latex import tex_to_text
from reader.keys import normalize_date, normalize_title
from reader.models import ReaderError
from reader.text import clean_text, one_line

MAX_NAMED = 10  # bad keys named in the error; more would not fit on one line

# As bibtexparser reads it: no space between "@" and the type, any before the brace.
_ENTRY_START = re.compile(r"@[A-Za-z]+[ \t]*[{(]")
_FAILED_KEY = re.compile(r"^@\s*\w+\s*[{(]\s*([^,\s{}()=\"#%'~\\]+)")
_LISTED = re.compile(r"\blisted\s+([^;]+)", re.IGNORECASE)
_WEB_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
# A line as str.splitlines sees one.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


@dataclass(frozen=True)
class BibEntry:
    """One importable BibTeX entry, already reduced to plain text."""

    key: str
    title: str
    abstract: str
    url: str | None
    tags: tuple[str, ...]
    listed: str | None


def looks_like_bibtex(text: str) -> bool:
    """True when the first content that is not blank or a ``%`` comment opens a BibTeX block.

    Lines are found one at a time: the answer is usually on the first, and splitting a
    listing of hundreds of megabytes into lines only to look at one costs a tenth of a second.
    """
    start = 0
    while text.startswith("\ufeff", start):
        start += 1
    for match in _LINE.finditer(text, start):
        stripped = match.group().strip()
        if not stripped or stripped.startswith("%"):
            continue
        return _ENTRY_START.match(stripped) is not None
    return False


def parse_bibtex(
    text: str, source: str, *, skip_bad: bool = False
) -> tuple[list[BibEntry], list[str]]:
    """The importable entries of a BibTeX file and warnings about anything skipped.

    Raises ReaderError (and nothing else) when the text holds no entries, or when some entries
    are malformed and ``skip_bad`` is False.
    """
    try:
        import bibtexparser
    except ImportError:
        raise ReaderError(
            f"{source}: reading BibTeX needs the bibtexparser package "
            "(pip install 'bibtexparser>=2.0.0b7')"
        ) from None
    try:
        with _quiet_bibtexparser():
            library = bibtexparser.parse_string(text)
        blocks = list(library.blocks)
    except Exception as error:
        reason = one_line(str(error))[:200] or type(error).__name__
        raise ReaderError(f"{source}: could not read BibTeX ({reason})") from None

    try:
        entries, bad, warnings = _collect(blocks, source)
    except ReaderError:
        raise
    except Exception as error:
        reason = one_line(str(error))[:200] or type(error).__name__
        raise ReaderError(f"{source}: could not read BibTeX ({reason})") from None

    if not entries and not bad:
        raise ReaderError(f"{source}: no BibTeX entries found")
    if bad and not skip_bad:
        names = list(dict.fromkeys(name for name, _ in bad))
        named = ", ".join(names[:MAX_NAMED])
        if len(names) > MAX_NAMED:
            named += f" and {len(names) - MAX_NAMED} more"
        raise ReaderError(
            f"{source}: malformed BibTeX entries: {named} (pass --skip-bad to skip them)"
        )
    warnings = [f"{source}: skipped malformed entry {name}: {reason}" for name, reason in bad] + [
        f"{source}: {warning}" for warning in warnings
    ]
    return entries, warnings


def _collect(
    blocks: list[Any], source: str
) -> tuple[list[BibEntry], list[tuple[str, str]], list[str]]:
    """Sort parsed blocks into good entries, bad entries (name, reason) and warnings."""
    from bibtexparser.model import (
        DuplicateBlockKeyBlock,
        DuplicateFieldKeyBlock,
        Entry,
        ParsingFailedBlock,
    )

    entries: list[BibEntry] = []
    bad: list[tuple[str, str]] = []
    warnings: list[str] = []
    titles: dict[str, str] = {}  # casefolded key -> normalized title of the first entry
    for block in blocks:
        if isinstance(block, DuplicateFieldKeyBlock):
            fields = ", ".join(sorted(block.duplicate_keys))
            bad.append((_block_name(block), f"field given twice ({fields})"))
            continue
        if isinstance(block, DuplicateBlockKeyBlock):
            # The later entry with a key already seen; judged below by its title.
            block = block.ignore_error_block
            if not isinstance(block, Entry):
                continue
        elif isinstance(block, ParsingFailedBlock):
            bad.append((_block_name(block), "not valid BibTeX"))
            continue
        if not isinstance(block, Entry):
            continue
        entry = _entry(block)
        name = entry.key or _block_name(block)
        if not entry.key:
            bad.append((name, "no citation key"))
            continue
        if not entry.title:
            bad.append((name, "no title"))
            continue
        folded = entry.key.casefold()
        if folded in titles:
            if titles[folded] == normalize_title(entry.title):
                warnings.append(f"skipped repeated entry {entry.key}")
            else:
                bad.append((name, "key used again for a different title"))
            continue
        titles[folded] = normalize_title(entry.title)
        if entry.url is None and (raw_url := one_line(_field(block, "url"))):
            warnings.append(f"{entry.key}: ignored url that is not http(s): {raw_url[:80]}")
        entries.append(entry)
    return entries, bad, warnings


def _entry(block: Any) -> BibEntry:
    keywords = tex_to_text(_field(block, "keywords"))
    tags = tuple(dict.fromkeys(tag.strip() for tag in re.split(r"[,;]", keywords) if tag.strip()))
    listed_match = _LISTED.search(tex_to_text(_field(block, "note")))
    listed = normalize_date(listed_match.group(1).strip()) if listed_match else None
    return BibEntry(
        key=one_line(str(block.key or "")),
        title=tex_to_text(_field(block, "title")),
        abstract=tex_to_text(_field(block, "abstract")),
        url=_url(block),
        tags=tags,
        listed=listed,
    )


def _field(block: Any, name: str) -> str:
    """A field's raw value by case-insensitive name ("" when absent)."""
    for field in block.fields:
        if str(field.key).strip().lower() == name:
            return str(field.value)
    return ""


def _url(block: Any) -> str | None:
    """The entry's web address: its url, else a DOI or arXiv id turned into one."""
    url = _plain_url(_field(block, "url"))
    if url:
        return url if _WEB_URL.match(url) else None
    doi = _plain_url(_field(block, "doi"))
    if doi:
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE)
        return f"https://doi.org/{doi}"
    eprint = _plain_url(_field(block, "eprint"))
    archive = tex_to_text(_field(block, "archiveprefix") or _field(block, "eprinttype"))
    if eprint and archive.lower() == "arxiv":
        return f"https://arxiv.org/abs/{eprint}"
    return None


def _plain_url(value: str) -> str:
    """A URL-like field without braces, stray escapes or line wrapping."""
    value = re.sub(r"\\url\s*", "", value)
    value = re.sub(r"\\([_%#&~$])", r"\1", value)
    return re.sub(r"[{}\s]", "", clean_text(value))


def _block_name(block: Any) -> str:
    """The citation key of a block bibtexparser could not parse, else where it starts."""
    key = getattr(block, "key", None)
    if not key:
        inner = getattr(block, "ignore_error_block", None)
        key = getattr(inner, "key", None)
    if not key:
        match = _FAILED_KEY.match((getattr(block, "raw", None) or "").lstrip())
        key = match.group(1) if match else None
    if key:
        return one_line(str(key))[:80]
    line = getattr(block, "start_line", None)
    return f"(entry on line {line + 1})" if isinstance(line, int) else "(entry without key)"


class _DropRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """Silence bibtexparser's own log lines: broken entries are reported here, in one line."""
    names = [name for name in logging.root.manager.loggerDict if name.startswith("bibtexparser")]
    loggers = [logging.getLogger(name) for name in names]
    drop = _DropRecords()
    for logger in loggers:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(drop)
