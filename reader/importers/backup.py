"""Read and write reader's own JSON backup.

The backup is complete (papers, sources, links, tags, ratings, status, annotations, lists in
order) and deterministic: the same library always gives the same bytes, so backups diff cleanly.
Validation happens here, before the library is touched, so a damaged file is refused whole.
"""

from __future__ import annotations

import json
from typing import Any

from reader.models import STATUSES, ReaderError
from reader.text import json_text

FORMAT = "reader-backup"
VERSION = 1


def render_backup(data: dict[str, Any]) -> str:
    return json_text(data) + "\n"


def looks_like_backup(text: str) -> bool:
    return text.lstrip().startswith("{") and f'"{FORMAT}"' in text[:4096]


def _require(condition: bool, source: str, message: str) -> None:
    if not condition:
        raise ReaderError(f"{source}: not a valid reader backup ({message})")


MAX_ID = 2**63 - 1


def _is_id(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_ID


def _is_text(value: Any, *, optional: bool = False) -> bool:
    return isinstance(value, str) or (optional and value is None)


def parse_backup(text: str, source: str) -> dict[str, Any]:
    """Parse and validate a backup; raises ReaderError naming the first problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReaderError(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    _require(isinstance(data, dict), source, "the top level is not an object")
    _require(data.get("format") == FORMAT, source, f"format is not {FORMAT!r}")
    version = data.get("version")
    _require(isinstance(version, int), source, "no version")
    if version > VERSION:
        raise ReaderError(
            f"{source}: backup version {version} is newer than this reader understands "
            f"({VERSION}); upgrade reader to import it"
        )
    for section in ("papers", "tags", "annotations", "lists"):
        _require(isinstance(data.get(section), list), source, f"'{section}' is not a list")
    keys: set[str] = set()
    paper_ids: set[int] = set()
    for index, paper in enumerate(data["papers"]):
        where = f"paper {index + 1}"
        _require(isinstance(paper, dict), source, f"{where} is not an object")
        _require(_is_text(paper.get("key")) and paper["key"], source, f"{where} has no key")
        _require(_is_text(paper.get("title")) and paper["title"], source, f"{where} has no title")
        _require(_is_text(paper.get("abstract", "")), source, f"{where}: abstract")
        _require(paper["key"] not in keys, source, f"paper key {paper['key']} appears twice")
        keys.add(paper["key"])
        _require(paper.get("id") is None or _is_id(paper["id"]), source, f"{where}: id")
        _require(paper.get("id") not in paper_ids, source, f"{where}: id appears twice")
        if paper.get("id") is not None:
            paper_ids.add(paper["id"])
        rating = paper.get("rating")
        _require(
            rating is None or (type(rating) is int and 1 <= rating <= 5),
            source,
            f"{where}: rating {rating!r}",
        )
        _require(paper.get("status", "unread") in STATUSES, source, f"{where}: status")
        for name in ("sources", "links", "tags"):
            _require(isinstance(paper.get(name, []), list), source, f"{where}: {name}")
        for name in ("listed", "added", "read_at"):
            _require(_is_text(paper.get(name), optional=True), source, f"{where}: {name}")
        for link in paper.get("links", []):
            _require(
                isinstance(link, dict)
                and _is_text(link.get("url"))
                and _is_text(link.get("kind", "web"))
                and (link.get("position") is None or type(link["position"]) is int)
                and abs(link.get("position") or 0) <= MAX_ID,
                source,
                f"{where}: link",
            )
        for item in paper.get("sources", []):
            _require(
                isinstance(item, dict)
                and _is_text(item.get("file"))
                and _is_text(item.get("listed"), optional=True)
                and _is_text(item.get("added"), optional=True),
                source,
                f"{where}: source",
            )
        _require(all(_is_text(tag) for tag in paper.get("tags", [])), source, f"{where}: tags")
    _require(all(_is_text(tag) for tag in data["tags"]), source, "tags")
    note_ids: set[int] = set()
    for index, note in enumerate(data["annotations"]):
        where = f"annotation {index + 1}"
        _require(isinstance(note, dict), source, f"{where} is not an object")
        _require(
            _is_text(note.get("paper")) and note["paper"] in keys,
            source,
            f"{where} names an unknown paper",
        )
        _require(note.get("id") is None or _is_id(note["id"]), source, f"{where}: id")
        _require(note.get("id") not in note_ids, source, f"{where}: id appears twice")
        if note.get("id") is not None:
            note_ids.add(note["id"])
        _require(_is_text(note.get("body")) and note["body"], source, f"{where} has no body")
        for name in ("quote", "created", "updated"):
            _require(_is_text(note.get(name), optional=True), source, f"{where}: {name}")
    names: set[str] = set()
    for index, item in enumerate(data["lists"]):
        where = f"list {index + 1}"
        _require(isinstance(item, dict), source, f"{where} is not an object")
        _require(_is_text(item.get("name")) and item["name"], source, f"{where} has no name")
        _require(item["name"].casefold() not in names, source, f"{where}: duplicate name")
        names.add(item["name"].casefold())
        _require(isinstance(item.get("papers"), list), source, f"{where}: papers")
        for name in ("description", "created"):
            _require(_is_text(item.get(name), optional=True), source, f"{where}: {name}")
        for entry in item["papers"]:
            _require(
                isinstance(entry, dict) and _is_text(entry.get("paper")) and entry["paper"] in keys,
                source,
                f"{where} names an unknown paper",
            )
    return data
