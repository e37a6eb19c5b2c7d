"""What the web operations report back: plain frozen values, safe to pass between threads.

The CLI renders them as lines and progress bars; the app can post them as messages from the
worker thread that ran the operation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

STAGES = ("lookup", "download", "enrich")


@dataclass(frozen=True)
class Progress:
    """How far an operation is: ``stage`` is "lookup" (identifiers looked up), "download"
    (bytes of one PDF; ``total`` None when the server does not say) or "enrich" (papers
    looked up by title). ``label`` names what is being worked on."""

    stage: str
    done: int
    total: int | None
    label: str = ""


ProgressCallback = Callable[[Progress], None]
"""Called from the thread running the operation; raising from it stops the operation (a
download in flight is deleted, nothing half-done is kept)."""


@dataclass(frozen=True)
class ThingResult:
    """One THING of ``reader add``: ``status`` is "added", "enriched" (``filled`` says which
    fields), "unchanged" (the library knew it all) or "failed" (``error`` says why). With
    ``pdf=True``, ``pdf`` is the attached file's path or ``pdf_error`` why there is none.
    ``identifier`` is the stored spelling (``1706.03762``), empty when THING names none."""

    thing: str
    identifier: str
    status: str
    paper_id: int | None = None
    title: str = ""
    filled: tuple[str, ...] = ()
    error: str | None = None
    pdf: str | None = None
    pdf_error: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed" or self.pdf_error is not None


@dataclass(frozen=True)
class AddReport:
    results: tuple[ThingResult, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(result.failed for result in self.results)

    @property
    def paper_ids(self) -> list[int]:
        """The papers added, enriched or found, in the order asked, each once."""
        ids = (result.paper_id for result in self.results if result.paper_id is not None)
        return list(dict.fromkeys(ids))


@dataclass(frozen=True)
class PdfResult:
    """One REF of ``reader fetch-pdf``: ``path`` attached (``already`` when the paper had a
    PDF), or ``error`` why not."""

    ref: str
    paper_id: int | None = None
    title: str = ""
    path: str | None = None
    already: bool = False
    error: str | None = None


@dataclass(frozen=True)
class TitleMatch:
    """A paper looked up by title and the arXiv entry found for it (or nearly found)."""

    paper_id: int
    title: str
    arxiv: str
    arxiv_title: str
    filled: tuple[str, ...] = ()
    score: float = 100.0
    duplicate_of: int | None = None


@dataclass(frozen=True)
class EnrichReport:
    """``reader enrich``: of ``looked_up`` papers, ``found`` were matched exactly (and filled,
    unless a dry run), ``missing`` are not on arXiv, ``ambiguous`` matched several entries;
    ``near`` lists close titles that were not applied. ``error`` is set when arXiv could not
    be asked to the end: what was found before it is kept. ``not_asked`` papers were not
    looked up because arXiv did not have their titles last time."""

    candidates: int
    looked_up: int
    not_asked: int = 0
    found: tuple[TitleMatch, ...] = ()
    missing: tuple[int, ...] = ()
    ambiguous: tuple[int, ...] = ()
    near: tuple[TitleMatch, ...] = ()
    dry_run: bool = False
    error: str | None = None
    notes: tuple[str, ...] = field(default=())
