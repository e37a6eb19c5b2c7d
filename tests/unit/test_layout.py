"""The shape of the code, kept by tests: SQL stays in the store, Textual in the app, web clients
in reader/web/, modules stay readable in one sitting, no import cycles, and every command and
option of the CLI is in the README."""

from __future__ import annotations

import ast
import functools
import importlib
import re
from pathlib import Path

import click
import pytest

from reader.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "reader"
MAX_LINES = 400
STORAGE_MODULES = ("sqlite3", "sqlite_utils")


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@functools.cache  # each file is parsed once for all the tests that ask
def imported_names(path: Path) -> frozenset[str]:
    """Every module a file imports (absolute names; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return frozenset(names)


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_only_the_store_imports_sqlite(path: Path) -> None:
    if path.is_relative_to(PACKAGE / "store"):
        return
    storage = {name for name in imported_names(path) if name.split(".")[0] in STORAGE_MODULES}
    assert not storage, f"{path.relative_to(ROOT)} imports {storage}: SQL lives in reader/store/"


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_is_longer_than_a_sitting(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"


def test_the_core_never_imports_the_terminal_face() -> None:
    core = [path for path in modules() if not path.is_relative_to(PACKAGE / "tui")]
    for path in core:
        faces = {name for name in imported_names(path) if name.split(".")[0] == "textual"}
        faces |= {name for name in imported_names(path) if name.startswith("reader.tui")}
        allowed = path.is_relative_to(PACKAGE / "cli")  # the CLI opens the app, lazily
        assert allowed or not faces, f"{path.relative_to(ROOT)} imports {faces}"


WEB_CLIENTS = ("requests", "urllib3", "arxiv", "urllib.request", "http.client")


@pytest.mark.parametrize("path", modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_only_the_web_package_talks_to_other_hosts(path: Path) -> None:
    """reader/web/ is the one client of other hosts (reader/serve/ is a server on this one)."""
    if path.is_relative_to(PACKAGE / "web"):
        return
    clients = {
        name
        for name in imported_names(path)
        if any(name == client or name.startswith(client + ".") for client in WEB_CLIENTS)
    }
    assert not clients, f"{path.relative_to(ROOT)} imports {clients}: the web is reader/web/"


def test_no_import_cycles_between_modules() -> None:
    """Module-level imports only (imports inside functions are how cycles are broken)."""
    graph: dict[str, set[str]] = {}
    names = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in modules()
    }
    for name, path in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for candidate in (node.module, *(f"{node.module}.{a.name}" for a in node.names)):
                    if candidate in names and candidate != name:
                        targets.add(candidate)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name in names)
        graph[name] = targets
    # A package's __init__ importing its own submodules is how packages are built, not a cycle.
    for name in graph:
        graph[name] = {
            target
            for target in graph[name]
            if not (target.startswith(name + ".") or name.startswith(target + "."))
        }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*visiting[visiting.index(node) :], node])
        visiting.append(node)
        for target in sorted(graph[node]):
            visit(target)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):  # loads lazily registered commands too
        command = group.get_command(context, name)
        assert command is not None, f"`reader {prefix}{name}` is listed but does not load"
        full = f"{prefix}{name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{full} "))
    return found


README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [name for name, _ in commands(main)])
def test_every_command_is_in_the_readme(name: str) -> None:
    assert re.search(rf"`reader {re.escape(name)}\b", README) or re.search(
        rf"reader {re.escape(name)}\b", README
    ), f"`reader {name}` is not documented in README.md"


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, option)
        for name, command in commands(main)
        for parameter in command.params
        if isinstance(parameter, click.Option)
        for option in parameter.opts
        if option.startswith("--") and option != "--help"
    ],
)
def test_every_option_is_in_the_readme(name: str, option: str) -> None:
    assert option in README, f"`reader {name} {option}` is not documented in README.md"


def test_every_command_module_is_loaded_lazily_by_the_right_name() -> None:
    """A command registered by a module missing from ``main.lazy`` would never load."""
    cli = PACKAGE / "cli"
    for path in sorted(cli.glob("*.py")):
        if path.stem in ("__init__", "base", "group"):
            continue
        importlib.import_module(f"reader.cli.{path.stem}")
    for name, command in main.commands.items():
        module = command.callback.__module__ if command.callback else ""
        if module == "reader.cli.group":
            continue
        assert main.lazy.get(name) == module, f"`reader {name}` ({module}) is not in main.lazy"
