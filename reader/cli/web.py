"""Papers from the web: ``add``, ``fetch-pdf`` and ``enrich``.

The work is in ``reader.web``, imported inside each command so that no other command loads
``requests`` or ``arxiv``. Each failed identifier or paper is one line on stderr naming it and
the cause; the command then exits 1, after doing everything that could be done.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any

import click

from reader.cli.base import (
    LibraryPath,
    QueryCommand,
    echo_json,
    reported_errors,
    with_library,
)
from reader.cli.group import main
from reader.cli.records import short
from reader.records import paper_dict
from reader.text import one_line

if TYPE_CHECKING:
    from reader.store import Library
    from reader.web.reports import AddReport, EnrichReport, Progress, ThingResult

LABELS = {"lookup": "looking up", "download": "downloading", "enrich": "looking up titles"}


class ProgressBars:
    """A click progress bar on stderr for each stage (and each download), only on a
    terminal: piped or captured output stays clean."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar: Any = None
        self.key: tuple[str, str] | None = None
        self.shown = 0

    def __call__(self, event: Progress) -> None:
        if not self.enabled or not event.total:
            return
        key = (event.stage, event.label if event.stage == "download" else "")
        if key != self.key:
            self.close()
            label = LABELS.get(event.stage, event.stage)
            if event.stage == "download" and event.label:
                label = f"{label} {one_line(event.label)[:40]}"
            self.bar = click.progressbar(
                length=event.total, label=label, file=click.get_text_stream("stderr")
            )
            self.bar.__enter__()
            self.key, self.shown = key, 0
        step = max(0, min(event.done, event.total) - self.shown)
        if step:
            self.bar.update(step)
            self.shown += step

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar, self.key = None, None

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def warn(what: str, cause: str) -> None:
    """One line naming what failed (when the cause does not already) and why."""
    prefix = f"{one_line(what)}: " if what else ""
    click.echo(f"reader: {prefix}{one_line(cause)}", err=True)


def describe_result(result: ThingResult) -> str:
    title = short(result.title)
    if result.status == "enriched":
        fields = f" ({', '.join(result.filled)})" if result.filled else ""
        return f"enriched {result.paper_id} '{title}'{fields}"
    if result.status == "unchanged":
        return f"unchanged {result.paper_id} '{title}' (the library knew it all)"
    return f"added {result.paper_id} '{title}'"


def render_add(lib: Library | None, report: AddReport, as_json: bool) -> None:
    shown: set[int] = set()
    for result in report.results:
        if result.status == "failed":
            warn(result.identifier, result.error or "failed")
            continue
        if result.paper_id in shown:
            continue
        shown.add(result.paper_id or 0)
        if not as_json:
            click.echo(one_line(describe_result(result)))
            if result.pdf:
                click.echo(one_line(f"attached {result.pdf} to {result.paper_id}"))
        if result.pdf_error:
            warn(result.identifier, f"PDF not attached: {result.pdf_error}")
    if as_json:
        papers = lib.papers(report.paper_ids, with_notes=False) if lib is not None else []
        echo_json([paper_dict(paper) for paper in papers])


@main.command("add")
@click.argument("things", nargs=-1, required=True)
@click.option("--pdf", is_flag=True, help="Also download each paper's PDF and attach it.")
@click.option("--json", "as_json", is_flag=True, help="Print the papers as JSON.")
def add_command(things: tuple[str, ...], pdf: bool, as_json: bool) -> None:
    """Add papers by arXiv id or URL, Hugging Face papers URL, or DOI, with their records
    from arXiv or doi.org. A paper the library has is enriched, never duplicated."""
    from reader.web.add import look_up, store_found

    where = click.get_current_context().find_object(LibraryPath)
    assert where is not None, "the main group always sets a LibraryPath"
    with reported_errors(), ProgressBars() as bars:
        lookup = look_up(things, progress=bars)
        if not lookup.found:  # nothing to store: no library is opened, let alone created
            bars.close()
            render_add(None, lookup.report(), as_json)
            sys.exit(1)
        with where.open(create=True) as lib:
            report = store_found(lib, lookup, pdf=pdf, progress=bars)
            bars.close()
            render_add(lib, report, as_json)
    if not report.ok:
        sys.exit(1)


