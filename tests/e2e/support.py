"""Helpers for the end-to-end tests: ``reader serve`` as a real process, the processes it
starts, and pages in Debian's headless Chromium whose screen is read back with pyte.

xterm.js draws on a canvas, so the screen cannot be read from the page. A script added before
the page's own records every binary websocket frame (what the app wrote) and every size the page
asked for; replaying them into pyte, a terminal emulator, gives the text a person sees.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from reader.importers.listing import parse_listing
from reader.store import Library

# Seconds any one wait may take before the test fails.
PATIENCE = 15.0
# Seconds a page must have had focus before keys are sent to it (see Page.press).
FOCUS_SETTLE = 0.3
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Three papers, each with a word no other has (for searching) and a phrase of its abstract that
# only its detail pane shows.
PAPERS = (
    (
        "Low-Rank Adapters for Frozen Language Models",
        "Only small update matrices train; the base model stays frozen.",
    ),
    (
        "Diffusion Samplers in Twelve Steps",
        "A sampler schedule that reaches full quality in twelve denoising steps.",
    ),
    (
        "Registers for Vision Transformers",
        "Artifacts in attention maps vanish once tokens get registers to write to.",
    ),
)
HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)


def make_library(path: Path) -> Path:
    """A library holding PAPERS, ids 1-3 in that order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [*HEADER, "Mar 11"]
    for title, abstract in PAPERS:
        lines += [title, abstract]
    with Library(path) as library:
        library.import_listings([parse_listing("\n\n".join(lines) + "\n", "e2e.txt")])
    return path


def ratings(path: Path) -> dict[int, int | None]:
    with Library(path, readonly=True) as library:
        return {paper_id: library.paper(paper_id).rating for paper_id in (1, 2, 3)}


def wait_until(check: Callable[[], Any], what: str, timeout: float = PATIENCE) -> Any:
    """``check()``'s first true value, polled; AssertionError naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """The live (not zombie) processes whose parent is ``pid`` (Linux: read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        state, parent = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(parent) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def is_running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def command_line(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


class Served:
    """A running ``reader --db LIBRARY serve --port PORT`` and where its page is."""

    def __init__(self, library: Path, config: Path, *args: str) -> None:
        self.library = library
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        env = {**os.environ, "READER_CONFIG": str(config)}
        env.pop("READER_DB", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reader", "--db", str(library), "serve"]
            + ["--port", str(self.port), *args],
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        self.started: set[int] = set()  # every app process seen, for the final check

    def wait_ready(self) -> None:
        def answers() -> bool:
            assert self.process.poll() is None, f"reader serve exited:\n{self.output()}"
            with suppress(OSError), urllib.request.urlopen(self.url, timeout=2) as response:
                return response.status == 200
            return False

        wait_until(answers, "reader serve to answer")

    def apps(self) -> list[int]:
        """The app processes running now (children of the server)."""
        found = children(self.process.pid)
        self.started.update(found)
        return found

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def interrupt(self, timeout: float = PATIENCE) -> int:
        """Ctrl+C: SIGINT to the server alone; its exit code once it has stopped."""
        self.apps()
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout)

    def stop(self) -> None:
        """Cleanup, also after a failure: the server, then any app process it left."""
        with suppress(Exception):
            self.apps()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(PATIENCE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.started:
            if is_running(pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.log.close()


@contextmanager
def serving(library: Path, config: Path, *args: str) -> Iterator[Served]:
    served = Served(library, config, *args)
    try:
        served.wait_ready()
        yield served
    finally:
        served.stop()


def browser_paths() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why they cannot be used."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    missing = [
        name for name, path in (("chromium", chromium), ("chromedriver", driver)) if not path
    ]
    return (
        f"{' and '.join(missing)} not found: the browser tests need Debian's chromium and "
        "chromium-driver (apt-get install chromium chromium-driver)"
    )


def start_browser(chromium: str, driver: str, profile: Path, size: str = "1280,800") -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*BROWSER_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(driver))


# Runs in the page before its own scripts: records what the app writes and the sizes asked for.
RECORDER = r"""
(() => {
  if (window.__readerTerminal) return; // added once per tab, run once per page
  const Native = window.WebSocket;
  const events = (window.__readerTerminal = []);
  function base64(buffer) {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(text);
  }
  class RecordedWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const query = new URL(url).searchParams;
      events.push(["size", Number(query.get("width")), Number(query.get("height"))]);
      this.addEventListener("message", (event) => {
        if (typeof event.data !== "string") events.push(["data", base64(event.data)]);
      });
    }
    send(data) {
      try {
        const message = JSON.parse(data);
        if (message[0] === "resize") events.push(["size", message[1].width, message[1].height]);
        if (message[0] === "focus") window.__readerFocusedAt = performance.now();
      } catch (error) {}
      super.send(data);
    }
  }
  window.WebSocket = RecordedWebSocket;
})();
"""


class Page:
    """One browser tab on the served app, with the app's screen replayed into pyte."""

    def __init__(self, driver: Any, url: str, *, new_tab: bool) -> None:
        import pyte

        self.driver = driver
        if new_tab:
            driver.switch_to.new_window("tab")
        self.handle = driver.current_window_handle
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        # Every tab behaves as the focused one, as a tab a person types into is: switching
        # between tabs then sends the apps no blur and focus.
        driver.execute_cdp_cmd("Emulation.setFocusEmulationEnabled", {"enabled": True})
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        driver.get(url)

    def focus(self) -> None:
        if self.driver.current_window_handle != self.handle:
            self.driver.switch_to.window(self.handle)

    def run(self, script: str, *args: Any) -> Any:
        self.focus()
        return self.driver.execute_script(script, *args)

    def text(self) -> str:
        """What the app shows now."""
        for event in self.run("return window.__readerTerminal.splice(0)"):
            if event[0] == "size":
                self.screen.resize(lines=event[2], columns=event[1])
            else:
                self.stream.feed(base64.b64decode(event[1]))
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, *texts: str, absent: tuple[str, ...] = ()) -> str:
        """The screen once it shows every one of ``texts`` and none of ``absent``."""

        def shown() -> str:
            screen = self.text()
            ok = all(t in screen for t in texts) and not any(t in screen for t in absent)
            return screen if ok else ""

        try:
            return wait_until(shown, f"the page to show {texts} without {absent}")
        except AssertionError as error:
            raise AssertionError(f"{error}; the screen:\n{self.text()}") from None

    def press(self, *keys: str) -> None:
        """Type into the terminal (xterm.js reads keys from its hidden text area).

        When the page gains focus the app is told, and it then gives focus back to the widget
        that had it; a key that moves focus (``/``) sent at that moment loses to it. So keys wait
        until the page has had focus for a moment."""
        from selenium.webdriver.common.by import By

        self.focus()
        area = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        self.run("arguments[0].focus()", area)
        since = self.run(
            "return performance.now() - (window.__readerFocusedAt || 0)",
        )
        time.sleep(max(0.0, FOCUS_SETTLE - since / 1000))
        for key in keys:
            area.send_keys(key)

    def resources(self) -> list[str]:
        """Every address the page loaded (the page itself, scripts, styles, fonts, icons)."""
        return self.run(
            "return [location.href, ...performance.getEntriesByType('resource')"
            ".map(entry => entry.name)]"
        )
