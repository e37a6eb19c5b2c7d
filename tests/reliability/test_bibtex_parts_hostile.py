"""A big BibTeX file read in parts by a forked process, met by real processes: a bad entry in
its last part, the importing process killed, the parsing process killed. The library is left
exactly as it was, with one line naming the file, and no process is left parsing for nobody."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.support import (
    assert_process_refused,
    fingerprint,
    run_reader,
    seed_library,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the parsing process is forked on Linux only"
)


def big_bibtex(entries: int, tail: str = "") -> str:
    """Enough entries (~350 characters each) to be read in several parts."""
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
    return (
        "".join(
            f"@article{{key{number},\n  title = {{{words[number % 10]} study {number}}},\n"
            f"  author = {{Doe, Jane and Roe, R{number % 50}}},\n"
            f"  year = {{{2000 + number % 25}}},\n"
            f"  abstract = {{{' '.join(words[(number + step) % 10] for step in range(40))}}},\n}}\n"
            for number in range(entries)
        )
        + tail
    )


def children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped by whoever adopted it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_import(db: Path, path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """An import under way, and its parsing process once it has started."""
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(db), "import", str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = children(process.pid)
        if found:
            return process, found[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    process.kill()
    pytest.fail("the parsing process never started")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.db"
    seed_library(path)
    return path


def test_a_bad_entry_in_the_last_part_leaves_the_library_as_it_was(
    library: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "big.bib"
    bib.write_text(big_bibtex(6000, "@article{broken,\n  title = {Unclosed\n  year = 2020,\n"))
    before = fingerprint(library)
    assert_process_refused(run_reader(library, "import", str(bib)), "big.bib", "broken")
    assert fingerprint(library) == before


def test_the_parsing_process_ends_with_a_killed_import(library: Path, tmp_path: Path) -> None:
    # A macro at the end: the first part is the whole file, parsed before anything is sent.
    bib = tmp_path / "big.bib"
    bib.write_text(big_bibtex(20000, "@string{late = {Late}}\n"))
    before = fingerprint(library)
    process, child = start_import(library, bib)
    time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)  # not its output: the parsing process holds the same pipes
    deadline = time.monotonic() + 0.5
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    alive = running(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the parsing process went on parsing for nobody"
    assert fingerprint(library) == before
    assert run_reader(library, "papers").returncode == 0


def test_a_killed_parsing_process_fails_the_import_cleanly(library: Path, tmp_path: Path) -> None:
    bib = tmp_path / "big.bib"
    bib.write_text(big_bibtex(12000, "@string{late = {Late}}\n"))
    before = fingerprint(library)
    process, child = start_import(library, bib)
    time.sleep(0.2)
    os.kill(child, signal.SIGKILL)
    out, err = process.communicate(timeout=60)
    done = subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())
    assert_process_refused(done, "big.bib")
    assert fingerprint(library) == before
    assert not children(process.pid)
    assert run_reader(library, "papers").returncode == 0
