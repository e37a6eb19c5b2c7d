"""CSV export: a golden file, a faithful parse by the csv module, and no formula injection.

Regenerate the golden file with ``UPDATE_GOLDEN=1 pytest tests/unit/test_export_csv.py``.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import paper_factory
import pytest

from reader.export.csv_format import HEADER, render_csv
from reader.models import Annotation, Link, Paper, Source

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "list.csv"


def make_paper(index: int, title: str, **fields: object) -> Paper:
    fields.setdefault("template", "Abstract {index}.")
    return paper_factory.make_paper(index, title, **fields)  # type: ignore[arg-type]


def note(index: int, paper_id: int) -> Annotation:
    return Annotation(index, paper_id, "A note.", None, "2024-03-12", "2024-03-12")


def library() -> tuple[Paper, ...]:
    return (
        make_paper(
            1,
            "LoRA: Low-Rank Adaptation of Large Language Models",
            links=(
                Link("https://arxiv.org/abs/2106.09685", "web"),
                Link("https://github.com/microsoft/LoRA", "code"),
            ),
            tags=("fine-tuning", "peft"),
            rating=4,
            status="read",
            sources=(Source("mar-11.txt", "Mar 11"), Source("apr-02.txt", "Apr 2")),
            annotations=(note(1, 1), note(2, 1)),
        ),
        make_paper(
            2,
            'Commas, "quotes" and a\nnewline; <script>alert(1)</script> | `ticks` 100% {x}',
            abstract="Line one.\r\nLine two, with a comma.",
            status="reading",
            rating=0,
        ),
        make_paper(3, '=HYPERLINK("http://evil.example","click")', tags=("-danger", "ok")),
        make_paper(4, "+1 for plus", abstract="@SUM(A1:A9)", sources=(), listed=None),
        make_paper(5, "-2 for minus", abstract="\tTabbed", links=(Link("=cmd", "web"),)),
        make_paper(6, "@mention", abstract="\rCarriage"),
        make_paper(7, "Ünïcödé: 日本語のタイトル — naïve café"),
    )


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_golden_file() -> None:
    output = render_csv(library())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(output, encoding="utf-8", newline="\n")
    assert output == GOLDEN.read_bytes().decode("utf-8")


def test_header_and_row_count() -> None:
    parsed = rows(render_csv(library()))
    assert parsed[0] == list(HEADER)
    assert parsed[0] == [
        "id",
        "key",
        "title",
        "listed",
        "status",
        "rating",
        "tags",
        "code_link",
        "links",
        "notes",
        "abstract",
    ]
    assert len(parsed) == len(library()) + 1
    assert all(len(row) == len(HEADER) for row in parsed)


def test_fields_read_back() -> None:
    parsed = rows(render_csv(library()))
    first = dict(zip(HEADER, parsed[1], strict=True))
    assert first == {
        "id": "1",
        "key": "paper-1",
        "title": "LoRA: Low-Rank Adaptation of Large Language Models",
        "listed": "Mar 11; Apr 2",
        "status": "read",
        "rating": "4",
        "tags": "fine-tuning; peft",
        "code_link": "https://github.com/microsoft/LoRA",
        "links": "https://arxiv.org/abs/2106.09685 https://github.com/microsoft/LoRA",
        "notes": "2",
        "abstract": "Abstract 1.",
    }
    second = dict(zip(HEADER, parsed[2], strict=True))
    assert second["title"] == library()[1].title
    assert second["abstract"] == "Line one.\nLine two, with a comma."
    assert second["rating"] == "0"
    assert second["notes"] == "0"
    assert second["code_link"] == ""
    fourth = dict(zip(HEADER, parsed[4], strict=True))
    assert fourth["rating"] == ""
    assert fourth["listed"] == ""


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (3, "title", '\'=HYPERLINK("http://evil.example","click")'),
        (3, "tags", "'-danger; ok"),
        (4, "title", "'+1 for plus"),
        (4, "abstract", "'@SUM(A1:A9)"),
        (5, "title", "'-2 for minus"),
        (5, "abstract", "'\tTabbed"),
        (5, "links", "'=cmd"),
        (6, "title", "'@mention"),
        (6, "abstract", "'\nCarriage"),
    ],
)
def test_formula_injection_is_defused(row: int, column: str, expected: str) -> None:
    parsed = rows(render_csv(library()))
    assert dict(zip(HEADER, parsed[row], strict=True))[column] == expected


def test_no_cell_starts_a_formula() -> None:
    for row in rows(render_csv(library()))[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_deterministic_with_newline_terminator() -> None:
    output = render_csv(library())
    assert output == render_csv(library())
    assert "\r" not in output
    assert output.endswith("\n")


def test_empty_library_is_just_the_header() -> None:
    assert render_csv(()) == ",".join(HEADER) + "\n"


@pytest.mark.parametrize(
    "title", ["Plain title", "A bell\x07 and an escape\x1b[31m", "bidi \u202e override", "a\rb"]
)
def test_rows_kept_one_by_one_are_the_export_s_rows(title: str) -> None:
    """``csv_rows`` (what kept exports keep) joined under the header is ``render_csv``."""
    from reader.export.csv_format import HEADER_LINE, csv_rows

    papers = (*library(), make_paper(9, title, abstract=f"about {title}"))
    assert HEADER_LINE + "".join(csv_rows(papers)) == render_csv(papers)
