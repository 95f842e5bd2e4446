"""Remove the configured secrets (bot token, webhook secret) from a text shown to people."""

from __future__ import annotations

from bot.ops.logs import RedactTokenFilter
from bot.ops.settings import Settings


def secrets_redactor(settings: Settings) -> RedactTokenFilter:
    """Return the log filter that redacts this configuration's token and webhook secret."""
    token = settings.telegram_bot_token
    secret = settings.webhook_secret_token
    return RedactTokenFilter(
        token.get_secret_value() if token else None,
        secrets=[secret.get_secret_value()] if secret else [],
    )


def redact_secrets(settings: Settings, text: str) -> str:
    """Return `text` without the token, the webhook secret or anything token-shaped."""
    return secrets_redactor(settings).redact(text)
