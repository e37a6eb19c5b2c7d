"""Failing well: every failure of ``reader add`` is one line naming the identifier and the
cause, exit code 1, the other THINGs still added and the library unchanged for the failed ones.
All against the loopback server (or a closed port standing in for being offline)."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from test_cli import Reader
from test_web_support import ATOM, CSL, Web, loopback_web, text  # noqa: F401 (the web fixture)
from urllib3.util.retry import RequestHistory
from werkzeug import Request, Response

from reader.web import http


@pytest.fixture
def reader(tmp_path: Path) -> Reader:
    return Reader(tmp_path / "lib.db")


def failed(reader: Reader, *args: str) -> tuple[list[str], list[str]]:
    """Run a command that must exit 1: its stdout lines and its stderr lines (no traceback)."""
    result = reader(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = result.stderr.splitlines()
    assert errors and all(line.startswith("reader: ") for line in errors), errors
    return result.stdout.splitlines(), errors


def titles(reader: Reader) -> list[str]:
    """The library's titles; none when nothing was ever added (no library is created then)."""
    if not reader.db.exists():
        return []
    return [paper["title"] for paper in reader.json("papers")]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_text_that_is_no_identifier_is_refused_without_a_request(web: Web, reader: Reader):
    web.serve_arxiv()
    out, errors = failed(reader, "add", "1234.5678", "1706.03762")
    assert out == ["added 1 'Attention Is All You Need'"]
    assert errors == [
        "reader: '1234.5678' is not an arXiv id, arXiv or Hugging Face papers URL, or DOI"
    ]
    assert [request.args["id_list"] for request in web.api_requests()] == ["1706.03762"]


def test_arxiv_error_entry_fails_that_id_only(web: Web, reader: Reader) -> None:
    error_feed = text("arxiv-error.xml").replace("1234.5678", "2301.99999")

    def answer(request: Request) -> Response:
        if "2301.99999" in request.args["id_list"]:
            return Response(error_feed, status=400, content_type=ATOM)
        return web.arxiv(request)

    web.server.expect_request("/api/query").respond_with_handler(answer)
    out, errors = failed(reader, "add", "2301.99999", "1706.03762")
    assert out == ["added 1 'Attention Is All You Need'"]
    assert errors == ["reader: 2301.99999: arXiv refused it: incorrect id format for 2301.99999"]
    assert [r.args["id_list"] for r in web.api_requests()] == [
        "2301.99999,1706.03762",
        "1706.03762",
    ]


def test_arxiv_error_entry_with_status_200(web: Web, reader: Reader) -> None:
    body = text("arxiv-error.xml").replace("1234.5678", "2301.99999")
    web.server.expect_request("/api/query").respond_with_data(body, content_type=ATOM)
    _, errors = failed(reader, "add", "2301.99999")
    assert errors == ["reader: 2301.99999: arXiv refused it: incorrect id format for 2301.99999"]
    assert titles(reader) == []


def test_an_id_arxiv_does_not_have(web: Web, reader: Reader) -> None:
    web.server.expect_request("/api/query").respond_with_data(
        text("arxiv-empty.xml"), content_type=ATOM
    )
    _, errors = failed(reader, "add", "2301.00001")
    assert errors == ["reader: 2301.00001: not found on arXiv"]
    assert titles(reader) == []


def test_a_doi_that_does_not_resolve(web: Web, reader: Reader) -> None:
    web.serve_arxiv()
    web.server.expect_request("/doi/10.9999/no-such-doi").respond_with_data(
        text("doi-not-found.html"), status=404, content_type="text/html;charset=utf-8"
    )
    out, errors = failed(reader, "add", "10.9999/no-such-doi", "1706.03762")
    assert out == ["added 1 'Attention Is All You Need'"]
    (error,) = errors
    assert error.startswith("reader: 10.9999/no-such-doi: the DOI does not resolve (")
    assert "answered HTTP 404" in error
    assert titles(reader) == ["Attention Is All You Need"]


