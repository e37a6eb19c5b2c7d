"""arXiv ids, DOIs and citation keys: every pasted spelling, near-misses and hostile input."""

from __future__ import annotations

import dataclasses
import time

import pytest

from reader.identifiers import (
    Identifier,
    IdentifierError,
    arxiv_abs_url,
    arxiv_pdf_url,
    arxiv_version,
    citation_key,
    doi_url,
    find_arxiv_id,
    normalize_citekey,
    parse_arxiv_id,
    parse_doi,
    parse_identifier,
    require_identifier,
    unique_citation_key,
)
from reader.models import Author, ReaderError

SICI = "10.1002/(SICI)1097-4636(199706)35:4<515::AID-JBM12>3.0.CO;2-B"

ARXIV_ACCEPTED = [
    # new style, 5 and 4 digits
    ("2106.09685", "2106.09685", None),
    ("2106.09685v2", "2106.09685", 2),
    ("2106.09685V2", "2106.09685", 2),
    ("1706.03762v12", "1706.03762", 12),
    ("0704.0001", "0704.0001", None),
    ("1412.7980", "1412.7980", None),
    ("1501.00001", "1501.00001", None),
    ("  2106.09685 \n", "2106.09685", None),
    # prefixes
    ("arXiv:2106.09685", "2106.09685", None),
    ("arxiv:2106.09685v3", "2106.09685", 3),
    ("ARXIV: 2106.09685", "2106.09685", None),
    ("arXiv : 2106.09685", "2106.09685", None),
    ("arXiv 2106.09685", "2106.09685", None),
    ("arXiv:1810.04805 [cs.CL]", "1810.04805", None),
    ("arXiv:hep-th/9901001", "hep-th/9901001", None),
    # old style
    ("hep-th/9901001", "hep-th/9901001", None),
    ("hep-th/9901001v2", "hep-th/9901001", 2),
    ("HEP-TH/9901001", "hep-th/9901001", None),
    ("math.GT/0309136", "math/0309136", None),
    ("cond-mat.mes-hall/0102536", "cond-mat/0102536", None),
    ("cs/0112017", "cs/0112017", None),
    ("math-ph/0703001", "math-ph/0703001", None),
    ("hep-th/9108001", "hep-th/9108001", None),
    ("q-bio/0312001", "q-bio/0312001", None),
    # arxiv.org URLs
    ("https://arxiv.org/abs/1706.03762", "1706.03762", None),
    ("http://arxiv.org/abs/1706.03762v5", "1706.03762", 5),
    ("https://arxiv.org/pdf/1706.03762", "1706.03762", None),
    ("https://arxiv.org/pdf/1706.03762v5.pdf", "1706.03762", 5),
    ("https://arxiv.org/pdf/1706.03762.pdf", "1706.03762", None),
    ("https://arxiv.org/html/2106.09685v2", "2106.09685", 2),
    ("arxiv.org/abs/hep-th/9901001", "hep-th/9901001", None),
    ("https://arxiv.org/abs/math.GT/0309136v1", "math/0309136", 1),
    ("https://export.arxiv.org/abs/1706.03762", "1706.03762", None),
    ("https://www.arxiv.org/abs/1706.03762", "1706.03762", None),
    ("HTTPS://ARXIV.ORG/ABS/1706.03762", "1706.03762", None),
    ("https://arxiv.org/abs/1706.03762/", "1706.03762", None),
    ("https://arxiv.org/abs/1706.03762?context=cs", "1706.03762", None),
    ("https://arxiv.org/abs/1706.03762v2#S3", "1706.03762", 2),
    ("https://arxiv.org/pdf/1706.03762v5.pdf?download=1", "1706.03762", 5),
    # Hugging Face and alphaxiv
    ("https://huggingface.co/papers/2106.09685", "2106.09685", None),
    ("huggingface.co/papers/2106.09685?utm=x", "2106.09685", None),
    ("https://hf.co/papers/2106.09685", "2106.09685", None),
    ("https://alphaxiv.org/abs/2106.09685", "2106.09685", None),
    ("https://www.alphaxiv.org/overview/2106.09685v1", "2106.09685", 1),
    # arXiv's DOIs
    ("10.48550/arXiv.2106.09685", "2106.09685", None),
    ("doi:10.48550/arxiv.2106.09685", "2106.09685", None),
    ("https://doi.org/10.48550/arXiv.2106.09685", "2106.09685", None),
    ("10.48550/arXiv.hep-th/9901001", "hep-th/9901001", None),
]

