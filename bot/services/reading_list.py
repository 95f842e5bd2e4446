"""Paged lists in the private chat: `/bookmarks [WORDS]` and `/search WORDS`.

A list is one message: five numbered stories and buttons under it — `✖ n` (remove from the
bookmarks) or `🔖 n` (toggle, for search results) per story, and `◀` `▶` to page. A press
edits the same message. The buttons' callback data carries everything needed to redraw the
page (kind, offset, the words, cut to fit Telegram's 64 bytes), so nothing is kept in
memory between presses:

    bl:<offset>:<words>             a page of the bookmarks
    bx:<article id>:<offset>:<words> remove one bookmark, then redraw that page
    sr:<offset>:<words>             a page of search results
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.ops.i18n import N_, Texts, texts_for
from news.entities import Article
from news.query import parse_query
from news.render import (
    Keyboard,
    PostButton,
    clean_text,
    encode_save,
    escape_html,
    format_time,
    http_url,
    truncate_words,
)
from storage import Database

PAGE_SIZE: Final = 5
MAX_OFFSET: Final = 100_000
MAX_CALLBACK_BYTES: Final = 64
MAX_TITLE_UNITS: Final = 200
PREVIOUS: Final = "◀"
NEXT: Final = "▶"
REMOVE: Final = "✖"
SAVE: Final = "🔖"
UNTITLED: Final = N_("Untitled")

_DATA: Final = re.compile(r"(bl|sr):(0|[1-9][0-9]{0,5}):(.*)", re.DOTALL)
_REMOVE_DATA: Final = re.compile(r"bx:([1-9][0-9]{0,18}):(0|[1-9][0-9]{0,5}):(.*)", re.DOTALL)


class ListKind(StrEnum):
    """Which list a page belongs to."""

    BOOKMARKS = "bl"
    SEARCH = "sr"


@dataclass(frozen=True, slots=True)
class ListPage:
    """Which page of which list: the words typed and the offset of its first story."""

    kind: ListKind
    words: str = ""
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ListAction:
    """A decoded press on a list: show `page`, after removing `remove_id` when set."""

    page: ListPage
    remove_id: int | None = None


@dataclass(frozen=True, slots=True)
class ListView:
    """A page ready to send or edit in: Telegram HTML and the buttons under it."""

    html: str
    keyboard: Keyboard
    article_ids: tuple[int, ...]
    """The stories shown, in order."""


def fit_words(words: str) -> str:
    """Return the words, cut at a word so any list callback data with them fits 64 bytes."""
    words = " ".join(words.split())
    budget = MAX_CALLBACK_BYTES - len("bx:9223372036854775807:100000:")
    while len(words.encode("utf-8")) > budget:
        cut = words.rsplit(" ", 1)[0] if " " in words else words[:-1]
        words = cut
    return words


def encode_page(page: ListPage) -> str:
    """Return the callback data that shows `page`."""
    return f"{page.kind.value}:{page.offset}:{fit_words(page.words)}"


def encode_remove(page: ListPage, article_id: int) -> str:
    """Return the callback data that removes a bookmark, then shows `page`."""
    return f"bx:{article_id}:{page.offset}:{fit_words(page.words)}"


def decode_list_data(data: str | None) -> ListAction | None:
    """Return the action of a list button's data, or None for anything else or forged."""
    if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    match = _DATA.fullmatch(data)
    if match is not None:
        page = ListPage(ListKind(match.group(1)), match.group(3), int(match.group(2)))
        return ListAction(page)
    match = _REMOVE_DATA.fullmatch(data)
    if match is None or int(match.group(1)) > 2**63 - 1:
        return None
    page = ListPage(ListKind.BOOKMARKS, match.group(3), int(match.group(2)))
    return ListAction(page, remove_id=int(match.group(1)))


