"""Inline mode: `@bot words`, `@bot #tag`, `@bot saved ...` and the Share button's `id:<n>`.

The handler is thin: `bot.services.inline.results.inline_page` builds the page from storage.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ChosenInlineResultHandler, InlineQueryHandler

from bot.context import Context
from bot.services.inline.results import inline_page
from bot.services.shares import record_share
from bot.transport.json_body import RawJSON
from handlers.common import texts

log = logging.getLogger(__name__)


async def answer_inline_query(update: Update, context: Context) -> None:
    """Answer an inline query with one page of matching stories."""
    query = update.inline_query
    if query is None:
        return
    with context.bot_data.metrics.time_inline_query():
        page = await inline_page(
            context.bot_data.db,
            query.query,
            query.offset,
            query.from_user.id,
            language=texts(update),
            renders=context.bot_data.inline_renders,
        )
        # The results go as api_kwargs, as the JSON text kept for them: PTB sends api_kwargs
        # as they are, and the HTTP layer splices RawJSON into the body unparsed.
        await context.bot.answer_inline_query(
            query.id,
            [],
            api_kwargs={"results": RawJSON(page.results_json()), **page.options()},
        )


async def note_chosen_result(update: Update, context: Context) -> None:
    """Record the story a user shared from inline mode (needs inline feedback on)."""
    chosen = update.chosen_inline_result
    if chosen is None:
        return
    recorded = await record_share(context.bot_data.db, chosen.from_user.id, chosen.result_id)
    log.info(
        "inline_share",
        extra={
            "result": chosen.result_id[:64],
            "user": chosen.from_user.id,
            "recorded": recorded,
        },
    )


def inline_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The inline feature's handlers by group."""
    return {
        0: [
            InlineQueryHandler(answer_inline_query),
            ChosenInlineResultHandler(note_chosen_result),
        ]
    }
