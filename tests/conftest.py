"""Shared fixtures: a fresh library, the shared seed listings, and listing-dump builders.

Listing dumps come in two layouts that must parse to the same papers:

* blank: a blank line between every line (the layout of the shipped samples);
* compact: no blank lines at all, with the header word ``Subscribe`` glued onto the first title.
"""

from __future__ import annotations

import atexit
import gc
import inspect
import os
import shutil
import sys
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pilot_pacing
import property_examples
import pytest

# The suite starts hundreds of `reader` processes and two pytest workers. Where the environment
# forbids writing bytecode, each of them would compile reader's modules (and pytest would
# rewrite every test module) anew, which costs about a third of the suite's time; cached
# bytecode is Python's default and is what a person's installation runs with.
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
    sys.dont_write_bytecode = False

# SQLite syncs a library's files to the disk when it folds the write-ahead log in (at every
# close), and exports sync what they write: the reliability tests alone sync some 3,600 times.
# Each sync waits for the disk, 2 to 40 ms here depending on what else is writing to it. The
# tests' files (pytest's tmp_path, tempfile, and the processes the tests start) go to the RAM
# file system instead, where a sync costs nothing: the file semantics the tests check (modes,
# renames, links, fifos, locks) are those of any POSIX file system. A TMPDIR set is kept.
# Only where it has room for the suite, 2 GB (a container's is often 64 MB).
_RAM = os.statvfs("/dev/shm") if os.path.isdir("/dev/shm") else None
if (
    "TMPDIR" not in os.environ
    and _RAM is not None
    and _RAM.f_bavail * _RAM.f_frsize >= 2 << 30
    and os.access("/dev/shm", os.W_OK)
):
    os.environ["TMPDIR"] = "/dev/shm"
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again

# The app tells a person about a bug and goes on; a test is to fail on it instead (the app
# processes the tests start inherit this too). A test of the telling removes it.
os.environ["READER_RAISE_BUGS"] = "1"

# The caches (the damage-check memory, search matches kept between sessions) go to a folder of
# this run's own, never the person's; a test that looks at them sets its own.
if "READER_CACHE_DIR" not in os.environ:
    os.environ["READER_CACHE_DIR"] = tempfile.mkdtemp(prefix="reader-test-cache-")
    atexit.register(shutil.rmtree, os.environ["READER_CACHE_DIR"], ignore_errors=True)

from empty_library import empty_library  # noqa: E402

from reader.store import Library  # noqa: E402  (after the environment above is set)

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES_DIR = TESTS_DIR / "fixtures"
SEEDS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)

# (title, abstract) pairs with the link shapes the parser has to clean up.
PAPERS: tuple[tuple[str, str], ...] = (
    (
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "We propose Low-Rank Adaptation, or LoRA, which freezes the pretrained model weights "
        "and injects trainable rank decomposition matrices. Code at https://github.com/microsoft/LoRA.",
    ),
    (
        "Faster Diffusion: Rethinking the Role of UNet Encoder in Diffusion Models",
        "We study the encoder of the UNet in diffusion models and reuse its features across "
        "time-steps. Code: https://github.com/hutaiHang/Faster-Diffusion{FasterDiffusion}.",
    ),
    (
        "InceptionNeXt: When Inception Meets ConvNeXt",
        "We decompose large-kernel depthwise convolution into four parallel branches. "
        "Code is available at https://github.com/sail-sg/inceptionnext.",
    ),
    (
        "Removing Human Bottlenecks in Bird Classification Using Camera Trap Images",
        "Birds are important indicators for monitoring biodiversity (see http://bit.ly/2nJLNMu). "
        "We classify bird species in real time with a Faster-RCNN.",
    ),
    (
        "Vision Transformers Need Registers",
        "Artifacts appear in feature maps of vision transformers. Mirrors: "
        "https://gitlab.com/vit/registers, https://gitee.com/vit/registers and the weights "
        "https://huggingface.co/vit/registers; project page https://vit-registers.example.org/.",
    ),
)


def blank_layout(
    papers: Sequence[tuple[str, str]] = PAPERS,
    *,
    header: Sequence[str] = HEADER,
    date: str | None = "Mar 11",
) -> str:
    """A dump with a blank line between all lines, header first, then the date line."""
    lines = list(header) + ([date] if date else [])
    for title, abstract in papers:
        lines += [title, abstract]
    return "\n\n".join(lines) + "\n"


def compact_layout(
    papers: Sequence[tuple[str, str]] = PAPERS,
    *,
    header: Sequence[str] = ("new", "Get trending papers in your email inbox!"),
    date: str | None = "Mar 11",
    trailer: Sequence[str] = ("byAK and the research community",),
) -> str:
    """No blank lines at all; ``Subscribe`` is glued onto the first title."""
    lines = list(header) + list(trailer) + ([date] if date else [])
    for index, (title, abstract) in enumerate(papers):
        lines += ["Subscribe" + title if index == 0 else title, abstract]
    return "\n".join(lines) + "\n"


@pytest.fixture
def blank_listing() -> Callable[..., str]:
    return blank_layout


@pytest.fixture
def compact_listing() -> Callable[..., str]:
    return compact_layout


