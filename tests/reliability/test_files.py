"""Files on disk: the library is its owner's alone, and exports are never left half-written."""

from __future__ import annotations

import builtins
import io
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reader.atomic_file import write_atomic
from reader.store import Library

from .support import assert_ok, assert_refused, cli, fingerprint


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o000], ids=["umask-022", "umask-000"])
def test_a_new_library_is_readable_by_its_owner_only(tmp_path: Path, mask: int) -> None:
    path = tmp_path / "deeper" / "folder" / "lib.db"
    with umask(mask), Library(path) as library:
        library.create_list("Private")  # something in the WAL as well
        assert mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                assert mode(companion) & 0o077 == 0, f"{companion.name} is {oct(mode(companion))}"
    assert mode(path) == 0o600


def test_the_cli_creates_a_private_library(tmp_path: Path) -> None:
    path = tmp_path / "new" / "lib.db"
    listing = tmp_path / "listing.txt"
    listing.write_text("new\n\nMar 11\n\nA Title\n\nAn abstract.\n", encoding="utf-8")
    with umask(0o000):
        assert_ok(cli(path, "import", str(listing)))
    assert mode(path) == 0o600


def test_opening_a_library_does_not_loosen_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    Library(path).close()
    os.chmod(path, 0o600)
    with umask(0o000):
        assert_ok(cli(path, "papers"))
    assert mode(path) == 0o600


class FailingStream(io.TextIOWrapper):
    """Writes part of the text, then fails as a full disk would."""

    def write(self, text: str) -> int:
        super().write(text[: len(text) // 2])
        self.flush()
        raise OSError(28, "No space left on device")


class FailingBuffer(io.BufferedWriter):
    """Under a FailingStream: text already encoded (kept export entries) is written straight to
    the stream's buffer, and fails the same way."""

    def write(self, data: bytes | memoryview) -> int:  # type: ignore[override]
        super().write(bytes(data[: len(data) // 2]))
        super().flush()
        raise OSError(28, "No space left on device")


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[], None]:
    """Once called, every text file opened for writing under tmp_path fails half-way through
    a write, of text or of bytes written to its buffer."""

    def failing(stream: io.TextIOWrapper) -> FailingStream:
        encoding = stream.encoding
        buffer = FailingBuffer(stream.detach().detach())  # type: ignore[attr-defined]
        return FailingStream(buffer, encoding=encoding, newline="")

    real_fdopen, real_open, real_io_open = os.fdopen, builtins.open, io.open

    def fdopen(fd, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        stream = real_fdopen(fd, mode, *args, **kwargs)
        return failing(stream) if "w" in mode and "b" not in mode else stream

    def wrap(original):  # type: ignore[no-untyped-def]
        def opener(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
            stream = original(file, mode, *args, **kwargs)
            inside = isinstance(file, (str, os.PathLike)) and str(file).startswith(str(tmp_path))
            if inside and "w" in mode and "b" not in mode:
                return failing(stream)
            return stream

        return opener

    def arm() -> None:
        monkeypatch.setattr(os, "fdopen", fdopen)
        monkeypatch.setattr(builtins, "open", wrap(real_open))
        monkeypatch.setattr(io, "open", wrap(real_io_open))

    return arm


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(child.name for child in folder.iterdir() if child.name not in keep)


def test_a_failed_write_leaves_the_old_file_and_no_partial_file(
    tmp_path: Path, full_disk: Callable[[], None]
) -> None:
    target = tmp_path / "export.md"
    target.write_text("the previous export\n", encoding="utf-8")
    full_disk()
    with pytest.raises(OSError):
        write_atomic(target, "# New export\n" + "- [ ] a paper\n" * 10_000)
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert leftovers(tmp_path, {"export.md"}) == []


def test_a_failed_write_of_a_new_file_leaves_nothing(
    tmp_path: Path, full_disk: Callable[[], None]
) -> None:
    target = tmp_path / "new.md"
    full_disk()
    with pytest.raises(OSError) as failed:
        write_atomic(target, "x" * 100_000)
    assert leftovers(tmp_path, set()) == []
    # Said of the file being written: the CLI's one line is "PATH: No space left on device".
    assert failed.value.filename == str(target) and failed.value.errno == 28


def test_write_atomic_replaces_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "export.md"
    target.write_text("old " * 10_000, encoding="utf-8")
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert leftovers(tmp_path, {"export.md"}) == []


@pytest.mark.parametrize(
    "args",
    [
        ["Seed list"],
        ["Seed list", "--format", "bibtex"],
        ["Seed list", "--format", "csv"],
        ["--query", "seed", "--format", "json"],
        ["--all", "--format", "json"],
    ],
    ids=["markdown", "bibtex", "csv", "json", "backup"],
)
def test_a_failed_cli_export_keeps_the_previous_file(
    seeded: Path,
    tmp_path: Path,
    full_disk: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out"
    target.write_text("previous\n", encoding="utf-8")
    before = fingerprint(seeded)
    full_disk()
    result = cli(seeded, "export", *args, "-o", str(target))
    monkeypatch.undo()
    assert_refused(result)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert leftovers(folder, {"out"}) == []
    assert fingerprint(seeded) == before


@pytest.mark.parametrize(
    "args",
    [
        ["Seed list"],
        ["Seed list", "--format", "bibtex"],
        ["Seed list", "--format", "csv"],
        ["--query", "seed", "--format", "json"],
        ["--all", "--format", "json"],
    ],
    ids=["markdown", "bibtex", "csv", "json", "backup"],
)
def test_cli_exports_appear_whole_by_rename(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """At the moment the export appears under its name it is complete; before, the old file
    is untouched."""
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out"
    target.write_text("previous\n", encoding="utf-8")
    expected = cli(seeded, "export", *args).stdout
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(source, destination, *rest, **kwargs):  # type: ignore[no-untyped-def]
        if Path(destination) == target or Path(destination).resolve() == target.resolve():
            assert target.read_text(encoding="utf-8") == "previous\n"
            assert Path(source).read_text(encoding="utf-8") == expected
            renames.append((str(source), str(destination)))
        return real_replace(source, destination, *rest, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "rename", replace)
    assert_ok(cli(seeded, "export", *args, "-o", str(target)))
    assert len(renames) == 1
    assert target.read_text(encoding="utf-8") == expected
    assert leftovers(folder, {"out"}) == []


def test_an_export_into_a_missing_folder_is_refused(seeded: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.md"
    assert_refused(cli(seeded, "export", "Seed list", "-o", str(target)), "folder")
    assert not target.parent.exists()


def test_an_export_onto_a_folder_is_refused(seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert_refused(cli(seeded, "export", "Seed list", "-o", str(folder)), "a-folder")
    assert list(folder.iterdir()) == []
