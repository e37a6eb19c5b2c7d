"""Shared by the web tests: a loopback stand-in for arXiv's API, doi.org and PDF hosts, built on
pytest-httpserver and the response fixtures in tests/fixtures/web (written in the services' real
formats). Every web test points reader's endpoints here, so no test reaches the internet."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "web"
ATOM = "application/atom+xml; charset=utf-8"
CSL = "application/vnd.citationstyles.csl+json"
_ENTRY = re.compile(r"\s*<entry>.*?</entry>", re.S)
_ENTRY_ID = re.compile(r"<id>https?://arxiv\.org/abs/(.+?)(?:v[0-9]+)?</id>")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def words(title: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", title.lower()))


class FakeArxiv:
    """Answers ``id_list`` and ``ti:"..."`` queries from the fixture feeds' entries, as the
    API would: only the entries asked for, under the feed's real header."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}
        for name in ("arxiv-ids.xml", "arxiv-titles.xml"):
            for entry in _ENTRY.findall(text(name)):
                match = _ENTRY_ID.search(entry)
                assert match, entry
                self.entries.setdefault(match.group(1), entry)
        header = text("arxiv-ids.xml")
        self.head = header[: header.index("<entry>")].rstrip()

    def feed(self, entries: list[str]) -> str:
        head = re.sub(r"(<opensearch:totalResults[^>]*>)\d+", rf"\g<1>{len(entries)}", self.head)
        return head + "".join(entries) + "\n</feed>\n"

    def titled(self, phrase: str) -> list[str]:
        found = []
        for entry in self.entries.values():
            title = _TITLE.search(entry)
            if title and phrase in words(title.group(1)):
                found.append(entry)
        return found

    def __call__(self, request: Request) -> Response:
        ids = [item for item in request.args.get("id_list", "").split(",") if item]
        query = request.args.get("search_query", "")
        if ids:
            entries = [self.entries[item] for item in ids if item in self.entries]
        else:
            entries = []
            for phrase in re.findall(r'ti:"([^"]*)"', query):
                entries += [entry for entry in self.titled(phrase) if entry not in entries]
        limit = int(request.args.get("max_results", "10"))
        return Response(self.feed(entries[:limit]), content_type=ATOM)


class Web:
    """The loopback services and what they were asked."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.arxiv = FakeArxiv()

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def serve_arxiv(self) -> None:
        self.server.expect_request("/api/query").respond_with_handler(self.arxiv)

    def serve_doi(self, doi: str = "10.1038/nature14539", record: dict[str, Any] | None = None):
        """The CSL record (the fixture's by default, its PDF link moved to the loopback)."""
        if record is None:
            record = json.loads(text("doi-nature14539.json"))
            record["link"][0]["URL"] = self.url("/articles/nature14539.pdf")
        body = record
        self.server.expect_request(f"/doi/{doi}").respond_with_data(
            json.dumps(body), content_type=CSL
        )

    def serve_pdf(self, path: str, body: bytes | None = None, kind: str = "application/pdf"):
        self.server.expect_request(path).respond_with_data(
            data("paper.pdf") if body is None else body, content_type=kind
        )

    def requests(self, path: str) -> list[Request]:
        return [request for request, _ in self.server.log if request.path == path]

    def api_requests(self) -> list[Request]:
        return self.requests("/api/query")


@pytest.fixture(name="web")
def loopback_web(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    """reader's endpoints on the loopback server, no arXiv delay, a short timeout."""
    monkeypatch.setenv("READER_ARXIV_API", httpserver.url_for("/api/query"))
    monkeypatch.setenv("READER_ARXIV_PDF", httpserver.url_for("/pdf"))
    monkeypatch.setenv("READER_DOI_RESOLVER", httpserver.url_for("/doi"))
    monkeypatch.setenv("READER_ARXIV_DELAY", "0")
    monkeypatch.setenv("READER_HTTP_TIMEOUT", "2")
    monkeypatch.setenv("NO_PROXY", "*")
    resolve = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("localhost", "127.0.0.1", "::1"):
            raise socket.gaierror(socket.EAI_NONAME, f"the web tests reach no host ({host})")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    yield Web(httpserver)
    httpserver.clear()
