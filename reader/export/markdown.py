"""Render papers as a Markdown task list, fit to paste into a README or a reading-group invite.

Each paper is its title, linked to where to read it (the arXiv page when the arXiv id is known,
else the DOI link, else the paper's url), its code link apart (`` · [code](...)``), then a line
with up to three authors ("et al." after them) and the year, then the listing dates, stars,
tags and reading status. The ``share`` version is for other people: no stars, no reading
status, no "n of m read" line and plain bullets instead of task boxes; notes and the
description stay.

Titles, abstracts, tags and dates come from imported listings, so they are untrusted: every
character that means something to CommonMark (or to GitHub's extensions of it) is
backslash-escaped so that the text renders literally and can never turn into a link, an image,
raw HTML or a list. Notes and the list description are the person's own Markdown and are kept as
written, only indented so that they stay inside their list item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.export import ExportDocument, MarkdownOptions
from reader.models import Annotation, Paper
from reader.text import one_line, one_lines, safe, stars

INDENT = "  "  # continuation indent of a "- " list item
SEPARATOR = " · "
MAX_AUTHORS = 3  # named before "et al."

# ASCII punctuation that can start or end inline markup anywhere in a line: emphasis, code,
# links and images, autolinks and raw HTML, entities, table cells, GitHub strikethrough and
# math. CommonMark lets a backslash escape any ASCII punctuation, so escaping is always safe.
_INLINE_SPECIAL = frozenset("\\`*_[]<>|#!~&$")
_INLINE_MARKUP = re.compile("[" + re.escape("".join(sorted(_INLINE_SPECIAL))) + "]")
# Constructs that only mean something at the start of a line: bullets, setext underlines and
# thematic breaks, and ordered-list markers such as "1." or "2)".
_LINE_START_SPECIAL = frozenset("-+=")
_ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])")
_BACKTICKS = re.compile(r"`+")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
# Characters that would end or confuse a link destination, or be read as an escape inside it.
_URL_UNSAFE = frozenset(' <>()\\`"')
_URL_ENCODED = re.compile("[" + re.escape("".join(sorted(_URL_UNSAFE))) + "]")
DEFAULT_OPTIONS = MarkdownOptions()


def escape(text: str) -> str:
    """One line of untrusted text as Markdown that renders exactly as the text itself.

    Line breaks and control characters are folded away first because a title or tag is one
    line; the caller decides where lines go.
    """
    line = one_line(text)
    escaped = _INLINE_MARKUP.sub(_backslashed, line)
    if escaped[:1] in _LINE_START_SPECIAL:
        escaped = "\\" + escaped
    if escaped[:1].isdigit():
        return _ORDERED_MARKER.sub(r"\1\\\2", escaped)
    return escaped


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group()


def code_span(text: str) -> str:
    """A tag as inline code: literal in every renderer, whatever backticks it holds."""
    content = one_line(text)
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * (longest + 1)
    if content.startswith("`") or content.endswith("`"):
        content = f" {content} "
    return f"{fence}{content}{fence}"


def link_destination(url: str) -> str | None:
    """A link target that cannot break out of ``(...)``, or None when it is not a web URL.

    Only http(s) links are written, so an imported ``javascript:`` URL can never become a
    clickable link. Spaces, brackets, quotes and backslashes are percent-encoded (equivalent
    for any web server); an ``&`` that would read as an HTML entity is backslash-escaped.
    """
    url = url.strip()
    if not _WEB_URL.match(url):
        return None
    if url.isprintable() and not _URL_ENCODED.search(url):
        return _ENTITY_LIKE.sub(r"\\&", url) if "&" in url else url
    parts = []
    for ch in url:
        if ch in _URL_UNSAFE or ch.isspace() or not ch.isprintable():
            parts.append("".join(f"%{byte:02X}" for byte in ch.encode("utf-8")))
        else:
            parts.append(ch)
    return _ENTITY_LIKE.sub(r"\\&", "".join(parts))


def render_markdown(doc: ExportDocument, options: MarkdownOptions = DEFAULT_OPTIONS) -> str:
    """The whole document: heading, description, progress line and one task per paper."""
    title = escape(doc.title) or "Papers"
    blocks = [f"# {title}"]
    description = _own_markdown(doc.description)
    if description:
        blocks.append("\n".join(description))
    papers = doc.papers
    if papers:
        if not options.share:
            done = sum(1 for paper in papers if paper.status == "read")
            blocks.append(f"{done} of {len(papers)} read")
        parts = _Parts(papers, options)
        items = [_item(paper, options, parts) for paper in papers]
        # A blank line between items makes the list "loose" in CommonMark; do that only when
        # some item carries paragraphs of its own, and then for every item so spacing is even.
        loose = any("\n\n" in item for item in items)
        blocks.append(("\n\n" if loose else "\n").join(items))
    else:
        blocks.append("No papers yet.")
    return "\n\n".join(blocks) + "\n"


def markdown_head(
    title: str, description: str, options: MarkdownOptions, done: int, total: int
) -> str:
    """What ``render_markdown`` writes before the first item (after ``safe``), for a document of
    ``total`` papers, ``done`` of them read."""
    blocks = [f"# {escape(title) or 'Papers'}"]
    lines = _own_markdown(description)
    if lines:
        blocks.append("\n".join(lines))
    if total and not options.share:
        blocks.append(f"{done} of {total} read")
    return safe("\n\n".join(blocks) + "\n\n")


def markdown_items(papers: Sequence[Paper], options: MarkdownOptions) -> list[str]:
    """Each paper's item as ``render_markdown`` writes it (after ``safe``)."""
    parts = _Parts(papers, options)
    return [safe(_item(paper, options, parts)) for paper in papers]


