"""BibTeX parsed in a copy of this process, on the other core, while the library writes.

A forked copy starts at once with every module already imported (a spawned process starts a
new interpreter and imports reader again: a fifth of a second before it reads anything), and it
sends each part of each file as soon as it is parsed (``reader.importers.bibtex_parts``), so the
library writes a part while the next is read. The copy never touches the library: it holds none
of its locks (they are not inherited), it collects no garbage (the library's connection is never
finalized in it), and it ends with ``os._exit``, which runs no exit handlers and flushes no
inherited buffers. Parts travel pickled through a pipe, each after its length.

A process may be copied safely only while it runs no other thread (a lock held by another
thread would stay held in the copy forever): the app's imports, and systems where processes
are not started by forking (macOS), parse in a thread instead (``reader.importers.pipeline``).
"""

from __future__ import annotations

import fcntl
import gc
import os
import pickle
import queue
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.models import ReaderError

if TYPE_CHECKING:
    from reader.importers import ParsedFile

FileParts = Callable[[Path], Iterator["ParsedFile"]]
# Parts parsed ahead of the writer and not yet sent (one more is being sent): the two sides
# take turns being the slower by a little, and a part waiting on each side evens that out.
AHEAD_PARTS = 4
# The pipe holds this much (Linux allows a megabyte unless told otherwise): a part then passes
# in a few writes rather than one for each 64 KB, each waking the other side.
PIPE_BYTES = 1024 * 1024
# What a part sent from the copy has instead of its reader's state: more of the file follows.
MORE = "more parts follow"
_LENGTH = 8  # bytes of the length before each message


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def parse_in_fork(paths: list[Path], file_parts: FileParts) -> Iterator[ParsedFile]:
    """Every part of every file (``file_parts`` gives a file's), parsed in a copy of this
    process that starts now; its errors are raised here, in order."""
    for stream in (sys.stdout, sys.stderr):  # what is buffered would be written twice
        with suppress(Exception):
            stream.flush()
    reading, writing = os.pipe()
    with suppress(OSError):  # a smaller pipe is only slower
        fcntl.fcntl(writing, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    child = os.fork()
    if child == 0:  # the copy
        code = 1
        try:
            os.close(reading)
            _produce(paths, file_parts, writing)
            code = 0
        finally:
            os._exit(code)
    os.close(writing)  # the copy holds the only writing end: its end is seen here as EOF
    return _received(paths, child, reading)


def _received(paths: list[Path], child: int, reading: int) -> Iterator[ParsedFile]:
    finished = 0  # files wholly received
    try:
        while True:
            data = _read_message(reading)
            if data is None:
                path = paths[min(finished, len(paths) - 1)]
                ended = "the parsing process ended"
                raise ReaderError(f"{path}: could not be read ({ended})")
            item = pickle.loads(data)
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            finished += item.last
            yield item
    finally:
        os.close(reading)
        with suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)  # gone already, unless this ended early
        os.waitpid(child, 0)


def _read_message(reading: int) -> bytearray | None:
    """The next message, or None at the end of the pipe (the copy ended before its last)."""
    head = _read_exactly(reading, _LENGTH)
    if head is None:
        return None
    return _read_exactly(reading, int.from_bytes(head, "little"))


def _read_exactly(reading: int, size: int) -> bytearray | None:
    data = bytearray(size)
    view = memoryview(data)
    got = 0
    while got < size:
        count = os.readv(reading, [view[got:]])
        if count == 0:
            return None
        got += count
    return data


def _produce(paths: list[Path], file_parts: FileParts, writing: int) -> None:
    """In the copy: parse, and hand each part to a thread that sends it, so that parsing goes
    on while the writer is busy and not reading."""
    gc.disable()
    outbox: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD_PARTS)

    def send() -> None:
        while (data := outbox.get()) is not None:
            try:
                for piece in (len(data).to_bytes(_LENGTH, "little"), data):
                    view = memoryview(piece)
                    while view:
                        view = view[os.write(writing, view) :]
            except OSError:
                os._exit(1)  # the importing process is gone: nobody to parse for

    sender = threading.Thread(target=send, name="reader-send", daemon=True)
    sender.start()
    watcher = threading.Thread(target=_end_with_reader, args=(writing,), daemon=True)
    watcher.start()
    try:
        for path in paths:
            for part in file_parts(path):
                outbox.put(pickle.dumps(replace(part, resume=None if part.last else MORE), -1))
        outbox.put(pickle.dumps(None))
    except BaseException as error:  # raised in the importing process, in its turn
        outbox.put(_error(error))
    outbox.put(None)
    sender.join()


def _end_with_reader(writing: int) -> None:
    """In the copy: end as soon as the importing process is gone (killed, say), not when the
    next part is sent, which may be a whole file's parsing later (the first part reaches past the
    last ``@string``). A pipe's writing end polls as an error once nobody can read it."""
    poller = select.poll()
    poller.register(writing, 0)  # errors and hang-ups only: they are always reported
    while True:
        with suppress(InterruptedError):
            if poller.poll():
                os._exit(1)


def _error(error: BaseException) -> bytes:
    try:
        return pickle.dumps(error, -1)
    except Exception:  # an exception that cannot travel is said in its words
        return pickle.dumps(ReaderError(str(error) or type(error).__name__), -1)
