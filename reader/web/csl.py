"""DOI records by content negotiation: ``Accept: application/vnd.citationstyles.csl+json``
on the DOI resolver, which hands the request to the DOI's registration agency (Crossref,
DataCite...). The answer is CSL-JSON; abstracts in it are JATS XML."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import requests

from reader.identifiers import doi_url, parse_doi
from reader.incoming import ParsedPaper
from reader.models import Author
from reader.text import clean_text
from reader.web.http import (
    Settings,
    WebError,
    WebSession,
    content_type,
    describe,
    host,
    read_capped,
    status_text,
)

CSL_JSON = "application/vnd.citationstyles.csl+json"
MAX_RECORD_BYTES = 10 * 1024 * 1024
SOURCE = "doi.org"
# CSL item types (and Crossref's own names, which some agencies send) as BibTeX entry types.
ENTRY_TYPES = {
    "article-journal": "article",
    "journal-article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "paper-conference": "inproceedings",
    "proceedings-article": "inproceedings",
    "proceedings": "misc",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "chapter": "incollection",
    "book-chapter": "incollection",
    "entry-encyclopedia": "incollection",
    "report": "techreport",
    "thesis": "phdthesis",
    "dissertation": "phdthesis",
    "manuscript": "unpublished",
    "dataset": "dataset",
    "software": "software",
    "webpage": "online",
    "post-weblog": "online",
    "article": "misc",  # DataCite's preprints
    "posted-content": "misc",
}
_TAG = re.compile(r"<[^<>]{0,2000}>")
_HEADING = re.compile(r"<(?:jats:)?title\b[^>]{0,200}>.{0,200}?</(?:jats:)?title>", re.S | re.I)
_BLOCK_END = re.compile(r"</(?:jats:)?(?:p|sec)>", re.I)


@dataclass(frozen=True)
class DoiRecord:
    """A DOI's record and the PDF link its metadata names, if any."""

    paper: ParsedPaper
    pdf_url: str | None


def strip_markup(text: str) -> str:
    """JATS or HTML as plain text: headings (``<jats:title>Abstract</jats:title>``) dropped,
    tags removed, entities decoded, spaces collapsed; paragraphs run on as one text."""
    text = _HEADING.sub(" ", text)
    text = _BLOCK_END.sub(" ", text)
    text = html.unescape(_TAG.sub("", text))
    return " ".join(clean_text(text).split())


def _first(value: Any) -> str:
    """CSL fields that are a string or a list of strings (``container-title``, ``title``)."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    return value if isinstance(value, str) else ""


def _authors(people: Any) -> tuple[Author, ...]:
    authors: list[Author] = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        literal = strip_markup(_first(person.get("literal")) or _first(person.get("name")))
        family = strip_markup(_first(person.get("family")))
        given = strip_markup(_first(person.get("given")))
        particle = strip_markup(_first(person.get("non-dropping-particle")))
        if particle and family:
            family = f"{particle} {family}"
        suffix = strip_markup(_first(person.get("suffix")))
        if suffix and family:
            family = f"{family} {suffix}"  # "King Jr.", as the BibTeX importer keeps it
        if family:
            authors.append(Author(family, given))
        elif literal or given:
            authors.append(Author(literal or given))
    return tuple(authors)


def _date(record: dict[str, Any]) -> tuple[int | None, int | None]:
    """Year and month from ``issued``, else the print or online publication date."""
    for name in ("issued", "published-print", "published-online", "created"):
        parts = (
            (record.get(name) or {}).get("date-parts")
            if isinstance(record.get(name), dict)
            else None
        )
        if not parts or not isinstance(parts, list) or not isinstance(parts[0], list):
            continue
        first = parts[0]
        try:
            year = int(first[0]) if first and first[0] is not None else None
            month = int(first[1]) if len(first) > 1 and first[1] is not None else None
        except (TypeError, ValueError):
            continue
        if year is not None and 1 <= year <= 9999:
            return year, month if month is not None and 1 <= month <= 12 else None
    return None, None


def _pdf_link(record: dict[str, Any]) -> str | None:
    for link in record.get("link") or []:
        if not isinstance(link, dict):
            continue
        url = link.get("URL")
        kind = str(link.get("content-type") or "").split(";")[0].strip().lower()
        if (
            kind == "application/pdf"
            and isinstance(url, str)
            and url.startswith(("http://", "https://"))
        ):
            return url
    return None


def csl_record(record: Any, doi: str) -> DoiRecord:
    """The ParsedPaper a CSL-JSON item describes; WebError when it has no title."""
    if not isinstance(record, dict):
        raise WebError("the DOI's metadata is not a CSL record")
    title = strip_markup(_first(record.get("title")))
    if not title:
        raise WebError("the DOI's metadata has no title")
    year, month = _date(record)
    url = _first(record.get("URL")).strip()
    paper = ParsedPaper(
        title=title,
        abstract=strip_markup(_first(record.get("abstract"))),
        listed=None,
        source=SOURCE,
        authors=_authors(record.get("author")),
        year=year,
        month=month,
        venue=strip_markup(_first(record.get("container-title"))),
        publisher=strip_markup(_first(record.get("publisher"))),
        entry_type=ENTRY_TYPES.get(_first(record.get("type")).strip().lower(), "misc"),
        doi=parse_doi(_first(record.get("DOI"))) or doi,
        url=url if url.startswith(("http://", "https://")) else doi_url(doi),
    )
    return DoiRecord(paper, _pdf_link(record))


def resolver_url(settings: Settings, doi: str) -> str:
    """The resolver's address for a DOI (percent-encoded as doi_url does)."""
    return f"{settings.doi_resolver}/{doi_url(doi).removeprefix('https://doi.org/')}"


def fetch_doi(session: WebSession, settings: Settings, doi: str) -> DoiRecord:
    """The record of one DOI; WebError saying why there is none (it does not resolve, the
    agency sent a web page instead of metadata, the record has no title...)."""
    where = host(settings.doi_resolver)
    try:
        with session.get(
            resolver_url(settings, doi), headers={"Accept": CSL_JSON}, stream=True
        ) as response:
            if response.status_code == 404:
                raise WebError(
                    f"the DOI does not resolve ({where} answered {status_text(response)})"
                )
            if response.status_code != 200:
                raise WebError(f"{host(response.url)} answered {status_text(response)}")
            kind = content_type(response)
            if "json" not in kind:
                raise WebError(
                    f"no metadata: the server sent {kind or 'no content type'}, not CSL JSON"
                )
            body = read_capped(response, MAX_RECORD_BYTES, "the DOI's metadata")
    except requests.RequestException as error:
        raise WebError(describe(error, settings.timeout)) from None
    try:
        record = json.loads(body)
    except ValueError:
        raise WebError("the DOI's metadata is not valid JSON") from None
    return csl_record(record, doi)
