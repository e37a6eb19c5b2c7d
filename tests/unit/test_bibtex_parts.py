"""A BibTeX file read in parts gives exactly what reading it whole gives: the same blocks from
the stretches of its text, the same papers, warnings and refusals from its parts, and the same
library when the parts are written in steps of their own (papers met twice included)."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from empty_library import empty_library
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from property_examples import examples

from reader.importers import (
    ParseOptions,
    bibtex_fork,
    bibtex_parts,
    import_files,
    parse_part,
)
from reader.importers.bibtex import parse_bibtex
from reader.importers.bibtex_syntax import Splitter, block_start_after, split_fast
from reader.incoming import ParsedListing, ParsedPaper
from reader.models import ReaderError
from reader.store import Library, clock

# -- stretches of text ------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "@misc{", "@Article {", "@string{", "@comment{", "@preamble{", "@misc(", "@{", "@ @",
        "key", "k2", "title", "month", " = ", "=", ",", "}", "{", "{{", "}}", '"', '{"}', "\\{",
        "\\", "#", " # ", "jan", "2017", "@", "\n", "\n@misc{x,", "\n@misc{y, title = {T}}\n",
        "\n@string{jan = {J}}\n", "\n@comment{c}\n", "\n  ", "\t", " ", "a", "$x^{2}$", "(", "%",
        "\n@misc{z,\n  title = {A\n@b{c}}}\n", "\r\n@misc{r, title = {R}}",
    ]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=50).map("".join)


def _stretches(text: str, stops: list[int]) -> tuple[list[Any], dict[str, str]] | None:
    splitter = Splitter(text)
    items: list[Any] = []
    for stop in [*stops, len(text)]:
        found = splitter.read_to(stop)
        if found is None:
            return None
        items += found
    return items, splitter.strings


@settings(max_examples=examples(500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS, st.randoms(use_true_random=False))
@example("@misc{a, title = {x}}\n@misc{b, title = {y}}\n", random.Random(1))
def test_the_stretches_give_the_blocks_of_the_whole_text(text: str, rng: random.Random) -> None:
    starts: list[int] = []
    position = 0
    while (start := block_start_after(text, position)) < len(text):
        starts.append(start)
        position = start + 1
    stops = sorted(rng.sample(starts, rng.randint(0, len(starts))))
    whole = split_fast(text)
    parts = _stretches(text, stops)
    if whole is None:
        assert parts is None
    else:
        assert parts == (whole.items, whole.strings)


def test_a_stretch_ends_only_where_a_line_opens_a_block() -> None:
    text = "x @misc{a}\n @misc{b}\n@comment{c}\n@\n@string {d = 1}"
    assert block_start_after(text, 0) == text.index("@comment")
    assert block_start_after(text, text.index("@comment") + 1) == text.index("@string")
    assert block_start_after(text, len(text) - 3) == len(text)


# -- papers from parts ------------------------------------------------------------------------

_ENTRIES = [
    "@misc{a1, title = {Attention Is All You Need}, eprint = {1706.03762}, year = 2017}",
    "@article{b2,\n  title = {{BERT}: Pre-training},\n  author = {Devlin, Jacob and Lee, K.},\n"
    "  journal = conf, month = jan,\n  abstract = {We {\\em study} 50\\% of it.}\n}",
    "@misc{c3, title = {Attention Is All You Need}, doi = {10.1/x}, abstract = {Later.}}",
    "@misc{M\u00fcller4, title = {Scaling}, doi = {10.1/y}}",
    "@misc{d5, title = {Scaling!}, doi = {10.1/y}, author = {Ng, A.}}",
    "@misc{a1, title = {Attention is all you need}}",  # the same key and title again
    "@misc{a1, title = {Something else}}",  # the same key, another title: refused
    "@misc{e6, year = 2020}",  # no title
    "@misc{f7, title = {Twice}, year = 1, year = 2}",  # a field given twice
    '@misc{g8, title = "Quoted " # conf, note = {Listed Mar 11}}',
    "@string{conf = {Conference}}",
    "@string{Jan = {January}}",
    "@comment{anything {at} all}",
    "@preamble{{\\newcommand{\\x}{y}}}",
    "@misc(h9, title = {Parenthesised})",  # bibtexparser reads the whole file
]


def _file(rng: random.Random) -> str:
    count = rng.randint(1, 30)
    pool = [entry for entry in _ENTRIES if rng.random() < 0.5 or "@string" in entry]
    chosen = [rng.choice(_ENTRIES[:5])] + [rng.choice(pool or _ENTRIES) for _ in range(count)]
    return "% a reference manager's file\n" + "\n\n".join(chosen) + "\n"


def _outcome(action: Any) -> tuple[Any, ...]:
    try:
        return ("read", *action())
    except ReaderError as error:
        return ("refused", str(error))
    except bibtex_parts.StartOver:
        return ("start over",)


def _in_parts(path: Path, skip_bad: bool) -> tuple[list[ParsedPaper], list[str]]:
    options = ParseOptions(skip_bad=skip_bad, bibtex_parts=True)
    papers: list[ParsedPaper] = []
    part = parse_part(path, options, None)
    while True:
        assert part.listing is not None and part.step_end
        papers += part.listing.papers
        if part.last:
            return papers, part.warnings
        assert not part.warnings
        part = parse_part(path, options, part.resume)


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of a few entries: a boundary between most entries."""
    monkeypatch.setattr(bibtex_parts, "PART_CHARS", 40)
    monkeypatch.setattr(bibtex_parts, "MIN_CHARS", 0)


