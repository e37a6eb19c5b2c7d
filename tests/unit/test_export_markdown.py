"""Markdown export: a golden file, and proof that imported text renders literally.

The rendered checks go through markdown-it's CommonMark parser and read the resulting HTML the
way a browser would (entities decoded), so they test what a reader of the README would see
rather than which backslashes were written.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/unit/test_export_markdown.py``.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import paper_factory
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from property_examples import examples

from reader.export import ExportDocument, MarkdownOptions
from reader.export.markdown import render_markdown
from reader.models import Annotation, Author, Link, Paper, Source

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "list.md"
SHARED_GOLDEN = GOLDEN.with_name("list-share.md")

TRICKY_TITLES = (
    "LoRA: Low-Rank Adaptation of Large Language Models",
    "1. Not a list, just a title with *stars* and __underscores__",
    "<script>alert('owned')</script> & &amp; &copy; entities",
    "Click [here](http://evil.example) or ![pixel](http://evil.example/p.png)",
    "Autolinks <https://x.example> and <b>raw</b> HTML",
    "Pipes | in `backticks` ``twice`` and # hashes ~~struck~~ $x$",
    "- Leading dash",
    "+ Leading plus",
    "# Looks like a heading #",
    "> Looks like a quote",
    "2) Ordered with a paren",
    "Back\\slash and a trailing backslash\\",
    "Ünïcödé: 日本語のタイトル — naïve café",
    "BibTeX specials: 100% {braces} & $math$ #1 under_score ^caret ~tilde",
)


def make_paper(index: int, title: str, **fields: object) -> Paper:
    fields.setdefault("template", "Abstract of paper {index}.")
    return paper_factory.make_paper(index, title, **fields)  # type: ignore[arg-type]


def library() -> tuple[Paper, ...]:
    """A small library with every kind of item: linked, plain, rated, tagged, annotated."""
    papers = [
        make_paper(
            1,
            TRICKY_TITLES[0],
            links=(
                Link("https://arxiv.org/abs/2106.09685", "web"),
                Link("https://github.com/microsoft/LoRA", "code"),
            ),
            tags=("fine-tuning", "peft"),
            authors=(
                Author("Hu", "Edward J."),
                Author("Shen", "Yelong"),
                Author("Wallis", "Phillip"),
                Author("Allen-Zhu", "Zeyuan"),
            ),
            year=2021,
            arxiv="2106.09685",
            rating=4,
            status="read",
            read_at="2024-03-20",
            annotations=(
                Annotation(
                    id=1,
                    paper_id=1,
                    body="Cheap **and** good.\n\n- rank 8 is plenty\n- try it on 7B  ",
                    quote="We hypothesize that the change in weights has a low *intrinsic rank*.",
                    created="2024-03-20",
                    updated="2024-03-20",
                ),
            ),
        ),
        make_paper(
            2,
            "Attention Is All You Need",
            sources=(Source("mar-11.txt", "Mar 11"), Source("apr-02.txt", "Apr 2")),
            status="reading",
            tags=("transformers", "a`tick", "`edge"),
            authors=(Author("Vaswani", "Ashish"), Author("OpenAI")),
            doi="10.5555/3295222.3295349",
        ),
    ]
    for offset, title in enumerate(TRICKY_TITLES[1:], start=3):
        url = f"https://example.org/p/{offset}?a=1&copy=2 (v2)"
        papers.append(
            make_paper(
                offset,
                title,
                abstract=f"Abstract quoting the title: {title}",
                url=url if offset % 2 else None,
                links=(Link(url, "web"),) if offset % 2 else (),
                rating=(offset % 5) + 1 if offset % 3 == 0 else None,
                status="read" if offset % 4 == 0 else "unread",
                tags=("<b>tag</b>", "q&a/*star*") if offset == 5 else (),
            )
        )
    return tuple(papers)


def document(**fields: object) -> ExportDocument:
    values: dict[str, object] = {
        "title": "Reading group: *spring* <2024> & friends",
        "papers": library(),
        "description": "We meet on **Thursdays**; bring one question per paper.",
        "is_list": True,
    }
    values.update(fields)
    return ExportDocument(**values)  # type: ignore[arg-type]


class _Items(HTMLParser):
    """Text of the heading and of each top-level list item, one entry per visual line."""

    BLOCKS = frozenset({"p", "br", "li", "ul", "ol", "blockquote", "h1", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.heading: list[str] = []
        self.in_heading = False
        self.items: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("ul", "ol"):
            self.depth += 1
        elif tag == "li" and self.depth == 1:
            self.items.append("")
        elif tag == "h1":
            self.in_heading = True
        if tag in self.BLOCKS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.depth -= 1
        elif tag == "h1":
            self.in_heading = False
        if tag in self.BLOCKS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.in_heading:
            self.heading.append(data)
        elif self.items and self.depth >= 1:
            self.items[-1] += data

    def _newline(self) -> None:
        if self.items and self.depth >= 1:
            self.items[-1] += "\n"

    def lines(self, index: int) -> list[str]:
        """The item's non-blank lines: its head, its meta line, then any paragraphs."""
        return [line.strip() for line in self.items[index].splitlines() if line.strip()]


