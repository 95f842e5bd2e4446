"""The `newsbot` command line: parse arguments, load settings, run one command, exit.

Start-up stays light: the parsers name their handlers, and what a command needs (settings,
the database, Telegram, the emulator) is imported once the arguments say which command runs,
so `newsbot --help` answers in a fraction of the time importing everything would take.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, cast

from bot.cli.commands.base import CommandError, CommandHandler, MissingTokenCommandError
from bot.cli.output import fail, warn
from bot.cli.parsers import PARSER_MODULES
from bot.ops.version import newsbot_version

if TYPE_CHECKING:  # typing only: the model imports pydantic
    from bot.ops.settings_model import SettingsModel

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, naming the command and its help."""

    def error(self, message: str) -> NoReturn:
        """Print `newsbot: error: <command>: <message> (see <command> --help)`; exit 2."""
        command = self.prog.removeprefix("newsbot").strip()
        where = f"{command}: " if command else ""
        self.exit(EXIT_USAGE, f"newsbot: error: {where}{message} (see `{self.prog} --help`)\n")


class VersionAction(argparse.Action):
    """`--version`: print the installed version and exit (looked up only when asked)."""

    def __init__(self, option_strings: Sequence[str], dest: str) -> None:
        """Take no value, like argparse's own version action."""
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show the version and exit",
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,  # noqa: ARG002  # argparse's signature
        values: object,  # noqa: ARG002  # argparse's signature
        option_string: str | None = None,  # noqa: ARG002  # argparse's signature
    ) -> NoReturn:
        """Print `newsbot <version>` on standard output and exit 0."""
        print(f"newsbot {newsbot_version()}")
        parser.exit(EXIT_OK)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered."""
    parser = OneLineParser(
        prog="newsbot",
        description="An async Telegram bot for news sharing and discussion.",
        epilog="Settings come from the environment and .env (see .env.example).",
    )
    parser.add_argument("--version", action=VersionAction)
    # Sub-parsers are made by the parent's class (`OneLineParser`), typed as their base.
    commands = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND"),
    )
    for module in PARSER_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return EXIT_USAGE
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Load the settings and run the parsed command; failures become one line and a code."""
    # Imported here, once a command is chosen: pydantic, asyncio and the engines' errors are
    # a third of a second that `--help` and a usage error need not pay.
    import asyncio

    from bot.ops.logs import configure_logging
    from bot.ops.settings_env import env_file_typos
    from bot.ops.settings_model import SettingsError
    from news.errors import NewsError
    from storage.errors import StorageError

    try:
        settings = load_settings(reads_only=getattr(args.handler, "reads_only", False))
    except SettingsError as exc:
        fail(str(exc))
        return EXIT_USAGE
    for warning in env_file_typos():  # once per command, before anything else is said
        warn(warning)
    # PTB 22 warns about float durations unless told to use timedelta (warnings are errors
    # in tests); opting in changes only the types of a few exception attributes.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    webhook_secret = settings.webhook_secret_token
    configure_logging(
        settings.log_level,
        token=token,
        secrets=[webhook_secret.get_secret_value()] if webhook_secret else [],
        log_format=settings.log_format,
    )
    try:
        handler: CommandHandler = args.handler
        return asyncio.run(handler(settings, args))
    except MissingTokenCommandError as exc:
        fail(str(exc))
        return EXIT_USAGE
    except (CommandError, NewsError, StorageError) as exc:
        fail(str(exc))
        return EXIT_FAILURE
    except OSError as exc:  # the machine refused (a file, a folder, a port): say which
        fail(describe_os_error(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        fail("interrupted")
        return 130


def load_settings(*, reads_only: bool) -> SettingsModel:
    """Load the settings: without pydantic-settings for a command that only reads the store
    (`newsbot search` starts ~70 ms sooner), with it for every other."""
    if reads_only:
        from bot.ops.settings_env import read_settings

        return read_settings()
    from bot.ops.settings import load_settings as load_all

    return load_all()


def describe_os_error(exc: OSError) -> str:
    """One line for an operating-system error: what failed, on which file, and why."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    target = exc.filename if exc.filename is not None else None
    return f"{target}: {reason}" if target is not None else reason


def entry_point() -> None:
    """Console-script entry: exit with `main()`'s code."""
    sys.exit(main())
