"""Opening a paper with the system's opener: its first attached file, else its landing page,
else its arXiv page. Shared by ``reader open`` and the app's ``o`` key."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.models import Paper, ReaderError

OPENER_ENV = "READER_OPENER"


@dataclass(frozen=True)
class Target:
    """What opening a paper opens, and the attached files found missing on the way."""

    location: str
    missing: list[str] = field(default_factory=list)


def target_for(paper: Paper, resolve: Callable[..., Path]) -> Target:
    missing = []
    for item in paper.files:
        path = resolve(item)
        if path.is_file():
            return Target(str(path), missing)
        missing.append(str(path))
    if paper.landing_page:
        return Target(paper.landing_page, missing)
    raise ReaderError(
        "nothing to open: no attached file, landing page or arXiv id"
        + (f" (missing: {', '.join(missing)})" if missing else "")
        + "; `reader attach REF FILE` or `reader edit REF --url URL` adds one"
    )


def code_target(paper: Paper) -> Target:
    if not paper.code_link:
        raise ReaderError("this paper has no code link")
    return Target(paper.code_link)


def launch(location: str) -> None:
    """Hand a file or URL to the opener: READER_OPENER (a command) when set, else the
    system's (xdg-open, open, the Windows shell), else the web browser module."""
    command = os.environ.get(OPENER_ENV)
    if command:
        _run([*shlex.split(command), location])
        return
    if sys.platform == "darwin":
        _run(["open", location])
    elif os.name == "nt":
        os.startfile(location)  # type: ignore[attr-defined]  # noqa: S606
    elif shutil.which("xdg-open"):
        _run(["xdg-open", location])
    elif not webbrowser.open(location):
        raise ReaderError(f"no program to open {location} with (set {OPENER_ENV})")


def _run(command: list[str]) -> None:
    try:
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise ReaderError(f"cannot run {command[0]}: {error.strerror}") from None