def rendered(markdown: str) -> tuple[str, _Items]:
    html = MarkdownIt("commonmark").render(markdown)
    parser = _Items()
    parser.feed(html)
    parser.close()
    return html, parser


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_golden_file() -> None:
    output = render_markdown(document(), MarkdownOptions(abstracts=True))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(output, encoding="utf-8", newline="\n")
    assert output == GOLDEN.read_text(encoding="utf-8")


def test_shared_golden_file() -> None:
    output = render_markdown(document(), MarkdownOptions(share=True))
    if os.environ.get("UPDATE_GOLDEN"):
        SHARED_GOLDEN.write_text(output, encoding="utf-8", newline="\n")
    assert output == SHARED_GOLDEN.read_text(encoding="utf-8")


def test_deterministic_and_tidy() -> None:
    doc = document()
    output = render_markdown(doc)
    assert output == render_markdown(doc)
    assert output.endswith("\n") and not output.endswith("\n\n")
    assert all(line == line.rstrip() for line in output.splitlines())
    assert "\t" not in output
    assert output.startswith("# Reading group")


def test_titles_render_literally() -> None:
    doc = document()
    html, parsed = rendered(render_markdown(doc, MarkdownOptions(abstracts=True)))
    assert "".join(parsed.heading) == doc.title
    assert len(parsed.items) == len(doc.papers)
    for index, paper in enumerate(doc.papers):
        head = parsed.lines(index)[0]
        box = "[x] " if paper.status == "read" else "[ ] "
        code = " · code" if paper.code_link else ""
        assert head == box + one_line(paper.title) + code


def test_titles_create_no_links_or_html() -> None:
    doc = document()
    html, parsed = rendered(render_markdown(doc, MarkdownOptions(abstracts=True)))
    expected = sum(bool(paper.landing_page) + bool(paper.code_link) for paper in doc.papers)
    anchors = [attrs for tag, attrs in parsed.tags if tag == "a"]
    assert len(anchors) == expected
    assert html.count("<a ") == expected
    for tag in ("<script", "<img", "<b>", "<h2", "<ol", "<hr"):
        assert tag not in html
    # The one real blockquote is the note's quote, inside the first item.
    assert html.count("<blockquote>") == 1


def test_link_targets() -> None:
    doc = document()
    _, parsed = rendered(render_markdown(doc))
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    expected = [url for paper in doc.papers for url in (paper.landing_page, paper.code_link) if url]
    assert [unquote(href or "").replace("&amp;", "&") for href in hrefs] == expected
    # The title goes to the arXiv page; the code has a link of its own.
    assert hrefs[:2] == ["https://arxiv.org/abs/2106.09685", "https://github.com/microsoft/LoRA"]
    # Without arXiv id, the DOI link.
    assert hrefs[2] == "https://doi.org/10.5555/3295222.3295349"


@pytest.mark.parametrize(
    ("fields", "target"),
    [
        ({"arxiv": "1706.03762", "doi": "10.1/x", "url": "https://a.example"}, "https://arxiv.org/abs/1706.03762"),
        ({"doi": "10.1234/x", "url": "https://a.example"}, "https://doi.org/10.1234/x"),
        ({"url": "https://a.example/p"}, "https://a.example/p"),
        ({"links": (Link("https://a.example/project", "web"),)}, None),
    ],
)  # fmt: skip
def test_the_title_links_to_the_landing_page(fields: dict[str, object], target: str | None) -> None:
    paper = make_paper(1, "Plain", sources=(), listed=None, **fields)
    output = render_markdown(ExportDocument(title="T", papers=(paper,)))
    head = output.splitlines()[-1]
    assert head == (f"- [ ] [Plain]({target})" if target else "- [ ] Plain")


def test_only_web_links_are_linked() -> None:
    paper = make_paper(1, "Evil", url="javascript:alert(1)")
    output = render_markdown(ExportDocument(title="T", papers=(paper,)))
    assert "javascript" not in output
    assert "- [ ] Evil" in output


def test_progress_and_task_boxes() -> None:
    doc = document()
    output = render_markdown(doc)
    done = sum(paper.status == "read" for paper in doc.papers)
    assert f"\n\n{done} of {len(doc.papers)} read\n\n" in output
    boxes = re.findall(r"^- \[([ x])\] ", output, flags=re.MULTILINE)
    assert boxes == ["x" if paper.status == "read" else " " for paper in doc.papers]


