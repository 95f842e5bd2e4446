"""The admin's reports as plain text (`/sources`, `/channels`, `/stats`), in the admin's
language, split into messages that fit Telegram's 4096 UTF-16 units.

Plain text on purpose: names and errors come from feeds and from Telegram, and plain text
needs no escaping and cannot break an entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Final

from bot.ops.i18n import N_, Texts
from bot.services.admin.labels import channel_label, shorten
from bot.services.admin.status import BotStats, ChannelStatus, FailedPost
from news.entities import Route, Source
from news.render import truncate_words, utf16_len

MESSAGE_LIMIT: Final = 4096
"""Telegram's limit on a message's text, in UTF-16 code units."""
ERROR_CHARS: Final = 160
"""An error is cut to this length in a report."""
NAME_CHARS: Final = 60

ACTIVE: Final = N_("{id}. {name} — active")
PAUSED: Final = N_("{id}. {name} — paused")
DEACTIVATED: Final = N_("{id}. {name} — deactivated")
NO_TIME: Final = "—"


def when(value: datetime | None) -> str:
    """Return a UTC time for people (`2026-11-30 14:05 UTC`), or a dash."""
    return NO_TIME if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def source_state(source: Source) -> str:
    """Return the untranslated title line for the source's state (`{id}. {name} — …`)."""
    if source.paused:
        return PAUSED
    return ACTIVE if source.active else DEACTIVATED


def source_block(source: Source, language: Texts) -> str:
    """Describe one source in a few lines: state, address, timing, failures."""
    _ = language.gettext
    lines = [
        _(source_state(source)).format(id=source.id, name=shorten(source.name, NAME_CHARS)),
        source.url,
    ]
    if source.paused or not source.active:
        next_fetch = _("not scheduled")
    elif source.next_fetch_at is None:
        next_fetch = _("due now")
    else:
        next_fetch = when(source.next_fetch_at)
    lines.append(
        _("last success: {last} · next fetch: {next}").format(
            last=when(source.last_success_at), next=next_fetch
        )
    )
    if source.failure_count:
        failures = language.ngettext(
            "{count} failure in a row", "{count} failures in a row", source.failure_count
        ).format(count=source.failure_count)
        lines.append(
            _("{failures}, last error: {error}").format(
                failures=failures, error=shorten(source.last_error or "-", ERROR_CHARS)
            )
        )
    return "\n".join(lines)


def sources_messages(sources: Sequence[Source], language: Texts) -> list[str]:
    """Return the `/sources` report as messages."""
    _ = language.gettext
    if not sources:
        return [_("No sources yet. Add one with /addsource URL [@channel].")]
    header = language.ngettext("{count} source:", "{count} sources:", len(sources)).format(
        count=len(sources)
    )
    footer = _("/pause ID · /resume ID · /removesource ID")
    blocks = [source_block(source, language) for source in sources]
    return split_messages([header, *blocks, footer])


def route_text(route: Route, source: Source, language: Texts) -> str:
    """Name a route by its source, with its filters when it has any."""
    _ = language.gettext
    text = f"{source.id}. {shorten(source.name, NAME_CHARS)}"
    filters = []
    if route.include:
        filters.append(_("only: {words}").format(words=", ".join(route.include)))
    if route.exclude:
        filters.append(_("not: {words}").format(words=", ".join(route.exclude)))
    if route.tags:
        filters.append(_("tags: {tags}").format(tags=", ".join(f"#{t}" for t in route.tags)))
    return f"{text} ({'; '.join(filters)})" if filters else text