@pytest.fixture
def write_listing(tmp_path: Path) -> Callable[..., Path]:
    """Write listing text (or bytes) to a file under tmp_path and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / "listings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path

    return write


@pytest.fixture
def paper_pairs() -> tuple[tuple[str, str], ...]:
    """The (title, abstract) pairs that ``blank_listing()`` and ``compact_listing()`` hold."""
    return PAPERS


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES_DIR


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir() or not any(SEEDS_DIR.glob("*.txt")):
        pytest.skip("../shared/seeds not present: sample-count tests need the shared seeds")
    return SEEDS_DIR


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """A new empty library (a copy of one made once per process: ``empty_library``)."""
    lib = empty_library(tmp_path / "lib.db")
    try:
        yield lib
    finally:
        lib.close()


@pytest.fixture
def kept_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Search matches of any size are kept between sessions (test libraries are small), in
    this test's own cache folder."""
    from reader.store import kept_postings, search

    folder = tmp_path / "cache"
    monkeypatch.setattr(search, "KEPT_FROM", 1)
    monkeypatch.setattr(kept_postings, "KEPT_FROM", 1)
    monkeypatch.setenv(kept_postings.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def filled(library: Library) -> Library:
    """A library holding the PAPERS fixture set (ids 1..5 in PAPERS order)."""
    from reader.importers.listing import parse_listing

    library.import_listings([parse_listing(blank_layout(), "mar-11.txt")])
    return library


@pytest.fixture(autouse=True)
def pilot_waits_for_what_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    """After every key, Textual's pilot waits until the process *looks* idle: its CPU time
    against the wall clock, in 20 ms steps, for up to a second. Drawing the screen and the
    app's worker threads make it look busy, so a key took ~100 ms and some a whole second.
    Here a key waits until the app and its screen have handled what it caused; the tests wait
    for writes and searches themselves (``settle`` and ``wait_until`` in tui_helpers). The
    pilot's wait for the screen after each key queues its callbacks only where a widget is
    busy (``pilot_pacing.wait_for_screen``)."""
    app_module = sys.modules.get("textual.app")
    if app_module is not None:
        monkeypatch.setattr(app_module, "wait_for_idle", pilot_pacing.until_handled)
    pilot_module = sys.modules.get("textual.pilot")
    if pilot_module is not None:
        monkeypatch.setattr(pilot_module.Pilot, "_wait_for_screen", pilot_pacing.wait_for_screen)


def pytest_report_header() -> str:
    """How many examples the property tests run (``property_examples``)."""
    return property_examples.level()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Set aside what the imports made (modules, classes, functions: about 130,000 objects,
    alive until the end) from the cyclic garbage collector. Every collection of the oldest
    generation walked them again; the app tests start an app each, whose widgets are freed in
    such collections, and these walks were a sixth of those tests' time. Objects set aside
    are still freed by reference counting; only a cycle among them would stay."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def textual_keeps_no_old_widgets() -> Iterator[None]:
    """Textual memoises ``StylesCache.get_inner_outer`` with a cache of 1024 entries keyed by
    the widgets' styles caches, so the last 1024 widgets' caches of rendered lines (hundreds
    of thousands of objects, from apps long closed) stayed alive and were walked by every full
    garbage collection of the test process. A test's app is gone at its end: its entries go
    too (the cache only saves recomputing two styles)."""
    yield
    styles_cache = sys.modules.get("textual._styles_cache")
    if styles_cache is not None:
        styles_cache.StylesCache.get_inner_outer.cache_clear()


# The parameters of Textual's ``Stylesheet._parse_rules`` that the process-wide cache below is
# written for; with any others it leaves Textual as it is.
_PARSE_RULES_PARAMETERS = ("self", "css", "read_from", "is_default_rules", "tie_breaker", "scope")


@pytest.fixture(autouse=True, scope="session")
def css_parsed_once_per_process() -> Iterator[None]:
    """Each app parses the CSS of every widget class it uses (some sixty sources) into rule
    sets, a cache that lives as long as its stylesheet; the test process parsed the same text
    again for every app it started, a twelfth of an app's start. Parsing is a function of its
    arguments (the text, where it came from, whether it is a widget's default CSS, the tie
    breaker and the scope) and of the theme's variables, substituted as it parses; one
    process-wide cache keyed by all of them hands each app the rule sets it would have parsed.
    Textual only reads rule sets once parsed: its own cache (per stylesheet, the same key but
    the variables, cleared when they change) already hands the same lists to every parse of a
    stylesheet and the same rule sets to every widget of a class. It keeps the latest few
    themes' worth: the theme tests go through all of them. Where Textual's method is not the
    one this is written for (another version), nothing is patched."""
    from textual.css.stylesheet import Stylesheet

    parse_rules = getattr(Stylesheet, "_parse_rules", None)
    try:
        parameters = tuple(inspect.signature(parse_rules).parameters)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        parameters = ()
    if parameters != _PARSE_RULES_PARAMETERS:
        yield
        return
    parsed: OrderedDict[tuple, list] = OrderedDict()

    def parse_once(
        self: Stylesheet,
        css: str,
        read_from: tuple[str, str],
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list:
        variables = getattr(self, "_variables", None)
        if not isinstance(variables, dict):
            return parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        theme = tuple(sorted(variables.items()))
        key = (css, read_from, is_default_rules, tie_breaker, scope, theme)
        rules = parsed.get(key)
        if rules is None:
            rules = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
            parsed[key] = rules
            if len(parsed) > 300:
                parsed.popitem(last=False)
        else:
            parsed.move_to_end(key)
        return rules

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "_parse_rules", parse_once)
        yield
