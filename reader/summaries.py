"""What the library's overviews list: reading lists and tags with their counts, and the few
columns of a paper's row. Apart from ``reader.models`` so that the one-paper commands (``tag``,
``show``...) do not make them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperRow:
    """The few columns the paper list shows; cheap to load for thousands of rows."""

    id: int
    title: str
    status: str
    rating: int | None
    listed: str | None
    tags: tuple[str, ...]
    has_code: bool = False


@dataclass(frozen=True)
class ReadingList:
    id: int
    name: str
    description: str
    count: int
    read: int

    @property
    def progress(self) -> str:
        return f"{self.read} of {self.count} read"


@dataclass(frozen=True)
class TagCount:
    name: str
    count: int