def test_a_web_page_instead_of_metadata(web: Web, reader: Reader) -> None:
    web.server.expect_request("/doi/10.1038/nature14539").respond_with_data(
        text("login-page.html"), content_type="text/html; charset=utf-8"
    )
    _, errors = failed(reader, "add", "10.1038/nature14539")
    assert errors == [
        "reader: 10.1038/nature14539: no metadata: the server sent text/html, not CSL JSON"
    ]


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        ('{"DOI": "10.1038/nature14539", "author": []}', "the DOI's metadata has no title"),
        ('{"title": ', "the DOI's metadata is not valid JSON"),
        ("[1, 2]", "the DOI's metadata is not a CSL record"),
    ],
)
def test_json_that_is_not_a_record(web: Web, reader: Reader, body: str, cause: str) -> None:
    web.server.expect_request("/doi/10.1038/nature14539").respond_with_data(body, content_type=CSL)
    _, errors = failed(reader, "add", "10.1038/nature14539")
    assert errors == [f"reader: 10.1038/nature14539: {cause}"]
    assert titles(reader) == []


def test_arxiv_sends_a_web_page(web: Web, reader: Reader) -> None:
    web.server.expect_request("/api/query").respond_with_data(
        text("login-page.html"), content_type="text/html"
    )
    _, errors = failed(reader, "add", "1706.03762")
    assert errors == ["reader: 1706.03762: arXiv sent text/html, not an Atom feed"]


@pytest.mark.parametrize("thing", ["1706.03762", "10.1038/nature14539"])
def test_a_slow_answer_times_out(
    web: Web, reader: Reader, monkeypatch: pytest.MonkeyPatch, thing: str
) -> None:
    monkeypatch.setenv("READER_HTTP_TIMEOUT", "0.3")
    answered = threading.Event()

    def slow(request: Request) -> Response:
        time.sleep(1.2)
        answered.set()
        return Response("late", content_type="text/plain")

    web.server.expect_request("/api/query").respond_with_handler(slow)
    web.server.expect_request("/doi/10.1038/nature14539").respond_with_handler(slow)
    started = time.monotonic()
    _, errors = failed(reader, "add", thing)
    assert time.monotonic() - started < 1.2  # one try: a read timeout is not retried
    (error,) = errors
    assert error.startswith(f"reader: {thing}: ") and error.endswith(
        "did not answer in time (timed out after 0.3 s)"
    )
    assert titles(reader) == []
    assert answered.wait(5)  # the server answers one request at a time: let it finish
    deadline = time.monotonic() + 2
    while not web.server.log and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(web.server.log) == 1


def test_offline(monkeypatch: pytest.MonkeyPatch, reader: Reader) -> None:
    port = closed_port()
    monkeypatch.setenv("READER_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("READER_DOI_RESOLVER", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("READER_ARXIV_DELAY", "0")
    out, errors = failed(reader, "add", "1706.03762", "10.1038/nature14539")
    assert out == []
    where = f"127.0.0.1:{port}"
    assert errors == [
        f"reader: 1706.03762: cannot reach {where} (connection refused)",
        f"reader: 10.1038/nature14539: cannot reach {where} (connection refused)",
    ]
    assert titles(reader) == []


def test_a_503_then_success_is_retried(web: Web, reader: Reader) -> None:
    web.server.expect_oneshot_request("/api/query").respond_with_data(
        "busy", status=503, content_type="text/plain"
    )
    web.serve_arxiv()
    web.server.expect_oneshot_request("/doi/10.1038/nature14539").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"}, content_type="text/plain"
    )
    web.serve_doi()
    out = reader.ok("add", "1706.03762", "10.1038/nature14539").stdout.splitlines()
    assert out == ["added 1 'Attention Is All You Need'", "added 2 'Deep learning'"]
    assert len(web.api_requests()) == 2
    assert len(web.requests("/doi/10.1038/nature14539")) == 2


