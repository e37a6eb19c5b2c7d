"""Hostile files on both sides of reader: FIFOs and devices given to ``reader import``, exports
killed half-way, exports through symlinks and onto private files, and backups that would break
the library for good. Anything that could hang runs in a real process with a timeout."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reader.atomic_file import write_atomic
from reader.importers import collect_files
from reader.models import ReaderError
from reader.store import Library

from .support import (
    SEED_PAPERS,
    assert_ok,
    assert_process_refused,
    assert_refused,
    cli,
    fingerprint,
    listing_text,
)

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
MEMORY_CAP = 1536 * 1024 * 1024  # a regression reading /dev/zero stops here, not at the swap


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """A Python process with a memory cap; raises TimeoutExpired (after killing it) on a hang."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=timeout,
        preexec_fn=_capped,
    )


def reader_capped(db: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return run_capped("-m", "reader", "--db", str(db), *args, timeout=timeout)


# -- importing what is not a regular file ------------------------------------------------------


@needs_fifo
def test_importing_a_fifo_with_no_writer_is_refused_at_once(seeded: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    before = fingerprint(seeded)
    started = time.monotonic()
    done = reader_capped(seeded, "import", str(fifo))
    line = assert_process_refused(done, "fifo.txt", "not a regular file (a FIFO)")
    assert "give a listing, BibTeX or backup file" in line
    assert time.monotonic() - started < 20
    assert fingerprint(seeded) == before


@needs_dev_zero
def test_importing_dev_zero_is_refused_without_reading_it(seeded: Path) -> None:
    before = fingerprint(seeded)
    done = reader_capped(seeded, "import", "/dev/zero")
    assert_process_refused(done, "/dev/zero", "not a regular file (a character device)")
    assert fingerprint(seeded) == before


@needs_fifo
def test_a_symlink_to_a_fifo_is_refused_and_one_to_a_file_is_imported(
    seeded: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "to-fifo.txt").symlink_to(fifo)
    real = tmp_path / "real.txt"
    real.write_text(listing_text([("Linked Paper", "Reached through a symlink.")]))
    (tmp_path / "to-file.txt").symlink_to(real)
    with pytest.raises(ReaderError, match="to-fifo.txt: not a regular file"):
        collect_files([tmp_path / "to-fifo.txt"])
    assert_ok(cli(seeded, "import", str(tmp_path / "to-file.txt")))
    with Library(seeded) as library:
        assert "Linked Paper" in {paper["title"] for paper in library.dump()["papers"]}


@needs_fifo
def test_a_fifo_in_a_folder_is_passed_over(seeded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    os.mkfifo(folder / "a-fifo.txt")
    (folder / "b.txt").write_text(listing_text([("Folder Paper", "Beside a FIFO.")]))
    assert collect_files([folder]) == [folder / "b.txt"]
    done = reader_capped(seeded, "import", str(folder))
    assert done.returncode == 0, done.stderr


@needs_fifo
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_read_text_refuses_what_was_swapped_in_after_the_check(tmp_path: Path, kind: str) -> None:
    """collect_files looked at a regular file; by the time it is read, it is something else."""
    if kind == "fifo":
        path = tmp_path / "swapped.txt"
        os.mkfifo(path)
    else:
        if not Path("/dev/zero").exists():
            pytest.skip("needs /dev/zero")
        path = Path("/dev/zero")
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from reader.importers import read_text
        from reader.models import ReaderError
        try:
            read_text(Path(sys.argv[1]))
        except ReaderError as error:
            print(error)
        """
    )
    done = run_capped("-c", script, str(path), timeout=20)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"{path}: not a regular file"), done.stdout


def test_collect_files_refuses_before_anything_is_read(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="no such file or folder"):
        collect_files([tmp_path / "missing.txt"])
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(ReaderError, match="loop.txt: cannot be read"):
        collect_files([loop])


# -- exports killed half-way --------------------------------------------------------------------

SLOW_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    if sys.argv[2] == "named":
        del os.O_TMPFILE  # as on systems without it
    from reader.atomic_file import write_atomic

    def pieces():
        yield "first part of the export\\n" * 10_000
        print("writing", flush=True)
        time.sleep(60)
        yield "never written\\n"

    write_atomic(Path(sys.argv[1]), pieces())
    """
)


def _kill_mid_write(target: Path, how: str, signum: int) -> int:
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(target), how],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_capped,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "writing\n", process.stderr.read()  # type: ignore[union-attr]
        os.kill(process.pid, signum)
        return process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="needs O_TMPFILE")
