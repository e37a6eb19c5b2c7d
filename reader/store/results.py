"""Search results that hold no Python object per paper.

At a million papers a result may hold most of the library; making a list of a million ints on
every keystroke costs more than the search. A result is a ranked head (a short list) followed by
the rest of the matches as a compressed bitmap (pyroaring), read in id order (or newest first)
only where the screen looks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from pyroaring import BitMap

from reader.models import LibraryError


class Results(Sequence[int]):
    """Paper ids in order: ``head`` as given, then ``rest`` by id (``descending``: newest first).

    Behaves as a read-only list: ``len``, indexing and slicing, ``in`` and ``index`` are fast at
    any size; ``==`` compares with a list item by item."""

    __slots__ = ("_head", "_head_ids", "_rest", "_descending")

    def __init__(
        self, head: Iterable[int] = (), rest: BitMap | None = None, *, descending: bool = False
    ) -> None:
        self._head = list(head)
        self._head_ids = {paper_id: index for index, paper_id in enumerate(self._head)}
        self._rest = rest if rest is not None else BitMap()
        if self._head_ids and self._rest:
            self._rest = self._rest - BitMap(self._head)
        self._descending = descending

    def __len__(self) -> int:
        return len(self._head) + len(self._rest)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("result index out of range")
        if index < len(self._head):
            return self._head[index]
        offset = index - len(self._head)
        return self._rest[len(self._rest) - 1 - offset] if self._descending else self._rest[offset]

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._head_ids or (type(paper_id) is int and paper_id in self._rest)

    def index(self, paper_id: int, start: int = 0, stop: int | None = None) -> int:
        """Where a paper is, without looking at the others."""
        position = self._head_ids.get(paper_id)
        if position is None:
            if paper_id not in self._rest:
                raise ValueError(f"{paper_id} is not in the results")
            rank = self._rest.rank(paper_id)  # how many in ``rest`` are <= paper_id
            offset = len(self._rest) - rank if self._descending else rank - 1
            position = len(self._head) + offset
        if position < start or (stop is not None and position >= stop):
            raise ValueError(f"{paper_id} is not in that part of the results")
        return position

    def __iter__(self) -> Iterator[int]:
        yield from self._head
        yield from (reversed(self._rest) if self._descending else self._rest)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Results):
            return list(self) == list(other)
        if isinstance(other, Sequence):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        shown = self[:8]
        more = ", ..." if len(self) > 8 else ""
        return f"Results([{', '.join(map(str, shown))}{more}], {len(self)} in all)"

    def limited(self, limit: int | None) -> Results | list[int]:
        return self if limit is None or limit >= len(self) else self[:limit]


def as_bitmap(ids: Sequence[int] | Iterable[int]) -> BitMap:
    return ids if isinstance(ids, BitMap) else BitMap(ids)


# Digits parsed per step: about 35,000 ids, a few milliseconds. Parsing holds the interpreter
# lock throughout one call, so a million ids parsed at once (a quarter of a second) would stop
# the app's own thread from echoing keys; between steps it gets its turn.
PARSE_STEP = 1 << 18


def bitmap_of_ids(text: str | None) -> BitMap:
    """The ids of SQLite's ``group_concat(id)`` (digits and commas) as a bitmap."""
    found = BitMap()
    if not text:
        return found
    start, size = 0, len(text)
    while start < size:
        end = text.find(",", start + PARSE_STEP)
        if end < 0:
            end = size
        # json's C parser reads a list of integers twice as fast as int() on each piece.
        try:
            found.update(json.loads(f"[{text[start:end]}]"))
        except OverflowError:
            raise LibraryError(TOO_LARGE_ID) from None
        start = end + 1
    return found


# Search holds paper ids in 32-bit sets: reader numbers papers from 1, and only another program
# writing the file can give one a larger id.
TOO_LARGE_ID = (
    f"a paper's id is beyond {2**32 - 1:,}, which search cannot hold"
    " (the library was written by another program)"
)
