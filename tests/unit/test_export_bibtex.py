"""BibTeX export: a golden file, a clean parse by bibtexparser 2, and a lossless round trip.

Regenerate the golden file with ``UPDATE_GOLDEN=1 pytest tests/unit/test_export_bibtex.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import bibtexparser
import paper_factory
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.export.bibtex import citation_key, escape_tex, render_bibtex
from reader.importers.bibtex import parse_bibtex
from reader.models import Link, Paper, Source
from reader.text import safe

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "list.bib"

TRICKY_TITLES = (
    "LoRA: Low-Rank Adaptation of Large Language Models",
    "100% Accurate? {Braces} & $math$ #1 under_score ^caret ~tilde",
    "Back\\slash \\textbf{not a command} and a trailing backslash\\",
    "Unbalanced } closing { opening }} braces",
    "<script>alert('x')</script> | pipes, \"quotes\" and `backticks`",
    "1. Starts like a list, = signs, commas, and @at signs",
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
            key="lora-low-rank-adaptation-of-large-language-models",
            links=(
                Link("https://arxiv.org/abs/2106.09685", "web"),
                Link("https://github.com/microsoft/LoRA", "code"),
            ),
            tags=("fine-tuning", "peft", "nlp/llm"),
            sources=(Source("mar-11.txt", "Mar 11"), Source("apr-02.txt", "Apr 2")),
        ),
        make_paper(2, TRICKY_TITLES[1], key="100-accurate", abstract=""),
        # Same key as the paper before: the second one needs a suffix.
        make_paper(3, TRICKY_TITLES[2], key="100-accurate", tags=("a&b", "50%", "x_y")),
        make_paper(
            4,
            TRICKY_TITLES[3],
            key="ünïcödé-key",
            links=(Link("https://example.org/a_b%20c#frag{1}", "web"),),
        ),
    ]
    for index, title in enumerate(TRICKY_TITLES[4:], start=5):
        papers.append(make_paper(index, title, key=f"tricky-{index}", sources=(), listed=None))
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
    assert output.count("@misc{") == len(library())


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
    assert len(parsed.entries) == len(papers)
    keys = [entry.key for entry in parsed.entries]
    assert len(set(keys)) == len(keys)
    for entry, paper in zip(parsed.entries, papers, strict=True):
        assert entry.entry_type == "misc"
        assert entry.fields_dict["title"].value == "{" + escape_tex(paper.title) + "}"
        url = paper.code_link or (paper.links[0].url if paper.links else None)
        if url is None:
            assert "url" not in entry.fields_dict
        if paper.tags:
            keywords = entry.fields_dict["keywords"].value
            assert len(keywords.split(", ")) == len(paper.tags)
        else:
            assert "keywords" not in entry.fields_dict
        assert ("abstract" in entry.fields_dict) == bool(paper.abstract)
    first = parsed.entries[0].fields_dict
    assert first["url"].value == "https://github.com/microsoft/LoRA"
    assert first["keywords"].value == "fine-tuning, peft, nlp/llm"
    assert first["note"].value == "Listed Mar 11; Apr 2"


def test_round_trip_through_the_importer() -> None:
    papers = library()
    entries, warnings = parse_bibtex(render_bibtex(papers), "list.bib")
    assert warnings == []
    assert len(entries) == len(papers)
    for entry, paper in zip(entries, papers, strict=True):
        assert entry.title == paper.title
        assert entry.abstract == paper.abstract
        assert entry.tags == paper.tags
        assert entry.listed == (paper.listings[0] if paper.listings else None)
        expected_url = paper.code_link or (paper.links[0].url if paper.links else None)
        if expected_url and "{" in expected_url:
            # Braces cannot sit in a verbatim url field; they are percent-encoded.
            expected_url = expected_url.replace("{", "%7B").replace("}", "%7D")
        assert entry.url == expected_url


def test_citation_keys() -> None:
    keys = [entry.key for entry in parse_bibtex(render_bibtex(library()), "x.bib")[0]]
    assert keys[:4] == [
        "lora-low-rank-adaptation-of-large-language-models",
        "100-accurate",
        "100-accurate-2",
        "unicode-key",
    ]
    assert all(re.fullmatch(r"[A-Za-z0-9_.:-]+", key) for key in keys)
    assert citation_key(make_paper(7, "T", key="日本語")) == "paper-7"


def test_suffix_skips_keys_already_taken() -> None:
    papers = (
        make_paper(1, "A", key="same"),
        make_paper(2, "B", key="same-2"),
        make_paper(3, "C", key="SAME"),
    )
    keys = re.findall(r"@misc\{([^,]+),", render_bibtex(papers))
    assert keys == ["same", "same-2", "SAME-3"]


def test_empty_library() -> None:
    assert render_bibtex(()) == ""


_TEXT = st.text(
    alphabet=st.characters(
        min_codepoint=0x20, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc")
    )
    | st.sampled_from("{}\\%&$#_^~<>|@,=\"' \n\t"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip())


@settings(max_examples=300, deadline=None)
@given(title=_TEXT, abstract=_TEXT, tag=_TEXT)
def test_any_text_round_trips(title: str, abstract: str, tag: str) -> None:
    tag = tag.replace(",", " ").replace(";", " ")  # separators cannot be part of a tag
    paper = make_paper(1, title, abstract=abstract, tags=(tag,) if tag.strip() else ())
    output = render_bibtex([paper])
    assert bibtexparser.parse_string(output).failed_blocks == []
    (entry,), _ = parse_bibtex(output, "x.bib")

    def folded(text: str) -> str:
        return " ".join(safe(text).split())

    assert entry.title == folded(title)
    assert entry.abstract == folded(abstract)
    assert entry.tags == ((folded(tag),) if folded(tag) else ())
