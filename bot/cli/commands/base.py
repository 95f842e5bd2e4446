"""What every CLI command module shares: the handler type and the command error."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from bot.ops.settings import Settings

CommandHandler = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]


class CommandError(Exception):
    """A command could not do what was asked; the message is shown as one line."""


class CommandModule(Protocol):
    """A module that adds its sub-commands to the CLI."""

    def register(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        """Add this module's sub-commands, each with `handler` set as a default."""
