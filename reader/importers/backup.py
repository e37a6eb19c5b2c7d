"""Read reader's own JSON backup (``reader.backup_format`` names and renders it).

The backup is complete (papers with their bibliographic record, sources, links, attached files,
tags, ratings, status, annotations, lists in order) and deterministic: the same library always
gives the same bytes, so backups diff cleanly. Validation happens here, before the library is
touched, so a damaged file is refused whole.

A backup may come from anyone, so it meets the same rules as everything else that enters the
library: tag and list names, citation keys, arXiv ids, DOIs, web addresses, years and months as
the CLI would accept them (``reader.editing``), ids far from SQLite's limits, and text cleaned as
every importer cleans it. Version 1 backups (before the record) still import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from reader.backup_format import EDITABLE_FIELDS, FORMAT, VERSION, render_backup
from reader.editing import parse_field
from reader.keys import clean_list_name, clean_tag
from reader.models import STATUSES, ReaderError
from reader.text import clean_text, is_blank

__all__ = ["FORMAT", "VERSION", "looks_like_backup", "parse_backup", "render_backup"]

# Ids (and link positions) stay far below SQLite's 2**63 - 1: a restored id near the top would
# leave AUTOINCREMENT nothing to count up to, and every later insert would fail.
MAX_ID = 2**53
LINK_KINDS = ("web", "code")
MAX_KEY_LENGTH = 200
_WEB_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
# Record fields checked by the CLI's rules, and the name each is refused by.
_CHECKED = {"citekey": "citekey", "arxiv": "arxiv", "doi": "doi", "url": "url"}


def looks_like_backup(text: str) -> bool:
    return text.lstrip().startswith("{") and f'"{FORMAT}"' in text[:4096]


class _Invalid(Exception):
    """What is wrong with a backup, worded for the one-line refusal."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Invalid(message)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_id(value: Any) -> bool:
    return type(value) is int and 1 <= value <= MAX_ID


def _is_key(value: Any) -> bool:
    """A paper key as ``paper_key`` makes them: one printable word."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_KEY_LENGTH
        and value.isprintable()
        and not any(ch.isspace() for ch in value)
    )


def _text(item: dict[str, Any], name: str, where: str, *, multiline: bool = False) -> None:
    """Clean an optional text field in place; anything but a string or null is refused."""
    value = item.get(name)
    if value is None:
        return
    _require(isinstance(value, str), f"{where}: {name} {_shown(value)} is not text")
    item[name] = clean_text(value, multiline=multiline)


def _required_text(item: dict[str, Any], name: str, where: str, *, multiline: bool = False) -> str:
    value = item.get(name)
    _require(isinstance(value, str), f"{where} has no {name}")
    cleaned = clean_text(value, multiline=multiline)
    _require(not is_blank(cleaned), f"{where} has no {name}")
    item[name] = cleaned
    return cleaned


def _name(value: Any, clean: Callable[[str], str], where: str) -> str:
    """A tag or list name cleaned like all imported text, then as the CLI would take it, or
    the CLI's reason for refusing it."""
    _require(isinstance(value, str), f"{where}: {_shown(value)} is not text")
    try:
        return clean(clean_text(value))
    except ReaderError as error:
        raise _Invalid(f"{where}: {error}") from None


def _list(item: dict[str, Any], name: str, where: str) -> list[Any]:
    value = item.get(name, [])
    _require(isinstance(value, list), f"{where}: '{name}' is not a list")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    _require(isinstance(value, dict), f"{where} is not an object")
    return value


