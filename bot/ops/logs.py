"""Logging set-up: one line per event, and the bot token redacted from every record.

Log calls write their message as `event=NAME key=%s ...` pairs. A handler set up by
`configure_logging` prints each record on one line, in one of two formats (LOG_FORMAT):

    keyvalue  2026-11-30T05:00:00Z level=INFO logger=bot.app.jobs event=posted item_id=7
              (values with spaces, quotes or `=` are quoted and escaped like JSON strings)
    json      {"time": "2026-11-30T05:00:00Z", "level": "INFO", "logger": "bot.app.jobs",
               "event": "posted", "item_id": 7}

The `key=value` pairs are read from the message template, each value being one whole
argument, so a value with spaces stays one field. Text that is not `key=value` (third-party
libraries' messages, free words after the pairs) goes to `message`; a traceback to `exc`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Literal

# Telegram bot tokens look like `123456789:AA...` (35 url-safe characters after the colon).
# No `\b` in front: inside Bot API URLs the token follows `/bot` directly.
_TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}")
_PLACEHOLDER: Final = re.compile(r"%(?:%|[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")
_KEY: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)=(.*)", re.DOTALL)
_PLAIN_PAIR: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*=[^\s\"]*")
_NEEDS_QUOTES: Final = re.compile(r"[\s\"=\\]|[^\x20-\x7e\u00a0-\U0010ffff]")
_RESERVED: Final = frozenset({"time", "level", "logger", "message", "exc", "stack"})
_HANDLER_NAME = "newsbot"

LogFormat = Literal["keyvalue", "json"]
REDACTED: Final = "<redacted>"


class _Redacted:
    """An argument whose text held a secret: prints as its redacted `str` and `repr`."""

    def __init__(self, text: str, representation: str) -> None:
        self._text = text
        self._representation = representation

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return self._representation


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
        """Rewrite the record's template, arguments and traceback in place; never drop it.

        Arguments are redacted one by one, so the `key=%s` structure survives for the
        formatters; should a secret still show in the whole message, it is replaced by the
        redacted text.
        """
        if isinstance(record.msg, str):
            record.msg = self.redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(self._redact_argument(arg) for arg in record.args)
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def _redact_argument(self, argument: object) -> object:
        """Return the argument, or a stand-in printing its redacted text when it held a secret."""
        if isinstance(argument, bool | int | float) or argument is None:
            return argument
        text, representation = str(argument), repr(argument)
        clean_text, clean_representation = self.redact(text), self.redact(representation)
        if clean_text == text and clean_representation == representation:
            return argument
        if isinstance(argument, str):
            return clean_text
        return _Redacted(clean_text, clean_representation)

    def redact(self, text: str) -> str:
        """Return `text` with the token and the other secrets removed."""
        if self._token:
            text = text.replace(self._token, REDACTED)
        for secret in self._secrets:
            text = secret.sub(REDACTED, text)
        return _TOKEN_SHAPE.sub(REDACTED, text)


@dataclass(frozen=True, slots=True)
class EventFields:
    """A log message taken apart: its `key=value` pairs and any other text."""

    pairs: list[tuple[str, object]] = field(default_factory=list)
    text: str = ""


def event_fields(record: logging.LogRecord) -> EventFields:
    """Return the record's `key=value` pairs (from its template) and its other text.

    A template that cannot be read safely (mapping arguments, a placeholder count that
    does not match) gives no pairs and the whole message as text.
    """
    whole = EventFields(text=_message(record))
    args = record.args if isinstance(record.args, tuple) else None
    if not isinstance(record.msg, str) or (record.args and args is None):
        return whole
    remaining = list(args or ())
    pairs: list[tuple[str, object]] = []
    words: list[str] = []
    for token in record.msg.split(" "):
        wanted = sum(1 for p in _PLACEHOLDER.findall(token) if p != "%%")
        if wanted > len(remaining) or not token:
            return whole
        taken, remaining = remaining[:wanted], remaining[wanted:]
        key = _KEY.fullmatch(token)
        is_pair = key is not None and "%" not in key.group(1)
        template = key.group(2) if key is not None and is_pair else token
        try:
            text = template % tuple(taken) if wanted else template.replace("%%", "%")
        except (TypeError, ValueError):
            return whole
        if key is not None and is_pair:
            whole_argument = wanted == 1 and _PLACEHOLDER.fullmatch(template) is not None
            pairs.append((key.group(1), _typed(taken[0], text) if whole_argument else text))
        elif text and all(_PLAIN_PAIR.fullmatch(part) for part in text.split(" ")):
            for part in text.split(" "):  # a pre-formatted run of pairs: `posted=3 failed=0`
                name, _, value = part.partition("=")
                pairs.append((name, int(value) if value.isascii() and value.isdigit() else value))
        else:
            words.append(text)
    if remaining:
        return whole
    return EventFields(pairs, " ".join(words))


def _message(record: logging.LogRecord) -> str:
    """Return the record's message; a broken template shows as itself with its arguments."""
    try:
        return record.getMessage()
    except (TypeError, ValueError):
        return f"{record.msg} {record.args!r}"


def _typed(argument: object, text: str) -> object:
    """Keep numbers and booleans as such (for JSON); anything else is its formatted text."""
    if isinstance(argument, bool):
        return argument
    if isinstance(argument, int | float):
        try:
            return int(text) if isinstance(argument, int) else float(text)
        except ValueError:
            return text
    return text


def utc_time(record: logging.LogRecord) -> str:
    """Return the record's time as ISO 8601 UTC to the second (`2026-11-30T05:00:00Z`)."""
    return datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def quote_value(value: object) -> str:
    """Return a value as it goes after `key=`: bare when simple, JSON-quoted otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text and not _NEEDS_QUOTES.search(text):
        return text
    return json.dumps(text, ensure_ascii=False)


class _EventFormatter(logging.Formatter):
    """Shared parts of the one-line formatters: fields, exception text, reserved names."""

    def fields(self, record: logging.LogRecord) -> dict[str, object]:
        """Return every field of the line, in order: time, level, logger, pairs, the rest."""
        line: dict[str, object] = {
            "time": utc_time(record),
            "level": record.levelname,
            "logger": record.name,
        }
        parsed = event_fields(record)
        for key, value in parsed.pairs:
            name = f"{key}_" if key in _RESERVED else key
            while name in line:
                name += "_"
            line[name] = value
        if parsed.text:
            line["message"] = parsed.text
        exc = record.exc_text
        if not exc and record.exc_info:
            exc = self.formatException(record.exc_info)
        if exc:
            line["exc"] = exc
        if record.stack_info:
            line["stack"] = record.stack_info
        return line


class KeyValueFormatter(_EventFormatter):
    """`2026-11-30T05:00:00Z level=INFO logger=bot.app.jobs event=posted item_id=7` lines."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one `key=value` line."""
        line = self.fields(record)
        head = f"{line.pop('time')} "
        return head + " ".join(f"{key}={quote_value(value)}" for key, value in line.items())


class JsonFormatter(_EventFormatter):
    """One JSON object per line: time, level, logger, the event's fields, message, exc."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        return json.dumps(self.fields(record), ensure_ascii=False, default=str)


FORMATTERS: Final[Mapping[str, type[logging.Formatter]]] = {
    "keyvalue": KeyValueFormatter,
    "json": JsonFormatter,
}


def configure_logging(
    level: str,
    *,
    token: str | None = None,
    secrets: Iterable[str | None] = (),
    log_format: LogFormat = "keyvalue",
) -> None:
    """Send one line per event to stderr at `level` in `log_format` (keyvalue or json),
    with the token and secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(FORMATTERS[log_format]())
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
