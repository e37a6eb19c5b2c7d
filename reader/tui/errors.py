"""The app's one error path: what a failure tells the person, instead of ending the app.

Every action (``ReaderApp.run_action``) and every worker (``ReaderApp.on_worker_state_changed``)
ends here. An error a person can act on (a refused value, a busy or full or damaged library, a
file that cannot be written) becomes a notification; anything else is a bug, said as one and
written down with its traceback (``bug_log``), and the app goes on: a bug must not take with it a
note half typed. The test suite has bugs raised again instead, so that tests fail on them.

The store's public methods turn SQLite's errors into ``LibraryError``; a raw sqlite3 error can
still come from the few places that reach a connection directly (the store's transaction
helpers, statements run by the app's writer and tests). Those are recognised by their class, so
this module does not import sqlite3; the checks can go once nothing reaches past the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reader.models import LibraryError, ReaderError
from reader.text import one_line
from reader.tui import bug_log

if TYPE_CHECKING:
    from textual.app import App

BUSY = "The library is busy: another reader is writing to it. Try again in a moment."
DISK_FULL = "The disk is full: nothing was changed. Free some space and try again."

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Failure:
    """What to say about an error, one line, with how loudly to say it."""

    message: str
    severity: Severity


def _is_sqlite_error(error: BaseException) -> bool:
    """sqlite3.DatabaseError and its kinds (OperationalError, IntegrityError, ...)."""
    return any(
        cls.__module__ == "sqlite3" and cls.__name__ == "DatabaseError"
        for cls in type(error).__mro__
    )


def is_busy(error: BaseException) -> bool:
    """The write lock was not free in time: worth waiting for, and never a reason to exit."""
    if isinstance(error, LibraryError):
        return error.busy
    if _is_sqlite_error(error):
        text = str(error).lower()
        return "locked" in text or "busy" in text
    return False


def _sentence(text: str) -> str:
    """The store's lower-case messages as sentences; a leading name or path is left as it is."""
    text = one_line(text)
    if not text:
        return text
    if text.split(" ", 1)[0].isalpha():
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."


def describe(error: BaseException, library_path: Path | None = None) -> Failure | None:
    """What to tell the person about ``error``; None for an error that is a bug.

    The store names the library file in its messages, for the CLI; the app has one library,
    so its path (``library_path``) is left out.
    """
    if is_busy(error):
        return Failure(BUSY, "warning")
    if isinstance(error, LibraryError):
        text = str(error)
        if library_path is not None:
            text = text.removeprefix(f"{library_path}: ")
        return Failure(_sentence(text), "error")
    if isinstance(error, ReaderError):  # a refused value or a missing name: say why
        return Failure(_sentence(str(error)), "warning")
    if _is_sqlite_error(error):
        if "full" in str(error).lower():
            return Failure(DISK_FULL, "error")
        return Failure(
            _sentence(f"The library could not be read or written ({error}); nothing was changed"),
            "error",
        )
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return Failure(_sentence(f"{error.strerror or error}{where}"), "error")
    return None


def bug_failure(error: BaseException, log: Path | None) -> Failure:
    """What to say about a bug: what it was, and where its details are."""
    what = one_line(f"{type(error).__name__}: {error}")[:200]
    where = f" The details are in {log}." if log is not None else ""
    return Failure(_sentence(f"This is a bug in reader ({what})") + where, "error")


def report(app: App, error: BaseException, doing: str = "") -> None:
    """Tell the person what went wrong (a bug too, written down for a report)."""
    failure = describe(error, getattr(app, "library_path", None))
    if failure is None:
        if bug_log.raise_bugs():
            raise error
        failure = bug_failure(error, bug_log.write_down(error, doing))
    app.notify(
        failure.message,
        title=f"Could not {doing}" if doing else "",
        severity=failure.severity,
        timeout=8 if failure.severity == "error" else 5,
        markup=False,
    )


@contextmanager
def reported(app: App, doing: str = "") -> Iterator[None]:
    """Run a block of UI code whose failure is to be told (see ``report``) and not fatal."""
    try:
        yield
    except Exception as error:
        report(app, error, doing)


def app_work(
    doing: str, *, thread: bool = False, exclusive: bool = False, group: str = "default"
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Textual's ``@work`` for a screen method, but the worker belongs to the app.

    The app's one ``on_worker_state_changed`` handler then reports a failure (Textual posts a
    worker's messages to its owner only), and ``exit_on_error=False`` keeps it from ending the
    app. ``doing`` names the work in a failure's title: "Could not {doing}".

    A thread's work can outlive its screen (the app closing, the screen dismissed): once the
    screen is gone, what it failed to hand back has nowhere to go and is not an error.
    """

    def decorator(method: Callable[..., Any]) -> Callable[..., Any]:
        def in_thread(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except Exception:
                if self.is_attached:
                    raise
                return None

        @wraps(method)
        def start(self: Any, *args: Any, **kwargs: Any) -> Any:
            return self.app.run_worker(
                partial(in_thread if thread else method, self, *args, **kwargs),
                name=doing,
                group=group,
                exclusive=exclusive,
                thread=thread,
                exit_on_error=False,
            )

        return start

    return decorator
