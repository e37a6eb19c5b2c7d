"""BibTeX import keeps the whole record: one table row per quirk reference managers write."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.importers import import_files
from reader.importers.bibtex import parse_bibtex
from reader.incoming import ParsedPaper
from reader.models import Author
from reader.store import Library


def read(fields: str, kind: str = "misc", folder: Path | None = None) -> ParsedPaper:
    text = f"@{kind}{{key,\n  title = {{T}},\n{fields}\n}}\n"
    (paper,), _ = parse_bibtex(text, "refs.bib", folder=folder)
    return paper


def warnings_of(fields: str) -> list[str]:
    return parse_bibtex(f"@misc{{key,\n  title = {{T}},\n{fields}\n}}\n", "refs.bib")[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Vaswani, Ashish and Shazeer, Noam",
            (Author("Vaswani", "Ashish"), Author("Shazeer", "Noam")),
        ),
        (
            "Ashish Vaswani AND Noam  Shazeer",
            (Author("Vaswani", "Ashish"), Author("Shazeer", "Noam")),
        ),
        ("Donald E. Knuth", (Author("Knuth", "Donald E."),)),
        ("van der Berg, Jan", (Author("van der Berg", "Jan"),)),
        ("Ludwig van Beethoven", (Author("van Beethoven", "Ludwig"),)),
        ("de la Fontaine, Jean", (Author("de la Fontaine", "Jean"),)),
        ("Beeblebrox, IV, Zaphod", (Author("Beeblebrox IV", "Zaphod"),)),
        ("King, Jr., Martin Luther", (Author("King Jr.", "Martin Luther"),)),
        ("{OpenAI}", (Author("OpenAI"),)),
        ("{Barnes and Noble} and Smith, J.", (Author("Barnes and Noble"), Author("Smith", "J."))),
        ("{Google DeepMind} and others", (Author("Google DeepMind"),)),
        ("Smith, John and Others", (Author("Smith", "John"),)),
        ('M{\\"u}ller, Hans', (Author("Müller", "Hans"),)),
        ("Kaiser, {\\L}ukasz", (Author("Kaiser", "Łukasz"),)),
        ("{\\'E}mile Zola", (Author("Zola", "Émile"),)),
        ("Jos{\\'e} Garc{\\'\\i}a", (Author("García", "José"),)),
        ("Aristotle", (Author("Aristotle"),)),
        ("", ()),
    ],
)
def test_authors(value: str, expected: tuple[Author, ...]) -> None:
    assert read(f"  author = {{{value}}},").authors == expected


@pytest.mark.parametrize(
    ("field", "year"),
    [
        ("year = {2017}", 2017),
        ("year = 2017", 2017),
        ('year = "1998"', 1998),
        ("year = {1}", 1),
        ("year = {9999}", 9999),
        ("year = {0}", None),
        ("year = {10000}", None),
        ("year = {2017a}", None),
        ("year = {forthcoming}", None),
        ("year = {٢٠١٧}", None),  # Arabic-Indic digits are not a year
        ("date = {2021-04-12}", 2021),
    ],
)
def test_year(field: str, year: int | None) -> None:
    assert read(f"  {field},").year == year


@pytest.mark.parametrize(
    ("field", "month"),
    [
        ("month = jan", 1),
        ("month = DEC", 12),
        ("month = {January}", 1),
        ("month = {Mar.}", 3),
        ("month = {sept}", 9),
        ("month = {4}", 4),
        ("month = 11", 11),
        ("month = {13}", None),
        ("month = {spring}", None),
        ("date = {2021-04}", 4),
    ],
)
def test_month(field: str, month: int | None) -> None:
    assert read(f"  {field},").month == month


def test_month_macro_defined_in_the_file() -> None:
    text = '@string{spring = "apr"}\n@misc{k, title = {T}, month = spring}\n'
    assert parse_bibtex(text, "x.bib")[0][0].month == 4


@pytest.mark.parametrize(
    ("kind", "field", "venue"),
    [
        (
            "article",
            "journal = {Journal of Machine Learning Research}",
            "Journal of Machine Learning Research",
        ),
        ("article", "journaltitle = {Nature}", "Nature"),
        ("inproceedings", "booktitle = {Proceedings of {ICML} 2020}", "Proceedings of ICML 2020"),
        ("phdthesis", 'school = {ETH Z{\\"u}rich}', "ETH Zürich"),
        ("techreport", "institution = {Bell Labs}", "Bell Labs"),
        ("misc", "howpublished = {Blog post}", "Blog post"),
        ("misc", "howpublished = {\\url{https://example.org/post}}", ""),
    ],
)
def test_venue(kind: str, field: str, venue: str) -> None:
    assert read(f"  {field},", kind).venue == venue


@pytest.mark.parametrize(
    ("kind", "stored"),
    [
        ("Article", "article"),
        ("INPROCEEDINGS", "inproceedings"),
        ("conference", "inproceedings"),
        ("report", "techreport"),
        ("thesis", "phdthesis"),
        ("online", "online"),
        ("electronic", "online"),
        ("patent", "misc"),
    ],
)
def test_entry_type(kind: str, stored: str) -> None:
    assert read("", kind).entry_type == stored


@pytest.mark.parametrize(
    ("field", "doi"),
    [
        ("doi = {10.1038/NATURE14539}", "10.1038/nature14539"),
        ("doi = {https://doi.org/10.1038/nature14539}", "10.1038/nature14539"),
        ("doi = {doi:10.1007/978-3-540-71050-9}", "10.1007/978-3-540-71050-9"),
        (
            "doi = {10.1002/(SICI)1097-4571(199806)49:8\\_693}",
            "10.1002/(sici)1097-4571(199806)49:8_693",
        ),
        ("doi = {not a doi}", None),
    ],
)
def test_doi(field: str, doi: str | None) -> None:
    assert read(f"  {field},").doi == doi


def test_a_bad_doi_is_named_in_a_warning() -> None:
    assert warnings_of("  doi = {10.12/x},") == [
        "refs.bib: key: ignored doi that is not a DOI: 10.12/x"
    ]


@pytest.mark.parametrize(
    ("fields", "arxiv"),
    [
        ("eprint = {1706.03762}, archivePrefix = {arXiv}", "1706.03762"),
        ("eprint = {arXiv:1706.03762v5}, eprinttype = {arxiv}", "1706.03762"),
        ("eprint = {hep-th/9901001}", "hep-th/9901001"),
        ("eprint = {hal-01234567}, archivePrefix = {HAL}", None),
        ("url = {https://arxiv.org/abs/1810.04805v2}", "1810.04805"),
        ("url = {http://arxiv.org/pdf/1810.04805.pdf}", "1810.04805"),
        ("journal = {arXiv preprint arXiv:1810.04805}", "1810.04805"),
        ("doi = {10.48550/arXiv.2106.09685}", "2106.09685"),
        ("note = {see 1234.56789 for details}", None),
    ],
)
def test_arxiv_id(fields: str, arxiv: str | None) -> None:
    assert read(f"  {fields},").arxiv == arxiv


def test_primary_class_becomes_the_category() -> None:
    paper = read("  eprint = {1706.03762}, archivePrefix = {arXiv}, primaryClass = {cs.CL},")
    assert paper.categories == ("cs.CL",)


@pytest.mark.parametrize(
    ("fields", "url", "links"),
    [
        ("url = {https://example.org/paper}", "https://example.org/paper", ("web",)),
        ("url = {https://github.com/microsoft/LoRA}", None, ("code",)),
        ("url = {https://arxiv.org/abs/1706.03762}, eprint = {1706.03762}", None, ()),
        ("url = {https://doi.org/10.1038/nature14539}, doi = {10.1038/nature14539}", None, ()),
        (
            "url = {https://doi.org/10.1038/other}, doi = {10.1038/nature14539}",
            "https://doi.org/10.1038/other",
            ("web",),
        ),
        ("url = {http://localhost/paper}", None, ()),
        ("url = {ftp://example.org/paper}", None, ()),
    ],
)
def test_url_is_the_landing_page_and_code_stays_a_link(
    fields: str, url: str | None, links: tuple[str, ...]
) -> None:
    paper = read(f"  {fields},")
    assert paper.url == url
    assert tuple(link.kind for link in paper.links) == links


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Monge--Kantorovich", "Monge–Kantorovich"),
        ("yes---no", "yes—no"),
        ("two -{}- hyphens", "two -- hyphens"),
        ("R\\&D", "R&D"),
        ('Schr{\\"o}dinger', "Schrödinger"),
        ("{BERT} and {{LoRA}}", "BERT and LoRA"),
        ("$O(n^{-1/2})$ rates", "$O(n^{-1/2})$ rates"),
        ("Trends{\\textregistered} in \\emph{ML}", "Trends® in ML"),
        ("100\\% of \\$5", "100% of $5"),
    ],
)
def test_latex_becomes_unicode_in_every_field(raw: str, text: str) -> None:
    paper = read(
        f"  abstract = {{{raw}}},\n  journal = {{{raw}}},\n  publisher = {{{raw}}},", "article"
    )
    assert paper.abstract == paper.venue == paper.publisher == text
    (titled,), _ = parse_bibtex(f"@misc{{k, title = {{{raw}}}}}\n", "x.bib")
    assert titled.title == text


@pytest.mark.parametrize(
    ("value", "paths"),
    [
        (":papers/a.pdf:PDF", ("papers/a.pdf",)),
        ("Full Text PDF:files/2/y.pdf:application/pdf", ("files/2/y.pdf",)),
        ("files/1/x.pdf", ("files/1/x.pdf",)),
        (":a.pdf:PDF;:b.djvu:DJVU", ("a.pdf", "b.djvu")),
        ("/abs/path/paper.pdf", ("/abs/path/paper.pdf",)),
        ("Scan:C\\:\\\\papers\\\\a.pdf:PDF", ("C:\\papers\\a.pdf",)),
    ],
)
def test_file_fields(value: str, paths: tuple[str, ...], tmp_path: Path) -> None:
    paper = read(f"  file = {{{value}}},", folder=tmp_path)
    expected = tuple(
        path if path.startswith(("/", "C:")) else str(tmp_path / path) for path in paths
    )
    assert paper.files == expected


def test_an_unusable_key_is_kept_out_of_the_record() -> None:
    (paper,), warnings = parse_bibtex("@misc{caf\\'e, title = {T}}\n", "x.bib")
    assert paper.citekey is None
    assert warnings == [
        "x.bib: caf\\'e: 'caf\\'e' is not a citation key (no ' \\); export will make one"
    ]


def test_the_store_attaches_keyword_tags_and_files_that_exist(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "here.pdf").write_bytes(b"%PDF-1.4 test")
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{k,\n  title = {Tagged},\n  keywords = {machine learning; vision},\n"
        "  file = {:papers/here.pdf:PDF;:papers/gone.pdf:PDF},\n}\n",
        encoding="utf-8",
    )
    with Library(tmp_path / "lib.db") as library:
        summary = import_files(library, [bib])
        paper = library.paper("k")
    assert paper.tags == ("machine-learning", "vision")
    assert [Path(item.path).name for item in paper.files] == ["here.pdf"]
    assert paper.files[0].sha256 is not None and len(paper.files[0].sha256) == 64
    assert any("gone.pdf" in warning for warning in summary.warnings)
    assert paper.links == ()
