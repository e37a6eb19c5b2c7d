"""Control characters and escape sequences in imported titles, abstracts or annotations never
reach the terminal raw: not in the command line's output, not in the app."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
from pathlib import Path

import pytest

from reader.models import ReaderError
from reader.store import Library
from reader.text import clean_text
from reader.tui.app import ReaderApp

from .support import UNSAFE, assert_ok, assert_refused, cli, listing_text

# Colour, window title (OSC ... BEL), clear screen, bell, backspace, the 8-bit CSI, DEL, NUL,
# and bidi overrides that make text display differently from what it is.
EVIL = (
    "\x1b[31mred\x1b[0m \x1b]0;owned\x07 \x1b[2J \x07bell \x08back \x9b31m csi "
    "\u202eevil\u202c \u2066iso\u2069 \x7fdel \x00nul \x1bc"
)
EVIL_ONE_WORD = "".join(EVIL.split())
EVIL_TEXT = EVIL.replace("\x00", "")  # a NUL makes a listing file binary: it is refused
LIST_NAME = f"List {EVIL}"


def name(args: list[str]) -> str:
    return UNSAFE.sub("", " ".join(args))[:30]


def unsafe(text: str) -> list[str]:
    return sorted({f"U+{ord(ch):04X}" for ch in UNSAFE.findall(text)})


def dirty(text: str) -> list[str]:
    """The lines that carry something raw, for the failure message."""
    return [line for line in text.splitlines() if UNSAFE.search(line)][:3]


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library whose every displayed string carries escape sequences, put there by every
    way in: a listing import, a backup import and the Library API. Made once per test
    module; each test gets a copy of the file (with its mode)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    db = tmp_path / "lib.db"
    listing = tmp_path / "listing.txt"
    listing.write_text(
        listing_text(
            [(f"Listed {EVIL_TEXT}", f"Abstract {EVIL_TEXT} https://github.com/a/b{EVIL_TEXT}")]
        ),
        encoding="utf-8",
    )
    assert_ok(cli(db, "import", str(listing)))
    backup = {
        "format": "reader-backup",
        "version": 1,
        "papers": [
            {
                "key": "evil-backup",
                "title": f"Backup {EVIL}",
                "abstract": f"Abstract {EVIL}",
                "listed": f"Mar 11{EVIL}",
                "rating": 3,
                "status": "reading",
                "sources": [{"file": f"file{EVIL}.txt", "listed": f"Mar 11{EVIL}"}],
                "links": [{"url": f"https://example.org/{EVIL}", "kind": "code"}],
                "tags": [f"tag{EVIL_ONE_WORD}"],
            }
        ],
        "tags": [f"lonely{EVIL_ONE_WORD}"],
        "annotations": [
            {"paper": "evil-backup", "body": f"Backup note {EVIL}", "quote": f"Quote {EVIL}"}
        ],
        "lists": [
            {
                "name": f"Backup list {EVIL}",
                "description": f"Described {EVIL}",
                "papers": [{"paper": "evil-backup"}],
            }
        ],
    }
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(backup), encoding="utf-8")
    assert_ok(cli(db, "import", str(path)))
    with Library(db) as library:
        for paper_id in (1, 2):
            library.add_note(paper_id, f"Note {EVIL}\nsecond line {EVIL}", quote=f"Q {EVIL}")
            library.rate(paper_id, 4)
        # reader refuses such a list name now; a library from an older version may hold one.
        library.db.execute(
            "INSERT INTO lists (name, description, created) VALUES (?, ?, '2024-01-01')",
            [LIST_NAME, f"Description {EVIL}"],
        )
        library.add_to_list(LIST_NAME, [1, 2])
        with contextlib.suppress(ReaderError):  # refusing such a tag name is fine too
            library.tag(1, [f"api{EVIL_ONE_WORD}"])
    assert not db.with_name(db.name + "-wal").exists()  # the file alone is the library
    return db


@pytest.fixture
def hostile(tmp_path: Path, hostile_template: Path) -> Path:
    db = tmp_path / "lib.db"
    shutil.copy(hostile_template, db)
    return db


TEXT_COMMANDS = [
    ["papers"],
    ["papers", "evil"],
    ["papers", "red"],
    ["papers", "--limit", "1"],
    ["show", "1"],
    ["show", "2"],
    ["show", "evil-backup"],
    ["notes", "1"],
    ["notes", "2"],
    ["list", "show", LIST_NAME],
    ["list", "show", clean_text(f"Backup list {EVIL}")],  # imports store names cleaned
    ["lists"],
    ["tags"],
    ["undo", "--list"],
    ["list", "add", LIST_NAME, "1"],
    ["list", "move", LIST_NAME, "2", "1"],
    ["export", LIST_NAME],
    ["export", "--query", "evil"],
    ["export", "--all"],
    ["undo"],
]


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=name)
def test_cli_output_carries_no_control_characters(hostile: Path, args: list[str]) -> None:
    result = assert_ok(cli(hostile, *args))
    assert not unsafe(result.stdout), (unsafe(result.stdout), dirty(result.stdout))
    assert not unsafe(result.stderr), (unsafe(result.stderr), dirty(result.stderr))


JSON_COMMANDS = [
    ["papers", "--json"],
    ["show", "1", "--json"],
    ["show", "evil-backup", "--json"],
    ["notes", "1", "--json"],
    ["list", "show", LIST_NAME, "--json"],
    ["lists", "--json"],
    ["tags", "--json"],
    ["export", "--all", "--format", "json"],
]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=name)
def test_json_output_escapes_control_characters(hostile: Path, args: list[str]) -> None:
    """JSON can carry every character as an escape (\\u001b, \\u009b): the data survive and
    nothing raw reaches a terminal."""
    result = assert_ok(cli(hostile, *args))
    assert not unsafe(result.stdout), (unsafe(result.stdout), dirty(result.stdout))
    json.loads(result.stdout)
    if args[0] == "show" and args[1] == "evil-backup":
        # Imports clean what they store; JSON then carries it exactly.
        assert json.loads(result.stdout)["title"] == clean_text(f"Backup {EVIL}")


ERRORS = [
    ["show", f"nope{EVIL}"],
    ["list", "show", f"nope{EVIL}"],
    ["list", "move", LIST_NAME, "3", "1"],  # paper 3 is not in the list: its title is named
    ["rate", "1", f"9{EVIL}"],
    ["papers", f'tag:"{EVIL}'],
    ["tag", "1", f"a,/{EVIL}"],
]


@pytest.mark.parametrize("args", ERRORS, ids=name)
def test_error_messages_carry_no_control_characters(hostile: Path, args: list[str]) -> None:
    line = assert_refused(cli(hostile, *args))
    assert not unsafe(line), (unsafe(line), line)


def test_import_warnings_carry_no_control_characters(hostile: Path, tmp_path: Path) -> None:
    path = tmp_path / f"warn{''.join(EVIL_TEXT.split())}.txt"
    path.write_text(listing_text([("Only a title", "")]) + f"Dangling {EVIL_TEXT}\n", "utf-8")
    result = cli(hostile, "import", str(path))
    assert not unsafe(result.stdout + result.stderr), dirty(result.stdout + result.stderr)


def screen_text(app: ReaderApp) -> str:
    """Every character the app would draw on the terminal for the current screen."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip if not segment.control)
        for line in update.strips
    )


