"""Remove the configured secrets (bot token, webhook secret) from a text shown to people."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.ops.logs import RedactTokenFilter
from bot.ops.settings import Settings


def secrets_redactor(settings: Settings) -> RedactTokenFilter:
    """Return the log filter that redacts this configuration's token and webhook secret."""
    token = settings.telegram_bot_token
    secrets = [s.get_secret_value() for s in (settings.webhook_secret_token,) if s is not None]
    if settings.database_url is not None:  # the URL may carry the database password
        password = urlsplit(settings.database_url.get_secret_value()).password
        if password:
            secrets.append(password)
    return RedactTokenFilter(token.get_secret_value() if token else None, secrets=secrets)


def redact_secrets(settings: Settings, text: str) -> str:
    """Return `text` without the token, the webhook secret or anything token-shaped."""
    return secrets_redactor(settings).redact(text)
