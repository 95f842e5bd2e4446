"""`newsbot run`: the bot's main job — take updates (polling or webhook), ingest, publish."""

from __future__ import annotations

import argparse
import contextlib

from telegram.error import InvalidToken, NetworkError

from bot.app.application import build_application
from bot.app.instance_lock import InstanceLockedError, single_instance
from bot.app.integrity import DamagedDatabaseError
from bot.app.lifecycle import run_until_stopped
from bot.cli.checks import refused_token
from bot.cli.commands.base import CommandError, MissingTokenCommandError
from bot.ops.redact import redact_secrets
from bot.ops.settings import Settings

NO_TOKEN = "TELEGRAM_BOT_TOKEN is not set; run `newsbot demo` to try the bot locally"


async def run_bot(settings: Settings, args: argparse.Namespace) -> int:  # noqa: ARG001  # every handler takes the parsed args
    """Run until SIGINT/SIGTERM; start-up failures become one line without secrets."""
    if settings.telegram_bot_token is None:
        raise MissingTokenCommandError(NO_TOKEN)
    application = build_application(settings)
    try:
        with contextlib.ExitStack() as stack:
            if not settings.uses_postgresql:  # SQLite serves one bot process per file
                stack.enter_context(single_instance(settings.database_path))
            await run_until_stopped(application)
    except (DamagedDatabaseError, InstanceLockedError) as exc:
        raise CommandError(str(exc)) from None
    except InvalidToken as exc:
        raise CommandError(refused_token(settings, exc)) from None
    except NetworkError as exc:
        raise CommandError(
            f"cannot reach the Bot API at {settings.telegram_api_base_url}: "
            f"{redact_secrets(settings, str(exc))}"
        ) from None
    except OSError as exc:  # the webhook or health port could not be bound
        raise CommandError(f"cannot start: {redact_secrets(settings, str(exc))}") from None
    return 0
