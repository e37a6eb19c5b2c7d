"""Other inputs made of the benchmark papers: a BibTeX file as a reference manager writes one,
and the arXiv metadata snapshot (one JSON object per line).

BibTeX entries carry what real ones do: authors (``Family, Given and ...``, some accents in
LaTeX), year and month, a journal or proceedings with publisher and pages, DOIs, arXiv eprints,
keywords, landing pages and code links, and LaTeX in titles (``{LoRA}``, ``\\&``) and abstracts
(``$\\mathcal{O}(n)$``, ``\\%``). Snapshot lines have the fields of arXiv's file: id, submitter,
authors, title (long ones wrapped), comments, journal-ref, doi, categories, license, abstract
(indented and wrapped at 80 columns, as arXiv stores it), versions, update_date, authors_parsed.
Abstracts of the snapshot are drawn from a pool per topic so that a million lines are written
in about a minute.
"""

from __future__ import annotations

import json
import random
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.generate import (
    DEFAULT_SEED,
    Dump,
    Paper,
    PaperFactory,
    cached,
    pooled_abstracts,
    write_labels,
)
from benchmarks.vocabulary import (
    CATEGORIES,
    DOI_PREFIXES,
    FAMILY_NAMES,
    GIVEN_NAMES,
    JOURNAL_REFS,
    JOURNALS,
    LATEX_FAMILY_NAMES,
    LATEX_SNIPPETS,
    ORGS,
    PROCEEDINGS,
    PUBLISHERS,
)
from reader.keys import paper_key

SNAPSHOT_NAME = "arxiv-metadata-oai-snapshot.json"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
PAPERS_PER_MONTH = 20_000  # arXiv ids: yymm.nnnnn, numbered within the month


def _people(rng: random.Random) -> list[tuple[str, str, str]]:
    """(family as LaTeX, family as text, given) for one paper's authors."""
    count = rng.choices(range(1, 13), weights=(8, 14, 16, 16, 13, 10, 8, 5, 4, 3, 2, 1))[0]
    people = []
    for _ in range(count):
        if rng.random() < 0.04:
            latex, plain = rng.choice(LATEX_FAMILY_NAMES)
        else:
            latex = plain = rng.choice(FAMILY_NAMES)
        people.append((latex, plain, rng.choice(GIVEN_NAMES)))
    return people


def _arxiv_id(index: int) -> tuple[str, int, int]:
    """A unique new-style arXiv id for the index-th paper, with its year and month."""
    month_index, number = divmod(index, PAPERS_PER_MONTH)
    year, month = 2020 + month_index // 12, month_index % 12 + 1
    return f"{year % 100:02d}{month:02d}.{number + 1:05d}", year, month


# -- BibTeX ------------------------------------------------------------------------------------


def _tex(text: str) -> str:
    return text.replace("\\", "\\textbackslash{}").replace("&", "\\&").replace("%", "\\%")


def bibtex_entry(paper: Paper, index: int, rng: random.Random, citekeys: set[str]) -> str:
    people = _people(rng)
    if rng.random() < 0.08:
        people = people[:3]
        authors = " and ".join(f"{family}, {given}" for family, _, given in people) + " and others"
    else:
        authors = " and ".join(f"{family}, {given}" for family, _, given in people)
    year, month = rng.randint(2012, 2024), rng.randint(1, 12)
    arxiv = f"{year % 100:02d}{month:02d}.{index:05d}"
    first_word = next((w for w in paper_key(paper.title).split("-") if len(w) > 3), "paper")
    family = unicodedata.normalize("NFKD", people[0][1]).encode("ascii", "ignore").decode()
    base = f"{''.join(c for c in family.lower() if c.isalpha())}{year}{first_word}"
    key, suffix = base, 0
    while key in citekeys:
        suffix += 1
        key = f"{base}{chr(ord('a') + suffix - 1) if suffix <= 26 else suffix}"
    citekeys.add(key)
    title = _tex(paper.title)
    if paper.name in title and rng.random() < 0.7:
        title = title.replace(paper.name, "{" + paper.name + "}", 1)  # keep its capitals
    abstract = _tex(paper.abstract)
    if rng.random() < 0.15:
        abstract += f" Our analysis gives a bound of {rng.choice(LATEX_SNIPPETS)}."
    kind = rng.choices(("inproceedings", "article", "misc"), weights=(45, 30, 25))[0]
    fields = [("author", authors), ("title", title)]
    if kind == "inproceedings":
        fields += [("booktitle", rng.choice(PROCEEDINGS)), ("pages", _pages(rng))]
        fields += [("publisher", _tex(rng.choice(PUBLISHERS)))]
    elif kind == "article":
        fields += [("journal", rng.choice(JOURNALS)), ("volume", str(rng.randint(1, 60)))]
        fields += [("number", str(rng.randint(1, 12))), ("pages", _pages(rng))]
    else:
        fields += [("howpublished", f"arXiv preprint arXiv:{arxiv}")]
    fields += [("year", str(year))]
    if rng.random() < 0.7:
        fields += [("month", MONTHS[month - 1])]
    if kind != "misc" and rng.random() < 0.6:
        fields += [("doi", f"{rng.choice(DOI_PREFIXES)}.{index:06d}")]
    if rng.random() < 0.5:
        primary = CATEGORIES[paper.topic][0]
        fields += [("eprint", arxiv), ("archivePrefix", "arXiv"), ("primaryClass", primary)]
    roll = rng.random()
    if roll < 0.10:
        fields += [("url", f"https://github.com/{rng.choice(ORGS)}/{paper.name}")]
    elif roll < 0.25:
        fields += [("url", f"https://openreview.net/forum?id={index:08x}")]
    if rng.random() < 0.6:
        words = [paper.topic, *rng.sample(("to-read", "survey", "baseline", "ideas"), 1)]
        fields += [("keywords", ", ".join(words))]
    if rng.random() < 0.85:
        fields += [("abstract", abstract)]
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@{kind}{{{key},\n{body}\n}}\n"