class Screens:
    """Collects what each screen draws raw, so one run reports every place at once."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.problems: list[str] = []
        self.seen: set[str] = set()

    def check(self, where: str) -> str:
        text = screen_text(self.app)
        # Each cell row is reported once, where it first appears.
        for row in text.splitlines():
            for cell in re.split(r"[▕▏│▎▊]", row):
                if UNSAFE.search(cell) and cell.strip() not in self.seen:
                    self.seen.add(cell.strip())
                    self.problems.append(f"{where}: {unsafe(cell)} drawn raw in {cell.strip()!r}")
        return text


async def test_the_app_draws_no_control_characters(hostile: Path) -> None:
    from reader.tui.screens.library import LibraryScreen
    from reader.tui.widgets.sidebar import Scope

    app = ReaderApp(hostile)
    screens = Screens(app)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:

        async def settle() -> None:
            """Let messages, searches (thread workers) and redraws finish."""
            await pilot.pause()
            for worker in list(app.workers):
                if worker.group == "search":
                    await asyncio.wait_for(worker.wait(), timeout=10)
            await pilot.pause()

        await settle()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await settle()
        text = screens.check("library")
        assert "Listed" in text and "Backup" in text  # the titles are there, cleaned
        for paper_id in list(screen.paper_list.ids):
            screen.paper_list.move_cursor_to(paper_id)
            await settle()
            screens.check(f"detail pane of paper {paper_id}")
            for key, what in [
                ("2", "rating notification"),
                ("u", "undo notification (names the title)"),
                ("t", "tag dialog (title and tags)"),
                ("n", "note dialog (title and abstract sentences)"),
                ("enter", "paper screen"),
            ]:
                await pilot.press(key)
                await settle()
                screens.check(f"{what}, paper {paper_id}")
                if key in ("t", "n", "enter"):
                    await pilot.press("escape")
                    await settle()
            app.clear_notifications()
        for name in (LIST_NAME, clean_text(f"Backup list {EVIL}")):
            screen.show_scope(Scope("list", name, name))
            await settle()
            screens.check(f"list scope {name[:12]!r}")
            await pilot.press("x")  # remove from the list: the notification names the list
            await settle()
            screens.check(f"removed from list {name[:12]!r}")
            app.clear_notifications()
        await pilot.press("ctrl+p")  # the command palette lists lists, tags and titles
        await settle()
        await pilot.press(*"evil")
        await settle()
        screens.check("command palette")
    assert not screens.problems, "\n".join(screens.problems)


MARKUP = "[/] [bold]B[/bold] [@click=app.quit]Q[/] [link=https://evil.example]L[/link] $var"


async def test_markup_in_imported_text_is_shown_literally(tmp_path: Path) -> None:
    """Square brackets in titles, list names and tags are text: never styling, never actions,
    never a crash."""
    from reader.tui.screens.library import LibraryScreen
    from reader.tui.widgets.sidebar import Scope

    db = tmp_path / "lib.db"
    with Library(db) as library:
        library.restore(
            {
                "format": "reader-backup",
                "version": 1,
                "papers": [
                    {
                        "key": "markup",
                        "title": f"Title {MARKUP}",
                        "abstract": f"Abstract {MARKUP}",
                        "tags": ["t[/]"],
                        "sources": [{"file": f"file {MARKUP}"}],
                    }
                ],
                "tags": [],
                "annotations": [{"paper": "markup", "body": f"Note {MARKUP}"}],
                "lists": [{"name": f"List {MARKUP}", "papers": [{"paper": "markup"}]}],
            }
        )
    app = ReaderApp(db)
    async with app.run_test(size=(200, 48), notifications=True) as pilot:
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert "[bold]B[/bold]" in screen_text(app)
        for key in ("3", "u", "s", "u"):  # notifications that name the paper
            await pilot.press(key)
            await pilot.pause(0.1)
        screen.show_scope(Scope("list", f"List {MARKUP}", f"List {MARKUP}"))
        await pilot.pause(0.3)
        assert "List [/] [bold]B[/bold]" in screen_text(app)
        await pilot.press("x")  # the notification names the list
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.is_running
