"""One registry of export formats: the CLI's choices come from it, every format renders, the
JSON backup is the one ``import`` restores, and the backup's name and version live in one
place."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reader import backup_format
from reader.cli import main
from reader.export import EXPORT_FORMATS, FORMATS, LIBRARY_TITLE, ExportDocument, export_format
from reader.exporting import backup_text, library_document, query_document, render
from reader.importers import backup as backup_importer
from reader.importers.backup import parse_backup
from reader.models import ReaderError
from reader.store import Library
from reader.store import backup as backup_store


def test_the_cli_choices_are_the_registry() -> None:
    # The group loads a command's module when it is first asked for (never from .commands).
    export = main.get_command(click.Context(main), "export")
    assert export is not None
    option = next(param for param in export.params if param.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == FORMATS == tuple(EXPORT_FORMATS)
    assert {"markdown", "bibtex", "csl-json", "csv", "json"} <= set(FORMATS)


def test_each_format_knows_its_extension_and_one_is_the_backup() -> None:
    for name, item in EXPORT_FORMATS.items():
        assert item.name == name
        assert item.extension.startswith(".") and item.label
    assert [name for name, item in EXPORT_FORMATS.items() if item.backup] == ["json"]
    assert export_format("bibtex").extension == ".bib"
    with pytest.raises(ReaderError, match=r"unknown export format 'docx' \(formats: markdown"):
        export_format("docx")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_a_document(fmt: str, filled: Library) -> None:
    document = library_document(filled)
    text = render(document, fmt)
    assert text.endswith("\n")
    assert text == render(document, fmt)
    assert render(ExportDocument(title="Empty", papers=()), fmt) is not None


def test_all_papers_are_titled_one_way(filled: Library) -> None:
    assert library_document(filled).title == query_document(filled, "  ").title == LIBRARY_TITLE
    assert render(library_document(filled), "markdown").startswith(f"# {LIBRARY_TITLE}\n")
    document = json.loads(render(library_document(filled), "json"))
    assert document["name"] == LIBRARY_TITLE and len(document["papers"]) == 5


def test_the_backup_constants_are_shared() -> None:
    assert backup_importer.FORMAT is backup_format.FORMAT
    assert backup_importer.VERSION is backup_format.VERSION
    assert backup_store.FORMAT is backup_format.FORMAT
    assert backup_store.VERSION is backup_format.VERSION == 2


def test_all_as_json_is_the_backup_import_restores(filled: Library, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "backup.json"
    result = runner.invoke(
        main, ["--db", str(filled.path), "export", "--all", "--format", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text == backup_text(filled)
    data = parse_backup(text, "backup.json")
    assert (data["format"], data["version"]) == ("reader-backup", 2)
    assert out.stat().st_mode & 0o077 == 0  # a whole library is private
    # Any other format with --all is every paper, rendered like a list.
    result = runner.invoke(main, ["--db", str(filled.path), "export", "--all", "-f", "csv"])
    assert result.exit_code == 0 and result.stdout.startswith("id,key,title")
