"""Citation exports that reuse what they wrote before.

Exporting a library to BibTeX or CSL-JSON again and again (a ``.bib`` kept beside a paper being
written, remade after each change) renders the same entries every time. Each entry is kept in
the user cache folder under its paper's export stamp, a random number the library draws again,
in the same transaction, at every change to what an export writes of the paper (schema step 6).
An export renders only the papers whose stamp is not the one kept, and writes the file from the
kept entries and those; the result is byte for byte what rendering every paper gives.

Citation keys are not kept in the entries: a key depends on the other papers of the export
(``smith2020a`` and ``smith2020b``). Entries are kept with a placeholder where the key goes, and
the keys of the last export are kept with the ids and stamps they were made for; any other
selection, or a changed stamp among them, makes the keys again from the papers' key fields.

The kept file holds the library's id (drawn by the same schema step), the code's version (the
size and time of every module of reader, and Python's version) and a checksum of all it holds;
a file that does not match in every way is ignored and written again. Keeping is best effort: a
cache that cannot be read or written never fails an export, it only makes it slower.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from reader.store.user_cache import cache_folder, library_key, sha256
from reader.text import json_array_pieces, json_strings, safe

if TYPE_CHECKING:
    from reader.models import Paper
    from reader.store import Library

# Where an entry's citation key goes, in a kept entry: a control character, which neither
# format writes anywhere in an entry (BibTeX leaves them out of every value, JSON escapes them).
PLACEHOLDER = "\x00"
MAGIC = b"reader kept export entries 1\n"
# A library whose entries take more than this is not kept (a million papers: ~1.5 GB a format).
MAX_BYTES = 512 * 1024 * 1024
# Kept files in the folder at most (libraries times formats); the oldest go first.
MAX_FILES = 32


@dataclass(frozen=True)
class Keyed:
    """A format whose entries are kept: each paper's entry under a key (its module imported
    only when an entry is rendered), the keys as entries write them, and the entries (or the
    whole text of them) framed into the export's pieces."""

    items: Callable[[], Callable[[Sequence[Paper], Sequence[str]], list[str]]]
    written: Callable[[list[str]], list[str]]
    framed: Callable[[list[str]], list[str]]
    # What goes before the first entry and how much of the last one's end is cut: the whole
    # text of the entries is framed with one copy of it.
    opening: str
    cut: int
    closing: str

    def whole(self, text: memoryview) -> list[str | memoryview]:
        """The pieces of the export whose entries, joined and encoded, are ``text`` (at least
        one entry; the cut is of ASCII characters)."""
        return [self.opening, text[: len(text) - self.cut], self.closing]


def _bibtex_items() -> Callable[[Sequence[Paper], Sequence[str]], list[str]]:
    from reader.export.bibtex import bibtex_items

    return bibtex_items


def _csl_items() -> Callable[[Sequence[Paper], Sequence[str]], list[str]]:
    from reader.export.csl_json import csl_items

    return csl_items


def _bibtex_framed(entries: list[str]) -> list[str]:
    if entries:
        entries[-1] = entries[-1][:-1]  # the last entry ends with its brace's line
    return entries


def _bibtex_keys(keys: list[str]) -> list[str]:
    return [key if key.isprintable() else safe(key) for key in keys]


KEYED_FORMATS: dict[str, Keyed] = {
    "bibtex": Keyed(_bibtex_items, _bibtex_keys, _bibtex_framed, "", 1, ""),
    "csl-json": Keyed(_csl_items, json_strings, json_array_pieces, "[\n  ", 4, "\n]\n"),
}


def kept_pieces(
    library: Library, select: Callable[[], Sequence[int]], fmt: str
) -> list[str | memoryview] | None:
    """The export of the papers ``select`` gives (called in the same snapshot as every read
    here), in a format of ``KEYED_FORMATS``, as the pieces ``render_pieces`` gives (some of them
    encoded already); the entries of papers unchanged since an earlier export are reused. None
    when the library keeps no export stamps (a library older than reader read as it is): then
    render it as usual."""
    keyed = KEYED_FORMATS[fmt]
    with library.read():
        found = library.export_stamps()
        if found is None:
            return None
        library_id, changed = found
        ids = list(select())
        stamps = [changed.get(paper_id, 0) for paper_id in ids]
        kept = KeptEntries.load(library.path, library_id, fmt)
        whole = kept.exported(ids, stamps)
        if whole is not None:  # the same papers, in the same order, none changed
            return keyed.whole(whole) if ids else keyed.framed([])
        entries = kept.entries(ids, stamps)
        missing = [paper_id for paper_id, entry in zip(ids, entries, strict=True) if entry is None]
        papers = _papers(library, ids, missing, fmt)
        if papers is None:
            return None
    from reader.export.citation import citation_keys

    if missing:
        made = keyed.items()(
            [papers[paper_id] for paper_id in missing], [PLACEHOLDER] * len(missing)
        )
        new = iter(made)
        entries = [next(new) if entry is None else entry for entry in entries]
    keys = keyed.written(citation_keys([papers[paper_id] for paper_id in ids]))
    keyed_entries = [
        entry.replace(PLACEHOLDER, key, 1) for entry, key in zip(entries, keys, strict=True)
    ]
    key_at = [entry.index(PLACEHOLDER) for entry in entries]
    encoded = kept.save(ids, stamps, keyed_entries, key_at, keys, changed)
    return keyed.whole(memoryview(encoded)) if ids else keyed.framed([])


