"""Make screenshots/browser.png: ``reader serve`` on the demo library, in headless Chromium.

Run from the project folder (needs Debian's chromium and chromium-driver, and the test extra):

    python -m tests.e2e.browser_screenshot
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from reader.demo import create_demo_library

from .support import Page, browser_paths, serving, start_browser

OUT = Path(__file__).resolve().parents[2] / "screenshots" / "browser.png"


def main() -> None:
    found = browser_paths()
    if isinstance(found, str):
        sys.exit(found)
    with tempfile.TemporaryDirectory(prefix="reader-screenshot-") as folder:
        library = create_demo_library(Path(folder))
        with serving(library, Path(folder) / "config.toml") as served:
            driver = start_browser(*found, Path(folder) / "chromium", size="1280,760")
            try:
                page = Page(driver, served.url, new_tab=False)
                page.wait_for("Attention Is All You Need", "LoRA")
                page.press("j", "j", "j")  # LoRA: tags, a rating, a note, in a reading list
                page.wait_for("Notes (1)")
                driver.save_screenshot(str(OUT))
            finally:
                driver.quit()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
