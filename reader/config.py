"""Where the library lives, and the settings that stay between runs.

Settings live in a TOML file in the user config folder (``reader config path``): the library,
the theme, the default sort, the paper list's columns and key remaps by binding id. A broken
file is an error naming its line; the app then starts with the defaults and says so. Functions
only: nothing is created or read at import time.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.models import SORTS, ReaderError

APP_NAME = "reader"
DB_ENV = "READER_DB"
CONFIG_ENV = "READER_CONFIG"
COLUMNS = ("status", "rating", "tags", "authors", "year", "listed", "added")
DEFAULT_COLUMNS = ("status", "rating", "tags", "authors", "year", "listed")
KNOWN = ("library", "theme", "sort", "columns", "keys")


class ConfigError(ReaderError):
    """The settings file cannot be used; the message names the file and the line or key."""


@dataclass(frozen=True)
class Settings:
    library: Path | None = None
    theme: str | None = None
    sort: str = "relevance"
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    keys: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "library": str(self.library) if self.library else None,
            "theme": self.theme,
            "sort": self.sort,
            "columns": list(self.columns),
            "keys": dict(self.keys),
        }


def config_path() -> Path:
    """``READER_CONFIG`` when set, else ``config.toml`` in the user config folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path  # only when the settings are looked for

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """The settings in the file (defaults when there is none); ConfigError when it is broken."""
    import tomllib

    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    return _settings(path, data)


def _settings(path: Path, data: dict[str, Any]) -> Settings:
    def bad(key: str, why: str) -> ConfigError:
        return ConfigError(f"{path}: {key} {why} (at line {_line_of(path, key)})")

    unknown = sorted(set(data) - set(KNOWN))
    if unknown:
        raise bad(unknown[0], f"is not a setting (settings: {', '.join(KNOWN)})")
    library = data.get("library")
    if library is not None and (not isinstance(library, str) or not library.strip()):
        raise bad("library", "must be a file path in quotes")
    theme = data.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise bad("theme", "must be a theme name in quotes")
    sort = data.get("sort", "relevance")
    if sort not in SORTS:
        raise bad("sort", f"must be one of {', '.join(SORTS)}")
    columns = data.get("columns", list(DEFAULT_COLUMNS))
    if not isinstance(columns, list) or any(column not in COLUMNS for column in columns):
        raise bad("columns", f"must be a list of {', '.join(COLUMNS)}")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(key, str) and isinstance(value, str) and value.strip()
        for key, value in keys.items()
    ):
        raise bad("keys", 'must be a table of binding-id = "key" (e.g. rate-1 = "!")')
    return Settings(
        library=Path(library).expanduser() if library else None,
        theme=theme,
        sort=sort,
        columns=tuple(dict.fromkeys(columns)),
        keys=dict(keys),
    )


def _line_of(path: Path, key: str) -> int | str:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(rf"\s*(\[{re.escape(key)}\]|{re.escape(key)}\s*=)", line):
                return number
    except OSError:
        pass
    return "?"


def load_settings_or_defaults(path: Path | None = None) -> tuple[Settings, str | None]:
    """For the app: the settings, or the defaults and the reason the file was not used."""
    try:
        return load_settings(path), None
    except ConfigError as error:
        return Settings(), f"{error}; started with the default settings"


def save_setting(name: str, value: Any, path: Path | None = None) -> None:
    """Set one top-level setting, keeping the rest of the file (comments included) as it is;
    the file is replaced whole, never left half-written."""
    import tomllib

    if name not in ("library", "theme", "sort", "columns"):
        raise ConfigError(f"{name} is not a setting that can be saved")
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = "# reader settings: `reader config show` prints what is in effect.\n"
    encoded = f"{name} = {json.dumps(value, ensure_ascii=False)}"
    lines = text.splitlines()
    pattern = re.compile(rf"\s*{re.escape(name)}\s*=")
    table = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    for index, line in enumerate(lines[:table]):
        if pattern.match(line):
            lines[index] = encoded
            break
    else:
        lines.insert(table, encoded)
    new_text = "\n".join(lines) + "\n"
    tomllib.loads(new_text)  # never write a file that will not read back
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only when the settings are written

    handle, temporary = tempfile.mkstemp(prefix=".config.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(new_text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def default_library_path() -> Path:
    """``READER_DB`` when set, else the library named in the settings, else ``library.db`` in
    the platform's user data folder. A broken settings file does not stop the command here:
    the default place is used (``reader config show`` reports the problem)."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    settings, _ = load_settings_or_defaults()
    if settings.library:
        return settings.library
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "library.db"
