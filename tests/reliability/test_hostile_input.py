"""Any input file given to ``reader import`` ends in a correct import, or in exit code 1 with one
line on stderr naming the file and the library left exactly as it was."""

from __future__ import annotations

import builtins
import io
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.store import Library

from .support import (
    SEED_PAPERS,
    UNSAFE,
    assert_ok,
    assert_process_refused,
    assert_refused,
    cli,
    fingerprint,
    listing_text,
    run_reader,
)

SEED_TITLES = {title for title, _ in SEED_PAPERS}
LONG_TITLE = ("A Very Long Title " * 600)[:10_000].strip()

ACCENTED = (
    ("Café Résumé: Naïve Bayes for Über-Fast Ångström Señales", "Déjà vu in façade détection."),
    ("Études sur les modèles génératifs", "Une thèse très complète, à lire."),
)

WORLD = (
    (
        "👩\u200d🔬 Women in Science 🧬: Flags 🇫🇷🇯🇵, Keycaps 1\ufe0f\u20e3 and 👍🏽",
        "Emoji sequences must survive import 🎉.",
    ),
    ("نموذج لغوي كبير للترجمة الآلية", "ملخص باللغة العربية مع أرقام 2024."),
    ("מודל שפה גדול לתרגום", "תקציר בעברית."),
    ("می\u200cخواهم مدل زبانی بزرگ", "چکیده به فارسی."),
    ("Mixed direction: GPT-4 و نماذج اللغة", "English and العربية in one line."),
    ("大規模言語モデルの効率的な学習 🚀", "日本語の要約です。"),
)


def imported_titles(db: Path) -> set[str]:
    with Library(db) as library:
        return {paper["title"] for paper in library.dump()["papers"]} - SEED_TITLES


def assert_rows_kept(after: dict, before: dict) -> None:
    """Nothing that was in the library before is gone or changed (indexes aside)."""
    for table, rows in before.items():
        if table not in after or table in ("sqlite_sequence", "term_df", "stats"):
            continue  # an index's own table, SQLite's id counters, or figures derived from both
        missing = [row for row in rows if row not in after.get(table, [])]
        assert not missing, f"{table}: rows lost or changed: {missing[:3]}"


@dataclass(frozen=True)
class Case:
    name: str  # file name
    content: Callable[[], bytes]
    expect: str  # "import", "refuse" or "either"
    titles: frozenset[str] = frozenset()  # what a correct import holds
    verify: Callable[[set[str]], bool] | None = None  # when several imports are correct


def _random_bytes(seed: int, size: int, *, nul: bool = True) -> bytes:
    data = random.Random(seed).randbytes(size)
    return data if nul else data.replace(b"\x00", b"\x01")


