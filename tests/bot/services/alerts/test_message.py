"""One user's alerts as one message: grouping, numbering, buttons, Telegram's length limit."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.ops.i18n import texts_for
from bot.services.alerts.matcher import first_follow_per_user
from bot.services.alerts.message import MAX_SAVE_BUTTONS, render_alert
from news.entities import Alert, AlertMatch, AlertState, Article, Follow
from news.render import MAX_TEXT_UNITS, encode_save, utf16_len

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ENGLISH = texts_for("en")


def article(article_id: int, title: str, *, url: str | None = None, source_id: int = 1):
    return Article(
        id=article_id,
        source_id=source_id,
        guid=f"g{article_id}",
        url=url or f"https://quay.example/{article_id}",
        title=title,
        summary="",
        body="",
        image_url=None,
        author=None,
        published_at=NOW,
        fetched_at=NOW,
        updated_at=NOW,
        language="en",
        tags=(),
        related=(),
        content_hash="h",
        simhash=0,
        story_id=article_id,
    )


def alert(article_id: int, follow_id: int, query: str, user_id: int = 7) -> Alert:
    return Alert(user_id, article_id, follow_id, query, AlertState.SENDING, 0, NOW)


def visible(html: str) -> str:
    """Return the text Telegram shows for our HTML (tags dropped, entities decoded)."""
    text = re.sub(r"<[^>]+>", "", html)
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def test_grouped_by_follow_numbered_across_groups_with_save_buttons():
    articles = {
        1: article(1, "Ferry strike ends"),
        2: article(2, "Sea wall <repaired> & painted", source_id=2),
        3: article(3, "Ferry fares rise"),
    }
    alerts = [alert(3, 10, "ferry"), alert(2, 11, "#harbour"), alert(1, 10, "ferry")]

    message = render_alert(ENGLISH, alerts, articles, {1: "Quay Post", 2: "Harbour Herald"})

    assert visible(message.html) == (
        "🔔 3 new stories match your follows\n\n"
        "ferry\n1. Ferry strike ends · Quay Post\n2. Ferry fares rise · Quay Post\n\n"
        "#harbour\n3. Sea wall <repaired> & painted · Harbour Herald\n\n"
        "Stop an alert: /following"
    )
    assert '<a href="https://quay.example/2">Sea wall &lt;repaired&gt; &amp; painted</a>' in (
        message.html
    )
    assert message.shown == (1, 3, 2)
    assert message.more == 0
    assert [row[0].text for row in message.keyboard] == [
        "🔖 1. Ferry strike ends",
        "🔖 2. Ferry fares rise",
        "🔖 3. Sea wall <repaired> & painted",
    ]
    assert [row[0].callback_data for row in message.keyboard] == [
        encode_save(1),
        encode_save(3),
        encode_save(2),
    ]


def test_cut_to_the_limit_with_and_n_more_and_ten_buttons():
    title = "Ferry " + "timetable 🚢 changes for the winter season " * 5
    articles = {n: article(n, f"{title}{n}") for n in range(1, 201)}
    alerts = [alert(n, 10 + n % 3, f"follow number {n % 3}") for n in articles]

    message = render_alert(ENGLISH, alerts, articles, {1: "Quay Post"})

    shown = visible(message.html)
    assert utf16_len(shown) <= MAX_TEXT_UNITS
    assert 0 < len(message.shown) < 200
    assert message.more == 200 - len(message.shown)
    assert f"…and {message.more} more stories.\nStop an alert: /following" in shown
    assert len(message.keyboard) == MAX_SAVE_BUTTONS


def test_small_limit_still_fits_and_counts_the_rest():
    articles = {n: article(n, f"Ferry story {n}") for n in range(1, 6)}
    alerts = [alert(n, 10, "ferry") for n in articles]

    message = render_alert(ENGLISH, alerts, articles, {1: "Quay Post"}, limit=150)

    assert utf16_len(visible(message.html)) <= 150
    assert message.more == 5 - len(message.shown) > 0


def test_russian_plural_forms_and_missing_articles_skipped():
    russian = texts_for("ru")
    articles = {1: article(1, "Паром вышел"), 2: article(2, "Паром пришёл")}
    alerts = [alert(1, 10, "паром"), alert(2, 10, "паром"), alert(9, 10, "паром")]

    message = render_alert(russian, alerts, articles, {1: "Порт"})

    assert visible(message.html).startswith("🔔 2 новые новости по вашим подпискам\n\nпаром\n")
    assert message.shown == (1, 2)


def test_first_follow_per_user_picks_the_oldest_matching_follow():
    follows = [
        Follow(5, 1, "#harbour", "k-harbour", False, NOW),
        Follow(3, 1, "ferry", "k-ferry", False, NOW),
        Follow(4, 2, "ferry", "k-ferry", False, NOW),
    ]
    hits = {"k-ferry": {100, 101}, "k-harbour": {101, 102}}

    matches = sorted(first_follow_per_user(follows, hits), key=lambda m: (m.user_id, m.article_id))

    assert matches == [
        AlertMatch(1, 100, 3),
        AlertMatch(1, 101, 3),
        AlertMatch(1, 102, 5),
        AlertMatch(2, 100, 4),
        AlertMatch(2, 101, 4),
    ]
