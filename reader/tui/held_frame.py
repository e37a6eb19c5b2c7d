"""One frame for a keystroke and the search it starts, when the search is quick.

A key typed in the search box used to be painted twice: its echo in the next frame, a few
milliseconds after the key, and the results in a frame of their own once the search answered.
The second frame could not follow the first sooner than Textual's frame interval, and while the
echo was being drawn the search thread waited for the interpreter. Holding the app's repaints
from the key until the results are handed to the list (``App.batch_update``, entered and left
at those two moments) paints both in one frame. The hold never lasts longer than ``longest``:
a slow search (a million papers, a fuzzy fallback) shows the echo then, as before, and its
results when they come.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from textual.app import App, ScreenStackError
from textual.timer import Timer

# Longer than a quick search takes to reach the list at 100,000 papers (5-8 ms), and short
# enough that a key's echo never waits for more than one frame of a 60 Hz terminal.
LONGEST = 0.016


class HeldFrame:
    """Repaints held from a keystroke until ``release()``, or ``longest`` seconds at most."""

    def __init__(self, app: App, longest: float | None = None) -> None:
        self.app = app
        self.longest = LONGEST if longest is None else longest
        self._batch: AbstractContextManager[None] | None = None
        self._timer: Timer | None = None

    @property
    def holding(self) -> bool:
        return self._batch is not None

    def hold(self) -> None:
        """Hold repaints (a hold already running keeps its deadline: keys typed in a burst
        are never held longer than ``longest`` in all)."""
        if self._batch is not None:
            return
        batch = self.app.batch_update()
        batch.__enter__()
        self._batch = batch
        # The app's timer, not a screen's: it runs whatever screen is on top.
        self._timer = self.app.set_timer(self.longest, self.release, name="held frame")

    def release(self) -> None:
        """Paint what is waiting (nothing happens when nothing is held)."""
        batch, self._batch = self._batch, None
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.stop()
        if batch is not None:
            batch.__exit__(None, None, None)
            # The screen skipped its idle check while held; ask it again now, or the frame
            # waits for whatever message reaches the screen next.
            try:
                screen = self.app.screen
            except ScreenStackError:  # the app is closing: nothing left to paint
                return
            screen.check_idle()