ARXIV_REFUSED = [
    "",
    "   ",
    "\n\t",
    "2106.0968",  # too short for 2021
    "2106.096855",  # six digits
    "2113.00001",  # month 13
    "2100.00001",  # month 0
    "0612.1234",  # before new-style ids began
    "1412.12345",  # five digits before 2015
    "1501.1234",  # four digits from 2015
    "1706.03762v",
    "1706.03762v0",
    "1706.03762vv2",
    "1706.03762v2v3",
    "1706.03762.",
    "1706.03762.pdf",
    "17060.3762",
    "1706,03762",
    "1234",
    "12345678",
    "170603762",
    "arxiv1706.03762",
    "arXiv:",
    "arXiv:arXiv:1706.03762",
    "see 1706.03762",
    "1706.03762 is great",
    "arXiv:1706.03762 and more",
    "hep-th/990100",
    "hep-th/99010011",
    "hep-th/9913001",  # month 13
    "hep-th/0801001",  # old style ended in 0703
    "hep-th/9901001v",
    "foo-th/9901001",
    "stat/0601001",  # no old-style stat archive
    "hep-th9901001",
    "https://evil.example/abs/1706.03762",
    "https://arxiv.org.evil.example/abs/1706.03762",
    "https://arxiv.org/list/cs.LG/1706",
    "https://arxiv.org/abs/",
    "https://arxiv.org/abs/1706.03762 extra",
    "ftp://arxiv.org/abs/1706.03762",
    "https://huggingface.co/2106.09685",
    "httpſ://arxiv.org/abs/1706.03762",  # long s folds to s only in Unicode matching
    "10.48550/arXiv.2106.0968",
    "10.1038/nature14539",
    # Unicode digits and invisible characters are never id digits
    "２１０６.０９６８５",
    "²106.09685",
    "٢١٠٦.٠٩٦٨٥",
    "۲۱۰۶.۰۹۶۸۵",
    "2106.0968٥",
    "2106.09685v²",
    "2106\u200b.09685",
    "2106.09685\x00",
    "\x002106.09685",
    "2106.09685\u202e",
    "https://arxiv.org/abs/1706.03762?\x00",
]


@pytest.mark.parametrize(("text", "expected", "version"), ARXIV_ACCEPTED)
def test_parse_arxiv_id_accepts(text: str, expected: str, version: int | None) -> None:
    assert parse_arxiv_id(text) == expected
    assert arxiv_version(text) == version


@pytest.mark.parametrize("text", ARXIV_REFUSED)
def test_parse_arxiv_id_refuses(text: str) -> None:
    assert parse_arxiv_id(text) is None
    assert arxiv_version(text) is None


def test_parse_arxiv_id_none() -> None:
    assert parse_arxiv_id(None) is None
    assert arxiv_version(None) is None


