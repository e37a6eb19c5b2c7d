"""Running what is measured: whole processes timed from start to exit (with their memory),
the app driver, and a description of the machine."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYCACHE = ROOT / "benchmarks" / "out" / "pycache"
SAMPLE_SECONDS = 0.02  # how often a process tree's memory is read while it runs


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment(work: Path) -> dict[str, str]:
    """What every measured process runs with: this checkout importable, no library or settings
    of the person running the benchmark, and reader's cache of libraries found sound in the
    work folder (so the damage check is skipped exactly as it would be for them).

    Compiled bytecode is kept, as it is for any installed program (where
    ``PYTHONDONTWRITEBYTECODE`` is set, every start would otherwise compile reader's modules
    from source again): in ``benchmarks/out/pycache``, whatever the work folder, so that it
    is compiled once per machine and the checkout stays clean."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("READER_DB", None)
    env["READER_CONFIG"] = str(work / "no-config.toml")
    env["READER_CACHE_DIR"] = str(work / "reader-cache")
    env["NO_COLOR"] = "1"
    return env


def forget_kept_matches(env: dict[str, str]) -> None:
    """Remove the search matches reader keeps between sessions (``reader/store/kept_postings``)
    in the benchmark's cache folder."""
    from reader.store.kept_postings import FOLDER

    shutil.rmtree(Path(env["READER_CACHE_DIR"]) / FOLDER, ignore_errors=True)


@dataclass(frozen=True)
class Run:
    """A finished process: wall time, output, and memory (MiB): the peak of the largest single
    process (its own high-water mark, sampled) and of the whole tree at once (sampled). Without
    sampling, both are the kernel's ``ru_maxrss``, which includes what the parent held."""

    seconds: float
    stdout: str
    stderr: str
    peak_mb: float
    tree_peak_mb: float


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
        except OSError:
            pass
    return found


def run(
    command: Sequence[str],
    env: dict[str, str],
    *,
    memory: bool = False,
    timeout: float | None = None,
) -> Run:
    """Run a whole process; its wall time runs from just before it starts to its exit.

    Output goes to files, not pipes, so nothing the parent does slows the child. With
    ``memory``, a thread reads the resident size of the process and its children every 20 ms."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, env=env, cwd=ROOT)
        tree_peak = single_peak = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal tree_peak, single_peak
            while not stop.wait(SAMPLE_SECONDS):
                tree = _tree(process.pid)
                tree_peak = max(tree_peak, sum(_status_kb(pid, "VmRSS:") for pid in tree))
                # A process's own peak since it started its program (monotonic, so the last
                # sample before it ends has it but for its last 20 ms).
                single_peak = max(single_peak, *(_status_kb(pid, "VmHWM:") for pid in tree))

        sampler = threading.Thread(target=sample, daemon=True) if memory else None
        if sampler is not None:
            sampler.start()
        try:
            _, status, usage = _wait4(process.pid, timeout)
        except BaseException:
            process.kill()
            process.wait()
            raise
        elapsed = time.perf_counter() - start
        stop.set()
        if sampler is not None:
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-4000:]}")
    if sampler is None or not single_peak:  # not sampled, or ended before the first sample
        # The kernel's figure, which counts what the benchmark's own process held when it
        # started the child (Linux keeps the peak across exec): only an upper bound.
        peak = usage.ru_maxrss / 1024
        return Run(elapsed, stdout, stderr, peak, peak)
    return Run(elapsed, stdout, stderr, single_peak / 1024, max(tree_peak, single_peak) / 1024)


def _wait4(pid: int, timeout: float | None) -> tuple[int, int, Any]:
    if timeout is None:
        return os.wait4(pid, 0)
    deadline = time.monotonic() + timeout
    while True:
        found, status, usage = os.wait4(pid, os.WNOHANG)
        if found:
            return found, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError(f"process {pid} ran longer than {timeout:.0f} s")
        time.sleep(0.005)


def timed(
    command: Sequence[str], env: dict[str, str], check: Callable[[str], None] | None = None
) -> float:
    """Seconds a whole process takes; ``check`` looks at its output."""
    done = run(command, env)
    if check is not None:
        check(done.stdout)
    return done.seconds


def json_line(stdout: str, what: str) -> dict[str, Any]:
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{what} printed no JSON:\n{stdout[-2000:]}")
    data: dict[str, Any] = json.loads(lines[-1])
    if "error" in data:
        raise RuntimeError(f"{what}: {data['error']}")
    return data


def run_driver(
    arguments: Sequence[str], env: dict[str, str], timeout: float = 1800, *, colour: bool = True
) -> dict[str, Any]:
    """Run benchmarks.app_driver in a fresh interpreter; returns its JSON line.

    The app runs in colour, as most terminals run it, unless ``colour`` is False: the
    ``NO_COLOR`` set for the commands (whose output is read) makes Textual pass every line of
    every frame through a monochrome filter, which a person with colour does not pay."""
    env = {**env, "READER_BENCH_T0": repr(time.time())}
    if colour:
        env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "benchmarks.app_driver", *arguments]
    done = run(command, env, timeout=timeout)
    data = json_line(done.stdout, f"app driver {arguments[0]}")
    data["process_wall"] = done.seconds  # start to exit, as a cross-check
    return data


def reader_command(db: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "reader", "--db", str(db), *arguments]


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def db_bytes(path: Path) -> int:
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    from importlib.metadata import version

    return {
        "nproc": cores,
        "cpu": cpu,
        "memory_gb": memory,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "textual": version("textual"),
        "pyroaring": version("pyroaring"),
        "rapidfuzz": version("rapidfuzz"),
    }
