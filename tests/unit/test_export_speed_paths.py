"""The fast paths of exports give what the plain ones gave: the bulk loader the same papers as
papers made field by field, and each quicker text function the same text as the plain one it
replaced (kept here as the reference)."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.export import bibtex, csv_format, markdown
from reader.exporting import library_document, render
from reader.models import Annotation, AttachedFile, Author, Link, Paper, Source
from reader.store import Library
from reader.store.loading import Loader
from reader.text import json_text, safe, starts_unsafe

# Pieces of hostile text: formula signs, control and bidi characters, markup of every export.
BITS = [
    "=SUM(A1)", "+1", "-2", "@x", "\t=cmd", " =a", "\u200b=b", "\ufeff+c", "\u202e=H", "\x1b[31m",
    "\x07", "\r\n", "\r", "\n", "\x9b", "\x85", "\x7f", "\u2066", "a--b", "{}", "\\", "%&$#_^~<>|",
    "`code`", "[l](u)", "1. ", "# h", "*e*", "&amp;", "LoRA", "GPT-4", "and", "x, y", "é", "日本語",
    "😀", "\u00ad", "  ", '"q"', "'s", "plain", "Title", "\x0b", "\x0c", "\u2028", "\xa0", "---",
]  # fmt: skip


def junk(rng: random.Random, most: int = 6) -> str:
    return "".join(rng.choice(BITS) for _ in range(rng.randint(0, most)))


def fill(library: Library, papers: int, seed: int) -> None:
    """Papers with hostile text in every field, and tags, links, sources, notes, lists and
    attached files, written straight into the tables."""
    rng = random.Random(seed)
    db = library.db
    for index in range(1, papers + 1):
        authors = [[junk(rng, 3) or "F", junk(rng, 2)] for _ in range(rng.randint(0, 5))]
        db.execute(
            "INSERT INTO papers (key, title, abstract, listed, added, rating, status, read_at, "
            "authors, year, month, venue, publisher, entry_type, citekey, arxiv, doi, url, "
            "categories) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                f"paper-{index}",
                junk(rng, 8) + " Title",
                junk(rng, 10),
                rng.choice([None, "Mar 11", "Mar 11, 2024", junk(rng, 2)]),
                "2024-01-01T00:00:00Z",
                rng.choice([None, 1, 3, 5]),
                rng.choice(["unread", "reading", "read"]),
                rng.choice([None, "2024-01-02T00:00:00Z"]),
                json.dumps(authors) if authors or rng.random() < 0.5 else "[]",
                rng.choice([None, 1999, 2024]),
                rng.choice([None, 1, 12]),
                junk(rng, 3),
                junk(rng, 2),
                rng.choice(["article", "inproceedings", "phdthesis", "techreport", "misc", "x"]),
                rng.choice([None, f"dup{index % 4}x{index}", f"{junk(rng, 2)}~{index}"]),
                rng.choice([None, f"2401.{index:05d}"]),
                rng.choice([None, f"10.1/a{{b}} c\\{index}"]),
                rng.choice([None, "https://ex.com/a b", "javascript:x", "https://github.com/a/b"]),
                rng.choice(["", "cs.LG", "cs.CL stat.ML"]),
            ],
        )
    ids = list(range(1, papers + 1))
    for index in range(12):
        db.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", [f"{junk(rng, 2)}t{index}"])
    tag_ids = [row[0] for row in db.execute("SELECT id FROM tags")]
    for index in range(4):
        db.execute(
            "INSERT INTO files (name, listed, added) VALUES (?, ?, ?)",
            [f"file{index}.txt", rng.choice(["", "Mar 11", "Apr 2, 2023"]), f"2024-0{index + 1}"],
        )
    file_ids = [row[0] for row in db.execute("SELECT id FROM files")]
    db.execute("INSERT INTO lists (name, description, created) VALUES ('b', '', '2024')")
    db.execute("INSERT INTO lists (name, description, created) VALUES ('A', 'd', '2024')")
    for paper_id in ids:
        for tag_id in rng.sample(tag_ids, rng.randint(0, 4)):
            db.execute("INSERT INTO paper_tags VALUES (?, ?)", [paper_id, tag_id])
        for file_id in rng.sample(file_ids, rng.randint(0, 3)):
            db.execute("INSERT INTO sources VALUES (?, ?)", [paper_id, file_id])
        for _ in range(rng.randint(0, 3)):
            db.execute(
                "INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?)",
                [paper_id, f"https://github.com/x/{junk(rng, 1)}", "code", rng.randint(0, 2)],
            )
        for _ in range(rng.randint(0, 2)):
            db.execute(
                "INSERT INTO annotations (paper_id, body, quote, created, updated) "
                "VALUES (?, ?, ?, '2024', '2024')",
                [paper_id, junk(rng, 6) + "\n\n- item", rng.choice([None, "", junk(rng, 3)])],
            )
        for list_id in rng.sample([1, 2], rng.randint(0, 2)):
            db.execute(
                "INSERT INTO list_items VALUES (?, ?, ?, '2024')", [list_id, paper_id, paper_id]
            )
        if rng.random() < 0.2:
            db.execute(
                "INSERT INTO attachments (paper_id, path, sha256, added) VALUES (?, ?, ?, '2024')",
                [paper_id, f"files/{paper_id}.pdf", rng.choice([None, "ab" * 32])],
            )


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "lib.db")
    with library.write():
        fill(library, 120, seed=3)
    try:
        yield library
    finally:
        library.close()


def reference_paper(library: Library, paper_id: int, with_notes: bool = True) -> Paper:
    """A paper made field by field, one query at a time: what loading gave before it was bulk."""
    db = library.db

    def column(sql: str) -> list[tuple]:
        return db.execute(sql, [paper_id]).fetchall()

    row = column(
        "SELECT id, key, title, abstract, listed, added, rating, status, read_at, authors, year, "
        "month, venue, publisher, entry_type, citekey, arxiv, doi, url, categories "
        "FROM papers WHERE id = ?"
    )[0]
    return Paper(
        id=row[0],
        key=row[1],
        title=row[2],
        abstract=row[3],
        listed=row[4],
        added=row[5],
        rating=row[6],
        status=row[7],
        read_at=row[8],
        authors=tuple(Author(str(f), str(g)) for f, g in json.loads(row[9] or "[]")),
        year=row[10],
        month=row[11],
        venue=row[12],
        publisher=row[13],
        entry_type=row[14],
        citekey=row[15],
        arxiv=row[16],
        doi=row[17],
        url=row[18],
        categories=tuple(row[19].split()),
        sources=tuple(
            Source(name, listed or None)
            for name, listed in column(
                "SELECT f.name, f.listed FROM sources s JOIN files f ON f.id = s.file_id "
                "WHERE s.paper_id = ? ORDER BY f.id"
            )
        ),
        links=tuple(
            Link(*link)
            for link in column(
                "SELECT url, kind FROM links WHERE paper_id = ? ORDER BY position, url"
            )
        ),
        tags=tuple(
            name
            for (name,) in column(
                "SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                "WHERE pt.paper_id = ? ORDER BY t.name COLLATE NOCASE"
            )
        ),
        annotations=tuple(
            Annotation(*note)
            for note in column(
                "SELECT id, paper_id, body, quote, created, updated FROM annotations "
                "WHERE paper_id = ? ORDER BY id"
            )
        )
        if with_notes
        else (),
        lists=tuple(
            name
            for (name,) in column(
                "SELECT l.name FROM list_items li JOIN lists l ON l.id = li.list_id "
                "WHERE li.paper_id = ? ORDER BY l.name COLLATE NOCASE"
            )
        )
        if with_notes
        else (),
        files=tuple(
            AttachedFile(*item)
            for item in column(
                "SELECT path, sha256 FROM attachments WHERE paper_id = ? ORDER BY id"
            )
        ),
    )


@pytest.mark.parametrize("with_notes", [True, False])
def test_bulk_loading_gives_the_papers_made_field_by_field(
    hostile: Library, with_notes: bool
) -> None:
    ids = list(range(1, 121))
    expected = {paper_id: reference_paper(hostile, paper_id, with_notes) for paper_id in ids}
    loader = Loader(hostile.db)
    for whole in (True, False):
        found = loader.papers(ids, with_notes, whole)
        assert found == expected
        assert [repr(found[paper_id]) for paper_id in ids] == [repr(expected[i]) for i in ids]
    assert hostile.papers(ids, with_notes=with_notes) == [expected[i] for i in ids]


def test_any_order_or_subset_of_papers_loads_alike(hostile: Library) -> None:
    rng = random.Random(5)
    for size in (1, 7, 60, 119, 120):
        ids = rng.sample(range(1, 125), size)  # some ids name no paper
        expected = [reference_paper(hostile, i) for i in ids if i <= 120]
        assert hostile.papers(ids) == expected
        assert hostile.papers(ids + ids[:3]) == expected + expected[:3]


def test_authors_that_do_not_decode_in_bulk_decode_one_by_one(hostile: Library) -> None:
    hostile.db.execute("UPDATE papers SET authors = '[[1, 2]]' WHERE id = 1")
    hostile.db.execute("UPDATE papers SET authors = '' WHERE id = 2")
    hostile.db.execute('UPDATE papers SET authors = \'[[["x"], "y"]]\' WHERE id = 3')
    papers = Loader(hostile.db).papers([1, 2, 3], True, True)
    assert papers[1].authors == (Author("1", "2"),)
    assert papers[2].authors == ()
    assert papers[3].authors == (Author("['x']", "y"),)


# -- text functions: each quicker one against the plain one it replaced ------------------------

TEXT = st.lists(
    st.one_of(
        st.sampled_from([*BITS, *"\\{}%&$#_^~<>|`*[]!-+=.,;\"' \t\n\r"]),
        st.text(max_size=3),
    ),
    max_size=12,
).map("".join)
PLAIN_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain_safe(text: str) -> str:
    return PLAIN_UNSAFE.sub("", text)


def plain_escape_tex(text: str) -> str:
    escaped = " ".join(plain_safe(text).split()).translate(str.maketrans(bibtex.TEX_ESCAPES))
    while "--" in escaped:
        escaped = escaped.replace("--", "-{}-")
    return escaped


def plain_needs_protection(word: str) -> bool:
    first = re.search(r"[^\W_]", word)
    rest = word[first.end() :] if first else ""
    return rest.lower() != rest


def plain_markdown_escape(text: str) -> str:
    line = " ".join(plain_safe(text).split())
    escaped = "".join("\\" + ch if ch in "\\`*_[]<>|#!~&$" else ch for ch in line)
    if escaped[:1] in "-+=" and escaped:
        escaped = "\\" + escaped
    return re.sub(r"^(\d{1,9})([.)])", r"\1\\\2", escaped)


def plain_link_destination(url: str) -> str | None:
    url = url.strip()
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return None
    parts = []
    for ch in url:
        if ch in ' <>()\\`"' or ch.isspace() or not ch.isprintable():
            parts.append("".join(f"%{byte:02X}" for byte in ch.encode("utf-8")))
        else:
            parts.append(ch)
    return re.sub(r"&(?=#?[0-9A-Za-z]+;)", r"\\&", "".join(parts))


def plain_defuse(cell: str) -> str:
    text = plain_safe(cell.replace("\r\n", "\n").replace("\r", "\n"))
    risky = re.match(r"[=+\-@\s\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]", text)
    return "'" + text if risky else text


def plain_csv(rows: list[list[str | int]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


@given(TEXT)
def test_safe_removes_what_it_did(text: str) -> None:
    assert safe(text) == plain_safe(text)
    assert safe(text * 300) == plain_safe(text * 300)  # a long text takes the quick look
    assert starts_unsafe(text) == bool(PLAIN_UNSAFE.match(text))


@given(TEXT)
def test_bibtex_escapes_as_it_did(text: str) -> None:
    assert bibtex.escape_tex(text) == plain_escape_tex(text)
    for word in text.split(" "):
        assert bibtex._needs_protection(word) == plain_needs_protection(word)


@given(TEXT)
def test_markdown_escapes_as_it_did(text: str) -> None:
    assert markdown.escape(text) == plain_markdown_escape(text)
    for url in (text, "https://" + text, "http://a.b/" + text + "&amp;"):
        assert markdown.link_destination(url) == plain_link_destination(url)


@given(st.lists(st.lists(TEXT, min_size=10, max_size=10), max_size=4), st.integers())
def test_csv_cells_are_defused_and_quoted_as_csv_writer_did(rows: list[list[str]], n: int) -> None:
    assert [[csv_format.defuse(cell) for cell in row] for row in rows] == [
        [plain_defuse(cell) for cell in row] for row in rows
    ]
    defused = [[n, *(plain_defuse(cell) for cell in row)] for row in rows]
    quoted = "".join(
        ",".join([str(n), *(csv_format._quoted(cell) for cell in row[1:])]) + "\n"
        for row in defused
    )
    assert quoted == plain_csv(defused)


@pytest.mark.parametrize("fmt", ["csv", "markdown", "bibtex"])
def test_the_exports_of_a_hostile_library_are_what_the_plain_functions_give(
    hostile: Library, fmt: str
) -> None:
    """The whole export against one built from the plain functions (the ones above)."""
    document = library_document(hostile)
    text = render(document, fmt)
    assert not PLAIN_UNSAFE.search(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_format, "_defused", plain_defuse)
        patch.setattr(bibtex, "escape_tex", plain_escape_tex)
        patch.setattr(bibtex, "_needs_protection", plain_needs_protection)
        patch.setattr(markdown, "escape", plain_markdown_escape)
        patch.setattr(markdown, "link_destination", plain_link_destination)
        assert render(document, fmt) == text


@given(st.lists(st.dictionaries(TEXT, st.one_of(TEXT, st.integers(), st.none())), max_size=60))
def test_json_text_escapes_as_it_did(value: list[dict[str, object]]) -> None:
    plain = json.dumps(value, ensure_ascii=False, indent=2)
    plain = PLAIN_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", plain)
    assert json_text(value) == plain
