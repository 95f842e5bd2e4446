"""`newsbot check`'s checks: settings, admins, database, token (getMe), inline mode, webhook
(getWebhookInfo) and each channel's rights (getChat, getChatMember). A warning does not fail
the check: the bot runs, but something an operator most likely wants is missing.

Each check gives one result; none prints or returns the token or the webhook secret (every
detail goes through `redact_secrets` before it leaves `run_checks`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pydantic import SecretStr
from telegram import Bot, User, WebhookInfo
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest, HTTPXRequest

from bot.delivery.channel_check import ChannelCheckError, check_channel
from bot.ops.redact import redact_secrets
from bot.ops.settings import Settings
from bot.transport.http import AiohttpRequest
from storage import open_database, redacted_url
from storage.errors import StorageError


class CheckStatus(enum.StrEnum):
    """How a check ended."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"

    @property
    def label(self) -> str:
        """The word shown in the line: failures and warnings stand out in capitals."""
        return self.value.upper() if self in (CheckStatus.FAIL, CheckStatus.WARN) else self.value


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's outcome, shown as one line."""

    check: str
    status: CheckStatus
    detail: str


async def run_checks(settings: Settings) -> list[CheckResult]:
    """Run every check in order; those that ask Telegram need a token it accepted."""
    results = [check_settings(settings), check_admins(settings)]
    database = await check_database(settings)
    results.append(database)
    token_result, bot_user = await check_token(settings)
    results.append(token_result)
    if bot_user is None:
        results.append(CheckResult("inline", CheckStatus.SKIP, "needs a working token"))
        results.append(CheckResult("webhook", CheckStatus.SKIP, "needs a working token"))
        results.append(CheckResult("channels", CheckStatus.SKIP, "needs a working token"))
    else:
        results.append(check_inline(bot_user))
        results.append(await check_webhook(settings))
        if database.status is CheckStatus.FAIL:
            results.append(CheckResult("channels", CheckStatus.SKIP, "needs the database"))
        else:
            results.extend(await check_channels(settings))
    return [replace(r, detail=redact_secrets(settings, r.detail)) for r in results]


def check_admins(settings: Settings) -> CheckResult:
    """Warn when nobody may run the admin commands in the chat."""
    if not settings.admin_ids:
        return CheckResult(
            "admins",
            CheckStatus.WARN,
            "ADMIN_IDS is empty: nobody can use the admin commands in the chat; send /id to "
            "the bot in a private chat to learn your user id",
        )
    ids = ", ".join(str(user_id) for user_id in sorted(settings.admin_ids))
    return CheckResult("admins", CheckStatus.OK, f"{len(settings.admin_ids)} admin(s): {ids}")


def check_inline(me: User) -> CheckResult:
    """Warn when inline mode is off for the bot (getMe's supports_inline_queries)."""
    if me.supports_inline_queries:
        return CheckResult("inline", CheckStatus.OK, "inline mode on")
    return CheckResult(
        "inline",
        CheckStatus.WARN,
        f"inline mode is off: `@{me.username} words` and the Share button find nothing; "
        "in @BotFather send /setinline (and /setinlinefeedback for share counts)",
    )


async def check_channels(settings: Settings) -> list[CheckResult]:
    """One line per added channel: may the bot post there, and edit its posts?"""
    assert settings.telegram_bot_token is not None  # checked by check_token first
    async with await open_database(settings.database_location, create=False) as db:
        channels = await db.channels.list()
    if not channels:
        return [CheckResult("channels", CheckStatus.OK, "none added yet (newsbot channels add)")]
    results = []
    async with _bot(settings, settings.telegram_bot_token) as bot:
        for channel in channels:
            name = f"@{channel.username}" if channel.username else str(channel.chat_id)
            try:
                checked = await check_channel(bot, channel.chat_id)
            except ChannelCheckError as exc:
                results.append(CheckResult("channel", CheckStatus.WARN, f"{name}: {exc}"))
                continue
            if not checked.can_edit:
                detail = (
                    f"{name}: the bot may post but not edit its posts: give it the 'Edit "
                    "messages of others' right (changed articles are edited in place)"
                )
                results.append(CheckResult("channel", CheckStatus.WARN, detail))
                continue
            paused = ", paused" if channel.paused else ""
            results.append(
                CheckResult("channel", CheckStatus.OK, f"{name}: may post and edit{paused}")
            )
    return results


def check_settings(settings: Settings) -> CheckResult:
    """Describe what the settings (already validated by loading them) will do."""
    mode = f"webhook {settings.webhook_url}" if settings.webhook_url else "long polling"
    health = f"{settings.health_listen}:{settings.health_port}" if settings.health_port else "off"
    detail = (
        f"{mode}; database {shown_location(settings)}; health/metrics {health}; "
        f"{len(settings.admin_ids)} admin(s); Bot API {settings.telegram_api_base_url}"
    )
    return CheckResult("settings", CheckStatus.OK, detail)


def shown_location(settings: Settings) -> str:
    """Return where the store is, as people may see it (a URL without its password)."""
    if settings.database_url is not None:
        return redacted_url(settings.database_url.get_secret_value())
    return str(settings.database_path)


