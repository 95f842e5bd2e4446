"""What every CLI command module shares: the handler type, the command errors and the
argument types. Light to import: the parsers (`bot.cli.parsers`) use it at start-up."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # typing only: the settings module imports pydantic
    from bot.ops.settings_model import SettingsModel

CommandHandler = Callable[["SettingsModel", argparse.Namespace], Coroutine[Any, Any, int]]
"""A command: its settings (`Settings`, or the bare model for commands that only read) and
its arguments; returns the exit code."""


MAX_ID = 2**63 - 1
"""The largest id a database row can have (a signed 64-bit integer)."""


def record_id(text: str) -> int:
    """An argparse type: a stored row's id, a whole number from 1 to `MAX_ID`."""
    value = text.strip()
    if not (value.isascii() and value.isdecimal()) or not 1 <= int(value) <= MAX_ID:
        raise argparse.ArgumentTypeError(
            f"not an id (a whole number from 1 to {MAX_ID}): {text!r}"
        )
    return int(value)


def whole_number(text: str) -> int:
    """An argparse type: a whole number that fits a database integer (±`MAX_ID`)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not -MAX_ID <= value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"out of range (at most {MAX_ID}): {text!r}")
    return value


class CommandError(Exception):
    """A command could not do what was asked; the message is shown as one line."""


class MissingTokenCommandError(CommandError):
    """Raised when a command needs a token and has none; the CLI exits with the usage code."""


def port_number(text: str) -> int:
    """Parse a TCP port (1-65535) for argparse, which shows the refusal as one line."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1-65535, not {port}")
    return port


def port_or_any(text: str) -> int:
    """Parse a TCP port, or 0 for any free port."""
    return 0 if text.strip() == "0" else port_number(text)
