"""Round trips over generated libraries: a JSON backup restores to the same bytes (records and
attached files included), older backups still import, a merge fills only what is empty, and the
Markdown export keeps every character of every title."""

from __future__ import annotations

import html
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from empty_library import empty_library
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from reader.editing import parse_changes
from reader.exporting import list_document, render
from reader.importers import import_files
from reader.importers.backup import parse_backup, render_backup
from reader.importers.listing import paper_key
from reader.incoming import ParsedListing, ParsedPaper
from reader.models import STATUSES, Author, Link, ReaderError
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


ARXIV_IDS = (
    "1706.03762",
    "hep-th/9901001",
    "2106.09685",
    "1810.04805",
    "math/0309136",
    "1412.6980",
)
RECORDS = st.fixed_dictionaries(
    {},
    optional={
        "authors": st.lists(
            st.builds(
                Author,
                st.sampled_from(["Vaswani", "van der Berg", "Müller", "OpenAI", "O'Neil"]),
                st.sampled_from(["", "Ashish", "Jörg", "J. R."]),
            ),
            max_size=3,
        ).map(tuple),
        "year": st.integers(min_value=1, max_value=9999),
        "month": st.integers(min_value=1, max_value=12),
        "venue": st.sampled_from(["NeurIPS", "Journal of {Odd} & Even"]),
        "publisher": st.sampled_from(["Springer", "Now Publishers"]),
        "entry_type": st.sampled_from(["article", "inproceedings", "book", "misc"]),
        "citekey": st.sampled_from(["vaswani2017", "key:1", "Same", "same"]),
        "arxiv": st.just(""),  # made unique per paper in plans()
        "doi": st.just(""),
        "url": st.sampled_from(["https://example.org/p", "https://x.example/a?b=1&c=2"]),
        "categories": st.lists(st.sampled_from(["cs.LG", "hep-th", "stat.ML"]), max_size=2).map(
            tuple
        ),
    },
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
    records: list[dict[str, object]] = field(default_factory=list)


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
    records = draw(st.lists(RECORDS, min_size=count, max_size=count))
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
        records=[_unique_ids(index, record) for index, record in enumerate(records)],
    )


def _unique_ids(index: int, record: dict[str, object]) -> dict[str, object]:
    """Each paper its own arXiv id and DOI: papers that share one are one paper to the store,
    which is the import's business, not the backup's."""
    record = dict(record)
    if "arxiv" in record:
        record["arxiv"] = ARXIV_IDS[index]
    if "doi" in record:
        record["doi"] = f"10.1000/a_b(c).{index}"
    return record


def build(library: Library, plan: Plan) -> list[int]:
    """Apply the plan; returns the paper ids in plan order (duplicate titles share one)."""
    listing = ParsedListing(
        "generated.txt",
        None,
        tuple(
            ParsedPaper(
                title,
                abstract,
                listed,
                "generated.txt",
                tuple(Link(u, "web") for u in urls),
                **record,  # type: ignore[arg-type]
            )
            for (title, abstract, listed, urls), record in zip(
                plan.papers, plan.records or [{}] * len(plan.papers), strict=True
            )
        ),
    )
    library.import_listings([listing])
    keys = {paper["key"]: paper["id"] for paper in library.dump()["papers"]}
    ids = [_stored_id(library, keys, paper) for paper in listing.papers]
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


def _stored_id(library: Library, keys: dict[str, int], paper: ParsedPaper) -> int:
    """The paper the import made of a parsed one: the same title is the same paper, else the
    same arXiv id or DOI."""
    if paper_key(paper.title) in keys:
        return keys[paper_key(paper.title)]
    for ref in (paper.arxiv, paper.doi):
        if ref:
            return library.resolve(ref)
    raise AssertionError(f"{paper.title!r} was not imported")


@ROUND_TRIP
@given(plans())
def test_backup_restore_backup_gives_the_same_bytes(plan: Plan) -> None:
    with tempfile.TemporaryDirectory() as folder, empty_library(Path(folder) / "a.db") as original:
        build(original, plan)
        first = render_backup(original.dump())
        data = parse_backup(first, "backup.json")
        with empty_library(Path(folder) / "b.db") as copy:
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
    with tempfile.TemporaryDirectory() as folder, empty_library(Path(folder) / "a.db") as library:
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


# -- backups of the record -------------------------------------------------------------------

