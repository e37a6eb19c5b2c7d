"""Ordering search results as a search engine would, cheaply enough to run on every keystroke.

Matches in titles come first, in tiers: the title (or the name before its colon, as in "PYRA:
...") that is exactly what was typed; then titles holding the words side by side; then titles
holding every word whole; then titles where the last word is still a prefix; each tier by bm25
(title words weigh more than author names). Papers matched only in their abstracts follow, by
bm25 when there are few enough to score in a few milliseconds (scoring tens of thousands costs a
quarter of a second), else newest first; note-only matches come last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyroaring import BitMap

from reader.keys import normalize_title
from reader.query import Query
from reader.store.db import Database
from reader.store.filters import (
    fts_tokens,
    has_tokens,
    is_text_group,
    ranking_expression,
    sqlite_tokens,
)
from reader.store.results import Results
from reader.store.title_ranks import TitleRanks

ABSTRACTS_RANKED = 1500  # abstract-only matches scored by bm25 up to this many
SCORED_MATCHES = 20_000  # beyond this many matches, no bm25: each tier newest first
HEAD = 1000  # at most this many papers per tier then, before the rest (newest first)
EXACT_TITLES = 500  # title candidates checked for being exactly the query


def _tokens(word: str) -> list[str]:
    return (
        [token.strip('"*') for token in fts_tokens(word).split()]
        if word.isascii()
        else list(sqlite_tokens(word))
    )


class Ranking:
    def __init__(self, db: Database, ids: BitMap, titles: TitleRanks) -> None:
        self.db = db
        self.present = ids
        self.ids = ids
        self.titles_index = titles
        self.order: list[int] = []
        self.seen: set[int] = set()

    def take(self, ranked: Iterable[int]) -> None:
        for paper_id in ranked:
            if paper_id in self.present and paper_id not in self.seen:
                self.seen.add(paper_id)
                self.order.append(paper_id)

    @property
    def scored(self) -> bool:
        """Whether the matches are few enough to rank them all by bm25 on a keystroke."""
        return len(self.ids) <= SCORED_MATCHES

    def tier(self, ranked: Sequence[int], expression: str) -> list[int]:
        """The title matches of ``expression``, in the order of ``ranked`` (a bm25 order of a
        wider expression), then any that ``ranked`` lacks by id."""
        if not expression:
            return []
        members = self.titles_index.matching(expression)
        if not members:
            return []
        found = [paper_id for paper_id in ranked if paper_id in members]
        if len(found) < len(members):
            found.extend(members - BitMap(found))
        return found

    def titles(self, expression: str) -> Sequence[int]:
        """Title matches best first (bm25); when the query matches too many papers to score
        them all on a keystroke, the newest first, as many as a person scrolls through."""
        if not self.scored:
            return self.titles_index.newest(expression, HEAD)
        return self.titles_index.ranked(expression)

    def rest(self, tokens: str) -> Results:
        if tokens and len(self.ids) - len(self.seen) <= ABSTRACTS_RANKED:
            scored = self.db.execute(
                "SELECT rowid FROM abstracts_fts WHERE abstracts_fts MATCH ? ORDER BY rank",
                [tokens],
            ).fetchall()
            self.take(row[0] for row in scored)
        return Results(self.order, self.ids, descending=True)


def rank(
    db: Database, ids: BitMap, query: Query, titles: TitleRanks, *, min_prefix: int
) -> Results:
    """``ids`` (every paper the query matched) in the order a person wants to see them: with
    no words to rank by, in the order they were added. ``titles`` answers what is asked of the
    titles' index (the matches of each tier and their bm25 order)."""
    expression = ranking_expression(query, min_prefix=min_prefix)
    if not expression:
        return Results((), ids)
    ranking = Ranking(db, ids, titles)
    text_groups = [group for group in query.groups if is_text_group(group)]
    words = [
        term
        for group in text_groups
        for term in group
        if len(group) == 1 and has_tokens(term.value)
    ]
    simple = words and all(len(group) == 1 for group in text_groups)
    if simple:
        tokens = [token for term in words for token in _tokens(term.value)]
        phrase = '"' + " ".join(tokens) + '"'
        # The last word may still be typed: after the words exactly side by side come titles
        # where it goes on ("diffusion model" then "Diffusion Models").
        open_end = words[-1].prefix and len(words[-1].value) >= min_prefix
        exact_expression = f"title : {phrase}"
        opened_expression = f"title : {phrase}*" if open_end else ""
        whole_expression = " ".join(f'"{token}"' for token in tokens)
        if ranking.scored:
            # One bm25 pass over every title match; the tiers are sets taken from it in order.
            ranked = ranking.titles(expression)
            exact = ranking.tier(ranked, exact_expression)
            opened = ranking.tier(ranked, opened_expression)
            whole = ranking.tier(ranked, whole_expression)
        else:
            exact = ranking.titles(exact_expression)
            opened = ranking.titles(opened_expression) if open_end else []
            whole = ranking.titles(whole_expression)
            ranked = ranking.titles(expression)
        typed = " ".join(term.value for term in words)
        _exact_first(ranking, [*exact, *opened], typed, begins=len(tokens) > 1)
        ranking.take(exact)
        ranking.take(opened)
        ranking.take(whole)
        ranking.take(ranked)
    else:
        ranking.take(ranking.titles(expression))
    abstract_terms = " ".join(
        fts_tokens(term.value, term.prefix and len(term.value) >= min_prefix) for term in words
    )
    return ranking.rest(abstract_terms)


def _exact_first(ranking: Ranking, candidates: list[int], typed: str, *, begins: bool) -> None:
    """First the paper whose title, or whose name before the colon, is what was typed (as typed
    before as normalised: "LoRA" before "LoRA+"); then, for several words, titles that begin
    with them ("3D Gaussian Splatting for ..." before "Mip-Splatting: ... 3D Gaussian ...")."""
    wanted = normalize_title(typed)
    if not wanted or not candidates or len(candidates) > EXACT_TITLES:
        return
    ids = candidates
    marks = ",".join("?" * len(ids))
    tiers: list[list[int]] = [[], [], []]
    for paper_id, title in ranking.db.execute(
        f"SELECT id, title FROM papers WHERE id IN ({marks})", ids
    ):
        name = title.split(":", 1)[0].strip() if ":" in title else title.strip()
        if name.casefold() == typed.strip().casefold():
            tiers[0].append(paper_id)
        elif normalize_title(name) == wanted or normalize_title(title) == wanted:
            tiers[1].append(paper_id)
        elif begins and normalize_title(title).startswith(wanted):
            tiers[2].append(paper_id)
    position = {paper_id: index for index, paper_id in enumerate(ids)}
    for tier in tiers:
        ranking.take(sorted(tier, key=position.__getitem__))
