"""``reader enrich``: listing papers looked up on a loopback arXiv by exact title, several titles
per request; near matches reported, ambiguous titles left alone, each batch kept as it
completes, and ``--dry-run`` writing nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_cli import Reader
from test_web_support import ATOM, Web, loopback_web  # noqa: F401 (the web fixture)
from werkzeug import Request, Response

from reader.web import http
from reader.web.arxiv_api import query_phrase

LORA = "LoRA: low-rank adaptation of LARGE language models"


@pytest.fixture
def listed(tmp_path: Path, fixtures_dir: Path) -> Reader:
    reader = Reader(tmp_path / "lib.db")
    reader.ok("import", str(fixtures_dir / "listing-3-apr-02.txt"))
    return reader


def ids_by_title(reader: Reader) -> dict[str, int]:
    """Titles as output shows them (spacing collapsed; the listing has "LoRA:  low-rank")."""
    return {" ".join(paper["title"].split()): paper["id"] for paper in reader.json("papers")}


def phrases(request: Request) -> list[str]:
    query = request.args["search_query"]
    return [part.removeprefix('ti:"').removesuffix('"') for part in query.split(" OR ")]


def test_dry_run_shows_what_would_change_and_writes_nothing(web: Web, listed: Reader) -> None:
    web.serve_arxiv()
    ids = ids_by_title(listed)
    before = listed.json("papers")
    out = listed.ok("enrich", "--dry-run").stdout.splitlines()
    fields = "(authors, year, month, arxiv, url, categories)"
    assert out == [
        f"would enrich {ids[LORA]} '{LORA}' {fields}",
        f"would enrich {ids['Denoising Diffusion Probabilistic Models']} "
        f"'Denoising Diffusion Probabilistic Models' {fields}",
        f"would enrich {ids['Attention Is All You Need']} 'Attention Is All You Need' {fields}",
        "4 looked up: 3 found, 1 not on arXiv, 0 ambiguous (dry run: nothing was written)",
    ]
    assert listed.json("papers") == before
    (request,) = web.api_requests()
    assert phrases(request) == [
        "lora low rank adaptation of large language models",
        "denoising diffusion probabilistic models",
        "attention is all you need",
        "attention is not explanation",
    ]


def test_enrich_fills_records_and_a_rerun_skips_what_it_found(web: Web, listed: Reader) -> None:
    web.serve_arxiv()
    ids = ids_by_title(listed)
    out = listed.ok("enrich").stdout.splitlines()
    assert out[0].startswith(f"enriched {ids[LORA]} '{LORA}' (authors, year")
    assert out[-1] == "4 looked up: 3 found, 1 not on arXiv, 0 ambiguous"
    lora = listed.json("show", str(ids[LORA]))
    assert lora["arxiv"] == "2106.09685" and lora["authors"][0] == "Edward J. Hu"
    assert lora["year"] == 2021 and lora["categories"] == ["cs.CL", "cs.AI", "cs.LG"]
    assert lora["title"] == "LoRA:  low-rank adaptation of LARGE language models"  # kept as is
    assert len(listed.json("papers")) == 4
    asked = len(web.api_requests())
    rerun = listed.ok("enrich")  # the title arXiv did not have is not asked about again
    assert rerun.stdout == ""
    assert rerun.stderr == (
        "No papers without an arXiv id or DOI to look up "
        "(1 not on arXiv last time; --again asks again).\n"
    )
    assert len(web.api_requests()) == asked
    again = listed.ok("enrich", "--again").stdout.splitlines()
    assert again[-1] == "1 looked up: 0 found, 1 not on arXiv, 0 ambiguous"
    assert phrases(web.api_requests()[-1]) == ["attention is not explanation"]
    listed.ok(
        "edit",
        str(ids["Attention is not Explanation"]),
        "--title",
        "Attention is not not Explanation",
    )
    retitled = listed.ok("enrich").stdout.splitlines()  # a new title is asked about
    assert retitled[-1] == "1 looked up: 1 found, 0 not on arXiv, 0 ambiguous"


def test_a_query_limits_the_papers_looked_up(web: Web, listed: Reader) -> None:
    web.serve_arxiv()
    out = listed.ok("enrich", "lora").stdout.splitlines()
    assert out[-1] == "1 looked up: 1 found, 0 not on arXiv, 0 ambiguous"
    assert [phrases(request) for request in web.api_requests()] == [
        ["lora low rank adaptation of large language models"]
    ]


def test_a_near_title_is_reported_not_applied(web: Web, listed: Reader) -> None:
    """A phrase query can return a title that differs by a plural (arXiv stems words)."""
    entry = web.arxiv.entries["1908.04626"].replace(
        "Attention is not not Explanation", "Attention Is Not Explanations"
    )
    web.server.expect_request("/api/query").respond_with_data(
        web.arxiv.feed([entry]), content_type=ATOM
    )
    ids = ids_by_title(listed)
    out = listed.ok("enrich", "explanation").stdout.splitlines()
    assert out == [
        f"near match, not applied: {ids['Attention is not Explanation']} "
        "'Attention is not Explanation' ~ arXiv 1908.04626 'Attention Is Not Explanations' "
        "(98%)",
        "1 looked up: 0 found, 1 not on arXiv, 0 ambiguous, 1 near match",
    ]
    assert listed.json("show", str(ids["Attention is not Explanation"]))["arxiv"] is None


def test_a_title_arxiv_holds_twice_is_ambiguous(web: Web, listed: Reader) -> None:
    twice = web.arxiv.feed(
        [web.arxiv.entries["1706.03762"], web.arxiv.entries["1706.03762"].replace("03762", "99999")]
    )
    web.server.expect_request("/api/query").respond_with_data(twice, content_type=ATOM)
    out = listed.ok("enrich", "attention").stdout.splitlines()
    assert out[-1] == "2 looked up: 0 found, 1 not on arXiv, 1 ambiguous"
    assert listed.json("show", "attention-is-all-you-need")["arxiv"] is None


def test_an_interrupted_run_keeps_each_finished_batch(
    web: Web, tmp_path: Path, blank_listing, write_listing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "BACKOFF_FACTOR", 0.0)
    known = [
        ("Attention Is All You Need", "Transformers."),
        ("Denoising Diffusion Probabilistic Models", "Diffusion."),
    ]
    unknown = [(f"A Paper Nobody Wrote Number {n}", "Nothing.") for n in range(9)]
    late = [("LoRA: Low-Rank Adaptation of Large Language Models", "Adapters.")]
    reader = Reader(tmp_path / "lib.db")
    reader.ok("import", str(write_listing("many.txt", blank_listing(known + unknown + late))))
    calls = []

    def first_batch_only(request: Request) -> Response:
        calls.append(request)
        if len(calls) == 1:
            return web.arxiv(request)
        return Response("down for maintenance", status=503, content_type="text/plain")

    web.server.expect_request("/api/query").respond_with_handler(first_batch_only)
    result = reader("enrich")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == ("10 looked up: 2 found, 8 not on arXiv, 0 ambiguous")
    assert result.stderr.splitlines() == [
        "reader: arXiv: arXiv answered HTTP 503 SERVICE UNAVAILABLE; stopped after 10 of 12 "
        "(what was found is saved; run again to go on)"
    ]
    assert reader.json("show", "attention-is-all-you-need")["arxiv"] == "1706.03762"
    web.server.clear()
    web.serve_arxiv()
    out = reader.ok("enrich").stdout.splitlines()
    assert out[-1] == (
        "2 looked up: 1 found, 1 not on arXiv, 0 ambiguous; "
        "8 not on arXiv last time, not asked again (--again asks)"
    )
    asked = [phrase for request in web.api_requests() for phrase in phrases(request)]
    assert "attention is all you need" not in asked and len(asked) == 2


def test_nothing_to_look_up(web: Web, tmp_path: Path) -> None:
    web.serve_arxiv()
    reader = Reader(tmp_path / "lib.db")
    reader.ok("add", "1706.03762")
    result = reader.ok("enrich")
    assert result.stdout == ""
    assert result.stderr == "No papers without an arXiv id or DOI to look up.\n"
    assert len(web.api_requests()) == 1


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ('"Quoted" (and) [bracketed]: GPT-4 & \\LaTeX{}', "quoted and bracketed gpt 4 latex"),
        ("Schrödinger's Cat: Über-Results", "schrodinger s cat uber results"),
        ("AND OR ANDNOT", "and or andnot"),
        ("中文标题", ""),
    ],
)
def test_titles_are_made_safe_for_arxiv_s_query_parser(title: str, phrase: str) -> None:
    assert query_phrase(title) == phrase


def test_requests_to_arxiv_are_spaced(
    web: Web, tmp_path: Path, blank_listing, write_listing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_ARXIV_DELAY", "0.4")
    papers = [(f"A Paper Nobody Wrote Number {n}", "Nothing.") for n in range(11)]
    reader = Reader(tmp_path / "lib.db")
    reader.ok("import", str(write_listing("eleven.txt", blank_listing(papers))))
    seen: list[float] = []

    def timed(request: Request) -> Response:
        seen.append(time.monotonic())
        return web.arxiv(request)

    web.server.expect_request("/api/query").respond_with_handler(timed)
    out = reader.ok("enrich").stdout.splitlines()
    assert out[-1] == "11 looked up: 0 found, 11 not on arXiv, 0 ambiguous"
    assert len(seen) == 2 and seen[1] - seen[0] >= 0.4
