"""The words of the abstracts' index that a prefix being typed can still become.

FTS5 answers a prefix query (``"model"*``) by merging, in memory, the whole doclist of every
term the prefix starts before it can count or intersect anything: 42 ms for ``model*`` over
100,000 abstracts and 280 ms over a million, against 5 and 52 ms for ``"model" OR "modeling"
OR "models"``, which it reads lazily. The index keeps a prefix index for three letters only (a
prefix index per length would double the file), so a longer prefix is spelled out as the terms
it completes to, read from the index's own vocabulary, which is exact at every moment (the
``term_df`` copy for related papers lags behind new imports).

Reading the vocabulary costs about what one term's doclist does, so each prefix is looked up
once per state of the library: a longer prefix typed next (``mode`` then ``model``) filters the
shorter one's completions in Python.
"""

from __future__ import annotations

from reader.store.db import Database

# A prefix this long or shorter is answered by the index's own prefix index.
INDEXED_PREFIX = 3
# A prefix completing to more terms than this is left to FTS5 (an OR that long gains nothing).
MOST_COMPLETIONS = 64


class Completions:
    """The completions of prefixes in the abstracts' vocabulary, kept per library state."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._stamp: object = None
        # prefix -> its completions, or None when there are more than MOST_COMPLETIONS
        self._known: dict[str, list[str] | None] = {}

    def of(self, prefix: str, stamp: object) -> list[str] | None:
        """Every term of the abstracts that begins with ``prefix`` (a token as the index folds
        it), or None when they are too many to spell out."""
        if stamp != self._stamp:
            self._known = {}
            self._stamp = stamp
        if prefix in self._known:
            return self._known[prefix]
        for cut in range(len(prefix) - 1, INDEXED_PREFIX, -1):
            shorter = self._known.get(prefix[:cut], False)
            if shorter is not False and shorter is not None:
                found: list[str] | None = [term for term in shorter if term.startswith(prefix)]
                break
        else:
            found = self._read(prefix)
        if len(self._known) > 256:
            self._known.pop(next(iter(self._known)))
        self._known[prefix] = found
        return found

    def _read(self, prefix: str) -> list[str] | None:
        end = _after_prefix(prefix)
        if end is None:
            return None
        terms = [
            row[0]
            for row in self.db.execute(
                "SELECT term FROM abstracts_vocab WHERE term >= ? AND term < ? LIMIT ?",
                [prefix, end, MOST_COMPLETIONS + 1],
            )
        ]
        return None if len(terms) > MOST_COMPLETIONS else terms


def _after_prefix(prefix: str) -> str | None:
    """The first string after every string that begins with ``prefix`` (terms compare as UTF-8
    bytes, which is code-point order)."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return None
    following = chr(last + 1)
    if 0xD800 <= last + 1 <= 0xDFFF:  # surrogates are never in text: skip past them
        following = chr(0xE000)
    return prefix[:-1] + following


def any_of(terms: list[str]) -> str:
    """An FTS5 expression matching any of ``terms`` (quoted: a term may be an FTS5 keyword)."""
    return "(" + " OR ".join('"' + term.replace('"', '""') + '"' for term in terms) + ")"