DOI_ACCEPTED = [
    ("10.1038/nature14539", "10.1038/nature14539"),
    ("doi:10.1038/nature14539", "10.1038/nature14539"),
    ("DOI: 10.1038/NATURE14539", "10.1038/nature14539"),
    ("doi : 10.1038/nature14539", "10.1038/nature14539"),
    ("https://doi.org/10.1038/nature14539", "10.1038/nature14539"),
    ("http://dx.doi.org/10.1038/nature14539", "10.1038/nature14539"),
    ("https://www.doi.org/10.1038/nature14539", "10.1038/nature14539"),
    ("doi.org/10.1038/nature14539", "10.1038/nature14539"),
    ("info:doi/10.1038/nature14539", "10.1038/nature14539"),
    ("https://doi.org/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
    ("  10.1038/nature14539\n", "10.1038/nature14539"),
    ("10.1000.10/123456", "10.1000.10/123456"),
    ("10.123456789/x", "10.123456789/x"),
    ("10.1007/978-3-319-24574-4_28", "10.1007/978-3-319-24574-4_28"),
    (SICI, SICI.lower()),
    ("doi:" + SICI + ".", SICI.lower()),
    ("10.1016/S0140-6736(20)30183-5", "10.1016/s0140-6736(20)30183-5"),
    ("(10.1016/S0140-6736(20)30183-5)", "10.1016/s0140-6736(20)30183-5"),
    # prose punctuation
    ("10.1038/nature14539.", "10.1038/nature14539"),
    ("10.1038/nature14539,", "10.1038/nature14539"),
    ("10.1038/nature14539;", "10.1038/nature14539"),
    ("10.1038/nature14539).", "10.1038/nature14539"),
    ("(doi:10.1038/nature14539)", "10.1038/nature14539"),
    ("[10.1038/nature14539]", "10.1038/nature14539"),
    ("{10.1038/nature14539}", "10.1038/nature14539"),
    ("<https://doi.org/10.1038/nature14539>", "10.1038/nature14539"),
    ('"10.1038/nature14539"', "10.1038/nature14539"),
    ("10.1038/nature14539'.", "10.1038/nature14539"),
    # percent-encoding
    ("10.1002%2Fanie.201915678", "10.1002/anie.201915678"),
    ("https://doi.org/10.1002%2F%28SICI%291097-4636", "10.1002/(sici)1097-4636"),
    (
        "https://doi.org/10.1002/(SICI)1097-4636(199706)35%3A4%3C515",
        "10.1002/(sici)1097-4636(199706)35:4<515",
    ),
    # the suffix may be any printable text
    ("10.1234/café", "10.1234/café"),
    ("10.1234/a#b?c", "10.1234/a#b?c"),
    ("10.48550/arXiv.2106.09685", "10.48550/arxiv.2106.09685"),
]

DOI_REFUSED = [
    "",
    "(see) 10.1038/x",
    "   ",
    "10.1038",
    "10.1038/",
    "10.1038/.",
    "10.1038/)",
    "11.1234/x",
    "10.12/x",
    "10.123/x",
    "10.1234567890/x",
    "10./x",
    "10.1234.x/y",
    "x10.1038/x",
    "doi:",
    "doi:doi:10.1038/x",
    "https://doi.org/",
    "https://example.org/10.1038/x",
    "hello",
    "10.1038/a b",
    "10.1038/ nature",
    "10.1038/a\u00a0b",
    "10.1038/x\x00y",
    "10.1038/x\x1b[31m",
    "10.1038/x\u200by",
    "10.1038/x%00y",
    "10.1038/x%20y",
    "10.1038/%ff",
    "10.١٠٣٨/x",
    "10.１０３８/x",
    "10.10３8/x",
    "²0.1038/x",
    "10.1234/" + "a" * 1000,
]


@pytest.mark.parametrize(("text", "expected"), DOI_ACCEPTED)
def test_parse_doi(text: str, expected: str | None) -> None:
    assert parse_doi(text) == expected


@pytest.mark.parametrize("text", DOI_REFUSED)
def test_parse_doi_refuses(text: str) -> None:
    assert parse_doi(text) is None


def test_parse_doi_none() -> None:
    assert parse_doi(None) is None


@pytest.mark.parametrize(
    ("text", "kind", "value", "version"),
    [
        ("2106.09685v2", "arxiv", "2106.09685", 2),
        ("https://huggingface.co/papers/2106.09685", "arxiv", "2106.09685", None),
        ("https://doi.org/10.48550/arXiv.2106.09685", "arxiv", "2106.09685", None),
        ("hep-th/9901001", "arxiv", "hep-th/9901001", None),
        ("https://doi.org/10.1038/nature14539", "doi", "10.1038/nature14539", None),
        (SICI, "doi", SICI.lower(), None),
    ],
)
def test_parse_identifier(text: str, kind: str, value: str, version: int | None) -> None:
    identifier = parse_identifier(f"  {text} ")
    assert identifier == Identifier(kind, value, version, f"  {text} ")
    assert require_identifier(text) == Identifier(kind, value, version, text)


@pytest.mark.parametrize("text", ["", "  ", None, "foo", "2106.0968", "10.12/x", "\x00"])
def test_parse_identifier_refuses(text: str | None) -> None:
    assert parse_identifier(text) is None


def test_identifier_is_frozen_and_has_a_url() -> None:
    arxiv = parse_identifier("arXiv:1706.03762v5")
    doi = parse_identifier("doi:10.1002/(SICI)1097-4636(199706)35:4<515")
    assert arxiv is not None and doi is not None
    assert arxiv.url == "https://arxiv.org/abs/1706.03762"
    assert doi.url == "https://doi.org/10.1002/(sici)1097-4636(199706)35:4%3C515"
    with pytest.raises(dataclasses.FrozenInstanceError):
        arxiv.value = "x"  # type: ignore[misc]


def test_require_identifier_message() -> None:
    with pytest.raises(IdentifierError) as caught:
        require_identifier("foo")
    assert isinstance(caught.value, ReaderError)
    assert str(caught.value) == (
        "'foo' is not an arXiv id, arXiv or Hugging Face papers URL, or DOI"
    )


@pytest.mark.parametrize("text", ["two\nlines", "bell\x07", "x" * 5000, "", "  padded  "])
def test_require_identifier_message_is_one_short_line(text: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        require_identifier(text)
    message = str(caught.value)
    assert "\n" not in message and message.isprintable()
    assert len(message) < 150
    assert message.endswith("is not an arXiv id, arXiv or Hugging Face papers URL, or DOI")


FIND_CASES = [
    ("arXiv preprint arXiv:1810.04805", False, "1810.04805"),
    ("{arXiv preprint arXiv:1810.04805}", False, "1810.04805"),
    ("arXiv:1810.04805 [cs.CL]", False, "1810.04805"),
    ("ArXiv e-prints, arXiv:1706.03762v5", False, "1706.03762"),
    ("arXiv 1706.03762", False, "1706.03762"),
    ("arXiv: hep-th/9901001", False, "hep-th/9901001"),
    ("https://arxiv.org/abs/1810.04805v2", False, "1810.04805"),
    ("see http://arxiv.org/pdf/hep-th/9901001v1.pdf for details", False, "hep-th/9901001"),
    ("\\url{https://huggingface.co/papers/2106.09685}", False, "2106.09685"),
    ("10.48550/arXiv.1810.04805", False, "1810.04805"),
    ("arXiv:2113.00001 and then arXiv:1810.04805", False, "1810.04805"),
    ("The score was 1234.56789 in the table", False, None),
    ("1810.04805", False, None),
    ("CoRR abs/1810.04805", False, None),
    ("myarxiv:1810.04805", False, None),
    ("arXiv:1706.03762v", False, None),
    ("arXiv:18100.4805", False, None),
    ("arXiv:1810.048051", False, None),
    ("arXiv:²810.04805", False, None),
    ("arXiv:١٨١٠.٠٤٨٠٥", False, None),
    ("arXiv.org e-Print archive", False, None),
    ("", False, None),
    ("1810.04805", True, "1810.04805"),
    ("{1810.04805}", True, "1810.04805"),
    (" 1810.04805v3 ", True, "1810.04805"),
    ("hep-th/9901001", True, "hep-th/9901001"),
    ("math.GT/0309136", True, "math/0309136"),
    ("arXiv:1706.03762 (also 1810.04805)", True, "1706.03762"),
    ("1.1810.04805", True, None),
    ("1810.048051", True, None),
    ("x1810.04805", True, None),
    ("2019.12345", True, None),
    ("", True, None),
]


@pytest.mark.parametrize(("text", "bare", "expected"), FIND_CASES)
def test_find_arxiv_id(text: str, bare: bool, expected: str | None) -> None:
    assert find_arxiv_id(text, bare=bare) == expected


def test_find_arxiv_id_none() -> None:
    assert find_arxiv_id(None) is None
    assert find_arxiv_id(None, bare=True) is None


@pytest.mark.parametrize(
    ("text", "abs_url", "pdf_url"),
    [
        ("1706.03762", "https://arxiv.org/abs/1706.03762", "https://arxiv.org/pdf/1706.03762"),
        ("arXiv:1706.03762v5", "https://arxiv.org/abs/1706.03762v5", None),
        ("hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001", None),
        ("https://huggingface.co/papers/2106.09685", "https://arxiv.org/abs/2106.09685", None),
    ],
)
def test_arxiv_urls(text: str, abs_url: str, pdf_url: str | None) -> None:
    assert arxiv_abs_url(text) == abs_url
    assert arxiv_pdf_url(text) == (pdf_url or abs_url.replace("/abs/", "/pdf/"))


@pytest.mark.parametrize("text", ["", "nope", "2106.0968", "10.1038/x"])
def test_arxiv_urls_refuse(text: str) -> None:
    with pytest.raises(IdentifierError, match="is not an arXiv id"):
        arxiv_abs_url(text)
    with pytest.raises(IdentifierError):
        arxiv_pdf_url(text)


@pytest.mark.parametrize(
    ("doi", "url"),
    [
        ("10.1038/nature14539", "https://doi.org/10.1038/nature14539"),
        ("doi:10.1038/nature14539", "https://doi.org/10.1038/nature14539"),
        ("https://doi.org/10.1038/x", "https://doi.org/10.1038/x"),
        (
            SICI.lower(),
            "https://doi.org/10.1002/(sici)1097-4636(199706)35:4%3C515::aid-jbm12%3E3.0.co;2-b",
        ),
        ("10.1234/a#b?c%d", "https://doi.org/10.1234/a%23b%3Fc%25d"),
        ('10.1234/a[1]{2}^|`\\"', "https://doi.org/10.1234/a%5B1%5D%7B2%7D%5E%7C%60%5C%22"),
        ("10.1234/café", "https://doi.org/10.1234/caf%C3%A9"),
        ("10.1234/a+b=c,d;e@f!$&'*", "https://doi.org/10.1234/a+b=c,d;e@f!$&'*"),
    ],
)
def test_doi_url(doi: str, url: str) -> None:
    assert doi_url(doi) == url


@pytest.mark.parametrize("doi", ["", "nope", "10.12/x", "10.1038/a b", "10.1038/\x00"])
def test_doi_url_refuses(doi: str) -> None:
    with pytest.raises(IdentifierError, match="is not a DOI"):
        doi_url(doi)


VASWANI = (Author("Vaswani", "Ashish"), Author("Shazeer", "Noam"))

KEY_CASES = [
    (VASWANI, 2017, "Attention Is All You Need", None, "vaswani2017attention"),
    (VASWANI, None, "Attention Is All You Need", None, "vaswaniattention"),
    (VASWANI, None, "Attention Is All You Need", 2018, "vaswani2018attention"),
    (VASWANI, 2017, "Attention Is All You Need", 2018, "vaswani2017attention"),
    ((Author("Hu", "Edward"),), 2021, "LoRA: Low-Rank Adaptation", None, "hu2021lora"),
    ((Author("Kerbl"),), 2023, "3D Gaussian Splatting", None, "kerbl20233d"),
    ((Author("Müller"),), 2020, "Über Alles", None, "muller2020uber"),
    ((Author("Ørsted"),), 1820, "The Æther", None, "orsted1820aether"),
    ((Author("Łukasiewicz"),), 1920, "Logika trójwartościowa", None, "lukasiewicz1920logika"),
    ((Author("Weiß"),), 2001, "Straße", None, "weiss2001strasse"),
    ((Author("Đorđević"),), 2010, "Đak", None, "dordevic2010dak"),
    ((Author("van der Berg", "Jan"),), 2019, "On the Moon", None, "vanderberg2019moon"),
    ((Author("Lévy-Leblond"),), 1976, "One more", None, "levyleblond1976one"),
    ((Author("{OpenAI}"),), 2023, "GPT-4 Technical Report", None, "openai2023gpt4"),
    ((Author("O'Brien"),), 2022, "Self-Attention, Revisited", None, "obrien2022selfattention"),
    ((Author("Smith"),), 2020, "The Towards Using of A", None, "smith2020"),
    ((Author("Smith"),), 2020, "", None, "smith2020"),
    ((Author("Smith"),), 2020, "What's Next?", None, "smith2020whats"),
    ((Author("Ｓｍｉｔｈ"),), 2020, "ｆｕｌｌ width", None, "smith2020full"),
    ((Author("", "Plato"),), None, "Republic", None, "platorepublic"),
    # no authors: first word, year, second word
    ((), 2017, "Attention Is All You Need", None, "attention2017need"),
    ((), None, "Attention Is All You Need", 2017, "attention2017need"),
    ((), None, "Attention Is All You Need", None, "attentionneed"),
    ((), 2017, "Attention", None, "attention2017"),
    ((), 2017, "", None, "paper2017"),
    ((), None, "", None, "paper"),
    ((), None, "   ", None, "paper"),
    ((), 2017, "日本語のタイトル", None, "paper2017"),
    ((), 2017, "The Of And", None, "paper2017"),
    # a name with no ASCII letters counts as no author
    ((Author("张", "伟"),), 2020, "Deep Residual Learning", None, "deep2020residual"),
    ((Author("张"),), 2020, "深度学习", None, "paper2020"),
    ((Author("Kerbl"),), 0, "Splatting", None, "kerblsplatting"),
    ((Author("a" * 100),), 2020, "b" * 100, None, "a" * 30 + "2020" + "b" * 30),
    ((Author("Smith\x00"),), 2020, "Ctrl\x07 \x1b[31mred", None, "smith2020ctrl"),
]


@pytest.mark.parametrize(("authors", "year", "title", "listed", "expected"), KEY_CASES)
def test_citation_key(
    authors: tuple[Author, ...], year: int | None, title: str, listed: int | None, expected: str
) -> None:
    key = citation_key(authors, year, title, listed_year=listed)
    assert key == expected
    assert normalize_citekey(key) == key


def test_unique_citation_key() -> None:
    taken = {"vaswani2017attention", "vaswani2017attention-2"}
    assert unique_citation_key("hu2021lora", taken.__contains__) == "hu2021lora"
    assert unique_citation_key("vaswani2017attention", taken.__contains__) == (
        "vaswani2017attention-3"
    )
    assert unique_citation_key("x", {"x"}.__contains__) == "x-2"


def test_unique_citation_key_gives_up() -> None:
    with pytest.raises(ReaderError, match="no free citation key"):
        unique_citation_key("x", lambda key: True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vaswani2017attention", "vaswani2017attention"),
        ("  Vaswani2017:Attention-2 ", "Vaswani2017:Attention-2"),
        ("a_b.c/d+e@f!", "a_b.c/d+e@f!"),
        ("x" * 200, "x" * 200),
    ],
)
def test_normalize_citekey(text: str, expected: str) -> None:
    assert normalize_citekey(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "cannot be empty"),
        ("   ", "cannot be empty"),
        ("a b", "no spaces"),
        ("a\tb", "no spaces"),
        ("a\nb", "no spaces"),
        ("a\u00a0b", "no spaces"),
        ("a,b", "no ,"),
        ("a{b}", "no { }"),
        ('a"b', 'no "'),
        ("a'b", "no '"),
        ("a#b", "no #"),
        ("a%b", "no %"),
        ("a~b", "no ~"),
        ("a\\b", r"no \\"),
        ("a=b", "no ="),
        ("a(b)", r"no \( \)"),
        ("müller2020", "ASCII"),
        ("a\x00b", "ASCII"),
        ("a\x7fb", "ASCII"),
        ("a\u200bb", "ASCII"),
        ("x" * 201, "at most 200"),
    ],
)
def test_normalize_citekey_refuses(text: str, reason: str) -> None:
    with pytest.raises(ReaderError, match=reason) as caught:
        normalize_citekey(text)
    assert "\n" not in str(caught.value) and str(caught.value).isprintable()


