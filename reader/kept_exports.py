"""Exports that reuse what they wrote before.

Exporting a library to BibTeX, CSL-JSON, CSV or Markdown again and again (a ``.bib`` kept
beside a paper being written, remade after each change) renders the same entries every time.
Each entry is kept in the user cache folder under its paper's export stamp: a random number the
library draws again, in the same transaction, when what an export writes of the paper is updated
or deleted, with a count of the paper's rows in the tables an export reads (schema step 6). An
export renders only the papers whose stamp or count is not the one kept, and writes the file
from the kept entries and those; the result is byte for byte what rendering every paper gives.

Citation keys are not kept in the entries: a key depends on the other papers of the export
(``smith2020a`` and ``smith2020b``). Entries are kept with a placeholder where the key goes, and
with what their key is made from (the paper's own key, and its base key once one was made), so
an export after a change makes every key again without reading every paper. The kept file is
``reader.kept_file``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING

from reader.export.csv_format import HEADER_LINE
from reader.kept_file import PLACEHOLDER, KeptEntries
from reader.text import json_array_pieces, json_strings, safe

if TYPE_CHECKING:
    from reader.export import MarkdownOptions
    from reader.models import Paper
    from reader.store import Library


@dataclass(frozen=True)
class Keyed:
    """A format whose entries are kept: each paper's entry under a key (its module imported
    only when an entry is rendered), the keys as entries write them, and the entries (or the
    whole text of them) framed into the export's pieces."""

    items: Callable[[], Callable[[Sequence[Paper], Sequence[str]], list[str]]]
    written: Callable[[list[str]], list[str]]
    framed: Callable[[list[str]], list[str]]
    # What goes before the first entry and how much of the last one's end is cut: the whole
    # text of the entries is framed with one copy of it.
    opening: str
    cut: int
    closing: str
    # Whether entries carry a citation key (made for the whole export); the others' entries
    # take an empty key, at their start.
    cited: bool = True
    # Whether the kept entries, joined, are the export's body as they are (Markdown's items are
    # joined by blank lines or not, as any of them asks).
    whole_text: bool = True
    # The fields its entries are made from, when not those the format reads by default.
    fields: frozenset[str] | None = None

    def whole(self, text: memoryview) -> list[str | memoryview]:
        """The pieces of the export whose entries, joined and encoded, are ``text`` (at least
        one entry; the cut is of ASCII characters)."""
        return [self.opening, text[: len(text) - self.cut], self.closing]


def _bibtex_items() -> Callable[[Sequence[Paper], Sequence[str]], list[str]]:
    from reader.export.bibtex import bibtex_items

    return bibtex_items


def _csl_items() -> Callable[[Sequence[Paper], Sequence[str]], list[str]]:
    from reader.export.csl_json import csl_items

    return csl_items


def _bibtex_framed(entries: list[str]) -> list[str]:
    if entries:
        entries[-1] = entries[-1][:-1]  # the last entry ends with its brace's line
    return entries


def _bibtex_keys(keys: list[str]) -> list[str]:
    """Keys as ``bibtex_entries`` writes them: free of control characters."""
    return list(map(safe, keys))


def _csv_items() -> Callable[[Sequence[Paper], Sequence[str]], list[str]]:
    from reader.export.csv_format import csv_rows

    return lambda papers, keys: [key + row for key, row in zip(keys, csv_rows(papers), strict=True)]


def _csv_framed(rows: list[str]) -> list[str]:
    return [HEADER_LINE, *rows]


KEYED_FORMATS: dict[str, Keyed] = {
    "bibtex": Keyed(_bibtex_items, _bibtex_keys, _bibtex_framed, "", 1, ""),
    "csl-json": Keyed(_csl_items, json_strings, json_array_pieces, "[\n  ", 4, "\n]\n"),
    "csv": Keyed(_csv_items, list, _csv_framed, HEADER_LINE, 0, "", cited=False),
}


