"""Regression tests for the ways a person's data could be lost or a command could fail badly:
writes racing on one reading list, a failed first import racing a good one, undo reaching rows
it did not create, odd numbers and files, and read-only or full disks."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.importers.listing import parse_listing
from reader.store import Library

from .support import (
    READY,
    assert_ok,
    assert_process_refused,
    assert_refused,
    cli,
    fingerprint,
    listing_text,
    run_reader,
    seed_library,
    wait_until_ready,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def big_listing(count: int, prefix: str = "Paper") -> str:
    return listing_text(
        [(f"{prefix} number {i}", f"Abstract {i} " + "words " * 40) for i in range(count)]
    )


def make_library(path: Path, papers: int) -> None:
    with Library(path) as library:
        library.import_listings([parse_listing(big_listing(papers), "many.txt")])


def start(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def finish(processes: list[subprocess.Popen[str]], timeout: float = 120) -> list[str]:
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err[-2000:]
        assert "Traceback" not in err, err[-2000:]
        outputs.append(out)
    return outputs


# -- 1. writers racing on one reading list -----------------------------------------------------

LIST_ADDER = (
    r"""
import os, sys, time
from reader.store import Library
db, go, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
"""
    + READY
    + r"""while not os.path.exists(go):
    time.sleep(0.001)
for paper in range(first, first + count):
    with Library(db) as library:   # a fresh process's open, integrity check included
        assert library.add_to_list("L", [paper]) == 1
    print(paper, flush=True)
"""
)


def test_processes_adding_to_one_list_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    make_library(db, 3000)
    with Library(db) as library:
        library.create_list("L")
    go = tmp_path / "go"
    workers = [start(LIST_ADDER, str(db), str(go), str(1000 + 100 * w), "20") for w in range(3)]
    wait_until_ready(go, workers)
    go.touch()
    acknowledged = {int(line) for out in finish(workers) for line in out.split()}
    assert len(acknowledged) == 60
    with Library(db) as library:
        _, order = library.reading_list("L")
    assert sorted(order) == sorted(acknowledged)


STRESS = (
    r"""
import json, os, random, sys, time
from reader.store import Library
db, go, role, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rng = random.Random(seed)
"""
    + READY
    + r"""while not os.path.exists(go):
    time.sleep(0.001)
mine = list(range(100 + seed * 50, 100 + seed * 50 + 25))
done = []
for step in range(30):
    with Library(db) as library:
        if role == "lists":
            paper = rng.choice(mine)
            action = rng.choice(["add", "add", "move", "remove"])
            if action == "add":
                library.add_to_list("Shared", [paper])
            elif action == "move":
                _, order = library.reading_list("Shared")
                if paper in order:
                    library.move_in_list("Shared", paper, rng.randint(1, len(order)))
                else:
                    action = "skip"
            else:
                library.remove_from_list("Shared", [paper])
            done.append([action, paper])
        elif role == "tags":
            paper = rng.choice(mine)
            library.tag(paper, [f"s{seed}-{step}"])
            done.append(["tag", paper, f"s{seed}-{step}"])
        else:
            paper = rng.choice(mine)
            note = library.add_note(paper, f"note {seed}-{step}")
            done.append(["note", paper, note])
