"""A library of an older schema this version still reads (``READABLE_FROM`` on), where it cannot
be upgraded (read-only media, a lock held elsewhere): read as it is by every reading command,
never half-upgraded; writing commands still refuse. One older than that is refused as before."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.models import LibraryError
from reader.store import Library, connection
from reader.store.schema import LATEST_VERSION, READABLE_FROM

from .test_data_safety import _in_mount_namespace
from .test_foreign_db import build_version


def test_an_older_readable_schema_is_read_on_read_only_media(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    build_version(source / "lib.db", READABLE_FROM)
    mount = tmp_path / "mnt"
    mount.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    reader = '"$PYTHON" -m reader --db "$M/lib.db"'
    script = f"""
M={mount}
mount --bind {source} $M && mount -o remount,ro,bind $M || {{ echo MOUNT-FAILED; exit 0; }}
{reader} papers old --json > {out}/papers.json; echo "papers $?"
{reader} export --all --format bibtex -o {out}/lib.bib; echo "export $?"
{reader} tag 1 later 2> {out}/tag.err; echo "tag $?"
"""
    done = _in_mount_namespace(script)
    assert "papers 0" in done.stdout and "export 0" in done.stdout, done.stdout + done.stderr
    assert [paper["title"] for paper in json.loads((out / "papers.json").read_text())] == [
        "An Old Paper"
    ]
    assert "An Old Paper" in (out / "lib.bib").read_text()
    assert "tag 1" in done.stdout and "read-only" in (out / "tag.err").read_text()
    assert sorted(path.name for path in source.iterdir()) == ["lib.db"]  # nothing written


@pytest.mark.parametrize("version", [READABLE_FROM - 1, READABLE_FROM, LATEST_VERSION - 1])
def test_an_upgrade_that_cannot_be_written_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    """The writing connection that would upgrade fails (here: as when another process holds
    the lock): a readable schema is read as it is, an older one refused; neither upgraded."""
    db = tmp_path / "lib.db"
    build_version(db, version)

    def busy(self: connection.Connection, *args: object, **kwargs: object) -> None:
        if not kwargs.get("readonly"):
            raise LibraryError(f"{db}: the library is busy", busy=True)
        real(self, *args, **kwargs)

    real = connection.Connection.__init__
    monkeypatch.setattr(connection.Connection, "__init__", busy)
    if version < READABLE_FROM:
        with pytest.raises(LibraryError):
            Library(db, readonly=True)
    else:
        with Library(db, readonly=True) as library:
            assert [paper.title for paper in library.papers(library.search("").ids)] == [
                "An Old Paper"
            ]
            assert list(library.search("upgrade").ids) == [1]
    monkeypatch.undo()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == version
    conn.close()
    assert not list(tmp_path.glob("*.bak"))  # not even the copy an upgrade starts with