@pytest.mark.parametrize("seed", range(120))
def test_the_parts_give_the_papers_warnings_and_refusals_of_the_whole_file(
    small_parts: None, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    text = _file(rng)
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    skip_bad = bool(seed % 2)
    whole = _outcome(lambda: parse_bibtex(text, "refs.bib", skip_bad=skip_bad, folder=tmp_path))
    parts = _outcome(lambda: _in_parts(path, skip_bad))
    if parts == ("start over",):
        assert split_fast(text) is None  # a later stretch needs bibtexparser's reading
    else:
        assert parts == whole


def test_a_macro_defined_after_its_use_is_known_to_the_first_part(
    small_parts: None, tmp_path: Path
) -> None:
    text = "@misc{a, title = {T} # x}\n\n" + "@misc{b, title = {U}}\n\n" * 20 + "@string{x = {!}}\n"
    path = tmp_path / "late.bib"
    path.write_text(text, encoding="utf-8")
    papers, _ = _in_parts(path, skip_bad=False)
    assert papers[0].title == "T!"
    assert papers == parse_bibtex(text, "late.bib", folder=tmp_path)[0]


# -- the library after an import in parts -----------------------------------------------------

_TITLES = ["Attention", "attention!", "Scaling Laws", "Diffusion", "Graphs"]
_IDS = [None, None, "1706.03762", "2106.09685"]
_DOIS = [None, None, "10.1/a", "10.1/b"]
_KEYS = [None, "vaswani2017", "hu2021", "Vaswani2017", "x"]


@st.composite
def _papers(draw: Any) -> list[ParsedPaper]:
    papers = []
    for _ in range(draw(st.integers(1, 12))):
        papers.append(
            ParsedPaper(
                title=draw(st.sampled_from(_TITLES)),
                abstract=draw(st.sampled_from(["", "", "An abstract.", "Another."])),
                listed=None,
                source="refs.bib",
                year=draw(st.sampled_from([None, 2017, 2021])),
                venue=draw(st.sampled_from(["", "", "NeurIPS"])),
                entry_type=draw(st.sampled_from(["misc", "article", "inproceedings"])),
                citekey=draw(st.sampled_from(_KEYS)),
                arxiv=draw(st.sampled_from(_IDS)),
                doi=draw(st.sampled_from(_DOIS)),
                tags=draw(st.sampled_from([(), ("nlp",)])),
            )
        )
    return papers


def _library_after(
    seed: list[ParsedPaper], papers: list[ParsedPaper], breaks: set[int]
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, empty_library(Path(folder) / "lib.db") as library:
        if seed:
            library.import_listings([ParsedListing("seed.bib", None, tuple(seed))])
        listings: list[ParsedListing | None] = []
        for index, paper in enumerate(papers):
            listings.append(ParsedListing("refs.bib", None, (paper,)))
            if index in breaks:
                listings.append(None)
        summary = library.import_listings(listings)  # type: ignore[arg-type]
        return {"dump": library.dump(), "summary": summary}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_papers(), _papers(), st.sets(st.integers(0, 12)), st.booleans())
def test_where_the_steps_fall_changes_nothing_in_the_library(
    seed: list[ParsedPaper], papers: list[ParsedPaper], breaks: set[int], seeded: bool
) -> None:
    seed = seed if seeded else []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: "2024-03-11T09:00:00Z")
        assert _library_after(seed, papers, breaks) == _library_after(seed, papers, set())


def _backup(path: Path, files: list[Path]) -> tuple[Any, ...]:
    told: list[Path] = []
    with Library(path) as library:
        summary = import_files(library, files, on_file=told.append)
        return library.dump(), summary, told


@pytest.mark.parametrize("seed", range(12))
def test_an_import_in_parts_makes_the_library_an_import_of_the_whole_file_makes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed: int
) -> None:
    monkeypatch.setattr(clock, "now", lambda: "2024-03-11T09:00:00Z")
    monkeypatch.setattr(bibtex_fork, "can_fork", lambda: False)  # the thread: in this process
    rng = random.Random(seed)
    text = _file(rng).replace("@misc{a1, title = {Something else}}", "")
    if seed % 3 == 0:  # bibtexparser's reading, found only after some parts were written
        text += "\n@misc(late, title = {Parenthesised})\n"
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    seed_file = tmp_path / "seed.bib"
    seed_file.write_text(_ENTRIES[0] + "\n" + _ENTRIES[3] + "\n", encoding="utf-8")
    results = []
    for name, part_chars in (("whole", 10**9), ("parts", 40)):
        monkeypatch.setattr(bibtex_parts, "PART_CHARS", part_chars)
        monkeypatch.setattr(bibtex_parts, "MIN_CHARS", 0)
        library = tmp_path / f"{name}.db"
        if seed % 2:
            _backup(library, [seed_file])
        try:
            results.append(_backup(library, [path, seed_file]))
        except ReaderError as error:
            results.append(str(error))
    assert results[0] == results[1]
