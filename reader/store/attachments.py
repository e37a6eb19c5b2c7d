"""Files attached to papers: copied into a ``files/`` folder beside the library, named by
citation key and content-addressed (the same file twice is one copy), or linked in place."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from reader.identifiers import citation_key
from reader.models import AttachedFile, ReaderError
from reader.store import clock
from reader.store.undo import Scope

if TYPE_CHECKING:
    from reader.store.library import Library

MAX_ATTACHMENT_BYTES = 2 * 1024**3


class Attachments:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    @property
    def folder(self) -> Path:
        return self.library.path.parent / "files"

    def resolve(self, item: AttachedFile) -> Path:
        """Where an attached file is: stored paths are relative to the library's folder."""
        path = Path(item.path)
        return path if path.is_absolute() else self.library.path.parent / path

    def attach(
        self, paper_id: int, source: Path, *, link: bool = False, move: bool = False
    ) -> AttachedFile:
        """Attach a file: copied into ``files/`` (``move`` renames it there instead, for a
        download already beside the library), or with ``link`` left where it is."""
        source = source.expanduser()
        try:
            mode = source.stat().st_mode
        except OSError as error:
            raise ReaderError(f"{source}: {error.strerror or 'cannot be read'}") from None
        if not stat.S_ISREG(mode):
            raise ReaderError(f"{source}: not a regular file")
        with self.library.write():
            title = self.library.catalog.title(paper_id)
            if link:
                item = AttachedFile(str(source.resolve()), _sha256(source))
            elif move:
                item = self._move_in(paper_id, source)
            else:
                item = self._copy_in(paper_id, source)
            scope = Scope("attachments", "paper_id = ?", (paper_id,))
            with self.library.change(f"attached {Path(item.path).name} to '{title}'", [scope]):
                self.db.execute(
                    "INSERT OR IGNORE INTO attachments (paper_id, path, sha256, added) "
                    "VALUES (?, ?, ?, ?)",
                    [paper_id, item.path, item.sha256, clock.now()],
                )
        return item

    def _copy_in(self, paper_id: int, source: Path) -> AttachedFile:
        """Copy the file in (unless the library holds the same bytes already) atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".attaching.", dir=self.folder)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(handle, "wb") as out, source.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    size += len(block)
                    if size > MAX_ATTACHMENT_BYTES:
                        raise ReaderError(f"{source}: larger than 2 GB; attach it with --link")
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            known = self._stored_copy(sha)
            if known is not None:
                return known
            target = self._name(paper_id, source.suffix.lower(), sha)
            os.replace(temporary, self.folder / target)
            return AttachedFile(f"files/{target}", sha)
        finally:
            Path(temporary).unlink(missing_ok=True)

    def _move_in(self, paper_id: int, source: Path) -> AttachedFile:
        """Rename a finished download into ``files/`` (one copy per content, as ever)."""
        sha = _sha256(source)
        known = self._stored_copy(sha)
        if known is not None:
            source.unlink(missing_ok=True)
            return known
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._name(paper_id, source.suffix.lower(), sha)
        try:
            os.replace(source, self.folder / target)
        except OSError:  # another file system: copy it in after all
            item = self._copy_in(paper_id, source)
            source.unlink(missing_ok=True)
            return item
        return AttachedFile(f"files/{target}", sha)

    def _stored_copy(self, sha: str) -> AttachedFile | None:
        for (path,) in self.db.execute(
            "SELECT path FROM attachments WHERE sha256 = ? AND path LIKE 'files/%'", [sha]
        ):
            if (self.library.path.parent / path).is_file():
                return AttachedFile(path, sha)
        return None

    def _name(self, paper_id: int, suffix: str, sha: str) -> str:
        paper = self.library.catalog.papers([paper_id], with_notes=False)[0]
        stem = paper.citekey or citation_key(paper.authors, paper.year, paper.title)
        stem = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem)[:80] or "paper"
        suffix = suffix if len(suffix) <= 10 and suffix[1:].isalnum() else ""
        name = f"{stem}{suffix}"
        if (self.folder / name).exists():
            name = f"{stem}-{sha[:10]}{suffix}"
        return name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
