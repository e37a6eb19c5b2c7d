"""arXiv's API through the ``arxiv`` package: records by id and exact-title lookups.

Several ids go in one ``id_list`` request and several titles in one ``ti:"..." OR ti:"..."``
query, so a long list costs few requests, each at least the arXiv delay apart. The package's
Client gets reader's own session (timeout, User-Agent, polite retries) and no retries of its
own; the session checks that each answer is an Atom feed and turns arXiv's error entry into an
error naming the cause.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import arxiv
import requests
from rapidfuzz import fuzz

from reader.identifiers import arxiv_abs_url, parse_arxiv_id, parse_doi
from reader.incoming import ParsedPaper
from reader.keys import normalize_title
from reader.text import clean_text
from reader.web.http import (
    Settings,
    Throttle,
    WebError,
    WebSession,
    content_type,
    describe,
    status_text,
)
from reader.web.names import split_names

ATOM = "{http://www.w3.org/2005/Atom}"
IDS_PER_REQUEST = 100
TITLES_PER_REQUEST = 10
RESULTS_PER_TITLE_QUERY = 100
NEAR_MATCH = 90.0  # rapidfuzz ratio of normalised titles: reported, never applied
SOURCE = "arXiv"


class ArxivRefused(WebError):
    """arXiv answered with its error entry (``incorrect id format for ...``)."""

    def __init__(self, summary: str) -> None:
        super().__init__(f"arXiv refused it: {summary}")
        self.summary = summary


def check_feed(response: requests.Response) -> None:
    """Every answer of the API must be an Atom feed, and not arXiv's error entry."""
    try:
        root: ElementTree.Element | None = ElementTree.fromstring(response.content)
    except ElementTree.ParseError:
        root = None
    if root is None or root.tag != f"{ATOM}feed":
        if response.status_code != 200:
            raise WebError(f"arXiv answered {status_text(response)}")
        sent = content_type(response) or "something else"
        raise WebError(f"arXiv sent {sent}, not an Atom feed")
    for entry in root.iter(f"{ATOM}entry"):
        if "/api/errors" in (entry.findtext(f"{ATOM}id") or ""):
            summary = " ".join((entry.findtext(f"{ATOM}summary") or "an error").split())
            raise ArxivRefused(summary)
    if response.status_code != 200:
        raise WebError(f"arXiv answered {status_text(response)}")


def _text(value: Any) -> str:
    return " ".join(clean_text(str(value or "")).split())


def result_paper(result: Any) -> ParsedPaper | None:
    """A ParsedPaper from an ``arxiv.Result``; None when it names no arXiv id or title."""
    arxiv_id = parse_arxiv_id(str(result.entry_id or ""))
    title = _text(result.title)
    if arxiv_id is None or not title:
        return None
    published = result.published
    year = published.year if published and published.year > 1 else None
    journal_ref = _text(result.journal_ref)
    doi = parse_doi((str(result.doi or "").split() or [""])[0])
    categories = tuple(
        dict.fromkeys(
            c for c in [result.primary_category, *result.categories] if c and " " not in c
        )
    )
    return ParsedPaper(
        title=title,
        abstract=_text(result.summary),
        listed=None,
        source=SOURCE,
        authors=split_names([str(author.name) for author in result.authors]),
        year=year,
        month=published.month if year else None,
        venue=journal_ref,
        entry_type="article" if journal_ref else "misc",
        arxiv=arxiv_id,
        doi=doi,
        url=arxiv_abs_url(arxiv_id),
        categories=categories,
    )


