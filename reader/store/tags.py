"""Tags: one tree, case-insensitive at every level, on one paper or many at once.

A new tag takes the spelling its ancestors already have (``NLP/LLM`` beside
``nlp/llm/quantization`` becomes ``nlp/llm``), and renaming a tag moves its whole subtree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.keys import clean_tag
from reader.models import ReaderError
from reader.store.filters import like_escape
from reader.store.triage import touch
from reader.store.undo import Scope

if TYPE_CHECKING:
    from reader.store.library import Library
    from reader.summaries import TagCount


@dataclass(frozen=True)
class TagChange:
    """What tagging or untagging did: the tag names involved and how many papers changed."""

    names: list[str]
    papers: int


def _ids(paper_ids: int | Sequence[int]) -> list[int]:
    return [paper_ids] if isinstance(paper_ids, int) else list(dict.fromkeys(paper_ids))


def _in(column: str, ids: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    return f"{column} IN ({','.join('?' * len(ids))})", tuple(ids)


class Tags:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def _what(self, ids: list[int]) -> str:
        return f"'{self.library.catalog.title(ids[0])}'" if len(ids) == 1 else f"{len(ids)} papers"

    def spelled(self, name: str) -> str:
        """``name`` with each level spelled as the tree already spells it."""
        parts = name.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            row = self.db.execute(
                "SELECT name FROM tags WHERE name = ? COLLATE NOCASE "
                "OR name LIKE ? ESCAPE '\\' LIMIT 1",
                [prefix, like_escape(prefix) + "/%"],
            ).fetchone()
            if row:
                existing = row[0].split("/")[:depth]
                parts[:depth] = existing
        return "/".join(parts)

    def tag(self, paper_ids: int | Sequence[int], names: Iterable[str]) -> TagChange:
        """Add tags to papers, as one undoable change (existing tags keep their spelling)."""
        return self.retag(paper_ids, names, ())[0]

    def untag(self, paper_ids: int | Sequence[int], names: Iterable[str]) -> TagChange:
        return self.retag(paper_ids, (), names)[1]

    def retag(
        self, paper_ids: int | Sequence[int], add: Iterable[str], remove: Iterable[str]
    ) -> tuple[TagChange, TagChange]:
        """Add some tags and remove others as one undoable change (the app's tag dialog does
        both at once, and one ``u`` takes both back)."""
        ids = _ids(paper_ids)
        cleaned = list(dict.fromkeys(clean_tag(name) for name in add))
        removing = list(dict.fromkeys(name.strip() for name in remove if name.strip()))
        if not ids or not (cleaned or removing):
            return TagChange([], 0), TagChange([], 0)
        with self.library.write():
            adding = list(dict.fromkeys(self.spelled(name) for name in cleaned))
            where, params = _in("paper_id", ids)
            scopes = [Scope("tags", "name = ? COLLATE NOCASE", (name,)) for name in adding]
            scopes.append(Scope("paper_tags", where, params))
            description = self._describe(ids, adding, removing)
            with self.library.change(description, scopes):
                added, tagged = self._add(ids, adding)
                removed, untagged = self._remove(ids, removing)
                touch(self.db, sorted(tagged | untagged))
        return TagChange(added, len(tagged)), TagChange(removed, len(untagged))

    def _describe(self, ids: list[int], adding: list[str], removing: list[str]) -> str:
        what = self._what(ids)
        if adding and removing:
            return f"retagged {what}: added {', '.join(adding)}; removed {', '.join(removing)}"
        if adding:
            return f"tagged {what} with {', '.join(adding)}"
        return f"untagged {what}: {', '.join(removing)}"

    def _add(self, ids: list[int], names: list[str]) -> tuple[list[str], set[int]]:
        added: dict[str, None] = {}
        changed: set[int] = set()
        for name in names:
            tag_id = self.tag_id(name, create=True)
            for paper_id in ids:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                    [paper_id, tag_id],
                )
                if cursor.rowcount:
                    added[name] = None
                    changed.add(paper_id)
        return list(added), changed

    def _remove(self, ids: list[int], names: list[str]) -> tuple[list[str], set[int]]:
        removed: dict[str, None] = {}
        changed: set[int] = set()
        for name in names:
            for paper_id in ids:
                cursor = self.db.execute(
                    "DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = "
                    "(SELECT id FROM tags WHERE name = ? COLLATE NOCASE)",
                    [paper_id, name],
                )
                if cursor.rowcount:
                    removed[name] = None
                    changed.add(paper_id)
        return list(removed), changed

    def tag_id(self, name: str, *, create: bool = False) -> int:
        row = self.db.execute(
            "SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [name]
        ).fetchone()
        if row:
            return row[0]
        if not create:
            raise ReaderError(f"no tag named '{name}'")
        return self.db["tags"].insert({"name": name}).last_pk

    def counts(self) -> list[TagCount]:
        """Every tag with the number of papers ``tag:NAME`` finds (its children included)."""
        names = [
            row[0] for row in self.db.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")
        ]
        papers: dict[str, set[int]] = {name.casefold(): set() for name in names}
        for name, paper_id in self.db.execute(
            "SELECT t.name, pt.paper_id FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
        ):
            parts = name.casefold().split("/")
            for depth in range(1, len(parts) + 1):
                ancestor = "/".join(parts[:depth])
                if ancestor in papers:
                    papers[ancestor].add(paper_id)
        from reader.summaries import TagCount  # made only here: see reader.summaries

        return [TagCount(name, len(papers[name.casefold()])) for name in names]

    def rename(self, old: str, new: str) -> bool:
        """Rename a tag and its whole subtree (``nlp`` → ``language`` takes ``nlp/fine-tuning``
        along); a name that exists already absorbs the renamed one. True if any merged."""
        new = clean_tag(new)
        with self.library.write():
            old_id = self.tag_id(old)
            old_name = self.db.execute("SELECT name FROM tags WHERE id = ?", [old_id]).fetchone()[0]
            if old_name.casefold() == new.casefold() and old_name != new:
                subtree = [(old_id, old_name)]  # only the spelling of this level changes
            else:
                subtree = self.db.execute(
                    "SELECT id, name FROM tags WHERE id = ? OR name LIKE ? ESCAPE '\\' ORDER BY id",
                    [old_id, like_escape(old_name) + "/%"],
                ).fetchall()
            moves = [(tag_id, new + name[len(old_name) :]) for tag_id, name in subtree]
            if any(target.casefold().startswith(old_name.casefold() + "/") for _, target in moves):
                raise ReaderError(f"cannot move tag {old_name} inside itself")
            targets = {}
            for tag_id, target in moves:
                row = self.db.execute(
                    "SELECT id FROM tags WHERE name = ? COLLATE NOCASE AND id != ?",
                    [target, tag_id],
                ).fetchone()
                targets[tag_id] = row[0] if row else None
            touched = sorted({tag_id for tag_id, _ in moves} | {t for t in targets.values() if t})
            where, params = _in("id", touched)
            pt_where, pt_params = _in("tag_id", touched)
            scopes = [Scope("tags", where, params), Scope("paper_tags", pt_where, pt_params)]
            with self.library.change(f"renamed tag {old_name} to {new}", scopes):
                for tag_id, target in moves:
                    merge_into = targets[tag_id]
                    if merge_into is None:
                        self.db.execute("UPDATE tags SET name = ? WHERE id = ?", [target, tag_id])
                        continue
                    self.db.execute(
                        "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) "
                        "SELECT paper_id, ? FROM paper_tags WHERE tag_id = ?",
                        [merge_into, tag_id],
                    )
                    self.db.execute("DELETE FROM tags WHERE id = ?", [tag_id])
        return any(targets.values())

    def delete(self, name: str) -> int:
        with self.library.write():
            tag_id = self.tag_id(name)
            scopes = [
                Scope("tags", "id = ?", (tag_id,)),
                Scope("paper_tags", "tag_id = ?", (tag_id,)),
            ]
            count = self.db.execute(
                "SELECT count(*) FROM paper_tags WHERE tag_id = ?", [tag_id]
            ).fetchone()[0]
            noun = "paper" if count == 1 else "papers"
            with self.library.change(f"deleted tag {name} from {count} {noun}", scopes):
                self.db["tags"].delete(tag_id)
        return count
