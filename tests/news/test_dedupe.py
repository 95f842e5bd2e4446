"""news.dedupe: canonical URLs, content hashes, SimHash fingerprints."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from news.dedupe import (
    NEAR_DUPLICATE_DISTANCE,
    _simhash,
    article_simhash,
    canonical_url,
    content_hash,
    hamming,
    simhash,
    to_signed64,
    to_unsigned64,
)

# Three stories written for these tests: a news story, a follow-up on the same events
# (same places and people, different news) and an unrelated one.
BRIDGE = """\
Harbour bridge in Port Ellery closed after inspectors find cracked cables

The Larkspur Bridge, the only road link between Port Ellery and the island suburb of Wren \
Point, was closed to all traffic on Tuesday morning after engineers found corrosion and two \
cracked support cables during a routine inspection.

City engineer Miriam Oduya said the damage was discovered on the eastern span shortly before \
dawn and that the decision to shut the crossing was taken within the hour. "We are not \
willing to gamble with anyone's safety," she told a news conference at the harbour master's \
office. "The bridge will stay closed until we understand exactly how far the corrosion has \
spread."

Around forty thousand vehicles cross the bridge on an ordinary weekday. Commuters from Wren \
Point were told to use the passenger ferry, which will run every fifteen minutes instead of \
every half hour, and the regional bus company said it would lay on extra coaches via the \
longer coastal road through Millbrook.

The closure comes three years after a council report warned that salt spray and heavier \
lorries were wearing down the structure faster than expected. That report recommended \
replacing the main cables within a decade, but the work was postponed twice because of \
budget disputes between the city and the provincial government.

Mayor Tobias Renn said he had asked the province for emergency funding and expected an \
answer by the end of the week. "Nobody wanted to be standing here today, but I would rather \
close a bridge than explain a tragedy," Renn said. He added that divers would examine the \
foundations on Wednesday and that a full structural survey would take at least a month.

Shop owners on Wren Point warned that a long closure could be ruinous. The island's main \
street depends on visitors who drive across for the weekend market, and several cafe owners \
said their takings had already fallen by half on the first day. The chamber of commerce \
asked the city to waive parking fees at the ferry terminal and to publish a timetable for \
reopening as soon as possible.

Emergency services said they had moved an ambulance and a fire crew onto the island so that \
response times would not suffer while the bridge is shut. The hospital in Port Ellery will \
keep a helicopter on standby for serious cases.

Engineers have not ruled out reopening one lane for light vehicles if the survey shows that \
the western span is sound. Oduya said a decision on partial reopening could come within two \
weeks, but she cautioned that replacing the damaged cables would take months and cost far \
more than the original estimate.

Residents packed the ferry terminal on Tuesday evening, where queues stretched along the \
quay and past the old customs house. Some said they would work from home for the rest of the \
week rather than face the crossing twice a day."""

FOLLOW_UP = """\
Larkspur Bridge to reopen one lane as survey finds western span sound

Light vehicles will be allowed back onto the Larkspur Bridge from Monday, ending a \
twelve-day closure that cut Wren Point off from Port Ellery by road, city officials \
announced on Saturday.

The structural survey found that the western span and its foundations were in good \
condition, city engineer Miriam Oduya said. The eastern span, where two cracked cables were \
discovered during an inspection earlier this month, will remain fenced off while temporary \
steel braces are fitted.

Only cars, vans and motorcycles will be permitted, and a speed limit of thirty kilometres an \
hour will apply. Lorries and coaches must keep using the coastal road through Millbrook. \
Traffic lights at each end of the bridge will let vehicles cross in one direction at a time, \
and officials warned that queues were likely at rush hour.

Mayor Tobias Renn said the province had agreed to pay most of the cost of the emergency \
repairs, although the two sides were still negotiating over who would fund the new cables. \
"This is a relief for every family and every business on the island," he said. "But it is a \
temporary fix, and I will not pretend otherwise."

Traders on Wren Point, who had complained of empty streets and lost weekend trade, said the \
partial reopening came just in time for the spring market. The chamber of commerce said it \
would run a campaign to bring visitors back.

