"""Settings that stay (the TOML file, its errors, saving one setting) and ``reader stats``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli import Reader

from reader.cli import main
from reader.config import (
    ConfigError,
    Settings,
    default_library_path,
    load_settings,
    load_settings_or_defaults,
    save_setting,
)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(path))
    monkeypatch.delenv("READER_DB", raising=False)
    return path


def test_no_file_means_the_defaults(config: Path) -> None:
    assert load_settings() == Settings()


def test_a_file_sets_library_theme_sort_columns_and_keys(config: Path, tmp_path: Path) -> None:
    config.parent.mkdir()
    config.write_text(
        f'library = "{tmp_path / "papers.db"}"\ntheme = "nord"\nsort = "year"\n'
        'columns = ["status", "year"]\n\n[keys]\nrate-1 = "!"\n',
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.theme == "nord" and settings.sort == "year"
    assert settings.columns == ("status", "year") and settings.keys == {"rate-1": "!"}
    assert default_library_path() == tmp_path / "papers.db"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('theme = "unclosed\n', "line 1"),
        ('\n\nsort = "sideways"\n', "sort must be one of"),
        ('colour = "red"\n', "colour is not a setting"),
        ('columns = ["status", "colour"]\n', "columns must be a list of"),
        ("[keys]\nrate-1 = 5\n", "keys must be a table"),
    ],
)
def test_a_broken_file_names_its_problem_and_the_app_can_use_defaults(
    config: Path, text: str, says: str
) -> None:
    config.parent.mkdir()
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=says):
        load_settings()
    settings, warning = load_settings_or_defaults()
    assert settings == Settings() and warning and "default settings" in warning
    result = CliRunner().invoke(main, ["config", "show"])
    assert result.exit_code == 1 and says.split()[0] in result.stderr


def test_saving_one_setting_keeps_the_rest_of_the_file(config: Path) -> None:
    config.parent.mkdir()
    config.write_text('# my settings\ntheme = "nord"\n\n[keys]\nrate-1 = "!"\n', encoding="utf-8")
    save_setting("theme", "catppuccin-latte")
    save_setting("sort", "added")
    text = config.read_text(encoding="utf-8")
    assert text.startswith('# my settings\ntheme = "catppuccin-latte"\n')
    settings = load_settings()
    assert settings.sort == "added" and settings.keys == {"rate-1": "!"}
    with pytest.raises(ConfigError):
        save_setting("keys", {})


def test_config_commands(config: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["config", "path"]).stdout.strip() == str(config)
    shown = json.loads(runner.invoke(main, ["config", "show", "--json"]).stdout)
    assert shown["sort"] == "relevance" and shown["keys"] == {}


def test_stats(tmp_path: Path, fixtures_dir: Path) -> None:
    reader = Reader(tmp_path / "lib.db")
    reader.ok("import", str(fixtures_dir / "listing-1-mar-11-blank.txt"))
    reader.ok("status", "1", "read")
    reader.ok("tag", "1", "nlp")
    figures = reader.json("stats", "--weeks", "4")
    assert figures["papers"] == 5 and figures["statuses"]["read"] == 1
    assert len(figures["weeks"]) == 4
    assert figures["weeks"][-1]["added"] == 5 and figures["weeks"][-1]["read"] == 1
    assert figures["tags"] == [{"name": "nlp", "count": 1}]
    text = reader.ok("stats").stdout
    assert "Added per week" in text and "█" in text and "nlp" in text
