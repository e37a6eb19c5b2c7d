"""The library's storage: the only package that holds SQL or imports sqlite3.

``Library`` (in ``library.py``) is the front door; its parts live one per module.
"""

from reader.store.library import Library
from reader.store.search import SearchResult
from reader.store.undo import UndoEntry

__all__ = ["Library", "SearchResult", "UndoEntry"]