def markdown_pieces(head: str, items: list[str]) -> list[str]:
    """``render`` of a Markdown document in pieces, from ``markdown_head`` and its items."""
    if not items:
        return [head + "No papers yet.\n"]
    loose = any("\n\n" in item for item in items)  # as render_markdown decides
    separator = "\n\n" if loose else "\n"
    pieces = [head]
    for item in items:
        pieces += (item, separator)
    pieces[-1] = "\n"
    return pieces


def escape_all(texts: list[str]) -> list[str]:
    """``escape`` of each text, the whole list escaped in one pass: the one-line texts hold no
    newline, so joined by newlines they are escaped together and split apart again."""
    if not texts:
        return []
    joined = "\n".join(one_lines(texts))
    if _INLINE_MARKUP.search(joined):
        joined = _INLINE_MARKUP.sub(_backslashed, joined)
    return [
        "\\" + line
        if line[:1] in _LINE_START_SPECIAL
        else _ORDERED_MARKER.sub(r"\1\\\2", line)
        if line[:1].isdigit()
        else line
        for line in joined.split("\n")
    ]


class _Parts:
    """What the items are made of, written for all the papers at once: titles and author
    names escaped in one pass each, each tag's code span and each set of dates once."""

    def __init__(self, papers: Sequence[Paper], options: MarkdownOptions) -> None:
        self.titles = dict(zip(map(id, papers), escape_all([p.title for p in papers]), strict=True))
        authors = list({id(a): a for paper in papers for a in paper.authors}.values())
        self.names = dict(
            zip(map(id, authors), escape_all([a.display for a in authors]), strict=True)
        )
        self.spans: dict[str, str] = {}
        if options.tags:
            for tag in {tag for paper in papers for tag in paper.tags}:
                self.spans[tag] = code_span(tag) if one_line(tag) else ""
        self.dates: dict[tuple[str, ...], str] = {}

    def listed(self, dates: tuple[str, ...]) -> str:
        """``Listed ...`` for the dates ("" for none)."""
        found = self.dates.get(dates)
        if found is None:
            kept = tuple(date for date in (one_line(d) for d in dates) if date)
            found = ""
            if kept:
                joiner = "; " if any("," in date for date in kept) else ", "
                found = "Listed " + escape(joiner.join(kept))
            self.dates[dates] = found
        return found


def _item(paper: Paper, options: MarkdownOptions, parts: _Parts) -> str:
    box = "" if options.share else "[x] " if paper.status == "read" else "[ ] "
    head = f"- {box}{_title(paper, options, parts.titles[id(paper)])}"
    for line in (_byline(paper, parts.names), _meta(paper, options, parts)):
        if line:
            # A trailing backslash is a hard line break that survives editors trimming spaces.
            head += f"\\\n{INDENT}{line}"
    blocks = [head]
    abstract = escape(paper.abstract) if options.abstracts else ""
    if abstract:
        blocks.append(INDENT + abstract)
    if options.notes:
        blocks.extend(_annotation(annotation) for annotation in paper.annotations)
    return "\n\n".join(block for block in blocks if block)


def _title(paper: Paper, options: MarkdownOptions, escaped: str) -> str:
    """The title linked to its landing page, then the code link apart."""
    text = escaped or "Untitled"
    if not options.links:
        return text
    page = link_destination(paper.landing_page) if paper.landing_page else None
    if page:
        text = f"[{text}]({page})"
    code = link_destination(paper.code_link) if paper.code_link else None
    if code:
        text += f"{SEPARATOR}[code]({code})"
    return text


def _byline(paper: Paper, escaped: dict[int, str]) -> str:
    """Up to three authors, then "et al.", and the year."""
    names = []
    for author in paper.authors:
        name = escaped[id(author)]
        if name:
            names.append(name)
            if len(names) > MAX_AUTHORS:
                break  # enough to know that "et al." follows
    parts = []
    if names:
        parts.append(
            ", ".join(names[:MAX_AUTHORS]) + (" et al." if len(names) > MAX_AUTHORS else "")
        )
    if paper.year:
        parts.append(str(paper.year))
    return SEPARATOR.join(parts)


def _meta(paper: Paper, options: MarkdownOptions, parts: _Parts) -> str:
    fields = []
    if options.dates:
        listed = parts.listed(paper.listings or ((paper.listed,) if paper.listed else ()))
        if listed:
            fields.append(listed)
    if options.ratings and paper.rating and not options.share:
        fields.append(stars(paper.rating))
    if options.tags and paper.tags:
        tags = [span for span in map(parts.spans.__getitem__, paper.tags) if span]
        if tags:
            fields.append(" ".join(tags))
    if paper.status == "reading" and not options.share:
        fields.append("*reading*")
    return SEPARATOR.join(fields)


def _annotation(annotation: Annotation) -> str:
    blocks = []
    if annotation.quote and annotation.quote.strip():
        lines = annotation.quote.strip().splitlines()
        quoted = [f"{INDENT}> {escape(line)}".rstrip() for line in lines]
        blocks.append("\n".join(quoted))
    body = _own_markdown(annotation.body)
    if body:
        blocks.append("\n".join(f"{INDENT}{line}" if line else "" for line in body))
    return "\n\n".join(blocks)


def _own_markdown(text: str) -> list[str]:
    """The person's Markdown as lines, trimmed of trailing spaces and surrounding blank lines."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines
