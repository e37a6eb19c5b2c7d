"""The command line, through click's CliRunner (and a few real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reader import __version__
from reader.cli import main
from reader.store import Library

PAPER_KEYS = {
    "id",
    "key",
    "title",
    "abstract",
    "listed",
    "sources",
    "links",
    "tags",
    "rating",
    "status",
}
LORA = "lora-low-rank-adaptation-of-large-language-models"


class Reader:
    """Runs ``reader --db DB ...`` in-process."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, env=None) -> Result:
        return self.runner.invoke(
            main, ["--db", str(self.db), *args], input=input, env=env, catch_exceptions=False
        )

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--json").stdout)

    def fails(self, *args: str, match: str | None = None, input: str | None = None) -> str:
        """Exit 1 with exactly one line on stderr and no traceback; returns that line."""
        result = self(*args, input=input)
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("reader: ")
        assert "Traceback" not in result.output
        if match is not None:
            assert match in lines[0], lines[0]
        return lines[0]


@pytest.fixture
def reader(tmp_path: Path) -> Reader:
    return Reader(tmp_path / "lib.db")


@pytest.fixture
def imported(reader: Reader, fixtures_dir: Path) -> Reader:
    """The three fixture listings: 14 papers read, 8 distinct (ids 1-5 from Mar 11)."""
    reader.ok("import", str(fixtures_dir))
    return reader


def fingerprint(db: Path) -> tuple:
    """Everything in the library, read without going through reader."""
    if not db.exists():
        return ("missing",)
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return tuple(
            (table, tuple(conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()))
            for table in tables
        )
    finally:
        conn.close()


# -- basics ------------------------------------------------------------------------------------


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"reader, version {__version__}"


def test_db_option_creates_parent_folders(tmp_path: Path, fixtures_dir: Path):
    db = tmp_path / "a" / "b" / "c" / "lib.db"
    Reader(db).ok("import", str(fixtures_dir / "listing-3-apr-02.txt"))
    assert db.is_file()
    with Library(db) as lib:
        assert lib.count() == 4


def test_reader_db_environment_variable_is_honoured(tmp_path: Path, fixtures_dir: Path):
    db = tmp_path / "env" / "lib.db"
    runner = CliRunner()
    env = {"READER_DB": str(db)}
    result = runner.invoke(main, ["import", str(fixtures_dir / "listing-3-apr-02.txt")], env=env)
    assert result.exit_code == 0, result.output
    assert db.is_file()
    listed = runner.invoke(main, ["papers", "--json"], env=env)
    assert [paper["id"] for paper in json.loads(listed.stdout)] == [1, 2, 3, 4]
    # --db wins over the environment.
    other = tmp_path / "other.db"
    result = runner.invoke(main, ["--db", str(other), "papers", "--json"], env=env)
    assert result.exit_code == 1
    assert f"no library at {other}" in result.stderr
    assert not other.exists()


