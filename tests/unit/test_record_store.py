"""The bibliographic record in the store: the v1 migration, identity by arXiv id / DOI / title,
enrichment that never overwrites an edit, edit / remove / merge and their undo, attached files,
duplicates, REF forms and the query terms of the record."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
from pathlib import Path

import pytest

from reader.editing import parse_changes
from reader.incoming import ParsedListing, ParsedPaper
from reader.models import Author, ReaderError
from reader.store import Library
from reader.store.schema import LATEST_VERSION

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def record(title: str, **fields) -> ParsedPaper:  # type: ignore[no-untyped-def]
    fields.setdefault("abstract", f"About {title}.")
    return ParsedPaper(title=title, listed=None, source="refs.bib", **fields)


def add(library: Library, *papers: ParsedPaper) -> None:
    library.import_listings([ParsedListing("refs.bib", None, tuple(papers))])


VASWANI = record(
    "Attention Is All You Need",
    authors=(Author("Vaswani", "Ashish"), Author("Shazeer", "Noam")),
    year=2017,
    venue="Advances in Neural Information Processing Systems",
    entry_type="inproceedings",
    citekey="vaswani2017attention",
    arxiv="1706.03762",
)


@pytest.fixture
def lib(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Library(tmp_path / "lib.db") as library:
        add(library, VASWANI, record("Deep Learning", doi="10.1038/nature14539", year=2015))
        yield library


# -- migration ---------------------------------------------------------------------------------


def test_a_v1_library_migrates_keeping_everything(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    path.write_bytes(gzip.decompress((FIXTURES / "library-v1.db.gz").read_bytes()))
    before = sqlite3.connect(path)
    old = {
        table: before.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("sources", "links", "tags", "paper_tags", "annotations", "lists")
    }
    old["list_items"] = before.execute(
        "SELECT list_id, paper_id, position, added FROM list_items ORDER BY list_id, position"
    ).fetchall()
    old["papers"] = before.execute(
        "SELECT id, key, title, abstract, listed, added, rating, status, read_at FROM papers"
    ).fetchall()
    old["undo_log"] = before.execute("SELECT * FROM undo_log").fetchall()
    before.close()
    with Library(path) as library:
        assert library.schema_version == LATEST_VERSION
        for table, rows in old.items():
            columns = "list_id, paper_id, position, added" if table == "list_items" else "*"
            if table == "papers":
                columns = "id, key, title, abstract, listed, added, rating, status, read_at"
            order = "list_id, position" if table == "list_items" else "1, 2"
            now = library.db.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").fetchall()
            if table == "papers":
                now = library.db.execute(f"SELECT {columns} FROM papers").fetchall()
            assert now == rows, table
        paper = library.paper(1)
        assert paper.authors == () and paper.year is None and paper.entry_type == "misc"
        assert library.search("registers").ids == [5]  # the rebuilt title index works
    assert (tmp_path / "library.db.v1.bak").is_file()


# -- identity and enrichment -------------------------------------------------------------------


def test_the_same_work_is_one_paper_by_arxiv_id_doi_or_title(lib: Library) -> None:
    add(
        lib,
        record("A Different Spelling of the Title", arxiv="1706.03762", year=2018),
        record("Deep learning (reprint)", doi="10.1038/NATURE14539".lower()),
        record("attention is all you need!", publisher="Curran"),
    )
    assert lib.count() == 2
    paper = lib.paper("1706.03762")
    assert paper.year == 2017  # filled before: not overwritten
    assert paper.publisher == "Curran"  # empty: filled


def test_a_listing_paper_is_enriched_by_a_bibtex_record(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as library:
        listed = ParsedPaper("Attention Is All You Need", "An abstract.", "Mar 11", "mar-11.txt")
        library.import_listings([ParsedListing("mar-11.txt", "Mar 11", (listed,))])
        add(library, VASWANI)
        paper = library.paper(1)
        assert library.count() == 1
        assert [author.display for author in paper.authors] == ["Ashish Vaswani", "Noam Shazeer"]
        assert paper.arxiv == "1706.03762" and paper.citekey == "vaswani2017attention"
        assert {source.file for source in paper.sources} == {"mar-11.txt", "refs.bib"}


def test_enrichment_never_overwrites_what_a_person_edited(lib: Library) -> None:
    lib.edit(2, parse_changes({"venue": "Nature (my spelling)", "year": ""}))
    add(lib, record("Deep Learning", doi="10.1038/nature14539", venue="Nature", year=2015))
    paper = lib.paper(2)
    assert paper.venue == "Nature (my spelling)"
    assert paper.year is None  # cleared by hand: stays cleared


def test_a_clashing_citation_key_gets_a_suffix_and_a_warning(lib: Library) -> None:
    other = record("Something Else Entirely", citekey="vaswani2017attention")
    summary = lib.import_listings([ParsedListing("refs.bib", None, (other,))])
    assert lib.paper(3).citekey == "vaswani2017attention-2"
    assert any("vaswani2017attention-2" in warning for warning in summary.warnings)


def test_refs_by_citekey_arxiv_forms_and_doi(lib: Library) -> None:
    for ref in (
        "vaswani2017attention",
        "VASWANI2017ATTENTION",
        "1706.03762",
        "arXiv:1706.03762v5",
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/pdf/1706.03762v2.pdf",
    ):
        assert lib.resolve(ref) == 1, ref
    for ref in (
        "10.1038/nature14539",
        "doi:10.1038/NATURE14539",
        "https://doi.org/10.1038/nature14539",
    ):
        assert lib.resolve(ref) == 2, ref


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("author:vaswani", [1]),
        ('author:"noam shazeer"', [1]),
        ("shazeer", [1]),  # free words cover authors
        ("year:2017", [1]),
        ("year:>=2016", [1]),
        ("year:<2016", [2]),
        ("venue:neural", [1]),
        ("has:arxiv", [1]),
        ("has:doi", [2]),
        ("-has:doi", [1]),
        ("has:pdf", []),
    ],
)
def test_the_record_in_queries(lib: Library, query: str, expected: list[int]) -> None:
    assert lib.search(query).ids == expected


# -- edit, remove, merge -------------------------------------------------------------------------


def test_edit_changes_the_record_and_its_index_and_undoes(lib: Library) -> None:
    lib.edit(1, parse_changes({"title": "Attention Is Really All", "authors": "Ada Lovelace"}))
    assert lib.search("really").ids == [1]
    assert lib.search("author:lovelace").ids == [1]
    assert lib.search("author:vaswani").ids == []
    lib.undo()
    paper = lib.paper(1)
    assert paper.title == "Attention Is All You Need"
    assert lib.search("really").ids == [] and lib.search("author:vaswani").ids == [1]


def test_edit_refuses_an_identifier_another_paper_holds(lib: Library) -> None:
    with pytest.raises(ReaderError, match="belongs to paper 1"):
        lib.edit(2, parse_changes({"arxiv": "1706.03762"}))
    with pytest.raises(ReaderError, match="not a DOI"):
        parse_changes({"doi": "nonsense"})


def test_remove_takes_everything_with_it_and_undo_brings_it_back(lib: Library) -> None:
    lib.tag(1, ["nlp"])
    lib.add_note(1, "a note")
    lib.create_list("L")
    lib.add_to_list("L", [2, 1])
    assert lib.remove([1]) == 1
    assert lib.count() == 1 and lib.search("attention").ids == []
    assert lib.reading_list("L")[1] == [2]
    lib.undo()
    paper = lib.paper(1)
    assert paper.tags == ("nlp",) and [n.body for n in paper.annotations] == ["a note"]
    assert lib.reading_list("L")[1] == [2, 1]
    assert lib.search("attention").ids == [1]
    assert lib.search("author:shazeer").ids == [1]


def test_merge_unites_two_papers_and_undo_separates_them(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as lib:
        add(lib, VASWANI, record("Attention is all you need (NeurIPS version)", year=2017))
        lib.tag(1, ["classic"])
        lib.tag(2, ["transformers"])
        lib.rate(2, 5)
        lib.set_status(2, "read")
        lib.add_note(2, "their note")
        lib.create_list("L")
        lib.add_to_list("L", [1])
        lib.add_to_list("L", [2], at=1)
        lib.merge(1, [2])
        paper = lib.paper(1)
        assert lib.count() == 1
        assert paper.tags == ("classic", "transformers")
        assert paper.rating == 5 and paper.status == "read"
        assert [note.body for note in paper.annotations] == ["their note"]
        assert lib.reading_list("L")[1] == [1]
        lib.undo()
        assert lib.count() == 2
        assert lib.paper(2).tags == ("transformers",) and lib.paper(1).rating is None
        assert lib.reading_list("L")[1] == [2, 1]
        assert lib.search("neurips").ids == [2]


def test_merge_undone_can_be_redone_with_the_note_it_moved(tmp_path: Path) -> None:
    """Redo moves the note back to the paper kept before the merged-away paper goes: every
    note is deleted with its paper, so the other order would lose it (it used to refuse)."""
    with Library(tmp_path / "lib.db") as lib:
        add(lib, VASWANI, record("Attention is all you need (NeurIPS version)", year=2017))
        lib.add_note(2, "their note")
        lib.tag(2, ["transformers"])
        lib.merge(1, [2])
        for _ in range(2):
            lib.undo()
            assert [n.body for n in lib.paper(2).annotations] == ["their note"]
            assert lib.paper(1).annotations == ()
            lib.redo()
            assert lib.count() == 1
            paper = lib.paper(1)
            assert [n.body for n in paper.annotations] == ["their note"]
            assert paper.tags == ("transformers",)
        assert lib.search("their").ids == [1]


def test_redo_of_a_merge_refuses_when_the_paper_got_a_note_since(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note on the merged-away paper that the merge did not move (one written after the
    undo) is not the redo's to take: it refuses, and every note stays where it is. (The clock
    stands still: a note also stamps its paper as changed, which a second later is refused
    earlier, as "the paper changed since".)"""
    import reader.store.clock

    monkeypatch.setattr(reader.store.clock, "now", lambda: "2024-05-01T09:00:00Z")
    with Library(tmp_path / "lib.db") as lib:
        add(lib, VASWANI, record("Attention is all you need (NeurIPS version)", year=2017))
        lib.add_note(2, "their note")
        lib.merge(1, [2])
        lib.undo()
        redo = lib.db.execute("SELECT created, description, changes FROM redo_log").fetchone()
        lib.add_note(2, "written after the undo")  # a new change ends what could be redone:
        lib.db.execute(  # the step put back, as a writer that keeps no log would leave it
            "INSERT INTO redo_log (created, description, changes) VALUES (?, ?, ?)", redo
        )
        with pytest.raises(ReaderError, match="in use since"):
            lib.redo()
        assert lib.count() == 2
        notes = sorted(n.body for n in lib.paper(2).annotations)
        assert notes == ["their note", "written after the undo"]
        assert lib.paper(1).annotations == ()


