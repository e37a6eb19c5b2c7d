"""Where the library lives. Functions only: nothing is created at import time."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "reader"
DB_ENV = "READER_DB"


def default_library_path() -> Path:
    """``READER_DB`` when set, else ``library.db`` in the platform's user data folder."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "library.db"
