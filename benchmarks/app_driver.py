"""Runs the app headless in its own process and times it; prints one JSON line on stdout.

Run as a script (``python benchmarks/app_driver.py MODE DB``) by ``benchmarks.run``, never
imported by it, so that each measurement starts a fresh interpreter.

What "painted" means here: Textual renders a frame by asking every dirty widget for its lines
(``PaperList.render_line``) and then hands the finished frame to ``App._display``, which writes it
to the terminal (and, headless, drops it). The driver wraps both: a frame counts once
``_display`` receives it, and it "shows" something when the paper list drew the wanted lines
while building it. Nothing in the app is changed; the wrappers only record times.

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
"""

from __future__ import annotations

import time

_STARTED = time.time()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

SIZE = (120, 40)


def peak_memory_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(data: dict[str, Any]) -> None:
    os.write(1, (json.dumps(data) + "\n").encode())


@dataclass
class Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[float]


@dataclass
class Probe:
    """Records what the paper list drew in the frame being built, and when frames go out."""

    frames: int = 0
    drawn: set[int] = field(default_factory=set)  # list indexes drawn in this frame
    drawn_any: bool = False  # the list drew any line (rows, or the empty message)
    drawn_generation: int = -1  # search generation on screen when the list drew
    cursor_drawn: int = -1  # index of the cursor row, when drawn in this frame
    waiters: list[Waiter] = field(default_factory=list)
    on_frame: Callable[[float], None] | None = None

    def install(self, app: Any) -> None:
        from reader.tui.widgets.paper_list import PaperList

        probe = self
        render_line = PaperList.render_line

        def traced_render_line(widget: PaperList, y: int):  # type: ignore[no-untyped-def]
            strip = render_line(widget, y)
            index = y + widget.scroll_offset.y
            probe.drawn_any = True
            probe.drawn_generation = max(probe.drawn_generation, app.search_generation_done)
            if index < len(widget.ids):
                probe.drawn.add(index)
                if index == widget.cursor:
                    probe.cursor_drawn = index
            return strip

        PaperList.render_line = traced_render_line  # type: ignore[method-assign]
        display = app._display

        def traced_display(screen, renderable):  # type: ignore[no-untyped-def]
            display(screen, renderable)
            if renderable is None:
                return
            now = time.perf_counter()
            probe.frames += 1
            if probe.on_frame is not None:
                probe.on_frame(now)
            for waiter in list(probe.waiters):
                if not waiter.future.done() and waiter.predicate():
                    waiter.future.set_result(now)
            probe.waiters = [w for w in probe.waiters if not w.future.done()]
            probe.drawn = set()
            probe.drawn_any = False
            probe.drawn_generation = -1
            probe.cursor_drawn = -1

        app._display = traced_display

    def wait_for(self, predicate: Callable[[], bool]) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters.append(Waiter(predicate, future))
        return future


# -- cold start ------------------------------------------------------------------------------


def cold_start(db: str) -> None:
    t0 = float(os.environ.get("READER_BENCH_T0", _STARTED))
    import reader.cli  # noqa: F401  (what the ``reader`` command imports first)
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


def key_event(app: Any, key: str) -> Any:
    from textual import events

    if len(key) == 1:
        name = "space" if key == " " else key
        event = events.Key(name, key)
    else:
        event = events.Key(key, None)
    event.set_sender(app)
    return event


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("start", "session"))
    parser.add_argument("db")
    parser.add_argument("--queries", nargs="*", default=["diffusion model"])
    parser.add_argument("--typo", default="difusion")
    parser.add_argument("--burst-interval", type=float, default=60.0)
    parser.add_argument("--jumps", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    if args.mode == "start":
        cold_start(args.db)
        return
    data = asyncio.run(session(args))
    emit(data)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