HOSTILE = [
    "1" * 100_000,
    "arXiv:" * 20_000,
    "arxiv " * 20_000,
    "arXiv:1" * 15_000,
    "1234.1234." * 10_000,
    "hep-th/" * 15_000,
    "https://arxiv.org/abs/" + "1" * 100_000,
    "https://arxiv.org/abs/1706.03762?" + "a" * 100_000 + " x",
    "10." + "1" * 100_000,
    "10.1234/" + ")" * 100_000,
    "10.1234/" + "(" * 50_000 + ")" * 50_000,
    "10.1234" + ".1" * 50_000 + "/x",
    "(" * 100_000,
    "%2F" * 33_000,
    "doi:" * 25_000,
    " " * 100_000,
    "\x00" * 100_000,
    "a " * 50_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: repr(text[:12]))
def test_long_hostile_input_is_fast(text: str) -> None:
    start = time.perf_counter()
    assert parse_arxiv_id(text) is None
    assert parse_doi(text) is None
    assert parse_identifier(text) is None
    find_arxiv_id(text)
    find_arxiv_id(text, bare=True)
    citation_key([Author(text)], 2020, text)
    with pytest.raises(ReaderError):
        normalize_citekey(text)
    assert time.perf_counter() - start < 2.0


def test_long_text_with_an_id_at_the_end_is_found_fast() -> None:
    text = "word 1234.56789 " * 6_000 + "arXiv:1810.04805"
    start = time.perf_counter()
    assert find_arxiv_id(text) == "1810.04805"
    assert time.perf_counter() - start < 2.0
