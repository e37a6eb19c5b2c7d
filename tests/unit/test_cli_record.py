"""The record's commands: edit (options, TOML on stdin), remove, merge, duplicates, attach
and open, and the record in --json."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_cli import LORA, Reader


@pytest.fixture
def imported(tmp_path: Path, fixtures_dir: Path) -> Reader:
    reader = Reader(tmp_path / "lib.db")
    reader.ok("import", str(fixtures_dir))
    return reader


def test_edit_by_options_shows_in_json(imported: Reader) -> None:
    out = imported.ok(
        "edit",
        LORA,
        "--authors",
        "Edward J. Hu; Shen, Yelong",
        "--year",
        "2021",
        "--arxiv",
        "https://arxiv.org/abs/2106.09685v2",
        "--type",
        "inproceedings",
        "--venue",
        "ICLR",
        "--citekey",
        "hu2021lora",
    ).stdout
    assert out.startswith("edited authors, year, venue, entry_type, citekey, arxiv of")
    paper = imported.json("show", "hu2021lora")
    assert paper["authors"] == ["Edward J. Hu", "Yelong Shen"]
    assert paper["year"] == 2021 and paper["arxiv"] == "2106.09685"
    assert paper["landing_page"] == "https://arxiv.org/abs/2106.09685"
    assert paper["entry_type"] == "inproceedings" and paper["venue"] == "ICLR"
    assert imported.json("show", "2106.09685")["id"] == paper["id"]
    listed = imported.json("papers", "author:shen")
    assert [item["id"] for item in listed] == [paper["id"]]
    imported.ok("undo")
    assert imported.json("show", LORA)["authors"] == []


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--year", "²⁰²¹"], "year is a number"),
        (["--year", "99999"], "year is a number"),
        (["--doi", "not-a-doi"], "not a DOI"),
        (["--arxiv", "1706.0376"], "not an arXiv id"),
        (["--url", "javascript:alert(1)"], "not a web address"),
        (["--title", "   "], "needs a title"),
        (["--citekey", "has space"], "not a citation key"),
        (["--type", "blogpost"], "entry type is one of"),
    ],
)
def test_edit_refuses_bad_values_and_changes_nothing(
    imported: Reader, args: list[str], match: str
) -> None:
    before = imported.json("show", "1")
    imported.fails("edit", "1", *args, match=match)
    assert imported.json("show", "1") == before


def test_edit_reads_a_toml_record_from_stdin(imported: Reader) -> None:
    record = 'title = "LoRA, Revised"\nauthors = ["Hu, Edward", "{Microsoft}"]\nyear = 2021\n'
    imported.ok("edit", "1", input=record)
    paper = imported.json("show", "1")
    assert paper["title"] == "LoRA, Revised"
    assert paper["authors"] == ["Edward Hu", "Microsoft"]
    before = imported.json("show", "1")
    imported.fails("edit", "1", input='title = "unclosed\n', match="not valid TOML")
    imported.fails("edit", "1", input="colour = 'red'\n", match="unknown field 'colour'")
    imported.fails("edit", "1", input="year = 'soon'\n", match="year is a number")
    assert imported.json("show", "1") == before


def test_remove_and_undo(imported: Reader) -> None:
    imported.ok("list", "create", "L")
    imported.ok("list", "add", "L", "1", "2")
    imported.ok("note", "1", "keep me")
    assert imported.ok("remove", "1", "-y").stdout.startswith("removed 1 paper")
    imported.fails("show", "1", match="no paper with id 1")
    assert [p["id"] for p in imported.json("list", "show", "L")["papers"]] == [2]
    imported.ok("undo")
    assert imported.json("show", "1")["annotations"][0]["body"] == "keep me"
    assert [p["id"] for p in imported.json("list", "show", "L")["papers"]] == [1, 2]


def test_merge_and_duplicates(imported: Reader) -> None:
    imported.ok("edit", "1", "--year", "2021")
    imported.ok(
        "edit",
        "2",
        "--year",
        "2021",
        "--title",
        "LoRA: Low-Rank Adaptation of Large Language Model",
    )
    groups = imported.json("duplicates")
    assert [1, 2] in groups
    assert "reader merge 1 2" in imported.ok("duplicates").stdout
    imported.ok("tag", "2", "from-two")
    imported.ok("merge", "1", "2")
    assert "from-two" in imported.json("show", "1")["tags"]
    imported.fails("show", "2", match="no paper with id 2")
    imported.fails("merge", "1", "1", match="two different papers")


def test_attach_and_open(imported: Reader, tmp_path: Path) -> None:
    pdf = tmp_path / "lora.pdf"
    pdf.write_bytes(b"%PDF-1.7 LoRA")
    imported.ok("edit", "1", "--citekey", "hu2021lora")
    assert imported.ok("attach", "1", str(pdf)).stdout.startswith("attached files/hu2021lora.pdf")
    stored = tmp_path / "files" / "hu2021lora.pdf"
    assert stored.read_bytes() == b"%PDF-1.7 LoRA"
    assert imported.ok("open", "1", "--print").stdout.strip() == str(stored)
    assert imported.json("papers", "has:pdf")[0]["files"] == ["files/hu2021lora.pdf"]
    stored.unlink()  # a missing file is reported, and the landing page opens instead
    imported.ok("edit", "1", "--arxiv", "2106.09685")
    result = imported.ok("open", "1", "--print")
    assert result.stdout.strip() == "https://arxiv.org/abs/2106.09685"
    assert "attached file missing" in result.stderr
    imported.fails("open", "3", "--print", match="nothing to open")
    imported.fails("attach", "1", str(tmp_path / "nope.pdf"), match="nope.pdf")


def test_open_hands_the_target_to_the_opener(imported: Reader, tmp_path: Path) -> None:
    log = tmp_path / "opened.txt"
    opener = tmp_path / "opener.sh"
    opener.write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    opener.chmod(0o755)
    imported.ok("edit", "1", "--url", "https://example.org/lora")
    imported(*["open", "1"], env={"READER_OPENER": str(opener)})
    for _ in range(100):
        if log.exists():
            break
        time.sleep(0.05)
    assert log.read_text().strip() == "https://example.org/lora"
