"""Logging set-up: one line per event, and the bot token redacted from every record."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

# Telegram bot tokens look like `123456789:AA...` (35 url-safe characters after the colon).
# No `\b` in front: inside Bot API URLs the token follows `/bot` directly.
_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}")


_HANDLER_NAME = "newsbot"


class RedactTokenFilter(logging.Filter):
    """Replace the token, other secrets, and anything shaped like a bot token with `<redacted>`."""

    def __init__(self, token: str | None = None, *, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._token = token
        # Other secrets (the webhook secret: A-Z a-z 0-9 _ -) are replaced only where they
        # stand alone, so that a short secret cannot mangle longer words that contain it.
        self._secrets = [
            re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(s)}(?![A-Za-z0-9_-])") for s in secrets if s
        ]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drop it."""
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def redact(self, text: str) -> str:
        """Return `text` with the token and the other secrets removed."""
        if self._token:
            text = text.replace(self._token, "<redacted>")
        for secret in self._secrets:
            text = secret.sub("<redacted>", text)
        return _TOKEN_SHAPE.sub("<redacted>", text)


def configure_logging(
    level: str, *, token: str | None = None, secrets: Iterable[str | None] = ()
) -> None:
    """Send `key=value`-style lines to stderr at `level`, with the token and secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s level=%(levelname)s logger=%(name)s %(message)s")
    )
    handler.addFilter(RedactTokenFilter(token, secrets=secrets))
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: too much, even for DEBUG.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
