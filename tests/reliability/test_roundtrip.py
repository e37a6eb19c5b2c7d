"""Round trips over generated libraries: a JSON backup restores to the same bytes, and the
Markdown export keeps every character of every title."""

from __future__ import annotations

import html
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from reader.exporting import list_document, render
from reader.importers.backup import parse_backup, render_backup
from reader.importers.listing import paper_key
from reader.models import STATUSES, Link, ParsedListing, ParsedPaper
from reader.store import Library
from reader.text import clean_text, is_blank, one_line

from .support import assert_ok, cli, seed_library

ROUND_TRIP = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MARKDOWN_SPECIAL = list("\\`*_[]<>|#!~&$-+=.()\"'{}:;/") + [
    "1.",
    "2)",
    "# ",
    "> ",
    "---",
    "***",
    "    ",
    "&amp;",
    "&#42;",
    "<b>",
    "<!--",
    "[x](http://a.b)",
    "![i](j)",
    "http://example.org",
    "`code`",
    "\\*",
    "~~s~~",
    "$x$",
]
WORDS = ["Diffusion", "LoRA", "über", "日本語", "😀", "العربية", "x", "Ω", "a\u0301", "\u00a0"]
TITLE = (
    st.lists(
        st.one_of(
            st.sampled_from(MARKDOWN_SPECIAL + WORDS + [" "]),
            st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=12,
    )
    .map(lambda parts: clean_text("".join(parts)))
    .filter(lambda title: not is_blank(title))
)
TAG = st.from_regex(r"[A-Za-z0-9éß日_+-]{1,8}(/[a-z0-9]{1,5})?", fullmatch=True)
NOTE = (
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60)
    .map(lambda body: clean_text(body, multiline=True))
    .filter(lambda body: not is_blank(body))
)
LIST_NAME = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=10,
)


@dataclass(frozen=True)
class Plan:
    """A small library to build through reader's own API."""

    papers: list[tuple[str, str, str | None, list[str]]]  # title, abstract, listed, links
    tags: list[tuple[int, list[str]]]
    ratings: list[tuple[int, int]]
    statuses: list[tuple[int, str]]
    notes: list[tuple[int, str, str | None]]
    lists: list[tuple[str, str, list[int]]]


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(min_value=1, max_value=6))
    papers = [
        (
            draw(TITLE),
            draw(st.text(max_size=40).map(clean_text)),
            draw(st.sampled_from([None, "Mar 11", "Apr 2, 2024"])),
            draw(
                st.lists(
                    st.sampled_from(
                        ["https://github.com/a/b", "https://example.org/x?a=1&b=(2)", "http://x.y"]
                    ),
                    max_size=2,
                    unique=True,
                )
            ),
        )
        for _ in range(count)
    ]
    index = st.integers(min_value=0, max_value=count - 1)
    return Plan(
        papers=papers,
        tags=draw(st.lists(st.tuples(index, st.lists(TAG, min_size=1, max_size=3)), max_size=5)),
        ratings=draw(st.lists(st.tuples(index, st.integers(min_value=0, max_value=5)), max_size=4)),
        statuses=draw(st.lists(st.tuples(index, st.sampled_from(STATUSES)), max_size=4)),
        notes=draw(
            st.lists(st.tuples(index, NOTE, st.one_of(st.none(), NOTE)), max_size=4),
        ),
        lists=draw(
            st.lists(
                st.tuples(
                    LIST_NAME,
                    st.text(max_size=30).map(lambda text: clean_text(text, multiline=True)),
                    st.lists(index, max_size=5),
                ),
                max_size=3,
                unique_by=lambda item: item[0].strip().casefold(),
            ).filter(lambda lists: all(name.strip() for name, _, _ in lists))
        ),
    )


def build(library: Library, plan: Plan) -> list[int]:
    """Apply the plan; returns the paper ids in plan order (duplicate titles share one)."""
    listing = ParsedListing(
        "generated.txt",
        None,
        tuple(
            ParsedPaper(
                title, abstract, listed, "generated.txt", tuple(Link(u, "web") for u in urls)
            )
            for title, abstract, listed, urls in plan.papers
        ),
    )
    library.import_listings([listing])
    keys = {paper["key"]: paper["id"] for paper in library.dump()["papers"]}
    ids = [keys[paper_key(title)] for title, *_ in plan.papers]
    for position, names in plan.tags:
        library.tag(ids[position], names)
    for position, rating in plan.ratings:
        library.rate(ids[position], rating)
    for position, status in plan.statuses:
        library.set_status(ids[position], status)
    for position, body, quote in plan.notes:
        library.add_note(ids[position], body, quote)
    for name, description, members in plan.lists:
        library.create_list(name, description)
        library.add_to_list(name, [ids[position] for position in members])
    return ids


@ROUND_TRIP
@given(plans())
def test_backup_restore_backup_gives_the_same_bytes(plan: Plan) -> None:
    with tempfile.TemporaryDirectory() as folder, Library(Path(folder) / "a.db") as original:
        build(original, plan)
        first = render_backup(original.dump())
        data = parse_backup(first, "backup.json")
        with Library(Path(folder) / "b.db") as copy:
            copy.restore(data)
            assert render_backup(copy.dump()) == first
        # Restoring a backup into the library it came from changes nothing.
        original.restore(parse_backup(first, "backup.json"))
        assert render_backup(original.dump()) == first


def rendered_text(markdown: str) -> str:
    """What a reader of the rendered Markdown sees: tags dropped, entities decoded."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    text = html.unescape(re.sub(r"<[^>]*>", " ", parser.render(markdown)))
    return " ".join(text.split())


@ROUND_TRIP
@given(plans())
def test_markdown_export_keeps_every_title(plan: Plan) -> None:
    with tempfile.TemporaryDirectory() as folder, Library(Path(folder) / "a.db") as library:
        ids = build(library, plan)
        library.create_list("Everything", "")
        library.add_to_list("Everything", ids)
        document = list_document(library, "Everything")
        text = rendered_text(render(document, "markdown"))
        for paper in document.papers:
            title = " ".join(one_line(paper.title).split())
            if title:
                assert title in text, (paper.title, text)
            for tag in paper.tags:
                assert one_line(tag) in text


def test_the_cli_backup_round_trip_gives_the_same_bytes(seeded: Path, tmp_path: Path) -> None:
    """``reader export --all --format json`` into a new library and out again: same bytes."""
    with Library(seeded) as library:
        library.add_note(2, "Second note: **bold**, `code`, <html>, & entities &amp;")
        library.rate(3, 1)
        library.set_status(3, "read")
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    assert_ok(cli(seeded, "export", "--all", "--format", "json", "-o", str(first)))
    restored = tmp_path / "restored" / "lib.db"
    assert_ok(cli(restored, "import", str(first)))
    assert_ok(cli(restored, "export", "--all", "--format", "json", "-o", str(second)))
    assert first.read_bytes() == second.read_bytes()
    # Importing the backup again merges without duplicating anything.
    assert_ok(cli(restored, "import", str(first)))
    assert_ok(cli(restored, "export", "--all", "--format", "json", "-o", str(second)))
    assert first.read_bytes() == second.read_bytes()


def test_seed_library_round_trip_through_markdown(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    seed_library(path)
    with Library(path) as library:
        document = list_document(library, "Seed list")
        text = rendered_text(render(document, "markdown"))
    for paper in document.papers:
        assert one_line(paper.title) in text