The extra ferry sailings will continue until the end of the month. The ambulance and fire \
crew stationed on the island will stay until the bridge is open to all traffic, which \
engineers expect to take at least six months."""

BEES = """\
Wild bees return to restored meadows faster than expected, study finds

Wild bee populations can recover within three summers when farmland is turned back into \
flowering meadow, according to a long-running field study published on Thursday by \
researchers at the University of Halvern.

The team planted native wildflowers on twelve former wheat fields and counted insects along \
fixed walking routes every fortnight from April to September. By the third year the number \
of bee species recorded on the restored plots had more than doubled, and ground-nesting \
species that had been absent at the start of the project were found on nine of the twelve \
sites.

Lead author Dr Petra Lindqvist said the speed of the change surprised the team. "We expected \
a slow trickle of returning species over a decade," she said. "Instead we saw solitary bees \
moving in during the very first summer, as soon as there was something to feed on and bare \
soil to dig into."

The researchers compared the restored fields with nearby plots that were still farmed \
conventionally and with old meadows that had never been ploughed. The restored sites did not \
fully match the old meadows, which still held rarer specialists that feed on only one or two \
plants, but the gap narrowed every year.

Farmers who took part were paid through a regional conservation scheme that covers the \
income lost when land is taken out of production. Several of them told the researchers that \
they had noticed better pollination in neighbouring orchards, although the study was not \
designed to measure crop yields.

The authors warned that the gains depend on the meadows being managed carefully. Cutting the \
grass too early in the season, or using fertiliser that favours grasses over flowers, \
quickly reduced the number of species, they found. Meadows also need patches of bare ground \
and old stems where bees can nest over the winter.

Independent ecologists welcomed the results but cautioned against reading too much into a \
study carried out in a single region with a mild climate. Soils, weather and the surrounding \
landscape all affect how quickly insects can return, they said, and similar projects \
elsewhere have produced more mixed outcomes.

