"""Command handlers named by module and function, imported only when their command runs.

`newsbot --help` and a light command must not pay for importing every command's
dependencies (Telegram, aiohttp, the parsers, the emulator): the parsers are built from
these names, and the chosen command's module is imported after the arguments are parsed.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typing only: the settings module imports pydantic
    from bot.cli.commands.base import CommandHandler
    from bot.ops.settings_model import SettingsModel

COMMANDS_PACKAGE = "bot.cli.commands"


@dataclass(frozen=True, slots=True)
class LazyHandler:
    """A command handler by name: `bot.cli.commands.<module>.<function>`."""

    module: str
    function: str
    reads_only: bool = False
    """The command only reads the store: its settings load without pydantic-settings."""

    def load(self) -> CommandHandler:
        """Import the handler's module and return the handler."""
        handler: CommandHandler = getattr(
            importlib.import_module(f"{COMMANDS_PACKAGE}.{self.module}"), self.function
        )
        return handler

    async def __call__(self, settings: SettingsModel, args: argparse.Namespace) -> int:
        """Run the handler (importing it first)."""
        return await self.load()(settings, args)


def command(module: str, function: str, *, reads_only: bool = False) -> LazyHandler:
    """Name the handler of a sub-command (`handler=command("search", "search_command")`)."""
    return LazyHandler(module, function, reads_only)
