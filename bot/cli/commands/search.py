"""`newsbot search QUERY` and `newsbot articles show ID`: read what is stored."""

from __future__ import annotations

import argparse

from bot.app.store import database
from bot.cli.commands.base import CommandError
from bot.cli.output import print_json_lines, print_table, shorten, to_jsonable
from bot.cli.parsers.search import MAX_LIMIT
from bot.ops.settings_model import SettingsModel
from news.entities import Channel, OutboxItem, OutboxState, SearchHit
from news.render.buttons import decode_share_query


async def search_command(settings: SettingsModel, args: argparse.Namespace) -> int:
    """Print the best matches for the query, newest first when the query is empty."""
    if not 1 <= args.limit <= MAX_LIMIT:
        raise CommandError(f"--limit must be between 1 and {MAX_LIMIT}, not {args.limit}")
    text = " ".join(args.query)
    async with database(settings) as db:
        shared_id = decode_share_query(text)
        if shared_id is not None:  # `id:N`, as the Share button's inline query
            found = await db.articles.get_many([shared_id])
            hits = [SearchHit(article, 1.0, article.summary) for article in found]
        else:
            hits = await db.search.articles(text, limit=args.limit, snippets=True)
    if args.json:
        print_json_lines(hits)
        return 0
    if not hits:
        print("no matches")
        return 0
    print_table(
        ("ID", "SCORE", "DATE", "TITLE", "TAGS"),
        (
            (
                hit.article.id,
                f"{hit.score:.2f}",
                _date(hit.article),
                shorten(hit.article.title, 70),
                shorten(" ".join("#" + t for t in hit.article.tags), 40),
            )
            for hit in hits
        ),
    )
    return 0


def _date(article: object) -> str:
    when = getattr(article, "published_at", None) or getattr(article, "fetched_at", None)
    return when.strftime("%Y-%m-%d %H:%M") if when is not None else "-"


async def show_article(settings: SettingsModel, args: argparse.Namespace) -> int:
    """Print one article in full, with where it was posted and how readers engaged."""
    async with database(settings) as db:
        article = await db.articles.get(args.id)
        posts = await db.outbox.for_article(article.id)
        channels = {post.channel_id: await db.channels.get(post.channel_id) for post in posts}
        shares = await db.shares.count_for_article(article.id)
        comments = await db.discussion.comment_count(article.id)
        source_name = (await db.sources.get(article.source_id)).name
    if args.json:
        fields = to_jsonable(article)
        fields.update(
            source_name=source_name, posts=to_jsonable(posts), shares=shares, comments=comments
        )
        print_json_lines([fields])
        return 0
    print(f"#{article.id}  {article.title}")
    print(f"url:        {article.url}")
    print(f"source:     {source_name} (id {article.source_id})   guid: {article.guid}")
    print(f"published:  {article.published_at or '-'}   fetched: {article.fetched_at}")
    print(f"author:     {article.author or '-'}   language: {article.language or '-'}")
    print(f"image:      {article.image_url or '-'}")
    for tag in article.tags or ["-"]:
        print(f"tag:        {tag}")
    print(f"story:      {article.story_id}   simhash: {article.simhash:016x}")
    print(f"hash:       {article.content_hash}")
    for link in article.related:
        print(f"related:    {link.title}" + (f" <{link.url}>" if link.url else ""))
    for post in posts:
        print(f"posted:     {_post_line(post, channels[post.channel_id])}")
    print(f"engagement: {shares} shares, {comments} comments")
    if article.summary and not summary_in_body(article.summary, article.body):
        print()
        print(article.summary)
    print()
    print(article.body)
    return 0


def summary_in_body(summary: str, body: str) -> bool:
    """Tell whether the body already holds the summary (a lede, or a feed summary copying the
    body's start), so that it is printed once; spacing and a cut's ellipsis do not count."""
    wanted = " ".join(summary.removesuffix("…").split())
    return bool(wanted) and wanted in " ".join(body.split())


def _post_line(post: OutboxItem, channel: Channel) -> str:
    """Describe one outbox row: the channel, its state and message id or last error."""
    name = f"@{channel.username}" if channel.username else str(channel.chat_id)
    detail = f"message {post.message_id}" if post.message_id is not None else ""
    if post.state is OutboxState.FAILED and post.last_error:
        detail = post.last_error
    return " ".join(part for part in (name, post.state.value, detail) if part)
