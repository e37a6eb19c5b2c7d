"""BibTeX export: a golden file, a clean parse by bibtexparser 2, citation keys, protected
capitals, and round trips: through the importer, and through the real CLI into an empty library
and out again, byte for byte.

Regenerate the golden file with ``UPDATE_GOLDEN=1 pytest tests/unit/test_export_bibtex.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import bibtexparser
import paper_factory
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from property_examples import examples

from reader.cli import main
from reader.export.bibtex import escape_tex, format_authors, protect_capitals, render_bibtex
from reader.export.citation import citation_keys
from reader.importers.bibtex import parse_bibtex
from reader.models import Author, Link, Paper, Source
from reader.text import safe

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "list.bib"
RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex" / "records.bib"

TRICKY_TITLES = (
    "LoRA: Low-Rank Adaptation of Large Language Models",
    "100% Accurate? {Braces} & $math$ #1 under_score ^caret ~tilde",
    "Back\\slash \\textbf{not a command} and a trailing backslash\\",
    "Unbalanced } closing { opening }} braces",
    "<script>alert('x')</script> | pipes, \"quotes\" and `backticks`",
    "1. Starts like a list, = signs, commas, and @at signs -- and dashes",
    "Ünïcödé: 日本語のタイトル — naïve café",
    "[Brackets](http://evil.example) and # hashes",
)


def make_paper(index: int, title: str, **fields: object) -> Paper:
    fields.setdefault("template", "Abstract {index}: {title}")
    return paper_factory.make_paper(index, title, **fields)  # type: ignore[arg-type]


def library() -> tuple[Paper, ...]:
    papers = [
        make_paper(
            1,
            TRICKY_TITLES[0],
            links=(
                Link("https://arxiv.org/abs/2106.09685", "web"),
                Link("https://github.com/microsoft/LoRA", "code"),
            ),
            tags=("fine-tuning", "peft", "nlp/llm"),
            sources=(Source("mar-11.txt", "Mar 11"), Source("apr-02.txt", "Apr 2")),
            authors=(
                Author("Hu", "Edward J."),
                Author("Shen", "Yelong"),
                Author("Wallis", "Phillip"),
            ),
            year=2021,
            month=6,
            arxiv="2106.09685",
            categories=("cs.CL", "cs.AI", "cs.LG"),
        ),
        make_paper(2, TRICKY_TITLES[1], abstract="", listed="Mar 11, 2024", sources=()),
        make_paper(3, TRICKY_TITLES[2], tags=("a&b", "50%", "x_y"), listed="Mar 11, 2024"),
        make_paper(
            4,
            TRICKY_TITLES[3],
            links=(Link("https://example.org/a_b%20c#frag{1}", "web"),),
            url="https://example.org/a_b%20c#frag{1}",
            entry_type="article",
            venue="Journal of {Odd} & Even Results",
            publisher="Springer",
            doi="10.1000/a_b{c}",
            authors=(Author("van der Berg", "Jan"), Author("Müller", "Jörg")),
            year=2020,
            citekey="vanderberg2020unbalanced",
        ),
    ]
    for index, title in enumerate(TRICKY_TITLES[4:], start=5):
        papers.append(make_paper(index, title, sources=(), listed=None))
    papers[5] = make_paper(
        6,
        TRICKY_TITLES[5],
        sources=(),
        listed=None,
        entry_type="inproceedings",
        venue="Advances in Neural Information Processing Systems",
        authors=(
            Author("OpenAI"),
            Author("Beeblebrox IV", "Zaphod"),
            Author("Smith, and Sons", "A"),
        ),
        year=2017,
        month=12,
    )
    return tuple(papers)


def test_golden_file() -> None:
    output = render_bibtex(library())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(output, encoding="utf-8", newline="\n")
    assert output == GOLDEN.read_text(encoding="utf-8")


def test_deterministic_and_tidy() -> None:
    output = render_bibtex(library())
    assert output == render_bibtex(library())
    assert output.endswith("}\n") and not output.endswith("\n\n")
    assert all(line == line.rstrip() for line in output.splitlines())
    assert len(re.findall(r"^@\w+\{", output, flags=re.MULTILINE)) == len(library())


def test_braces_are_balanced() -> None:
    for entry in render_bibtex(library()).split("\n\n"):
        depth = 0
        for ch in entry:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0
        assert depth == 0


def test_parses_cleanly_with_bibtexparser() -> None:
    papers = library()
    parsed = bibtexparser.parse_string(render_bibtex(papers))
    assert parsed.failed_blocks == []
    assert [entry.entry_type for entry in parsed.entries] == [paper.entry_type for paper in papers]
    keys = [entry.key for entry in parsed.entries]
    assert len({key.casefold() for key in keys}) == len(keys)
    first = parsed.entries[0].fields_dict
    assert first["author"].value == "Hu, Edward J. and Shen, Yelong and Wallis, Phillip"
    assert first["title"].value == "{LoRA:} {Low-Rank} Adaptation of Large Language Models"
    assert first["eprint"].value == "2106.09685"
    assert first["archivePrefix"].value == "arXiv"
    assert first["primaryClass"].value == "cs.CL"
    assert first["url"].value == "https://arxiv.org/abs/2106.09685"  # never the code link
    assert first["month"].value == "jun"
    assert "note" not in first


def test_round_trip_through_the_importer() -> None:
    papers = library()
    imported, warnings = parse_bibtex(render_bibtex(papers), "list.bib")
    assert warnings == []
    assert len(imported) == len(papers)
    for paper, key, back in zip(papers, citation_keys(papers), imported, strict=True):
        assert back.title == paper.title
        assert back.abstract == paper.abstract
        assert back.tags == paper.tags
        assert back.authors == paper.authors
        assert (back.year, back.month) == (paper.year, paper.month)
        assert (back.venue, back.publisher) == (paper.venue, paper.publisher)
        assert (back.arxiv, back.doi, back.entry_type) == (paper.arxiv, paper.doi, paper.entry_type)
        assert back.citekey == key
        assert back.categories == paper.categories[:1]


def test_citation_keys() -> None:
    keys = citation_keys(library())
    assert keys == [
        "hu2021lora",  # first author, year, first significant title word
        "1002024accurate",  # no authors: two title words around the listing date's year
        "backslash2024textbfnot",
        "vanderberg2020unbalanced",  # the paper's own key
        "scriptalertxscriptpipes",  # no year at all: none in the key
        "openai20171",
        "unicodenaive",
        "bracketshttpevilexamplehashes",
    ]
    assert all(re.fullmatch(r"[a-z0-9-]+", key) for key in keys)


def test_generated_keys_never_take_a_key_of_the_export() -> None:
    papers = (
        make_paper(1, "Attention", authors=(Author("Vaswani", "A"),), year=2017),
        make_paper(2, "Other", citekey="vaswani2017attention"),
        make_paper(3, "Attention", authors=(Author("Vaswani", "A"),), year=2017),
    )
    assert citation_keys(papers) == [
        "vaswani2017attention-2",
        "vaswani2017attention",
        "vaswani2017attention-3",
    ]


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("Attention Is All You Need", "Attention Is All You Need"),
        ("BERT: Pre-training", "{BERT:} Pre-training"),
        ("LoRA and ImageNet on an iPhone", "{LoRA} and {ImageNet} on an {iPhone}"),
        ("GPT-4 and 3D U-Net", "{GPT-4} and {3D} {U-Net}"),
        ("(BERT) models", "{(BERT)} models"),
        ("Part X", "Part X"),
        ("R&D at 100%", "{R\\&D} at 100\\%"),
        ("Über Größe", "Über Größe"),
    ],
)
def test_capitals_that_styles_would_lower_are_protected(title: str, written: str) -> None:
    assert protect_capitals(title) == written


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a & b % c $ d # e _ f", "a \\& b \\% c \\$ d \\# e \\_ f"),
        ("{x} ~ ^ \\", "\\textbraceleft{}x\\textbraceright{} \\textasciitilde{} "
         "\\textasciicircum{} \\textbackslash{}"),
        ("a -- b --- c", "a -{}- b -{}-{}- c"),
        ("naïve – café", "naïve – café"),
        ("two\n  lines", "two lines"),
    ],
)  # fmt: skip
def test_escape_tex(text: str, escaped: str) -> None:
    assert escape_tex(text) == escaped


def test_authors_are_family_given_and_corporate_names_are_braced() -> None:
    authors = (
        Author("Vaswani", "Ashish"),
        Author("OpenAI"),
        Author("van der Berg", "Jan"),
        Author("Barnes and Noble", "Store"),
        Author("Müller", "Jörg"),
    )
    assert format_authors(authors) == (
        "Vaswani, Ashish and {OpenAI} and van der Berg, Jan and {Barnes and Noble}, Store "
        "and Müller, Jörg"
    )


def test_empty_library() -> None:
    assert render_bibtex(()) == ""


def _cli(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_cli_round_trip_gives_the_same_bytes(tmp_path: Path) -> None:
    """A reference manager's file in, BibTeX out, into an empty library, out again."""
    first, second = tmp_path / "first.bib", tmp_path / "second.bib"
    _cli(tmp_path / "a.db", "import", str(RECORDS))
    _cli(tmp_path / "a.db", "export", "--all", "--format", "bibtex", "-o", str(first))
    _cli(tmp_path / "b.db", "import", str(first))
    _cli(tmp_path / "b.db", "export", "--all", "--format", "bibtex", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert "@inproceedings{vaswani2017attention," in text
    assert "  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki" in text
    assert "Kaiser, Łukasz" in text and "Peyré, Gabriel" in text
    assert "  author = {{OpenAI} and Achiam, Josh},\n" in text
    assert "  author = {Beeblebrox IV, Zaphod and {Sirius Cybernetics Corporation}},\n" in text
    assert "  booktitle = {Advances in Neural Information Processing Systems},\n" in text
    assert "  doi = {10.1561/2200000073},\n" in text
    assert "  month = oct,\n" in text and "  month = mar,\n" in text
    assert "  title = {{GPT-4} Technical Report},\n" in text
    assert "Monge–Kantorovich \\& friends: 100\\% of the mass" in text
    assert "github.com" not in text  # the code link is not the url


def test_listing_papers_get_keys_that_survive_the_round_trip(tmp_path: Path) -> None:
    listing = tmp_path / "mar-11.txt"
    listing.write_text(
        "new\n\nMar 11, 2024\n\nLoRA: Low-Rank Adaptation\n\nAn abstract that is longer.\n\n"
        "Attention -- Is All\n\nAnother abstract, longer than its title.\n",
        encoding="utf-8",
    )
    _cli(tmp_path / "a.db", "import", str(listing))
    first = _cli(tmp_path / "a.db", "export", "--all", "--format", "bibtex")
    assert "@misc{lora2024lowrank," in first and "@misc{attention2024," in first
    assert "  title = {Attention -{}- Is All},\n" in first
    out = tmp_path / "first.bib"
    out.write_text(first, encoding="utf-8")
    _cli(tmp_path / "b.db", "import", str(out))
    assert _cli(tmp_path / "b.db", "export", "--all", "--format", "bibtex") == first


_TEXT = st.text(
    alphabet=st.characters(
        min_codepoint=0x20, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc")
    )
    | st.sampled_from("{}\\%&$#_^~<>|@,=\"'- \n\t"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip())


@settings(max_examples=examples(300), deadline=None)
@given(title=_TEXT, abstract=_TEXT, tag=_TEXT, family=_TEXT, given_name=_TEXT)
def test_any_text_round_trips(
    title: str, abstract: str, tag: str, family: str, given_name: str
) -> None:
    tag = "-".join(tag.replace(",", " ").replace(";", " ").split())  # as a tag is stored
    paper = make_paper(
        1,
        title,
        abstract=abstract,
        tags=(tag,) if tag else (),
        authors=(Author(" ".join(safe(family).split()), " ".join(safe(given_name).split())),),
        venue=title,
        entry_type="article",
    )
    output = render_bibtex([paper])
    assert bibtexparser.parse_string(output).failed_blocks == []
    (back,), _ = parse_bibtex(output, "x.bib")

    def folded(text: str) -> str:
        return " ".join(safe(text).split())

    assert back.title == back.venue == folded(title)
    assert back.abstract == folded(abstract)
    assert back.tags == ((tag,) if tag else ())
    if paper.authors[0].family:
        assert back.authors == paper.authors