@pytest.mark.parametrize("existing", [True, False], ids=["over-a-file", "new-file"])
def test_an_export_killed_mid_write_leaves_nothing(tmp_path: Path, existing: bool) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.md"
    if existing:
        target.write_text("the previous export\n")
    assert _kill_mid_write(target, "unnamed", signal.SIGKILL) == -signal.SIGKILL
    assert sorted(child.name for child in folder.iterdir()) == (["out.md"] if existing else [])
    if existing:
        assert target.read_text() == "the previous export\n"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_the_named_fallback_is_removed_on_termination(tmp_path: Path, signum: int) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.md"
    target.write_text("the previous export\n")
    returncode = _kill_mid_write(target, "named", signum)
    assert returncode != 0
    if signum != signal.SIGINT:
        assert returncode == -signum  # still dies of the signal, as it would have
    assert sorted(child.name for child in folder.iterdir()) == ["out.md"]
    assert target.read_text() == "the previous export\n"


def test_the_named_fallback_writes_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    target = tmp_path / "out.md"
    target.write_text("old\n")
    write_atomic(target, iter(["new ", "text\n"]))
    assert target.read_text() == "new text\n"
    assert [child.name for child in tmp_path.iterdir()] == ["out.md"]


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="needs O_TMPFILE")
@pytest.mark.parametrize("existing", [True, False], ids=["over-a-file", "new-file"])
def test_where_linking_an_unnamed_file_is_refused_it_is_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """Some kernels and file systems refuse linkat on /proc/self/fd (EXDEV, EPERM)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    target = tmp_path / "out.md"
    if existing:
        target.write_text("old\n")
        os.chmod(target, 0o640)
    write_atomic(target, "x" * 3_000_000)
    assert target.read_text() == "x" * 3_000_000
    assert [child.name for child in tmp_path.iterdir()] == ["out.md"]
    if existing:
        assert mode(target) == 0o640


# -- permissions, symlinks and odd targets -----------------------------------------------------


@pytest.mark.parametrize("mask", [0o000, 0o022])
def test_a_new_private_file_is_readable_by_its_owner_only(tmp_path: Path, mask: int) -> None:
    target = tmp_path / "backup.json"
    with umask(mask):
        write_atomic(target, "{}\n", private=True)
    assert mode(target) == 0o600


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_export_follows_the_umask(tmp_path: Path, mask: int, expected: int) -> None:
    target = tmp_path / "list.md"
    with umask(mask):
        write_atomic(target, "# list\n")
    assert mode(target) == expected


@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("existing", [0o600, 0o640, 0o444])
def test_rewriting_a_file_keeps_its_mode(tmp_path: Path, existing: int, private: bool) -> None:
    """Re-exporting over a 0600 file used to reset it to 0644; private content only ever
    loses group and other access."""
    target = tmp_path / "export.md"
    target.write_text("old\n")
    os.chmod(target, existing)
    with umask(0o000):
        write_atomic(target, "new\n", private=private)
    assert target.read_text() == "new\n"
    assert mode(target) == (existing & 0o700 if private else existing)


def test_private_content_takes_away_what_others_could_read(tmp_path: Path) -> None:
    """A backup written before backups were private stops being world-readable."""
    target = tmp_path / "backup.json"
    target.write_text("{}\n")
    os.chmod(target, 0o644)
    write_atomic(target, "{}\n", private=True)
    assert mode(target) == 0o600


def test_writing_through_a_symlink_replaces_the_file_it_points_to(tmp_path: Path) -> None:
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    real = real_folder / "list.md"
    real.write_text("old\n")
    os.chmod(real, 0o600)
    link = tmp_path / "list.md"
    link.symlink_to(Path("real") / "list.md")
    chain = tmp_path / "chain.md"
    chain.symlink_to(link)
    assert write_atomic(chain, "new\n") == real.resolve()
    assert chain.is_symlink() and link.is_symlink()
    assert real.read_text() == "new\n"
    assert mode(real) == 0o600
    assert sorted(child.name for child in tmp_path.iterdir()) == ["chain.md", "list.md", "real"]
    assert [child.name for child in real_folder.iterdir()] == ["list.md"]


def test_a_dangling_symlink_is_written_through(tmp_path: Path) -> None:
    link = tmp_path / "out.md"
    link.symlink_to("target.md")
    write_atomic(link, "text\n")
    assert link.is_symlink()
    assert (tmp_path / "target.md").read_text() == "text\n"


def test_the_cli_exports_through_a_symlink(seeded: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert_ok(cli(seeded, "export", "Seed list", "-o", str(link)))
    assert link.is_symlink()
    assert real.read_text().startswith("# Seed list")


@needs_fifo
def test_a_fifo_is_not_replaced_by_an_export(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(ReaderError, match="pipe.md: not a regular file"):
        write_atomic(fifo, "text\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_target_whose_name_is_near_the_limit_is_written(tmp_path: Path) -> None:
    """The temporary name adds to the target's; it must still fit in 255 bytes."""
    target = tmp_path / ("é" * 125 + ".md")  # 253 bytes of the 255 a name may have
    target.write_text("old\n")
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert [child.name for child in tmp_path.iterdir()] == [target.name]