CASES = [
    Case("random.txt", lambda: _random_bytes(1, 64 * 1024), "refuse"),
    Case(
        "random-no-nul.txt", lambda: b"\xff\xfe\xfd" + _random_bytes(2, 8192, nul=False), "either"
    ),
    Case("random-with-bom.txt", lambda: b"\xff\xfe" + _random_bytes(3, 4097), "either"),
    Case("random.bib", lambda: _random_bytes(4, 4096), "refuse"),
    Case("random.json", lambda: _random_bytes(5, 4096), "refuse"),
    Case("only-nul.txt", lambda: b"\x00" * 4096, "refuse"),
    Case(
        "nul-in-title.txt",
        lambda: listing_text([("Title with a \x00 NUL", "Abstract.")]).encode(),
        "either",
        verify=lambda titles: titles in ({"Title with a  NUL"}, {"Title with a NUL"}),
    ),
    Case(
        "latin1.txt",
        lambda: listing_text(ACCENTED).encode("latin-1"),
        "either",
        frozenset(title for title, _ in ACCENTED),
    ),
    Case(
        "utf16-le.txt",
        lambda: listing_text(ACCENTED + WORLD).encode("utf-16"),  # BOM, native order
        "import",
        frozenset(title for title, _ in ACCENTED + WORLD),
    ),
    Case(
        "utf16-be.txt",
        lambda: b"\xfe\xff" + listing_text(ACCENTED + WORLD).encode("utf-16-be"),
        "import",
        frozenset(title for title, _ in ACCENTED + WORLD),
    ),
    Case(
        "utf16-broken.txt",
        lambda: b"\xff\xfe" + "Title\n".encode("utf-16-le") + b"\x00\xd8" + b"A",
        "either",
    ),
    Case(
        "utf8-bom.txt",
        lambda: b"\xef\xbb\xbf" + listing_text(ACCENTED).encode(),
        "import",
        frozenset(title for title, _ in ACCENTED),
    ),
    Case(
        "emoji-rtl.txt",
        lambda: listing_text(WORLD).encode(),
        "import",
        frozenset(title for title, _ in WORLD),
    ),
    Case(
        "crlf.txt",
        lambda: listing_text(ACCENTED).replace("\n", "\r\n").encode(),
        "import",
        frozenset(title for title, _ in ACCENTED),
    ),
    Case(
        "old-mac.txt",
        lambda: listing_text(ACCENTED).replace("\n", "\r").encode(),
        "import",
        frozenset(title for title, _ in ACCENTED),
    ),
    Case(
        # Separators that str.splitlines() honours but a text editor shows inside one line:
        # they must not shift every later abstract into a title.
        "odd-separators.txt",
        lambda: listing_text(
            [
                ("Title One", "An abstract\u2028with a line separator."),
                ("Title Two", "An abstract with a\x85next-line and a \x0cform feed."),
                ("Title Three", "An abstract with \x1crecord\x1eseparators."),
                ("Title Four", "A plain abstract."),
            ]
        ).encode(),
        "either",
        frozenset({"Title One", "Title Two", "Title Three", "Title Four"}),
    ),
    Case(
        "title-10k.txt",
        lambda: listing_text([(LONG_TITLE, "Abstract.")]).encode(),
        "either",
        frozenset({LONG_TITLE}),
    ),
    Case(
        "title-10k-among-others.txt",
        lambda: listing_text(
            [("Good One", "Fine."), ("W" * 10_000, "Abstract."), ("Good Two", "Fine.")]
        ).encode(),
        "either",
        frozenset({"Good One", "W" * 10_000, "Good Two"}),
    ),
    Case(
        "escapes.txt",
        lambda: listing_text(
            [("Red \x1b[31mtitle\x1b[0m \x1b]0;owned\x07 \x9b2J", "Bell \x07 and \x08.")]
        ).encode(),
        "either",
        verify=lambda titles: (
            len(titles) == 1
            and all(
                "Red" in title and "title" in title and not UNSAFE.search(title) for title in titles
            )
        ),
    ),
    Case("empty.txt", lambda: b"", "refuse"),
    Case("blank.txt", lambda: b" \n\n\t\r\n  \n", "refuse"),
    Case("header-only.txt", lambda: listing_text([]).encode(), "refuse"),
    Case("binary.png", lambda: b"\x89PNG\r\n\x1a\n" + _random_bytes(6, 2048), "refuse"),
    Case("not-bibtex.bib", lambda: b"@article{broken, title = {unclosed\n", "either"),
    Case("not-json.json", lambda: b'{"format": "reader-backup", "papers": [', "refuse"),
    Case("wrong.json", lambda: b'{"format": "something-else", "version": 1}', "refuse"),
    Case(
        "backup-newer.json",
        lambda: json.dumps(
            {
                "format": "reader-backup",
                "version": 99,
                "papers": [],
                "tags": [],
                "annotations": [],
                "lists": [],
            }
        ).encode(),
        "refuse",
    ),
]


def _backup(*papers: dict) -> bytes:
    return json.dumps(
        {
            "format": "reader-backup",
            "version": 1,
            "papers": list(papers),
            "tags": [],
            "annotations": [],
            "lists": [],
        }
    ).encode()


BACKUP_CASES = [
    Case(
        "backup-same-id.json",
        lambda: _backup({"id": 7, "key": "a", "title": "A"}, {"id": 7, "key": "b", "title": "B"}),
        "either",
        frozenset({"A", "B"}),
    ),
    Case(
        "backup-huge-id.json",
        lambda: _backup({"id": 2**70, "key": "a", "title": "A"}),
        "either",
        frozenset({"A"}),
    ),
    Case(
        "backup-huge-position.json",
        lambda: _backup(
            {"key": "a", "title": "A", "links": [{"url": "https://a.org", "position": 2**70}]}
        ),
        "either",
        frozenset({"A"}),
    ),
    Case(
        "backup-same-note-id.json",
        lambda: json.dumps(
            {
                "format": "reader-backup",
                "version": 1,
                "papers": [{"key": "a", "title": "A"}],
                "tags": [],
                "annotations": [
                    {"id": 3, "paper": "a", "body": "one"},
                    {"id": 3, "paper": "a", "body": "two"},
                ],
                "lists": [],
            }
        ).encode(),
        "either",
        frozenset({"A"}),
    ),
    Case(
        "backup-10k-title.json",
        lambda: _backup({"key": "long", "title": "L" * 10_000}),
        "import",
        frozenset({"L" * 10_000}),
    ),
    Case(
        "backup-world.json",
        lambda: _backup(*({"key": f"w{i}", "title": t} for i, (t, _) in enumerate(WORLD))),
        "import",
        frozenset(title for title, _ in WORLD),
    ),
]


