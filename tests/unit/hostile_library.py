"""A library with hostile text in every field (``fill`` of test_export_speed_paths), made once
per test module and copied for each test: filling its 150 papers took a test about 60 ms, a
copy of the file takes one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_export_speed_paths import fill

from reader.store import Library


def hostile_file(factory: pytest.TempPathFactory, seed: int) -> Path:
    """The library ``fill`` makes with ``seed`` (150 papers), closed: the file alone."""
    path = factory.mktemp(f"hostile-{seed}") / "lib.db"
    library = Library(path)
    try:
        with library.write():
            fill(library, 150, seed=seed)
    finally:
        library.close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


@contextmanager
def hostile_copy(template: Path, folder: Path) -> Iterator[Library]:
    """A copy of ``template`` in ``folder``, open for the test."""
    path = folder / "lib.db"
    shutil.copy(template, path)
    library = Library(path)
    try:
        yield library
    finally:
        library.close()
