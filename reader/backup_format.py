"""The JSON backup's name and version, in one place: the store writes them
(``reader.store.backup``) and the importer checks them (``reader.importers.backup``).

Version 2 added the bibliographic record (authors, year, month, venue, publisher, entry type,
citation key, arXiv id, DOI, url, categories, the fields edited by hand) and attached files.
Version 1 backups still import; a newer version than this one is refused.
"""

from __future__ import annotations

from typing import Any

from reader.models import RECORD_FIELDS
from reader.text import json_text

FORMAT = "reader-backup"
VERSION = 2
# The fields a person can edit by hand (a backup's ``edited`` names only these).
EDITABLE_FIELDS = ("title", "abstract", *RECORD_FIELDS)


def render_backup(data: dict[str, Any]) -> str:
    """The backup as text: deterministic, so the same library always gives the same bytes."""
    return json_text(data) + "\n"
