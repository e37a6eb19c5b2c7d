"""Runs the app headless in its own process and times it; prints one JSON line on stdout.

Run as a script (``python benchmarks/app_driver.py MODE DB``) by ``benchmarks.run``, never
imported by it, so that each measurement starts a fresh interpreter.

"Painted" means a frame Textual handed to the terminal in which the paper list drew the wanted
lines (see ``benchmarks.probe``); nothing in the app is changed, the wrappers only record times.

Modes:

``start DB``
    Cold start. The parent passes its ``time.time()`` just before starting the process in
    ``READER_BENCH_T0``; the driver imports what ``reader`` imports (the CLI, then the app),
    opens the library as ``reader`` does, runs the app headless at 120x40 and, at the first frame
    in which the paper list drew a paper row, prints the time since ``READER_BENCH_T0`` with its
    peak memory (VmHWM), then leaves at once with ``os._exit``.

``session DB --queries Q1 Q2 ... --typo WORD``
    One app session (``App.run_test``, 120x40). Keys are sent the way a terminal's input thread
    sends them (``driver.send_message(events.Key)``), without the pilot's waiting, and each is
    timed to the first frame that shows its effect:

    * as-you-type search: each query typed one key at a time into the search box; a key's time
      ends at the first frame drawing the list after ``app.search_done`` reported the search
      that key started (and, separately, at ``search_done`` itself);
    * the typo query the same way, noting which keys were answered by the fuzzy fallback, and
      then typed in a burst (one key every ``--burst-interval`` ms) to time how long each key
      takes to echo in the search box while the searches run;
    * End and PgDn on the whole library, with the list's row cache emptied before each End
      (a first jump) and PgDn paging from the top through rows never loaded before;
    * peak memory (VmHWM) at the end.

``triage DB --moves N``
    The app opened in triage (``reader triage``) on a library with new papers: the time from
    the screen's mount to the first new paper drawn (the order worked out by recommending every
    new paper), then Space (next) and x (skip) pressed in turn, each timed from the key to the
    first frame after the screen drew the next paper.
"""

from __future__ import annotations

import time

_STARTED = time.time()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks.probe import Probe, emit, key_event, peak_memory_mb  # noqa: E402

SIZE = (120, 40)


# -- cold start ------------------------------------------------------------------------------


def cold_start(db: str) -> None:
    t0 = float(os.environ.get("READER_BENCH_T0", _STARTED))
    from reader.command import load_command_line

    load_command_line()  # what the ``reader`` command imports first, as it imports it
    from reader.store import Library
    from reader.tui.app import ReaderApp

    imported = time.time()
    Library(db).close()  # as ``reader`` does before the screen takes over
    app = ReaderApp(db)
    constructed = time.time()
    probe = Probe()
    probe.install(app)

    def on_frame(_: float) -> None:
        if probe.drawn:
            now = time.time()
            emit(
                {
                    "painted": now - t0,
                    "interpreter": _STARTED - t0,
                    "imports": imported - _STARTED,
                    "construct": constructed - imported,
                    "to_paint": now - constructed,
                    "frames": probe.frames,
                    "rows_drawn": len(probe.drawn),
                    "peak_mb": peak_memory_mb(),
                }
            )
            os._exit(0)

    probe.on_frame = on_frame
    app.run(headless=True, size=SIZE)
    emit({"error": "the app ended before it painted a paper"})
    os._exit(1)


# -- one session -----------------------------------------------------------------------------


