"""Parse "trending papers" listing dumps into papers.

A dump is a few boilerplate header lines, a listing date, then title and abstract lines in turn.
Two layouts exist (blank lines between every line, or none at all with ``Subscribe`` glued onto
the first title); both are read by ignoring blank lines altogether, so they give the same result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.incoming import ParsedListing, ParsedPaper
from reader.keys import normalize_date, normalize_title, paper_key
from reader.models import Link, ReaderError
from reader.text import clean_text, is_blank

__all__ = [
    "clean_url",
    "decode",
    "extract_links",
    "link_kind",
    "normalize_date",
    "normalize_title",
    "paper_key",
    "ListingState",
    "content_lines",
    "parse_listing",
    "read_lines",
]

BOILERPLATE = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "get trending papers in your email inbox once a day!",
        "subscribe",
        "byak and the research community",
    }
)

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_END = re.compile(r"[{}\\]")
_URL_HOST = re.compile(r"^https?://[^/\s]+\.[^/\s]+", re.IGNORECASE)
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# From the first character that is not a space to the end of its line.
_CONTENT_LINE = re.compile(r"\S[^\r\n]*")
# Printable ASCII and the two line ends: text of nothing else needs no cleaning.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\n\r"
# Longer than any boilerplate line; a date this long is mostly a run of spaces (see _is_header).
_HEADER_PLAIN_LENGTH = 60
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}
CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "huggingface.co", "hf.co")
MAX_TITLE_LENGTH = 2_000
MAX_ABSTRACT_LENGTH = 200_000
MAX_PAPERS = 1_000_000  # per file; a real dump holds hundreds
_MAX_LINES = 2 * MAX_PAPERS + 1_000  # titles, abstracts and the odd header


def clean_url(raw: str) -> str:
    """Trim sentence punctuation, unbalanced brackets and TeX leftovers from a URL."""
    url = _URL_END.split(raw, maxsplit=1)[0]
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(_PAIRS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url


def link_kind(url: str) -> str:
    host = _SCHEME.sub("", url).split("/", 1)[0].lower()
    host = host.split("@")[-1].split(":")[0]
    if host.startswith("www."):
        host = host[4:]
    return "code" if host in CODE_HOSTS else "web"


def extract_links(text: str) -> tuple[Link, ...]:
    """Every http(s) URL in the text, cleaned, deduplicated, in order of appearance."""
    if "://" not in text:  # most abstracts: skip the regex (a third of parsing time)
        return ()
    found: dict[str, Link] = {}
    # No URL starts more than five characters before the first "://" ("https"): the pattern
    # matches case-insensitively, so it cannot jump ahead on its own and scans every position.
    for match in _URL.finditer(text, max(0, text.find("://") - 5)):
        url = clean_url(match.group(0))
        if _URL_HOST.match(url) and url not in found:
            found[url] = Link(url=url, kind=link_kind(url))
    return tuple(found.values())


def decode(data: bytes, source: str) -> str:
    """Turn file bytes into text, refusing what is clearly not a listing."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ReaderError(f"{source}: not valid UTF-16 text ({error.reason})") from None
    if b"\x00" in data:
        raise ReaderError(f"{source}: looks like a binary file, not a text listing")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReaderError(
            f"{source}: not UTF-8 text (undecodable byte at offset {error.start})"
        ) from None


def _strip_glued_subscribe(line: str, subscribe_seen: bool) -> str:
    """``SubscribeLoRA: ...`` is the compact layout's first title with the header glued on.

    When ``Subscribe`` already stood on a line of its own nothing is glued. Otherwise the rest
    must look like the start of a title: a capital or digit first (``LoRA``), or a first word
    with a capital in it (``xLSTM``), so that ``Subscriber Churn ...`` keeps its name.
    """
    if subscribe_seen or not line.startswith("Subscribe") or len(line) == len("Subscribe"):
        return line
    rest = line[len("Subscribe") :]
    first_word = rest.split(maxsplit=1)[0] if rest.strip() else ""
    if not rest[0].islower() or any(ch.isupper() or ch.isdigit() for ch in first_word):
        return rest.strip()
    return line


def _is_header(line: str) -> bool:
    # Most lines are titles: a long line is no boilerplate (case folding never shortens), and a
    # date has at most 19 characters besides its two runs of spaces (lines hold no other
    # spaces), so a long one has two spaces in a row.
    if len(line) > _HEADER_PLAIN_LENGTH and "  " not in line:
        return False
    return line.casefold() in BOILERPLATE or normalize_date(line) is not None


def content_lines(
    text: str, source: str, before: int = 0, *, raw: bytes | None = None
) -> list[str]:
    """The lines that hold something, cleaned (escape sequences must never reach a terminal).

    Only real line ends split: str.splitlines would also break on U+2028, form feeds and
    other separators inside an abstract and shift every following title. Blank lines are
    skipped, so a file of millions of them costs no memory; a file of millions of tiny lines
    is refused before it does (``before`` lines came in earlier parts of the same file).

    Text with nothing to clean (the usual case: checked once over the whole text) is split
    and stripped in C; anything else is cleaned line by line. ``raw`` is the text's UTF-8
    bytes when the caller has them (they are checked for control characters faster)."""
    room = _MAX_LINES - before
    if len(text) <= room or text.count("\n") + text.count("\r") < room:
        lines = _plain_lines(text, raw)
        if lines is not None:
            if len(lines) > room:  # cannot happen (fewer line ends than room); kept as a guard
                raise _too_many(source)
            return lines
    lines = []
    for match in _CONTENT_LINE.finditer(text):
        line = clean_text(match.group()).strip()
        if line and (line.isprintable() or not is_blank(line)):  # a lone BOM is a blank line
            lines.append(line)
            if len(lines) > room:
                raise _too_many(source)
    return lines


