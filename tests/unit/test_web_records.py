"""The pure parts of adding from the web: names split into family and given, CSL-JSON and arXiv
results turned into records, and no web library loaded by any other command."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.editing import parse_field
from reader.models import Author
from reader.store import Library
from reader.web.arxiv_api import result_paper
from reader.web.csl import ENTRY_TYPES, csl_record, strip_markup
from reader.web.http import Settings, WebError
from reader.web.names import split_name


@pytest.mark.parametrize(
    ("name", "family", "given"),
    [
        ("Ashish Vaswani", "Vaswani", "Ashish"),
        ("Aidan N. Gomez", "Gomez", "Aidan N."),
        ("Aaron van den Oord", "van den Oord", "Aaron"),
        ("Jean-Baptiste le Rond d'Alembert", "le Rond d'Alembert", "Jean-Baptiste"),
        ("Van Jacobson", "Jacobson", "Van"),
        ("Zeyuan Allen-Zhu", "Allen-Zhu", "Zeyuan"),
        ("Martin Luther King Jr.", "King Jr.", "Martin Luther"),
        ("Martin Luther King, Jr.", "King Jr.", "Martin Luther"),
        ("Vaswani, Ashish", "Vaswani", "Ashish"),
        ("  Yann\tLeCun \n", "LeCun", "Yann"),
        ("Plato", "Plato", ""),
        ("The ATLAS Collaboration", "The ATLAS Collaboration", ""),
        ("DeepSeek-AI Team", "DeepSeek-AI Team", ""),
    ],
)
def test_names_are_split_as_bibtex_would(name: str, family: str, given: str) -> None:
    assert split_name(name) == Author(family, given)


@pytest.mark.parametrize("name", ["", "  ", " \x1b\x07 ", "\u200b\u200d"])
def test_a_blank_name_is_nobody(name: str) -> None:
    assert split_name(name) is None


def test_jats_abstracts_become_plain_text() -> None:
    jats = (
        "<jats:title>Abstract</jats:title><jats:sec><jats:title>Background</jats:title>"
        "<jats:p>CO<jats:sub>2</jats:sub> &amp; H<sub>2</sub>O.</jats:p></jats:sec>"
        "<jats:p>Second\n  paragraph &lt;here&gt;.</jats:p>"
    )
    assert strip_markup(jats) == "CO2 & H2O. Second paragraph <here>."


def test_every_csl_type_maps_to_a_type_the_record_accepts() -> None:
    for entry_type in set(ENTRY_TYPES.values()):
        assert parse_field("entry_type", entry_type) == entry_type


def test_a_csl_record_without_issued_uses_the_print_date() -> None:
    record = {
        "title": "A Title",
        "published-print": {"date-parts": [[2019, 13]]},
        "type": "book-chapter",
        "URL": "javascript:alert(1)",
        "container-title": ["Book of Things", "ignored"],
        "author": [{"family": "Doe", "given": "Jane"}, {"name": "Some Lab"}, "nobody"],
    }
    paper = csl_record(record, "10.1234/abc").paper
    assert (paper.year, paper.month) == (2019, None)
    assert paper.entry_type == "incollection" and paper.venue == "Book of Things"
    assert paper.url == "https://doi.org/10.1234/abc" and paper.doi == "10.1234/abc"
    assert paper.authors == (Author("Doe", "Jane"), Author("Some Lab"))
    assert paper.source == "doi.org"


def result(**fields) -> SimpleNamespace:
    base = {
        "entry_id": "https://arxiv.org/abs/2106.09685v2",
        "title": "LoRA:\n  Low-Rank\tAdaptation",
        "summary": "  One\n two.  ",
        "authors": [SimpleNamespace(name="Edward J. Hu")],
        "published": datetime(2021, 6, 17, tzinfo=UTC),
        "journal_ref": None,
        "doi": "10.1000/ONE 10.1000/two",
        "primary_category": "cs.CL",
        "categories": ["cs.AI", "cs.CL"],
    }
    return SimpleNamespace(**{**base, **fields})


def test_an_arxiv_result_as_a_record() -> None:
    paper = result_paper(result())
    assert paper is not None
    assert paper.title == "LoRA: Low-Rank Adaptation" and paper.abstract == "One two."
    assert paper.arxiv == "2106.09685" and paper.url == "https://arxiv.org/abs/2106.09685"
    assert paper.doi == "10.1000/one" and paper.categories == ("cs.CL", "cs.AI")
    assert (paper.year, paper.month, paper.entry_type) == (2021, 6, "misc")
    assert result_paper(result(entry_id="http://arxiv.org/api/errors#x")) is None
    assert result_paper(result(title="  ")) is None


def test_settings_default_to_the_real_services() -> None:
    settings = Settings.from_env({})
    assert settings.arxiv_api == "https://export.arxiv.org/api/query"
    assert settings.doi_resolver == "https://doi.org" and settings.arxiv_delay == 3.0
    custom = Settings.from_env({"READER_DOI_RESOLVER": "http://127.0.0.1:8/doi/"})
    assert custom.doi_resolver == "http://127.0.0.1:8/doi"


WEB_MODULES = ("requests", "urllib3", "arxiv", "lxml")


def test_no_other_command_imports_the_web_libraries(tmp_path: Path) -> None:
    Library(tmp_path / "lib.db").close()
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reader", "--db", str(tmp_path / "lib.db"),
         "papers"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "reader" in imported
    assert not imported & set(WEB_MODULES)


def test_the_web_front_door_imports_nothing_heavy() -> None:
    code = (
        "import sys, reader.web, reader.web.add, reader.web.enrich, reader.web.reports\n"
        f"print(sorted(m for m in {WEB_MODULES!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
CSL_KEYS = ["title", "author", "issued", "published-print", "container-title", "type", "URL",
            "DOI", "abstract", "link", "publisher"]  # fmt: skip


@given(st.dictionaries(st.sampled_from(CSL_KEYS), JSON, max_size=8) | JSON)
def test_any_json_is_a_record_or_a_one_line_refusal(value) -> None:
    try:
        record = csl_record(value, "10.1234/abc")
    except WebError as error:
        assert "\n" not in str(error)
        return
    assert record.paper.title and record.paper.doi
