"""`/follow WORDS`, `/following` and `/unfollow N|WORDS` in the private chat; the ✖ buttons.

Alerts themselves are sent by `bot.delivery.alert_sender.AlertSender`. `/follow` and `/following`
resume alerts that were paused because the user had blocked the bot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import Context
from bot.ops.i18n import Texts
from bot.services.alerts.follows import (
    UNFOLLOW_DATA_PATTERN,
    FollowingList,
    FollowResult,
    FollowStatus,
    UnfollowStatus,
    decode_unfollow,
    following_list,
    resume_alerts,
    start_following,
    stop_following,
)
from bot.transport.errors import is_not_modified
from bot.transport.send import inline_markup
from handlers.common import echo, remember_user, texts
from news.follows import MAX_FOLLOW_CHARS, FollowProblem


def _usage(language: Texts) -> str:
    """Return how to use /follow."""
    return language.gettext(
        "Follow a search and I will message you when new stories match it:\n"
        "/follow ferry strike — stories with both words\n"
        "/follow #harbour — stories with that tag\n"
        '/follow "winter market" source:NAME — a phrase, from one source\n'
        "/following lists your follows; /unfollow N stops one."
    )


def _invalid(language: Texts, problem: FollowProblem | None) -> str:
    """Return why a text cannot be followed."""
    _ = language.gettext
    if problem is FollowProblem.SAVED:
        return _(
            "A follow watches new stories, and new stories are not in your bookmarks: "
            "leave out “saved”."
        )
    if problem is FollowProblem.TOO_LONG:
        return _("That is too long to follow: keep it under {limit} characters.").format(
            limit=MAX_FOLLOW_CHARS
        )
    if problem is FollowProblem.UNSEARCHABLE:
        return _("There is nothing to search for in that.") + "\n\n" + _usage(language)
    return _usage(language)


def _follow_reply(language: Texts, result: FollowResult, max_follows: int) -> str:
    """Return the answer to /follow."""
    _ = language.gettext
    if result.follow is not None:
        query = result.follow.query
    else:
        query = result.query.text if result.query is not None else ""
    if result.status is FollowStatus.ADDED:
        return _(
            "🔔 Following: {query}\n"
            "I will message you when new stories match. "
            "Stop with /unfollow {number}; see all with /following."
        ).format(query=query, number=result.number)
    if result.status is FollowStatus.DUPLICATE:
        return _("You already follow this (number {number} in /following): {query}").format(
            query=query, number=result.number
        )
    if result.status is FollowStatus.LIMIT_REACHED:
        return language.ngettext(
            "You already keep {count} follow, the most allowed. "
            "Stop one with /unfollow N first (see /following).",
            "You already keep {count} follows, the most allowed. "
            "Stop one with /unfollow N first (see /following).",
            max_follows,
        ).format(count=max_follows)
    if result.status is FollowStatus.UNKNOWN_SOURCE:
        return _("I know no source called {names}. Use the name shown under its stories.").format(
            names=", ".join(result.unknown_sources)
        )
    return _invalid(language, result.problem)


def _resumed(language: Texts) -> str:
    """Return the note that paused alerts are on again."""
    return language.gettext(
        "Your alerts were paused because I could not reach you; they are on again."
    )


def _list_text(language: Texts, listing: FollowingList) -> str:
    """Return the /following message."""
    _ = language.gettext
    if not listing.follows:
        return _(
            "You follow nothing yet. Send /follow WORDS or /follow #tag and I will "
            "message you when new stories match."
        )
    lines = [
        _("Your follows ({count} of {limit}):").format(
            count=len(listing.follows), limit=listing.limit
        )
    ]
    lines.extend(f"{number}. {follow.query}" for number, follow in enumerate(listing.follows, 1))
    lines.append("")
    lines.append(_("Press ✖ to stop one, or send /unfollow N."))
    return "\n".join(lines)


async def follow(update: Update, context: Context) -> None:
    """Follow the search given, or explain how."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = texts(update)
    data = context.bot_data
    await remember_user(data.db, user)
    resumed = await resume_alerts(data.db, user.id)
    max_follows = data.settings.follows_per_user
    text = " ".join(context.args or [])
    if not text.strip():
        reply = _usage(language)
    else:
        result = await start_following(data.db, user.id, text, max_follows=max_follows)
        reply = _follow_reply(language, result, max_follows)
    if resumed:
        reply = _resumed(language) + "\n\n" + reply
    await message.reply_text(reply)


async def show_following(update: Update, context: Context) -> None:
    """List the user's follows with a ✖ button each."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = texts(update)
    data = context.bot_data
    await remember_user(data.db, user)
    resumed = await resume_alerts(data.db, user.id)
    listing = await following_list(data.db, user.id, limit=data.settings.follows_per_user)
    text = _list_text(language, listing)
    if resumed:
        text = _resumed(language) + "\n\n" + text
    await message.reply_text(
        text, reply_markup=inline_markup(listing.keyboard) if listing.keyboard else None
    )


async def unfollow(update: Update, context: Context) -> None:
    """Stop following the follow numbered N, or the one given by its words."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    _ = texts(update).gettext
    result = await stop_following(context.bot_data.db, user.id, " ".join(context.args or []))
    if result.status is UnfollowStatus.REMOVED and result.follow is not None:
        reply = _("Stopped following: {query}").format(query=echo(result.follow.query))
    elif result.status is UnfollowStatus.NO_SUCH_NUMBER:
        reply = _("You have no follow number {number}. See the list with /following.").format(
            number=echo(result.asked)
        )
    elif result.status is UnfollowStatus.NOT_FOLLOWING:
        reply = _("You do not follow “{query}”. See the list with /following.").format(
            query=echo(result.asked)
        )
    else:
        reply = _("Usage: /unfollow N or /unfollow WORDS — the numbers are in /following.")
    await message.reply_text(reply)


async def press_unfollow(update: Update, context: Context) -> None:
    """Remove the pressed follow (the presser's own only) and redraw the list."""
    query = update.callback_query
    if query is None:
        return
    language = texts(update)
    _ = language.gettext
    follow_id = decode_unfollow(query.data)
    user = query.from_user
    db = context.bot_data.db
    if follow_id is None or not await db.follows.remove(user.id, follow_id):
        await query.answer(_("Nothing to stop: this follow is not in your list."))
        return
    listing = await following_list(db, user.id, limit=context.bot_data.settings.follows_per_user)
    try:
        await query.edit_message_text(
            _list_text(language, listing),
            reply_markup=inline_markup(listing.keyboard) if listing.keyboard else None,
        )
    except BadRequest as exc:
        if not is_not_modified(exc):
            raise
    await query.answer(_("Follow stopped."))


def follow_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The alerts feature's handlers by group (private chats, new messages; ✖ presses)."""
    private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return {
        0: [
            CommandHandler("follow", follow, filters=private_messages),
            CommandHandler("following", show_following, filters=private_messages),
            CommandHandler("unfollow", unfollow, filters=private_messages),
            CallbackQueryHandler(press_unfollow, pattern=UNFOLLOW_DATA_PATTERN),
        ]
    }
