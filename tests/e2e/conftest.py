"""Fixtures for the end-to-end tests: a small library at an awkward path, ``reader serve`` on a
free loopback port, and pages in one headless Chromium shared by the browser tests."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .support import Page, Served, browser_paths, make_library, serving, start_browser

if not sys.platform.startswith("linux"):
    pytest.skip("the end-to-end tests read processes from /proc (Linux)", allow_module_level=True)

# Spaces, quotes, a dollar sign and a non-ASCII letter: the app is started through a shell.
AWKWARD = "papers & notes 'draft' $HOME (ü)"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return make_library(tmp_path / AWKWARD / "my library.db")


@pytest.fixture
def served(tmp_path: Path, library: Path) -> Iterator[Served]:
    with serving(library, tmp_path / "config.toml") as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    pytest.importorskip("selenium", reason="the browser tests need selenium (the test extra)")
    pytest.importorskip("pyte", reason="the browser tests need pyte (the test extra)")
    found = browser_paths()
    if isinstance(found, str):
        pytest.skip(found)
    with tempfile.TemporaryDirectory(prefix="reader-e2e-chromium-") as profile:
        driver = start_browser(*found, Path(profile))
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[str], Page]]:
    """Opens the served page in a tab of its own; every tab is closed after the test."""
    first = browser.current_window_handle
    opened: list[Page] = []

    def open_(url: str) -> Page:
        page = Page(browser, url, new_tab=bool(opened))
        opened.append(page)
        return page

    try:
        yield open_
    finally:
        for handle in browser.window_handles:
            if handle != first:
                browser.switch_to.window(handle)
                browser.close()
        browser.switch_to.window(first)
        browser.get("about:blank")