def test_a_cli_backup_is_private(seeded: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    with umask(0o022):
        assert_ok(cli(seeded, "export", "--all", "--format", "json", "-o", str(target)))
    assert mode(target) == 0o600


def test_a_cli_export_over_a_private_file_keeps_it_private(seeded: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    target.write_text("{}\n")
    os.chmod(target, 0o600)
    with umask(0o022):
        assert_ok(cli(seeded, "export", "--all", "--format", "json", "-o", str(target)))
    assert mode(target) == 0o600
    assert json.loads(target.read_text())["format"] == "reader-backup"


# -- backups that would break the library ------------------------------------------------------


def _write_backup(path: Path, papers: list[dict], **sections: list) -> Path:
    data = {"format": "reader-backup", "version": 1, "papers": papers}
    data.update({"tags": [], "annotations": [], "lists": []})
    data.update(sections)
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("empty", [True, False], ids=["empty-library", "seeded-library"])
def test_a_backup_id_at_sqlites_limit_is_refused(seeded: Path, tmp_path: Path, empty: bool) -> None:
    """Restored, id 2**63-1 left AUTOINCREMENT nothing to count up to: every later import and
    note failed with "database or disk is full"."""
    db = tmp_path / "empty.db" if empty else seeded
    if empty:
        Library(db).close()
    backup = _write_backup(
        tmp_path / "backup.json", [{"id": 2**63 - 1, "key": "last", "title": "The Last Paper"}]
    )
    before = fingerprint(db)
    line = assert_refused(cli(db, "import", str(backup)), "backup.json", "paper 1: id")
    assert "9223372036854775807" in line
    assert fingerprint(db) == before
    listing = tmp_path / "more.txt"
    listing.write_text(listing_text([("A Later Paper", "Imported after the refusal.")]))
    assert_ok(cli(db, "import", str(listing)))


@pytest.mark.parametrize(
    "papers, sections, named",
    [
        ([{"key": "p", "title": "P", "tags": [""]}], {}, "paper 1: '' is not a tag name"),
        ([{"key": "p", "title": "P", "tags": ["a b"]}], {}, "paper 1: 'a b' is not a tag name"),
        ([{"key": "p", "title": "P"}], {"tags": ["ok,comma"]}, "'ok,comma' is not a tag name"),
        ([{"key": "p", "title": "P"}], {"lists": [{"name": " ", "papers": []}]}, "list 1"),
        (
            [{"key": "p", "title": "P", "links": [{"url": "file:///etc/passwd", "kind": "code"}]}],
            {},
            "is not a web address",
        ),
    ],
    ids=["empty-tag", "tag-with-space", "tag-with-comma", "blank-list", "file-link"],
)
def test_backup_names_no_command_could_address_are_refused(
    seeded: Path, tmp_path: Path, papers: list[dict], sections: dict, named: str
) -> None:
    backup = _write_backup(tmp_path / "backup.json", papers, **sections)
    before = fingerprint(seeded)
    line = assert_refused(cli(seeded, "import", str(backup)), "backup.json", named)
    assert "not a valid reader backup" in line
    assert fingerprint(seeded) == before


def test_imported_text_is_stored_clean_from_every_format(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    hostile = "Bell\x07 \x1b[31mRed\x1b[0m \u202eTurned\u202c"
    (tmp_path / "a.txt").write_text(listing_text([(hostile + " Listing", "An abstract.")]))
    (tmp_path / "b.bib").write_text(
        f"@misc{{b, title = {{{hostile} BibTeX}}, keywords = {{\x9bvision}}}}\n"
    )
    _write_backup(
        tmp_path / "c.json",
        [{"key": "c", "title": hostile + " Backup", "tags": ["backup"]}],
        annotations=[{"paper": "c", "body": "Line one\x1b[2J\nline two"}],
        lists=[{"name": "Week 1", "description": "Read\u202e these", "papers": []}],
    )
    for name in ("a.txt", "b.bib", "c.json"):
        assert_ok(cli(db, "import", str(tmp_path / name)))
    with Library(db) as library:
        data = library.dump()
    titles = sorted(paper["title"] for paper in data["papers"])
    assert titles == [f"Bell [31mRed[0m Turned {name}" for name in ("Backup", "BibTeX", "Listing")]
    assert "vision" in data["tags"]
    assert data["annotations"][0]["body"] == "Line one[2J\nline two"
    assert data["lists"][0]["description"] == "Read these"


def test_a_formula_hidden_behind_a_bidi_override_is_defused_in_the_csv_export(
    seeded: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "evil.bib"
    bib.write_text(
        '@misc{evil, title = {\u202e=HYPERLINK("http://evil.example","x")}, '
        "keywords = {\x9b=2+2}}\n"
    )
    assert_ok(cli(seeded, "import", str(bib)))
    out = tmp_path / "all.csv"
    assert_ok(cli(seeded, "export", "--all", "--format", "csv", "-o", str(out)))
    rows = list(csv.reader(io.StringIO(out.read_text(), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert {title for title, _ in SEED_PAPERS} <= {row[2] for row in rows[1:]}


def test_a_file_name_that_is_not_utf8_or_holds_controls_is_a_clean_source(
    tmp_path: Path,
) -> None:
    """The name used to reach SQLite as surrogates, which it cannot store (a traceback)."""
    db = tmp_path / "lib.db"
    odd = tmp_path / os.fsdecode(b"\xff\xfe-odd.txt")
    odd.write_text(listing_text([("Paper From an Odd Name", "Its file name is not UTF-8.")]))
    escaped = tmp_path / "esc\x1b[2J.txt"
    escaped.write_text(listing_text([("Paper From an Escape", "Its file name holds ESC.")]))
    assert_ok(cli(db, "import", str(odd), str(escaped)))
    with Library(db) as library:
        sources = {
            paper["title"]: [source["file"] for source in paper["sources"]]
            for paper in library.dump()["papers"]
        }
    assert sources == {
        "Paper From an Odd Name": ["\ufffd\ufffd-odd.txt"],
        "Paper From an Escape": ["esc[2J.txt"],
    }


def test_a_query_argument_that_is_not_utf8_is_one_line(seeded: Path) -> None:
    done = reader_capped(seeded, "papers", os.fsdecode(b"tag:\xff"))
    assert_process_refused(done, "bad query at column 5", "not UTF-8")


# ``python -m reader`` that writes, to the file named first, its peak resident memory in KiB (its
# own, or that of a process it started, if more) and its CPU time. Read by the process itself:
# the kernel's peak for a child counts what the process that started it held at the start (a
# pytest worker's hundred MB and more), which would hide the child's own.
MEASURED_READER = """
import atexit, re, resource, runpy, sys

def report(out=sys.argv.pop(1)):
    with open("/proc/self/status") as status:
        own = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    with open(out, "w") as file:
        print(max(own, kids.ru_maxrss), cpu, file=file)

atexit.register(report)
runpy.run_module("reader", run_name="__main__", alter_sys=True)
"""
# A list of lines costs at least a pointer (8 bytes) a line, however short the lines: blank ones
# are all one shared empty string.
LINE_COST = 8


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_a_listing_of_blank_lines_costs_no_memory(seeded: Path, tmp_path: Path) -> None:
    """200 MB of line ends used to become a list of 200 million strings (gigabytes).

    48 million line ends here (48 MB, more than four times the size from which a listing is
    read in parts, as the 200 MB were), under the same address-space cap. The importing process's
    peak resident memory is held under half of what a list of its lines would cost (192 MB of
    384 MB): it takes about 40 MB, reading the whole file at once (bytes and text) would add
    under 100 MB, and a list of the lines would take it over whatever else it holds. Its CPU
    time is held to the pace the 200 MB test allowed in wall time (30 s: 150 ns a line end);
    it takes under half of that."""
    from reader.importers.listing_parts import SPLIT_BYTES

    line_ends = 48_000_000
    path = tmp_path / "blank-lines.txt"
    with path.open("wb") as handle:
        handle.write(b"new\n\nMar 11\n")
        for _ in range(line_ends // 1_000_000):
            handle.write(b"\n" * 1_000_000)
        handle.write(b"Paper After the Blank Lines\n\nIts abstract is longer than its title.\n")
    assert path.stat().st_size > 4 * SPLIT_BYTES
    measured = tmp_path / "measured.txt"
    started = time.monotonic()
    done = run_capped(
        "-c", MEASURED_READER, str(measured), "--db", str(seeded), "import", str(path), timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert time.monotonic() - started < 30
    peak_kib, cpu = measured.read_text().split()
    assert int(peak_kib) * 1024 < line_ends * LINE_COST / 2, f"peak memory {peak_kib} KiB"
    assert float(cpu) < line_ends * 150e-9, f"{cpu} s of CPU"
    with Library(seeded) as library:
        titles = {paper["title"] for paper in library.dump()["papers"]}
    assert "Paper After the Blank Lines" in titles


def test_a_listing_of_millions_of_tiny_papers_is_refused(tmp_path: Path) -> None:
    from reader.importers.listing import MAX_PAPERS, parse_listing

    text = "new\nMar 11\n" + "t\na\n" * (MAX_PAPERS + 1_000)
    with pytest.raises(ReaderError, match="more than 1,000,000 papers in one file"):
        parse_listing(text, "tiny.txt")
