"""`/export`: the user's own bookmarks as Markdown and JSON documents, end to end."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from bot.services.export import ExportedBookmark, bookmarks_markdown
from handlers.export import JSON_NAME, MARKDOWN_NAME, NOTHING_TO_EXPORT
from tests.factories import PUBLISHED, draft
from tests.handlers.conftest import reader_bot


async def test_export_sends_markdown_and_json_of_the_users_bookmarks(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    ferry, keeper, market = await desk.store(
        source,
        draft("ferry", "Night ferry [returns] to the *island*", tags=["Ferries"]),
        draft("keeper", "Lighthouse keeper retires"),
        draft("market", "Fish market opens early"),
    )
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        for user in (ann, bob):
            await user.send("/help")
            await harness.wait_for_messages(user.id, 1)
        await db.bookmarks.add(ann.id, ferry.id, now=PUBLISHED)
        await db.bookmarks.add(ann.id, keeper.id, now=PUBLISHED + timedelta(hours=1))
        await db.bookmarks.add(bob.id, market.id, now=PUBLISHED)
        await ann.send("/export")
        _, markdown_message, json_message = await harness.wait_for_messages(ann.id, 3)
        markdown_doc = markdown_message.raw["document"]
        json_doc = json_message.raw["document"]
        markdown = (await harness.client.file_bytes(markdown_doc["file_id"])).decode()
        exported = json.loads(await harness.client.file_bytes(json_doc["file_id"]))

    assert markdown_doc["file_name"] == MARKDOWN_NAME
    assert json_doc["file_name"] == JSON_NAME
    assert markdown_message.caption == "Your 2 bookmarks, to read"
    assert [item["title"] for item in exported["bookmarks"]] == [
        "Lighthouse keeper retires",
        "Night ferry [returns] to the *island*",
    ]
    first = exported["bookmarks"][1]
    assert first["url"] == "https://harbour.example/news/ferry"
    assert first["source"] == "Harbour Herald"
    assert first["tags"] == ["Ferries"]
    assert first["saved_at"] == PUBLISHED.isoformat()
    assert markdown.startswith("# Bookmarks\n\n- [Lighthouse keeper retires](")
    assert (
        "- [Night ferry \\[returns\\] to the \\*island\\*](https://harbour.example/news/ferry)"
        in markdown
    )
    assert "Fish market" not in markdown  # Bob's bookmark stays Bob's


async def test_export_without_bookmarks_says_so(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/export")
        [reply] = await harness.wait_for_messages(ann.id, 1)

    assert reply.text == NOTHING_TO_EXPORT


def test_markdown_keeps_links_safe():
    item = ExportedBookmark(
        article_id=1,
        title="A (b) <c>",
        url="https://harbour.example/a(b)",
        source="Herald_",
        published_at=PUBLISHED,
        saved_at=PUBLISHED,
        tags=(),
        summary="",
    )
    markdown = bookmarks_markdown([item])
    assert "- [A (b) \\<c\\>](https://harbour.example/a%28b%29)" in markdown
    assert "Herald\\_ · 2026-11-30 · saved 2026-11-30" in markdown


async def test_a_russian_user_gets_russian_captions_and_markdown(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    stored = await desk.store(
        source, *(draft(f"story{n}", f"Harbour story number {n}") for n in range(5))
    )
    async with reader_bot(bot_app, db) as harness:
        olga = await harness.new_user("Olga", language_code="ru-RU")
        await olga.send("/help")
        await harness.wait_for_messages(olga.id, 1)
        for article in stored:
            await db.bookmarks.add(olga.id, article.id, now=PUBLISHED)
        await olga.send("/export")
        _, markdown_message, json_message = await harness.wait_for_messages(olga.id, 3)
        markdown_doc = markdown_message.raw["document"]
        markdown = (await harness.client.file_bytes(markdown_doc["file_id"])).decode()

    assert markdown_message.caption == "5 закладок — для чтения"
    assert json_message.caption == "5 закладок — в формате JSON"
    assert markdown.startswith("# Закладки\n\n- [")
    assert "Harbour Herald · 2026-11-30 · сохранено 2026-11-30" in markdown


async def test_export_cannot_be_injected_by_stored_fields(bot_app, db, desk):
    """Rows stored before links were validated: a newline in any field stays on its line."""
    source = await desk.source("Herald\n# Injected heading")
    (hostile, plain) = await desk.store(
        source,
        draft(
            "hostile",
            "Ferry\n- [evil](javascript:alert(1))",
            url="https://harbour.example/a\n- [x](tg://resolve)",
            tags=["Ferry\n# tag"],
        ),
        draft("plain", "Tram line extended", url="java\tscript:alert(1)"),
    )
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/help")
        await harness.wait_for_messages(ann.id, 1)
        await db.bookmarks.add(ann.id, hostile.id, now=PUBLISHED)
        await db.bookmarks.add(ann.id, plain.id, now=PUBLISHED + timedelta(hours=1))
        await ann.send("/export")
        _, markdown_message, json_message = await harness.wait_for_messages(ann.id, 3)
        markdown = (
            await harness.client.file_bytes(markdown_message.raw["document"]["file_id"])
        ).decode()
        exported = json.loads(
            await harness.client.file_bytes(json_message.raw["document"]["file_id"])
        )

    lines = markdown.splitlines()
    assert [line for line in lines if not line.startswith(("  ", "- "))] == ["# Bookmarks", ""]
    assert [line for line in lines if line.startswith("- ")] == [
        "- Tram line extended",
        "- Ferry - \\[evil\\](javascript:alert(1))",
    ]
    targets = re.findall(r"(?<!\\)\]\(([^)]*)", markdown)  # unescaped `](target`
    assert all(target.startswith("https://") for target in targets)
    assert [item["url"] for item in exported["bookmarks"]] == [None, None]
    assert exported["bookmarks"][1]["source"] == "Herald # Injected heading"
    assert exported["bookmarks"][1]["tags"] == ["Ferry # tag"]