def _papers(
    library: Library, ids: list[int], missing: list[int], fmt: str
) -> dict[int, Paper] | None:
    """The papers to render (every field the format reads) and the others with the fields
    their keys are made from, by id; None if one was not found (not in one snapshot)."""
    from reader.export import CITATION_KEY_FIELDS, MarkdownOptions, export_format

    papers: dict[int, Paper] = {}
    if missing:
        fields = export_format(fmt).reads(MarkdownOptions())
        papers = {paper.id: paper for paper in library.catalog.papers_of(missing, fields)}
    rest = [paper_id for paper_id in ids if paper_id not in papers]
    papers.update({p.id: p for p in library.catalog.papers_of(rest, CITATION_KEY_FIELDS)})
    return papers if len(papers) == len(set(ids)) else None


class KeptEntries:
    """The entries kept for one library in one format, with their keys written in: first the
    last export's, in its order, then those of other papers still kept. Each has the paper's
    id, the stamp it was made at, its length, and where its key is and how long."""

    def __init__(self, file: Path, library_id: int, fmt: str) -> None:
        self.file = file
        self.library_id = library_id
        self.fmt = fmt
        self.body = memoryview(b"")
        self._text: str | None = None
        self.exported_bytes = 0  # the last export's entries, encoded
        self.ids: list[int] = []
        self.stamps: list[int] = []
        self.lengths: list[int] = []
        self.key_at: list[int] = []
        self.key_lengths: list[int] = []
        self.count = 0  # how many of them the last export wrote

    @classmethod
    def load(cls, library: Path, library_id: int, fmt: str) -> KeptEntries:
        """What is kept, or nothing when the file is missing or does not match in every way."""
        file = cache_folder() / "exports" / f"{library_key(library)}-{fmt}.kept"
        kept = cls(file, library_id, fmt)
        data = _regular_file_bytes(file)
        if data is None:
            return kept
        try:
            kept._read(data)
        except (ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):
            return cls(file, library_id, fmt)
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
            or header["code"] != code_version()
            or header["format"] != self.fmt
        ):
            raise ValueError("kept for another library, format or version of reader")
        self.body = body
        self.ids, self.stamps, self.lengths = header["ids"], header["stamps"], header["lengths"]
        self.key_at, self.key_lengths = header["key_at"], header["key_lengths"]
        self.count, self.exported_bytes = header["count"], header["exported_bytes"]
        columns = (self.ids, self.stamps, self.lengths, self.key_at, self.key_lengths)
        if (
            any(len(column) != len(self.ids) for column in columns)
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

    def entries(self, ids: list[int], stamps: list[int]) -> list[str | None]:
        """Each paper's kept entry at its stamp, with ``PLACEHOLDER`` for its key; None where
        there is none."""
        text = self.text  # (first: a damaged file's entries are let go)
        where = {paper_id: index for index, paper_id in enumerate(self.ids)}
        starts = [0, *accumulate(self.lengths)]
        found: list[str | None] = []
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
            found.append(text[start:key] + PLACEHOLDER + text[key + size : starts[index + 1]])
        return found

    def save(
        self,
        ids: list[int],
        stamps: list[int],
        entries: list[str],
        key_at: list[int],
        keys: list[str],
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
            "code": code_version(),
            "format": self.fmt,
            "count": len(ids),
            "exported_bytes": len(exported),
            "ids": ids + [self.ids[index] for index in others],
            "stamps": stamps + [self.stamps[index] for index in others],
            "lengths": list(map(len, texts)),
            "key_at": key_at + [self.key_at[index] for index in others],
            "key_lengths": list(map(len, keys)) + [self.key_lengths[index] for index in others],
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
