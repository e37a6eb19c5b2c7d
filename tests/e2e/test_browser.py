"""``reader serve`` in a real headless browser (Debian's chromium and chromium-driver): the page
loads only from the server, keys reach the app, what it shows is read back, and what the pages do
lands in the library, also from two pages at once."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from .support import PAPERS, Page, Served, command_line, is_running, ratings, wait_until

TITLES = [title for title, _ in PAPERS]
ENTER = "\ue007"  # selenium's Keys.ENTER
ESCAPE = "\ue00c"
CTRL_R = "\x12"  # what xterm.js sends for Ctrl+R (reload from the library)


def footer(page: Page) -> str:
    return page.text().splitlines()[-1]


def search(page: Page, words: str) -> None:
    """``/``, the words, Enter. Keys that come in one burst are handled before the focus has
    moved, so the words wait until the search box has it (its footer shows only its key)."""
    page.press("/")
    wait_until(lambda: "Status" not in footer(page), "the search box to have the focus")
    page.press(words, ENTER)


def clear_search(page: Page) -> None:
    """Esc leaves the search box, Esc again clears it, each once the app has the keys before."""
    page.press("/")
    wait_until(lambda: "Status" not in footer(page), "the search box to have the focus")
    page.press(ESCAPE)
    wait_until(lambda: "Status" in footer(page), "the list to have the focus")
    page.press(ESCAPE)
    # A lone Esc is told from the start of a longer key only once the next bytes are late, so
    # nothing may follow it at once (Esc Ctrl+R would be read as Alt+Ctrl+R).
    page.wait_for("3 of 3")


def test_a_page_moves_searches_and_rates(
    served: Served, open_page: Callable[[str], Page], library: Path
) -> None:
    page = open_page(served.url)
    page.wait_for(*TITLES, "3 of 3", PAPERS[0][1][:20])  # the list, and the first paper's detail

    page.press("j")
    page.wait_for(PAPERS[1][1][:20])  # the second paper's abstract in the detail pane

    search(page, "registers")
    page.wait_for("1 of 3", TITLES[2], absent=(TITLES[0], TITLES[1]))

    page.press("4")
    page.wait_for("Rated ★★★★☆", "★4")
    wait_until(lambda: ratings(library) == {1: None, 2: None, 3: 4}, "the rating in the library")

    # Everything the page loaded came from the server: no outside font service.
    origin = urlsplit(served.url).netloc
    loaded = page.resources()
    assert loaded and all(urlsplit(url).netloc == origin for url in loaded), loaded
    assert any(url.endswith(".ttf") for url in loaded), loaded
    assert page.run("return document.fonts.check(\"16px 'Roboto Mono'\")")


def test_two_pages_rate_different_papers_at_once(
    served: Served, open_page: Callable[[str], Page], library: Path
) -> None:
    first, second = open_page(served.url), open_page(served.url)
    for page in (first, second):
        page.wait_for(*TITLES)
    assert len(served.apps()) == 2, "each page runs its own app"

    search(first, "adapters")
    search(second, "twelve")
    first.wait_for("1 of 3", absent=(TITLES[1], TITLES[2]))
    second.wait_for("1 of 3", absent=(TITLES[0], TITLES[2]))
    first.press("4")
    second.press("2")

    wait_until(lambda: ratings(library) == {1: 4, 2: 2, 3: None}, "both ratings in the library")
    # Both apps read the one library: with the search cleared and reloaded, each shows both.
    for page in (first, second):
        clear_search(page)
        page.press(CTRL_R)
        page.wait_for("3 of 3", "★4", "★2")


def test_ctrl_c_ends_the_server_and_every_app(
    served: Served, open_page: Callable[[str], Page], library: Path
) -> None:
    pages = [open_page(served.url), open_page(served.url)]
    for page in pages:
        page.wait_for(*TITLES)
    apps = served.apps()
    assert len(apps) == 2
    for pid in apps:
        # The shell exec'd the app (no shell left beside it); the odd path is one argument.
        assert command_line(pid) == [sys.executable, "-m", "reader", "--db", str(library)]

    assert served.interrupt() == 0, served.output()

    assert not [pid for pid in apps if is_running(pid)], "app processes outlived the server"
    ended = "return document.body.classList.contains('-closed')"
    for page in pages:  # and each page says so, offering to restart
        wait_until(lambda page=page: page.run(ended), "the page to say the session ended")
