"""Hostile input to the pure parts: the query parser, the importers' cleaning and validation,
and the CSV export. Each test names the trap it guards against."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import paper_factory
import pytest

from reader.export import ExportDocument
from reader.exporting import render
from reader.importers import MAX_FILE_BYTES, parse_file, read_text
from reader.importers.backup import parse_backup, render_backup
from reader.models import Annotation, ReaderError
from reader.query import QueryError, parse_query

# -- numbers in the query language ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("rating:²", "²"),  # '²'.isdigit() is True, int('²') raises ValueError
        ("rating:>=٣", "٣"),  # Arabic-Indic three: int() reads it as 3
        ("rating:<=３", "３"),  # full-width three
        ("rating:" + "9" * 5000, "999"),  # int() refuses more than 4300 digits
        ("rating:99999999999999999999", "9999"),
        (f"rating:>{2**63}", "922337"),
        ("rating:00", "00"),
        ("rating:+4", "+4"),
        ("rating: 4", "rating"),
        ("-rating:¹", "¹"),
    ],
    ids=lambda value: value if len(value) < 30 else f"{value[:12]}...({len(value)})",
)
def test_a_rating_is_ascii_digits_only(text: str, shown: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert "rating needs a number from 1 to 5" in str(caught.value)
    assert shown in str(caught.value)
    assert len(str(caught.value)) < 200  # a pasted page is not echoed whole


def test_ascii_ratings_still_parse() -> None:
    for op in ("", "=", ">=", "<=", ">", "<", "!="):
        for number in "12345":
            (term,) = parse_query(f"rating:{op}{number}").groups[0]
            assert term.value == number


@pytest.mark.parametrize("text", ["listed:Mar ²", 'listed:"Mar ١١"', 'listed:"Mar 1, ２０２４"'])
def test_dates_take_ascii_digits_only(text: str) -> None:
    with pytest.raises(QueryError, match="listed: needs a date"):
        parse_query(text)


def test_too_many_filters_is_a_query_error_not_a_database_error() -> None:
    """SQLite refuses an expression about a thousand deep ("Expression tree is too large")."""
    from reader.query import MAX_FILTERS

    parse_query(" ".join(f"tag:t{index}" for index in range(MAX_FILTERS)))
    text = " OR ".join(f"tag:t{index}" for index in range(MAX_FILTERS + 1))
    with pytest.raises(QueryError, match="too many filters") as caught:
        parse_query(text)
    assert text[caught.value.column - 1 :].startswith(f"tag:t{MAX_FILTERS}")
    with pytest.raises(QueryError, match="too many filters"):
        parse_query(" ".join(f"-w{index}" for index in range(MAX_FILTERS + 1)))


def test_too_many_words_is_a_query_error() -> None:
    from reader.query import MAX_WORDS

    parse_query(" ".join(f"w{index}" for index in range(MAX_WORDS)))
    with pytest.raises(QueryError, match="too many words"):
        parse_query(" ".join(f"w{index}" for index in range(MAX_WORDS + 1)))


@pytest.mark.parametrize(
    "text",
    [
        "foo" * 1000 + ":bar",
        "status:" + "x" * 10_000,
        "has:" + "y" * 10_000,
        "listed:" + "z" * 10_000,
    ],
    ids=["unknown-filter", "status", "has", "listed"],
)
def test_error_messages_do_not_echo_a_whole_page(text: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize("text, column", [("tag:\udcff", 5), ("a\udcff b", 2), ("\ud800", 1)])
def test_bytes_that_are_not_utf8_are_a_query_error(text: str, column: int) -> None:
    """A non-UTF-8 argument arrives with surrogates; SQLite raised UnicodeEncodeError."""
    with pytest.raises(QueryError, match="not UTF-8") as caught:
        parse_query(text)
    assert caught.value.column == column


def test_nul_and_controls_in_a_query_are_spaces() -> None:
    query = parse_query("a\x00b\x1bc tag:x\x00y")
    assert [term.value for group in query.groups for term in group] == ["a", "b", "c", "x", "y"]


# -- the one cleaning rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, single, multi",
    [
        ("plain", "plain", "plain"),
        ("red \x1b[31mtitle\x1b[0m", "red [31mtitle[0m", "red [31mtitle[0m"),
        ("\u202eevil\u202c \u2066x\u2069", "evil x", "evil x"),
        ("csi \x9b2J bell \x07", "csi 2J bell ", "csi 2J bell "),
        ("a\tb\nc\r\nd\re", "a b c  d e", "a\tb\nc\nd\ne"),
        ("nbsp\u00a0and\u2028sep", "nbsp and sep", "nbsp and sep"),
        ("👩\u200d🔬 می\u200cخواهم", "👩\u200d🔬 می\u200cخواهم", "👩\u200d🔬 می\u200cخواهم"),
        ("lone \ud800 surrogate", "lone  surrogate", "lone  surrogate"),
        ("private \ue000 use", "private \ue000 use", "private \ue000 use"),
        ("soft\xadhyphen zero\u200bwidth", "soft\xadhyphen zero\u200bwidth", None),
    ],
)
def test_clean_text(raw: str, single: str, multi: str | None) -> None:
    from reader.text import clean_text

    assert clean_text(raw) == single
    assert clean_text(raw, multiline=True) == (single if multi is None else multi)
    assert clean_text(single) == single  # cleaning twice changes nothing


HOSTILE_TITLE = "Red \x1b[31mAlert\x1b[0m \u202eCipher\u202c \x9b2J Title"
CLEAN_TITLE = "Red [31mAlert[0m Cipher 2J Title"


def _backup(**sections: Any) -> str:
    data: dict[str, Any] = {
        "format": "reader-backup",
        "version": 1,
        "papers": [{"key": "p", "title": "A paper"}],
        "tags": [],
        "annotations": [],
        "lists": [],
    }
    data.update(sections)
    return json.dumps(data)


def test_the_three_importers_clean_a_title_alike(tmp_path: Path) -> None:
    listing = tmp_path / "listing.txt"
    listing.write_text(
        f"new\n\nMar 11\n\n{HOSTILE_TITLE}\n\nAn abstract that is longer than a title.\n",
        encoding="utf-8",
    )
    bib = tmp_path / "refs.bib"
    bib.write_text(f"@misc{{k, title = {{{HOSTILE_TITLE}}}}}\n", encoding="utf-8")
    backup = tmp_path / "backup.json"
    backup.write_text(_backup(papers=[{"key": "k", "title": HOSTILE_TITLE}]), encoding="utf-8")

    from_listing = parse_file(listing).listing
    from_bibtex = parse_file(bib).listing
    from_backup = parse_file(backup).backup
    assert from_listing is not None and from_bibtex is not None and from_backup is not None
    assert from_listing.papers[0].title == CLEAN_TITLE
    assert from_bibtex.papers[0].title == CLEAN_TITLE
    assert from_backup["papers"][0]["title"] == CLEAN_TITLE


def test_a_listing_line_of_invisible_characters_is_blank(tmp_path: Path) -> None:
    """Invisible characters stay inside text, but a line of nothing else must not become a
    title and shift every abstract after it."""
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "new\nMar 11\n\ufeff\nTitle One\nAbstract one is long enough.\n\u200b \x1b\n"
        "Title Two\nAbstract two is long enough.\n",
        encoding="utf-8",
    )
    parsed = parse_file(listing).listing
    assert parsed is not None
    assert [paper.title for paper in parsed.papers] == ["Title One", "Title Two"]


def test_bibtex_fields_are_cleaned(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{k,\n"
        "  title = {T\x07itle\u202e},\n"
        "  abstract = {An \x1b]0;owned\x07 abstract},\n"
        "  keywords = {\x9b=2+2, \u202evision, ok},\n"
        "  url = {https://example.org/\x1b[2Jpath}\n"
        "}\n",
        encoding="utf-8",
    )
    parsed = parse_file(bib)
    assert parsed.listing is not None
    (paper,) = parsed.listing.papers
    assert paper.title == "Title"
    assert paper.abstract == "An ]0;owned abstract"
    assert [link.url for link in paper.links] == ["https://example.org/[2Jpath"]
    assert list(parsed.tags.values()) == [["=2+2", "vision", "ok"]]


def test_backup_text_is_cleaned_and_notes_keep_their_lines() -> None:
    data = parse_backup(
        _backup(
            papers=[
                {
                    "key": "p",
                    "title": "Title\x1b[2J",
                    "abstract": "Abs\u202etract\x00",
                    "listed": "Mar\x0711",
                    "sources": [{"file": "a\x1b.txt", "listed": "Mar 11"}],
                    "links": [{"url": "https://a.org/\x9bx", "kind": "web", "position": 0}],
                }
            ],
            annotations=[{"paper": "p", "body": "line one\r\nline\ttwo\x1b[31m", "quote": "q\x07"}],
            lists=[{"name": "Week 1", "description": "Read\x1b[5m\nthese", "papers": []}],
        ),
        "backup.json",
    )
    paper = data["papers"][0]
    assert (paper["title"], paper["abstract"], paper["listed"]) == ("Title[2J", "Abstract", "Mar11")
    assert paper["sources"][0]["file"] == "a.txt"
    assert paper["links"][0]["url"] == "https://a.org/x"
    note = data["annotations"][0]
    assert (note["body"], note["quote"]) == ("line one\nline\ttwo[31m", "q")
    assert data["lists"][0]["description"] == "Read[5m\nthese"


# -- backup validation ---------------------------------------------------------------------------


def _refusal(text: str) -> str:
    with pytest.raises(ReaderError) as caught:
        parse_backup(text, "backup.json")
    message = str(caught.value)
    assert message.startswith("backup.json: not a valid reader backup (")
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    "paper, named",
    [
        ({"id": 2**63 - 1}, "paper 1: id 9223372036854775807"),
        ({"id": 2**53 + 1}, "paper 1: id"),
        ({"id": 0}, "paper 1: id 0"),
        ({"id": True}, "paper 1: id True"),
        ({"id": 1.0}, "paper 1: id 1.0"),
        ({"rating": 6}, "rating 6"),
        ({"rating": True}, "rating True"),
        ({"rating": "5"}, "rating '5'"),
        ({"status": "done"}, "status 'done'"),
        ({"status": ["read"]}, "status ['read']"),
        ({"tags": [""]}, "paper 1: '' is not a tag name"),
        ({"tags": ["ok", "a b"]}, "paper 1: 'a b' is not a tag name"),
        ({"tags": ["ok,comma"]}, "'ok,comma' is not a tag name"),
        ({"tags": ["tab\tinside"]}, "paper 1: 'tab inside' is not a tag name"),
        ({"tags": ["\x1b\u202e"]}, "paper 1: '' is not a tag name"),
        ({"tags": [7]}, "paper 1: 7 is not text"),
        ({"tags": "vision"}, "'tags' is not a list"),
        ({"key": "two words"}, "key 'two words' is not a paper key"),
        ({"key": "esc\x1b"}, "is not a paper key"),
        ({"key": ""}, "is not a paper key"),
        ({"title": "\x1b\x07\u202e "}, "paper 1 has no title"),
        ({"title": 5}, "paper 1 has no title"),
        ({"abstract": ["x"]}, "paper 1: abstract ['x'] is not text"),
        ({"listed": 11}, "paper 1: listed 11 is not text"),
        ({"links": [{"url": "javascript:alert(1)"}]}, "is not a web address"),
        ({"links": [{"url": "file:///etc/passwd"}]}, "paper 1, link 1"),
        ({"links": [{"url": "https://a.org", "kind": "exe"}]}, "kind 'exe'"),
        ({"links": [{"url": "https://a.org", "position": -1}]}, "position -1"),
        ({"links": [{"url": "https://a.org", "position": 2**63}]}, "position 9223372036854775808"),
        ({"sources": [{"file": ""}]}, "paper 1, source 1 has no file"),
    ],
)
def test_a_backup_paper_is_held_to_the_cli_rules(paper: dict[str, Any], named: str) -> None:
    message = _refusal(_backup(papers=[{"key": "p", "title": "A paper", **paper}]))
    assert named in message


@pytest.mark.parametrize(
    "sections, named",
    [
        ({"tags": ["ok", ""]}, "tag 2: '' is not a tag name"),
        ({"tags": ["a b"]}, "tag 1: 'a b' is not a tag name"),
        ({"tags": ["x/"]}, "'x/' is not a tag name"),
        ({"lists": [{"name": " ", "papers": []}]}, "list 1: a reading list needs a name"),
        ({"lists": [{"name": "\x1b\x07", "papers": []}]}, "list 1: a reading list needs a name"),
        ({"lists": [{"name": "x" * 300, "papers": []}]}, "at most 200 characters"),
        (
            {"lists": [{"name": "Week", "papers": []}, {"name": " week ", "papers": []}]},
            "list 2: name 'week' appears twice",
        ),
        ({"lists": [{"name": "L", "papers": [{"paper": "nope"}]}]}, "entry 1 names an unknown"),
        ({"annotations": [{"paper": "p", "body": "\x07"}]}, "annotation 1 has no body"),
        ({"annotations": [{"paper": "p", "body": "b", "id": 2**63 - 1}]}, "annotation 1: id"),
        ({"version": True}, "no version"),
        ({"version": 0}, "no version"),
    ],
)
def test_backup_names_and_notes_are_held_to_the_cli_rules(
    sections: dict[str, Any], named: str
) -> None:
    assert named in _refusal(_backup(**sections))


def test_tag_and_list_names_are_cleaned_then_stored_as_the_cli_would_store_them() -> None:
    data = parse_backup(
        _backup(
            papers=[{"key": "p", "title": "T", "tags": [" vision / detection ", "esc\x1b"]}],
            tags=["vision/detection", " ok ", "bad\ud800", "\u202eflipped"],
            lists=[{"name": "  Week\x1b[2J 1 ", "papers": [{"paper": "p"}]}],
        ),
        "backup.json",
    )
    assert data["papers"][0]["tags"] == ["vision/detection", "esc"]
    assert data["tags"] == ["vision/detection", "ok", "bad", "flipped"]
    assert data["lists"][0]["name"] == "Week[2J 1"


@pytest.mark.parametrize(
    "text, reason",
    [
        (
            '{"format": "reader-backup", "version": 1, "papers": [{"id": ' + "1" * 5000 + "}]}",
            "too many digits",
        ),
        (
            '{"format": "reader-backup", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
            "nested too deeply",
        ),
    ],
    ids=["5000-digit-number", "deep-nesting"],
)
def test_json_python_cannot_load_is_refused_by_name(text: str, reason: str) -> None:
    with pytest.raises(ReaderError, match=reason) as caught:
        parse_backup(text, "backup.json")
    assert str(caught.value).startswith("backup.json: not valid JSON")


def test_a_clean_backup_round_trips_unchanged() -> None:
    text = _backup(
        papers=[
            {
                "id": 2**53,
                "key": "p",
                "title": "Ünïcödé 日本語 👩\u200d🔬",
                "abstract": "",
                "rating": 5,
                "status": "read",
                "tags": ["vision/detection"],
                "links": [{"url": "https://github.com/a/b", "kind": "code", "position": 0}],
            }
        ],
        tags=["vision/detection"],
        annotations=[{"id": 1, "paper": "p", "body": "# Note\n\n- one\n\t- two"}],
        lists=[{"name": "Week 1", "description": "two\nlines", "papers": [{"paper": "p"}]}],
    )
    assert parse_backup(text, "b.json") == json.loads(text)
    again = render_backup(parse_backup(text, "b.json"))
    assert parse_backup(again, "b.json") == json.loads(text)


# -- reading files ---------------------------------------------------------------------------


def test_read_text_does_not_trust_the_reported_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """/proc files are regular and report a size of 0 whatever they hold."""
    path = Path("/proc/self/maps")
    if not path.exists() or path.stat().st_size != 0:
        pytest.skip("needs a /proc file that reports size 0")
    monkeypatch.setattr("reader.importers.MAX_FILE_BYTES", 64)
    with pytest.raises(ReaderError, match="too large") as caught:
        read_text(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert MAX_FILE_BYTES > 64  # the real limit is untouched


def test_read_text_reads_a_file_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reader.importers.MAX_FILE_BYTES", 100)
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"x" * 100)
    assert read_text(exact) == "x" * 100
    over = tmp_path / "over.txt"
    over.write_bytes(b"x" * 101)
    with pytest.raises(ReaderError, match="too large"):
        read_text(over)


# -- CSV -----------------------------------------------------------------------------------------


def _csv_cells(*papers: Any) -> list[str]:
    text = render(ExportDocument(title="t", papers=tuple(papers)), "csv")
    return [cell for row in list(csv.reader(io.StringIO(text, newline="")))[1:] for cell in row]


@pytest.mark.parametrize(
    "title",
    [
        '\u202e=HYPERLINK("http://evil.example","x")',
        "\x9b=2+2",
        "\x1b=1+1",
        "\x00@SUM(A1)",
        "\u2066+1\u2069",
        " =1+1",
        "\u200b=1+1",
        "\ufeff-1",
        "\n=1+1",
    ],
)
def test_no_control_character_hides_a_formula_from_csv_defusing(title: str) -> None:
    paper = paper_factory.make_paper(
        1,
        title,
        abstract=title,
        tags=(title,),
        annotations=(Annotation(1, 1, "n", None, "2024", "2024"),),
    )
    for cell in _csv_cells(paper):
        assert not cell.lstrip(" \n\t\u200b\ufeff").startswith(("=", "+", "-", "@")), cell