def check_case(db: Path, path: Path, case: Case) -> None:
    before = fingerprint(db)
    result = cli(db, "import", str(path))
    if case.expect == "refuse" or (case.expect == "either" and result.exit_code != 0):
        assert_refused(result, path.name)
        assert fingerprint(db) == before, "a refused import changed the library"
        return
    assert case.expect in ("import", "either")
    assert_ok(result)
    assert_rows_kept(fingerprint(db, indexes=False), before)
    titles = imported_titles(db)
    if case.verify is not None:
        assert case.verify(titles), titles
    elif case.titles:
        assert titles == set(case.titles)


@pytest.mark.parametrize("case", CASES + BACKUP_CASES, ids=lambda case: case.name)
def test_any_file_imports_correctly_or_is_refused_whole(
    case: Case, seeded: Path, tmp_path: Path
) -> None:
    path = tmp_path / "in" / case.name
    path.parent.mkdir()
    path.write_bytes(case.content())
    check_case(seeded, path, case)


@pytest.mark.parametrize("case", BACKUP_CASES, ids=lambda case: case.name)
def test_a_damaged_backup_into_an_empty_library(case: Case, tmp_path: Path) -> None:
    """An empty library restores a backup exactly (ids included): ids must not clash."""
    db = tmp_path / "empty.db"
    Library(db).close()
    path = tmp_path / case.name
    path.write_bytes(case.content())
    check_case(db, path, case)


