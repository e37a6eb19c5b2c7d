"""Big listings read in parts give exactly the papers, warnings and refusals of the whole file;
the fast path of content_lines agrees with cleaning line by line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.importers import ParseOptions, listing_parts, parse_part, read_text, source_name
from reader.importers.listing import content_lines, parse_listing
from reader.models import ReaderError
from reader.text import clean_text, is_blank

HEADER = ["new", "Get trending papers in your email inbox!", "Subscribe", "Mar 11"]
ODD_LINES = [
    "Apr 2",
    "March   3rd, 2024",
    "Subscribe",
    "SubscribeLoRA: Low-Rank Adaptation",
    "Subscriber Churn Prediction",
    "new",
    "\ufeff",
    "Ti\x1btle with an escape",
    "Tab\tin the middle ",
    "  café au lait\u00a0",
    "line\u2028separator",
    "x" * 120,
    "See https://github.com/a/b and HTTP://Example.org/x.",
    "\u202eright to left",
    "Zero\u200bwidth",
]
LINE_ENDS = ["\n", "\n\n", "\r\n", "\r", "\r\n\r\n", "\n  \n"]


def _title(rng: random.Random, number: int) -> str:
    return f"Paper {number}: {rng.choice(['Scaling', 'Diffusion', 'Graphs'])} " + "w " * 30


def _abstract(rng: random.Random) -> str:
    return "We study things. " * rng.randint(3, 12)


def _listing(seed: int) -> str:
    rng = random.Random(seed)
    lines = [] if seed % 7 == 3 else list(HEADER)
    for number in range(rng.randint(50, 400)):
        if rng.random() < 0.04:
            lines.append(rng.choice(ODD_LINES))
        lines.append(_title(rng, number))
        lines.append(_abstract(rng))
    if seed % 5 == 1:
        lines.pop()  # the last title has no abstract
    end = rng.choice(LINE_ENDS)
    text = end.join(lines) + (end if seed % 2 else "")
    return ("\ufeff" if seed % 11 == 4 else "") + text


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of a few papers read in blocks of a few hundred bytes: many boundaries."""
    monkeypatch.setattr(listing_parts, "SPLIT_BYTES", 1)
    monkeypatch.setattr(listing_parts, "BLOCK_BYTES", 331)
    monkeypatch.setattr(listing_parts, "PART_PAPERS", 7)


def _in_parts(path: Path) -> tuple[list, list, str | None, int]:
    papers, warnings, count = [], [], 0
    part = parse_part(path, ParseOptions(), None)
    while True:
        count += 1
        papers += part.listing.papers
        warnings += [*part.warnings, *part.listing.warnings]
        if part.resume is None:
            return papers, warnings, part.listing.listed, count
        part = parse_part(path, ParseOptions(), part.resume)


def _outcome(action):
    try:
        return action()
    except ReaderError as error:
        return str(error)


@pytest.mark.parametrize("seed", range(40))
def test_parts_read_what_the_whole_file_reads(tmp_path, small_parts, seed):
    path = tmp_path / f"listing-{seed}.txt"
    path.write_bytes(_listing(seed).encode("utf-8"))
    source = source_name(path)

    def whole():
        listing = parse_listing(read_text(path), source)
        return list(listing.papers), list(listing.warnings), listing.listed

    expected = _outcome(whole)
    got = _outcome(lambda: _in_parts(path))
    if isinstance(expected, str):
        assert got == expected
        return
    assert isinstance(got, tuple), got
    assert got[:3] == expected
    assert got[3] > 1  # it was read in parts


def test_parts_refuse_what_the_whole_file_refuses(tmp_path, small_parts):
    lines = [*HEADER, "T" * 2_500, "an abstract"]
    path = tmp_path / "long-title.txt"
    path.write_text("\n".join([*HEADER, *(["A title", "An abstract."] * 40), *lines[4:]]))
    with pytest.raises(ReaderError, match="2,500-character line"):
        _in_parts(path)
    headerless = tmp_path / "no-papers.txt"
    headerless.write_text("\n".join(["a much longer title than its abstract", "short"] * 40))
    with pytest.raises(ReaderError, match="no recognizable papers"):
        _in_parts(headerless)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bad.txt", b"new\nMar 11\n" + b"A title\nAn abstract\n" * 50 + b"\xff\n"),
        ("nul.txt", b"new\nMar 11\n" + b"A title\nAn abstract\n" * 50 + b"\x00\n"),
        ("utf16.txt", "new\nMar 11\nA title\nAn abstract\n".encode("utf-16")),
        ("refs.txt", b"\n  @article{a, title={A}}\n" * 40),
        ("backup.txt", b'  {"format": "reader-backup"}' + b" " * 400),
        ("paper.bib", b"new\nMar 11\n" + b"A title\nAn abstract\n" * 50),
    ],
)
def test_only_plain_utf8_listings_are_read_in_parts(tmp_path, small_parts, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    assert not listing_parts.readable_in_parts(path, 1 << 30)


def test_a_line_longer_than_a_block_is_read_whole(tmp_path, small_parts):
    text = "\n".join([*HEADER, "A title", "word " * 2_000, "Another title", "Short."])
    path = tmp_path / "long.txt"
    path.write_text(text)
    papers, _, _, _ = _in_parts(path)
    assert [paper.abstract for paper in papers] == [("word " * 2_000).strip(), "Short."]


@pytest.mark.parametrize("line", ODD_LINES + ["plain", "  padded  ", "\x00nul", "a\x85b"])
def test_fast_lines_agree_with_cleaning_each_line(line):
    text = f"Title\n{line}\r\nAbstract {line}\n\n"
    expected = []
    for piece in text.replace("\r\n", "\n").split("\n"):
        cleaned = clean_text(piece.lstrip()).strip() if piece.strip() else ""
        if cleaned and (cleaned.isprintable() or not is_blank(cleaned)):
            expected.append(cleaned)
    assert content_lines(text, "x.txt") == expected
