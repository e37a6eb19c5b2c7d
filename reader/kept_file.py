"""The file that keeps an export's entries between exports (``reader.kept_exports``), one per
library and format in the user cache folder: a line naming the format, a checksum of all that
follows, a JSON header (the library's id, the code's version, and per entry the paper, the
stamp it was made at, its length, where its key is, and what its key was made from), then the
entries as UTF-8, the last export's first and in its order. Anything that does not match in
every way is read as nothing kept; writing is best effort and never fails an export.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import zlib
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from reader.store.user_cache import cache_folder, library_key, sha256

# Where an entry's citation key goes, in a kept entry: a control character, which neither
# format writes anywhere in an entry (BibTeX leaves them out of every value, JSON escapes them).
PLACEHOLDER = "\x00"
MAGIC = b"reader kept export entries 1\n"
# A library whose entries take more than this is not kept (a million papers: ~1.5 GB a format).
MAX_BYTES = 512 * 1024 * 1024
# Kept files in the folder at most (libraries times formats); the oldest go first.
MAX_FILES = 32


@dataclass(frozen=True)
class Kept:
    """A kept entry, with ``PLACEHOLDER`` for its key, and what its key is made from."""

    text: str
    citekey: str | None
    base: str | None


class KeptEntries:
    """The entries kept for one library in one format, with their keys written in: first the
    last export's, in its order, then those of other papers still kept. Each has the paper's
    id, the stamp it was made at, its length, and where its key is and how long."""

    def __init__(self, file: Path, library_id: int, fmt: str) -> None:
        self.file = file
        self.library_id = library_id
        # The library file's device and inode: a copy of the library put in its place (which
        # shares its id, and could have been changed otherwise since) is another file.
        self.where: list[int] = []
        self.fmt = fmt
        self.body = memoryview(b"")
        self._text: str | None = None
        self.exported_bytes = 0  # the last export's entries, encoded
        self.ids: list[int] = []
        self.stamps: list[int] = []
        self.lengths: list[int] = []
        self.key_at: list[int] = []
        self.key_lengths: list[int] = []
        self.citekeys: list[str | None] = []  # each paper's own key, and its base key if made
        self.bases: list[str | None] = []
        self.count = 0  # how many of them the last export wrote

    @classmethod
    def load(cls, library: Path, library_id: int, fmt: str) -> KeptEntries:
        """What is kept, or nothing when the file is missing or does not match in every way."""
        file = cache_folder() / "exports" / f"{library_key(library)}-{fmt}.kept"
        kept = cls(file, library_id, fmt)
        kept.where = _file_identity(library)
        data = _regular_file_bytes(file)
        if data is None:
            return kept
        try:
            kept._read(data)
        except (ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
            kept = cls(file, library_id, fmt)
            kept.where = _file_identity(library)
        return kept

    def _read(self, data: bytes) -> None:
        if not data.startswith(MAGIC):
            raise ValueError("not a kept export")
        line = data.index(b"\n", len(MAGIC))
        rest = memoryview(data)[line + 1 :]
        if int(data[len(MAGIC) : line]) != zlib.crc32(rest):
            raise ValueError("a damaged kept export")
        end = data.index(b"\n", line + 1)
        header = json.loads(data[line + 1 : end])
        body = memoryview(data)[end + 1 :]
        if (
            header["library"] != self.library_id
            or header["where"] != self.where
            or header["code"] != code_version()
            or header["format"] != self.fmt
        ):
            raise ValueError("kept for another library, format or version of reader")
        self.body = body
        self.ids, self.stamps, self.lengths = header["ids"], header["stamps"], header["lengths"]
        self.key_at, self.key_lengths = header["key_at"], header["key_lengths"]
        self.count, self.exported_bytes = header["count"], header["exported_bytes"]
        self.citekeys, self.bases = header["citekeys"], header["bases"]
        columns = (self.ids, self.stamps, self.lengths, self.key_at, self.key_lengths)
        texts = (self.citekeys, self.bases)
        if (
            any(len(column) != len(self.ids) for column in (*columns, *texts))
            or not {type(value) for column in texts for value in column} <= {str, type(None)}
            or not 0 <= self.count <= len(self.ids)
            or not 0 <= self.exported_bytes <= len(body)
            or not {type(value) for column in columns for value in column} <= {int}
        ):
            raise ValueError("a damaged kept export")

    @property
    def text(self) -> str:
        """The entries as text (decoded the first time it is asked for)."""
        if self._text is None:
            self._text = str(self.body, "utf-8")
            if sum(self.lengths) != len(self._text):
                self.ids, self.stamps, self.lengths, self.key_at, self.key_lengths = (
                    [],
                    [],
                    [],
                    [],
                    [],
                )
                self.count = 0
        return self._text

    def exported(self, ids: list[int], stamps: list[int]) -> memoryview | None:
        """The last export's entries as UTF-8, when it was of these papers at these stamps."""
        if ids != self.ids[: self.count] or stamps != self.stamps[: self.count]:
            return None
        return self.body[: self.exported_bytes]

    def entries(self, ids: list[int], stamps: list[int]) -> list[Kept | None]:
        """Each paper's kept entry at its stamp; None where there is none."""
        text = self.text  # (first: a damaged file's entries are let go)
        where = {paper_id: index for index, paper_id in enumerate(self.ids)}
        starts = [0, *accumulate(self.lengths)]
        found: list[Kept | None] = []
        for paper_id, stamp in zip(ids, stamps, strict=True):
            index = where.get(paper_id)
            if index is None or self.stamps[index] != stamp:
                found.append(None)
                continue
            at, size = self.key_at[index], self.key_lengths[index]
            if not 0 <= at <= at + size <= self.lengths[index]:
                found.append(None)  # (a file damaged in a way its checksum did not tell)
                continue
            start, key = starts[index], starts[index] + at
            entry = text[start:key] + PLACEHOLDER + text[key + size : starts[index + 1]]
            found.append(Kept(entry, self.citekeys[index], self.bases[index]))
        return found

    def save(
        self,
        ids: list[int],
        stamps: list[int],
        entries: list[str],
        key_at: list[int],
        keys: list[str],
        inputs: list[tuple[str | None, str | None]],
        changed: dict[int, int],
    ) -> bytes:
        """Keep an export's entries (keys written in), then the other entries still kept at
        their paper's stamp (``changed`` holds every stamp drawn, a deleted paper's too), in
        one file replaced in one rename; nothing when it cannot be written. Returns the
        export's entries encoded, for writing the export from."""
        text = self.text  # (first: a damaged file's entries are let go)
        in_export = set(ids)
        starts = [0, *accumulate(self.lengths)]
        others = [
            index
            for index, paper_id in enumerate(self.ids)
            if paper_id not in in_export and changed.get(paper_id, 0) == self.stamps[index]
        ]
        texts = entries + [text[starts[index] : starts[index + 1]] for index in others]
        exported = "".join(entries).encode("utf-8", "surrogatepass")
        rest = "".join(texts[len(entries) :]).encode("utf-8", "surrogatepass")
        if len(exported) + len(rest) > MAX_BYTES:
            return exported
        header = {
            "library": self.library_id,
            "where": self.where,
            "code": code_version(),
            "format": self.fmt,
            "count": len(ids),
            "exported_bytes": len(exported),
            "ids": ids + [self.ids[index] for index in others],
            "stamps": stamps + [self.stamps[index] for index in others],
            "lengths": list(map(len, texts)),
            "key_at": key_at + [self.key_at[index] for index in others],
            "key_lengths": list(map(len, keys)) + [self.key_lengths[index] for index in others],
            "citekeys": [key for key, _ in inputs] + [self.citekeys[index] for index in others],
            "bases": [base for _, base in inputs] + [self.bases[index] for index in others],
        }
        text = json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n"
        checksum = zlib.crc32(rest, zlib.crc32(exported, zlib.crc32(text)))  # all after its line
        _replace(self.file, (MAGIC + b"%d\n" % checksum + text, exported, rest))
        return exported