def channel_block(status: ChannelStatus, language: Texts) -> str:
    """Describe one channel: state (ok, or lost and why), style, posts, routes."""
    _ = language.gettext
    channel = status.channel
    fields = {"id": channel.id, "name": channel_label(channel), "chat_id": channel.chat_id}
    if status.lost:
        title = _("{id}. {name} (chat {chat_id}) — lost: {reason}").format(
            **fields, reason=shorten(status.lost_reason or "-", ERROR_CHARS)
        )
    else:
        title = _("{id}. {name} (chat {chat_id}) — ok").format(**fields)
    lines = [
        title,
        _("style: {style} · posts sent: {sent} · waiting: {pending} · failed: {failed}").format(
            style=channel.style.value,
            sent=status.sent,
            pending=status.pending,
            failed=status.failed,
        ),
    ]
    if status.routes:
        routes = "; ".join(route_text(route, source, language) for route, source in status.routes)
        lines.append(_("sources: {routes}").format(routes=routes))
    else:
        lines.append(_("no sources yet: /addsource URL @channel"))
    return "\n".join(lines)


def channels_messages(statuses: Sequence[ChannelStatus], language: Texts) -> list[str]:
    """Return the `/channels` report as messages."""
    _ = language.gettext
    if not statuses:
        return [_("No channels yet. Add one with /addchannel @channel.")]
    header = language.ngettext("{count} channel:", "{count} channels:", len(statuses)).format(
        count=len(statuses)
    )
    return split_messages([header, *(channel_block(s, language) for s in statuses)])


def failed_post_line(failed: FailedPost, language: Texts) -> str:
    """One failed post: when it was queued, its title, its channel and the error."""
    _ = language.gettext
    item = failed.item
    if failed.article is not None:
        title = failed.article.title
    else:
        title = _("article {id}").format(id=item.article_id)
    channel = channel_label(failed.channel) if failed.channel else str(item.channel_id)
    return _("{time} (queued) “{title}” → {channel}: {error}").format(
        time=when(item.created_at),
        title=shorten(title, NAME_CHARS),
        channel=channel,
        error=shorten(item.last_error or "-", ERROR_CHARS),
    )


def stats_messages(stats: BotStats, language: Texts) -> list[str]:
    """Return the `/stats` report as messages."""
    _ = language.gettext
    counts = "\n".join(
        [
            _("📊 Stats"),
            _("Articles: {total} ({day} in the last 24 h)").format(
                total=stats.articles, day=stats.articles_day
            ),
            _("Posts sent: {total} ({day} in the last 24 h)").format(
                total=stats.posts_sent, day=stats.posts_sent_day
            ),
            _("Outbox: {pending} waiting, {failed} failed").format(
                pending=stats.outbox_pending, failed=stats.outbox_failed
            ),
            _("Bookmarks: {bookmarks} · users: {users} · shares: {shares}").format(
                bookmarks=stats.bookmarks, users=stats.users, shares=stats.shares
            ),
            _("Alerts: {waiting} waiting, {sent} sent").format(
                waiting=stats.alerts_waiting, sent=stats.alerts_sent
            ),
            _("Sources: {active} active, {paused} paused, {deactivated} deactivated").format(
                active=stats.sources_active,
                paused=stats.sources_paused,
                deactivated=stats.sources_deactivated,
            ),
        ]
    )
    source_errors = [
        _("{time} source {id}. {name}: {error}").format(
            time=when(source.last_fetched_at),
            id=source.id,
            name=shorten(source.name, NAME_CHARS),
            error=shorten(source.last_error or "-", ERROR_CHARS),
        )
        for source in stats.source_errors
    ]
    posts = [failed_post_line(failed, language) for failed in stats.failed_posts]
    blocks = [
        counts,
        "\n".join([_("Recent source errors:"), *source_errors])
        if source_errors
        else _("Recent source errors: none."),
        "\n".join([_("Recent failed posts:"), *posts])
        if posts
        else _("Recent failed posts: none."),
    ]
    return split_messages(blocks)


def split_messages(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join blocks with blank lines into as few messages as fit `limit` UTF-16 units each;
    a block too long for one message is cut at a word."""
    messages: list[str] = []
    current = ""
    for raw in blocks:
        block = truncate_words(raw, limit)
        candidate = f"{current}\n\n{block}" if current else block
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages
