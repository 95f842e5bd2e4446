"""Synthetic news with a realistic vocabulary: deterministic feeds for benchmarks."""

from __future__ import annotations

import itertools
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


SYLLABLES = (
    "ba be bi bo bu ca ce ci co da de di do du fa fe fi fo ga ge go gu ha he hi ho ja jo ka "
    "ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se "
    "si so su ta te ti to tu va ve vi vo za ze zi zo tra tre tri pro pla ple ste sto bra"
).split()


def vocabulary(size: int, seed: int = 7) -> list[str]:
    """`size` distinct pseudo-words of two to four syllables (deterministic)."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < size:
        words["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))] = None
    return list(words)


class ArticleFactory:
    """Deterministic article text with a realistic vocabulary.

    Like real news: a Zipf-distributed mix of function words and a 20,000-word general
    vocabulary, plus each story's own dozen topic words, places and people that recur
    through it — so stories differ as much as real ones do (their SimHashes spread out).
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._general = vocabulary(20_000)
        self._general_weights = list(
            itertools.accumulate(1.0 / (rank + 10) for rank in range(len(self._general)))
        )
        self._common_weights = list(
            itertools.accumulate(1.0 / (rank + 1) for rank in range(len(COMMON)))
        )
        self.new_story()

    def new_story(self) -> None:
        """Pick the topic words, places and people of the next story."""
        rng = self._rng
        self._topic = rng.sample(self._general, 12) + rng.sample(TOPICS, 2)
        self._names = rng.sample(PLACES, 3) + rng.sample(PEOPLE, 3)

    def _words(self, count: int) -> list[str]:
        rng = self._rng
        words = rng.choices(COMMON, cum_weights=self._common_weights, k=count)
        for i in range(1, count, 2):
            pick = rng.random()
            if pick < 0.55:
                words[i] = rng.choices(self._general, cum_weights=self._general_weights)[0]
            elif pick < 0.8:
                words[i] = rng.choice(self._topic)
            elif pick < 0.9:
                words[i] = rng.choice(self._names)
        return words

    def sentence(self, count: int) -> str:
        """One sentence of about `count` words."""
        words = self._words(count)
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def title(self) -> str:
        """A headline naming the story's people, place and topic."""
        rng = self._rng
        people = [n for n in self._names if n in PEOPLE]
        places = [n for n in self._names if n in PLACES]
        first, second = rng.sample(people, 2)
        return (
            f"{first} and {second} discuss {self._topic[-1]} "
            f"in {rng.choice(places)} as {self._topic[0]} talks {self._topic[1]} "
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
        factory.new_story()
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
