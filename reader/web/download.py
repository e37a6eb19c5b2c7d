"""Downloading a PDF safely: streamed into a temporary file beside the library's files, checked
to be a whole PDF under a size cap, and handed over only when complete.

A failed, refused or interrupted download removes its temporary file; one killed outright
leaves a hidden ``.downloading.*`` file that is never attached and is swept away by a later
download after a day.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from reader.web.http import WebError, WebSession, content_type, describe, host, status_text

MAX_PDF_BYTES = 200 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # PDF readers accept the header anywhere in the first kilobyte
TEMP_PREFIX = ".downloading."
STALE_SECONDS = 24 * 3600
BLOCK = 64 * 1024

ByteProgress = Callable[[int, "int | None"], None]


def _size(size: int) -> str:
    return f"{size:,} bytes" if size < 1024 * 1024 else f"{size / (1024 * 1024):.0f} MB"


def sweep_stale(folder: Path) -> None:
    """Remove temporary files of downloads killed more than a day ago."""
    try:
        entries = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    cutoff = time.time() - STALE_SECONDS
    for path in entries:
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _not_pdf(response: requests.Response) -> WebError:
    kind = content_type(response)
    if "pdf" in kind:
        return WebError(f"not a PDF (what the server sent as {kind} does not start with %PDF-)")
    return WebError(f"not a PDF (the server sent {kind or 'no content type'})")


def download_pdf(
    session: WebSession,
    url: str,
    folder: Path,
    *,
    progress: ByteProgress | None = None,
    limit: int | None = None,
) -> Path:
    """Stream ``url`` into a new temporary file in ``folder``; return its path once the whole
    PDF is on disk. The caller attaches it and removes it. WebError says why not otherwise."""
    limit = MAX_PDF_BYTES if limit is None else limit
    folder.mkdir(parents=True, exist_ok=True)
    sweep_stale(folder)
    try:
        response = session.get(url, stream=True, headers={"Accept": "application/pdf"})
    except requests.RequestException as error:
        raise WebError(describe(error, session.timeout, url)) from None
    with response:
        if response.status_code != 200:
            raise WebError(f"no PDF ({host(response.url)} answered {status_text(response)})")
        if content_type(response) in ("text/html", "application/xhtml+xml"):
            raise _not_pdf(response)
        expected = _length(response)
        if expected is not None and expected > limit:
            raise WebError(f"the PDF is {_size(expected)}, more than the {_size(limit)} cap")
        handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".pdf", dir=folder)
        temporary = Path(name)
        try:
            size = _stream(response, handle, limit, expected, progress)
            if expected is not None and size < expected:
                raise WebError(f"the download broke off ({size:,} of {expected:,} bytes)")
            return temporary
        except requests.RequestException as error:
            temporary.unlink(missing_ok=True)
            raise WebError(describe(error, session.timeout, url)) from None
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def _length(response: requests.Response) -> int | None:
    """The promised size, when it is the size of the bytes we will read (not compressed)."""
    if response.headers.get("Content-Encoding", "identity").lower() != "identity":
        return None
    text = response.headers.get("Content-Length", "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _stream(
    response: requests.Response,
    handle: int,
    limit: int,
    expected: int | None,
    progress: ByteProgress | None,
) -> int:
    size = 0
    head = b""
    with os.fdopen(handle, "wb") as out:
        for block in response.iter_content(BLOCK):
            if len(head) < MAGIC_WINDOW:
                head += block[: MAGIC_WINDOW - len(head)]
                if len(head) >= MAGIC_WINDOW and PDF_MAGIC not in head:
                    raise _not_pdf(response)
            size += len(block)
            if size > limit:
                raise WebError(f"the PDF is larger than the {_size(limit)} cap")
            out.write(block)
            if progress is not None:
                progress(size, expected)
        if PDF_MAGIC not in head:
            raise _not_pdf(response) if size else WebError("the server sent an empty file")
        out.flush()
        os.fsync(out.fileno())
    return size