async def session(args: argparse.Namespace) -> dict[str, Any]:
    from reader.tui.app import ReaderApp
    from reader.tui.screens.library import LibraryScreen

    app = ReaderApp(args.db)
    probe = Probe()
    probe.install(app)
    results: dict[str, Any] = {}
    fuzzy_generations: set[int] = set()
    timeout = args.timeout

    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        if not isinstance(screen, LibraryScreen):
            raise SystemExit("the library screen did not open")
        # Note which searches the fuzzy fallback answered.
        apply_results = screen._apply_results

        def traced_apply(generation, result, total, keep):  # type: ignore[no-untyped-def]
            if result.fuzzy and generation == screen.generation:
                fuzzy_generations.add(generation)
            return apply_results(generation, result, total, keep)

        screen._apply_results = traced_apply  # type: ignore[method-assign]
        # And when each search's results were handed to the list (before the frame).
        applied_at: dict[int, float] = {}
        search_done = app.search_done

        def traced_search_done(generation: int) -> None:
            search_done(generation)
            applied_at.setdefault(generation, time.perf_counter())

        app.search_done = traced_search_done  # type: ignore[method-assign]
        driver = app._driver
        search = screen.search_input
        papers = screen.paper_list

        async def settle() -> None:
            """Let searches finish and pending messages run before the next measurement."""
            while any(worker.is_running for worker in app.workers):
                await asyncio.sleep(0.002)
            await pilot._wait_for_screen()
            await asyncio.sleep(0.01)

        async def until_searched() -> None:
            """Wait until the search started last is on screen."""
            target = screen.generation
            future = probe.wait_for(lambda: probe.drawn_generation >= target)
            if app.search_generation_done >= target:
                screen.refresh()
                papers.refresh()
            await asyncio.wait_for(future, timeout)
            await settle()

        await until_searched()
        results["library_size"] = len(papers.ids)

        async def clear_search() -> None:
            if search.value:
                search.value = ""
                await pilot._wait_for_screen()
                await until_searched()

        async def type_query(text: str) -> list[dict[str, Any]]:
            search.focus()
            await clear_search()
            timings = []
            for index, char in enumerate(text):
                target = screen.generation + 1
                future = probe.wait_for(
                    lambda target=target: (
                        probe.drawn_generation >= target and screen.generation == target
                    )
                )
                start = time.perf_counter()
                driver.send_message(key_event(app, char))
                painted = await asyncio.wait_for(future, timeout)
                timings.append(
                    {
                        "text": text[: index + 1],
                        "painted_ms": (painted - start) * 1000,
                        "applied_ms": (applied_at.get(target, painted) - start) * 1000,
                        "results": len(papers.ids),
                        "fuzzy": target in fuzzy_generations,
                    }
                )
                await settle()
            return timings

        typed = {}
        for query in args.queries:
            typed[query] = await type_query(query)
        results["typing"] = typed
        results["typo"] = await type_query(args.typo)

        # The typo in a burst: how soon does each key show in the box while searches run?
        await clear_search()
        search.focus()
        echoes = []
        interval = args.burst_interval / 1000
        last_start = 0.0
        for index, char in enumerate(args.typo):
            expected = args.typo[: index + 1]
            # A key is echoed once the box shows it, even if the next one came in the same frame.
            future = probe.wait_for(lambda expected=expected: search.value.startswith(expected))
            last_start = time.perf_counter()
            driver.send_message(key_event(app, char))
            echoes.append((last_start, future))
            await asyncio.sleep(interval)
        echo_ms = [(await asyncio.wait_for(f, timeout) - s) * 1000 for s, f in echoes]
        final_generation = screen.generation
        future = probe.wait_for(lambda: probe.drawn_generation >= final_generation)
        if app.search_generation_done >= final_generation:
            papers.refresh()
        final = await asyncio.wait_for(future, timeout)
        results["typo_burst"] = {
            "interval_ms": args.burst_interval,
            "echo_ms": echo_ms,
            "final_results_ms": (final - last_start) * 1000,
            "fuzzy": final_generation in fuzzy_generations,
            "results": len(papers.ids),
        }
        await settle()

        # End and PgDn on the whole library.
        await clear_search()
        papers.focus()
        await settle()
        total = len(papers.ids)

        async def press(key: str, expected: int) -> float:
            future = probe.wait_for(lambda: probe.cursor_drawn == expected)
            start = time.perf_counter()
            driver.send_message(key_event(app, key))
            painted = await asyncio.wait_for(future, timeout)
            await settle()
            return (painted - start) * 1000

        end_ms = []
        for _ in range(args.jumps):
            await press("home", 0)
            papers.invalidate()  # forget loaded rows: each End is a first jump
            await settle()
            end_ms.append(await press("end", total - 1))
        await press("home", 0)
        page_ms = []
        for _ in range(args.jumps):
            step = max(papers.size.height - 1, 1)
            expected = min(papers.cursor + step, total - 1)
            if expected == papers.cursor:
                break
            page_ms.append(await press("pagedown", expected))
        results["end_ms"] = end_ms
        results["page_down_ms"] = page_ms
        results["list_height"] = papers.size.height
    results["peak_mb"] = peak_memory_mb()
    return results


# -- triage ----------------------------------------------------------------------------------


async def triage(args: argparse.Namespace) -> dict[str, Any]:
    from reader.tui.app import ReaderApp
    from reader.tui.screens.triage import TriageScreen

    app = ReaderApp(args.db, start="triage")
    probe = Probe()
    probe.install(app)
    mounted: list[float] = []
    draw, mount = TriageScreen._draw, TriageScreen.on_mount

    def traced_mount(screen: TriageScreen) -> None:
        mounted.append(time.perf_counter())
        mount(screen)

    def traced_draw(screen: TriageScreen) -> None:
        draw(screen)
        shown = screen.paper.id if screen.paper is not None else None
        probe.marks["triage"] = (screen.index, shown)

    TriageScreen.on_mount = traced_mount  # type: ignore[method-assign]
    TriageScreen._draw = traced_draw  # type: ignore[method-assign]
    results: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        first = probe.wait_for(lambda: probe.marks.get("triage", (0, None))[1] is not None)
        shown = await asyncio.wait_for(first, args.timeout)
        screen = app.screen
        if not isinstance(screen, TriageScreen):
            raise SystemExit("the triage screen did not open")
        results["order_ms"] = (shown - mounted[0]) * 1000
        results["new_papers"] = len(screen.order or [])
        driver = app._driver
        moves: list[dict[str, Any]] = []
        for number in range(args.moves):
            if screen.index + 1 >= len(screen.order or []):
                break
            key = " " if number % 2 == 0 else "x"
            expected = screen.index + 1

            def moved(expected: int = expected) -> bool:
                index, paper = probe.marks.get("triage", (-1, None))
                return index == expected and paper is not None

            future = probe.wait_for(moved)
            start = time.perf_counter()
            driver.send_message(key_event(app, key))
            painted = await asyncio.wait_for(future, args.timeout)
            moves.append({"key": "space" if key == " " else key, "ms": (painted - start) * 1000})
            while any(worker.is_running for worker in app.workers):
                await asyncio.sleep(0.002)
            await pilot._wait_for_screen()
        results["moves"] = moves
    results["peak_mb"] = peak_memory_mb()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("start", "session", "triage"))
    parser.add_argument("db")
    parser.add_argument("--queries", nargs="*", default=["diffusion model"])
    parser.add_argument("--typo", default="difusion")
    parser.add_argument("--burst-interval", type=float, default=60.0)
    parser.add_argument("--jumps", type=int, default=10)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if args.mode == "start":
        cold_start(args.db)
        return
    data = asyncio.run(session(args) if args.mode == "session" else triage(args))
    emit(data)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