RECORDS_BIB = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex" / "records.bib"


def rich_library(folder: Path) -> Path:
    """Papers with full records from BibTeX, a file attached, a field edited by hand, tags,
    notes and a list."""
    pdf = folder / "papers" / "attention.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4 attention")
    bib = folder / "more.bib"
    bib.write_text(
        "@misc{withfile, title = {A Paper With a File}, file = {:papers/attention.pdf:PDF}}\n",
        encoding="utf-8",
    )
    db = folder / "rich.db"
    with Library(db) as library:
        import_files(library, [RECORDS_BIB, bib])
        paper_id = library.resolve("vaswani2017attention")
        library.edit(paper_id, parse_changes({"venue": "NeurIPS 2017", "publisher": "Curran"}))
        library.tag(paper_id, ["classic"])
        library.add_note(paper_id, "Read **twice**.")
        library.create_list("Week 1", "Transformers first")
        library.add_to_list("Week 1", [paper_id, library.resolve("withfile")])
    return db


def test_a_rich_library_round_trips_through_the_cli(tmp_path: Path) -> None:
    db = rich_library(tmp_path)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert_ok(cli(db, "export", "--all", "--format", "json", "-o", str(first)))
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["version"] == 2
    vaswani = next(paper for paper in data["papers"] if paper["citekey"] == "vaswani2017attention")
    assert vaswani["authors"][0] == {"family": "Vaswani", "given": "Ashish"}
    assert (vaswani["arxiv"], vaswani["categories"]) == ("1706.03762", ["cs.CL"])
    assert (vaswani["venue"], vaswani["entry_type"], vaswani["month"]) == (
        "NeurIPS 2017",
        "inproceedings",
        12,
    )
    assert vaswani["edited"] == ["publisher", "venue"] and vaswani["changed"]
    with_file = next(paper for paper in data["papers"] if paper["citekey"] == "withfile")
    (attached,) = with_file["files"]
    assert attached["path"].endswith("attention.pdf") and len(attached["sha256"]) == 64
    restored = tmp_path / "restored" / "lib.db"
    assert_ok(cli(restored, "import", str(first)))
    assert_ok(cli(restored, "export", "--all", "--format", "json", "-o", str(second)))
    assert first.read_bytes() == second.read_bytes()
    # Importing it again changes nothing.
    assert_ok(cli(restored, "import", str(first)))
    assert_ok(cli(restored, "export", "--all", "--format", "json", "-o", str(second)))
    assert first.read_bytes() == second.read_bytes()


def _backup(version: int, *papers: dict[str, object]) -> str:
    return json.dumps(
        {
            "format": "reader-backup",
            "version": version,
            "papers": list(papers),
            "tags": [],
            "annotations": [],
            "lists": [],
        }
    )


def test_a_version_1_backup_still_imports(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(
        _backup(1, {"id": 3, "key": "old-paper", "title": "Old Paper", "rating": 2}),
        encoding="utf-8",
    )
    db = tmp_path / "lib.db"
    assert_ok(cli(db, "import", str(path)))
    with Library(db) as library:
        paper = library.paper(3)
        data = library.dump()
    assert (paper.title, paper.rating, paper.entry_type, paper.authors) == (
        "Old Paper",
        2,
        "misc",
        (),
    )
    assert data["version"] == 2 and data["papers"][0]["citekey"] is None


def test_a_newer_backup_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(_backup(3, {"key": "k", "title": "T"}), encoding="utf-8")
    result = cli(tmp_path / "lib.db", "import", str(path))
    assert result.exit_code == 1
    assert "backup version 3 is newer than this reader understands (2)" in result.stderr


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"citekey": "has space"}, "paper 1: 'has space' is not a citation key"),
        ({"arxiv": "1234.5"}, "paper 1: '1234.5' is not an arXiv id"),
        ({"doi": "10.1/x"}, "paper 1: '10.1/x' is not a DOI"),
        ({"url": "javascript:alert(1)"}, "is not a web address"),
        ({"year": 0}, "paper 1: year 0 is not from 1 to 9999"),
        ({"year": "2017"}, "paper 1: year '2017' is not from 1 to 9999"),
        ({"month": 13}, "paper 1: month 13 is not from 1 to 12"),
        ({"entry_type": "thing"}, "entry type is one of"),
        ({"authors": [{"given": "Only"}]}, "paper 1, author 1 is not a name"),
        ({"categories": ["cs LG"]}, "paper 1: categories are not single words"),
        ({"edited": ["rating"]}, "paper 1: edited names a field that is not one of"),
        ({"files": [{"path": "a.pdf", "sha256": "xyz"}]}, "is not 64 hexadecimal digits"),
    ],
)
def test_backup_records_are_held_to_the_cli_rules(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ReaderError, match="not a valid reader backup") as caught:
        parse_backup(_backup(2, {"key": "k", "title": "T", **fields}), "b.json")
    assert message in str(caught.value)


