"""The CLI's sub-commands, one module per group."""

from __future__ import annotations

from bot.cli.commands import (
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
from bot.cli.commands.base import CommandModule

COMMAND_MODULES: tuple[CommandModule, ...] = (
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
