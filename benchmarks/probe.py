"""What the app driver installs in the app to time it: a record of what the paper list drew in
the frame being built, and of when each frame was handed to the terminal.

Textual renders a frame by asking every dirty widget for its lines (``PaperList.render_line``)
and then hands the finished frame to ``App._display``, which writes it to the terminal (and,
headless, drops it). The probe wraps both: a frame counts once ``_display`` receives it, and it
"shows" something when the paper list drew the wanted lines while building it (or a screen set
a mark, see ``Probe.marks``). Nothing in the app is changed; the wrappers only record times.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
    marks: dict[str, Any] = field(default_factory=dict)  # set by wrapped screens, kept
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


def key_event(app: Any, key: str) -> Any:
    from textual import events

    if len(key) == 1:
        name = "space" if key == " " else key
        event = events.Key(name, key)
    else:
        event = events.Key(key, None)
    event.set_sender(app)
    return event
