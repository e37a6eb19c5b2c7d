"""The record of a paper: ``edit``, ``remove``, ``merge``, ``duplicates``, ``attach``, ``open``."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reader.cli.base import echo_json, papers_given, with_library
from reader.cli.group import main
from reader.editing import FIELDS, current_text, parse_changes, parse_field
from reader.launch import launch, target_for
from reader.models import ReaderError
from reader.text import one_line

if TYPE_CHECKING:
    from reader.models import Paper
    from reader.store import Library

OPTION_FIELDS = {
    "title": "title",
    "authors": "authors",
    "year": "year",
    "month": "month",
    "venue": "venue",
    "publisher": "publisher",
    "entry_type": "entry_type",
    "citekey": "citekey",
    "arxiv": "arxiv",
    "doi": "doi",
    "url": "url",
    "abstract": "abstract",
}


def short(title: str) -> str:
    title = one_line(title)
    return title if len(title) <= 60 else title[:57] + "..."


@main.command()
@click.argument("ref")
@click.option("--title", help="The title.")
@click.option("--authors", help='Authors: "Given Family; Family, Given; {Corporate Name}".')
@click.option("--year", help="Year of publication (empty clears).")
@click.option("--month", help="Month: 1-12 or a name.")
@click.option("--venue", help="Journal or proceedings.")
@click.option("--publisher", help="Publisher.")
@click.option("--type", "entry_type", help="Entry type: article, inproceedings, misc, book...")
@click.option("--citekey", help="Citation key (unique in the library).")
@click.option("--arxiv", help="arXiv id or URL.")
@click.option("--doi", help="DOI or doi.org link.")
@click.option("--url", help="The paper's landing page.")
@click.option("--abstract", help="The abstract.")
@with_library()
def edit(lib: Library, ref: str, **options: str | None) -> None:
    """Correct a paper's record. With no option, edit it as TOML in $EDITOR (or read TOML
    from stdin); a bad file is reopened with the error on top, never half-applied."""
    paper = lib.paper(ref)
    given = {
        field: options[name]
        for name, field in OPTION_FIELDS.items()
        if options.get(name) is not None
    }
    if given:
        changed = lib.edit(paper.id, parse_changes(given))
    else:
        changes = edit_as_toml(paper)
        changed = lib.edit(paper.id, changes) if changes else []
    if changed:
        click.echo(one_line(f"edited {', '.join(changed)} of '{short(paper.title)}'"))
    else:
        click.echo("nothing changed", err=True)


def error_header(error: str) -> str:
    return f"# NOT SAVED: {one_line(error)}\n# Fix it and save again, or quit without saving.\n\n"


def record_toml(paper: Paper) -> str:
    text = current_text(paper)
    lines = [
        f"# The record of paper {paper.id}. Save to apply; quit without saving to change nothing.",
        '# authors: one "Family, Given" each; {Braces} keep a corporate name whole.',
        "# An empty value clears a field (the title cannot be empty).",
    ]
    for name in FIELDS:
        if name == "authors":
            names = [part.strip() for part in text["authors"].split(";") if part.strip()]
            lines.append(f"authors = {json.dumps(names, ensure_ascii=False)}")
        elif name in ("year", "month"):
            lines.append(f"{name} = {text[name] or json.dumps('')}")
        elif name == "abstract":
            body = text["abstract"].replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
            lines.append(f'abstract = """\n{body}"""')
        else:
            lines.append(f"{name} = {json.dumps(text[name], ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def parse_toml(text: str) -> dict[str, Any]:
    """The changes a TOML record asks for; ReaderError naming the line or field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReaderError(f"not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ReaderError(f"unknown field '{unknown[0]}' (fields: {', '.join(FIELDS)})")
    given: dict[str, str] = {}
    for name, value in data.items():
        if name == "authors" and isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        if isinstance(value, (list, dict, bool)):
            raise ReaderError(f"{name}: expected text or a number")
        given[name] = str(value)
    return parse_changes(given)


def edit_as_toml(paper: Paper) -> dict[str, Any]:
    original = record_toml(paper)
    if not sys.stdin.isatty():
        return only_changes(paper, parse_toml(sys.stdin.read()))
    text, error = original, None
    while True:
        shown = text if error is None else error_header(error) + text
        edited = click.edit(shown, extension=".toml")
        if edited is None:
            if error is not None:
                raise ReaderError(f"not saved: {error}")
            return {}
        try:
            return only_changes(paper, parse_toml(strip_error(edited)))
        except ReaderError as problem:
            error, text = str(problem), strip_error(edited)


def strip_error(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith(("# NOT SAVED:", "# Fix it")):
        lines.pop(0)
    return "".join(lines).lstrip("\n")


def only_changes(paper: Paper, changes: dict[str, Any]) -> dict[str, Any]:
    """The fields the person changed (the others are not marked as edited by hand)."""
    current = current_text(paper)
    kept = {}
    for name, value in changes.items():
        try:
            same = parse_field(name, current[name]) == value
        except ReaderError:  # what was stored does not read back: take the new value
            same = False
        if not same:
            kept[name] = value
    return kept


@main.command()
@click.argument("refs", nargs=-1)
@click.option("--query", "-q", help="Remove every paper matching this query instead of REFs.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@with_library()
def remove(lib: Library, refs: tuple[str, ...], query: str | None, yes: bool) -> None:
    """Delete papers with their notes, tags and list places (`reader undo` brings them back)."""
    ids = papers_given(lib, refs, query)
    papers = lib.papers(ids[:10], with_notes=False)
    if not yes and sys.stdin.isatty():
        shown = "\n".join(f"  {paper.id}  {short(paper.title)}" for paper in papers)
        more = f"\n  ... and {len(ids) - 10} more" if len(ids) > 10 else ""
        click.echo(shown + more, err=True)
        if not click.confirm(f"Remove {len(ids)} paper(s) from the library?", err=True):
            raise ReaderError("nothing removed")
    count = lib.remove(ids)
    noun = "paper" if count == 1 else "papers"
    click.echo(f"removed {count} {noun} (`reader undo` brings them back)")


@main.command()
@click.argument("keep")
@click.argument("others", nargs=-1, required=True)
@with_library()
def merge(lib: Library, keep: str, others: tuple[str, ...]) -> None:
    """Merge papers that are one work into KEEP: tags, notes, sources, links, files and list
    places are joined; empty fields are filled from the others, which are then removed."""
    keep_id = lib.resolve(keep)
    other_ids = [lib.resolve(ref) for ref in others]
    lib.merge(keep_id, other_ids)
    noun = "paper" if len(set(other_ids) - {keep_id}) == 1 else "papers"
    click.echo(one_line(f"merged {len(set(other_ids) - {keep_id})} {noun} into {keep_id}"))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
@with_library(readonly=True)
def duplicates(lib: Library, as_json: bool) -> None:
    """Likely duplicates: nearly the same title and the same first author or year."""
    groups = lib.duplicates()
    if as_json:
        echo_json([[paper.id for paper in lib.papers(group, with_notes=False)] for group in groups])
        return
    if not groups:
        click.echo("No likely duplicates.", err=True)
    for group in groups:
        for paper in lib.papers(group, with_notes=False):
            first = paper.authors[0].family if paper.authors else ""
            facts = ", ".join(str(part) for part in (paper.year, first) if part)
            click.echo(
                f"{paper.id:>6}  {short(paper.title)}" + (f"  ({one_line(facts)})" if facts else "")
            )
        click.echo(f"        reader merge {' '.join(str(pid) for pid in group)}")
        click.echo()


@main.command()
@click.argument("ref")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--link", is_flag=True, help="Keep the file where it is instead of copying it.")
@with_library()
def attach(lib: Library, ref: str, file: Path, link: bool) -> None:
    """Attach a PDF (or any file): copied into files/ beside the library, named by citation
    key; the same file twice is one copy."""
    paper_id = lib.resolve(ref)
    item = lib.attach(paper_id, file, link=link)
    click.echo(one_line(f"attached {item.path} to {paper_id}"))


@main.command("open")
@click.argument("ref")
@click.option("--print", "just_print", is_flag=True, help="Print what would open instead.")
@with_library(readonly=True)
def open_command(lib: Library, ref: str, just_print: bool) -> None:
    """Open the paper: its first attached file, else its landing page, else its arXiv page."""
    paper = lib.paper(ref)
    target = target_for(paper, lib.file_path)
    for path in target.missing:
        click.echo(one_line(f"reader: warning: attached file missing: {path}"), err=True)
    if just_print:
        click.echo(target.location)
    else:
        launch(target.location)
