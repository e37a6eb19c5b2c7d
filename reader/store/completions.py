"""Which abstracts hold a word being typed, one index term at a time, remembered while typing.

FTS5 answers a prefix query (``"model"*``) by merging, in memory, the whole doclist of every
term the prefix starts before it can count or intersect anything: 42 ms for ``model*`` over
100,000 abstracts and 280 ms over a million, against 5 and 52 ms for ``"model" OR "modeling"
OR "models"``, which it reads lazily. The index keeps a prefix index for three letters only (a
prefix index per length would double the file), so a longer prefix is spelled out as the terms
it completes to, read from the index's own vocabulary, which is exact at every moment (the
``term_df`` copy for related papers lags behind new imports).

Typing goes on a letter at a time, so both answers are kept for as long as the library does not
change: the completions of a prefix (``mode``), which the next prefix (``model``) filters in
Python, and the papers of each term, so that ``model`` after ``mode`` is a union of bitmaps
already at hand rather than another read of the index.
"""

from __future__ import annotations

from collections.abc import Callable

from pyroaring import BitMap

from reader.store.db import Database
from reader.store.filters import fts_tokens, word_tokens

# A prefix this long or shorter is answered by the index's own prefix index.
INDEXED_PREFIX = 3
# A prefix completing to more terms than this is left to FTS5 (an OR that long gains nothing).
MOST_COMPLETIONS = 64
# Terms whose papers are kept (a term held by most of a million papers is ~130 KB as a bitmap).
KEPT_TERMS = 256
KEPT_PREFIXES = 256

Matching = Callable[[str], BitMap]  # the papers an FTS5 expression over abstracts matches


class AbstractWords:
    """The abstracts holding a word, with what typing asks for again kept per library state."""

    def __init__(self, db: Database, matching: Matching) -> None:
        self.db = db
        self.matching = matching
        self._stamp: object = None
        # prefix -> its completions, or None when there are more than MOST_COMPLETIONS
        self._completions: dict[str, list[str] | None] = {}
        self._terms: dict[str, BitMap] = {}

    def ids(self, word: str, prefix: bool, stamp: object) -> BitMap:
        """The papers whose abstract holds every token of ``word`` (the last as a prefix when
        ``prefix``). One or two letters as a prefix would expand to most of the vocabulary:
        such a word is matched whole (titles still match it as a prefix)."""
        self._forget_unless(stamp)
        tokens = word_tokens(word)
        if not tokens:
            return BitMap()
        prefix = prefix and len(word) >= 3
        if prefix and len(tokens[-1]) <= INDEXED_PREFIX:
            return self.matching(fts_tokens(word, prefix=True))
        completions = self.completions(tokens[-1]) if prefix else [tokens[-1]]
        if completions is None:
            return self.matching(fts_tokens(word, prefix=True))
        found = BitMap()
        for term in completions:
            found |= self._term(term)
        for token in tokens[:-1]:
            if not found:
                break
            found &= self._term(token)
        return found

    def completions(self, prefix: str) -> list[str] | None:
        """Every term of the abstracts that begins with ``prefix`` (a token as the index folds
        it), or None when they are too many to spell out."""
        if prefix in self._completions:
            return self._completions[prefix]
        for cut in range(len(prefix) - 1, INDEXED_PREFIX, -1):
            shorter = self._completions.get(prefix[:cut])
            if shorter is not None:
                found: list[str] | None = [term for term in shorter if term.startswith(prefix)]
                break
        else:
            found = self._read_completions(prefix)
        _keep(self._completions, prefix, found, KEPT_PREFIXES)
        return found

    def _term(self, term: str) -> BitMap:
        found = self._terms.get(term)
        if found is None:
            found = self.matching('"' + term.replace('"', '""') + '"')
            _keep(self._terms, term, found, KEPT_TERMS)
        return found

    def _forget_unless(self, stamp: object) -> None:
        if stamp != self._stamp:
            self._completions = {}
            self._terms = {}
            self._stamp = stamp

    def _read_completions(self, prefix: str) -> list[str] | None:
        end = after_prefix(prefix)
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


def _keep(kept: dict, key: str, value: object, most: int) -> None:  # type: ignore[type-arg]
    """Remember ``value``, forgetting the oldest entry when ``most`` are kept already."""
    if len(kept) >= most:
        kept.pop(next(iter(kept)))
    kept[key] = value


def after_prefix(prefix: str) -> str | None:
    """The first string after every string that begins with ``prefix`` (terms compare as UTF-8
    bytes, which is code-point order)."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return None
    following = chr(last + 1)
    if 0xD800 <= last + 1 <= 0xDFFF:  # surrogates are never in text: skip past them
        following = chr(0xE000)
    return prefix[:-1] + following