def test_duplicates_need_a_close_title_and_the_same_author_or_year(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as lib:
        add(
            lib,
            VASWANI,
            record("Attention is all you neeed", year=2017),  # a typo, the same year
            record("Atention Is All You Need", authors=(Author("Vaswani", "A."),)),
            record("Attention Is All You Need Too", year=2019),  # neither
            record("Denoising Diffusion Probabilistic Models", year=2020),
        )
        groups = lib.duplicates()
    assert groups == [[1, 2, 3]]


# -- files ---------------------------------------------------------------------------------------


def test_attach_copies_by_citekey_once_per_content(lib: Library, tmp_path: Path) -> None:
    pdf = tmp_path / "download.pdf"
    pdf.write_bytes(b"%PDF-1.4 the paper")
    item = lib.attach(1, pdf)
    assert item.path == "files/vaswani2017attention.pdf"
    assert item.sha256 == hashlib.sha256(b"%PDF-1.4 the paper").hexdigest()
    assert lib.file_path(item).read_bytes() == b"%PDF-1.4 the paper"
    again = lib.attach(2, pdf)  # the same bytes: one copy
    assert again.path == item.path
    assert len(list((tmp_path / "files").iterdir())) == 1
    linked = lib.attach(2, pdf, link=True)
    assert linked.path == str(pdf.resolve())
    assert [f.path for f in lib.paper(2).files] == [item.path, linked.path]
    assert lib.search("has:pdf").ids == [1, 2]
    with pytest.raises(ReaderError, match="not a regular file"):
        lib.attach(1, tmp_path)


def test_attach_can_move_a_download_into_place(lib: Library, tmp_path: Path) -> None:
    download = tmp_path / ".download.pdf"
    download.write_bytes(b"%PDF-1.4 moved")
    item = lib.attach(1, download, move=True)
    assert not download.exists()
    assert lib.file_path(item).read_bytes() == b"%PDF-1.4 moved"
    again = tmp_path / ".again.pdf"
    again.write_bytes(b"%PDF-1.4 moved")
    assert lib.attach(2, again, move=True).path == item.path and not again.exists()


def test_one_import_naming_one_doi_under_two_titles_is_one_paper(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as lib:
        add(
            lib,
            record("A Title"),
            record("A title", doi="10.1234/abcd"),  # the same title: merged into the first
            record("Another Title", doi="10.1234/abcd"),  # the same DOI: the same work
        )
        assert lib.count() == 1
        assert lib.paper(1).doi == "10.1234/abcd"