def _load(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReaderError(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ReaderError(f"{source}: not valid JSON (nested too deeply)") from None
    except ValueError:  # Python refuses to convert integers of thousands of digits
        raise ReaderError(f"{source}: not valid JSON (a number with too many digits)") from None


def parse_backup(text: str, source: str) -> dict[str, Any]:
    """Parse, validate and clean a backup; raises ReaderError naming the first problem."""
    data = _load(text, source)
    try:
        _require(isinstance(data, dict), "the top level is not an object")
        _require(data.get("format") == FORMAT, f"format is not {FORMAT!r}")
        version = data.get("version")
        _require(type(version) is int and version >= 1, "no version")
        if version > VERSION:
            raise ReaderError(
                f"{source}: backup version {version} is newer than this reader understands "
                f"({VERSION}); upgrade reader to import it"
            )
        _validate(data)
    except _Invalid as error:
        raise ReaderError(f"{source}: not a valid reader backup ({error})") from None
    return data


def _validate(data: dict[str, Any]) -> None:
    for section in ("papers", "tags", "annotations", "lists"):
        _require(isinstance(data.get(section), list), f"'{section}' is not a list")
    keys = _validate_papers(data["papers"])
    data["tags"] = [
        _name(tag, clean_tag, f"tag {index + 1}") for index, tag in enumerate(data["tags"])
    ]
    _validate_annotations(data["annotations"], keys)
    _validate_lists(data["lists"], keys)


def _validate_papers(papers: list[Any]) -> set[str]:
    keys: set[str] = set()
    ids: set[int] = set()
    unique: dict[str, set[str]] = {"citekey": set(), "arxiv": set(), "doi": set()}
    for index, paper in enumerate(papers):
        where = f"paper {index + 1}"
        _object(paper, where)
        key = paper.get("key")
        _require(key is not None, f"{where} has no key")
        _require(_is_key(key), f"{where}: key {_shown(key)} is not a paper key")
        _require(key not in keys, f"paper key {key} appears twice")
        keys.add(key)
        paper_id = paper.get("id")
        if paper_id is not None:
            _require(_is_id(paper_id), f"{where}: id {_shown(paper_id)} is not from 1 to 2**53")
            _require(paper_id not in ids, f"{where}: id {paper_id} appears twice")
            ids.add(paper_id)
        _required_text(paper, "title", where)
        _text(paper, "abstract", where)
        rating = paper.get("rating")
        _require(
            rating is None or (type(rating) is int and 1 <= rating <= 5),
            f"{where}: rating {_shown(rating)} is not from 1 to 5",
        )
        status = paper.get("status", "unread")
        _require(
            isinstance(status, str) and status in STATUSES,
            f"{where}: status {_shown(status)} is not one of {', '.join(STATUSES)}",
        )
        for name in ("listed", "added", "read_at"):
            _text(paper, name, where)
        for number, item in enumerate(_list(paper, "sources", where)):
            _validate_source(item, f"{where}, source {number + 1}")
        for number, link in enumerate(_list(paper, "links", where)):
            _validate_link(link, f"{where}, link {number + 1}")
        if "tags" in paper:
            paper["tags"] = [_name(tag, clean_tag, where) for tag in _list(paper, "tags", where)]
        _validate_record(paper, where, unique)
    return keys


def _validate_record(paper: dict[str, Any], where: str, unique: dict[str, set[str]]) -> None:
    """The bibliographic record (version 2): each field as ``reader edit`` would take it,
    identifiers unique within the backup, as they are within a library. Fields left out (as
    in version 1) stay out: the restore fills them with their empty values."""
    if "authors" in paper:
        paper["authors"] = [
            _author(item, f"{where}, author {number + 1}")
            for number, item in enumerate(_list(paper, "authors", where))
        ]
    for name, low, high in (("year", 1, 9999), ("month", 1, 12)):
        value = paper.get(name)
        _require(
            value is None or (type(value) is int and low <= value <= high),
            f"{where}: {name} {_shown(value)} is not from {low} to {high}",
        )
    for name in ("venue", "publisher"):
        _text(paper, name, where)
    if "entry_type" in paper:
        kind = paper["entry_type"] or "misc"
        _require(isinstance(kind, str), f"{where}: entry_type {_shown(kind)} is not text")
        paper["entry_type"] = _checked("entry_type", kind, where)
    for name in _CHECKED:
        if name not in paper:
            continue
        value = paper[name]
        _require(
            value is None or isinstance(value, str), f"{where}: {name} {_shown(value)} is not text"
        )
        if value is None or not value.strip():
            paper[name] = None
            continue
        paper[name] = _checked(name, value, where)
        if name != "url":
            folded = paper[name].casefold()
            _require(folded not in unique[name], f"{where}: {name} {paper[name]} appears twice")
            unique[name].add(folded)
    categories = _list(paper, "categories", where)
    _require(
        all(isinstance(item, str) and item.split() == [item] for item in categories),
        f"{where}: categories are not single words",
    )
    edited = _list(paper, "edited", where)
    _require(
        all(item in EDITABLE_FIELDS for item in edited),
        f"{where}: edited names a field that is not one of {', '.join(EDITABLE_FIELDS)}",
    )
    _text(paper, "changed", where)
    for number, item in enumerate(_list(paper, "files", where)):
        _validate_file(item, f"{where}, file {number + 1}")


def _checked(name: str, value: str, where: str) -> Any:
    try:
        checked = parse_field(name, value)
    except ReaderError as error:
        raise _Invalid(f"{where}: {error}") from None
    _require(checked is not None, f"{where} has an empty {name}")
    return checked


def _author(item: Any, where: str) -> dict[str, str]:
    _object(item, where)
    family, given = item.get("family"), item.get("given", "")
    _require(isinstance(family, str) and isinstance(given, str), f"{where} is not a name")
    family, given = clean_text(family), clean_text(given)
    _require(not is_blank(family), f"{where} has no family name")
    return {"family": family, "given": given}


def _validate_file(item: Any, where: str) -> None:
    _object(item, where)
    _required_text(item, "path", where)
    digest = item.get("sha256")
    _require(
        digest is None or (isinstance(digest, str) and bool(_SHA256.fullmatch(digest))),
        f"{where}: sha256 {_shown(digest)} is not 64 hexadecimal digits",
    )
    _text(item, "added", where)


def _validate_source(item: Any, where: str) -> None:
    _object(item, where)
    _required_text(item, "file", where)
    for name in ("listed", "added"):
        _text(item, name, where)


def _validate_link(link: Any, where: str) -> None:
    _object(link, where)
    url = link.get("url")
    _require(isinstance(url, str), f"{where} has no url")
    cleaned = clean_text(url).strip()
    _require(bool(_WEB_URL.match(cleaned)), f"{where}: {_shown(url)} is not a web address")
    link["url"] = cleaned
    kind = link.get("kind", "web")
    _require(
        isinstance(kind, str) and kind in LINK_KINDS,
        f"{where}: kind {_shown(kind)} is not one of {', '.join(LINK_KINDS)}",
    )
    position = link.get("position")
    _require(
        position is None or (type(position) is int and 0 <= position <= MAX_ID),
        f"{where}: position {_shown(position)} is not from 0 to 2**53",
    )


def _validate_annotations(notes: list[Any], keys: set[str]) -> None:
    ids: set[int] = set()
    for index, note in enumerate(notes):
        where = f"annotation {index + 1}"
        _object(note, where)
        paper = note.get("paper")
        _require(isinstance(paper, str) and paper in keys, f"{where} names an unknown paper")
        note_id = note.get("id")
        if note_id is not None:
            _require(_is_id(note_id), f"{where}: id {_shown(note_id)} is not from 1 to 2**53")
            _require(note_id not in ids, f"{where}: id {note_id} appears twice")
            ids.add(note_id)
        _required_text(note, "body", where, multiline=True)
        _text(note, "quote", where, multiline=True)
        for name in ("created", "updated"):
            _text(note, name, where)


def _validate_lists(lists: list[Any], keys: set[str]) -> None:
    names: set[str] = set()
    for index, item in enumerate(lists):
        where = f"list {index + 1}"
        _object(item, where)
        _require("name" in item, f"{where} has no name")
        name = _name(item["name"], clean_list_name, where)
        _require(name.casefold() not in names, f"{where}: name {name!r} appears twice")
        names.add(name.casefold())
        item["name"] = name
        _require(isinstance(item.get("papers"), list), f"{where}: 'papers' is not a list")
        _text(item, "description", where, multiline=True)
        _text(item, "created", where)
        for number, entry in enumerate(item["papers"]):
            entry_where = f"{where}, entry {number + 1}"
            _object(entry, entry_where)
            paper = entry.get("paper")
            _require(
                isinstance(paper, str) and paper in keys, f"{entry_where} names an unknown paper"
            )
            _text(entry, "added", entry_where)
