"""Parse "trending papers" listing dumps into papers.

A dump is a few boilerplate header lines, a listing date, then title and abstract lines in turn.
Two layouts exist (blank lines between every line, or none at all with ``Subscribe`` glued onto
the first title); both are read by ignoring blank lines altogether, so they give the same result.
"""

from __future__ import annotations

import re

from reader.keys import normalize_date, normalize_title, paper_key
from reader.models import Link, ParsedListing, ParsedPaper, ReaderError
from reader.text import clean_text, is_blank

__all__ = [
    "clean_url",
    "decode",
    "extract_links",
    "link_kind",
    "normalize_date",
    "normalize_title",
    "paper_key",
    "parse_listing",
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
# From the first character that is not a space to the end of its line.
_CONTENT_LINE = re.compile(r"\S[^\r\n]*")
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}
CODE_HOSTS = ("github.com", "gitlab.com", "gitee.com", "huggingface.co", "hf.co")
MAX_TITLE_LENGTH = 2_000
MAX_ABSTRACT_LENGTH = 200_000
MAX_PAPERS = 1_000_000  # per file; a real dump holds hundreds
_MAX_LINES = 2 * MAX_PAPERS + 1_000  # titles, abstracts and the odd header


def clean_url(raw: str) -> str:
    """Trim sentence punctuation, unbalanced brackets and TeX leftovers from a URL."""
    url = re.split(r"[{}\\]", raw, maxsplit=1)[0]
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
    host = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/", 1)[0].lower()
    host = host.split("@")[-1].split(":")[0]
    if host.startswith("www."):
        host = host[4:]
    return "code" if host in CODE_HOSTS else "web"


def extract_links(text: str) -> tuple[Link, ...]:
    """Every http(s) URL in the text, cleaned, deduplicated, in order of appearance."""
    found: dict[str, Link] = {}
    if "://" not in text:  # most abstracts: skip the regex (a third of parsing time)
        return ()
    for match in _URL.finditer(text):
        url = clean_url(match.group(0))
        if re.match(r"^https?://[^/\s]+\.[^/\s]+", url, re.IGNORECASE) and url not in found:
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
    return line.casefold() in BOILERPLATE or normalize_date(line) is not None


def _content_lines(text: str, source: str) -> list[str]:
    """The lines that hold something, cleaned (escape sequences must never reach a terminal).

    Only real line ends split: str.splitlines would also break on U+2028, form feeds and
    other separators inside an abstract and shift every following title. Blank lines are
    skipped by the regular expression, so a file of millions of them costs no memory; a file
    of millions of tiny lines is refused before it does."""
    lines: list[str] = []
    for match in _CONTENT_LINE.finditer(text):
        line = clean_text(match.group()).strip()
        if line and (line.isprintable() or not is_blank(line)):  # a lone BOM is a blank line
            lines.append(line)
            if len(lines) > _MAX_LINES:
                raise ReaderError(
                    f"{source}: more than {MAX_PAPERS:,} papers in one file: not a paper listing"
                )
    return lines


def parse_listing(text: str, source: str) -> ParsedListing:
    """Parse one listing dump. Raises ReaderError when no paper can be recognised."""
    lines = _content_lines(text, source)
    listed: str | None = None
    index = 0
    subscribe_seen = False
    while index < len(lines) and _is_header(lines[index]):
        listed = normalize_date(lines[index]) or listed
        subscribe_seen = subscribe_seen or lines[index].casefold() == "subscribe"
        index += 1
    header_lines = index
    if index < len(lines):
        lines[index] = _strip_glued_subscribe(lines[index], subscribe_seen)

    papers: list[ParsedPaper] = []
    warnings: list[str] = []
    while index < len(lines):
        title = lines[index]
        if _is_header(title) and papers:
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
                links=extract_links(abstract),
            )
        )
        index += 2

    if not papers:
        raise ReaderError(f"{source}: no papers found (expected title and abstract lines)")
    if not header_lines and not _looks_like_papers(papers):
        raise ReaderError(
            f"{source}: no recognizable papers (no listing header, and the lines do not read "
            "as titles followed by abstracts)"
        )
    return ParsedListing(
        source=source, listed=listed, papers=tuple(papers), warnings=tuple(warnings)
    )


def _looks_like_papers(papers: list[ParsedPaper]) -> bool:
    """Without a header, most abstracts must be longer than their titles and titles short."""
    plausible = sum(
        1 for paper in papers if len(paper.title) <= 400 and len(paper.abstract) > len(paper.title)
    )
    return plausible * 2 > len(papers)
