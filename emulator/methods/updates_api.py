"""Receiving updates: getUpdates (long polling) and the webhook methods."""

from __future__ import annotations

from emulator.core import Emulator
from emulator.errors import ApiError, bad_request
from emulator.methods.base import Handler, MethodResult
from emulator.params import Params
from emulator.updates import parse_allowed_updates
from emulator.webhook import WebhookSettings

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_SECRET_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _clamp(value: int | None, default: int, low: int, high: int) -> int:
    """Telegram clamps numeric arguments into their range."""
    return default if value is None else max(low, min(high, value))


def _adopt_allowed_updates(emu: Emulator, params: Params) -> None:
    """Change allowed_updates when the call names a valid list."""
    allowed = parse_allowed_updates(params.raw("allowed_updates"))
    if allowed is not None:
        emu.updates.allowed = allowed


async def get_updates(emu: Emulator, params: Params) -> object:
    """getUpdates: confirm by offset, then long-poll up to `timeout` seconds."""
    if emu.webhook.active:
        raise ApiError(409, WEBHOOK_CONFLICT)
    offset = params.integer("offset") or 0
    limit = _clamp(params.integer("limit"), 100, 1, 100)
    timeout = _clamp(params.integer("timeout"), 0, 0, emu.config.long_poll_max_timeout)
    _adopt_allowed_updates(emu, params)
    return await emu.updates.long_poll(offset, limit, timeout)


async def set_webhook(emu: Emulator, params: Params) -> object:
    """setWebhook: deliver updates by POST (http allowed, as on a local Bot API server)."""
    url = (params.text("url") or "").strip()
    if not url:
        return await delete_webhook(emu, params)
    if not url.startswith(("http://", "https://")):
        raise bad_request("invalid webhook URL specified")
    secret = params.text("secret_token")
    if secret is not None and not (1 <= len(secret) <= 256 and set(secret) <= _SECRET_CHARACTERS):
        raise bad_request("secret token contains unallowed characters")
    _adopt_allowed_updates(emu, params)
    if params.flag("drop_pending_updates"):
        emu.updates.drop_pending()
    emu.updates.abort_polls()
    allowed = parse_allowed_updates(params.raw("allowed_updates"))
    settings = WebhookSettings(
        url=url,
        secret_token=secret or None,
        max_connections=_clamp(params.integer("max_connections"), 40, 1, 100),
        allowed_updates=sorted(allowed) if allowed is not None else None,
    )
    await emu.webhook.start(settings)
    return MethodResult(True, "Webhook was set")


async def delete_webhook(emu: Emulator, params: Params) -> object:
    """deleteWebhook: stop delivery; pending updates stay unless dropped."""
    was_set = emu.webhook.active
    if params.flag("drop_pending_updates"):
        emu.updates.drop_pending()
    await emu.webhook.stop()
    return MethodResult(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


async def get_webhook_info(emu: Emulator, _params: Params) -> object:
    """getWebhookInfo: the URL, the pending count and the last delivery error."""
    return emu.webhook.info_json()


METHODS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
