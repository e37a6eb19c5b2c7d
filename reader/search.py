"""Typo-tolerant matching with rapidfuzz; pure functions, no database.

Full text search cannot find ``difusion``. Rather than fuzzy-scoring every title (hundreds of
milliseconds at 100,000 papers), we correct each misspelt word against the vocabulary of titles,
which is far smaller, and search again with the corrections.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

WORD_CUTOFF = 78.0
NEAR_BEST = 4.0


def closest_words(
    word: str,
    vocabulary: Sequence[str],
    *,
    prefix: bool = False,
    limit: int = 4,
    cutoff: float = WORD_CUTOFF,
) -> list[str]:
    """Vocabulary words within a typo or two of ``word``, best first.

    With ``prefix`` the word is still being typed, so it is compared with the start of each
    vocabulary word as well as the whole of it.
    """
    word = word.casefold()
    if len(word) < 3 or not vocabulary:
        return []
    scores: dict[str, float] = {}
    for choice, score, _ in process.extract(
        word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit
    ):
        scores[choice] = max(score, scores.get(choice, 0.0))
    if prefix:
        stems = [term[: len(word) + 1] for term in vocabulary]
        for _, score, index in process.extract(
            word, stems, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit * 4
        ):
            choice = vocabulary[index]
            scores[choice] = max(score, scores.get(choice, 0.0))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    if not ranked:
        return []
    # Keep only the corrections about as good as the best: "difusion" means "diffusion",
    # not also "fusion".
    best = ranked[0][1]
    return [choice for choice, score in ranked[:limit] if score >= best - NEAR_BEST]


def rank_titles(query: str, titles: Sequence[str], *, limit: int = 20) -> list[int]:
    """Indexes of the titles that best match a free-form query (for pickers and the palette)."""
    if not query.strip():
        return list(range(min(limit, len(titles))))
    return [
        index
        for _, _, index in process.extract(
            query,
            titles,
            scorer=fuzz.WRatio,
            processor=lambda text: text.casefold(),
            score_cutoff=50,
            limit=limit,
        )
    ]