def test_a_50_mb_single_line_is_handled_quickly(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    with path.open("wb") as handle:
        handle.write(b"new Mar 11 " + b"word " * 10_000_000)
    assert path.stat().st_size > 50_000_000
    before = fingerprint(seeded)
    started = time.monotonic()
    result = cli(seeded, "import", str(path))
    assert time.monotonic() - started < 20
    if result.exit_code == 0:
        assert_rows_kept(fingerprint(seeded, indexes=False), before)
    else:
        assert_refused(result, path.name)
        assert fingerprint(seeded) == before


def test_a_50_mb_abstract_is_handled_quickly(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / "long-abstract.txt"
    path.write_bytes(b"new\n\nMar 11\n\nA Title\n\n" + b"x" * 50_000_000 + b"\n")
    before = fingerprint(seeded)
    started = time.monotonic()
    result = cli(seeded, "import", str(path))
    assert time.monotonic() - started < 20
    if result.exit_code == 0:
        assert imported_titles(seeded) == {"A Title"}
        assert_rows_kept(fingerprint(seeded, indexes=False), before)
    else:
        assert_refused(result, path.name)
        assert fingerprint(seeded) == before


def test_a_file_too_large_to_be_a_listing_is_refused_without_reading_it(
    seeded: Path, tmp_path: Path
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(600 * 1024 * 1024)
    before = fingerprint(seeded)
    started = time.monotonic()
    assert_refused(cli(seeded, "import", str(path)), path.name)
    assert time.monotonic() - started < 5
    assert fingerprint(seeded) == before


def test_a_folder_of_listings_is_imported(seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "a.txt").write_text(listing_text(ACCENTED), encoding="utf-8")
    (folder / "b.txt").write_bytes(listing_text(WORLD).encode("utf-16"))
    (folder / "notes.md").write_bytes(b"\x00 not a listing and not looked at")
    assert_ok(cli(seeded, "import", str(folder)))
    assert imported_titles(seeded) == {title for title, _ in ACCENTED + WORLD}


def test_an_empty_folder_is_refused(seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty-folder"
    folder.mkdir()
    before = fingerprint(seeded)
    assert_refused(cli(seeded, "import", str(folder)), "empty-folder")
    assert fingerprint(seeded) == before


def test_one_bad_file_in_a_folder_refuses_the_whole_folder(seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "a-good.txt").write_text(listing_text(ACCENTED), encoding="utf-8")
    (folder / "b-bad.txt").write_bytes(_random_bytes(7, 2048))
    (folder / "c-good.txt").write_text(listing_text(WORLD), encoding="utf-8")
    before = fingerprint(seeded)
    assert_refused(cli(seeded, "import", str(folder)), "b-bad.txt")
    assert fingerprint(seeded) == before


def test_a_missing_path_is_refused(seeded: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(listing_text(ACCENTED), encoding="utf-8")
    missing = tmp_path / "nowhere" / "missing.txt"
    before = fingerprint(seeded)
    assert_refused(cli(seeded, "import", str(good), str(missing)), "missing.txt")
    assert fingerprint(seeded) == before


def test_a_file_name_with_control_characters_gives_one_clean_line(
    seeded: Path, tmp_path: Path
) -> None:
    path = tmp_path / "evil\nname\x1b[2J.txt"
    path.write_bytes(b"\x00\x01\x02")
    before = fingerprint(seeded)
    line = assert_refused(cli(seeded, "import", str(path)))
    assert "\x1b" not in line
    assert "name" in line
    assert fingerprint(seeded) == before


def _on_open(monkeypatch: pytest.MonkeyPatch, victim: Path, before: Callable[[], None]) -> None:
    """Run ``before`` the moment anything opens ``victim`` (by any of Python's open calls)."""
    target = os.path.realpath(victim)

    def check(path: object) -> None:
        if (
            isinstance(path, (str, bytes, os.PathLike))
            and os.path.realpath(os.fsdecode(path)) == target
        ):
            before()

    def wrap(original: Callable) -> Callable:
        def opener(file, *args, **kwargs):  # type: ignore[no-untyped-def]
            check(file)
            return original(file, *args, **kwargs)

        return opener

    monkeypatch.setattr(builtins, "open", wrap(builtins.open))
    monkeypatch.setattr(io, "open", wrap(io.open))
    monkeypatch.setattr(os, "open", wrap(os.open))


@pytest.mark.parametrize("replace_with_folder", [False, True], ids=["deleted", "now-a-folder"])
def test_a_file_that_vanishes_mid_read_is_refused(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace_with_folder: bool
) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    (folder / "a.txt").write_text(listing_text(ACCENTED), encoding="utf-8")
    victim = folder / "b.txt"
    victim.write_text(listing_text(WORLD), encoding="utf-8")
    (folder / "c.txt").write_text(listing_text([("Third", "file")]), encoding="utf-8")
    before = fingerprint(seeded)

    def vanish() -> None:
        if victim.is_file():
            victim.unlink()
            if replace_with_folder:
                victim.mkdir()

    _on_open(monkeypatch, victim, vanish)
    result = cli(seeded, "import", str(folder))
    monkeypatch.undo()
    assert_refused(result, "b.txt")
    assert fingerprint(seeded) == before


@pytest.mark.parametrize(
    "error",
    [PermissionError(13, "Permission denied"), OSError(5, "Input/output error")],
    ids=["permission", "io-error"],
)
def test_a_file_that_cannot_be_read_is_refused(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    path = tmp_path / "unreadable.txt"
    path.write_text(listing_text(ACCENTED), encoding="utf-8")
    before = fingerprint(seeded)

    def fail() -> None:
        raise type(error)(error.errno, error.strerror, str(path))

    _on_open(monkeypatch, path, fail)
    result = cli(seeded, "import", str(path))
    monkeypatch.undo()
    assert_refused(result, "unreadable.txt")
    assert fingerprint(seeded) == before


@pytest.mark.parametrize(
    "content, name",
    [
        (b"\x00\xff" * 1000, "binary.txt"),
        (listing_text(WORLD).encode("utf-16"), "world.txt"),
        (None, "missing.txt"),
    ],
    ids=["binary", "utf16", "missing"],
)
def test_the_real_command_gives_one_line_or_imports(
    seeded: Path, tmp_path: Path, content: bytes | None, name: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = fingerprint(seeded)
    done = run_reader(seeded, "import", str(path))
    if name == "world.txt":
        assert done.returncode == 0, done.stderr
        assert imported_titles(seeded) == {title for title, _ in WORLD}
    else:
        assert_process_refused(done, name)
        assert fingerprint(seeded) == before


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .support import seed_library

    path = tmp_path_factory.mktemp("pristine") / "lib.db"
    seed_library(path)
    with Library(path) as library:  # fold the WAL in so that one file copy is the library
        library.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.text(max_size=400).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.lists(
            st.sampled_from(
                ["new", "Mar 11", "Subscribe", "", "A title", "An abstract https://a.b/c"]
                + ["\x00", "\x1b[2J", "\u2028", "\ufeff", "@article{x,", "{", "}"]
            ),
            max_size=30,
        ).map(lambda lines: "\n".join(lines).encode()),
    ),
    suffix=st.sampled_from([".txt", ".bib", ".json", ""]),
)
def test_random_files_never_escape_as_tracebacks(
    pristine: Path, tmp_path: Path, data: bytes, suffix: str
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    db = folder / "lib.db"
    shutil.copyfile(pristine, db)
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    before = fingerprint(db)
    result = cli(db, "import", str(path))
    if result.exit_code == 0:
        assert_ok(result)
        assert_rows_kept(fingerprint(db, indexes=False), before)
    else:
        assert_refused(result, path.name)
        assert fingerprint(db) == before
    shutil.rmtree(folder)
