"""Waiting for the app in tests without waiting for it to look idle.

Textual's pilot, after every key, waits until the process looks idle: its CPU time against the
wall clock, in 20 ms steps, for up to a second. Drawing the screen and the app's worker threads
make it look busy, so a key took ~100 ms and some a whole second. ``until_handled`` returns as
soon as the app and every widget of its screen have handled what was queued for them, and
draws nothing itself; the app tests wait for writes and searches on their own terms
(``settle`` and ``wait_until`` in ``tests/tui/tui_helpers.py``).
"""

from __future__ import annotations

import asyncio

from textual.app import App


async def handled(app: App, rounds: int = 2, timeout: float = 5.0) -> None:
    """Return once the app and its screen's widgets have handled their queued messages, and
    (with ``rounds=2``) the messages those handlers sent."""
    for _ in range(rounds):
        try:
            nodes = [app, *app.screen.walk_children(with_self=True)]
        except Exception:  # no screen yet, or the app is closing
            return
        if not await _each_handled(nodes, timeout):
            return


async def _each_handled(nodes: list, timeout: float) -> bool:
    """Queue a callback on every node; True once all of them have run (False on timeout)."""
    pending = 0
    done = asyncio.Event()

    def one_handled() -> None:
        nonlocal pending
        pending -= 1
        if pending == 0:
            done.set()

    for node in nodes:
        if node.call_later(one_handled):
            pending += 1
    if not pending:
        return True
    try:
        await asyncio.wait_for(done.wait(), timeout=timeout)
    except TimeoutError:
        return False
    return True


async def until_handled(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """Stands in for Textual's ``wait_for_idle`` while the pilot presses keys."""
    from textual._context import active_app

    await handled(active_app.get(), timeout=max_sleep)
