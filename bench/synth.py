"""Synthetic news with a realistic vocabulary: deterministic feeds for benchmarks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

PLACES = (
    "Idlib Aleppo Damascus Ankara Moscow Kyiv Berlin Paris London Madrid Rome Cairo Tehran "
    "Beijing Tokyo Delhi Nairobi Lagos Brasilia Ottawa Canberra Washington Brussels Geneva "
    "Vienna Warsaw Prague Athens Lisbon Dublin Oslo Helsinki Riga Tallinn Vilnius Minsk Baku "
    "Tbilisi Yerevan Kabul Karachi Dhaka Jakarta Manila Hanoi Bangkok Seoul Taipei Sydney"
).split()
PEOPLE = (
    "Putin Erdogan Macron Scholz Sunak Biden Modi Xi Lula Meloni Sanchez Zelensky Guterres "
    "Stoltenberg Lavrov Blinken Akar Assad Raisi Kishida Albanese Trudeau Ramaphosa Ruto Tinubu"
).split()
TOPICS = (
    "ceasefire sanctions election inflation budget summit pipeline refugees drought harvest "
    "vaccine outbreak earthquake wildfire strike tariffs currency reactor satellite treaty "
    "protest referendum coalition parliament court verdict investigation cyberattack"
).split()
COMMON = (
    "the of and to in a is that for on with as was by at from it an be this are have has "
    "said were which not but after over will more their also been its they new who one "
    "would there about two than other officials government minister president country "
    "week year people talks forces region support agreement statement security military "
    "economic leaders report according local international meeting early late continued "
    "told reporters amid growing concern called plan border troops city province capital "
    "ministry spokesperson deal analysts markets prices energy water supply aid groups"
).split()
CATEGORIES = ("World", "Politics", "Business", "Science", "Health", "Europe", "Middle East")


class ArticleFactory:
    """Deterministic article text with a Zipf-like mix of common words, names and topics."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._weights = [1.0 / (rank + 1) for rank in range(len(COMMON))]

    def _words(self, count: int) -> list[str]:
        rng = self._rng
        words = rng.choices(COMMON, weights=self._weights, k=count)
        for i in range(0, count, 7):
            pick = rng.random()
            if pick < 0.35:
                words[i] = rng.choice(PLACES)
            elif pick < 0.55:
                words[i] = rng.choice(PEOPLE)
            elif pick < 0.85:
                words[i] = rng.choice(TOPICS)
        return words

    def sentence(self, count: int) -> str:
        """One sentence of about `count` words."""
        words = self._words(count)
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def title(self) -> str:
        """A headline naming a person, a place and a topic."""
        rng = self._rng
        return (
            f"{rng.choice(PEOPLE)} and {rng.choice(PEOPLE)} discuss {rng.choice(TOPICS)} "
            f"in {rng.choice(PLACES)} as {rng.choice(TOPICS)} talks {rng.choice(COMMON)} "
            f"{rng.choice(COMMON)}"
        )

    def paragraphs(self, approx_chars: int) -> list[str]:
        """Paragraphs of three sentences until about `approx_chars` characters."""
        out: list[str] = []
        size = 0
        while size < approx_chars:
            para = " ".join(self.sentence(self._rng.randint(12, 28)) for _ in range(3))
            out.append(para)
            size += len(para)
        return out

    def categories(self) -> list[str]:
        """Zero to two categories."""
        return self._rng.sample(CATEGORIES, k=self._rng.randint(0, 2))

    def body_size(self) -> int:
        """A body length between 2 and 5 KB."""
        return self._rng.randint(2000, 5000)


def rss_feed(feed_no: int, items: int, *, base: str, seed: int = 1) -> bytes:
    """An RSS 2.0 feed of `items` entries with 2-5 KB HTML bodies, newest first."""
    factory = ArticleFactory(seed * 100_003 + feed_no)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:media="http://search.yahoo.com/mrss/">\n<channel>\n'
        f"<title>Synthetic News {feed_no}</title>\n<link>{base}/</link>\n"
        f"<description>Feed {feed_no}</description>\n<language>en</language>\n"
    ]
    for n in range(items, 0, -1):
        link = f"{base}/{feed_no}/story-{n}?utm_source=rss&utm_medium=feed"
        published = format_datetime(start + timedelta(minutes=17 * n + feed_no))
        paragraphs = factory.paragraphs(factory.body_size())
        content = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        cats = "".join(f"<category>{c}</category>" for c in factory.categories())
        parts.append(
            f"<item><title>{escape(factory.title())}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">feed{feed_no}-item{n}</guid>'
            f"<pubDate>{published}</pubDate>{cats}"
            f"<description>{escape(paragraphs[0])}</description>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded>"
            f'<media:content url="{base}/img/{feed_no}-{n}.jpg" medium="image"/>'
            "</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")
