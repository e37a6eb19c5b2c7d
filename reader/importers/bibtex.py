"""Read BibTeX files (from reference managers or from ``reader export --format bibtex``).

``reader.importers.bibtex_syntax`` splits the file into entries (bibtexparser reads what its
fast path does not follow); this module turns each entry into a ParsedPaper with everything the
record can hold (type, key, authors, dates, venue, identifiers, landing page, keywords as tags,
attached files), LaTeX decoded by ``reader.importers.latex``, and decides which entries are too
broken to import. As with listings, a file with broken entries is refused as a whole unless the
person asks to skip them, so an import never silently loses papers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.editing import parse_field
from reader.identifiers import (
    ARXIV_DOI_PREFIX,
    KEY_FORBIDDEN,
    MAX_DOI_LENGTH,
    find_arxiv_id,
    normalize_citekey,
    parse_arxiv_id,
    parse_doi,
)
from reader.importers import bibtex_fields as fields
from reader.importers.bibtex_syntax import (
    Blocks,
    Failure,
    RawEntry,
    from_bibtexparser,
    resolve,
    split_fast,
)
from reader.importers.latex import tex_to_text
from reader.importers.listing import link_kind
from reader.incoming import ParsedPaper
from reader.keys import MAX_NAME_LENGTH, normalize_date, normalize_title
from reader.models import Link, ReaderError
from reader.text import clean_text, one_line

__all__ = ["looks_like_bibtex", "parse_bibtex", "tex_to_text"]

MAX_NAMED = 10  # bad keys named in the error; more would not fit on one line

# As bibtexparser reads it: no space between "@" and the type, any before the brace.
_ENTRY_START = re.compile(r"@[A-Za-z]+[ \t]*[{(]")
_LISTED = re.compile(r"\blisted\s+([^;]+)", re.IGNORECASE)
_WEB_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_URL_COMMAND = re.compile(r"^\s*\\url\s*")
_URL_ESCAPE = re.compile(r"\\([_%#&~$])")
_URL_NOISE = re.compile(r"[{}\s]")
_CATEGORY = re.compile(r"[A-Za-z-]{2,20}(?:\.[A-Za-z-]{1,20})?", re.ASCII)
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?", re.ASCII)
# A line as str.splitlines sees one.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
# A key normalize_citekey keeps as it is: printable ASCII without spaces or the characters
# BibTeX splits on, and not too long.
_GOOD_KEY = re.compile(
    "["
    + re.escape("".join(chr(code) for code in range(0x21, 0x7F) if chr(code) not in KEY_FORBIDDEN))
    + f"]{{1,{MAX_NAME_LENGTH}}}"
)
# What parse_doi gives as it is, lower-cased: a DOI with nothing around it to trim or decode.
_PLAIN_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]{1,9})*/[A-Za-z0-9._/-]*[A-Za-z0-9]", re.ASCII)
_NEW_EPRINT = re.compile(r"[0-9]{4}\.[0-9]{4,5}", re.ASCII)
VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "school", "institution", "howpublished")


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
    text: str, source: str, *, skip_bad: bool = False, folder: Path | None = None
) -> tuple[list[ParsedPaper], list[str]]:
    """The importable papers of a BibTeX file and warnings about anything skipped or dropped.

    ``folder`` is where the .bib file lives: relative ``file`` paths are read from there.
    Raises ReaderError (and nothing else) when the text holds no entries, or when some entries
    are malformed and ``skip_bad`` is False.
    """
    with reading(source):
        blocks = split_fast(text) or split_slow(text, source)
        collector = Collector(source, folder, blocks.strings)
        papers = collector.papers(blocks.items)
    return papers, collector.outcome(bool(papers), skip_bad=skip_bad)


@contextmanager
def reading(source: str) -> Iterator[None]:
    """Whatever goes wrong while reading the file is said as one ReaderError naming it."""
    try:
        yield
    except ReaderError:
        raise
    except Exception as error:
        reason = one_line(str(error))[:200] or type(error).__name__
        raise ReaderError(f"{source}: could not read BibTeX ({reason})") from None


def split_slow(text: str, source: str) -> Blocks:
    try:
        import bibtexparser
    except ImportError:
        raise ReaderError(
            f"{source}: reading BibTeX needs the bibtexparser package "
            "(pip install 'bibtexparser>=2.0.0b7')"
        ) from None
    with _quiet_bibtexparser():
        return from_bibtexparser(bibtexparser.parse_string(text, parse_stack=[]))


class Collector:
    """Blocks sorted into good papers, bad entries (name, reason) and warnings, a stretch of the
    file at a time if need be: what it remembers between stretches (the citation keys seen, the
    bad entries, the warnings) is what one pass over the whole file would."""

    def __init__(self, source: str, folder: Path | None, strings: dict[str, str]) -> None:
        self.source = source
        self.folder = folder
        self.strings = strings  # the file's macros (the caller's dict, filled as it reads)
        self.bad: list[tuple[str, str]] = []
        self.warnings: list[str] = []
        self.titles: dict[str, str] = {}  # casefolded key -> first entry's title (compared rarely)

    def papers(self, items: Iterable[RawEntry | Failure]) -> list[ParsedPaper]:
        papers: list[ParsedPaper] = []
        bad, warnings, titles, strings = self.bad, self.warnings, self.titles, self.strings
        source, folder = self.source, self.folder
        for item in items:
            if isinstance(item, Failure):
                bad.append((item.name, item.reason))
                continue
            key = one_line(item.key)
            name = key[:80] or f"(entry on line {item.start_line + 1})"
            values: dict[str, str] = {}
            if item.plain:  # each value {text} to unbrace, or a bare word (a number, a macro)
                for field_name, raw in item.fields:
                    name_ = field_name.lower()
                    if name_ not in values:
                        values[name_] = raw[1:-1] if raw[0] == "{" else resolve(raw, strings)
            for field_name, raw in () if item.plain else item.fields:
                name_ = field_name.lower()
                if name_ not in values:
                    # The usual value, {text} with no other brace (nor a closing backslash), is
                    # read without resolving.
                    inner = raw[1:-1]
                    if (
                        raw[:1] == "{"
                        and raw[-1:] == "}"
                        and "{" not in inner
                        and "}" not in inner
                        and inner[-1:] != "\\"
                    ):
                        values[name_] = inner
                    else:
                        values[name_] = resolve(raw, strings)
            title = tex_to_text(values.get("title", ""))
            if not key:
                bad.append((name, "no citation key"))
                continue
            if not title:
                bad.append((name, "no title"))
                continue
            folded = key.casefold()
            if folded in titles:
                if normalize_title(titles[folded]) == normalize_title(title):
                    warnings.append(f"skipped repeated entry {key}")
                else:
                    bad.append((name, "key used again for a different title"))
                continue
            titles[folded] = title
            papers.append(_paper(item.entry_type, key, title, values, source, folder, warnings))
        return papers

    def outcome(self, found: bool, *, skip_bad: bool) -> list[str]:
        """The file's warnings once every stretch is read (``found``: it gave any paper), or
        the ReaderError that refuses it."""
        source, bad = self.source, self.bad
        if not found and not bad:
            raise ReaderError(f"{source}: no BibTeX entries found")
        if bad and not skip_bad:
            names = list(dict.fromkeys(name for name, _ in bad))
            named = ", ".join(names[:MAX_NAMED])
            if len(names) > MAX_NAMED:
                named += f" and {len(names) - MAX_NAMED} more"
            raise ReaderError(
                f"{source}: malformed BibTeX entries: {named} (pass --skip-bad to skip them)"
            )
        return [f"{source}: skipped malformed entry {name}: {reason}" for name, reason in bad] + [
            f"{source}: {warning}" for warning in self.warnings
        ]


def _paper(
    kind: str,
    key: str,
    title: str,
    values: dict[str, str],
    source: str,
    folder: Path | None,
    warnings: list[str],
) -> ParsedPaper:
    get = values.get
    year, month = fields.year(get("year", "")), fields.month(get("month", ""))
    date = _DATE.match(tex_to_text(values["date"])) if "date" in values else None
    if date and year is None:
        year, month = fields.year(date.group(1)), fields.month(date.group(2) or "")
    doi = _doi(key, get("doi", ""), warnings)
    venue_field = ""
    for name in VENUE_FIELDS:
        if name in values and values[name].strip():
            venue_field = name
            break
    venue = tex_to_text(get(venue_field, "")) if venue_field else ""
    url_text = _plain_url(get("url", ""))
    if not url_text and venue_field == "howpublished" and _is_url(get("howpublished", "")):
        url_text, venue = _plain_url(get("howpublished", "")), ""
    arxiv = _arxiv(values, url_text, venue, doi)
    url, links = _landing_page(key, url_text, arxiv, doi, warnings)
    primary = tex_to_text(get("primaryclass", "") or get("eprintclass", ""))
    listed_match = _LISTED.search(tex_to_text(values["note"])) if "note" in values else None
    abstract = get("abstract")
    return _made(
        {
            "title": title,
            "abstract": tex_to_text(abstract) if abstract else "",
            "listed": normalize_date(listed_match.group(1).strip()) if listed_match else None,
            "source": source,
            "links": links,
            "authors": fields.authors(get("author", "")),
            "year": year,
            "month": month,
            "venue": venue,
            "publisher": tex_to_text(get("publisher", "")),
            "entry_type": fields.entry_type(kind),
            "citekey": _citekey(key, warnings),
            "arxiv": arxiv,
            "doi": doi,
            "url": url,
            "categories": (primary,) if _CATEGORY.fullmatch(primary) else (),
            "tags": fields.keywords(get("keywords", "")),
            "files": fields.files(get("file", ""), folder),
        }
    )


def _made(values: dict[str, Any]) -> ParsedPaper:
    """``ParsedPaper(**values)`` made as unpickling makes one: the values (every field's, in
    order) straight into its ``__dict__``. Its ``__init__``, frozen, sets each of the eighteen
    fields through ``object.__setattr__``: eight times the cost, 3% of reading a file, and it
    checks nothing this leaves out (a test compares the two)."""
    paper = _new_paper(ParsedPaper)
    paper.__dict__.update(values)
    return paper


_new_paper = object.__new__


def _citekey(key: str, warnings: list[str]) -> str | None:
    if _GOOD_KEY.fullmatch(key):
        return key  # what normalize_citekey accepts as it is, told by one match
    try:
        return normalize_citekey(key)
    except ReaderError as error:
        warnings.append(f"{key[:80]}: {error}; export will make one")
        return None


def _doi(key: str, value: str, warnings: list[str]) -> str | None:
    text = _plain_url(value)
    if not text:
        return None
    plain = len(text) <= MAX_DOI_LENGTH and _PLAIN_DOI.fullmatch(text)
    doi = text.lower() if plain else parse_doi(text)
    if doi is None:
        warnings.append(f"{key}: ignored doi that is not a DOI: {one_line(text)[:80]}")
    return doi


def _arxiv(values: dict[str, str], url: str, venue: str, doi: str | None) -> str | None:
    """The arXiv id from eprint (with an arXiv or no archive prefix), an arxiv.org url, an
    arXiv DOI, or a journal written ``arXiv preprint arXiv:1810.04805``."""
    archive = tex_to_text(values.get("archiveprefix", "") or values.get("eprinttype", ""))
    eprint = _plain_url(values.get("eprint", ""))
    if eprint and archive.lower() in ("", "arxiv"):
        found = _eprint_id(eprint)
        if found:
            return found
    return (
        (parse_arxiv_id(url) if _mentions_arxiv(url) else None)
        or (parse_arxiv_id(doi) if doi and doi.startswith(ARXIV_DOI_PREFIX) else None)
        or (find_arxiv_id(venue) if _mentions_arxiv(venue) else None)
    )


def _eprint_id(eprint: str) -> str | None:
    """``find_arxiv_id(eprint, bare=True)``, told at once for the usual eprint (``2106.09685``):
    the whole text is then the only id there is, and it is one when its month is one and its
    number has the digits of its time (four until 1412, five from 1501; none before 0704)."""
    if not _NEW_EPRINT.fullmatch(eprint):
        return find_arxiv_id(eprint, bare=True)
    yymm = int(eprint[:4])
    digits = 4 if yymm < 1501 else 5
    return eprint if 1 <= yymm % 100 <= 12 and yymm >= 704 and len(eprint) == 5 + digits else None


def _mentions_arxiv(text: str) -> bool:
    """A cheap test before the identifier patterns: they cost more than the rest of a field."""
    return "arxiv" in text.lower()


def _landing_page(
    key: str, url: str, arxiv: str | None, doi: str | None, warnings: list[str]
) -> tuple[str | None, tuple[Link, ...]]:
    """The url to keep as the landing page (also kept as a web link, as listings keep theirs),
    or a code link when the url is a code host.

    A url that only repeats the arXiv page or DOI link of the record is not kept: the landing
    page follows from those."""
    if not url:
        return None, ()
    if not _WEB_URL.match(url):
        warnings.append(f"{key}: ignored url that is not http(s): {one_line(url)[:80]}")
        return None, ()
    try:
        parse_field("url", url)  # what `reader edit` and backups accept as a landing page
    except ReaderError:
        warnings.append(f"{key}: ignored url that is not a web address: {one_line(url)[:80]}")
        return None, ()
    if link_kind(url) == "code":
        return None, (Link(url, "code"),)
    if (arxiv and _mentions_arxiv(url) and parse_arxiv_id(url) == arxiv) or (
        doi and "doi" in url.lower() and parse_doi(url) == doi
    ):
        return None, ()
    return url, (Link(url, "web"),)


def _is_url(value: str) -> bool:
    # (Cleaning only removes characters: without a "/" there is no "://" to find.)
    return "/" in value and bool(_WEB_URL.match(_plain_url(value)))


def _plain_url(value: str) -> str:
    """A URL-like field without ``\\url``, braces, stray escapes or line wrapping."""
    if not value:
        return ""
    if value.isprintable() and not ("\\" in value or "{" in value or "}" in value or " " in value):
        return value  # nothing to remove: printable text has no other space than " "
    value = _URL_COMMAND.sub("", value)
    value = _URL_ESCAPE.sub(r"\1", value)
    return _URL_NOISE.sub("", clean_text(value))


@contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """Silence bibtexparser's own log lines: broken entries are reported here, in one line.

    (logging is loaded here: a file the fast reader reads needs none of it.)"""
    import logging

    def drop(record: logging.LogRecord) -> bool:
        return False

    names = [name for name in logging.root.manager.loggerDict if name.startswith("bibtexparser")]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(drop)