def test_a_server_that_stays_down(
    web: Web, reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "BACKOFF_FACTOR", 0.0)
    web.server.expect_request("/api/query").respond_with_data(
        "down", status=503, content_type="text/plain"
    )
    _, errors = failed(reader, "add", "1706.03762")
    assert errors == ["reader: 1706.03762: arXiv answered HTTP 503 SERVICE UNAVAILABLE"]
    assert len(web.api_requests()) == 1 + http.STATUS_RETRIES


def test_a_long_retry_after_is_cut_short(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 0.5)
    retry = http.retry_policy(0.0)

    class Answer:
        headers = {"Retry-After": "3600"}

    assert retry.get_retry_after(Answer()) == 0.5
    polite = http.retry_policy(3.0)
    assert polite.new(total=1).floor == 3.0
    answered = polite.new(history=(RequestHistory("GET", "/", None, 503, None),))
    assert answered.get_backoff_time() == 3.0  # arXiv's three seconds, even after a 503
    refused = polite.new(history=(RequestHistory("GET", "/", OSError(), None, None),))
    assert refused.get_backoff_time() == 0.0  # a refused connection is retried at once


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("READER_ARXIV_DELAY", "soon", "READER_ARXIV_DELAY must be a number of seconds"),
        ("READER_HTTP_TIMEOUT", "-1", "READER_HTTP_TIMEOUT must be a number of seconds"),
        ("READER_ARXIV_API", "ftp://example.org", "READER_ARXIV_API must be an http(s) address"),
    ],
)
def test_bad_settings_are_one_line(
    web: Web, reader: Reader, monkeypatch: pytest.MonkeyPatch, variable, value, message
) -> None:
    monkeypatch.setenv(variable, value)
    reader.fails("add", "1706.03762", match=message)
    assert web.api_requests() == []


def test_describe_names_the_cause() -> None:
    import requests

    request = requests.Request("GET", "https://export.arxiv.org/api/query").prepare()
    offline = requests.ConnectionError(
        "HTTPSConnectionPool: NameResolutionError: Failed to resolve 'export.arxiv.org'",
        request=request,
    )
    assert http.describe(offline, 30) == (
        "cannot reach export.arxiv.org (no network, or the name does not resolve)"
    )
    timeout = requests.ReadTimeout("read timed out", request=request)
    assert http.describe(timeout, 30) == (
        "export.arxiv.org did not answer in time (timed out after 30 s)"
    )


def test_a_failure_creates_no_library(web: Web, reader: Reader, tmp_path: Path) -> None:
    web.server.expect_request("/api/query").respond_with_data(
        text("arxiv-empty.xml"), content_type=ATOM
    )
    out, _ = failed(reader, "add", "2301.00001", "--json")
    assert json.loads("".join(out)) == []
    assert not reader.db.exists()


def test_offline_with_the_real_endpoints(
    web: Web, reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default endpoints, on a machine whose names do not resolve (the fixture makes every
    host but the loopback unresolvable, as being offline does): nothing leaves the machine."""
    for variable in ("READER_ARXIV_API", "READER_DOI_RESOLVER"):
        monkeypatch.delenv(variable)
    out, errors = failed(reader, "add", "1706.03762", "10.1038/nature14539")
    assert out == []
    assert errors == [
        "reader: 1706.03762: cannot reach export.arxiv.org (no network, or the name does not "
        "resolve)",
        "reader: 10.1038/nature14539: cannot reach doi.org (no network, or the name does not "
        "resolve)",
    ]
    assert titles(reader) == []


def test_a_feed_the_arxiv_package_cannot_read(web: Web, reader: Reader) -> None:
    broken = web.arxiv.feed([web.arxiv.entries["1706.03762"]]).replace(
        "<published>2017-06-12T17:57:34Z</published>", "<published>last June</published>"
    )
    web.server.expect_request("/api/query").respond_with_data(broken, content_type=ATOM)
    _, errors = failed(reader, "add", "1706.03762")
    assert errors == ["reader: 1706.03762: arXiv's answer could not be read (ValueError)"]