async def list_view(
    db: Database, page: ListPage, user_id: int, *, language: Texts | None = None
) -> ListView:
    """Return the page of a list for this user (their own bookmarks only), in `language`
    (English by default)."""
    language = language or texts_for(None)
    offset = min(max(0, page.offset), MAX_OFFSET)
    articles = await _stories(db, page, offset, user_id)
    if not articles and offset > 0:
        # the page emptied (removals, or stale data): show the last page that has stories
        offset = max(0, offset - PAGE_SIZE)
        articles = await _stories(db, dataclasses.replace(page, offset=offset), offset, user_id)
    page = ListPage(page.kind, fit_words(page.words), offset)
    shown = articles[:PAGE_SIZE]
    names = {a.source_id: (await db.sources.get(a.source_id)).name for a in shown}
    lines = [_header(page, bool(shown), language)]
    lines.extend(
        _item(offset + number, article, names[article.source_id], language)
        for number, article in enumerate(shown, 1)
    )
    return ListView(
        html="\n\n".join(lines),
        keyboard=_keyboard(page, shown, more=len(articles) > PAGE_SIZE),
        article_ids=tuple(article.id for article in shown),
    )


async def _stories(db: Database, page: ListPage, offset: int, user_id: int) -> list[Article]:
    """Return up to one more than a page of stories (to know whether another page follows)."""
    if page.kind is ListKind.BOOKMARKS and not page.words.strip():
        bookmarks = await db.bookmarks.list(user_id, limit=PAGE_SIZE + 1, offset=offset)
        return await db.articles.get_many(bookmark.article_id for bookmark in bookmarks)
    query = parse_query(page.words)
    if page.kind is ListKind.BOOKMARKS:
        query = dataclasses.replace(query, saved=True)
    hits = await db.search.articles(query, limit=PAGE_SIZE + 1, offset=offset, user_id=user_id)
    return [hit.article for hit in hits]


def _header(page: ListPage, found: bool, language: Texts) -> str:
    """Return the first line of a list, in HTML."""
    _ = language.gettext
    words = escape_html(page.words)
    if page.kind is ListKind.SEARCH:
        if not found:
            return _("Nothing matched <b>{words}</b>.").format(words=words)
        return _("Stories matching <b>{words}</b>:").format(words=words)
    if page.words:
        if not found:
            return _("None of your bookmarks match <b>{words}</b>.").format(words=words)
        return _("Your bookmarks matching <b>{words}</b>:").format(words=words)
    if not found:
        return _("You have no bookmarks yet. Press 🔖 Save under a story to keep it here.")
    return _("Your bookmarks, newest first:")


def _item(number: int, article: Article, source_name: str, language: Texts) -> str:
    """Return one numbered story: linked title, then source and date."""
    title = truncate_words(clean_text(article.title), MAX_TITLE_UNITS)
    title = escape_html(title or language.gettext(UNTITLED))
    url = http_url(article.url)
    if url is not None:
        title = f'<a href="{escape_html(url, quote=True)}">{title}</a>'
    meta = " · ".join(
        part
        for part in (
            truncate_words(clean_text(source_name), 64),
            format_time(article.story_time).rsplit(" ", 1)[0],
        )
        if part
    )
    return f"{number}. <b>{title}</b>\n{escape_html(meta)}"


def _keyboard(page: ListPage, shown: list[Article], *, more: bool) -> Keyboard:
    """Return the per-story buttons and the paging row."""
    rows: list[tuple[PostButton, ...]] = []
    if shown:
        first = page.offset + 1
        if page.kind is ListKind.BOOKMARKS:
            items = tuple(
                PostButton(f"{REMOVE} {first + i}", callback_data=encode_remove(page, a.id))
                for i, a in enumerate(shown)
            )
        else:
            items = tuple(
                PostButton(f"{SAVE} {first + i}", callback_data=encode_save(a.id))
                for i, a in enumerate(shown)
            )
        rows.append(items)
    paging: list[PostButton] = []
    if page.offset > 0:
        back = dataclasses.replace(page, offset=max(0, page.offset - PAGE_SIZE))
        paging.append(PostButton(PREVIOUS, callback_data=encode_page(back)))
    if more:
        forward = dataclasses.replace(page, offset=page.offset + PAGE_SIZE)
        paging.append(PostButton(NEXT, callback_data=encode_page(forward)))
    if paging:
        rows.append(tuple(paging))
    return tuple(rows)
