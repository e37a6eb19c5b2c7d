"""Waiting for the app in tests without waiting for it to look idle.

Textual's pilot, after every key, waits until the process looks idle: its CPU time against the
wall clock, in 20 ms steps, for up to a second. Drawing the screen and the app's worker threads
make it look busy, so a key took ~100 ms and some a whole second. ``until_handled`` returns as
soon as the app and every widget of its screen have handled what was queued for them, and
draws nothing itself; the app tests wait for writes and searches on their own terms
(``settle`` and ``wait_until`` in ``tests/tui/tui_helpers.py``).

Both ``handled`` and the pilot's own wait for the screen (``wait_for_screen``) queue a
callback only on the app and on the widgets that are not idle: after a key most of a screen's
thirty-odd widgets have nothing queued, and a callback on each of them (a dispatch, an idle
event and a signature lookup apiece, nine rounds a key) was half of what a key cost the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App
from textual.message_pump import MessagePump
from textual.pilot import Pilot, WaitForScreenTimeout


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


def waiting_for_messages(node: MessagePump) -> bool:
    """True if the node's message loop is blocked waiting for its next message: nothing
    queued, nothing held back to be combined, no handler under way. A callback queued on such
    a node would run at once and tell nothing. Reads Textual's queue and the asyncio event it
    waits on; a node that looks any other way (not started, closing, another Textual) counts
    as busy, and gets its callback as before."""
    try:
        queue = node._message_queue
        ready = queue.ready_event
        return (
            not queue.values
            and node._pending_message is None
            and not ready.is_set()
            and bool(ready._waiters)
        )
    except AttributeError:
        return False


def _queue_on_busy(nodes: list, callback: Callable[[], None]) -> int:
    """Queue ``callback`` on the first node (the app) and on every other node that is not
    waiting for messages; how many were queued. The app's callback is always queued, so a
    round still lets the event loop turn: a key the pilot sends, or a worker's result, reaches
    a queue a turn or two after it is sent."""
    queued = 0
    for index, node in enumerate(nodes):
        if index and waiting_for_messages(node):
            continue
        if node.call_later(callback):
            queued += 1
    return queued


async def _each_handled(nodes: list, timeout: float) -> bool:
    """Queue a callback on every busy node; True once all of them have run (False on
    timeout)."""
    pending = 0
    done = asyncio.Event()

    def one_handled() -> None:
        nonlocal pending
        pending -= 1
        if pending == 0:
            done.set()

    pending = _queue_on_busy(nodes, one_handled)
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


async def wait_for_screen(self: Pilot, timeout: float = 30.0) -> bool:
    """Stands in for ``Pilot._wait_for_screen`` (after every key, pause and click): the same
    wait, for the app's and the screen's messages queued so far or an exception in the app,
    with the same timeout and answers, but callbacks queued only where ``_queue_on_busy``
    queues them."""
    try:
        screen = self.app.screen
    except Exception:
        return False
    count = 0
    count_zero_event = asyncio.Event()

    def decrement_counter() -> None:
        nonlocal count
        count -= 1
        if count == 0:
            count_zero_event.set()

    count = _queue_on_busy([self.app, *screen.walk_children(with_self=True)], decrement_counter)
    if count:
        wait_for = [
            asyncio.create_task(count_zero_event.wait()),
            asyncio.create_task(self.app._exception_event.wait()),
        ]
        _, pending = await asyncio.wait(
            wait_for, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        for task in pending:
            task.cancel()
        if len(wait_for) == len(pending):
            raise WaitForScreenTimeout(
                "Timed out while waiting for widgets to process pending messages."
            )
        if count > 0:
            return False
    return True
