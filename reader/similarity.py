"""How alike two papers are: tf-idf vectors of their words and the cosine between them.

Pure functions. Document frequencies come from the library's full-text index (the store looks
them up); here words become weighted vectors, and vectors become similarities and reasons.
Titles count twice: a word in the title says more about a paper than one in its abstract.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

Vector = dict[str, float]

_WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset(
    """
    the and for with that this from are was were been has have had not but can our its their
    than then them they these those which while where when what who how into onto over under
    such also more most less very each both all any some one two three use used using uses show
    shows shown propose proposed proposes present presents paper work approach method methods
    based new via per about between within without across through among however thus further may
    might will would could should able well both many much other only same via results result
    achieve achieves achieved performance existing previous state art
    """.split()
)


def words(text: str) -> list[str]:
    """Lower-case ASCII words as the full-text index splits them (accents folded)."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return [
        word
        for word in _WORD.findall(text.lower())
        if len(word) > 2 and not word.isdigit() and word not in STOP_WORDS
    ]


def term_counts(title: str, abstract: str) -> Counter[str]:
    counts = Counter(words(abstract))
    for word in words(title):
        counts[word] += 2
    return counts


def tfidf(counts: Mapping[str, int], df: Mapping[str, int], papers: int) -> Vector:
    """Weights of a paper's words: sublinear term frequency times inverse document frequency,
    scaled to unit length. Words the index does not know count as rare."""
    vector = {
        term: (1 + math.log(count)) * math.log((papers + 1) / (df.get(term, 0) + 1))
        for term, count in counts.items()
    }
    return normalized(vector)


def normalized(vector: Mapping[str, float]) -> Vector:
    length = math.sqrt(sum(weight * weight for weight in vector.values()))
    return {term: weight / length for term, weight in vector.items()} if length else {}


def cosine(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    """The similarity of two unit vectors, 0 (nothing shared) to 1 (the same words)."""
    if len(first) > len(second):
        first, second = second, first
    return sum(weight * second.get(term, 0.0) for term, weight in first.items())


def top_terms(vector: Mapping[str, float], count: int) -> list[str]:
    return sorted(vector, key=lambda term: (-vector[term], term))[:count]


def centroid(vectors: Iterable[tuple[Mapping[str, float], float]], size: int = 300) -> Vector:
    """The weighted mean of several papers' vectors, keeping its ``size`` strongest words."""
    total: dict[str, float] = {}
    for vector, weight in vectors:
        for term, value in vector.items():
            total[term] = total.get(term, 0.0) + value * weight
    kept = {term: total[term] for term in top_terms(total, size)}
    return normalized(kept)
