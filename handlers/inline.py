"""Inline mode: `@bot words`, `@bot #tag`, `@bot saved ...` and the Share button's `id:<n>`.

The handler is thin: `bot.inline_results.inline_page` builds the page from storage.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ChosenInlineResultHandler, InlineQueryHandler

from bot.context import Context
from bot.inline_results import inline_page

log = logging.getLogger(__name__)


async def answer_inline_query(update: Update, context: Context) -> None:
    """Answer an inline query with one page of matching stories."""
    query = update.inline_query
    if query is None:
        return
    page = await inline_page(context.bot_data.db, query.query, query.offset, query.from_user.id)
    await query.answer(
        page.results,
        cache_time=page.cache_time,
        is_personal=page.is_personal,
        next_offset=page.next_offset,
        button=page.button,
    )


async def note_chosen_result(update: Update, _context: Context) -> None:
    """Log which story a user shared from inline mode (needs inline feedback on)."""
    chosen = update.chosen_inline_result
    if chosen is not None:
        log.info("event=inline_share article=%s user=%d", chosen.result_id, chosen.from_user.id)


def inline_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The inline feature's handlers by group."""
    return {
        0: [
            InlineQueryHandler(answer_inline_query),
            ChosenInlineResultHandler(note_chosen_result),
        ]
    }
