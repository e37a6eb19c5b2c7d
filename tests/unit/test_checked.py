"""The damage check before a first write is skipped only while the file is exactly as it was
when last found sound (or written from a sound state by reader itself)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.store import Library, checked, opening


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(checked.CACHE_ENV, str(tmp_path / "cache"))


def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    original = opening.verify

    def counting(library):  # type: ignore[no-untyped-def]
        calls.append(library.path)
        original(library)

    monkeypatch.setattr(opening, "verify", counting)
    return calls


def test_a_library_written_by_reader_is_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.db"
    calls = count_checks(monkeypatch)
    with Library(path) as library:
        library.create_list("One")
    first = len(calls)
    for name in ("Two", "Three"):
        with Library(path) as library:
            library.create_list(name)
    assert len(calls) == first  # unchanged since: no second full read
    assert checked.is_unchanged(path)


def test_a_file_changed_behind_reader_s_back_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lib.db"
    with Library(path) as library:
        library.create_list("One")
    calls = count_checks(monkeypatch)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))  # "another program"
    assert not checked.is_unchanged(path)
    with Library(path) as library:
        library.create_list("Two")
    assert calls == [path]


def test_an_unwritable_cache_only_means_checking_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(checked.CACHE_ENV, str(blocker / "cache"))
    path = tmp_path / "lib.db"
    calls = count_checks(monkeypatch)
    for name in ("One", "Two"):
        with Library(path) as library:
            library.create_list(name)
    assert len(calls) == 2


def test_a_library_s_name_in_the_cache_is_the_sha256_of_its_resolved_path(
    tmp_path: Path,
) -> None:
    """The cache's names outlive versions of reader: a changed digest would forget every
    library found sound (a damage check again) and every match kept (a slow first search)."""
    import hashlib

    from reader.store.user_cache import library_key

    for name in ("lib.db", "ünïcode ² lib.db", "sub/../lib.db"):
        path = tmp_path / name
        expected = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass"))
        assert library_key(path) == expected.hexdigest()[:32]


def test_the_memory_of_sound_files_is_written_whole_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lib.db"
    with Library(path) as library:
        library.create_list("One")
    cache = tmp_path / "cache"
    assert checked.is_unchanged(path)
    assert [p.name for p in cache.iterdir() if p.name.startswith(".checked.")] == []