def test_byline_and_meta_line() -> None:
    _, parsed = rendered(render_markdown(document()))
    assert parsed.lines(0)[1] == "Edward J. Hu, Yelong Shen, Phillip Wallis et al. · 2021"
    assert parsed.lines(0)[2] == "Listed Mar 11 · ★★★★☆ · fine-tuning peft"
    assert parsed.lines(1)[1] == "Ashish Vaswani, OpenAI"
    assert parsed.lines(1)[2] == "Listed Mar 11, Apr 2 · transformers a`tick `edge · reading"
    tagged = next(i for i, paper in enumerate(document().papers) if paper.id == 5)
    assert parsed.lines(tagged)[1].endswith("<b>tag</b> q&a/*star*")


def test_the_shared_version_leaves_out_what_is_only_for_me() -> None:
    doc = document()
    output = render_markdown(doc, MarkdownOptions(share=True))
    assert "★" not in output and "*reading*" not in output
    assert " read\n" not in output  # no "n of m read"
    assert not re.search(r"^- \[[ x]\]", output, flags=re.MULTILINE)
    assert output.count("\n- ") == len(doc.papers)
    assert "We meet on **Thursdays**" in output  # the description stays
    assert "Cheap **and** good." in output  # and so do notes
    assert "`fine-tuning`" in output


def test_notes_are_the_persons_own_markdown() -> None:
    html, parsed = rendered(render_markdown(document()))
    assert "<strong>and</strong>" in html
    assert "<em>intrinsic rank</em>" not in html  # the quote is imported text, kept literal
    lines = parsed.lines(0)  # title, byline, meta line, then the quote and the note
    assert lines[3] == "We hypothesize that the change in weights has a low *intrinsic rank*."
    assert lines[4:] == ["Cheap and good.", "rank 8 is plenty", "try it on 7B"]
    # The note's own list is nested inside the paper's item, not a new top-level list.
    assert len(parsed.items) == len(document().papers)


def test_abstracts_only_when_asked() -> None:
    doc = document()
    without = render_markdown(doc)
    assert "Abstract of paper" not in without
    _, parsed = rendered(render_markdown(doc, MarkdownOptions(abstracts=True)))
    for index, paper in enumerate(doc.papers):
        assert one_line(paper.abstract) in parsed.lines(index)


@pytest.mark.parametrize(
    ("option", "marker"),
    [
        ("notes", "intrinsic"),
        ("tags", "`peft`"),
        ("ratings", "★"),
        ("dates", "Listed"),
        ("links", "](https://github.com/microsoft/LoRA)"),
    ],
)
def test_each_option_turns_its_part_off(option: str, marker: str) -> None:
    doc = document()
    assert marker in render_markdown(doc)
    off = render_markdown(doc, MarkdownOptions(**{option: False}))
    assert marker not in off
    assert off.count("\n- [") == len(doc.papers)


def test_minimal_item_is_one_line() -> None:
    paper = make_paper(1, "Plain", sources=(), listed=None)
    output = render_markdown(ExportDocument(title="T", papers=(paper,)))
    assert output == "# T\n\n0 of 1 read\n\n- [ ] Plain\n"


def test_empty_document() -> None:
    output = render_markdown(ExportDocument(title="", papers=()))
    assert output == "# Papers\n\nNo papers yet.\n"


def test_description_is_kept_as_written() -> None:
    doc = document(description="Line one with *emphasis*  \n\n- a [link](https://x.example)\n\n")
    output = render_markdown(doc)
    assert "Line one with *emphasis*\n\n- a [link](https://x.example)\n\n" in output


_TEXT = st.text(
    alphabet=st.characters(
        min_codepoint=0x20, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc")
    )
    | st.sampled_from("\\`*_[]<>|#!~&$-+=.()0123456789 \t:;\"'/@{}"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip())


@settings(max_examples=examples(300), deadline=None)
@given(title=_TEXT, tag=_TEXT)
def test_any_title_and_tag_render_literally(title: str, tag: str) -> None:
    paper = make_paper(1, title, tags=(tag,), url="https://example.org/x", rating=None)
    html, parsed = rendered(render_markdown(ExportDocument(title=title, papers=(paper,))))
    assert "".join(parsed.heading).strip() == one_line(title)
    lines = parsed.lines(0)
    assert lines[0] == "[ ] " + one_line(title)
    assert lines[1] == "Listed Mar 11 · " + one_line(tag)
    assert html.count("<a ") == 1
    assert "<script" not in html
