"""sendMediaGroup: an album of 2-10 photos posted at once, counted as that many messages.

Telegram's rules, as the emulator holds them: `media` is a JSON array of 2-10 InputMedia
(photos here); each item may have a caption (at most 1024 after parsing; an album shows one
caption when only one item has it); the method takes no `reply_markup` (an album carries no
buttons); each item counts against the flood limits, and all of them are admitted or none;
an item Telegram cannot use (a URL it cannot fetch, not an image, too big) refuses the whole
album with `failed to send message #N with the error message "..."`, and nothing is posted.
"""

from __future__ import annotations

import asyncio
from typing import Any

from emulator.access import check_can_send
from emulator.core import Emulator
from emulator.entities import FormattedText
from emulator.errors import ApiError, bad_request
from emulator.media import photo_from_param
from emulator.methods.base import Handler, reply_target, target_chat
from emulator.methods.messages import post_bot_message
from emulator.params import Params
from emulator.photo_urls import fetch_photo, is_fetchable
from emulator.state import Message, PhotoSize
from emulator.text_rules import caption_text
from emulator.wire import message_json

MIN_ALBUM_ITEMS = 2
MAX_ALBUM_ITEMS = 10
PREFIX = "Bad Request: "


async def send_media_group(emu: Emulator, params: Params) -> object:
    """sendMediaGroup: 2-10 photos as one album; answers the array of its messages."""
    items = params.json_value("media", error="can't parse media JSON object")
    if items is None:
        raise bad_request('parameter "media" is required')
    if not isinstance(items, list):
        raise bad_request("can't parse media JSON object")
    if not MIN_ALBUM_ITEMS <= len(items) <= MAX_ALBUM_ITEMS:
        raise bad_request("media must include 2-10 items")
    captions = [_caption(item) for item in items]
    chat = target_chat(emu, params)
    check_can_send(emu.world, chat)
    reply = reply_target(emu, chat, params)
    photos = await asyncio.gather(
        *(_photo(emu, params, item, number) for number, item in enumerate(items, 1))
    )
    emu.flood.admit(chat.id, private=chat.type == "private", count=len(items))
    group_id = emu.world.next_token("1")
    messages: list[Message] = [
        post_bot_message(
            emu,
            chat,
            params,
            reply,
            admitted=True,
            photo=photo,
            caption=caption,
            media_group_id=group_id,
        )
        for photo, caption in zip(photos, captions, strict=True)
    ]
    return [message_json(emu.world, message) for message in messages]


def _caption(item: Any) -> FormattedText | None:
    """Check one InputMedia and return its caption."""
    if not isinstance(item, dict) or not isinstance(item.get("media"), str):
        raise bad_request("can't parse InputMedia: media not found")
    if item.get("type") != "photo":
        raise bad_request("can't parse InputMedia: only photos are emulated in albums")
    return caption_text(item.get("caption"), item.get("parse_mode"), item.get("caption_entities"))


async def _photo(
    emu: Emulator, params: Params, item: dict[str, Any], number: int
) -> tuple[PhotoSize, ...]:
    """Read the photo of album item `number` (1-based), as Telegram names it in refusals."""
    reference: str = item["media"]
    upload = None
    if reference.startswith("attach://"):
        upload = params.file(reference.removeprefix("attach://"))
        reference_or_none: str | None = None
    else:
        reference_or_none = reference
    try:
        fetched = None
        if reference_or_none is not None and is_fetchable(reference_or_none):
            fetched = await fetch_photo(reference_or_none)
        return photo_from_param(emu.world, reference_or_none, upload, fetched=fetched)
    except ApiError as error:
        detail = error.description.removeprefix(PREFIX)
        detail = detail[:1].upper() + detail[1:]
        raise bad_request(
            f'failed to send message #{number} with the error message "{detail}"'
        ) from None


METHODS: dict[str, Handler] = {"sendMediaGroup": send_media_group}
