"""BibTeX parsed in a copy of this process, on the other core, while the library writes.

A forked copy starts at once with every module already imported (a spawned process starts a
new interpreter and imports reader again: a fifth of a second before it reads anything), and it
sends each part of each file as soon as it is parsed (``reader.importers.bibtex_parts``), so the
library writes a part while the next is read. The copy never touches the library: it holds none
of its locks (they are not inherited), it collects no garbage (the library's connection is never
finalized in it), and it ends with ``os._exit``, as multiprocessing's forked processes do.

A process may be copied safely only while it runs no other thread (a lock held by another
thread would stay held in the copy forever): the app's imports, and systems where processes
are not started by forking (macOS), parse in a thread instead (``reader.importers.pipeline``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from reader.models import ReaderError

if TYPE_CHECKING:
    from reader.importers import ParsedFile

FileParts = Callable[[Path], Iterator["ParsedFile"]]
# Parts parsed ahead of the writer and not yet sent (one more is being sent).
AHEAD_PARTS = 2
# What a part sent from the copy has instead of its reader's state: more of the file follows.
MORE = "more parts follow"


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def parse_in_fork(paths: list[Path], file_parts: FileParts) -> Iterator[ParsedFile]:
    """Every part of every file (``file_parts`` gives a file's), parsed in a copy of this
    process; its errors are raised here, in order."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_produce, args=(paths, file_parts, sender), name="reader-parse", daemon=True
    )
    child.start()
    sender.close()  # the copy holds the only sending end: its end is seen here as EOFError
    finished = 0  # files wholly received
    done = False
    try:
        while True:
            try:
                item = pickle.loads(receiver.recv_bytes())
            except EOFError:
                path = paths[min(finished, len(paths) - 1)]
                ended = "the parsing process ended"
                raise ReaderError(f"{path}: could not be read ({ended})") from None
            if item is None:
                done = True
                return
            if isinstance(item, BaseException):
                raise item
            finished += item.last
            yield item
    finally:
        receiver.close()
        if not done:
            child.terminate()
        child.join()


def _produce(paths: list[Path], file_parts: FileParts, connection: Connection) -> None:
    """In the copy: parse, and hand each part to a thread that sends it, so that parsing goes
    on while the writer is busy and not reading."""
    gc.disable()
    outbox: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD_PARTS)

    def send() -> None:
        while (data := outbox.get()) is not None:
            try:
                connection.send_bytes(data)
            except OSError:
                os._exit(1)  # the importing process is gone: nobody to parse for

    sender = threading.Thread(target=send, name="reader-send", daemon=True)
    sender.start()
    try:
        for path in paths:
            for part in file_parts(path):
                outbox.put(pickle.dumps(replace(part, resume=None if part.last else MORE), -1))
        outbox.put(pickle.dumps(None))
    except BaseException as error:  # raised in the importing process, in its turn
        outbox.put(_error(error))
    outbox.put(None)
    sender.join()


def _error(error: BaseException) -> bytes:
    try:
        return pickle.dumps(error, -1)
    except Exception:  # an exception that cannot travel is said in its words
        return pickle.dumps(ReaderError(str(error) or type(error).__name__), -1)
