"""A big BibTeX file read in parts, so that the library writes its first entries while the
later ones are still being read.

The text is split a stretch at a time (``bibtex_syntax.Splitter``), each stretch ending where a
line opens a block, and each stretch's entries are the papers of one part. What one reading of
the whole file remembers from entry to entry (the ``@string`` macros, the citation keys seen,
the bad entries, the warnings) is carried from part to part, and the file's warnings, or the
error that refuses it, come with its last part: the parts hold exactly the papers of the whole
file, in order, and an import of them is all or nothing like any other.

Two things could make a part differ from the whole file's reading, and neither is let through:

* a macro defined after its use (BibTeX resolves it; so does reading the whole file): the first
  stretch reaches past the last ``@string`` of the text, so every macro is known before any entry
  is resolved;
* a stretch the fast reader does not follow: bibtexparser then reads the whole text, which may
  read the earlier stretches otherwise. In the first stretch the file is simply read whole;
  later, the parts already given are taken back (``StartOver``) and the import starts again with
  the file read whole.
"""

from __future__ import annotations

import re
from pathlib import Path

from reader.importers.bibtex import Collector, parse_bibtex, reading
from reader.importers.bibtex_syntax import Splitter, block_start_after
from reader.incoming import ParsedPaper

# A part is about this many characters of text: ~500 entries as reference managers write them
# with abstracts. Writing a part takes about as long as reading one, so the library finishes
# about a part's writing after the last is read: parts are not larger. The first is a sixteenth
# of that and the second a quarter, so that writing starts soon, and the last ones halve down to
# a tenth.
PART_CHARS = 750_000
# Smaller files are read whole: there would be at most one part to write while reading on.
MIN_CHARS = 2 * PART_CHARS
# Where a macro may be defined (the fast reader takes any block type starting "string" as one);
# an "@string" inside a value is counted too, which only makes the first stretch longer.
_STRING_BLOCK = re.compile("@string", re.IGNORECASE)


class StartOver(Exception):
    """Parts of a file were given that its whole reading would not give: the import is undone
    and done again with the file read whole."""


class BibtexParts:
    """The state of a file being read in parts: call ``next_part`` until ``done``."""

    def __init__(
        self, text: str, source: str, *, skip_bad: bool, folder: Path | None, notes: list[str]
    ) -> None:
        self.text = text
        self.source = source
        self.skip_bad = skip_bad
        self.folder = folder
        self.notes = notes  # warnings about the options, said before the file's own
        self.splitter = Splitter(text)
        self.collector = Collector(source, folder, self.splitter.strings)
        self.position = 0
        self.found = False
        self.done = False
        self._macros = -1  # how many macros the first stretch defined

    def next_part(self) -> tuple[list[ParsedPaper], list[str]]:
        """The papers of the next stretch, and the file's warnings when it is the last (raising
        what reading the whole file would raise, or StartOver)."""
        text = self.text
        if self.position == 0:
            last_macro = max((match.start() for match in _STRING_BLOCK.finditer(text)), default=0)
            stop = block_start_after(text, max(PART_CHARS // 16, last_macro + 1))
        else:
            left = len(text) - self.position
            full = PART_CHARS // 4 if self.position < PART_CHARS // 4 else PART_CHARS
            size = min(full, max(left // 2, PART_CHARS // 10))
            stop = block_start_after(text, self.position + size)
        with reading(self.source):
            items = self.splitter.read_to(stop)
        if items is None and self.position == 0:
            self.done = True
            papers, found = parse_bibtex(
                text, self.source, skip_bad=self.skip_bad, folder=self.folder
            )
            return papers, self.notes + found
        if self.position == 0:
            self._macros = len(self.splitter.strings)
        if items is None or len(self.splitter.strings) != self._macros:
            # (More macros never: the first stretch has every "@string".)
            raise StartOver(self.source)
        with reading(self.source):
            papers = self.collector.papers(items)
        self.position = stop
        self.found = self.found or bool(papers)
        if self.collector.bad and not self.skip_bad:
            papers = []  # the file is refused at its end: nothing of it needs writing
        if stop < len(text):
            return papers, []
        self.done = True
        return papers, self.notes + self.collector.outcome(self.found, skip_bad=self.skip_bad)
