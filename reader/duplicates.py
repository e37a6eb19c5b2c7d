"""Likely duplicates that identity did not catch: nearly the same title (rapidfuzz similarity
of at least 95 on normalised titles) and the same first author or the same year.

Comparing every pair at a hundred thousand papers would take minutes, so papers are compared
only within blocks that any real duplicate pair shares: the same first author, or the same year
and the same first letters of the title.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from reader.keys import normalize_title

THRESHOLD = 95.0


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str
    year: int | None
    first_author: str  # family name, folded; empty when unknown


def find_duplicates(candidates: Sequence[Candidate]) -> list[list[int]]:
    """Groups of paper ids (each sorted, groups by first id) that look like one work."""
    from rapidfuzz import fuzz  # only this command pays for importing it

    titles = {item.id: normalize_title(item.title) for item in candidates}
    blocks: dict[tuple[object, ...], list[Candidate]] = defaultdict(list)
    for item in candidates:
        if item.first_author:
            blocks[("author", item.first_author)].append(item)
        if item.year:
            blocks[("year", item.year, titles[item.id][:3])].append(item)
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for block in blocks.values():
        for index, first in enumerate(block):
            for second in block[index + 1 :]:
                same = (first.first_author and first.first_author == second.first_author) or (
                    first.year and first.year == second.year
                )
                if not same or root(first.id) == root(second.id):
                    continue
                score = fuzz.ratio(titles[first.id], titles[second.id], score_cutoff=THRESHOLD)
                if score:
                    parent[root(second.id)] = root(first.id)
    groups: dict[int, list[int]] = defaultdict(list)
    for node in {node for pair in parent.items() for node in pair}:
        groups[root(node)].append(node)
    return sorted(sorted(group) for group in groups.values() if len(group) > 1)