def test_a_newer_library_is_refused_by_every_command(tmp_path: Path, imported: Reader):
    import sqlite3

    conn = sqlite3.connect(imported.db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    data = imported.db.read_bytes()
    imported.fails("papers", match="newer version")
    imported.fails("tag", "1", "x", match="newer version")
    assert imported.db.read_bytes() == data


def test_a_non_library_file_is_refused(tmp_path: Path):
    db = tmp_path / "notes.txt"
    db.write_text("my notes\n")
    Reader(db).fails("papers", match="not a reader library")
    assert db.read_text() == "my notes\n"


# -- import ------------------------------------------------------------------------------------


def test_import_summary_on_fixtures(reader: Reader, fixtures_dir: Path):
    result = reader.ok("import", str(fixtures_dir))
    assert result.stdout == "14 papers read from 3 files: 8 added, 6 already in the library\n"
    again = reader.ok("import", str(fixtures_dir / "listing-3-apr-02.txt"))
    assert again.stdout == "4 papers read from 1 file: 0 added, 4 already in the library\n"


def test_import_summary_singular(reader: Reader, write_listing):
    path = write_listing("one.txt", "Mar 11\nOnly Paper\nIts abstract.\n")
    result = reader.ok("import", str(path))
    assert result.stdout == "1 paper read from 1 file: 1 added, 0 already in the library\n"


def test_import_json(reader: Reader, fixtures_dir: Path):
    names = ("listing-1-mar-11-blank.txt", "listing-3-apr-02.txt")
    result = reader.ok("import", "--json", *(str(fixtures_dir / name) for name in names))
    assert json.loads(result.stdout) == {"files": 2, "parsed": 9, "added": 8, "duplicates": 1}


def test_import_seeds(reader: Reader, seeds_dir: Path):
    result = reader.ok("import", str(seeds_dir))
    assert result.stdout == "342 papers read from 3 files: 312 added, 30 already in the library\n"
    again = reader.ok("import", "--json", *sorted(str(p) for p in seeds_dir.glob("*.txt")))
    assert json.loads(again.stdout) == {"files": 3, "parsed": 342, "added": 0, "duplicates": 342}
    assert len(reader.json("papers")) == 312


def test_import_prints_warnings_on_stderr(reader: Reader, write_listing):
    path = write_listing("cut.txt", "Mar 11\nFirst\nabstract\nCut Off Title\n")
    result = reader.ok("import", str(path))
    assert result.stdout.startswith("2 papers read from 1 file: 2 added")
    assert "warning" in result.stderr and "Cut Off Title" in result.stderr
    assert "cut.txt" in result.stderr


def test_import_shows_no_progress_bar_when_piped(reader: Reader, fixtures_dir: Path):
    result = reader.ok("import", str(fixtures_dir))
    assert result.stderr == ""


def test_reimport_keeps_curation(imported: Reader, fixtures_dir: Path):
    imported.ok("tag", LORA, "keep")
    imported.ok("rate", LORA, "4")
    imported.ok("note", LORA, "mine")
    before = imported.json("show", LORA)
    result = imported.ok("import", "--json", str(fixtures_dir))
    assert json.loads(result.stdout)["added"] == 0
    assert imported.json("show", LORA) == before


BAD_INPUTS = {
    "missing": (None, "no such file"),
    "empty-folder": ("folder", "folder has no listings"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary"),
    "empty": (b"", "empty file"),
    "whitespace": (b"\n  \n\t\n", "empty file"),
    "no-papers": (b"new\n\nSubscribe\n\nMar 11\n", "no papers found"),
    "undecodable": ("Mar 11\nCaf\xe9 Title\nabstract\n".encode("latin-1"), "not UTF-8"),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_refused_and_the_library_untouched(
    case: str, imported: Reader, fixtures_dir: Path, tmp_path: Path
):
    content, message = BAD_INPUTS[case]
    bad = tmp_path / "input" / f"bad-{case}.txt"
    bad.parent.mkdir()
    if content == "folder":
        bad = tmp_path / "input" / "empty-folder"
        bad.mkdir()
        (bad / "readme.md").write_text("not a listing")
    elif content is not None:
        bad.write_bytes(content)
    before = fingerprint(imported.db)
    data = imported.db.read_bytes()
    line = imported.fails("import", str(bad), match=message)
    assert bad.name in line
    # Alongside a good file, nothing is imported either.
    new_file = tmp_path / "input" / "good.txt"
    new_file.write_text("Mar 11\nA Brand New Paper\nabstract\n")
    imported.fails("import", str(new_file), str(bad), match=bad.name)
    imported.fails("import", "--json", str(bad), match=bad.name)
    assert fingerprint(imported.db) == before
    assert imported.db.read_bytes() == data
    assert imported.fails("show", "a-brand-new", match="no paper matches")


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_creates_no_library(case: str, tmp_path: Path):
    content, message = BAD_INPUTS[case]
    bad = tmp_path / "bad.txt"
    if content == "folder":
        bad = tmp_path / "folder"
        bad.mkdir()
    elif content is not None:
        bad.write_bytes(content)
    db = tmp_path / "new" / "lib.db"
    Reader(db).fails("import", str(bad), match=message)
    assert not db.exists()


def test_a_bad_file_inside_a_folder_is_named(imported: Reader, tmp_path: Path, fixtures_dir: Path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a-good.txt").write_text((fixtures_dir / "listing-3-apr-02.txt").read_text())
    (folder / "b-broken.txt").write_bytes(b"\x00\x01\x02")
    before = fingerprint(imported.db)
    imported.fails("import", str(folder), match="b-broken.txt")
    assert fingerprint(imported.db) == before


def test_import_needs_a_path(reader: Reader):
    result = reader("import")
    assert result.exit_code != 0
    assert not reader.db.exists()


# -- papers and show ---------------------------------------------------------------------------


def test_papers_table(imported: Reader):
    result = imported.ok("papers")
    lines = result.stdout.splitlines()
    assert len(lines) == 8
    assert lines[0].startswith("1 ")
    assert "LoRA: Low-Rank Adaptation" in lines[0]
    assert lines[0].rstrip().endswith("Mar 11")
    assert lines[-1].split()[0] == "8"
    assert lines[-1].rstrip().endswith("Apr 2")


def test_papers_table_shows_curation(imported: Reader):
    imported.ok("tag", "1", "vision", "nlp")
    imported.ok("rate", "1", "4")
    imported.ok("status", "1", "read")
    first = imported.ok("papers").stdout.splitlines()[0]
    assert "★★★★☆" in first
    assert "#nlp #vision" in first
    assert "✓" in first


def test_papers_json_shape(imported: Reader):
    papers = imported.json("papers")
    assert len(papers) == 8
    for paper in papers:
        assert set(paper) >= PAPER_KEYS
        assert isinstance(paper["id"], int)
        assert paper["rating"] is None
        assert paper["status"] == "unread"
        assert paper["tags"] == []
        for link in paper["links"]:
            assert set(link) == {"url", "kind"}
            assert link["kind"] in ("code", "web")
    lora = papers[0]
    assert lora["key"] == LORA
    assert lora["title"] == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora["abstract"].startswith("We propose Low-Rank Adaptation")
    assert lora["listed"] == "Mar 11"
    assert lora["links"] == [{"url": "https://github.com/microsoft/LoRA", "kind": "code"}]
    files = sorted((source["file"], source["listed"]) for source in lora["sources"])
    assert files == [
        ("listing-1-mar-11-blank.txt", "Mar 11"),
        ("listing-2-mar-11-compact.txt", "Mar 11"),
        ("listing-3-apr-02.txt", "Apr 2"),
    ]
    bird = papers[3]
    assert bird["links"] == [{"url": "http://bit.ly/2nJLNMu", "kind": "web"}]
    assert [paper["id"] for paper in papers] == list(range(1, 9))


def test_papers_json_fills_curation(imported: Reader):
    imported.ok("tag", "2", "vision/generation")
    imported.ok("rate", "2", "5")
    imported.ok("status", "2", "reading")
    paper = imported.json("papers", "tag:vision")
    assert len(paper) == 1
    assert (paper[0]["id"], paper[0]["tags"], paper[0]["rating"], paper[0]["status"]) == (
        2,
        ["vision/generation"],
        5,
        "reading",
    )


def test_papers_limit(imported: Reader):
    assert [paper["id"] for paper in imported.json("papers", "--limit", "2")] == [1, 2]
    assert len(imported.ok("papers", "-n", "3").stdout.splitlines()) == 3
    assert imported("papers", "--limit", "0").exit_code != 0


def test_papers_query(imported: Reader):
    ids = [paper["id"] for paper in imported.json("papers", "diffusion")]
    assert set(ids[:2]) == {2, 6}  # both titles say "diffusion": they come first
    assert set(ids) == {2, 6}
    assert [paper["id"] for paper in imported.json("papers", "has:code -tag:x")] == [
        1,
        2,
        3,
        5,
        6,
        8,
    ]
    assert [p["id"] for p in imported.json("papers", 'listed:"April 2"')] == [1, 6, 7, 8]


def test_papers_query_words_may_start_with_a_dash(imported: Reader):
    imported.ok("tag", "1", "x")
    imported.ok("rate", "2", "1")
    # Each shell word of the query is an argument; negated filters must not be taken for options.
    assert [p["id"] for p in imported.json("papers", "has:code", "-tag:x")] == [2, 3, 5, 6, 8]
    assert [p["id"] for p in imported.json("papers", "-rating:<3", "-tag:x")] == [3, 4, 5, 6, 7, 8]
    assert [p["id"] for p in imported.json("papers", "-diffusion", "--limit", "2")] == [1, 3]


def test_papers_fuzzy_fallback_says_so(imported: Reader):
    result = imported.ok("papers", "difusion")
    assert "No exact matches" in result.stderr
    assert "difusion → diffusion" in result.stderr
    assert "Faster Diffusion" in result.stdout


def test_papers_nothing_found(imported: Reader, tmp_path: Path):
    result = imported.ok("papers", "qzxwvk")
    assert result.stdout == ""
    assert "No papers match" in result.stderr
    assert imported.json("papers", "qzxwvk") == []
    Library(tmp_path / "empty.db").close()
    empty = Reader(tmp_path / "empty.db").ok("papers")
    assert "empty" in empty.stderr


def test_a_missing_library_is_never_created_by_reading_or_curating(tmp_path: Path):
    """A mistyped --db must not look like an empty library: only import creates one."""
    missing = tmp_path / "typo" / "library.db"
    reader = Reader(missing)
    for args in (["papers"], ["show", "1"], ["tag", "1", "x"], ["lists"], ["undo"]):
        reader.fails(*args, match=f"no library at {missing}")
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    ("query", "column"),
    [
        ("foo:bar", 1),
        ("diffusion foo:bar", 11),
        ("rating:9", 1),
        ('tag:"unclosed', 5),
        ("status:done", 1),
        ("x OR", 3),
        ("tag:", 1),
    ],
)
def test_papers_bad_query(imported: Reader, query: str, column: int):
    line = imported.fails("papers", query)
    assert f"column {column}" in line
    imported.fails("papers", "--json", query, match=f"column {column}")


def test_papers_unknown_list(imported: Reader):
    imported.fails("papers", "list:Nope", match="no reading list named 'Nope'")


def test_title_with_colon_is_a_query_not_an_error(imported: Reader):
    papers = imported.json("papers", "LoRA: Low-Rank")
    assert [paper["key"] for paper in papers] == [LORA]


def test_show(imported: Reader):
    out = imported.ok("show", LORA).stdout
    assert out.splitlines()[0] == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert f"id 1 · {LORA}" in out
    assert "status: unread" in out
    assert "listed: " in out and "Mar 11" in out and "Apr 2" in out
    assert "code: https://github.com/microsoft/LoRA" in out
    assert "We propose Low-Rank Adaptation" in out


def test_show_by_id_key_and_prefix_agree(imported: Reader):
    by_id = imported.json("show", "1")
    assert imported.json("show", LORA) == by_id
    assert imported.json("show", "lora-low") == by_id
    assert imported.json("show", "LoRA") == by_id


def test_show_json_shape(imported: Reader):
    imported.ok("note", "1", "Key idea: low rank.", "--quote", "rank decomposition")
    imported.ok("list", "create", "Week 1")
    imported.ok("list", "add", "Week 1", "1")
    paper = imported.json("show", "1")
    assert PAPER_KEYS | {"annotations", "lists"} <= set(paper)
    assert paper["lists"] == ["Week 1"]
    [note] = paper["annotations"]
    assert set(note) == {"id", "body", "quote", "created", "updated"}
    assert (note["id"], note["body"], note["quote"]) == (
        1,
        "Key idea: low rank.",
        "rank decomposition",
    )
    assert note["created"] == note["updated"]
    text = imported.ok("show", "1").stdout
    assert "> rank decomposition" in text and "Key idea: low rank." in text
    assert "lists: Week 1" in text


def test_show_unknown_and_ambiguous(imported: Reader):
    imported.fails("show", "no-such-paper", match="no paper matches 'no-such-paper'")
    imported.fails("show", "999", match="no paper with id 999")
    imported.fails("show", "99999999999999999999999", match="no paper with id")
    imported.fails("show", "²", match="no paper matches")
    line = imported.fails("show", "attention-is", match="ambiguous")
    assert "attention-is-all-you-need" in line
    assert "attention-is-not-explanation" in line
    imported.fails("show", "--json", "attention", match="ambiguous")


# -- curation ----------------------------------------------------------------------------------


def test_tag_untag_and_tags(imported: Reader):
    assert imported.ok("tag", LORA, "nlp", "Fine-Tuning,peft").stdout == (
        "tagged 'LoRA: Low-Rank Adaptation of Large Language Models' with nlp, Fine-Tuning, peft\n"
    )
    assert imported.ok("tag", "1", "NLP").stdout == "no new tags (they have them already)\n"
    imported.ok("tag", "2", "nlp")
    assert imported.json("show", "1")["tags"] == ["Fine-Tuning", "nlp", "peft"]
    assert imported.json("tags") == [
        {"name": "Fine-Tuning", "count": 1},
        {"name": "nlp", "count": 2},
        {"name": "peft", "count": 1},
    ]
    table = imported.ok("tags").stdout.splitlines()
    assert [line.split() for line in table] == [["1", "Fine-Tuning"], ["2", "nlp"], ["1", "peft"]]
    assert (
        imported.ok("untag", "1", "peft", "ghost").stdout
        == "untagged 'LoRA: Low-Rank Adaptation of Large Language Models': peft\n"
    )
    assert imported.ok("untag", "1", "ghost").stdout == "no such tags on it\n"
    assert imported.json("show", "1")["tags"] == ["Fine-Tuning", "nlp"]


def test_tag_refusals(imported: Reader):
    imported.fails("tag", "nope", "x", match="no paper matches")
    imported.fails("tag", "attention", "x", match="ambiguous")
    imported.fails("tag", "1", "a//b", match="not a tag name")
    assert imported.json("tags") == []


def test_tags_rename_and_delete(imported: Reader):
    imported.ok("tag", "1", "old")
    imported.ok("tag", "2", "old", "new")
    assert imported.ok("tags", "rename", "old", "newer").stdout == "renamed old to newer\n"
    assert imported.ok("tags", "rename", "newer", "new").stdout == "merged newer into new\n"
    assert imported.json("tags") == [{"name": "new", "count": 2}]
    assert imported.ok("tags", "delete", "new").stdout == "deleted tag new from 2 papers\n"
    assert imported.json("tags") == []
    assert imported.json("show", "2")["tags"] == []
    imported.fails("tags", "delete", "new", match="no tag named 'new'")
    imported.fails("tags", "rename", "ghost", "x", match="no tag named 'ghost'")


def test_tags_empty_says_how_to_add(imported: Reader):
    result = imported.ok("tags")
    assert result.stdout == ""
    assert "reader tag" in result.stderr


def test_rate(imported: Reader):
    assert (
        imported.ok("rate", "1", "4").stdout
        == "rated 'LoRA: Low-Rank Adaptation of Large Language Models' ★★★★☆\n"
    )
    assert imported.json("show", "1")["rating"] == 4
    assert (
        imported.ok("rate", "1", "0").stdout
        == "cleared the rating of 'LoRA: Low-Rank Adaptation of Large Language Models'\n"
    )
    assert imported.json("show", "1")["rating"] is None


@pytest.mark.parametrize("value", ["6", "x", "2.5", "10", "", "three"])
def test_bad_rating(imported: Reader, value: str):
    imported.ok("rate", "1", "3")
    line = imported.fails("rate", "1", value)
    assert "1 to 5" in line
    assert imported.json("show", "1")["rating"] == 3


def test_negative_rating_is_refused(imported: Reader):
    imported.fails("rate", "1", "--", "-1", match="1 to 5")
    # Typed the obvious way, it is a bad rating too (one line, exit 1), not a usage error.
    imported.fails("rate", "1", "-1", match="1 to 5")
    assert imported.json("show", "1")["rating"] is None


def test_rate_unknown_paper(imported: Reader):
    imported.fails("rate", "999", "3", match="no paper with id 999")
    imported.fails("rate", "99999999999999999999999", "3", match="no paper with id")
    imported.fails("rate", "1", "³", match="a rating is 1 to 5 stars")
    imported.fails("rate", "1", "2**63", match="a rating is 1 to 5 stars")
    imported.fails("notes", "edit", "99999999999999999999999", "x", match="no annotation")
    imported.fails("notes", "delete", "9223372036854775808", match="no annotation")
    imported.fails("notes", "99999999999999999999999", match="no paper with id")


def test_status(imported: Reader):
    assert (
        imported.ok("status", "1", "read").stdout
        == "marked 'LoRA: Low-Rank Adaptation of Large Language Models' ✓ read\n"
    )
    paper = imported.json("show", "1")
    assert paper["status"] == "read" and paper["read_at"]
    imported.ok("status", "1", "reading")
    paper = imported.json("show", "1")
    assert paper["status"] == "reading" and paper["read_at"] is None
    assert imported("status", "1", "done").exit_code != 0
    assert imported.json("show", "1")["status"] == "reading"


def test_note_with_text_and_quote(imported: Reader):
    assert (
        imported.ok("note", "1", "**Idea**", "--quote", "frozen weights").stdout
        == "added note 1 to 'LoRA: Low-Rank Adaptation of Large Language Models'\n"
    )
    assert (
        imported.ok("note", LORA, "second").stdout
        == "added note 2 to 'LoRA: Low-Rank Adaptation of Large Language Models'\n"
    )
    notes = imported.json("notes", "1")
    assert [(n["id"], n["body"], n["quote"]) for n in notes] == [
        (1, "**Idea**", "frozen weights"),
        (2, "second", None),
    ]
    text = imported.ok("notes", "1").stdout
    assert "[1]" in text and "> frozen weights" in text and "**Idea**" in text


def test_note_from_piped_stdin(imported: Reader):
    body = "# Summary\n\nLine one.\nLine two.\n"
    result = imported.ok("note", "2", input=body)
    note_id = int(result.stdout.split()[2])
    [note] = imported.json("notes", "2")
    assert note["id"] == note_id
    assert note["body"] == "# Summary\n\nLine one.\nLine two."


def test_empty_note_is_refused(imported: Reader):
    imported.fails("note", "1", input="   \n", match="needs some text")
    imported.fails("note", "1", "", match="needs some text")
    assert imported.json("notes", "1") == []


def test_notes_edit_and_delete(imported: Reader):
    imported.ok("note", "1", "first", "--quote", "q")
    assert imported.ok("notes", "edit", "1", "rewritten").stdout == "edited note 1\n"
    [note] = imported.json("notes", "1")
    assert (note["body"], note["quote"]) == ("rewritten", "q")
    imported.ok("notes", "edit", "1", "again", "--quote", "")
    assert imported.json("notes", "1")[0]["quote"] is None
    imported.ok("notes", "edit", "1", input="from stdin\n")
    assert imported.json("notes", "1")[0]["body"] == "from stdin"
    assert imported.ok("notes", "delete", "1").stdout == "deleted note 1\n"
    assert imported.json("notes", "1") == []
    imported.fails("notes", "delete", "1", match="no annotation with id 1")
    imported.fails("notes", "edit", "7", "x", match="no annotation with id 7")
    assert "No annotations" in imported.ok("notes", "1").stderr


def test_notes_unknown_paper(imported: Reader):
    imported.fails("notes", "nope", match="no paper matches")


def test_notes_are_searchable_from_the_cli(imported: Reader):
    imported.ok("note", "4", "remember the okapi dataset")
    assert [paper["id"] for paper in imported.json("papers", "okapi")] == [4]
    assert [paper["id"] for paper in imported.json("papers", "has:notes")] == [4]


def test_lists(imported: Reader):
    assert imported.ok("list", "create", "Week 1", "-d", "start here").stdout == (
        "created list Week 1\n"
    )
    assert imported.ok("list", "add", "Week 1", "3", LORA).stdout == (
        "added 2 papers to Week 1 (2 in all)\n"
    )
    imported.ok("list", "add", "week 1", "5", "--at", "1")
    imported.ok("list", "add", "Week 1", "7", "--at", "2")
    shown = imported.json("list", "show", "Week 1")
    assert {"name", "description", "papers"} <= set(shown)
    assert (shown["name"], shown["description"]) == ("Week 1", "start here")
    assert [paper["id"] for paper in shown["papers"]] == [5, 7, 3, 1]
    assert set(shown["papers"][0]) >= PAPER_KEYS

    assert imported.ok("list", "move", "Week 1", "1", "1").stdout == (
        "moved 1 to position 1 in Week 1\n"
    )
    assert [p["id"] for p in imported.json("list", "show", "Week 1")["papers"]] == [1, 5, 7, 3]
    assert imported.ok("list", "remove", "Week 1", "7").stdout == "removed 1 from Week 1\n"
    imported.ok("status", "5", "read")
    text = imported.ok("list", "show", "Week 1").stdout.splitlines()
    assert text[0] == "Week 1  (1 of 3 read)"
    assert text[1] == "start here"
    assert text[2].startswith("  1. [ ] LoRA")
    assert text[3].startswith("  2. [x] ")
    assert imported.json("lists") == [
        {
            "name": "Week 1",
            "description": "start here",
            "count": 3,
            "read": 1,
            "progress": "1 of 3 read",
        }
    ]
    assert imported.ok("lists").stdout == "Week 1  (1 of 3 read)\n"

    imported.ok("list", "rename", "Week 1", "Done")
    assert [p["id"] for p in imported.json("list", "show", "Done")["papers"]] == [1, 5, 3]
    assert imported.ok("list", "delete", "Done").stdout == (
        "deleted list Done (3 papers kept in the library)\n"
    )
    assert imported.json("lists") == []
    assert len(imported.json("papers")) == 8


def test_list_refusals(imported: Reader):
    imported.ok("list", "create", "L")
    imported.fails("list", "create", "l", match="exists already")
    imported.fails("list", "add", "Nope", "1", match="no reading list named 'Nope'")
    imported.fails("list", "show", "Nope", match="no reading list named 'Nope'")
    imported.fails("list", "delete", "Nope", match="no reading list named 'Nope'")
    imported.fails("list", "add", "L", "nope", match="no paper matches")
    imported.fails("list", "add", "L", "1", "--at", "0", match="positions start at 1")
    imported.fails("list", "move", "L", "1", "1", match="is not in L")
    assert imported.json("list", "show", "L")["papers"] == []


def test_lists_empty_says_how_to_make_one(imported: Reader):
    result = imported.ok("lists")
    assert result.stdout == ""
    assert "reader list create" in result.stderr


def test_undo(imported: Reader):
    imported.fails("undo", match="nothing to undo")
    assert "Nothing to undo" in imported.ok("undo", "--list").stderr
    imported.ok("tag", "1", "x")
    imported.ok("rate", "1", "5")
    history = imported.ok("undo", "--list").stdout.splitlines()
    assert len(history) == 2
    assert "rated 'LoRA: Low-Rank Adaptation of Large Language Models' 5" in history[0]
    assert "tagged" in history[1]
    assert history[0][:4].isdigit()
    result = imported.ok("undo")
    assert result.stdout.startswith("undid: rated 'LoRA")
    assert imported.json("show", "1")["rating"] is None
    assert imported.json("show", "1")["tags"] == ["x"]
    assert imported.ok("undo").stdout.startswith("undid: tagged")
    assert imported.json("show", "1")["tags"] == []
    imported.fails("undo", match="nothing to undo")


def test_undo_brings_back_a_deleted_list_and_note(imported: Reader):
    imported.ok("list", "create", "L")
    imported.ok("list", "add", "L", "2", "1")
    imported.ok("note", "1", "keep me")
    before = (imported.json("list", "show", "L"), imported.json("show", "1"))
    imported.ok("notes", "delete", "1")
    imported.ok("list", "delete", "L")
    assert "deleted list L" in imported.ok("undo").stdout
    assert "deleted a note" in imported.ok("undo").stdout
    assert (imported.json("list", "show", "L"), imported.json("show", "1")) == before


# -- real processes ----------------------------------------------------------------------------


def run_reader(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def test_python_dash_m_reader_version():
    result = run_reader("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def big_library(path: Path, count: int) -> None:
    lines = ["new", "Subscribe", "Mar 11"]
    for index in range(count):
        lines += [f"Synthetic Paper Number {index} About Broken Pipes", f"Abstract {index}. " * 8]
    from reader.importers.listing import parse_listing

    with Library(path) as lib:
        lib.import_listings([parse_listing("\n".join(lines), "big.txt")])


@pytest.mark.parametrize("extra", [[], ["--json"]], ids=["table", "json"])
def test_broken_pipe_prints_no_traceback(tmp_path: Path, extra: list[str]):
    db = tmp_path / "big.db"
    big_library(db, 3000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(db), "papers", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    returncode = proc.wait(timeout=120)
    assert first.strip()
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr
    assert "Exception ignored" not in stderr
    assert stderr == ""
    assert returncode in (0, 1, -13, 141)


def test_parallel_cli_writers_lose_nothing(tmp_path: Path, fixtures_dir: Path):
    db = tmp_path / "lib.db"
    assert run_reader("--db", str(db), "import", str(fixtures_dir)).returncode == 0
    failures: list[str] = []

    def writer(who: str) -> None:
        for i in range(12):
            if i % 2:
                result = run_reader("--db", str(db), "tag", str(i % 8 + 1), f"{who}{i}")
            else:
                result = run_reader("--db", str(db), "note", str(i % 8 + 1), f"{who} note {i}")
            if result.returncode != 0:
                failures.append(result.stderr)

    threads = [threading.Thread(target=writer, args=(who,)) for who in ("p", "q")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with Library(db) as lib:
        assert {tag.name for tag in lib.tags()} == {
            f"{w}{i}" for w in "pq" for i in range(1, 12, 2)
        }
        notes = sorted(note.body for pid in range(1, 9) for note in lib.notes(pid))
        assert notes == sorted(f"{w} note {i}" for w in "pq" for i in range(0, 12, 2))


def test_environment_variable_in_a_real_process(tmp_path: Path, fixtures_dir: Path):
    db = tmp_path / "env.db"
    env = {**os.environ, "READER_DB": str(db)}
    result = run_reader("import", "--json", str(fixtures_dir / "listing-3-apr-02.txt"), env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 4
    assert db.is_file()


def test_many_papers_at_once_by_query(imported: Reader):
    """tag, untag, rate, status, list add and remove take --query instead of REFs: one
    undoable change each, saying how many papers changed."""
    assert imported.ok("tag", "--query", "diffusion", "to-read").stdout == (
        "tagged 2 papers with to-read\n"
    )
    assert imported.ok("rate", "--query", "tag:to-read", "4").stdout == "rated 2 papers ★★★★☆\n"
    assert imported.ok("status", "--query", "tag:to-read", "read").stdout == (
        "marked 2 papers ✓ read\n"
    )
    imported.ok("list", "create", "Diffusion")
    assert imported.ok("list", "add", "Diffusion", "--query", "tag:to-read").stdout == (
        "added 2 papers to Diffusion (2 in all)\n"
    )
    assert imported.ok("list", "add", "Diffusion", "2", "2").stdout.endswith(
        "(2 in all; 1 given twice, 1 already there)\n"
    )
    history = imported.ok("undo", "--list").stdout.splitlines()
    assert "added 2 papers to Diffusion" in history[0]  # a count is never quoted as a title
    assert imported.ok("untag", "--query", "tag:to-read", "to-read").stdout == (
        "untagged 2 papers: to-read\n"
    )
    imported.fails("tag", "--query", "nothing-matches-this", "x", match="no papers match")
    imported.fails("remove", "1", "--query", "lora", "-y", match="either REFs or --query")
    imported.fails("rate", "--query", "tag:to-read", "9", match="a rating is 1 to 5")
    imported.ok("tag", "--query", "diffusion", "gone")
    assert imported.ok("remove", "--query", "tag:gone", "-y").stdout.startswith("removed 2 papers")


@pytest.mark.parametrize("columns", ["9223372036854775808", "²", "-3", "80\x07"])
def test_papers_and_show_take_any_columns_setting(tmp_path: Path, columns: str) -> None:
    """A terminal width from COLUMNS is used up to a sane bound; nonsense is ignored."""
    db = tmp_path / "lib.db"
    big_library(db, 3)
    env = {**os.environ, "COLUMNS": columns, "READER_CACHE_DIR": str(tmp_path / "cache")}
    for args in (["papers", "Synthetic"], ["show", "1"]):
        result = run_reader("--db", str(db), *args, env=env)
        assert result.returncode == 0, result.stderr
        assert "Synthetic Paper Number" in result.stdout
        assert max(len(line) for line in result.stdout.splitlines()) <= 1_000
