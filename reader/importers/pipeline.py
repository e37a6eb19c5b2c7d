"""Parsing ahead of the library: files parsed in a thread or a second process while the
library writes what was already parsed.

A file comes in parts: most are one part, the arXiv snapshot and big listings one part per
~10,000 papers, so that a file of gigabytes is written while it is still being read and never
held whole. A part that is not the last says where the next one starts (``ParsedFile.resume``);
the next part is asked for only when that one arrives, so at most one such part waits in memory
(and about a writer's step of smaller files).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.importers import bibtex_fork as forking

if TYPE_CHECKING:
    from concurrent.futures import Future

    from reader.importers import ParsedFile, ParseOptions

# From this much input on, a second process parses while this one writes.
PROCESS_PARSE_BYTES = 8 * 1024 * 1024
# Input parsed ahead of the writer in a second process: about two steps of the writer (20,000
# listing papers), so the next step is ready when this one is written. A part of a file read
# in parts (~10,000 papers) counts as that much whatever its size: one such part waits at most.
AHEAD_BYTES = 24 * 1024 * 1024
# Papers parsed ahead of the writer in a thread: two of its steps (see reader.store.ingest).
AHEAD_PAPERS = 20_000
# From this much input on, BibTeX files are parsed in a copy of this process.
FORK_PARSE_BYTES = 1024 * 1024

PartParser = Callable[[Path, "ParseOptions", Any], "ParsedFile"]
_DONE = object()


def parse_ahead(
    paths: list[Path],
    options: ParseOptions,
    parse_part: PartParser,
    *,
    chunked: bool,
    light: bool = False,
) -> Iterator[ParsedFile]:
    """Every part of every file, in order; errors surface in order.

    Big imports whose parsing is heavy (BibTeX, the arXiv snapshot: LaTeX, JSON, authors) parse
    in a second process, so parsing truly runs beside SQLite's work on another core; small
    ones in a thread, which starts at once. ``chunked`` says some file comes in several parts,
    which is worth a process even alone (an arXiv snapshot imports ~15% faster so, for ~170 MB
    more memory in the second process). ``light`` says every file is a listing: their parsing
    takes a fraction of the time SQLite takes to write them (mostly without the GIL), so a
    thread overlaps it as well as a process would, without starting one and pickling every
    paper both ways (100 listings of 1,000 papers: ~1 s of CPU less in all).

    BibTeX (other than beside a snapshot) parses in a copy of this process
    (``reader.importers.bibtex_fork``), which starts at once, unlike a pool's, and reads a big
    file in parts that the library writes as they come; where this process cannot be copied
    safely, in a thread, in parts as well."""
    size = _total_size(paths)
    bibtex = any(path.suffix.lower() == ".bib" for path in paths)
    if size >= PROCESS_PARSE_BYTES and not light and (chunked or (len(paths) > 1 and not bibtex)):
        # Parts of BibTeX carry the reading's state: not through a pool.
        yield from _parse_in_process(paths, replace(options, bibtex_parts=False), parse_part)
    elif bibtex and size >= FORK_PARSE_BYTES and forking.can_fork():
        yield from forking.parse_in_fork(paths, lambda path: parts(path, options, parse_part))
    else:
        yield from _parse_in_thread(paths, options, parse_part)


def parts(path: Path, options: ParseOptions, parse_part: PartParser) -> Iterator[ParsedFile]:
    """The parts of one file, each parsed when the one before has been taken."""
    part = parse_part(path, options, None)
    yield part
    while part.resume is not None:
        part = parse_part(path, options, part.resume)
        yield part


def _total_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with suppress(OSError):  # reading names the file when its turn comes
            total += path.stat().st_size
    return total


def _parse_in_process(
    paths: list[Path], options: ParseOptions, parse_part: PartParser
) -> Iterator[ParsedFile]:
    import multiprocessing  # only here: a BibTeX import forks, and loads neither
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            waiting: deque[tuple[Future[ParsedFile], int]] = deque()
            upcoming = iter(paths)
            while True:
                while not waiting or sum(size for _, size in waiting) < AHEAD_BYTES:
                    path = next(upcoming, None)
                    if path is None:
                        break
                    size = _total_size([path])
                    waiting.append((pool.submit(parse_part, path, options, None), size))
                if not waiting:
                    return
                part = waiting.popleft()[0].result()
                if part.resume is not None:
                    # The rest of this file comes before any later file.
                    future = pool.submit(parse_part, part.path, options, part.resume)
                    waiting.appendleft((future, AHEAD_BYTES))
                yield part
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _parse_in_thread(
    paths: list[Path], options: ParseOptions, parse_part: PartParser
) -> Iterator[ParsedFile]:
    results: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()
    room = threading.Condition()
    ahead = 0  # papers parsed and not yet taken

    def produce() -> None:
        nonlocal ahead
        try:
            for path in paths:
                for part in parts(path, options, parse_part):
                    with room:
                        while ahead >= AHEAD_PAPERS and not stop.is_set():
                            room.wait(0.1)
                        if stop.is_set():
                            return
                        ahead += _papers(part)
                    results.put(part)
        except BaseException as error:  # handed to the consumer, which raises it
            results.put(error)
            return
        results.put(_DONE)

    worker = threading.Thread(target=produce, name="reader-parse", daemon=True)
    worker.start()
    try:
        while True:
            item = results.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            with room:
                ahead -= _papers(item)
                room.notify()
            yield item
    finally:
        stop.set()


def _papers(part: ParsedFile) -> int:
    return len(part.listing.papers) if part.listing is not None else 1
