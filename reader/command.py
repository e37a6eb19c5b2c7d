"""The ``reader`` command's entry point, and ``python -m reader``'s.

Importing the command line makes tens of thousands of objects that live as long as the
process: click, the models, the group of commands. Made with the cyclic garbage collector
running, they were walked by it on the way and again by every later collection, full ones
included, although none of them is ever garbage. Here they are made with the collector paused
and then set aside for good (``gc.freeze``): 0.90-0.93x the wall time of ``reader tag``,
``rate`` and ``papers`` at 100,000 papers. Only in a process started to run one command: the command
line imported into another program (the tests call ``reader.cli.main``) leaves that
program's collector as it is.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click


def load_command_line() -> click.Group:
    """``reader.cli.main``, imported with the collector paused, its objects then frozen."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from reader.cli import main
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    return main


def run() -> None:
    load_command_line()()
