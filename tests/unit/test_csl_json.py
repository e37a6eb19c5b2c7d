"""CSL-JSON export: a golden file, every item checked against the CSL-JSON schema (as a small
table of the variables used and their JSON types), and a bibliography rendered from the file by
citeproc-py, a real CSL processor.

Regenerate the golden file with ``UPDATE_GOLDEN=1 pytest tests/unit/test_csl_json.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import paper_factory
import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.export.citation import citation_keys
from reader.export.csl_json import csl_item, render_csl_json
from reader.models import Author, Link, Paper

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "list.csl.json"
RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex" / "records.bib"

# The item types of CSL 1.0.2 (csl-data.json, "type" enum).
CSL_TYPES = frozenset(
    """article article-journal article-magazine article-newspaper bill book broadcast chapter
    classic collection dataset document entry entry-dictionary entry-encyclopedia event figure
    graphic hearing interview legal_case legislation manuscript map motion_picture
    musical_score pamphlet paper-conference patent performance periodical personal_communication
    post post-weblog regulation report review review-book software song speech standard thesis
    treaty webpage""".split()
)
# The variables this export writes, with their JSON shape in csl-data.json.
SCHEMA: dict[str, str] = {
    "id": "string",
    "type": "type",
    "title": "string",
    "author": "names",
    "issued": "date",
    "container-title": "string",
    "publisher": "string",
    "genre": "string",
    "number": "string",
    "DOI": "string",
    "URL": "string",
    "abstract": "string",
    "keyword": "string",
}


def check_item(item: dict[str, Any]) -> None:
    assert isinstance(item, dict)
    assert set(item) <= set(SCHEMA), set(item) - set(SCHEMA)
    assert {"id", "type"} <= set(item)
    for name, value in item.items():
        shape = SCHEMA[name]
        if shape == "string":
            assert isinstance(value, str) and value, (name, value)
        elif shape == "type":
            assert value in CSL_TYPES
        elif shape == "names":
            assert isinstance(value, list) and value
            for person in value:
                assert set(person) in ({"family", "given"}, {"literal"}), person
                assert all(isinstance(part, str) and part for part in person.values())
        elif shape == "date":
            assert set(value) == {"date-parts"}
            (parts,) = value["date-parts"]
            assert 1 <= len(parts) <= 2 and all(type(part) is int for part in parts)
            assert 1 <= parts[0] <= 9999 and (len(parts) == 1 or 1 <= parts[1] <= 12)


def make_paper(index: int, title: str, **fields: object) -> Paper:
    return paper_factory.make_paper(index, title, **fields)  # type: ignore[arg-type]


def library() -> tuple[Paper, ...]:
    return (
        make_paper(
            1,
            "Attention Is All You Need",
            entry_type="inproceedings",
            authors=(Author("Vaswani", "Ashish"), Author("Shazeer", "Noam")),
            year=2017,
            month=12,
            venue="Advances in Neural Information Processing Systems",
            arxiv="1706.03762",
            tags=("transformers", "nlp/attention"),
        ),
        make_paper(
            2,
            "GPT-4 Technical Report",
            authors=(Author("OpenAI"),),
            year=2023,
            arxiv="2303.08774",
            links=(Link("https://github.com/openai/evals", "code"),),
        ),
        make_paper(
            3,
            "Computational Optimal Transport",
            entry_type="article",
            authors=(Author("Peyré", "Gabriel"), Author("Cuturi", "Marco")),
            year=2019,
            venue="Foundations and Trends® in Machine Learning",
            publisher="Now Publishers",
            doi="10.1561/2200000073",
        ),
        make_paper(
            4,
            "Über die Theorie der Wasserstein-Räume",
            entry_type="phdthesis",
            authors=(Author("Müller", "Jörg"),),
            year=2020,
            venue="Universität Zürich",
            url="https://www.example.org/thesis",
        ),
        make_paper(5, "A listing paper with no record", abstract=""),
    )


def test_golden_file() -> None:
    output = render_csl_json(library())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(output, encoding="utf-8", newline="\n")
    assert output == GOLDEN.read_text(encoding="utf-8")


def test_every_item_has_the_csl_shape() -> None:
    items = json.loads(render_csl_json(library()))
    assert isinstance(items, list) and len(items) == len(library())
    for item in items:
        check_item(item)
    assert [item["id"] for item in items] == citation_keys(library())


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"entry_type": "article"}, "article-journal"),
        ({"entry_type": "inproceedings"}, "paper-conference"),
        ({"entry_type": "book"}, "book"),
        ({"entry_type": "incollection"}, "chapter"),
        ({"entry_type": "phdthesis"}, "thesis"),
        ({"entry_type": "techreport"}, "report"),
        ({"entry_type": "misc", "arxiv": "1706.03762"}, "article"),
        ({"entry_type": "misc"}, "document"),
        ({"entry_type": "software"}, "software"),
    ],
)
def test_types(fields: dict[str, object], expected: str) -> None:
    assert csl_item("k", make_paper(1, "T", **fields))["type"] == expected


def test_preprints_name_their_repository_and_number() -> None:
    item = csl_item("k", library()[1])
    assert item["type"] == "article"
    assert item["publisher"] == "arXiv"
    assert item["number"] == "arXiv:2303.08774"
    assert item["URL"] == "https://arxiv.org/abs/2303.08774"  # never the code link
    assert item["author"] == [{"literal": "OpenAI"}]


def test_a_thesis_is_published_by_its_school() -> None:
    item = csl_item("k", library()[3])
    assert item["publisher"] == "Universität Zürich"
    assert item["genre"] == "PhD thesis"
    assert "container-title" not in item


def test_a_real_processor_renders_the_bibliography(tmp_path: Path) -> None:
    """Through the CLI: a reference manager's BibTeX in, CSL-JSON out, read by citeproc-py."""
    citeproc = pytest.importorskip("citeproc")
    from citeproc.source.json import CiteProcJSON

    db = tmp_path / "lib.db"
    out = tmp_path / "refs.json"
    for args in (
        ["import", str(RECORDS)],
        ["export", "--all", "--format", "csl-json", "-o", str(out)],
    ):
        result = CliRunner().invoke(main, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output
    items = json.loads(out.read_text(encoding="utf-8"))
    for item in items:
        check_item(item)
    styles = Path(citeproc.__file__).parent / "data" / "styles"
    style = citeproc.CitationStylesStyle(str(next(styles.glob("*.csl"))), validate=False)
    bibliography = citeproc.CitationStylesBibliography(
        style, CiteProcJSON(items), citeproc.formatter.plain
    )
    for item in items:
        bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
    entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == len(items)
    text = "\n".join(entries)
    assert "Vaswani, A." in text and "(2017)" in text
    assert "Peyré, G. and Cuturi, M. (2019)" in text
    assert "OpenAI and Achiam, J. (2023)" in text
    assert "https://doi.org/10.1561/2200000073" in text