def _replace(file: Path, parts: tuple[bytes, ...]) -> None:
    """Write the file under a name no other writer uses, then give it the file's name."""
    folder = file.parent
    temporary = folder / f".{file.name}.{os.getpid()}.{os.urandom(6).hex()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temporary, file)
    except OSError:
        temporary.unlink(missing_ok=True)
        return
    _forget_oldest(folder)


def _file_identity(path: Path) -> list[int]:
    try:
        info = os.stat(path)
    except OSError:
        return []
    return [info.st_dev, info.st_ino]


def _regular_file_bytes(file: Path) -> bytes | None:
    """The bytes of a regular file no larger than a kept file can be; None for anything else (a
    FIFO would block a read for ever, a device never end it) or when it cannot be read."""
    try:
        handle = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES + (64 << 20):
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read()
    except OSError:
        return None
    finally:
        os.close(handle)


# A temporary file this old was left by a process that died while writing it.
STALE_SECONDS = 3600


def _forget_oldest(folder: Path) -> None:
    """Keep at most ``MAX_FILES`` kept files in the folder, removing the least recently made,
    and remove temporary files left by processes that died while writing one."""
    try:
        entries = list(os.scandir(folder))
        now = time.time()
        for entry in entries:
            left = entry.name.startswith(".") and ".kept." in entry.name
            if left and now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS:
                os.unlink(entry.path)
        files = [entry for entry in entries if entry.name.endswith(".kept")]
        if len(files) <= MAX_FILES:
            return
        files.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns)
        for entry in files[: len(files) - MAX_FILES]:
            os.unlink(entry.path)
    except OSError:
        return


_CODE_VERSION: list[str] = []


def code_version() -> str:
    """A name for this version of reader's code: every module's path, size and time, and
    Python's version (what ``str.isprintable`` and JSON's quoting give may change with it)."""
    if not _CODE_VERSION:
        root = Path(__file__).parent
        digest = sha256(sys.version.encode("utf-8"))
        for folder, children, names in os.walk(root):
            children[:] = sorted(child for child in children if child != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(folder, name))
                    where = os.path.relpath(os.path.join(folder, name), root)
                    digest.update(f"{where}:{info.st_size}:{info.st_mtime_ns};".encode())
        _CODE_VERSION.append(digest.hexdigest()[:32])
    return _CODE_VERSION[0]
