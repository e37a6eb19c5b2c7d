"""Adding papers by arXiv id, arXiv or Hugging Face URL, or DOI: look them up, store them in
one transaction, and optionally attach their PDFs.

``add_things`` and ``fetch_pdfs`` are the plain-Python front door (the CLI's ``add`` and
``fetch-pdf``, and the app from a worker thread). A THING that fails is reported with its
cause and leaves the library unchanged; the others are still added. ``requests`` and
``arxiv`` are imported only when a lookup starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from reader.identifiers import Identifier, IdentifierError, require_identifier
from reader.incoming import ParsedPaper
from reader.keys import paper_key
from reader.models import RECORD_FIELDS as RECORD
from reader.models import Paper, ReaderError
from reader.web.reports import AddReport, PdfResult, Progress, ProgressCallback, ThingResult

if TYPE_CHECKING:
    from reader.store import Library
    from reader.web.arxiv_api import ArxivService
    from reader.web.http import Settings, WebSession

SOURCE = "reader add"
# The fields a lookup can fill, as the store names them (and ``reader edit`` shows them).
RECORD_FIELDS = ("abstract", *RECORD)


def _report(progress: ProgressCallback | None, event: Progress) -> None:
    if progress is not None:
        progress(event)


def find_stored(library: Library, paper: ParsedPaper) -> Paper | None:
    """The stored paper a parsed one is (same arXiv id, DOI or title key), as the store
    decides identity; None when the library does not have it."""
    key = paper_key(paper.title)
    for ref in (paper.arxiv, paper.doi, key):
        if not ref:
            continue
        try:
            stored = library.paper(ref)
        except ReaderError:
            continue
        if (paper.arxiv and stored.arxiv == paper.arxiv) or (paper.doi and stored.doi == paper.doi):
            return stored
        if stored.key == key:
            return stored
    return None


def changed_fields(before: Paper | None, after: Paper) -> tuple[str, ...]:
    if before is None:
        return ()
    return tuple(name for name in RECORD_FIELDS if getattr(before, name) != getattr(after, name))


def _parse(things: Iterable[str]) -> tuple[list[tuple[str, Identifier]], list[ThingResult]]:
    parsed: list[tuple[str, Identifier]] = []
    failed: list[ThingResult] = []
    for thing in things:
        try:
            parsed.append((thing, require_identifier(thing)))
        except IdentifierError as error:
            failed.append(ThingResult(thing, "", "failed", error=str(error)))
    return parsed, failed


@dataclass(frozen=True)
class Lookup:
    """What looking THINGs up found, before anything is stored: each identifier's record or
    the error explaining why there is none, and the PDF links DOI records name."""

    things: tuple[str, ...]
    parsed: tuple[tuple[str, Identifier], ...]
    unparsed: tuple[ThingResult, ...]
    records: dict[str, ParsedPaper | Exception] = field(default_factory=dict)
    pdf_links: dict[str, str | None] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return any(isinstance(record, ParsedPaper) for record in self.records.values())

    def report(self, results: Iterable[ThingResult] = ()) -> AddReport:
        """The results in the order the THINGs were given; with none, the failures alone."""
        results = list(results) or [
            ThingResult(thing, item.value, "failed", error=str(self.records.get(item.value)))
            for thing, item in self.parsed
        ]
        order = {thing: index for index, thing in enumerate(self.things)}
        ordered = sorted([*results, *self.unparsed], key=lambda item: order.get(item.thing, 0))
        return AddReport(tuple(ordered))


def look_up(
    things: Sequence[str],
    *,
    progress: ProgressCallback | None = None,
    settings: Settings | None = None,
) -> Lookup:
    """Look up each THING: arXiv ids in as few requests as arXiv allows, DOIs one by one.
    Touches no library; never raises for a THING that fails (its entry says why)."""
    from reader.web.arxiv_api import ArxivService
    from reader.web.csl import fetch_doi
    from reader.web.http import Settings, WebError, WebSession

    settings = settings or Settings.from_env()
    parsed, unparsed = _parse(things)
    lookup = Lookup(tuple(things), tuple(parsed), tuple(unparsed))
    total = len({identifier.value for _, identifier in parsed})
    _report(progress, Progress("lookup", 0, total))
    arxiv = ArxivService(settings)
    doi_session = WebSession(settings)
    try:
        arxiv_ids = [item.value for _, item in parsed if item.kind == "arxiv"]
        if arxiv_ids:
            lookup.records.update(arxiv.fetch(arxiv_ids))
            _report(progress, Progress("lookup", len(lookup.records), total))
        for _, item in parsed:
            if item.kind != "doi" or item.value in lookup.records:
                continue
            try:
                record = fetch_doi(doi_session, settings, item.value)
                lookup.records[item.value] = record.paper
                lookup.pdf_links[item.value] = record.pdf_url
            except WebError as error:
                lookup.records[item.value] = error
            _report(progress, Progress("lookup", len(lookup.records), total, item.value))
    finally:
        arxiv.close()
        doi_session.close()
    return lookup


def store_found(
    library: Library,
    lookup: Lookup,
    *,
    pdf: bool = False,
    progress: ProgressCallback | None = None,
    settings: Settings | None = None,
) -> AddReport:
    """Store every record found in one transaction (a paper the library has is enriched, never
    duplicated), then with ``pdf`` download and attach each PDF. Raises ReaderError only when
    the library cannot be written."""
    from reader.web.arxiv_api import ArxivService
    from reader.web.http import Settings, WebSession

    results = _store(library, list(lookup.parsed), lookup.records)
    if pdf:
        settings = settings or Settings.from_env()
        arxiv = ArxivService(settings)
        doi_session = WebSession(settings)
        try:
            results = _attach_all(library, results, lookup, arxiv, doi_session, progress)
        finally:
            arxiv.close()
            doi_session.close()
    return lookup.report(results)


def add_things(
    library: Library,
    things: Sequence[str],
    *,
    pdf: bool = False,
    progress: ProgressCallback | None = None,
    settings: Settings | None = None,
) -> AddReport:
    """``reader add`` in one call: look_up, then store_found. Never raises for a THING that
    fails: its result says why. Raises ReaderError only when the library cannot be written
    (or a READER_* setting is malformed)."""
    lookup = look_up(things, progress=progress, settings=settings)
    return store_found(library, lookup, pdf=pdf, progress=progress, settings=settings)


def _store(
    library: Library,
    parsed: list[tuple[str, Identifier]],
    records: dict[str, ParsedPaper | Exception],
) -> list[ThingResult]:
    papers = {value: paper for value, paper in records.items() if isinstance(paper, ParsedPaper)}
    before = {value: find_stored(library, paper) for value, paper in papers.items()}
    outcomes = {}
    if papers:
        for outcome in library.import_records(list(papers.values()), SOURCE):
            outcomes[outcome.paper_id] = outcome.status
    results: list[ThingResult] = []
    for thing, identifier in parsed:
        record = records.get(identifier.value)
        if not isinstance(record, ParsedPaper):
            error = str(record) if record is not None else "not looked up"
            results.append(ThingResult(thing, identifier.value, "failed", error=error))
            continue
        stored = find_stored(library, record)
        if stored is None:  # the store always keeps what it was given; be honest if not
            results.append(
                ThingResult(thing, identifier.value, "failed", error="not stored (unexpected)")
            )
            continue
        status = outcomes.get(stored.id, "unchanged")
        filled = changed_fields(before[identifier.value], stored) if status == "enriched" else ()
        results.append(
            ThingResult(thing, identifier.value, status, stored.id, stored.title, filled)
        )
    return results


def _existing_pdf(library: Library, paper: Paper) -> str | None:
    for item in paper.files:
        if item.path.lower().endswith(".pdf") and library.file_path(item).is_file():
            return item.path
    return None


def download_and_attach(
    library: Library,
    paper_id: int,
    url: str,
    session: WebSession,
    label: str,
    progress: ProgressCallback | None,
) -> str:
    """Download one PDF into the library's folder and attach it once complete; the path
    attached. The temporary file is gone afterwards whatever happens."""
    from reader.web.download import download_pdf

    def report(done: int, total: int | None) -> None:
        _report(progress, Progress("download", done, total, label))

    temporary = download_pdf(session, url, library.attachments.folder, progress=report)
    try:
        return library.attach(paper_id, temporary).path
    finally:
        temporary.unlink(missing_ok=True)


def _attach_all(
    library: Library,
    results: list[ThingResult],
    lookup: Lookup,
    arxiv: ArxivService,
    doi_session: WebSession,
    progress: ProgressCallback | None,
) -> list[ThingResult]:
    from reader.web.http import WebError

    versions = {identifier.value: identifier.version for _, identifier in lookup.parsed}
    done: dict[int, tuple[str | None, str | None]] = {}
    updated = []
    for result in results:
        if result.paper_id is None:
            updated.append(result)
            continue
        if result.paper_id not in done:
            paper = library.paper(result.paper_id)
            existing = _existing_pdf(library, paper)
            if existing:
                done[result.paper_id] = (existing, None)
            else:
                if paper.arxiv:
                    url = arxiv.pdf_url(paper.arxiv, versions.get(paper.arxiv))
                    session = arxiv.pdf_session
                else:
                    url = lookup.pdf_links.get(result.identifier)
                    session = doi_session
                if url is None:
                    done[result.paper_id] = (None, "the DOI's metadata names no PDF")
                else:
                    try:
                        path = download_and_attach(
                            library, paper.id, url, session, result.identifier, progress
                        )
                        done[result.paper_id] = (path, None)
                    except WebError as error:
                        done[result.paper_id] = (None, str(error))
        path, error = done[result.paper_id]
        updated.append(replace(result, pdf=path, pdf_error=error))
    return updated


def fetch_pdfs(
    library: Library,
    refs: Sequence[str],
    *,
    progress: ProgressCallback | None = None,
    settings: Settings | None = None,
) -> list[PdfResult]:
    """Attach the PDF of papers already in the library: arXiv's for papers with an arXiv id,
    else the one a DOI's metadata names. A paper that has a PDF attached is left as it is."""
    from reader.web.arxiv_api import ArxivService
    from reader.web.csl import fetch_doi
    from reader.web.http import Settings, WebError, WebSession

    settings = settings or Settings.from_env()
    arxiv = ArxivService(settings)
    doi_session = WebSession(settings)
    results: list[PdfResult] = []
    try:
        for index, ref in enumerate(refs):
            _report(progress, Progress("lookup", index, len(refs), ref))
            try:
                paper = library.paper(ref)
            except ReaderError as error:
                results.append(PdfResult(ref, error=str(error)))
                continue
            found = PdfResult(ref, paper.id, paper.title)
            existing = _existing_pdf(library, paper)
            if existing:
                results.append(replace(found, path=existing, already=True))
                continue
            try:
                if paper.arxiv:
                    url, session = arxiv.pdf_url(paper.arxiv), arxiv.pdf_session
                elif paper.doi:
                    url = fetch_doi(doi_session, settings, paper.doi).pdf_url
                    session = doi_session
                    if url is None:
                        raise WebError("the DOI's metadata names no PDF")
                else:
                    raise WebError("no arXiv id or DOI to fetch a PDF from")
                label = paper.arxiv or paper.doi or ref
                path = download_and_attach(library, paper.id, url, session, label, progress)
                results.append(replace(found, path=path))
            except WebError as error:
                results.append(replace(found, error=str(error)))
    finally:
        arxiv.close()
        doi_session.close()
    return results