print(json.dumps(done))
"""
)


def test_list_writers_taggers_and_annotators_at_once_keep_every_acknowledged_change(
    tmp_path: Path,
) -> None:
    """The stress test: processes adding, moving and removing in one list while others tag
    and annotate, on a library big enough that opening it for a write takes time."""
    db = tmp_path / "lib.db"
    make_library(db, 5000)
    with Library(db) as library:
        library.create_list("Shared")
    go = tmp_path / "go"
    roles = [("lists", 0), ("lists", 1), ("lists", 2), ("tags", 3), ("notes", 4)]
    workers = [start(STRESS, str(db), str(go), role, str(seed)) for role, seed in roles]
    wait_until_ready(go, workers)
    go.touch()
    results = [json.loads(out) for out in finish(workers)]
    expected_members: set[int] = set()
    for (role, _), done in zip(roles, results, strict=True):
        if role != "lists":
            continue
        members: set[int] = set()
        for action, paper in done:  # each worker owns its papers: replay its own story
            if action == "add":
                members.add(paper)
            elif action == "remove":
                members.discard(paper)
        expected_members |= members
    with Library(db) as library:
        _, order = library.reading_list("Shared")
        assert sorted(order) == sorted(expected_members)
        assert len(order) == len(set(order))
        positions = [
            row[0]
            for row in library.db.execute(
                "SELECT position FROM list_items ORDER BY position"
            ).fetchall()
        ]
        assert positions == list(range(1, len(order) + 1))
        for _action, paper, tag in results[3]:
            assert tag in library.paper(paper).tags
        for _action, paper, note in results[4]:
            assert library.note(note).paper_id == paper


# -- 2. a failed first import racing a good one ----------------------------------------------


def test_a_failed_import_never_removes_a_library_another_process_filled(tmp_path: Path) -> None:
    """A slow import that fails at its last file started before the library existed; a quick
    good import creates and fills it meanwhile. The failure must not take the library away."""
    db = tmp_path / "new.db"
    big = tmp_path / "a-big.txt"
    big.write_text(big_listing(30000, "Slow"), encoding="utf-8")
    bad = tmp_path / "z-bad.txt"
    bad.write_bytes(b"\x00\x01 not a listing")
    good = tmp_path / "good.txt"
    good.write_text(big_listing(5, "Good"), encoding="utf-8")
    slow = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(db), "import", str(big), str(bad)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    time.sleep(0.2)  # the slow import is under way, and no library exists yet
    assert_ok(cli(db, "import", str(good)))
    out, err = slow.communicate(timeout=120)
    assert slow.returncode == 1, err
    assert "z-bad.txt" in err and "Traceback" not in err
    # ... and once more, now that the library exists.
    assert_process_refused(run_reader(db, "import", str(bad)), "z-bad.txt")
    with Library(db) as library:
        assert library.count() == 5
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["a-big.txt", "good.txt", "new.db", "z-bad.txt"]


def test_a_failed_first_import_leaves_no_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01 not a listing")
    db = tmp_path / "data" / "new.db"
    assert_refused(cli(db, "import", str(bad)), "bad.txt")
    assert list(db.parent.iterdir()) == []


def test_a_first_import_killed_half_way_leaves_no_library_and_is_cleaned_up_later(
    tmp_path: Path,
) -> None:
    db = tmp_path / "data" / "new.db"
    big = tmp_path / "big.txt"
    big.write_text(big_listing(60000), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(db), "import", str(big)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not any(db.parent.glob(".new.db.*.new")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    process.kill()
    process.wait()
    assert not db.exists()
    small = tmp_path / "small.txt"
    small.write_text(big_listing(3), encoding="utf-8")
    assert_ok(cli(db, "import", str(small)))
    assert [path.name for path in db.parent.iterdir()] == ["new.db"]


# -- 3. undo touches only what the change touched ---------------------------------------------


def backup_with(tmp_path: Path, library_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """A backup of the library as a colleague changed it: ``edit`` receives the data."""
    with Library(library_path) as library:
        data = library.dump()
    edit(data)
    path = tmp_path / "colleague.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_undo_leaves_a_note_imported_after_the_change(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    seed_library(db)
    assert_ok(cli(db, "note", "3", "mine"))
    key = Library(db).paper(3).key

    def add_colleague_note(data):  # type: ignore[no-untyped-def]
        data["annotations"] = [{"paper": key, "body": "a colleague's note", "created": "2025"}]

    assert_ok(cli(db, "import", str(backup_with(tmp_path, db, add_colleague_note))))
    assert_ok(cli(db, "undo"))
    with Library(db) as library:
        assert [note.body for note in library.notes(3)] == ["a colleague's note"]


def test_undo_of_a_tag_keeps_the_tag_where_an_import_used_it_since(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    seed_library(db)
    assert_ok(cli(db, "tag", "2", "brand-new"))
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{x, title = {Seed Paper on Vision Registers}, keywords = {brand-new}}\n",
        encoding="utf-8",
    )
    assert_ok(cli(db, "import", str(bib)))
    assert_ok(cli(db, "undo"))
    with Library(db) as library:
        assert "brand-new" not in library.paper(2).tags
        assert "brand-new" in library.paper(3).tags
        assert any(tag.name == "brand-new" for tag in library.tags())


def test_undo_of_a_list_addition_keeps_papers_an_import_added_since(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    seed_library(db)
    assert_ok(cli(db, "list", "add", "Seed list", "3"))
    key = Library(db).paper(3).key

    def other_order(data):  # type: ignore[no-untyped-def]
        data["lists"] = [{"name": "Seed list", "papers": [{"paper": key}]}]
        data["papers"].append({"key": "extra-paper", "title": "Extra Paper"})
        data["lists"][0]["papers"].append({"paper": "extra-paper"})

    assert_ok(cli(db, "import", str(backup_with(tmp_path, db, other_order))))
    assert_ok(cli(db, "undo"))
    with Library(db) as library:
        _, order = library.reading_list("Seed list")
        extra = library.resolve("extra-paper")
    assert order == [2, 1, extra]


def test_undo_refuses_and_changes_nothing_when_the_rows_moved_on(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    seed_library(db)
    assert_ok(cli(db, "rate", "1", "0"))  # cleared; an import may now fill the rating
    key = Library(db).paper(1).key

    def rated(data):  # type: ignore[no-untyped-def]
        data["papers"] = [{"key": key, "title": "x", "rating": 2}]
        data["tags"], data["annotations"], data["lists"] = [], [], []

    assert_ok(cli(db, "import", str(backup_with(tmp_path, db, rated))))
    before = fingerprint(db)
    line = assert_refused(cli(db, "undo"), "cannot undo")
    assert "changed since" in line
    assert fingerprint(db) == before
    assert_ok(cli(db, "undo", "--drop"))  # forget it, and the step before undoes as usual
    assert_ok(cli(db, "undo"))
    with Library(db) as library:
        assert library.reading_list("Seed list")[1] == []  # the seed's last change
        assert library.paper(1).rating == 2


def test_a_change_that_changes_nothing_records_no_undo(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    seed_library(db)
    with Library(db) as library:
        history = library.undo_history(100)
        assert library.untag(1, ["no-such-tag"]) == []
        assert library.add_to_list("Seed list", [1, 2]) == 0
        assert library.remove_from_list("Seed list", [3]) == 0
        assert library.undo_history(100) == history


def v1_library(tmp_path: Path) -> Path:
    """A library written by reader's first schema, with its undo history."""
    path = tmp_path / "library.db"
    path.write_bytes(gzip.decompress((FIXTURES / "library-v1.db.gz").read_bytes()))
    path.chmod(0o600)
    return path