The Halvern team now plans to follow the plots for another five years and to add moths and \
hoverflies to the survey. Lindqvist said the long-term data would help governments decide \
where restoration money does the most good."""

HELICOPTER = " The hospital in Port Ellery will keep a helicopter on standby for serious cases."

# The same story as another source might run it: lightly edited, with its own chrome.
NEAR_DUPLICATES = {
    "one word changed": BRIDGE.replace("Around forty thousand", "Around fifty thousand"),
    "words reordered": BRIDGE.replace(
        "on Tuesday morning after engineers", "early on Tuesday after engineers"
    ),
    "sentence added": BRIDGE.replace(
        "would take at least a month.",
        "would take at least a month. The provincial transport office did not respond to a "
        "request for comment.",
    ),
    "sentence removed": BRIDGE.replace(HELICOPTER, ""),
    "different boilerplate": BRIDGE
    + "\n\nSign up for the Harbour Herald morning briefing."
    + "\n\nReporting by Nadia Brook; editing by Sam Pike.",
    "other headline": BRIDGE.replace(
        "Harbour bridge in Port Ellery closed after inspectors find cracked cables",
        "Port Ellery shuts Larkspur Bridge over cracked cables",
    ),
    "several edits": BRIDGE.replace(
        "Around forty thousand vehicles", "About forty thousand cars"
    ).replace(HELICOPTER, "")
    + "\n\nCopyright Harbour Herald. All rights reserved.",
}


# --- canonical_url -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.COM/News/Story", "https://example.com/News/Story"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7&utm_campaign=x",
         "https://example.com/a?id=7"),
        ("https://example.com/a?UTM_Source=x&fbclid=abc&gclid=1&yclid=2&mc_cid=3&mc_eid=4",
         "https://example.com/a"),
        ("https://example.com/a?igshid=1&_hsenc=2&_hsmi=3&ocid=4&cmpid=5&msclkid=6&dclid=7",
         "https://example.com/a"),
        ("https://www.bbc.co.uk/news/x?at_medium=RSS&at_campaign=rss",
         "https://www.bbc.co.uk/news/x"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        ("https://example.com/a?&&b=2&&", "https://example.com/a?b=2"),
        ("https://example.com/a?flag&b=", "https://example.com/a?flag&b="),
        ("https://example.com/a?ref=rss", "https://example.com/a"),
        ("https://example.com/a?ref=homepage-promo", "https://example.com/a?ref=homepage-promo"),
        ("https://example.com/a?source=twitter&page=2", "https://example.com/a?page=2"),
        ("https://example.com/a?q=caf%c3%a9&x=%7e", "https://example.com/a?q=caf%C3%A9&x=~"),
        ("https://example.com/%7Euser/%41%2F%2f", "https://example.com/~user/A%2F%2F"),
        ("https://example.com/a b/café", "https://example.com/a%20b/caf%C3%A9"),
        ("https://example.com/100%/x", "https://example.com/100%25/x"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a/b/../", "https://example.com/a/"),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("https://user:pw@Example.com/a", "https://user:pw@example.com/a"),
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
    ],
)  # fmt: skip
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "/relative/path",
        "mailto:desk@example.com",
        "ftp://example.com/file",
        "urn:newsbot:abc",
        "http://[::1",  # unbalanced bracket: urlsplit raises, we do not
        "https://example.com:99999/a",  # port out of range
        "https:///no-host",
    ],
)
def test_canonical_url_leaves_what_it_cannot_normalise(url: str) -> None:
    assert canonical_url(url) == url.strip()


def test_utm_variants_are_one_canonical_url() -> None:
    variants = [
        "https://news.example.com/2024/05/bridge-closed?utm_source=rss&utm_medium=rss",
        "https://NEWS.example.com:443/2024/05/bridge-closed?utm_source=twitter#top",
        "https://news.example.com/2024/05/bridge-closed?fbclid=IwAR0abc",
        "https://news.example.com/2024/05/bridge%2Dclosed",
    ]
    assert {canonical_url(v) for v in variants} == {
        "https://news.example.com/2024/05/bridge-closed"
    }


def test_canonical_url_is_idempotent() -> None:
    for url in ["https://bücher.example/a b?utm_source=x&q=%7e#f", "http://Example.com:80"]:
        once = canonical_url(url)
        assert canonical_url(once) == once


# --- content_hash ------------------------------------------------------------------------


def test_content_hash_is_sha256_hex_of_normalised_text() -> None:
    digest = content_hash("Title", "Summary", "Body")
    assert digest == "eec82dfad6ce3369ce24371bd2042c0d9e3ad624a2ccaad21606c87c77e84992"
    assert content_hash("  TITLE ", "summary\n\n", "body") == digest
    assert content_hash("Title", "Summary", "Body\u00a0") == digest
    assert content_hash("ｔｉｔｌｅ", "Summary", "Body") == digest  # NFKC: full-width letters


def test_content_hash_changes_with_any_word_or_field() -> None:
    base = content_hash("Title", "Summary", "Body")
    assert content_hash("Title", "Summary", "Body text") != base
    assert content_hash("Title Summary", "", "Body") != base
    assert content_hash("", "Title", "Summary Body") != base


# --- simhash -----------------------------------------------------------------------------


def test_simhash_values_are_pinned() -> None:
    # Stored fingerprints must stay comparable across releases: changing the features or
    # weights is a data migration, and this test says so.
    assert simhash(BRIDGE) == 0x26D4B417A58CCF2E
    assert simhash("Harbour bridge closed") == 0xE2242E63DBB0FC04
    assert simhash("Москва и Казань: мост через Волгу открыт") == 0xA0A793E54EAD5DA5


def test_simhash_does_not_depend_on_python_hash_seed() -> None:
    code = "import sys; from news.dedupe import simhash; print(simhash(sys.stdin.read()))"
    values = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            input=BRIDGE,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        values.add(int(result.stdout))
    assert values == {simhash(BRIDGE)}


def test_simhash_is_64_bit_unsigned() -> None:
    for text in (BRIDGE, BEES, FOLLOW_UP, "one", "Ёлка"):
        assert 0 <= simhash(text) < 1 << 64


def test_simhash_of_text_without_features_is_zero() -> None:
    assert simhash("") == 0
    assert simhash("the of and a") == 0
    assert simhash("... !!! ---") == 0


def test_simhash_ignores_punctuation_and_spacing() -> None:
    plain = simhash("Bridge closed Cables cracked")
    assert simhash("Bridge, closed!  Cables —   cracked…") == plain


def test_simhash_weighs_capitalised_words_more() -> None:
    # Names identify a story: the same words capitalised give another fingerprint.
    assert simhash("Port Ellery bridge closed") != simhash("port ellery bridge closed")


@pytest.mark.parametrize("edit", sorted(NEAR_DUPLICATES))
def test_near_duplicates_are_within_the_distance(edit: str) -> None:
    variant = NEAR_DUPLICATES[edit]
    assert variant != BRIDGE
    assert hamming(simhash(BRIDGE), simhash(variant)) <= NEAR_DUPLICATE_DISTANCE


def test_unrelated_stories_are_far_apart() -> None:
    assert hamming(simhash(BRIDGE), simhash(BEES)) > 20
    assert hamming(simhash(FOLLOW_UP), simhash(BEES)) > 20


def test_a_follow_up_on_the_same_events_is_not_a_duplicate() -> None:
    assert hamming(simhash(BRIDGE), simhash(FOLLOW_UP)) > NEAR_DUPLICATE_DISTANCE


def test_the_tuning_holds_for_other_hash_functions() -> None:
    # The distances above depend on one hash function; with 24 others (blake2b salts) most
    # near-duplicates must still match and unrelated stories must stay far apart.
    salts = [index.to_bytes(16, "little") for index in range(1, 25)]
    matched = 0
    for salt in salts:
        base = _simhash(BRIDGE, salt)
        matched += sum(
            hamming(base, _simhash(variant, salt)) <= NEAR_DUPLICATE_DISTANCE
            for variant in NEAR_DUPLICATES.values()
        )
        assert hamming(base, _simhash(BEES, salt)) > 20
    assert matched / (len(salts) * len(NEAR_DUPLICATES)) >= 0.85


LIBRARY = (
    "Library reopens after flood repairs",
    "The central library in Ashford reopened on Saturday, six months after a burst water main "
    "flooded its basement archive. Volunteers dried more than two thousand books by hand, and "
    "the council paid for new shelving and a pump. Opening hours return to normal next week.",
)
WILDFIRE = (
    "Wildfire near Corran forces evacuations",
    "Firefighters battled a wildfire in the hills above Corran on Wednesday as strong winds "
    "pushed flames toward the edge of town. About four hundred residents were told to leave "
    "their homes, and a school was turned into a shelter. No injuries were reported.",
)


@pytest.mark.parametrize(
    "edited",
    [
        (LIBRARY[0], LIBRARY[1].replace("on Saturday", "early on Saturday")),
        (LIBRARY[0], LIBRARY[1].replace(" Opening hours return to normal next week.", "")),
        (LIBRARY[0], LIBRARY[1] + " Reporting by A. Writer."),
    ],
)
def test_short_near_duplicates_with_the_same_headline_match(edited: tuple[str, str]) -> None:
    assert hamming(article_simhash(*LIBRARY), article_simhash(*edited)) <= 3


def test_short_unrelated_stories_are_far_apart() -> None:
    assert hamming(article_simhash(*LIBRARY), article_simhash(*WILDFIRE)) > 20


def test_article_simhash_counts_the_headline_twice() -> None:
    title, body = LIBRARY
    assert article_simhash(title, body) == simhash(f"{title}\n\n{title}\n\n{body}")


# --- hamming and signed storage ----------------------------------------------------------


def test_hamming() -> None:
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(0, (1 << 64) - 1) == 64


def test_signed_round_trip_for_sqlite() -> None:
    for value in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1, simhash(BRIDGE)):
        signed = to_signed64(value)
        assert -(1 << 63) <= signed < 1 << 63
        assert to_unsigned64(signed) == value
        assert hamming(signed, value) == 0
    assert to_signed64((1 << 64) - 1) == -1
    assert hamming(-1, 0) == 64
