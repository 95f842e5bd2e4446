"""Admin commands about sources, in a private chat: `/sources`, `/addsource URL [@channel]`,
`/removesource ID` (confirmed with a button), `/pause ID`, `/resume ID`.

The work is done by `bot.services.admin.sources` (shared rules with the CLI); these handlers parse
the command, call it and answer in the admin's language.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.ops.i18n import N_, Texts
from bot.services.admin.labels import channel_label
from bot.services.admin.reports import sources_messages
from bot.services.admin.sources import (
    RemovalImpact,
    SourceAdminError,
    add_fetched_source,
    pause_source,
    removal_impact,
    remove_source,
    resume_source,
)
from handlers.admin.access import NOT_AN_ADMIN, admin_message, is_admin, private_commands
from handlers.common import STALE_BUTTON, texts
from storage import Database

ADD_SOURCE_USAGE: Final = N_(
    "Usage: /addsource URL [@channel]\n"
    "The address of an RSS, Atom or JSON feed (or an article page); with a channel added "
    "by /addchannel, its new articles are posted there."
)
PAUSE_USAGE: Final = N_("Usage: /pause ID (the ids are in /sources)")
RESUME_USAGE: Final = N_("Usage: /resume ID (the ids are in /sources)")
REMOVE_USAGE: Final = N_("Usage: /removesource ID (the ids are in /sources)")
REMOVE_DATA_PATTERN: Final = r"^ad(rm|keep):"
_REMOVE_DATA: Final = re.compile(r"ad(rm|keep):(\d{1,18})")
NO_PREVIEW: Final = LinkPreviewOptions(is_disabled=True)
T = TypeVar("T")


def source_id_argument(context: Context) -> int | None:
    """Return the one numeric argument of the command (`3` or `#3`), or None."""
    args = context.args or []
    if len(args) != 1:
        return None
    value = args[0].removeprefix("#")
    return int(value) if value.isdecimal() and len(value) <= 18 else None


async def list_sources(update: Update, context: Context) -> None:
    """Show every source with its state, last success, failures and next fetch."""
    message = await admin_message(update, context)
    if message is None:
        return
    sources = await context.bot_data.db.sources.list()
    for text in sources_messages(sources, texts(update)):
        await message.reply_text(text, link_preview_options=NO_PREVIEW)


async def add_source(update: Update, context: Context) -> None:
    """Fetch the URL, and when it reads as a feed or article, watch it (and route it)."""
    message = await admin_message(update, context)
    if message is None:
        return
    language = texts(update)
    _ = language.gettext
    args = context.args or []
    if len(args) not in (1, 2):
        await message.reply_text(_(ADD_SOURCE_USAGE))
        return
    data = context.bot_data
    await message.reply_chat_action(ChatAction.TYPING)  # fetching may take a few seconds
    try:
        added = await add_fetched_source(
            data.db,
            data.fetcher,
            args[0],
            channel=args[1] if len(args) == 2 else None,
            executor=data.ingest_executor,
        )
    except SourceAdminError as error:
        await message.reply_text(
            _("Not added: {reason}.").format(reason=error.explain(language)),
            link_preview_options=NO_PREVIEW,
        )
        return
    source = added.source
    entries = added.entries or 0  # always counted here: the chat adds checked sources
    items = language.ngettext("{count} item now", "{count} items now", entries).format(
        count=entries
    )
    if added.channel is not None:
        text = _(
            "Added source {id}: {name} ({items}). Its new articles are posted to "
            "{channel} as they come."
        ).format(
            id=source.id,
            name=source.name,
            items=items,
            channel=channel_label(added.channel),
        )
    else:
        text = _(
            "Added source {id}: {name} ({items}). It is not posted to any channel; "
            "its articles can be searched."
        ).format(id=source.id, name=source.name, items=items)
    await message.reply_text(text, link_preview_options=NO_PREVIEW)


async def _source_command(
    update: Update,
    context: Context,
    usage: str,
    action: Callable[[Database, int], Awaitable[T]],
) -> tuple[Message, Texts, T] | None:
    """Run `action` on the source the admin named; None when refused or answered already.

    Non-admins are refused, a missing or malformed id gets `usage`, and a refusal by the
    action (an unknown source, say) is answered with its reason.
    """
    message = await admin_message(update, context)
    if message is None:
        return None
    language = texts(update)
    source_id = source_id_argument(context)
    if source_id is None:
        await message.reply_text(language.gettext(usage))
        return None
    try:
        result = await action(context.bot_data.db, source_id)
    except SourceAdminError as error:
        await message.reply_text(_sentence(error.explain(language)) + ".")
        return None
    return message, language, result


async def pause(update: Update, context: Context) -> None:
    """Stop fetching a source until it is resumed."""
    done = await _source_command(update, context, PAUSE_USAGE, pause_source)
    if done is None:
        return
    message, language, source = done
    _ = language.gettext
    await message.reply_text(
        _("Paused source {id} ({name}). Its articles stay; /resume {id} fetches it again.").format(
            id=source.id, name=source.name
        )
    )


async def resume(update: Update, context: Context) -> None:
    """Fetch a paused or deactivated source again, its failure count reset."""
    done = await _source_command(update, context, RESUME_USAGE, resume_source)
    if done is None:
        return
    message, language, source = done
    _ = language.gettext
    await message.reply_text(
        _("Resumed source {id} ({name}): it is fetched again within a minute.").format(
            id=source.id, name=source.name
        )
    )


async def ask_to_remove(update: Update, context: Context) -> None:
    """Say what removing the source deletes, and ask for a confirmation with a button."""
    done = await _source_command(update, context, REMOVE_USAGE, removal_impact)
    if done is None:
        return
    message, language, impact = done
    _ = language.gettext
    source = impact.source
    text = _(
        "Remove source {id} ({name})?\n"
        "This deletes {articles} and, with them, {bookmarks}. It cannot be undone. "
        "To stop fetching it but keep everything, use /pause {id} instead."
    ).format(
        id=source.id,
        name=source.name,
        articles=_articles(impact, language),
        bookmarks=language.ngettext(
            "{count} bookmark users hold of them",
            "{count} bookmarks users hold of them",
            impact.bookmarks,
        ).format(count=impact.bookmarks),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("🗑 Remove"), callback_data=f"adrm:{source.id}"),
                InlineKeyboardButton(_("Keep the source"), callback_data=f"adkeep:{source.id}"),
            ]
        ]
    )
    await message.reply_text(text, reply_markup=keyboard, link_preview_options=NO_PREVIEW)


def _articles(impact: RemovalImpact, language: Texts) -> str:
    """Say how many articles the source has, in words."""
    return language.ngettext(
        "its {count} article", "its {count} articles", impact.articles
    ).format(count=impact.articles)


async def confirm_removal(update: Update, context: Context) -> None:
    """Remove the source when an admin presses “Remove”; keep it on “Keep it”."""
    query = update.callback_query
    if query is None:
        return
    language = texts(update)
    _ = language.gettext
    if not is_admin(update, context):
        await query.answer(_(NOT_AN_ADMIN), show_alert=True)
        return
    match = _REMOVE_DATA.fullmatch(query.data or "")
    if match is None:
        await query.answer(_(STALE_BUTTON))
        return
    action, source_id = match.group(1), int(match.group(2))
    if action == "keep":
        await query.answer()
        await query.edit_message_text(
            _("Source {id} is kept.").format(id=source_id), link_preview_options=NO_PREVIEW
        )
        return
    try:
        impact = await remove_source(context.bot_data.db, source_id)
    except SourceAdminError as error:
        await query.answer()
        await query.edit_message_text(
            _sentence(error.explain(language)) + ".", link_preview_options=NO_PREVIEW
        )
        return
    await query.answer(_("Source removed"))
    await query.edit_message_text(
        language.ngettext(
            "Removed source {id} ({name}) with its {count} article.",
            "Removed source {id} ({name}) with its {count} articles.",
            impact.articles,
        ).format(id=impact.source.id, name=impact.source.name, count=impact.articles),
        link_preview_options=NO_PREVIEW,
    )


def _sentence(text: str) -> str:
    """Return `text` with a capital first letter."""
    return text[:1].upper() + text[1:]


def admin_source_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The source commands' handlers by group (commands in private chats only)."""
    private = private_commands()
    return {
        0: [
            CommandHandler("sources", list_sources, filters=private),
            CommandHandler("addsource", add_source, filters=private),
            CommandHandler("removesource", ask_to_remove, filters=private),
            CommandHandler("pause", pause, filters=private),
            CommandHandler("resume", resume, filters=private),
            CallbackQueryHandler(confirm_removal, pattern=REMOVE_DATA_PATTERN),
        ]
    }
