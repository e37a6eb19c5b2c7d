"""``reader add`` against a loopback arXiv and doi.org: every identifier form, several ids per
request, records as the services give them, and enriching a paper that came from a listing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import Reader
from test_web_support import CSL, Web, loopback_web, text  # noqa: F401 (the web fixture)

from reader import __version__
from reader.models import Author
from reader.store import Library


@pytest.fixture
def reader(tmp_path: Path) -> Reader:
    return Reader(tmp_path / "lib.db")


def requested_ids(web: Web) -> list[list[str]]:
    return [request.args["id_list"].split(",") for request in web.api_requests()]


def test_add_an_arxiv_id_and_a_doi(web: Web, reader: Reader) -> None:
    web.serve_arxiv()
    web.serve_doi()
    out = reader.ok("add", "1706.03762", "10.1038/nature14539").stdout.splitlines()
    assert out == ["added 1 'Attention Is All You Need'", "added 2 'Deep learning'"]
    attention, deep = reader.json("show", "1"), reader.json("show", "2")
    assert attention["authors"][:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert attention["authors"][5] == "Aidan N. Gomez"
    assert (attention["year"], attention["month"]) == (2017, 6)
    assert attention["categories"] == ["cs.CL", "cs.LG"]
    assert attention["abstract"].startswith("The dominant sequence transduction models are")
    assert "\n" not in attention["abstract"]
    assert attention["arxiv"] == "1706.03762" and attention["entry_type"] == "misc"
    assert attention["url"] == attention["landing_page"] == "https://arxiv.org/abs/1706.03762"
    assert attention["sources"] == [{"file": "arXiv", "listed": None}]
    assert deep["authors"] == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    assert (deep["year"], deep["month"], deep["venue"]) == (2015, 5, "Nature")
    assert deep["publisher"] == "Springer Science and Business Media LLC"
    assert deep["entry_type"] == "article" and deep["doi"] == "10.1038/nature14539"
    assert deep["abstract"].startswith("Deep learning allows computational models")
    assert "<" not in deep["abstract"] and "backpropagation algorithm" in deep["abstract"]
    assert "parameters & compute" in deep["abstract"]
    assert deep["landing_page"] == "https://doi.org/10.1038/nature14539"
    (api,) = web.api_requests()
    (doi,) = web.requests("/doi/10.1038/nature14539")
    for request in (api, doi):
        assert request.headers["User-Agent"].startswith(f"reader/{__version__} ")
    assert doi.headers["Accept"] == CSL


@pytest.mark.parametrize(
    "thing",
    [
        "1706.03762",
        "1706.03762v2",
        "arXiv:1706.03762",
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/abs/1706.03762v7",
        "http://export.arxiv.org/abs/1706.03762",
        "https://arxiv.org/pdf/1706.03762",
        "https://arxiv.org/pdf/1706.03762v7.pdf",
        "https://huggingface.co/papers/1706.03762",
    ],
)
def test_every_arxiv_form_asks_for_the_id_without_version(
    web: Web, reader: Reader, thing: str
) -> None:
    web.serve_arxiv()
    assert reader.ok("add", thing).stdout == "added 1 'Attention Is All You Need'\n"
    assert requested_ids(web) == [["1706.03762"]]


@pytest.mark.parametrize(
    "thing",
    ["10.1038/nature14539", "doi:10.1038/NATURE14539", "https://doi.org/10.1038/nature14539"],
)
def test_every_doi_form_asks_the_resolver(web: Web, reader: Reader, thing: str) -> None:
    web.serve_doi()
    assert reader.ok("add", thing).stdout == "added 1 'Deep learning'\n"
    assert len(web.requests("/doi/10.1038/nature14539")) == 1


def test_several_ids_go_in_one_request(web: Web, reader: Reader) -> None:
    web.serve_arxiv()
    reader.ok("add", "1706.03762", "1609.03499", "hep-th/9711200", "arXiv:1706.03762")
    assert requested_ids(web) == [["1706.03762", "1609.03499", "hep-th/9711200"]]
    wavenet = reader.json("show", "1609.03499")
    assert wavenet["authors"][0] == "Aaron van den Oord"
    assert json.loads(reader.ok("export", "--all", "--format", "json").stdout)  # exports fine
    maldacena = reader.json("show", "hep-th/9711200")
    assert maldacena["title"] == (
        "The Large N Limit of Superconformal field theories and supergravity"
    )
    assert maldacena["venue"] == "Adv.Theor.Math.Phys.2:231-252,1998"
    assert maldacena["entry_type"] == "article" and maldacena["year"] == 1997
    assert maldacena["doi"] == "10.1023/a:1026654312961"
    assert maldacena["categories"] == ["hep-th"]


def test_the_van_der_particle_stays_with_the_family_name(web: Web, reader: Reader) -> None:
    web.serve_arxiv()
    reader.ok("add", "1609.03499")
    with Library(reader.db) as library:
        authors = library.paper("1609.03499").authors
    assert authors[0] == Author("van den Oord", "Aaron")
    assert authors[1] == Author("Dieleman", "Sander")


def test_adding_a_listed_paper_enriches_it(web: Web, reader: Reader, fixtures_dir: Path) -> None:
    web.serve_arxiv()
    reader.ok("import", str(fixtures_dir / "listing-3-apr-02.txt"))
    before = reader.json("papers")
    listed = next(paper for paper in before if paper["title"] == "Attention Is All You Need")
    out = reader.ok("add", "1706.03762").stdout
    assert out == (
        f"enriched {listed['id']} 'Attention Is All You Need' "
        "(authors, year, month, arxiv, url, categories)\n"
    )
    after = reader.json("papers")
    assert len(after) == len(before)
    paper = reader.json("show", "1706.03762")
    assert paper["id"] == listed["id"] and paper["abstract"] == listed["abstract"]
    assert paper["authors"][0] == "Ashish Vaswani" and paper["listings"] == ["Apr 2"]
    again = reader.ok("add", "https://arxiv.org/abs/1706.03762v7").stdout
    assert (
        again == f"unchanged {listed['id']} 'Attention Is All You Need' (the library knew it all)\n"
    )
    assert len(reader.json("papers")) == len(before)


def test_add_json_prints_the_papers(web: Web, reader: Reader) -> None:
    web.serve_arxiv()
    web.serve_doi()
    papers = json.loads(reader.ok("add", "10.1038/nature14539", "1706.03762", "--json").stdout)
    assert [paper["title"] for paper in papers] == ["Deep learning", "Attention Is All You Need"]
    assert papers[1]["landing_page"] == "https://arxiv.org/abs/1706.03762"


def test_the_arxiv_package_is_given_reader_s_session(web: Web, reader: Reader) -> None:
    """arxiv.py sends its own User-Agent; the session replaces it and adds a timeout."""
    web.serve_arxiv()
    reader.ok("add", "1706.03762")
    (request,) = web.api_requests()
    assert "arxiv.py" not in request.headers["User-Agent"]
    assert request.args["max_results"] == "1"


def test_a_doi_record_with_particles_and_a_corporate_author(web: Web, reader: Reader) -> None:
    record = json.loads(text("doi-nature14539.json"))
    record["author"] = [
        {"given": "Ludwig", "family": "Beethoven", "non-dropping-particle": "van"},
        {"literal": "The Deep Learning Consortium"},
        {"given": "Martin Luther", "family": "King", "suffix": "Jr."},
    ]
    record["type"] = "paper-conference"
    record["title"] = ["Deep <i>learning</i>"]
    record["container-title"] = ["Proceedings of Things"]
    web.serve_doi(record=record)
    reader.ok("add", "10.1038/nature14539")
    paper = reader.json("show", "1")
    assert paper["title"] == "Deep learning" and paper["entry_type"] == "inproceedings"
    assert paper["authors"] == [
        "Ludwig van Beethoven",
        "The Deep Learning Consortium",
        "Martin Luther King Jr.",
    ]
    assert paper["venue"] == "Proceedings of Things"
