"""Related papers and recommendations, from the words papers share.

"More like this", as Lucene and Elasticsearch do it: a paper's most telling words (tf-idf, with
document frequencies read from the abstracts' full-text index) find candidates through the
index, and the candidates are ranked by the cosine of their tf-idf vectors. Recommendations
compare each candidate with a profile of what the person rated highly, tagged or put in lists,
and push down what looks like what they skipped or rated low. Nothing is precomputed: the
index the library keeps anyway holds everything needed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.models import ReaderError
from reader.similarity import Vector, centroid, cosine, term_counts, tfidf, top_terms
from reader.store.db import Database
from reader.store.filters import fts_phrase

if TYPE_CHECKING:
    from reader.store.library import Library

QUERY_TERMS = 12  # words of a paper that look for its neighbours
CANDIDATES = 60  # neighbours ranked by their full vectors
COMMON = 0.05  # words in more than this share of abstracts find too much to help
NEGATIVE_WEIGHT = 0.6


@dataclass(frozen=True)
class Similar:
    paper_id: int
    score: float


@dataclass(frozen=True)
class Recommendation:
    paper_id: int
    score: float
    reason: str


class Related:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    # -- document frequencies ------------------------------------------------------------------

    def _size(self) -> int:
        return self.db.execute("SELECT count(*) FROM papers").fetchone()[0]

    def _df(self, terms: Iterable[str]) -> dict[str, int]:
        """Document frequencies from the copy in term_df; words new since it was made are
        counted in the index (they are rare, so that is quick)."""
        wanted = list(set(terms))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self.db.execute(f"SELECT term, docs FROM term_df WHERE term IN ({marks})", chunk)
            )
        lookup = "SELECT doc FROM abstracts_vocab WHERE term = ?"
        for term in wanted:
            if term not in found:
                row = self.db.execute(lookup, [term]).fetchone()
                found[term] = row[0] if row else 0
        return found

    def vectors(self, ids: Sequence[int]) -> dict[int, Vector]:
        """The tf-idf vector of each paper."""
        counts: dict[int, Counter[str]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for paper_id, title, abstract in self.db.execute(
                f"SELECT id, title, abstract FROM papers WHERE id IN ({marks})", chunk
            ):
                counts[paper_id] = term_counts(title, abstract)
        df = self._df(term for count in counts.values() for term in count)
        size = self._size()
        return {paper_id: tfidf(count, df, size) for paper_id, count in counts.items()}

    # -- related papers ----------------------------------------------------------------------

    def related(self, paper_id: int, limit: int = 10) -> list[Similar]:
        """The papers most like this one, most similar first, with their cosine similarity."""
        self.library.catalog.title(paper_id)  # refuses an unknown id
        vector = self.vectors([paper_id]).get(paper_id, {})
        if not vector:
            return []
        candidates = self._candidates(vector, exclude={paper_id})
        scored = self._rank(vector, candidates)
        return scored[:limit]

    def _candidates(self, vector: Vector, exclude: set[int]) -> list[int]:
        """Papers sharing the vector's most telling words, by how telling the shared words
        are (each word's own weight): a cheap first cut before full vectors are compared."""
        size = self._size()
        df = self._df(vector)
        usable = {term: weight for term, weight in vector.items() if df[term] <= COMMON * size}
        # Each word votes with its weight for every paper holding it in its abstract, and again
        # in its title; SQLite adds the votes up (a million papers: a quarter of a second,
        # against half a second of Python loop holding the interpreter lock, which stalled the
        # app's keys). Ties go to the older paper.
        parts, params = [], []
        for term in top_terms(usable or vector, QUERY_TERMS):
            for index in ("abstracts_fts", "titles_fts"):
                parts.append(f"SELECT rowid AS id, ? AS w FROM {index} WHERE {index} MATCH ?")
                params += [vector[term], fts_phrase(term)]
        hidden = self.library.search_index.hidden_ids()
        wanted = CANDIDATES + len(exclude) + len(hidden)
        voted = self.db.execute(
            f"SELECT id FROM ({' UNION ALL '.join(parts)}) GROUP BY id "
            "ORDER BY sum(w) DESC, id LIMIT ?",
            [*params, wanted],
        )
        chosen = [pid for (pid,) in voted if pid not in exclude and pid not in hidden]
        return chosen[:CANDIDATES]

    def _rank(self, vector: Vector, candidates: Sequence[int]) -> list[Similar]:
        vectors = self.vectors(candidates)
        scored = [Similar(pid, cosine(vector, vectors.get(pid, {}))) for pid in candidates]
        scored.sort(key=lambda item: (-item.score, item.paper_id))
        return [item for item in scored if item.score > 0]

    # -- recommendations ---------------------------------------------------------------------

    def taste(self, tag: str | None = None) -> tuple[dict[int, float], dict[int, float]]:
        """The papers a person liked (rated 4-5, tagged, in a list or kept) and disliked
        (rated 1-2 or skipped), with how much each counts. With ``tag``, only that tag (and
        its children) is liked."""
        liked: dict[int, float] = {}
        disliked: dict[int, float] = {}
        if tag is not None:
            for (paper_id,) in self.db.execute(
                "SELECT DISTINCT pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id "
                "WHERE t.name = ? COLLATE NOCASE OR t.name LIKE ? ESCAPE '\\'",
                [tag, tag.replace("%", "\\%").replace("_", "\\_") + "/%"],
            ):
                liked[paper_id] = 1.0
        else:
            for paper_id, rating, triage, tagged, listed in self.db.execute(
                "SELECT id, rating, triage, "
                "EXISTS (SELECT 1 FROM paper_tags WHERE paper_id = papers.id), "
                "EXISTS (SELECT 1 FROM list_items WHERE paper_id = papers.id) FROM papers "
                "WHERE rating IS NOT NULL OR (triage != 'seen' AND triage IN ('kept', 'skipped')) "
                "OR id IN (SELECT paper_id FROM paper_tags) "
                "OR id IN (SELECT paper_id FROM list_items)"
            ):
                if (rating and rating <= 2) or triage == "skipped":
                    disliked[paper_id] = 1.0 if triage == "skipped" else 2.0
                    continue
                weight = {5: 2.0, 4: 1.5}.get(rating or 0, 0.0)
                weight = max(weight, 1.0 if (tagged or listed or triage == "kept") else 0.0)
                if weight:
                    liked[paper_id] = weight
        return liked, disliked

    def recommend(
        self, candidates: Sequence[int], *, tag: str | None = None, limit: int | None = None
    ) -> list[Recommendation]:
        """Candidates ranked by how well they match the person's taste, each with a reason."""
        liked, disliked = self.taste(tag)
        if not liked:
            raise ReaderError(
                f"no papers tagged {tag} yet to learn from"
                if tag
                else "recommendations learn from your taste: rate papers 4 or 5, tag them or "
                "put them in reading lists first (and skipped or 1-2 star papers sink)"
            )
        wanted = [pid for pid in dict.fromkeys(candidates) if pid not in liked]
        vectors = self.vectors([*liked, *disliked, *wanted])
        likes = centroid((vectors[pid], weight) for pid, weight in liked.items() if pid in vectors)
        dislikes = centroid(
            (vectors[pid], weight) for pid, weight in disliked.items() if pid in vectors
        )
        scored = []
        for pid in wanted:
            vector = vectors.get(pid, {})
            score = cosine(vector, likes) - NEGATIVE_WEIGHT * cosine(vector, dislikes)
            scored.append((score, pid))
        scored.sort(key=lambda item: (-item[0], item[1]))
        chosen = scored if limit is None else scored[:limit]
        return [
            Recommendation(pid, score, self._reason(vectors.get(pid, {}), liked, vectors, tag))
            for score, pid in chosen
        ]

    def _reason(
        self, vector: Vector, liked: dict[int, float], vectors: dict[int, Vector], tag: str | None
    ) -> str:
        """Why: the liked paper it is most like, and what made that one liked."""
        if not vector:
            return "nothing to compare (no abstract)"
        best = max(liked, key=lambda pid: (cosine(vector, vectors.get(pid, {})), -pid))
        paper = self.library.catalog.papers([best], with_notes=False)[0]
        title = paper.title if len(paper.title) <= 40 else paper.title[:37] + "..."
        why = [f"like '{title}'"]
        if paper.rating:
            why.append("★" * paper.rating)
        if tag:
            why.append(f"tag {tag}")
        elif paper.tags:
            why.append(f"tag {paper.tags[0]}")
        return ", ".join(why)


REFRESH_GROWTH = 1.1


def refresh_term_df(db: Database, *, force: bool = False) -> bool:
    """Copy the abstracts' document frequencies into term_df when the library has grown by a
    tenth since the last copy (inside the caller's write transaction); True if it did."""
    papers = db.execute("SELECT count(*) FROM papers").fetchone()[0]
    row = db.execute("SELECT value FROM stats WHERE name = 'term_df_papers'").fetchone()
    counted = row[0] if row else 0
    if not force and counted and papers <= counted * REFRESH_GROWTH:
        return False
    if not force and not counted and not papers:
        return False
    db.execute("DELETE FROM term_df")
    db.execute("INSERT INTO term_df (term, docs) SELECT term, doc FROM abstracts_vocab")
    db.execute(
        "INSERT INTO stats (name, value) VALUES ('term_df_papers', ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [papers],
    )
    return True
