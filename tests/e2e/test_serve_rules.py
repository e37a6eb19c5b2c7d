"""``reader serve``'s rules, checked in-process: where it may listen, which pages may start an
app, how the app's command is quoted, and what it says when it cannot serve."""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import reader.launch
from reader.cli import main
from reader.serve import server
from reader.serve.access import Gate, is_loopback, page_url
from reader.serve.server import LibraryServer, app_command


def run(library: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(library), "serve", *args])
    return result.exit_code, result.output


@pytest.fixture
def not_served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The server is made but not run: it only says where it would listen."""
    said: list[str] = []

    def run(self: LibraryServer, listening) -> None:  # noqa: ANN001
        said.append(f"{self.host}:{self.port}")
        listening()

    monkeypatch.setattr(LibraryServer, "run", run)
    return said


def test_only_loopback_unless_allowed(library: Path, not_served: list[str]) -> None:
    code, output = run(library, "--host", "0.0.0.0")
    assert code == 1 and not not_served
    assert "refusing to serve on 0.0.0.0" in output and "--allow-remote" in output
    assert "reverse proxy" in output

    code, output = run(library, "--host", "0.0.0.0", "--port", "9001", "--allow-remote")
    assert code == 0, output
    assert not_served == ["0.0.0.0:9001"]
    assert "anyone who can reach this port can read and change the library" in output


def test_open_shows_the_page_in_the_browser(
    library: Path, not_served: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(reader.launch, "launch", opened.append)
    code, output = run(library, "--port", "8123", "--open")
    assert code == 0, output
    assert opened == ["http://127.0.0.1:8123/"]
    assert "at http://127.0.0.1:8123/" in output


def test_what_it_refuses(
    tmp_path: Path, library: Path, not_served: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = run(tmp_path / "missing.db")
    assert code == 1 and "no library at" in output
    assert not (tmp_path / "missing.db").exists()

    code, output = run(library, "--public-url", "papers.example.org")
    assert code == 1 and "--public-url must be an http or https address" in output

    code, output = run(library, "--port", "0")
    assert code == 2  # click's usage error
    assert not not_served

    monkeypatch.setitem(sys.modules, "reader.serve.server", None)  # textual-serve missing
    code, output = run(library)
    assert code == 1 and "pip install 'reader[serve]'" in output


def test_a_port_in_use_is_one_line(library: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, output = run(library, "--port", str(taken.getsockname()[1]))
    assert code == 1
    assert output.startswith("reader: cannot serve on 127.0.0.1:") and "Traceback" not in output


def test_the_app_command_keeps_any_path_whole() -> None:
    path = Path("/papers & notes/'draft' $HOME `id` (ü)/my library.db")
    command = app_command(path, python="/opt/python 3/bin/python")
    assert shlex.split(command) == [
        "exec",
        "/opt/python 3/bin/python",
        "-m",
        "reader",
        "--db",
        str(path),
    ]
    assert server.TEMPLATES.joinpath("app_index.html").is_file()


@pytest.mark.parametrize(
    ("origin", "host", "refused"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", False),
        ("http://localhost:8000", "localhost:8000", False),
        (None, "127.0.0.1:8000", False),  # not a browser
        ("https://example.org", "127.0.0.1:8000", True),  # another site's page
        ("http://127.0.0.1:9999", "127.0.0.1:8000", True),  # another local server's page
        ("null", "127.0.0.1:8000", True),  # a local file or a sandboxed frame
        ("http://attacker.example:8000", "attacker.example:8000", True),  # DNS rebinding
        ("https://papers.example.org", "127.0.0.1:8000", False),  # the reverse proxy
        ("https://papers.example.org", "papers.example.org", False),  # ... passing Host on
        ("http://[::1]:8000", "[::1]:8000", False),
    ],
)
def test_which_pages_may_start_an_app(origin: str | None, host: str, refused: bool) -> None:
    gate = Gate("127.0.0.1", "https://papers.example.org/reader/")
    assert (gate.refusal(origin, host) is not None) is refused


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("[::1]")
    assert is_loopback("localhost") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("192.0.2.1")
    assert page_url("::1", 8000) == "http://[::1]:8000/"