@main.command("fetch-pdf")
@click.argument("refs", nargs=-1, required=True)
@with_library()
def fetch_pdf(lib: Library, refs: tuple[str, ...]) -> None:
    """Download and attach the PDF of papers in the library: arXiv's, or the one the DOI's
    metadata names. Papers that have a PDF attached are left as they are."""
    from reader.web.add import fetch_pdfs

    with ProgressBars() as bars:
        results = fetch_pdfs(lib, refs, progress=bars)
    failed = False
    for result in results:
        if result.error:
            failed = True
            warn(result.ref, result.error)
        elif result.already:
            click.echo(one_line(f"{result.paper_id} '{short(result.title)}' has {result.path}"))
        else:
            click.echo(one_line(f"attached {result.path} to {result.paper_id}"))
    if failed:
        sys.exit(1)


class EnrichCommand(QueryCommand):
    flags = frozenset({"--dry-run", "--again", "-h", "--help"})
    valued = frozenset()


def render_enrich(report: EnrichReport) -> None:
    verb = "would enrich" if report.dry_run else "enriched"
    for match in report.found:
        title = short(match.title)
        if match.duplicate_of is not None:
            click.echo(
                one_line(
                    f"duplicate: {match.paper_id} '{title}' is arXiv {match.arxiv}, which "
                    f"{match.duplicate_of} has (reader merge {match.duplicate_of} "
                    f"{match.paper_id})"
                )
            )
        elif match.filled:
            fields = ", ".join(match.filled)
            click.echo(one_line(f"{verb} {match.paper_id} '{title}' ({fields})"))
    for match in report.near:
        click.echo(
            one_line(
                f"near match, not applied: {match.paper_id} '{short(match.title)}' ~ arXiv "
                f"{match.arxiv} '{short(match.arxiv_title)}' ({match.score:.0f}%)"
            )
        )
    counts = (
        f"{report.looked_up} looked up: {len(report.found)} found, "
        f"{len(report.missing)} not on arXiv, {len(report.ambiguous)} ambiguous"
    )
    if report.near:
        counts += f", {len(report.near)} near {'match' if len(report.near) == 1 else 'matches'}"
    if report.not_asked:
        counts += f"; {report.not_asked} not on arXiv last time, not asked again (--again asks)"
    click.echo(counts + (" (dry run: nothing was written)" if report.dry_run else ""))


@main.command(cls=EnrichCommand)
@click.argument("query", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Show what would change and write nothing.")
@click.option("--again", is_flag=True, help="Also ask about titles arXiv did not have last time.")
def enrich(query: tuple[str, ...], dry_run: bool, again: bool) -> None:
    """Find arXiv entries for papers with no arXiv id and no DOI (those matching QUERY, or
    all) by exact title, and fill in their records. Near matches are listed, not applied.
    Titles arXiv did not have are remembered and not asked about again unless --again."""
    from reader.web.enrich import enrich_library

    where = click.get_current_context().find_object(LibraryPath)
    assert where is not None, "the main group always sets a LibraryPath"
    with reported_errors(), where.open(readonly=dry_run) as lib:
        with ProgressBars() as bars:
            report = enrich_library(
                lib, " ".join(query), dry_run=dry_run, again=again, progress=bars
            )
        if not report.candidates:
            more = (
                f" ({report.not_asked} not on arXiv last time; --again asks again)"
                if report.not_asked
                else ""
            )
            click.echo(f"No papers without an arXiv id or DOI to look up{more}.", err=True)
            return
        render_enrich(report)
        if report.error:
            saved = "nothing was written" if report.dry_run else "what was found is saved"
            warn(
                "arXiv",
                f"{report.error}; stopped after {report.looked_up} of {report.candidates} "
                f"({saved}; run again to go on)",
            )
            sys.exit(1)