def _plain_lines(text: str, raw: bytes | None) -> list[str] | None:
    """The stripped lines that hold something, when every one of them is printable (so
    cleaning would leave them as they are: the only space in them is U+0020); else None."""
    if text.isascii():
        if (raw if raw is not None else text.encode("ascii")).translate(None, _PLAIN_BYTES):
            return None  # a control character somewhere
        ascii_only = True
    else:
        ascii_only = False
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = list(filter(None, map(str.strip, text.split("\n"))))
    if not ascii_only and not all(map(str.isprintable, lines)):
        return None
    return lines


def _too_many(source: str) -> ReaderError:
    return ReaderError(
        f"{source}: more than {MAX_PAPERS:,} papers in one file: not a paper listing"
    )


@dataclass
class ListingState:
    """How far reading a listing has got: what a later part of the same file needs to know.

    ``pending`` holds the last lines of a part, not yet read because what they are depends on
    the line after them (a title needs its abstract)."""

    listed: str | None = None
    subscribe_seen: bool = False
    started: bool = False  # the header at the top has been read
    header_lines: int = 0
    papers: int = 0
    plausible: int = 0  # papers that read as a title and its abstract (see _looks_like_papers)
    lines: int = 0
    pending: tuple[str, ...] = ()


def parse_listing(text: str, source: str) -> ParsedListing:
    """Parse one listing dump. Raises ReaderError when no paper can be recognised."""
    state = ListingState()
    lines = content_lines(text, source)
    papers, warnings = read_lines(lines, state, source, final=True)
    check_found(state, source)
    return ParsedListing(
        source=source, listed=state.listed, papers=tuple(papers), warnings=tuple(warnings)
    )


def read_lines(
    lines: list[str], state: ListingState, source: str, *, final: bool
) -> tuple[list[ParsedPaper], list[str]]:
    """The papers of the next content lines of a listing, continuing from ``state`` (which is
    brought up to date). Unless ``final``, the last lines may be kept back for the next call."""
    if state.pending:
        lines = [*state.pending, *lines]
    index = 0
    if not state.started:
        while index < len(lines) and _is_header(lines[index]):
            index += 1
        if index == len(lines) and not final:
            state.pending = tuple(lines)  # the header may go on
            return [], []
        for line in lines[:index]:
            state.listed = normalize_date(line) or state.listed
            state.subscribe_seen = state.subscribe_seen or line.casefold() == "subscribe"
        state.header_lines = index
        state.started = True
        if index < len(lines):
            lines[index] = _strip_glued_subscribe(lines[index], state.subscribe_seen)

    listed, subscribe_seen = state.listed, state.subscribe_seen
    papers: list[ParsedPaper] = []
    warnings: list[str] = []
    while index < len(lines):
        if not final and index + 1 == len(lines):
            break  # what this line is depends on the next one
        title = lines[index]
        if (state.papers or papers) and _is_header(title):
            # A second page pasted into the same file starts with its own header.
            listed = normalize_date(title) or listed
            subscribe_seen = title.casefold() == "subscribe"
            index += 1
            if index < len(lines) and not _is_header(lines[index]):
                lines[index] = _strip_glued_subscribe(lines[index], subscribe_seen)
            continue
        if len(title) > MAX_TITLE_LENGTH:
            raise ReaderError(
                f"{source}: a {len(title):,}-character line where a title should be: "
                "not a paper listing"
            )
        if index + 1 < len(lines):
            abstract = lines[index + 1]
            if len(abstract) > MAX_ABSTRACT_LENGTH:
                raise ReaderError(
                    f"{source}: a {len(abstract):,}-character abstract: not a paper listing"
                )
        else:
            abstract = ""
            warnings.append(f"{source}: last title has no abstract: {title[:80]}")
        papers.append(
            ParsedPaper(
                title=title,
                abstract=abstract,
                listed=listed,
                source=source,
                links=extract_links(abstract) if "://" in abstract else (),
            )
        )
        index += 2
    state.pending = tuple(lines[index:])
    state.listed, state.subscribe_seen = listed, subscribe_seen
    state.papers += len(papers)
    if not state.header_lines:
        state.plausible += sum(1 for paper in papers if _plausible(paper))
    return papers, warnings


def check_found(state: ListingState, source: str) -> None:
    """Refuse a whole file (once read to its end) that held no papers, or no header and lines
    that do not read as titles followed by abstracts."""
    if not state.papers:
        raise ReaderError(f"{source}: no papers found (expected title and abstract lines)")
    if not state.header_lines and not state.plausible * 2 > state.papers:
        raise ReaderError(
            f"{source}: no recognizable papers (no listing header, and the lines do not read "
            "as titles followed by abstracts)"
        )


def _plausible(paper: ParsedPaper) -> bool:
    """Without a header, most abstracts must be longer than their titles and titles short."""
    return len(paper.title) <= 400 and len(paper.abstract) > len(paper.title)
