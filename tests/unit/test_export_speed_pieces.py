"""An export written to a file in pieces is the text ``render`` gives, byte for byte: the
pieces of every format on hostile libraries, and the runs ``write_atomic`` joins them into."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_export_speed_paths import fill

from reader.atomic_file import _chunks, write_atomic
from reader.export import EXPORT_FORMATS, MarkdownOptions
from reader.exporting import library_document, render, render_pieces
from reader.store import Library


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library(tmp_path_factory.mktemp("pieces") / "lib.db")
    with library.write():
        fill(library, 160, seed=11)
    try:
        yield library
    finally:
        library.close()


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
@pytest.mark.parametrize("papers", [0, 1, 2, 160])
def test_the_pieces_are_the_rendered_text(hostile: Library, fmt: str, papers: int) -> None:
    document = library_document(hostile)
    document = type(document)(document.title, document.papers[:papers])
    options = MarkdownOptions()
    pieces = render_pieces(document, fmt, options)
    assert all(isinstance(piece, str) for piece in pieces)
    assert "".join(pieces) == render(document, fmt, options)


def test_an_export_written_in_pieces_is_the_rendered_text(hostile: Library, tmp_path: Path) -> None:
    document = library_document(hostile)
    for fmt in EXPORT_FORMATS:
        target = tmp_path / f"out.{fmt}"
        write_atomic(target, render_pieces(document, fmt, MarkdownOptions()))
        assert target.read_bytes() == render(document, fmt).encode("utf-8")


PIECES = st.lists(
    st.one_of(
        st.text(st.characters(max_codepoint=127), max_size=40),
        st.text(max_size=8),
        st.integers(min_value=0, max_value=40_000).map(lambda n: "a" * n),
        st.integers(min_value=0, max_value=20_000).map(lambda n: "é" * n),
    ),
    max_size=60,
)


@given(PIECES)
def test_runs_are_the_pieces_joined(pieces: list[str]) -> None:
    runs = list(_chunks(pieces))
    assert "".join(runs) == "".join(pieces)
    assert all(runs) or not "".join(pieces)  # no empty write between runs


def test_ascii_runs_stay_ascii_beside_wider_pieces() -> None:
    """A wide piece among many ASCII ones widens only a short run, not a megabyte of them."""
    pieces = [("x" * 999 + "\n") if index % 50 else "é\n" for index in range(2_000)]
    runs = list(_chunks(pieces))
    assert "".join(runs) == "".join(pieces)
    wide = sum(len(run) for run in runs if not run.isascii())
    assert wide < len("".join(pieces)) // 2
