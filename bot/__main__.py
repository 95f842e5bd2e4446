"""`python -m bot` runs the `newsbot` command line."""

from bot.cli.main import entry_point

if __name__ == "__main__":  # worker processes import this module too; they must not run it
    entry_point()
