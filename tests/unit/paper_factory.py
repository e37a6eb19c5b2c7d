"""Build Paper values directly, for the pure renderers' tests (no library needed)."""

from __future__ import annotations

from reader.models import Paper, Source


def make_paper(
    index: int, title: str, *, template: str = "Abstract {index}.", **fields: object
) -> Paper:
    """A paper listed on Mar 11 from mar-11.txt; without an ``abstract`` one is made from
    ``template``, which may use {index} and {title}."""
    values: dict[str, object] = {
        "id": index,
        "key": f"paper-{index}",
        "title": title,
        "abstract": template.format(index=index, title=title),
        "listed": "Mar 11",
        "added": "2024-03-11T09:00:00",
        "sources": (Source(file="mar-11.txt", listed="Mar 11"),),
    }
    values.update(fields)
    return Paper(**values)  # type: ignore[arg-type]
