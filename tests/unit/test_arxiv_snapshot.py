"""The arXiv metadata snapshot: detection from content, every field of a line, reading in
parts (never the whole file), --category, bad and overlong lines, and memory that stays flat
however long the file is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import main
from reader.importers import ParseOptions, import_files, load_files, parse_part
from reader.importers import arxiv_snapshot as snapshot
from reader.importers.arxiv_snapshot import looks_like_snapshot
from reader.importers.pipeline import parts
from reader.incoming import ParsedPaper
from reader.models import Author, ReaderError
from reader.store import Library

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "arxiv-snapshot-sample.jsonl"


def papers_of(path: Path, **options: object) -> list[ParsedPaper]:
    chosen = ParseOptions(**options)  # type: ignore[arg-type]
    found = []
    for part in parts(path, chosen, parse_part):
        assert part.listing is not None
        found.extend(part.listing.papers)
    return found


def by_id() -> dict[str, ParsedPaper]:
    return {paper.arxiv or "": paper for paper in papers_of(SAMPLE)}


def line(**fields: object) -> str:
    record: dict[str, object] = {
        "id": "2101.00001",
        "authors": "A. Person",
        "authors_parsed": [["Person", "A.", ""]],
        "title": "A title",
        "abstract": "An abstract.",
        "categories": "cs.LG",
        "versions": [{"version": "v1", "created": "Fri, 1 Jan 2021 10:00:00 GMT"}],
        "update_date": "2021-01-02",
    }
    record.update(fields)
    return json.dumps(record) + "\n"


# -- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (line(), True),
        ("\n\n  \n" + line(), True),
        ("\ufeff" + line(), True),
        ('{"id": "1", "abstract": "x"}\n', False),  # no authors_parsed
        ('{"format": "reader-backup", "version": 2, "papers": []}\n', False),
        ("[" + line() + "]", False),
        ("new\nMar 11\nA title\nAn abstract\n", False),
        ("@misc{k, title = {T}}\n", False),
        ("", False),
    ],
)
def test_detected_from_the_first_line(tmp_path: Path, content: str, expected: bool) -> None:
    path = tmp_path / "file.json"
    path.write_text(content, encoding="utf-8")
    assert looks_like_snapshot(path) is expected


def test_detection_reads_only_the_start(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        stream.write(line())
        stream.write("x" * (4 * 1024 * 1024))  # garbage far away is not looked at
    assert looks_like_snapshot(path)


# -- fields ------------------------------------------------------------------------------------


def test_the_sample_reads_whole() -> None:
    papers = papers_of(SAMPLE)
    assert len(papers) == 20
    assert all(paper.source == SAMPLE.name and paper.listed is None for paper in papers)


@pytest.mark.parametrize(
    ("arxiv", "field", "value"),
    [
        ("0704.0001", "title", "Calculation of prompt diphoton production cross sections at "
         "Tevatron and LHC energies"),
        ("0704.0001", "authors", (Author("Balázs", "C."), Author("Berger", "E. L."),
         Author("Nadolsky", "P. M."), Author("Yuan", "C. -P."))),
        ("0704.0001", "year", 2007),
        ("0704.0001", "month", 4),
        ("0704.0001", "venue", "Phys.Rev.D76:013009,2007"),
        ("0704.0001", "entry_type", "article"),
        ("0704.0001", "doi", "10.1103/physrevd.76.013009"),
        ("0704.0001", "categories", ("hep-ph",)),
        ("hep-th/9901001", "abstract", "We show that the large $N$ limit of certain conformal "
         "field theories in various dimensions include in their Hilbert space a sector "
         "describing supergravity on the product of Anti-deSitter spacetimes."),
        ("math/0309136", "entry_type", "misc"),
        ("math/0309136", "doi", None),
        ("math/0309136", "venue", ""),
        ("1706.03762", "categories", ("cs.CL", "cs.LG")),
        ("1706.03762", "year", 2017),
        ("1803.00567", "authors", (Author("Peyré", "Gabriel"), Author("Cuturi", "Marco"))),
        ("1502.01852", "authors", (Author("Schölkopf", "Bernhard"), Author("Janzing", "Dominik"))),
        ("0903.0001", "title", "Sharp bounds for $L^p$ norms of $\\sum_{k=1}^n a_k$ when "
         "$p\\to\\infty$"),
        ("0903.0001", "abstract", "We prove that $\\|f\\|_{L^p} \\leq C p^{1/2}$ for all "
         "$p\\geq 2$, improving the constant of Zygmund's inequality."),
        ("0903.0001", "authors", (Author("García", "José"), Author("Müller-Lopez", "Ana"),
         Author("Smith Jr", "John"))),
        ("astro-ph/9805201", "doi", "10.1086/300499"),  # the first of several
        ("1908.10084", "year", 2019),  # no versions: the update date
        ("1908.10084", "month", 8),
        ("q-bio/0412013", "entry_type", "article"),
    ],
)  # fmt: skip
def test_fields(arxiv: str, field: str, value: object) -> None:
    assert getattr(by_id()[arxiv], field) == value


def test_code_links_in_abstracts_become_links() -> None:
    assert [link.url for link in by_id()["2106.09685"].links] == [
        "https://github.com/microsoft/LoRA"
    ]


# -- parts -------------------------------------------------------------------------------------


def test_a_snapshot_comes_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "PART_PAPERS", 7)
    found = list(parts(SAMPLE, ParseOptions(), parse_part))
    assert [len(part.listing.papers) for part in found if part.listing] == [7, 7, 6]
    assert [part.last for part in found] == [False, False, True]
    assert found[0].resume.line == 7 and found[1].resume.line == 14
    assert [paper.arxiv for part in found for paper in part.listing.papers] == [
        paper.arxiv for paper in papers_of(SAMPLE)
    ]


def test_importing_parts_counts_one_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(snapshot, "PART_PAPERS", 6)
    seen: list[Path] = []
    with Library(tmp_path / "lib.db") as library:
        summary = import_files(library, [SAMPLE], on_file=seen.append)
        paper = library.paper("1706.03762")
    assert (summary.files, summary.parsed, summary.added) == (1, 20, 20)
    assert seen == [SAMPLE]
    assert paper.title == "Attention Is All You Need" and paper.categories == ("cs.CL", "cs.LG")
    assert paper.landing_page == "https://arxiv.org/abs/1706.03762"


def test_the_whole_file_cap_does_not_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reader.importers.MAX_FILE_BYTES", 100)
    assert len(load_files([SAMPLE]).listings[0].papers) == 20


# -- categories --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("categories", "expected"),
    [
        (("cs",), {"1706.03762", "1810.04805", "2106.09685", "1412.6980", "2001.08361",
                   "1505.04597", "1312.6114", "2006.11239", "1908.10084", "2203.02155"}),
        (("cs.LG",), {"1706.03762", "2106.09685", "1412.6980", "2001.08361", "1312.6114",
                      "2006.11239", "2203.02155"}),
        (("CS.cv",), {"1505.04597"}),
        (("hep-th", "q-bio"), {"hep-th/9901001", "q-bio/0412013"}),
        (("math",), {"math/0309136", "0903.0001"}),
        (("stat.ML", "quant-ph"), {"1803.00567", "1502.01852", "2001.08361", "1312.6114",
                                   "2006.11239", "quant-ph/9508027"}),
        (("hep",), set()),  # hep-th and hep-ph are archives of their own, not hep.*
    ],
)  # fmt: skip
def test_category_keeps_a_subset(categories: tuple[str, ...], expected: set[str]) -> None:
    assert {paper.arxiv for paper in papers_of(SAMPLE, categories=categories)} == expected


def _cli(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_category_through_the_cli(tmp_path: Path, fixtures_dir: Path) -> None:
    db = tmp_path / "lib.db"
    code, out, err = _cli(db, "import", "--category", "cs.LG", "--category", "q-bio", str(SAMPLE))
    assert code == 0, err
    assert out == "8 papers read from 1 file: 8 added, 0 already in the library\n"
    assert "kept 8 of 20 papers (categories cs.LG, q-bio)" in err
    # Other formats ignore the option, and say so.
    listing = fixtures_dir / "listing-3-apr-02.txt"
    code, out, err = _cli(db, "import", "--category", "cs", str(listing))
    assert code == 0
    assert "listing-3-apr-02.txt: --category applies to arXiv snapshots only; ignored" in err
    code, _, err = _cli(db, "import", "--category", "cs LG", str(SAMPLE))
    assert code == 1 and "is not an arXiv category" in err


# -- bad lines ---------------------------------------------------------------------------------


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "snapshot.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json\n", "not a JSON object"),
        ("[1, 2]\n", "not a JSON object"),
        (line(id="not an id"), "no arXiv id"),
        (line(id="2101.00003", title="  \n "), "2101.00003 has no title"),
        (b"\xff\xfe{}\n".decode("latin-1"), "not a JSON object"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, bad: str, reason: str) -> None:
    path = _write(tmp_path, line(), "\n", bad, line(id="2101.00002"))
    with pytest.raises(ReaderError) as caught:
        papers_of(path)
    assert str(caught.value) == (
        f"snapshot.jsonl: line 3: {reason} (pass --skip-bad to skip bad lines)"
    )
    papers = papers_of(path, skip_bad=True)
    assert [paper.arxiv for paper in papers] == ["2101.00001", "2101.00002"]


def test_skipped_lines_are_counted(tmp_path: Path) -> None:
    path = _write(tmp_path, line(), *["{bad\n"] * 15)
    with Library(tmp_path / "lib.db") as library:
        summary = import_files(library, [path], skip_bad=True)
    assert summary.added == 1
    assert summary.warnings[0] == "snapshot.jsonl: skipped line 2: not a JSON object"
    assert summary.warnings[-1] == "snapshot.jsonl: skipped 5 more bad lines"


def test_an_overlong_line_is_refused_by_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "MAX_LINE_BYTES", 2048)
    path = _write(tmp_path, line(), line(id="2101.00002", abstract="x" * 5000))
    with pytest.raises(ReaderError, match=r"^snapshot\.jsonl: line 2 is longer than"):
        papers_of(path, skip_bad=True)


def test_a_refused_snapshot_leaves_the_library_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    assert _cli(db, "import", str(SAMPLE))[0] == 0
    before = db.read_bytes()
    path = _write(tmp_path, line(), "{bad\n")
    code, _, err = _cli(db, "import", str(path))
    assert code == 1 and "line 2: not a JSON object" in err
    with Library(db) as library:
        assert library.count() == 20
    assert len(before) > 0


# -- memory ------------------------------------------------------------------------------------

_GENERATE = """
import json, sys
count, path, words = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
text = " ".join(["attention", "diffusion", "transport", "language", "model"] * (words // 5))
with open(path, "w") as out:
    for i in range(count):
        out.write(json.dumps({
            "id": f"{1501 + i // 99999:04d}.{i % 99999 + 1:05d}", "title": f"Paper\\n  {i}",
            "authors_parsed": [["Author", "A.", ""], [f"Name{i % 997}", "B.", ""]],
            "abstract": "  " + text + "\\n", "categories": "cs.LG stat.ML", "doi": None,
            "journal-ref": None, "update_date": "2020-01-01",
            "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
        }) + "\\n")
"""

_PARSE = """
import re, sys
from pathlib import Path
from reader.importers import ParseOptions, parse_part
from reader.importers.pipeline import parts

def peak():
    # This process's own peak (KiB). Not ru_maxrss: for a child process that counts what the
    # process that started it held then (a pytest worker's hundred MB and more, above all this).
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
count, peaks = 0, []
for part in parts(Path(sys.argv[1]), ParseOptions(), parse_part):
    count += len(part.listing.papers)
    peaks.append(peak())
print(count, peaks[1], peaks[-1])  # two parts are alive while the next is read
"""


def _generate(path: Path, count: int, words: int) -> None:
    subprocess.run([sys.executable, "-c", _GENERATE, str(count), str(path), str(words)], check=True)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory is read from /proc")
def test_reading_a_snapshot_takes_the_same_memory_however_long(tmp_path: Path) -> None:
    """60,000 lines parsed in a child process, six parts of PART_PAPERS: its peak RSS after the
    last part is that after the second (the first two are alive together), give or take 105
    bytes a paper read since (4 MB). A part's papers take about 4 MB, so keeping them (or
    anything near 105 bytes a paper) would show; the peak grows by a few hundred KB."""
    papers = 6 * snapshot.PART_PAPERS
    path = tmp_path / "snapshot.jsonl"
    _generate(path, papers, 20)
    size = path.stat().st_size
    result = subprocess.run(
        [sys.executable, "-c", _PARSE, str(path)], check=True, capture_output=True, text=True
    )
    count, first, last = (int(word) for word in result.stdout.split())
    assert count == papers
    grown = (last - first) * 1024
    allowed = 105 * (papers - 2 * snapshot.PART_PAPERS)
    assert grown < allowed, f"grew {grown / 2**20:.1f} MB reading {size / 2**20:.0f} MB"


def test_a_snapshot_of_several_parts_imports_through_the_cli(tmp_path: Path) -> None:
    """Big enough for the second process (8 MB) and for two parts of 20,000 papers."""
    path = tmp_path / "arxiv-metadata-oai-snapshot.json"
    _generate(path, 24_000, 40)
    assert path.stat().st_size > 8 * 1024 * 1024
    db = tmp_path / "lib.db"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(db), "import", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "24000 papers read from 1 file: 24000 added, 0 already in the library\n"


@pytest.mark.skipif(
    not os.environ.get("READER_SLOW_TESTS"), reason="about a minute: set READER_SLOW_TESTS=1"
)
def test_importing_a_large_snapshot_keeps_memory_flat(tmp_path: Path) -> None:
    """The whole import (parse and write) of 50,000 and of 200,000 papers: the peak RSS of the
    longer one is within 30% of the shorter one's, for a file four times the size."""
    peaks = []
    for count in (50_000, 200_000):
        path = tmp_path / f"snapshot-{count}.jsonl"
        _generate(path, count, 150)
        # Its own peak from /proc, not ru_maxrss: that counts what the pytest worker held when
        # it started this process, which would hide the import's own.
        code = (
            "import re, resource, sys; from reader.cli import main\n"
            "try:\n    main([*sys.argv[1:]], standalone_mode=False)\n"
            "finally:\n"
            "    status = open('/proc/self/status').read()\n"
            "    own = re.search(r'VmHWM:\\s+(\\d+)', status).group(1)\n"
            "    print(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
            " file=sys.stderr)\n"
        )
        args = ["--db", str(tmp_path / f"{count}.db"), "import", str(path)]
        result = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
        )
        own, child = (int(word) for word in result.stderr.split()[-2:])
        peaks.append(own + child)
        path.unlink()
    assert peaks[1] < peaks[0] * 1.3, peaks
