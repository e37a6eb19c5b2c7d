"""Deterministic synthetic papers for the benchmarks, and the listing dumps made of them.

The papers are built from a seeded random generator, so the same size and seed always give the
same files. Each paper has a main topic, drawn with Zipf-like weights, that supplies most of its
words: queries like ``diffusion model`` then hit a realistic share of the library (a few per cent)
instead of nothing or everything. Made-up method names and acronyms ("FlexDiff-2", "QTRiM") give
the titles a vocabulary of tens of thousands of words, as real titles have, which matters for the
typo correction that searches the title vocabulary. Each paper's topic is recorded beside the
dump (``labels.tsv``: paper key, topic), for the labelled benchmark of related papers.

Titles are 60-120 characters, abstracts about 1,200; about one abstract in ten gives a GitHub URL.
The benchmark corpus splits papers into files of 1,000, each with its own date line, in the
layout with a blank line between every line. Other inputs (one big listing, BibTeX, the arXiv
snapshot) are written by ``benchmarks.formats``; every input is cached by ``cached``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.vocabulary import (
    ADJECTIVES,
    FILLER_OPENERS,
    FILLER_SENTENCES,
    INTRO_VERBS,
    NAME_HEADS,
    NAME_SUFFIXES,
    NAME_TAILS,
    ORGS,
    SMALL_WORDS,
    TOPICS,
    VERBS,
    Topic,
)
from reader.keys import paper_key

GENERATOR_VERSION = 2
PAPERS_PER_FILE = 1_000
DEFAULT_SEED = 20240311
HEADER = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)
MANIFEST = "manifest.json"
LABELS = "labels.tsv"  # inside a dump's folder: imports of a folder read only .txt/.bib/.json


@dataclass(frozen=True)
class Paper:
    topic: str
    name: str  # the method's made-up name, which titles and abstracts mention
    title: str
    abstract: str


def _title_case(text: str) -> str:
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        if index and word.lower() in SMALL_WORDS:
            out.append(word.lower())
        elif word[:1].islower():
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
        else:
            out.append(word)
    return " ".join(out)


class PaperFactory:
    """Makes one paper at a time from a seeded generator; titles are unique by paper key."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.weights = [topic.weight for topic in TOPICS]
        self.keys: set[str] = set() if taken is None else taken

    def name(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return rng.choice(NAME_HEADS) + rng.choice(NAME_TAILS) + rng.choice(NAME_SUFFIXES)
        letters = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVW") for _ in range(rng.randint(3, 6)))
        if rng.random() < 0.4:  # mixed case, as in QLoRA or ViTDet
            index = rng.randrange(1, len(letters))
            letters = letters[:index] + letters[index].lower() + letters[index + 1 :]
        return letters

    def topic(self) -> Topic:
        return self.rng.choices(TOPICS, weights=self.weights)[0]

    def title(self, topic: Topic, name: str) -> str:
        rng = self.rng
        for _ in range(50):
            method = rng.choice(topic.methods)
            task = rng.choice(topic.tasks)
            thing = rng.choice(topic.things)
            adj = rng.choice(ADJECTIVES)
            other = self.topic()
            pattern = rng.randrange(10)
            if pattern == 0:
                text = f"{name}: {adj} {method} for {task}"
            elif pattern == 1:
                text = f"{adj} {task} with {method} and {rng.choice(other.methods)}"
            elif pattern == 2:
                text = f"Towards {adj} {task} via {method}"
            elif pattern == 3:
                text = f"On the {rng.choice(('Limits', 'Robustness', 'Role', 'Scaling'))} of "
                text += f"{method} for {task}"
            elif pattern == 4:
                text = f"{name}: Learning {thing} with {method}"
            elif pattern == 5:
                text = f"{method} Are {adj} Learners of {thing}"
            elif pattern == 6:
                text = f"When {method} Meet {rng.choice(other.methods)}: {adj} {task}"
            elif pattern == 7:
                text = f"{name}: Scaling {method} to {rng.randint(2, 900)}B {thing}"
            elif pattern == 8:
                text = f"{adj} {method} Improves {task} on {rng.choice(topic.datasets)}"
            else:
                text = f"{name}: {adj} and {rng.choice(ADJECTIVES)} {task} from {thing}"
            text = _title_case(text)
            while len(text) < 60:
                text += rng.choice(
                    (
                        f" with {_title_case(rng.choice(topic.things))}",
                        f" in {_title_case(rng.choice(other.tasks))}",
                        f" at Scale ({name})",
                    )
                )
            if len(text) > 120:
                continue
            key = paper_key(text)
            if key not in self.keys:
                self.keys.add(key)
                return text
            # A clash: the same words again; a distinguishing name almost always fixes it.
            name = self.name()
        raise RuntimeError("could not make a unique title")

    def abstract(self, topic: Topic, name: str, mean: int = 1200) -> str:
        """About ``mean`` characters (700-1,800 at the default), sentences of the topic."""
        rng = self.rng
        target = max(mean - 500, min(mean + 600, int(rng.gauss(mean, 160))))

        def fill(template: str) -> str:
            method, method2 = rng.sample(topic.methods, 2)
            things, things2 = rng.sample(topic.things, 2)
            dataset, dataset2 = rng.sample(topic.datasets, 2)
            task = rng.choice(topic.tasks)
            return template.format(
                intro=rng.choice(INTRO_VERBS),
                name=name,
                adj=rng.choice(ADJECTIVES).lower(),
                method=method,
                method2=method2,
                things=things,
                things2=things2,
                task=task,
                Task=task[:1].upper() + task[1:],
                dataset=dataset,
                dataset2=dataset2,
                verb=rng.choice(VERBS),
                metric=rng.choice(topic.metrics),
                number=f"{rng.uniform(0.5, 12):.1f}",
                percent=f"{rng.uniform(40, 95):.1f}",
                factor=f"{rng.choice((1.5, 2, 3, 4, 5, 8, 10))}x",
                small=f"{rng.choice((7, 60, 125, 350))}M",
                large=f"{rng.choice((1, 3, 7, 13, 70))}B",
                count=f"{rng.randrange(1, 60) * 500:,}",
            )

        sentences = [fill(rng.choice(FILLER_OPENERS))]
        if rng.random() < 0.7:  # most abstracts name their method early on
            sentences.append(fill(FILLER_SENTENCES[0]))
        length = sum(len(s) + 1 for s in sentences)
        pool = list(FILLER_SENTENCES[1:])
        while length < target - 60:
            sentence = fill(rng.choice(pool))
            sentences.append(sentence)
            length += len(sentence) + 1
        if rng.random() < 0.10:
            repo = re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-") or "code"
            sentences.append(f"Code: https://github.com/{rng.choice(ORGS)}/{repo}.")
        elif rng.random() < 0.03:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "project"
            sentences.append(f"Project page: https://{slug}.example.org/.")
        return " ".join(sentences)

    def paper(self) -> Paper:
        topic = self.topic()
        name = self.name()
        title = self.title(topic, name)
        return Paper(topic.name, name, title, self.abstract(topic, name))


def listing_text(listed: str, papers: Iterable[tuple[str, str]]) -> str:
    lines = [*HEADER, listed]
    for title, abstract in papers:
        lines += [title, abstract]
    return "\n\n".join(lines) + "\n"


def listing_date(index: int) -> str:
    day = date(2024, 1, 2) + timedelta(days=index % 365)
    return f"{day:%b} {day.day}"


@dataclass(frozen=True)
class Dump:
    """A generated input: ``path`` is what ``reader import`` is given (a folder or one file),
    ``files`` the input files in it, ``bytes`` their total size."""

    path: Path
    papers: int
    files: int
    bytes: int
    folder: Path

    @property
    def inputs(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        return sorted(p for p in self.path.iterdir() if p.suffix in (".txt", ".bib", ".json"))

    @property
    def labels(self) -> Path:
        return self.folder / LABELS


Maker = Callable[[Path], tuple[str, int, int, int]]  # folder -> (import path, papers, files, bytes)


def cached(name: str, cache: Path, make: Maker) -> Dump:
    """The input called ``name``, made once by ``make(folder)`` and reused afterwards."""
    folder = cache / f"{name}-v{GENERATOR_VERSION}"
    manifest = cache / f"{folder.name}.{MANIFEST}"  # beside the folder: imports read *.json
    if manifest.exists():
        data = json.loads(manifest.read_text())
        return Dump(folder / data["path"], data["papers"], data["files"], data["bytes"], folder)
    if folder.exists():  # an interrupted run: start that folder again
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path, papers, files, size = make(folder)
    data = {"path": path, "papers": papers, "files": files, "bytes": size}
    manifest.write_text(json.dumps(data) + "\n")
    return Dump(folder / path, papers, files, size, folder)


def write_labels(folder: Path, papers: Iterable[Paper]) -> None:
    with open(folder / LABELS, "w", encoding="utf-8") as out:
        out.writelines(f"{paper_key(p.title)}\t{p.topic}\n" for p in papers)


def read_labels(path: Path) -> dict[str, str]:
    """Paper key -> topic, as ``write_labels`` wrote them."""
    with open(path, encoding="utf-8") as handle:
        return dict(line.rstrip("\n").split("\t", 1) for line in handle if line.strip())


def generate(count: int, folder: Path, *, seed: int = DEFAULT_SEED) -> tuple[int, int]:
    """Write ``count`` papers into ``folder``, 1,000 per file each with its own date, and
    their labels; returns (files, bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    factory = PaperFactory(random.Random(f"{seed}-{count}"))
    total = files = 0
    made: list[Paper] = []
    for index, first in enumerate(range(0, count, PAPERS_PER_FILE)):
        papers = [factory.paper() for _ in range(min(PAPERS_PER_FILE, count - first))]
        made += papers
        text = listing_text(listing_date(index), ((p.title, p.abstract) for p in papers))
        data = text.encode("utf-8")
        (folder / f"listing-{index + 1:04d}.txt").write_bytes(data)
        total += len(data)
        files += 1
    write_labels(folder, made)
    return files, total


def corpus(count: int, cache: Path, *, seed: int = DEFAULT_SEED) -> Dump:
    """The benchmark corpus: ``count`` papers in files of 1,000."""

    def make(folder: Path) -> tuple[str, int, int, int]:
        files, size = generate(count, folder, seed=seed)
        return ".", count, files, size

    return cached(f"listings-{count}-seed{seed}", cache, make)


def new_papers(count: int, after: Dump, cache: Path, *, seed: int = DEFAULT_SEED) -> Dump:
    """``count`` more papers in one listing, none with a title of ``after`` (they arrive as
    new papers in a library made from it), labelled with their topics."""

    def make(folder: Path) -> tuple[str, int, int, int]:
        taken = set(read_labels(after.labels)) if after.labels.exists() else set()
        factory = PaperFactory(random.Random(f"{seed}-new-{count}"), taken)
        papers = [factory.paper() for _ in range(count)]
        data = listing_text("Dec 31", ((p.title, p.abstract) for p in papers)).encode("utf-8")
        (folder / "new-papers.txt").write_bytes(data)
        write_labels(folder, papers)
        return "new-papers.txt", count, 1, len(data)

    return cached(f"new-{count}-after-{after.papers}-seed{seed}", cache, make)


def pooled_abstracts(factory: PaperFactory, per_topic: int, mean: int) -> dict[str, list[str]]:
    """A few hundred abstracts per topic, to be reused by many papers (as real listings repeat
    papers): big inputs are then written in seconds."""
    pool: dict[str, list[str]] = {}
    for topic in TOPICS:
        pool[topic.name] = [factory.abstract(topic, factory.name(), mean) for _ in range(per_topic)]
    return pool


def pooled_papers(factory: PaperFactory, count: int, per_topic: int, mean: int) -> Iterator[Paper]:
    """``count`` papers with unique titles and abstracts drawn from a pool of their topic."""
    pool = pooled_abstracts(factory, per_topic, mean)
    rng = factory.rng
    for _ in range(count):
        topic = factory.topic()
        name = factory.name()
        title = factory.title(topic, name)
        yield Paper(topic.name, name, title, rng.choice(pool[topic.name]))


def one_file(count: int, cache: Path, *, seed: int = DEFAULT_SEED) -> Dump:
    """``count`` papers in one listing file (1,400 bytes a paper: 140 MB for 100,000), with
    abstracts reused from a pool."""

    def make(folder: Path) -> tuple[str, int, int, int]:
        factory = PaperFactory(random.Random(f"{seed}-one-file-{count}"))
        per_topic = min(300, max(20, count // 100))  # small inputs need no big pool
        papers = pooled_papers(factory, count, per_topic=per_topic, mean=1300)
        text = listing_text("Jun 3", ((p.title, p.abstract) for p in papers))
        data = text.encode("utf-8")
        (folder / "listing.txt").write_bytes(data)
        return "listing.txt", count, 1, len(data)

    return cached(f"one-file-{count}-seed{seed}", cache, make)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic listing dump.")
    parser.add_argument("count", type=int, help="how many papers")
    parser.add_argument("folder", type=Path, help="where to write the listing files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    files, size = generate(args.count, args.folder, seed=args.seed)
    print(f"{args.count} papers in {files} files ({size:,} bytes) in {args.folder}")


if __name__ == "__main__":
    main()