def query_phrase(title: str) -> str:
    """A title as words arXiv's query parser takes inside quotes: ASCII letters and digits
    only (colons, brackets, quotes, hyphens and TeX would break or widen the query)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


@dataclass
class TitleMatches:
    """What arXiv holds for one title: equal after normalize_title, or close (ratio >= 90)."""

    exact: list[ParsedPaper] = field(default_factory=list)
    near: list[tuple[ParsedPaper, float]] = field(default_factory=list)


# One throttle for the whole process: lookups, PDF downloads and later calls (the app adds papers
# many times in one session) all keep arXiv's spacing between them.
_THROTTLE = Throttle(0.0)


def arxiv_throttle(spacing: float) -> Throttle:
    _THROTTLE.spacing = spacing
    return _THROTTLE


class ArxivService:
    """One run's worth of arXiv: a client and its sessions, spaced by the process's throttle."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.throttle = arxiv_throttle(settings.arxiv_delay)
        self.api_session = WebSession(settings, throttle=self.throttle, check=check_feed)
        self.pdf_session = WebSession(settings, throttle=self.throttle)
        self.client = arxiv.Client(
            page_size=IDS_PER_REQUEST, delay_seconds=settings.arxiv_delay, num_retries=0
        )
        self.client.query_url_format = settings.arxiv_api + "?{}"
        self.client._session = self.api_session  # the package has no public way to pass one

    def close(self) -> None:
        self.api_session.close()
        self.pdf_session.close()

    def pdf_url(self, arxiv_id: str, version: int | None = None) -> str:
        return f"{self.settings.arxiv_pdf}/{arxiv_id}" + (f"v{version}" if version else "")

    def _results(self, search: arxiv.Search, page_size: int) -> list[Any]:
        self.client.page_size = page_size
        found: list[Any] = []
        try:
            for result in self.client.results(search):
                found.append(result)
        except arxiv.UnexpectedEmptyPageError:
            pass  # arXiv counted more than it had (a missing id): the first page is all there is
        except arxiv.HTTPError as error:
            raise WebError(f"arXiv answered HTTP {error.status}") from None
        except (requests.RequestException, OSError) as error:
            raise WebError(describe(error, self.settings.timeout)) from None
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
            # The package could not read an entry (a malformed date, say): a bad answer.
            raise WebError(f"arXiv's answer could not be read ({type(error).__name__})") from None
        return found

    def fetch(self, ids: Sequence[str]) -> dict[str, ParsedPaper | WebError]:
        """Records for arXiv ids (without version), a few requests for many ids. Each id maps
        to its paper or to the error that explains why there is none."""
        found: dict[str, ParsedPaper | WebError] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), IDS_PER_REQUEST):
            found.update(self._fetch_batch(unique[start : start + IDS_PER_REQUEST]))
        return found

    def _fetch_batch(self, ids: list[str]) -> dict[str, ParsedPaper | WebError]:
        found: dict[str, ParsedPaper | WebError] = {}
        pending = list(ids)
        while pending:
            search = arxiv.Search(id_list=pending, max_results=len(pending))
            try:
                results = self._results(search, len(pending))
            except ArxivRefused as error:
                culprit = next((item for item in pending if error.summary.endswith(item)), None)
                if culprit is None or len(pending) == 1:
                    found.update(dict.fromkeys(pending, error))
                    return found
                found[culprit] = error  # one bad id fails the whole request: ask again without it
                pending.remove(culprit)
                continue
            except WebError as error:
                found.update(dict.fromkeys(pending, error))
                return found
            papers: dict[str, ParsedPaper] = {}
            for result in results:
                paper = result_paper(result)
                if paper is not None and paper.arxiv in pending:
                    papers.setdefault(paper.arxiv, paper)
            for item in pending:
                found[item] = papers.get(item) or WebError("not found on arXiv")
            return found
        return found

    def search_titles(self, titles: Iterable[str]) -> dict[str, TitleMatches]:
        """arXiv entries whose title equals (or nearly equals) each title, several titles per
        request. Raises WebError when arXiv cannot be asked."""
        matches: dict[str, TitleMatches] = {}
        phrases: dict[str, str] = {}
        for title in titles:
            matches.setdefault(title, TitleMatches())
            phrase = query_phrase(title)
            if phrase:
                phrases[title] = phrase
        batch = list(phrases)
        for start in range(0, len(batch), TITLES_PER_REQUEST):
            group = batch[start : start + TITLES_PER_REQUEST]
            full = self._search_group(group, phrases, matches)
            if full and len(group) > 1:
                # The page filled up: a title crowded out by others' hits gets a query of its own.
                for title in group:
                    if not matches[title].exact:
                        self._search_group([title], phrases, matches)
        return matches

    def _search_group(
        self, group: list[str], phrases: dict[str, str], matches: dict[str, TitleMatches]
    ) -> bool:
        query = " OR ".join(f'ti:"{phrases[title]}"' for title in group)
        search = arxiv.Search(query=query, max_results=RESULTS_PER_TITLE_QUERY)
        results = self._results(search, RESULTS_PER_TITLE_QUERY)
        wanted = {title: normalize_title(title) for title in group}
        for result in results:
            paper = result_paper(result)
            if paper is None:
                continue
            theirs = normalize_title(paper.title)
            for title, ours in wanted.items():
                known = matches[title]
                if theirs == ours:
                    if all(item.arxiv != paper.arxiv for item in known.exact):
                        known.exact.append(paper)
                else:
                    score = fuzz.ratio(theirs, ours)
                    if score >= NEAR_MATCH and all(p.arxiv != paper.arxiv for p, _ in known.near):
                        known.near.append((paper, score))
        return len(results) >= RESULTS_PER_TITLE_QUERY
