"""Related coverage of an article: the same story elsewhere, earlier follow-ups, as HTML."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.related import RelatedKind, find_related, related_coverage_html
from emulator.html_entities import parse_html
from news.models import ArticleDraft
from storage import open_database
from tests.factories import STORY_TIME
from tests.factories import story_draft as draft

T = STORY_TIME
STORM = "Storm damages harbour pier as ferry service halts"


@pytest.fixture
async def db():
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


async def store(db, source_name: str, *drafts: ArticleDraft) -> list[int]:
    source = await db.sources.get_by_url(f"https://{source_name}.example/rss")
    if source is None:
        source = await db.sources.add(f"https://{source_name}.example/rss", source_name)
    result = await db.articles.upsert_many(
        source.id, list(drafts), fetched_at=T + timedelta(days=1)
    )
    return list(result.inserted)


async def test_nothing_related_gives_none(db):
    [alone] = await store(db, "Harbour Log", draft("alone", STORM, tags=("Harbour",)))
    await store(
        db,
        "Valley Post",
        draft("weather", "Storm warning for the valley", hours=-10),  # one shared word
        draft("sheep", "Sheep fair opens in the hills", hours=-5),
    )
    assert await find_related(db, await db.articles.get(alone)) == []
    assert await related_coverage_html(db, alone) is None
    assert await related_coverage_html(db, 999) is None


async def test_same_story_elsewhere_and_earlier_follow_ups(db):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    [copy] = await store(
        db, "Coast Courier", draft("copy", "Storm hits harbour pier & ferries", story="main")
    )
    [own_copy] = await store(db, "Harbour Log", draft("own-copy", STORM + " again", story="main"))
    [earlier, too_old, later, weak] = await store(
        db,
        "Island Times",
        draft("earlier", "Harbour pier inspection ordered before storm season", hours=-30),
        draft("too-old", "Harbour pier storm ferry service review", hours=-80),
        draft("later", "Harbour pier storm repairs begin", hours=+5),
        draft("weak", "Ferry prices rise", hours=-3, summary="A new service starts."),
    )
    article = await db.articles.get(main)
    assert (await db.articles.get(copy)).story_id == main
    assert (await db.articles.get(own_copy)).story_id == main
    related = await find_related(db, article)
    assert [(r.article.id, r.kind, r.source_name) for r in related] == [
        (copy, RelatedKind.SAME_STORY, "Coast Courier"),
        (earlier, RelatedKind.EARLIER, "Island Times"),
    ]
    assert {too_old, later, weak}.isdisjoint(r.article.id for r in related)


async def test_reply_html_is_escaped_linked_and_accepted_by_telegram(db):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    await store(
        db, "Coast <Courier>", draft("copy", "Storm hits harbour pier & ferries", story="main")
    )
    await store(
        db,
        "Island Times",
        draft("earlier", "Harbour pier inspection ordered before storm season", hours=-30),
    )
    html = await related_coverage_html(db, main)
    assert html == (
        "<b>Also reported by</b>\n"
        '• <a href="https://copy.example/news">Storm hits harbour pier &amp; ferries</a>'
        " — Coast &lt;Courier&gt;\n\n"
        "<b>Earlier coverage</b>\n"
        '• <a href="https://earlier.example/news">Harbour pier inspection ordered before '
        "storm season</a> — Island Times, 29 Nov 2026"
    )
    parsed = parse_html(html)
    assert "Storm hits harbour pier & ferries — Coast <Courier>" in parsed.text
    russian = await related_coverage_html(db, main, language_code="ru")
    assert russian is not None
    assert russian.startswith("<b>Об этом также пишут</b>\n")
    assert "<b>Ранее по теме</b>" in russian


async def test_at_most_five_links_with_earlier_coverage_kept(db):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    for number in range(5):
        await store(db, f"Paper {number}", draft(f"copy{number}", STORM, story="main"))
    earlier = await store(
        db,
        "Island Times",
        *(
            draft(f"earlier{n}", f"Harbour pier check number {n} before storm", hours=-10 - n)
            for n in range(4)
        ),
    )
    related = await find_related(db, await db.articles.get(main))
    kinds = [r.kind for r in related]
    assert len(related) == 5
    assert kinds == [RelatedKind.SAME_STORY] * 3 + [RelatedKind.EARLIER] * 2
    # equally relevant earlier stories: the newest first
    assert [r.article.id for r in related[3:]] == earlier[:2]


async def test_stories_sharing_a_name_and_a_common_word_are_not_related(db):
    """The issue's case: under a Venezuela story, unrelated stories that only share a
    frequent name and a common word (or broad tags) were listed as earlier coverage."""
    title = "Under pressure from Marlow, Venezuela's acting president keeps her options open"
    tags = ("Marlow", "United States International Relations", "Venezuela")
    [main] = await store(db, "Harbour Log", draft("main", title, tags=tags))
    await store(
        db,
        "Valley Post",
        draft(
            "kyiv",
            "Zelensky says Marlow exerts undue pressure on him over a peace plan",
            hours=-20,
            tags=("Marlow", "United States International Relations"),
        ),
        draft(
            "tehran",
            "Iran studies Marlow's offer as pressure mounts on its nuclear programme",
            hours=-30,
            tags=("Marlow", "United States International Relations", "Iran"),
        ),
    )
    [follow_up] = await store(
        db,
        "Island Times",
        draft(
            "caracas",
            "Venezuela's acting president keeps options open as Marlow presses",
            hours=-2,
        ),
    )
    related = await find_related(db, await db.articles.get(main))
    assert [r.article.id for r in related] == [follow_up]
