"""Empty libraries for tests, copied from one made once per test process.

Making a library runs every schema step in SQLite: about 20 ms, and the suite made some 900 of
them, hundreds in property tests that need a new library per example. Copying the file of an
empty library and opening the copy takes about 3 ms. The copy is the library ``Library(path)``
makes (the same schema, version, recorded steps, write-ahead log mode and file mode, 0600);
only the times its steps were recorded are those of the first one. Tests of how a library is
made (its mode, its steps, one built aside and linked into place) make their own.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from reader.store import Library

_template: Path | None = None


def _empty_template() -> Path:
    """The empty library of this process, made the first time one is asked for."""
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="reader-test-empty-library-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "empty.db"
        Library(path).close()
        assert not path.with_name(path.name + "-wal").exists()  # the file alone is the library
        _template = path
    return _template


def empty_library(path: Path) -> Library:
    """A new empty library at ``path`` (which must not exist), open, as ``Library(path)``
    makes it."""
    if path.exists():
        raise FileExistsError(path)
    shutil.copy(_empty_template(), path)  # the mode too (0600)
    return Library(path)
