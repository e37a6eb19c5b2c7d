"""The listing-dump parser: layouts, boilerplate, dates, damaged text, links, keys, bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from reader.importers import load_files, read_text
from reader.importers.listing import (
    clean_url,
    decode,
    extract_links,
    link_kind,
    normalize_date,
    normalize_title,
    paper_key,
    parse_listing,
)
from reader.models import Link, ReaderError

BOILERPLATE = (
    "new",
    "Get trending papers in your email inbox!",
    "Get trending papers in your email inbox once a day!",
    "Subscribe",
    "byAK and the research community",
)

TWO = (
    ("Attention Is All You Need", "We propose the Transformer, based solely on attention."),
    ("Deep Residual Learning for Image Recognition", "We present a residual learning framework."),
)


def pairs(listing):
    return [(paper.title, paper.abstract) for paper in listing.papers]


# -- layouts -----------------------------------------------------------------------------------


def test_blank_layout_reads_every_paper_in_order(blank_listing, paper_pairs):
    listing = parse_listing(blank_listing(), "mar-11.txt")
    assert pairs(listing) == list(paper_pairs)
    assert listing.listed == "Mar 11"
    assert listing.source == "mar-11.txt"
    assert all(paper.listed == "Mar 11" for paper in listing.papers)
    assert all(paper.source == "mar-11.txt" for paper in listing.papers)
    assert listing.warnings == ()


def test_compact_layout_gives_identical_papers(blank_listing, compact_listing):
    blank = parse_listing(blank_listing(), "a.txt")
    compact = parse_listing(compact_listing(), "a.txt")
    assert compact.papers == blank.papers
    assert compact.listed == blank.listed == "Mar 11"
    assert compact.warnings == blank.warnings == ()


def test_glued_subscribe_is_removed_from_the_first_title(compact_listing):
    listing = parse_listing(compact_listing(), "a.txt")
    first = listing.papers[0]
    assert first.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert paper_key(first.title) == "lora-low-rank-adaptation-of-large-language-models"
    # Only the first title carries the header word.
    assert not any(paper.title.startswith("Subscribe") for paper in listing.papers)


@pytest.mark.parametrize(
    "title",
    [
        "3D Gaussian Splatting for Real-Time Radiance Field Rendering",
        "xLSTM: Extended Long Short-Term Memory",
        "iVideoGPT: Interactive VideoGPTs are Scalable World Models",
    ],
)
def test_glued_subscribe_is_removed_whatever_the_title_starts_with(title):
    text = f"new\nMar 11\nSubscribe{title}\nAn abstract.\nSecond paper\nAnother abstract.\n"
    listing = parse_listing(text, "a.txt")
    assert listing.papers[0].title == title
    assert len(listing.papers) == 2


def test_a_title_beginning_with_subscribe_survives_when_the_header_word_stands_alone():
    title = "Subscriber Churn Prediction with Graph Networks"
    blank = f"new\n\nSubscribe\n\nMar 11\n\n{title}\n\nAn abstract.\n"
    assert parse_listing(blank, "a.txt").papers[0].title == title
    compact = f"new\nMar 11\nSubscribe{title}\nAn abstract.\n"
    assert parse_listing(compact, "a.txt").papers[0].title == title


def test_shipped_fixture_files_of_both_layouts_agree(fixtures_dir: Path, blank_listing):
    blank = parse_listing(read_text(fixtures_dir / "listing-1-mar-11-blank.txt"), "x.txt")
    compact = parse_listing(read_text(fixtures_dir / "listing-2-mar-11-compact.txt"), "x.txt")
    assert len(blank.papers) == 5
    assert compact.papers == blank.papers
    assert blank.papers == parse_listing(blank_listing(), "x.txt").papers


def test_load_files_names_each_paper_by_its_file(fixtures_dir: Path):
    batch = load_files(
        [fixtures_dir / "listing-1-mar-11-blank.txt", fixtures_dir / "listing-3-apr-02.txt"]
    )
    assert [listing.source for listing in batch.listings] == [
        "listing-1-mar-11-blank.txt",
        "listing-3-apr-02.txt",
    ]
    assert [listing.listed for listing in batch.listings] == ["Mar 11", "Apr 2"]
    assert {paper.source for paper in batch.listings[1].papers} == {"listing-3-apr-02.txt"}


# -- boilerplate -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        (),
        BOILERPLATE,
        tuple(reversed(BOILERPLATE)),
        ("Subscribe",),
        ("new", "byAK and the research community"),
        ("Get trending papers in your email inbox once a day!", "new", "Subscribe"),
        ("byAK and the research community", "Get trending papers in your email inbox!"),
    ],
    ids=["none", "all", "reversed", "subscribe-only", "two", "three", "daily"],
)
@pytest.mark.parametrize("date_first", [False, True], ids=["date-last", "date-first"])
def test_boilerplate_in_any_order_or_missing_is_skipped(header, date_first, blank_listing):
    lines = (["Mar 11"] if date_first else []) + list(header) + ([] if date_first else ["Mar 11"])
    listing = parse_listing(blank_listing(TWO, header=lines, date=None), "a.txt")
    assert pairs(listing) == list(TWO)
    assert listing.listed == "Mar 11"


def test_every_permutation_of_the_header_gives_the_same_papers(blank_listing):
    expected = None
    for order in itertools.permutations(BOILERPLATE):
        listing = parse_listing(blank_listing(TWO, header=order), "a.txt")
        if expected is None:
            expected = listing.papers
        assert listing.papers == expected
    assert pairs_of(expected) == list(TWO)


def pairs_of(papers):
    return [(paper.title, paper.abstract) for paper in papers]


def test_boilerplate_is_case_insensitive(blank_listing):
    header = (
        "NEW",
        "get trending papers in your email inbox!",
        "SUBSCRIBE",
        "byak and the research community",
    )
    listing = parse_listing(blank_listing(TWO, header=header), "a.txt")
    assert pairs(listing) == list(TWO)


def test_a_file_without_a_date_line_has_no_listing_date(blank_listing):
    listing = parse_listing(blank_listing(TWO, date=None), "a.txt")
    assert listing.listed is None
    assert [paper.listed for paper in listing.papers] == [None, None]
    assert pairs(listing) == list(TWO)


def test_a_second_page_pasted_into_the_file_brings_its_own_date(blank_listing):
    first = blank_listing(TWO[:1], date="Mar 11")
    second = blank_listing(TWO[1:], date="Mar 12")
    listing = parse_listing(first + "\n" + second, "two-pages.txt")
    assert pairs(listing) == list(TWO)
    assert [paper.listed for paper in listing.papers] == ["Mar 11", "Mar 12"]


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mar 11", "Mar 11"),
        ("March 11", "Mar 11"),
        ("mar 11", "Mar 11"),
        ("Sept 3", "Sep 3"),
        ("Sep 3", "Sep 3"),
        ("September 3", "Sep 3"),
        ("Apr 02", "Apr 2"),
        ("May 22", "May 22"),
        ("Dec. 1", "Dec 1"),
        ("Jan 1st", "Jan 1"),
    ],
)
def test_date_line_variants_are_normalized(line, expected, blank_listing):
    assert normalize_date(line) == expected
    listing = parse_listing(blank_listing(TWO, date=line), "a.txt")
    assert listing.listed == expected
    assert {paper.listed for paper in listing.papers} == {expected}
    assert pairs(listing) == list(TWO)


@pytest.mark.parametrize("line", ["Marc 11", "Mar 32", "Mar", "11 Mar", "Mayday 3", "Mar 0"])
def test_things_that_are_not_dates(line):
    assert normalize_date(line) is None


# -- damaged text ------------------------------------------------------------------------------


def test_crlf_bom_trailing_spaces_and_stray_blank_lines_change_nothing(blank_listing):
    clean = parse_listing(blank_listing(), "a.txt")
    text = blank_listing()
    damaged = "\r\n".join(line + "   " for line in text.split("\n"))
    damaged = damaged.replace("\r\n\r\n", "\r\n \r\n\t\r\n\r\n", 3)
    data = b"\xef\xbb\xbf" + ("\r\n\r\n" + damaged + "\r\n\r\n\r\n").encode("utf-8")
    listing = parse_listing(decode(data, "a.txt"), "a.txt")
    assert listing.papers == clean.papers
    assert listing.listed == "Mar 11"
    assert listing.warnings == ()


def test_crlf_compact_layout_with_bom(compact_listing, blank_listing):
    data = b"\xef\xbb\xbf" + compact_listing().replace("\n", "\r\n").encode()
    listing = parse_listing(decode(data, "a.txt"), "a.txt")
    assert listing.papers == parse_listing(blank_listing(), "a.txt").papers


def test_bom_is_not_part_of_the_first_line():
    data = "\ufeffnew\nMar 11\nTitle one\nAbstract one\n".encode()
    listing = parse_listing(decode(data, "a.txt"), "a.txt")
    assert pairs(listing) == [("Title one", "Abstract one")]
    assert listing.listed == "Mar 11"


def test_trailing_title_without_abstract_is_kept_with_a_warning(blank_listing):
    text = blank_listing(TWO) + "\nA Paper Whose Abstract Was Cut Off\n\n"
    listing = parse_listing(text, "cut.txt")
    assert len(listing.papers) == 3
    last = listing.papers[-1]
    assert last.title == "A Paper Whose Abstract Was Cut Off"
    assert last.abstract == ""
    assert last.links == ()
    assert len(listing.warnings) == 1
    assert "cut.txt" in listing.warnings[0]
    assert "A Paper Whose Abstract Was Cut Off" in listing.warnings[0]


def test_complete_files_have_no_warnings(blank_listing):
    assert parse_listing(blank_listing(TWO), "a.txt").warnings == ()


# -- links -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://github.com/sail-sg/inceptionnext.", "https://github.com/sail-sg/inceptionnext"),
        (
            "https://github.com/hutaiHang/Faster-Diffusion{FasterDiffusion}.",
            "https://github.com/hutaiHang/Faster-Diffusion",
        ),
        ("http://bit.ly/2nJLNMu).", "http://bit.ly/2nJLNMu"),
        ("https://github.com/microsoft/SPTAG}}.", "https://github.com/microsoft/SPTAG"),
        ("https://github.com/NVlabs/gbrl).", "https://github.com/NVlabs/gbrl"),
        ("https://example.org/page,", "https://example.org/page"),
        ("https://example.org/a;", "https://example.org/a"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://example.org/x/", "https://example.org/x/"),
    ],
)
def test_urls_lose_sentence_punctuation_and_tex_leftovers(raw, expected):
    assert clean_url(raw) == expected
    links = extract_links(f"Code is at {raw} and more text.")
    assert [link.url for link in links] == [expected]


def test_links_in_the_fixture_abstracts(blank_listing):
    listing = parse_listing(blank_listing(), "a.txt")
    by_title = {paper.title.split(":")[0]: paper.links for paper in listing.papers}
    assert by_title["LoRA"] == (Link("https://github.com/microsoft/LoRA", "code"),)
    assert by_title["Faster Diffusion"] == (
        Link("https://github.com/hutaiHang/Faster-Diffusion", "code"),
    )
    assert by_title["InceptionNeXt"] == (Link("https://github.com/sail-sg/inceptionnext", "code"),)
    bird = next(links for title, links in by_title.items() if title.startswith("Removing"))
    assert bird == (Link("http://bit.ly/2nJLNMu", "web"),)
    assert by_title["Vision Transformers Need Registers"] == (
        Link("https://gitlab.com/vit/registers", "code"),
        Link("https://gitee.com/vit/registers", "code"),
        Link("https://huggingface.co/vit/registers", "code"),
        Link("https://vit-registers.example.org/", "web"),
    )


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/a/b", "code"),
        ("https://www.github.com/a/b", "code"),
        ("https://GitHub.com/a/b", "code"),
        ("https://gitlab.com/a/b", "code"),
        ("https://gitee.com/a/b", "code"),
        ("https://huggingface.co/org/model", "code"),
        ("https://hf.co/org/model", "code"),
        ("http://bit.ly/2nJLNMu", "web"),
        ("https://arxiv.org/abs/1706.03762", "web"),
        ("https://sail-sg.github.io/project", "web"),
        ("https://notgithub.com/a", "web"),
    ],
)
def test_code_hosts_are_marked_code_and_others_web(url, kind):
    assert link_kind(url) == kind


def test_links_are_deduplicated_in_order_and_only_http():
    text = (
        "See https://github.com/a/b. Also https://example.org/x, again https://github.com/a/b "
        "and ftp://files.example.org/data and www.example.com and mailto:x@example.org."
    )
    assert [link.url for link in extract_links(text)] == [
        "https://github.com/a/b",
        "https://example.org/x",
    ]


def test_links_are_extracted_from_abstracts_only():
    text = "Mar 11\nSee https://github.com/title/link\nNo links here at all.\n"
    listing = parse_listing(text, "a.txt")
    assert listing.papers[0].links == ()


# -- keys --------------------------------------------------------------------------------------


def test_key_is_a_readable_slug():
    key = paper_key("LoRA: Low-Rank Adaptation of Large Language Models")
    assert key == "lora-low-rank-adaptation-of-large-language-models"


@pytest.mark.parametrize(
    "variant",
    [
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "lora: low-rank adaptation of large language models",
        "LORA LOW RANK ADAPTATION OF LARGE LANGUAGE MODELS",
        "LoRA:  Low-Rank   Adaptation of Large Language Models ",
        "  LoRA - Low Rank Adaptation, of Large Language Models!",
        "LoRA:\tLow–Rank Adaptation of Large Language Models.",
    ],
)
def test_case_punctuation_and_spacing_fold_to_one_key(variant):
    assert paper_key(variant) == "lora-low-rank-adaptation-of-large-language-models"


def test_accents_fold_and_distinct_titles_keep_distinct_keys():
    assert paper_key("Café Über Naïve Models") == paper_key("cafe uber naive models")
    assert normalize_title("Café  Über") == "cafe uber"
    assert paper_key("Attention Is All You Need") != paper_key("Attention Is Not All You Need")


def test_long_titles_get_a_bounded_stable_key():
    title = "A " + "very " * 60 + "long title"
    key = paper_key(title)
    assert len(key) <= 110
    assert key == paper_key(title.upper())
    assert key != paper_key(title + " indeed")


def test_titles_without_letters_still_get_a_key():
    assert paper_key("!!!").startswith("untitled-")
    assert paper_key("!!!") != paper_key("???")


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n  \n",
        "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 11\n",
        "byAK and the research community\nMarch 11\n",
    ],
    ids=["empty", "blank", "header-only", "header-only-compact"],
)
def test_no_papers_is_an_error_naming_the_file(text):
    with pytest.raises(ReaderError, match="empty.txt"):
        parse_listing(text, "empty.txt")


def test_binary_data_is_refused():
    with pytest.raises(ReaderError, match=r"photo\.txt.*binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.txt")


def test_undecodable_bytes_are_refused_with_the_offset():
    with pytest.raises(ReaderError, match=r"latin\.txt.*offset 17"):
        decode("Mar 11\nTitle: caf\xe9\n".encode("latin-1"), "latin.txt")


def test_utf16_with_bom_is_decoded():
    text = "Mar 11\nTitle one\nAbstract one\n"
    assert decode(text.encode("utf-16"), "a.txt") == text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n\t\n", "empty file"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"Mar 11\nT\xe9l\xe9\n", "not UTF-8"),
        (b"new\n\nSubscribe\n\nMar 11\n", "no papers"),
    ],
)
def test_load_files_refuses_bad_files_naming_them(content, message, write_listing):
    path = write_listing("bad.txt", content)
    with pytest.raises(ReaderError, match=message) as caught:
        load_files([path])
    assert "bad.txt" in str(caught.value)


def test_read_text_refuses_missing_files_and_folders(tmp_path: Path):
    with pytest.raises(ReaderError, match="gone.txt"):
        read_text(tmp_path / "gone.txt")
    with pytest.raises(ReaderError, match="folder"):
        read_text(tmp_path)


# -- the shared seeds --------------------------------------------------------------------------


def test_seed_listings_hold_342_papers_312_distinct(seeds_dir: Path):
    batch = load_files(sorted(seeds_dir.glob("*.txt")))
    papers = [paper for listing in batch.listings for paper in listing.papers]
    assert len(batch.listings) == 3
    assert len(papers) == 342
    assert len({paper_key(paper.title) for paper in papers}) == 312
    assert all(paper.title and paper.listed for paper in papers)
    assert not any(paper.title.startswith("Subscribe") for paper in papers)


def test_seed_links_are_clean(seeds_dir: Path):
    batch = load_files(sorted(seeds_dir.glob("*.txt")))
    urls = {link.url for listing in batch.listings for p in listing.papers for link in p.links}
    assert "https://github.com/sail-sg/inceptionnext" in urls
    assert "https://github.com/hutaiHang/Faster-Diffusion" in urls
    assert "http://bit.ly/2nJLNMu" in urls
    assert not any(url.endswith((".", ",", ")", "}", ";")) for url in urls)
    assert not any("{" in url for url in urls)


def test_seeds_in_compact_layout_give_the_same_papers(seeds_dir: Path):
    for path in sorted(seeds_dir.glob("*.txt")):
        text = read_text(path)
        blank = parse_listing(text, path.name)
        lines = [line for line in text.splitlines() if line.strip()]
        index = lines.index("Subscribe")
        del lines[index]
        first_title = next(i for i, line in enumerate(lines) if i >= index and not _header(line))
        lines[first_title] = "Subscribe" + lines[first_title]
        compact = parse_listing("\n".join(lines), path.name)
        assert compact.papers == blank.papers, path.name


def _header(line: str) -> bool:
    return (
        line.casefold() in {b.casefold() for b in BOILERPLATE} or normalize_date(line) is not None
    )
