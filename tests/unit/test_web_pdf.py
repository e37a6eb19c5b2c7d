"""PDFs: ``reader add --pdf`` and ``reader fetch-pdf`` download into the library's folder, check
the bytes are a PDF under the size cap, and attach only a complete file; a refused, broken or
interrupted download leaves nothing behind."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from test_cli import Reader
from test_web_support import Web, data, loopback_web, text  # noqa: F401 (the web fixture)
from werkzeug import Request, Response

from reader.store import Library
from reader.web import download
from reader.web.add import add_things
from reader.web.reports import Progress


@pytest.fixture
def reader(tmp_path: Path) -> Reader:
    return Reader(tmp_path / "lib.db")


def files(tmp_path: Path) -> list[str]:
    folder = tmp_path / "files"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def failed(reader: Reader, *args: str) -> tuple[list[str], list[str]]:
    result = reader(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stdout.splitlines(), result.stderr.splitlines()


def serve_doi_with_pdf(web: Web, link: str | None) -> None:
    record = json.loads(text("doi-nature14539.json"))
    record["link"] = [{"URL": link, "content-type": "application/pdf"}] if link else []
    web.serve_doi(record=record)


def test_add_with_pdf_attaches_arxiv_s_pdf(web: Web, reader: Reader, tmp_path: Path) -> None:
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762")
    out = reader.ok("add", "1706.03762", "--pdf").stdout.splitlines()
    assert out == [
        "added 1 'Attention Is All You Need'",
        "attached files/vaswani2017attention.pdf to 1",
    ]
    assert (tmp_path / "files" / "vaswani2017attention.pdf").read_bytes() == data("paper.pdf")
    assert files(tmp_path) == ["vaswani2017attention.pdf"]
    assert reader.json("show", "1")["files"] == ["files/vaswani2017attention.pdf"]
    (request,) = web.requests("/pdf/1706.03762")
    assert request.headers["User-Agent"].startswith("reader/")


def test_a_version_asked_for_is_the_pdf_fetched(web: Web, reader: Reader) -> None:
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762v5")
    reader.ok("add", "https://arxiv.org/abs/1706.03762v5", "--pdf")
    assert len(web.requests("/pdf/1706.03762v5")) == 1


def test_a_doi_pdf_comes_from_the_metadata_link(web: Web, reader: Reader, tmp_path: Path):
    serve_doi_with_pdf(web, web.url("/articles/nature14539.pdf"))
    web.serve_pdf("/articles/nature14539.pdf")
    out = reader.ok("add", "10.1038/nature14539", "--pdf").stdout.splitlines()
    assert out[1] == "attached files/lecun2015deep.pdf to 1"
    assert files(tmp_path) == ["lecun2015deep.pdf"]


def test_a_doi_without_a_pdf_link_is_added_without_one(web: Web, reader: Reader) -> None:
    serve_doi_with_pdf(web, None)
    out, errors = failed(reader, "add", "10.1038/nature14539", "--pdf")
    assert out == ["added 1 'Deep learning'"]
    assert errors == [
        "reader: 10.1038/nature14539: PDF not attached: the DOI's metadata names no PDF"
    ]


def test_a_login_page_is_not_a_pdf(web: Web, reader: Reader, tmp_path: Path) -> None:
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762", text("login-page.html").encode(), "text/html; charset=utf-8")
    out, errors = failed(reader, "add", "1706.03762", "--pdf")
    assert out == ["added 1 'Attention Is All You Need'"]
    assert errors == ["reader: 1706.03762: PDF not attached: not a PDF (the server sent text/html)"]
    assert files(tmp_path) == []
    assert reader.json("show", "1")["files"] == []


def test_html_sent_as_a_pdf_is_caught_by_its_bytes(web: Web, reader: Reader, tmp_path: Path):
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762", text("login-page.html").encode() * 4)
    _, errors = failed(reader, "add", "1706.03762", "--pdf")
    assert errors == [
        "reader: 1706.03762: PDF not attached: not a PDF (what the server sent as "
        "application/pdf does not start with %PDF-)"
    ]
    assert files(tmp_path) == []


def test_the_size_cap(web: Web, reader: Reader, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(download, "MAX_PDF_BYTES", 100)
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762")
    _, errors = failed(reader, "add", "1706.03762", "--pdf")
    size = len(data("paper.pdf"))
    assert errors == [
        f"reader: 1706.03762: PDF not attached: the PDF is {size} bytes, more than the "
        "100 bytes cap"
    ]
    assert files(tmp_path) == []


def test_a_download_that_breaks_off(web: Web, reader: Reader, tmp_path: Path) -> None:
    def short(request: Request) -> Response:
        body = data("paper.pdf")
        response = Response(iter([body[:100]]), content_type="application/pdf")
        response.headers["Content-Length"] = str(len(body))
        return response

    web.serve_arxiv()
    web.server.expect_request("/pdf/1706.03762").respond_with_handler(short)
    _, errors = failed(reader, "add", "1706.03762", "--pdf")
    (error,) = errors
    assert error.startswith("reader: 1706.03762: PDF not attached: ")
    assert "broke off" in error
    assert files(tmp_path) == []


def test_an_interrupted_download_leaves_nothing(web: Web, tmp_path: Path) -> None:
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762")
    events: list[Progress] = []

    def stop(event: Progress) -> None:
        events.append(event)
        if event.stage == "download":
            raise KeyboardInterrupt

    with Library(tmp_path / "lib.db") as library:
        with pytest.raises(KeyboardInterrupt):
            add_things(library, ["1706.03762"], pdf=True, progress=stop)
        assert library.paper("1706.03762").files == ()
    assert files(tmp_path) == []
    assert [event.stage for event in events] == ["lookup", "lookup", "download"]


def test_progress_reports_lookups_and_bytes(web: Web, tmp_path: Path) -> None:
    web.serve_arxiv()
    web.serve_doi()
    web.serve_pdf("/pdf/1706.03762")
    web.serve_pdf("/articles/nature14539.pdf", data("paper.pdf") + b"%another paper\n")
    events: list[Progress] = []
    with Library(tmp_path / "lib.db") as library:
        report = add_things(library, ["1706.03762", "10.1038/nature14539", "nope"], pdf=True,
                            progress=events.append)  # fmt: skip
    assert [result.status for result in report.results] == ["added", "added", "failed"]
    assert [result.pdf for result in report.results] == [
        "files/vaswani2017attention.pdf",
        "files/lecun2015deep.pdf",
        None,
    ]
    assert not report.ok and report.paper_ids == [1, 2]
    lookups = [(event.done, event.total) for event in events if event.stage == "lookup"]
    assert lookups[0] == (0, 2) and lookups[-1] == (2, 2)
    size = len(data("paper.pdf"))
    downloads = [event for event in events if event.stage == "download"]
    assert [event.label for event in downloads] == ["1706.03762", "10.1038/nature14539"]
    assert {(event.done, event.total) for event in downloads} == {(size, size), (size + 15,) * 2}


def test_a_stale_temporary_file_is_swept(web: Web, reader: Reader, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    stale = folder / ".downloading.killed.pdf"
    stale.write_bytes(b"%PDF-1.4 half")
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    fresh = folder / ".downloading.running.pdf"
    fresh.write_bytes(b"%PDF-1.4 in flight")
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762")
    reader.ok("add", "1706.03762", "--pdf")
    assert not stale.exists() and fresh.exists()


def test_fetch_pdf_for_papers_in_the_library(
    web: Web, reader: Reader, tmp_path: Path, fixtures_dir: Path
) -> None:
    web.serve_arxiv()
    web.serve_pdf("/pdf/1706.03762")
    reader.ok("import", str(fixtures_dir / "listing-3-apr-02.txt"))
    reader.ok("add", "1706.03762")
    paper = reader.json("show", "1706.03762")
    out = reader.ok("fetch-pdf", "1706.03762").stdout
    assert out == f"attached files/vaswani2017attention.pdf to {paper['id']}\n"
    again = reader.ok("fetch-pdf", str(paper["id"])).stdout
    assert again == (
        f"{paper['id']} 'Attention Is All You Need' has files/vaswani2017attention.pdf\n"
    )
    assert len(web.requests("/pdf/1706.03762")) == 1
    lora = reader.json("papers", "lora")[0]
    out, errors = failed(reader, "fetch-pdf", str(lora["id"]), "no-such-paper")
    assert out == []
    assert errors == [
        f"reader: {lora['id']}: no arXiv id or DOI to fetch a PDF from",
        "reader: no-such-paper: no paper matches 'no-such-paper'",
    ]


def test_fetch_pdf_for_a_doi_asks_the_metadata_for_the_link(
    web: Web, reader: Reader, tmp_path: Path
) -> None:
    serve_doi_with_pdf(web, web.url("/articles/nature14539.pdf"))
    web.serve_pdf("/articles/nature14539.pdf")
    reader.ok("add", "10.1038/nature14539")
    assert reader.ok("fetch-pdf", "10.1038/nature14539").stdout == (
        "attached files/lecun2015deep.pdf to 1\n"
    )


def test_arxiv_s_pdf_waits_its_turn_after_the_lookup(
    web: Web, reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request every READER_ARXIV_DELAY seconds to arXiv, lookups and PDFs alike."""
    monkeypatch.setenv("READER_ARXIV_DELAY", "0.4")
    seen: list[float] = []

    def timed(answer):
        def handler(request: Request) -> Response:
            seen.append(time.monotonic())
            return answer(request)

        return handler

    pdf = Response(data("paper.pdf"), content_type="application/pdf")
    web.server.expect_request("/api/query").respond_with_handler(timed(web.arxiv))
    web.server.expect_request("/pdf/1706.03762").respond_with_handler(timed(lambda _: pdf))
    reader.ok("add", "1706.03762", "--pdf")
    assert len(seen) == 2 and seen[1] - seen[0] >= 0.4
