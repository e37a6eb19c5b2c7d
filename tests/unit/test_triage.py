"""New arrivals and triage in the store: batches, is:new / is:kept / is:skipped, keep and
skip with their undo, and acting on a paper taking it out of New."""

from __future__ import annotations

from pathlib import Path

from reader.importers.listing import parse_listing
from reader.store import Library


def listing(titles: list[str], name: str) -> object:
    body = "".join(f"{title}\n\nAbout {title.lower()}.\n\n" for title in titles)
    return parse_listing(f"new\n\nMar 11\n\n{body}", name)


def test_imports_are_batches_and_their_papers_are_new(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as lib:
        lib.import_listings([listing(["Alpha Paper", "Beta Paper"], "one.txt")])
        lib.import_listings([listing(["Beta Paper", "Gamma Paper"], "two.txt")])
        batches = lib.batches()
        assert [(b.source, b.papers, b.new) for b in batches] == [
            ("two.txt", 1, 1),
            ("one.txt", 2, 2),
        ]
        assert lib.search("is:new").ids == [1, 2, 3]
        assert lib.triage_counts() == {"new": 3, "kept": 0, "skipped": 0}


def test_keep_skip_and_their_undo(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as lib:
        lib.import_listings([listing(["Alpha Paper", "Beta Paper", "Gamma Paper"], "a.txt")])
        lib.keep(1, "To read")
        lib.skip(2)
        assert lib.search("is:new").ids == [3]
        assert lib.search("is:kept").ids == [1]
        assert lib.reading_list("To read")[1] == [1]
        # Skipped papers leave the default views but stay findable.
        assert lib.search("").ids == [1, 3]
        assert lib.search("beta").ids == []
        assert lib.search("is:skipped beta").ids == [2]
        assert lib.search("", list_name="To read").ids == [1]
        lib.undo()
        assert lib.search("is:new").ids == [2, 3] and lib.search("beta").ids == [2]
        lib.undo()
        assert lib.search("is:new").ids == [1, 2, 3]
        assert lib.reading_list("To read")[1] == []


def test_acting_on_a_new_paper_takes_it_out_of_new(tmp_path: Path) -> None:
    with Library(tmp_path / "lib.db") as lib:
        lib.import_listings([listing(["A1 Paper", "A2 Paper", "A3 Paper", "A4 Paper"], "a.txt")])
        lib.rate(1, 4)
        lib.tag(2, ["x"])
        lib.add_note(3, "hm")
        assert lib.search("is:new").ids == [4]
        assert lib.paper(1).rating == 4
        changed = lib.db.execute("SELECT count(*) FROM papers WHERE changed IS NOT NULL")
        assert changed.fetchone()[0] == 3