async def check_database(settings: Settings) -> CheckResult:
    """Open (creating and migrating as `run` would), run quick_check, count the rows."""
    path = shown_location(settings)
    try:
        async with await open_database(settings.database_location) as db:
            problems = await db.status.integrity_problems()
            counts = await db.status.counts()
            engine = await db.status.engine()
    except (StorageError, OSError) as exc:
        return CheckResult("database", CheckStatus.FAIL, f"{path}: {exc}")
    if problems:
        shown = "; ".join(problems[:3])
        return CheckResult("database", CheckStatus.FAIL, f"{path}: damaged: {shown}")
    return CheckResult(
        "database",
        CheckStatus.OK,
        f"{path}: {engine.engine}, schema {counts.schema_version}, {counts.sources} sources "
        f"({counts.active_sources} active), {counts.articles} articles, "
        f"{counts.channels} channels, {counts.pending_posts} posts pending",
    )


async def check_token(settings: Settings) -> tuple[CheckResult, User | None]:
    """Call getMe; return the result and the bot's user when Telegram accepted the token."""
    if settings.telegram_bot_token is None:
        detail = "TELEGRAM_BOT_TOKEN is not set (run `newsbot demo` to try the bot locally)"
        return CheckResult("token", CheckStatus.FAIL, detail), None
    try:
        async with _bot(settings, settings.telegram_bot_token) as bot:  # initialize: getMe
            me = bot.bot
    except InvalidToken as exc:
        return CheckResult("token", CheckStatus.FAIL, refused_token(settings, exc)), None
    except NetworkError as exc:
        detail = f"cannot reach {settings.telegram_api_base_url}: {exc.message}"
        return CheckResult("token", CheckStatus.FAIL, detail), None
    except TelegramError as exc:
        return CheckResult("token", CheckStatus.FAIL, f"getMe failed: {exc.message}"), None
    return CheckResult("token", CheckStatus.OK, f"@{me.username} (id {me.id})"), me


def refused_token(settings: Settings, exc: InvalidToken) -> str:
    """Say why getMe was refused: a base URL without `/bot` (the Bot API answers 404 to the
    token appended anywhere else), else a wrong token (401)."""
    base = settings.telegram_api_base_url
    if not base.endswith("/bot") or "not found" in exc.message.lower():
        return (
            f"the Bot API at {base} refused getMe: TELEGRAM_API_BASE_URL must end in /bot "
            "(the token is appended to it), e.g. https://api.telegram.org/bot"
        )
    return "the token was refused (401 Unauthorized); check TELEGRAM_BOT_TOKEN"


async def check_webhook(settings: Settings) -> CheckResult:
    """Compare Telegram's webhook with WEBHOOK_URL and report its last delivery error."""
    if settings.telegram_bot_token is None:
        return CheckResult("webhook", CheckStatus.SKIP, "needs a working token")
    try:
        async with _bot(settings, settings.telegram_bot_token) as bot:
            info = await bot.get_webhook_info()
    except TelegramError as exc:
        return CheckResult("webhook", CheckStatus.FAIL, f"getWebhookInfo failed: {exc.message}")
    return webhook_verdict(settings.webhook_url, info, now=datetime.now(UTC))


def webhook_verdict(expected: str | None, info: WebhookInfo, *, now: datetime) -> CheckResult:
    """Judge Telegram's webhook state against the URL the settings ask for (None: polling)."""
    pending = f"{info.pending_update_count} update(s) pending"
    error = _last_error(info, now=now)
    if expected is None:
        if info.url:
            detail = f"long polling; Telegram has webhook {info.url}, `newsbot run` removes it"
            return CheckResult("webhook", CheckStatus.OK, detail)
        return CheckResult("webhook", CheckStatus.OK, f"long polling; {pending}")
    if not info.url:
        detail = f"not registered at Telegram yet (`newsbot run` registers it); {pending}"
        return CheckResult("webhook", CheckStatus.OK, detail)
    if info.url != expected:
        detail = f"Telegram delivers to {info.url}, not WEBHOOK_URL {expected}"
        return CheckResult("webhook", CheckStatus.FAIL, detail)
    if error and info.pending_update_count:
        detail = f"Telegram cannot deliver to WEBHOOK_URL: {error}; {pending}"
        return CheckResult("webhook", CheckStatus.FAIL, detail)
    detail = f"Telegram delivers to WEBHOOK_URL; {pending}" + (f"; {error}" if error else "")
    return CheckResult("webhook", CheckStatus.OK, detail)


def _last_error(info: WebhookInfo, *, now: datetime) -> str | None:
    """Describe Telegram's last delivery error with its age, or None."""
    if not info.last_error_message:
        return None
    when = info.last_error_date
    if when is None:
        return f"last error: {info.last_error_message}"
    minutes = max(0, int((now - when.astimezone(UTC)).total_seconds() // 60))
    return f"last error {minutes} min ago: {info.last_error_message}"


def _bot(settings: Settings, token: SecretStr) -> Bot:
    """A plain Bot (no rate limiter, no handlers) over the configured HTTP layer."""
    request: BaseRequest = (
        AiohttpRequest() if settings.telegram_http_client == "aiohttp" else HTTPXRequest()
    )
    return Bot(
        token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        request=request,
    )