def kept_pieces(
    library: Library,
    select: Callable[[], Sequence[int]],
    fmt: str,
    keyed: Keyed | None = None,
) -> list[str | memoryview] | None:
    """The export of the papers ``select`` gives (called in the same snapshot as every read
    here), in a format of ``KEYED_FORMATS``, as the pieces ``render_pieces`` gives (some of them
    encoded already); the entries of papers unchanged since an earlier export are reused. None
    when the library keeps no export stamps (a library older than reader read as it is): then
    render it as usual. ``keyed`` is the format's, unless given (with ``fmt`` naming what is
    kept: Markdown's items differ with its options)."""
    keyed = keyed or KEYED_FORMATS[fmt]
    with library.read():
        found = library.export_stamps()
        if found is None:
            return None
        library_id, changed = found
        ids = list(select())
        stamps = [changed.get(paper_id, 0) for paper_id in ids]
        kept = KeptEntries.load(library.path, library_id, fmt)
        whole = kept.exported(ids, stamps)  # the same papers, in the same order, none changed
        if whole is not None and keyed.whole_text:
            return keyed.whole(whole) if ids else keyed.framed([])
        entries = kept.entries(ids, stamps)
        missing = [paper_id for paper_id, entry in zip(ids, entries, strict=True) if entry is None]
        papers = _papers(library, missing, fmt, keyed)
        if len(papers) < len(missing):
            return None  # a paper not found: cannot happen in one snapshot; render as usual
        citekeys: list[str | None] = [None] * len(ids)
        bases: dict[int, str] = {}
        keys = [""] * len(ids)
        if keyed.cited:
            citekeys = [
                papers[paper_id].citekey if entry is None else entry.citekey
                for paper_id, entry in zip(ids, entries, strict=True)
            ]
            bases = {
                index: entry.base
                for index, entry in enumerate(entries)
                if entry is not None and entry.base is not None
            }
            keys = _keys(library, ids, papers, citekeys, bases)
    # A format without keys has its empty key first: its entries are written as they are.
    start = 0 if keyed.cited else len(PLACEHOLDER)
    texts = [None if entry is None else entry.text[start:] for entry in entries]
    if missing:
        where = [PLACEHOLDER if keyed.cited else ""] * len(missing)
        made = iter(keyed.items()([papers[i] for i in missing], where))
        texts = [next(made) if text is None else text for text in texts]
    written = keyed.written(keys)
    if keyed.cited:
        keyed_entries = [
            text.replace(PLACEHOLDER, key, 1) for text, key in zip(texts, written, strict=True)
        ]
        key_at = [text.index(PLACEHOLDER) for text in texts]
    else:
        keyed_entries, key_at = texts, [0] * len(texts)
    inputs = [(citekey, bases.get(index)) for index, citekey in enumerate(citekeys)]
    if not keyed.whole_text:
        if whole is None:  # (else what is kept is this export already)
            kept.save(ids, stamps, keyed_entries, key_at, written, inputs, changed)
        return list(keyed.framed(keyed_entries))
    encoded = kept.save(ids, stamps, keyed_entries, key_at, written, inputs, changed)
    return keyed.whole(memoryview(encoded)) if ids else keyed.framed([])