def test_undo_entries_written_by_the_first_version_still_undo(tmp_path: Path) -> None:
    db = v1_library(tmp_path)
    with Library(db) as library:
        _, order = library.reading_list("Reading group")
        assert order == [6, 7, 1]
        assert library.undo().startswith("moved 'Denoising")
        assert library.reading_list("Reading group")[1] == [7, 1, 6]
        library.undo()  # untagged todo
        assert "todo" in library.paper(5).tags
        library.undo()  # tagged todo
        assert "todo" not in library.paper(5).tags
        library.undo()  # added InceptionNeXt to Later
        assert library.reading_list("Later")[1] == []
        for _ in range(3):
            library.undo()  # created Later, added 3 to the group, created the group
        assert [item.name for item in library.lists()] == []
        assert [note.body for note in library.notes(1)] == ["Only the **update matrices** train."]


# -- 9, 11, 13: odd numbers, odd letters, odd files ---------------------------------------------


def test_rare_letters_in_a_query_are_searched_not_refused(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    seed_library(db)
    for query in ["a\u19b0b", "diffusion \u19b0", "\u0903\u0903x", "ﬁne-tuning"]:
        assert_ok(cli(db, "papers", query))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_device_as_the_library_is_refused_and_nothing_is_left_behind(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    for args in (["papers"], ["tag", "1", "x"]):
        done = run_reader(fifo, *args, timeout=20)
        assert_process_refused(done, "fifo.db", "not a regular file")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fifo.db"]
    done = run_reader(Path("/dev/null"), "papers", timeout=20)
    assert_process_refused(done, "/dev/null", "not a regular file")


# -- 12. read-only media and a full disk -------------------------------------------------------


def _in_mount_namespace(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script as root of a private mount namespace (a user namespace when we are
    not root), so it can mount read-only and tiny file systems."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("needs unshare (util-linux) to mount a read-only or full file system")
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    done = subprocess.run(
        [unshare, *flags, "sh", "-c", script],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        env={**os.environ, "PYTHON": sys.executable},
    )
    if "MOUNT-FAILED" in done.stdout:
        pytest.skip(f"cannot mount here: {done.stderr.strip()[-200:]}")
    return done


def test_a_library_on_read_only_media_can_be_read_and_exported(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    seed_library(source / "lib.db")
    mount = tmp_path / "mnt"
    mount.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    reader = '"$PYTHON" -m reader --db "$M/lib.db"'
    script = f"""
M={mount}
mount --bind {source} $M && mount -o remount,ro,bind $M || {{ echo MOUNT-FAILED; exit 0; }}
{reader} papers --json > {out}/papers.json; echo "papers $?"
{reader} show 1 > /dev/null; echo "show $?"
{reader} export --all --format json -o {out}/backup.json; echo "export $?"
{reader} rate 1 3 2> {out}/rate.err; echo "rate $?"
ls $M
"""
    done = _in_mount_namespace(script)
    assert "papers 0" in done.stdout, done.stdout + done.stderr
    assert "show 0" in done.stdout and "export 0" in done.stdout, done.stdout + done.stderr
    assert "rate 1" in done.stdout
    message = (out / "rate.err").read_text()
    assert "read-only" in message and "damaged" not in message, message
    assert len(json.loads((out / "papers.json").read_text())) == 3
    assert json.loads((out / "backup.json").read_text())["papers"]


def test_a_full_disk_is_called_full_and_reading_still_works(tmp_path: Path) -> None:
    source = tmp_path / "lib.db"
    seed_library(source)
    Library(source).close()
    mount = tmp_path / "small"
    mount.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    reader = f'"$PYTHON" -m reader --db {mount}/lib.db'
    script = f"""
mount -t tmpfs -o size=2m tmpfs {mount} || {{ echo MOUNT-FAILED; exit 0; }}
cp {source} {mount}/lib.db
dd if=/dev/zero of={mount}/filler bs=4k 2>/dev/null
{reader} papers > /dev/null 2> {out}/papers.err; echo "papers $?"
{reader} rate 1 3 2> {out}/rate.err; echo "rate $?"
"""
    done = _in_mount_namespace(script)
    assert "papers 0" in done.stdout, done.stdout + (out / "papers.err").read_text()
    assert "rate 1" in done.stdout, done.stdout
    message = (out / "rate.err").read_text()
    assert "disk is full" in message and "damaged" not in message, message


def test_a_first_import_that_fills_the_disk_leaves_no_damaged_library(
    tmp_path: Path, seeds_dir: Path
) -> None:
    """The import's rows fit in the write-ahead log but not in the file: closing could not fold
    them in and said nothing, and the library was named without its log (damaged, reported
    as imported). Now the import says the disk is full and leaves no library."""
    seeds = sorted(seeds_dir.glob("*.txt"))
    mount = tmp_path / "small"
    mount.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    files = " ".join(f'"{seed}"' for seed in seeds)
    script = f"""
mount -t tmpfs -o size=3m tmpfs {mount} || {{ echo MOUNT-FAILED; exit 0; }}
"$PYTHON" -m reader --db {mount}/lib.db import {files} > /dev/null 2> {out}/import.err
echo "import $?"
ls -A {mount}
"""
    done = _in_mount_namespace(script)
    message = (out / "import.err").read_text()
    assert "import 1" in done.stdout, done.stdout + message
    assert "disk is full" in message and str(mount / "lib.db") in message, message
    assert ".new" not in message
    assert done.stdout.strip().splitlines()[-1] == "import 1"  # nothing left in the folder
