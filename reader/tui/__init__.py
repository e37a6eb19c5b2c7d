"""The terminal face of reader, on Textual.

Textual paints at most 60 frames a second by default, so a change made just after a frame
waits up to 17 ms for the next one: a search's results, ready a few milliseconds after the key
that echoed, sat out most of a frame. The app asks for up to 120 (frames are still drawn only
when something changed, so an idle app costs nothing more). Read by Textual when it is first
imported, hence here, before any screen module imports it; ``TEXTUAL_FPS`` set by the person
wins.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")