def kept_markdown(
    library: Library, name: str | None, query: str | None, options: MarkdownOptions
) -> list[str | memoryview] | None:
    """``kept_pieces`` of a Markdown export with these options (a list ``name``, a ``query``,
    or every paper, as ``reader.exporting`` titles them): its heading, description and count
    of papers read are written anew; its items are kept."""
    from reader.export import LIBRARY_TITLE, export_format
    from reader.export.markdown import markdown_head, markdown_items, markdown_pieces

    head: list[str] = []

    def select() -> list[int]:
        """The papers, and (in the same snapshot) what comes before them."""
        from reader.exporting import selected_ids

        title, description = LIBRARY_TITLE, ""
        if name is not None:
            info, ids = library.reading_list(name)
            title, description = info.name, info.description
        else:
            ids = selected_ids(library, name, query)
            if query is not None and query.strip():
                title = f"Papers matching {query}"
        done = len(library.ids_with_status("read").intersection(ids)) if ids else 0
        head.append(markdown_head(title, description, options, done, len(ids)))
        return ids

    keyed = Keyed(
        lambda: (
            lambda papers, keys: [
                key + item for key, item in zip(keys, markdown_items(papers, options), strict=True)
            ]
        ),
        list,
        lambda items: markdown_pieces(head[0], items),
        "",
        0,
        "",
        cited=False,
        whole_text=False,
        fields=export_format("markdown").reads(options),
    )
    signature = "".join("1" if value else "0" for value in astuple(options))
    return kept_pieces(library, select, f"markdown-{signature}", keyed)


def _papers(library: Library, missing: list[int], fmt: str, keyed: Keyed) -> dict[int, Paper]:
    """The papers to render, with every field their entries are made from, by id."""
    from reader.export import MarkdownOptions, export_format

    if not missing:
        return {}
    fields = keyed.fields or export_format(fmt).reads(MarkdownOptions())
    return {paper.id: paper for paper in library.catalog.papers_of(missing, fields)}


def _keys(
    library: Library,
    ids: list[int],
    papers: dict[int, Paper],
    citekeys: list[str | None],
    bases: dict[int, str],
) -> list[str]:
    """Every paper's citation key, as ``citation_keys`` makes them: from each paper's own key
    and, for those that need one, its base key: kept with its entry, else made from the paper
    (its key fields read here when it was not rendered). ``bases`` gains the ones made."""
    from reader.export import CITATION_KEY_FIELDS
    from reader.export.citation import base_key, unique_keys

    def base(index: int) -> str:
        if index not in bases:
            paper = papers.get(ids[index])
            if paper is None:
                (paper,) = library.catalog.papers_of([ids[index]], CITATION_KEY_FIELDS)
            bases[index] = base_key(paper)
        return bases[index]

    return unique_keys(citekeys, base)


# In the backup, each paper's object is followed by this before the next.
_BACKUP_SEPARATOR = ",\n    "


def kept_backup(library: Library) -> list[str | memoryview] | None:
    """The JSON backup (``export --all --format json``) as ``backup_pieces`` writes it, its
    papers' objects kept between backups like other exports' entries (the tags, notes and
    lists around them are written anew). None when the library keeps no export stamps, or
    holds a value only the slow way writes: then write it as usual."""
    with library.read():
        found = library.export_stamps()
        if found is None:
            return None
        library_id, changed = found
        keys = library.backups.paper_keys()
        ids = list(keys)
        stamps = [changed.get(paper_id, 0) for paper_id in ids]
        kept = KeptEntries.load(library.path, library_id, "json")
        whole = kept.exported(ids, stamps)
        entries = [] if whole is not None else kept.entries(ids, stamps)
        missing = [paper_id for paper_id, entry in zip(ids, entries, strict=False) if entry is None]
        parts = library.backups.parts(keys, missing)
        if parts is None:
            return None
    head, made, tail = parts
    if not ids:
        return [head, "[]", tail]
    opening, closing = head + "[\n    ", "\n  ]" + tail
    if whole is not None:  # the same papers, none changed: the kept text as it is
        return [opening, whole[: len(whole) - len(_BACKUP_SEPARATOR)], closing]
    written = iter(made)
    texts = [
        next(written) + _BACKUP_SEPARATOR if entry is None else entry.text[len(PLACEHOLDER) :]
        for entry in entries
    ]
    n = len(texts)
    encoded = kept.save(ids, stamps, texts, [0] * n, [""] * n, [(None, None)] * n, changed)
    return [opening, memoryview(encoded)[: len(encoded) - len(_BACKUP_SEPARATOR)], closing]
