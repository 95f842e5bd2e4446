"""The CLI's sub-command parsers, one module per group, light to import.

Each module adds its sub-commands with `register(commands)`, naming each handler (in
`bot.cli.commands`) by module and function; a handler's module is imported only when its
command runs (`bot.cli.parsers.lazy`), so `newsbot --help` imports no command's dependencies.
"""

from __future__ import annotations

import argparse
from typing import Protocol

from bot.cli.parsers import (
    channels,
    check,
    db,
    demo,
    emulator,
    fetch,
    importer,
    opml,
    routes,
    run,
    search,
    sources,
)


class ParserModule(Protocol):
    """A module that adds its sub-commands to the CLI."""

    def register(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        """Add this module's sub-commands, each with `handler` set as a default."""


PARSER_MODULES: tuple[ParserModule, ...] = (
    demo,
    run,
    check,
    sources,
    channels,
    routes,
    fetch,
    importer,
    search,
    opml,
    db,
    emulator,
)
