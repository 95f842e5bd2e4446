"""A rendered post as Bot API calls: sendMessage / sendPhoto / sendMediaGroup (an album and
the follow-up with its buttons), and the matching edits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.transport.errors import is_not_modified
from news.entities import PostedAs
from news.render import Keyboard, PostStyle, RenderedPost, keyboard_json


@dataclass(frozen=True, slots=True)
class SentPost:
    """A post Telegram accepted: its message id, how it went out, and a digest of it."""

    message_id: int
    posted_as: PostedAs
    digest: str
    buttons_message_id: int | None = None
    """For an album: the follow-up message with the buttons (None when it was refused)."""


def posted_as(post: RenderedPost) -> PostedAs:
    """Return how a rendered post goes out: a photo's caption or a text message."""
    return PostedAs.CAPTION if post.style is PostStyle.PHOTO else PostedAs.TEXT


def post_digest(post: RenderedPost, kind: PostedAs) -> str:
    """Return a digest of what an edit of a post sent as `kind` can change.

    A caption edit cannot change the photo, so the photo is left out of it.
    """
    parts = [kind.value, post.text, repr(post.buttons)]
    if kind is PostedAs.TEXT:
        parts += [post.link_preview_url or "", str(post.prefer_large_media)]
        if post.show_above:  # only when set: digests of posts sent before are unchanged
            parts.append("above")
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def inline_markup(keyboard: Keyboard) -> InlineKeyboardMarkup:
    """Map the renderer's keyboard to PTB's inline keyboard."""
    return InlineKeyboardMarkup.de_json(keyboard_json(keyboard), None)


def link_preview(post: RenderedPost) -> LinkPreviewOptions:
    """Return the link preview options of a text post."""
    if post.link_preview_url is None:
        return LinkPreviewOptions(is_disabled=True)
    return LinkPreviewOptions(
        url=post.link_preview_url,
        prefer_large_media=post.prefer_large_media or None,
        show_above_text=post.show_above or None,
    )


async def send_post(
    bot: Bot,
    chat_id: int,
    post: RenderedPost,
    *,
    answer_timeout: float,
    silent: bool = False,
    thread_id: int | None = None,
) -> SentPost:
    """Send a rendered post (a photo with its caption, or a text message) to a chat (in a
    forum topic when `thread_id`, without a notification when `silent`), waiting up to
    `answer_timeout` seconds for Telegram's answer."""
    kind = posted_as(post)
    if kind is PostedAs.CAPTION:
        assert post.photo_url is not None  # render_post gives the photo style only with one
        message = await bot.send_photo(
            chat_id,
            post.photo_url,
            caption=post.text,
            parse_mode=ParseMode.HTML,
            reply_markup=inline_markup(post.buttons),
            read_timeout=answer_timeout,
            write_timeout=answer_timeout,
            message_thread_id=thread_id,
            disable_notification=silent or None,
        )
    else:
        message = await bot.send_message(
            chat_id,
            post.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=link_preview(post),
            reply_markup=inline_markup(post.buttons),
            read_timeout=answer_timeout,
            write_timeout=answer_timeout,
            message_thread_id=thread_id,
            disable_notification=silent or None,
        )
    return SentPost(message.message_id, kind, post_digest(post, kind))


async def send_album(
    bot: Bot,
    chat_id: int,
    post: RenderedPost,
    *,
    answer_timeout: float,
    silent: bool = False,
    thread_id: int | None = None,
) -> list[int]:
    """Send a rendered album (sendMediaGroup: its photos, the caption on the first; in a
    forum topic when `thread_id`, without a notification when `silent`) and return the
    message ids of its items, in order."""
    media = [
        InputMediaPhoto(
            url,
            caption=post.text if index == 0 else None,
            parse_mode=ParseMode.HTML if index == 0 else None,
        )
        for index, url in enumerate(post.album)
    ]
    messages = await bot.send_media_group(
        chat_id,
        media,
        read_timeout=answer_timeout,
        write_timeout=answer_timeout,
        message_thread_id=thread_id,
        disable_notification=silent or None,
    )
    return [message.message_id for message in messages]


async def send_follow_up(
    bot: Bot,
    chat_id: int,
    post: RenderedPost,
    *,
    reply_to: int,
    answer_timeout: float,
    silent: bool = False,
    thread_id: int | None = None,
) -> int:
    """Send the message after an album that carries its buttons, as a reply to the album's
    first item (in the album's topic; silent like it); return its message id."""
    assert post.follow_up is not None  # render_post gives every album a follow-up
    message = await bot.send_message(
        chat_id,
        post.follow_up,
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=inline_markup(post.buttons),
        reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True),
        read_timeout=answer_timeout,
        write_timeout=answer_timeout,
        message_thread_id=thread_id,
        disable_notification=silent or None,
    )
    return message.message_id


async def edit_post(
    bot: Bot,
    chat_id: int,
    message_id: int,
    post: RenderedPost,
    *,
    kind: PostedAs,
    answer_timeout: float,
    album: bool = False,
) -> str:
    """Edit a sent post in place (its text, or its caption) and return the new digest.

    An album's caption is edited on its first item, without buttons (an album has none:
    they are on its follow-up). An edit Telegram refuses as "not modified" succeeded
    already: the message says it.
    """
    try:
        if kind is PostedAs.CAPTION:
            await bot.edit_message_caption(
                chat_id,
                message_id,
                caption=post.text,
                parse_mode=ParseMode.HTML,
                reply_markup=None if album else inline_markup(post.buttons),
                read_timeout=answer_timeout,
                write_timeout=answer_timeout,
            )
        else:
            await bot.edit_message_text(
                post.text,
                chat_id,
                message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=link_preview(post),
                reply_markup=inline_markup(post.buttons),
                read_timeout=answer_timeout,
                write_timeout=answer_timeout,
            )
    except TelegramError as error:
        if not is_not_modified(error):
            raise
    return post_digest(post, kind)
