"""The library's storage: the only package that holds SQL or imports sqlite3.

``Library`` (in ``library.py``) is the front door; its parts live one per module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.store.library import Library

if TYPE_CHECKING:
    from reader.store.search import SearchResult
    from reader.store.undo import UndoEntry

__all__ = ["Library", "SearchResult", "UndoEntry"]

# Imported when first asked for: a one-shot command such as ``reader rate`` never searches, and
# the search module brings the bitmap library with it.
_LAZY = {"SearchResult": "reader.store.search", "UndoEntry": "reader.store.undo"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reader.store' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
