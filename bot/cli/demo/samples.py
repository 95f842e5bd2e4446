"""The demo's sample news, written for it: an RSS feed and one scraped plain-text article.

Dates are relative to `now`, so the stories always look fresh and their order is fixed:
the feed's items are one, two, three and five hours old, the scraped article thirty
minutes. The scraped article follows up the feed's oldest story (the same hill, its
beekeepers and their honey), so its post gets related coverage in the comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Final
from xml.sax.saxutils import escape

FEED_PATH: Final = "/courier/rss.xml"
TEXT_PATH: Final = "/gazette/fenwick-honey.txt"
FEED_NAME: Final = "Millbrook Courier"
TEXT_SOURCE_NAME: Final = "Fenwick Gazette"


@dataclass(frozen=True, slots=True)
class SampleStory:
    """One story of the sample feed."""

    guid: str
    title: str
    url: str
    categories: tuple[str, ...]
    paragraphs: tuple[str, ...]
    age: timedelta


FEED_STORIES: Final = (
    SampleStory(
        guid="courier-heather",
        title="Heather flowers late on Fenwick Hill as beekeepers wait for the honey flow",
        url="https://courier.example/2024/fenwick-heather",
        categories=("Fenwick Hill", "Beekeeping"),
        paragraphs=(
            "The heather on the upper slopes of Fenwick Hill opened three weeks behind "
            "its usual time after a cold, wet start to the summer.",
            "Beekeepers who carried their hives up the hill in July said the colonies were "
            "strong and only needed a dry fortnight to fill the supers.",
        ),
        age=timedelta(hours=5),
    ),
    SampleStory(
        guid="courier-ferry",
        title="Night ferry returns to the Alder estuary after ten years",
        url="https://courier.example/2024/night-ferry-returns",
        categories=("Transport", "Alder Estuary"),
        paragraphs=(
            "The last boat of the evening leaves Millbrook quay at 23:10 again, ending a "
            "decade in which late shift workers had to drive the long way round the estuary.",
            "The harbour board said the crossing would run on weeknights through the winter "
            "and carry bicycles free of charge.",
        ),
        age=timedelta(hours=3),
    ),
    SampleStory(
        guid="courier-seeds",
        title="Millbrook library opens a seed bank in its old reading room",
        url="https://courier.example/2024/library-seed-bank",
        categories=("Community", "Gardening"),
        paragraphs=(
            "Borrowers can now take home a packet of bean, kale or marigold seeds with their "
            "books, and are asked to bring back seeds from the plants they grow.",
            "Librarians sorted the first four hundred packets with help from the allotment "
            "society, which donated seed saved over three summers.",
        ),
        age=timedelta(hours=2),
    ),
    SampleStory(
        guid="courier-swifts",
        title="Volunteers count 412 swifts nesting under the grain bridge",
        url="https://courier.example/2024/swift-count",
        categories=("Wildlife", "Alder Estuary"),
        paragraphs=(
            "Twenty volunteers with clickers and flasks of tea spent a June dawn under the "
            "grain bridge, counting the swifts that return there every summer.",
            "The tally of 412 birds is the highest since the survey began, which the "
            "counters put down to the new nest boxes fixed along the parapet.",
        ),
        age=timedelta(hours=1),
    ),
)

_MONTHS: Final = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
)  # fmt: skip
TEXT_TITLE: Final = "Beekeepers on Fenwick Hill report their best honey harvest in a decade"
TEXT_AGE: Final = timedelta(minutes=30)
_TEXT_TEMPLATE: Final = """\
icon bookmark-bicon bookmarkicon cameraicon checkicon closeicon editicon fbicon mailicon \
searchicon shareicon tgicon twicon vkicon yticon
{date}

{title}

{title}

Beekeepers on Fenwick Hill lifted more honey this week than in any season since 2014, \
after a warm spring and a late flush of heather on the upper slopes.

The Fenwick beekeeping club weighed 310 jars at its open day on Saturday. Members said the \
colonies had come through the winter strong and had barely swarmed.

Also on courier.example Millbrook library opens a seed bank in its old reading room

The club will sell its heather honey at the Millbrook market until the jars run out, and \
plans a beginners' course in the spring.

Think your friends would be interested? Share this story!
"""


def rss_feed(now: datetime) -> bytes:
    """Return the sample RSS 2.0 feed, newest item first."""
    items = "".join(_rss_item(story, now) for story in reversed(FEED_STORIES))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0"><channel>\n'
        f"<title>{FEED_NAME}</title>\n"
        "<link>https://courier.example/</link>\n"
        "<description>News from Millbrook and the Alder estuary (demo)</description>\n"
        f"{items}</channel></rss>\n"
    ).encode()


def _rss_item(story: SampleStory, now: datetime) -> str:
    """One `<item>` with its categories and HTML description."""
    categories = "".join(f"<category>{escape(name)}</category>" for name in story.categories)
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in story.paragraphs)
    return (
        "<item>"
        f'<guid isPermaLink="false">{story.guid}</guid>'
        f"<title>{escape(story.title)}</title>"
        f"<link>{escape(story.url)}</link>"
        f"<pubDate>{format_datetime(now - story.age)}</pubDate>"
        f"{categories}"
        f"<description>{escape(html)}</description>"
        "</item>\n"
    )


def scraped_article(now: datetime) -> bytes:
    """Return the sample article in the scraped plain-text shape (icon row, date, headline)."""
    when = now - TEXT_AGE
    date = f"{when.day} {_MONTHS[when.month - 1]}, {when:%Y %H:%M}"
    return _TEXT_TEMPLATE.format(date=date, title=TEXT_TITLE).encode()


@dataclass(frozen=True, slots=True)
class SampleSource:
    """A source the demo adds: where the feed server serves it, and what it holds."""

    path: str
    name: str
    kind: str
    """What it is, for people: "an RSS feed"."""
    stories: int
    """How many stories it holds (all of them are posted: the demo backfills them all)."""


SAMPLE_SOURCES: Final = (
    SampleSource(FEED_PATH, FEED_NAME, "an RSS feed with categories", len(FEED_STORIES)),
    SampleSource(TEXT_PATH, TEXT_SOURCE_NAME, "a scraped plain-text article", 1),
)


def sample_titles() -> tuple[str, ...]:
    """Every sample story's title, oldest first (the order the channel shows them)."""
    return (*(story.title for story in FEED_STORIES), TEXT_TITLE)