@pytest.mark.parametrize("field", ["citekey", "arxiv", "doi"])
def test_identifiers_appear_once_in_a_backup(field: str) -> None:
    value = {"citekey": "Key", "arxiv": "1706.03762", "doi": "10.1000/x"}[field]
    other = value.lower() if field == "citekey" else value
    text = _backup(
        2, {"key": "a", "title": "A", field: value}, {"key": "b", "title": "B", field: other}
    )
    with pytest.raises(ReaderError, match=f"paper 2: {field} .* appears twice"):
        parse_backup(text, "b.json")


def test_a_merge_fills_only_empty_fields_and_keeps_identifiers_unique(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.import_listings(
            [
                ParsedListing(
                    "a.bib",
                    None,
                    (
                        ParsedPaper(
                            "Attention (my copy)", "", None, "mine.bib", arxiv="1706.03762"
                        ),
                        ParsedPaper("Another", "", None, "mine.bib", citekey="vaswani2017"),
                    ),
                )
            ]
        )
        mine = library.resolve("1706.03762")
        library.edit(mine, parse_changes({"venue": "My venue"}))
    path = tmp_path / "theirs.json"
    path.write_text(
        _backup(
            2,
            {
                "key": "attention-is-all-you-need",
                "title": "Attention Is All You Need",
                "abstract": "Their abstract.",
                "arxiv": "1706.03762",
                "year": 2017,
                "venue": "NeurIPS",
                "citekey": "vaswani2017",
                "authors": [{"family": "Vaswani", "given": "Ashish"}],
                "edited": ["year"],
                "rating": 5,
            },
            {
                "key": "new-one",
                "title": "New One",
                "doi": "10.1000/new",
                "citekey": "vaswani2017-2",
            },
        ),
        encoding="utf-8",
    )
    result = cli(db, "import", str(path))
    assert_ok(result)
    assert "citation key vaswani2017 is taken: the paper is vaswani2017-2" in result.stderr
    with Library(db) as library:
        assert library.count() == 3  # matched by arXiv id, not added again
        paper = library.paper(mine)
        assert paper.title == "Attention (my copy)"  # the title is the library's own
        assert paper.venue == "My venue"  # edited by hand: never overwritten
        assert (paper.year, paper.rating, paper.abstract) == (2017, 5, "Their abstract.")
        assert paper.authors == (Author("Vaswani", "Ashish"),)
        assert paper.citekey == "vaswani2017-2"  # the library's vaswani2017 is another paper
        # Its own key was given away a moment before: the next free one.
        assert library.paper("new-one").citekey == "vaswani2017-2-2"
        assert library.paper("new-one").doi == "10.1000/new"
        edited = {row["key"]: row["edited"] for row in library.dump()["papers"]}
        assert edited["attention-my-copy"] == ["venue", "year"]


def test_a_paper_listed_under_several_dates_restores_to_the_same_bytes() -> None:
    """Found by the property above: sources were written in file-id order, which a restore
    renumbers, so a paper seen under two dates of one file swapped them in the copy."""
    plan = Plan(
        papers=[
            ("00", "", None, []),
            ("000\\0\\0", "", "Mar 11", []),
            ("000\\0\\0", "", "Apr 2, 2024", []),
            ("00", "", "Apr 2, 2024", []),
        ],
        tags=[],
        ratings=[],
        statuses=[],
        notes=[],
        lists=[],
        records=[{}, {}, {}, {}],
    )
    with tempfile.TemporaryDirectory() as folder, Library(Path(folder) / "a.db") as original:
        build(original, plan)
        first = render_backup(original.dump())
        with Library(Path(folder) / "b.db") as copy:
            copy.restore(parse_backup(first, "backup.json"))
            assert render_backup(copy.dump()) == first
