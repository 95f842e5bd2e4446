"""`python -m bot` runs the `newsbot` command line."""

from bot.cli import entry_point

entry_point()