def _pages(rng: random.Random) -> str:
    start = rng.randint(1, 9000)
    return f"{start}--{start + rng.randint(6, 24)}"


def bibtex(count: int, cache: Path, *, seed: int = DEFAULT_SEED) -> Dump:
    """``count`` papers in one .bib file, with their labels."""

    def make(folder: Path) -> tuple[str, int, int, int]:
        rng = random.Random(f"{seed}-bibtex-{count}")
        factory = PaperFactory(rng)
        papers = [factory.paper() for _ in range(count)]
        citekeys: set[str] = set()
        header = "% Exported from a reference manager for the reader benchmarks\n\n"
        text = header + "\n".join(
            bibtex_entry(paper, index, rng, citekeys) for index, paper in enumerate(papers)
        )
        data = text.encode("utf-8")
        (folder / "library.bib").write_bytes(data)
        write_labels(folder, papers)
        return "library.bib", count, 1, len(data)

    return cached(f"bibtex-{count}-seed{seed}", cache, make)


# -- the arXiv snapshot ------------------------------------------------------------------------


def _wrap(text: str, width: int = 80) -> str:
    """Text broken into lines of at most ``width`` characters, as arXiv's abstracts are."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def snapshot_line(
    paper: Paper, abstract: str, index: int, rng: random.Random, started: datetime
) -> str:
    people = _people(rng)
    arxiv, year, month = _arxiv_id(index)
    created = started.replace(year=year, month=month) + timedelta(
        days=rng.randrange(28), seconds=rng.randrange(86_400)
    )
    versions = [{"version": "v1", "created": created.strftime("%a, %-d %b %Y %H:%M:%S GMT")}]
    updated = created
    for number in range(2, rng.choices((1, 2, 3), weights=(60, 30, 10))[0] + 1):
        updated += timedelta(days=rng.randrange(5, 200))
        stamp = updated.strftime("%a, %-d %b %Y %H:%M:%S GMT")
        versions.append({"version": f"v{number}", "created": stamp})
    categories = CATEGORIES[paper.topic]
    chosen = [categories[0], *rng.sample(categories[1:], rng.randrange(3))]
    journal = None
    if rng.random() < 0.25:
        volume, page = rng.randint(1, 120), rng.randint(1, 9999)
        journal = f"{rng.choice(JOURNAL_REFS)} {volume} ({year}) {page}"
    doi = f"{rng.choice(DOI_PREFIXES)}.{index:07d}" if rng.random() < 0.35 else None
    title = paper.title if len(paper.title) <= 72 else _wrap(paper.title, 72).replace("\n", "\n  ")
    names = [f"{given} {family}" for family, _, given in people]
    authors = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    record = {
        "id": arxiv,
        "submitter": f"{people[0][2]} {people[0][1]}",
        "authors": authors,
        "title": title,
        "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures"
        if rng.random() < 0.6
        else None,
        "journal-ref": journal,
        "doi": doi,
        "report-no": None,
        "categories": " ".join(chosen),
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
        if rng.random() < 0.5
        else None,
        "abstract": abstract,
        "versions": versions,
        "update_date": updated.strftime("%Y-%m-%d"),
        "authors_parsed": [[family, given, ""] for family, _, given in people],
    }
    return json.dumps(record) + "\n"


def snapshot(count: int, cache: Path, *, seed: int = DEFAULT_SEED) -> Dump:
    """``count`` papers as lines of the arXiv metadata snapshot (about 1.7 KB a line)."""

    def make(folder: Path) -> tuple[str, int, int, int]:
        rng = random.Random(f"{seed}-snapshot-{count}")
        factory = PaperFactory(rng)
        pool = {
            topic: ["  " + _wrap(text) + "\n" for text in texts]
            for topic, texts in pooled_abstracts(
                factory, min(400, max(20, count // 50)), 1000
            ).items()
        }
        for texts in pool.values():  # arXiv keeps maths as typed
            for position in range(0, len(texts), 7):
                texts[position] = texts[position].replace(
                    ". ", f" in {rng.choice(LATEX_SNIPPETS)}. ", 1
                )
        started = datetime(2020, 1, 1, 0, 0, 0)
        total = 0
        with open(folder / SNAPSHOT_NAME, "w", encoding="utf-8") as out:
            for index in range(count):
                topic = factory.topic()
                name = factory.name()
                paper = Paper(topic.name, name, factory.title(topic, name), "")
                line = snapshot_line(paper, rng.choice(pool[topic.name]), index, rng, started)
                total += out.write(line)
        return SNAPSHOT_NAME, count, 1, (folder / SNAPSHOT_NAME).stat().st_size

    return cached(f"snapshot-{count}-seed{seed}", cache, make)
