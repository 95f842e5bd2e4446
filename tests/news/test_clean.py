"""news.clean: HTML and plain text to paragraphs, sentences, ledes, boilerplate."""

from __future__ import annotations

import time

import pytest

from news.clean import (
    drop_boilerplate,
    html_to_text,
    is_chrome,
    lede,
    paragraphs,
    plain_to_text,
    split_sentences,
    tidy_summary,
    truncate,
)

# --- html_to_text: structure -------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        ("<div>a<div>b</div>c</div>", "a\n\nb\n\nc"),
        ("<h2>Head</h2>Text after", "Head\n\nText after"),
        ("first<br>second<br/>third<br />fourth", "first\n\nsecond\n\nthird\n\nfourth"),
        ("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"),
        ("<blockquote><p>quoted</p></blockquote><p>after</p>", "quoted\n\nafter"),
        ("<table><tr><td>a1</td><td>a2</td></tr><tr><th>b1</th><td>b2</td></tr></table>",
         "a1 a2\n\nb1 b2"),
        ("<p>x <b>bold</b>y and <a href='/u'>a link</a>.</p>", "x boldy and a link."),
        ("<p>text\n   wrapped\tover\n lines</p>", "text wrapped over lines"),
        ("<p>a</p>\n\n\t<p>   </p>\n<p></p><p>b</p>", "a\n\nb"),
        ("<P CLASS=lead>Upper</P><BR>Case", "Upper\n\nCase"),
        ("<pre>line 1\nline 2</pre><p>after</p>", "line 1\nline 2\n\nafter"),
        ("<p title='a > b'>attribute with a bracket</p>", "attribute with a bracket"),
        ("<p data-x=\"1\" class='c'>quoted attributes</p>", "quoted attributes"),
        ("<custom-el>custom element text</custom-el>", "custom element text"),
    ],
)  # fmt: skip
def test_html_structure_becomes_paragraphs(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>kept</p><script>alert('x < y')</script>", "kept"),
        ("<style>p { color: red }</style><p>kept</p>", "kept"),
        ("<SCRIPT type='text/javascript'>bad()</SCRIPT>kept", "kept"),
        ("<p>kept</p><script>never closed <p>gone</p>", "kept"),
        ("<nav><a href='/'>Home</a> | <a>World</a></nav><p>kept</p>", "kept"),
        ("<aside>Most read</aside><p>kept</p>", "kept"),
        ("<form><input name=q><button>Go</button></form><p>kept</p>", "kept"),
        ("<noscript>Enable JS</noscript><iframe src='v'>fallback</iframe><p>kept</p>", "kept"),
        ("<figure><img src='a.jpg' alt='A'><figcaption>Photo: A. Person</figcaption></figure>"
         "<p>kept</p>", "kept"),
        ("<header>Site name</header><p>kept</p><footer>© Site</footer>", "kept"),
        ("<!-- a comment <p>hidden</p> --><p>kept</p>", "kept"),
        ("<!DOCTYPE html><?xml version='1.0'?><p>kept</p>", "kept"),
        ("<![CDATA[<p>kept</p>]]>", "kept"),
    ],
)  # fmt: skip
def test_html_chrome_elements_are_dropped(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


def test_whole_page_keeps_only_body_text() -> None:
    page = (
        "<html><head><title>Page title</title><meta charset='utf-8'>"
        "<style>body{}</style></head><body><nav>Menu</nav>"
        "<article><h1>Headline</h1><p>First paragraph.</p><p>Second one.</p></article>"
        "<footer>Contact us</footer></body></html>"
    )
    assert html_to_text(page) == "Headline\n\nFirst paragraph.\n\nSecond one."


def test_an_unclosed_dropped_element_loses_only_its_tag() -> None:
    # Only script/style swallow the rest of the document when unclosed, as in browsers.
    assert html_to_text("<p>before</p><nav>never closed<p>after</p>") == (
        "before\n\nnever closed\n\nafter"
    )


@pytest.mark.parametrize(
    ("markup", "expected_chars"),
    [
        ("<p" * 100_000, 200_000),  # never closed: stays text
        ("<a href='" * 40_000, 360_000),
        ("<nav>x" * 20_000, 20_000),  # unclosed chrome elements: their text stays
        ("<script>" * 20_000, 0),
        ("<!--" * 50_000, 0),
    ],
)
def test_broken_markup_is_cleaned_in_linear_time(markup: str, expected_chars: int) -> None:
    # Each of these took 10-30 s when a failed match scanned to the end of the input.
    started = time.process_time()
    assert len(html_to_text(markup)) == expected_chars
    assert time.process_time() - started < 2.0


# --- html_to_text: entities and characters --------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>Fish &amp; chips &lt;3 &quot;yes&quot; &#8217; &#x2014; &hellip;</p>",
         "Fish & chips <3 \"yes\" ’ — …"),
        ("<p>Double &amp;amp; escaped &amp;#8220;quote&amp;#8221; &amp;quot;x&amp;quot;</p>",
         "Double & escaped “quote” \"x\""),
        ("<p>&amp;amp;amp; stays one level</p>", "&amp; stays one level"),
        ("<p>AT&T and Q&A &copy 2024</p>", "AT&T and Q&A © 2024"),
        ("<p>&lt;p&gt; written about, not markup</p>", "<p> written about, not markup"),
        ("<p>non&nbsp;breaking&#160;spaces</p>", "non breaking spaces"),
        ("<p>zero\u200bwidth\ufeff and soft\u00adhyphen</p>", "zerowidth and softhyphen"),
        ("<p>line&#10;feed entity</p>", "line feed entity"),
        ("<p>emoji 👩\u200d💻 kept</p>", "emoji 👩\u200d💻 kept"),
        ("<p>control\x07char</p>", "controlchar"),
    ],
)  # fmt: skip
def test_html_entities_and_odd_characters(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


def test_escaped_html_is_unescaped_once_then_cleaned() -> None:
    markup = "&lt;p&gt;Escaped body &amp;amp; more&lt;/p&gt;&lt;p&gt;Second&lt;/p&gt;"
    assert html_to_text(markup) == "Escaped body & more\n\nSecond"


# --- plain text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One paragraph.\n\nAnother one.", "One paragraph.\n\nAnother one."),
        ("  Spaced   out  \n\n\n\n  text  ", "Spaced out\n\ntext"),
        ("Line one\nline two\n\nNext", "Line one\nline two\n\nNext"),
        ("Windows\r\nline\r\n\r\nends", "Windows\nline\n\nends"),
        ("A\n \u00a0\t\nB", "A\n\nB"),
        ("Tom &amp; Jerry &#8217; &quot;", "Tom & Jerry ’ \""),
        ("Query ?a=1&para=2&copy=3 stays", "Query ?a=1&para=2&copy=3 stays"),
        ("x < y and y > z, temperatures <5", "x < y and y > z, temperatures <5"),
        ("paragraph\u2029separator\u2028line", "paragraph\n\nseparator\nline"),
        ("private \ue000 use \ue001 markers", "private use markers"),
        ("", ""),
        ("   \n\n  ", ""),
    ],
)  # fmt: skip
def test_plain_text_keeps_paragraphs(text: str, expected: str) -> None:
    assert html_to_text(text) == expected
    assert plain_to_text(text) == expected


def test_plain_to_text_never_reads_markup() -> None:
    assert plain_to_text("<p>shown as written</p>") == "<p>shown as written</p>"


def test_paragraphs_splits_clean_text() -> None:
    assert paragraphs("a\n\nb\nc\n\nd") == ["a", "b\nc", "d"]
    assert paragraphs("") == []


# --- sentences, truncation, lede ------------------------------------------------------


def test_split_sentences_respects_abbreviations_and_initials() -> None:
    text = (
        'He said "no." Then he left. Mr. Grant met Dr. Osei at 5 p.m. on Friday. '
        "J. R. Lowell agreed! Did the U.S. embassy reply? Not yet… maybe later. "
        "Казань ждёт. Мост готов."
    )
    assert split_sentences(text) == [
        'He said "no."',
        "Then he left.",
        "Mr. Grant met Dr. Osei at 5 p.m. on Friday.",
        "J. R. Lowell agreed!",
        "Did the U.S. embassy reply?",
        "Not yet… maybe later.",
        "Казань ждёт.",
        "Мост готов.",
    ]
    assert split_sentences("") == []
    assert split_sentences("No final stop") == ["No final stop"]


def test_truncate_cuts_at_a_word_with_an_ellipsis() -> None:
    assert truncate("short text", 20) == "short text"
    assert truncate("the quick brown fox jumps over", 16) == "the quick brown…"
    assert truncate("trailing comma, then more words", 16) == "trailing comma…"
    assert truncate("Supercalifragilistic", 8) == "Superca…"
    assert len(truncate("word " * 100, 50)) <= 50
    with pytest.raises(ValueError, match="max_chars"):
        truncate("x", 0)


def test_lede_is_the_first_paragraph_when_it_fits() -> None:
    assert lede("First paragraph here.\n\nSecond paragraph.") == "First paragraph here."
    assert lede("Line one\nline two\n\nNext") == "Line one line two"
    assert lede("") == ""


def test_lede_passes_over_headings_and_datelines() -> None:
    text = "Summary\n\nUpdated 5 min ago\n\nThe bridge reopened on Monday.\n\nMore."
    assert lede(text) == "The bridge reopened on Monday."
    assert lede("Only a heading\n\nAnother heading") == "Only a heading"
    assert lede("Short line.\n\nSecond.") == "Short line."


def test_lede_keeps_whole_sentences_up_to_the_limit() -> None:
    text = "First sentence is short. Second sentence is a little longer. Third is cut."
    assert lede(text, 60) == "First sentence is short. Second sentence is a little longer."
    assert lede(text, 30) == "First sentence is short."


def test_lede_cuts_a_long_first_sentence_at_a_word() -> None:
    text = "An opening sentence that runs on and on without any full stop in sight at all"
    assert lede(text, 40) == "An opening sentence that runs on and on…"
    with pytest.raises(ValueError, match="max_chars"):
        lede(text, 0)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("The mayor said he would act […]", "The mayor said he would act…"),
        ("The mayor said, [...]", "The mayor said…"),
        ("Ends normally.", "Ends normally."),
        ("[…]", "[…]"),
    ],
)
def test_tidy_summary_replaces_truncation_marks(summary: str, expected: str) -> None:
    assert tidy_summary(summary) == expected


# --- boilerplate ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "paragraph",
    [
        "The post Harbour bridge closes appeared first on Coastal Daily.",
        "Continue reading…",
        "Continue reading the main story",
        "Read more",
        "Read the full story at Coastal Daily",
        "Think your friends would be interested? Share this story!",
        "Share on Facebook",
        "Sign up for our free morning newsletter",
        "Click here to subscribe",
        "Follow us on Telegram",
        "This article was originally published on Coastal Daily.",
        "Advertisement",
        "Story continues below advertisement",
        "12 comments",
        "[…]",
    ],
)
def test_known_chrome_is_recognised(paragraph: str) -> None:
    assert is_chrome(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Readers were asked to share this story with their friends, the editor said, in a "
        "campaign that ran for several weeks across the region and drew thousands of replies "
        "from people who had never written to a newspaper before and wanted to be heard.",
        "Council members read more than forty letters aloud.",
        "The post office on the quay will close early on Friday.",
    ],
)
def test_prose_is_not_chrome(paragraph: str) -> None:
    assert not is_chrome(paragraph)


def test_drop_boilerplate_removes_paragraphs_recurring_across_articles() -> None:
    footer = "Coastal Daily is an independent newsroom funded by its readers."
    bodies = [
        f"Story one begins.\n\nStory one ends.\n\n{footer}",
        f"Story two begins.\n\n{footer}",
        f"Story three begins.\n\n{footer.upper()}",
        "Story four has no footer.",
    ]
    assert drop_boilerplate(bodies) == [
        "Story one begins.\n\nStory one ends.",
        "Story two begins.",
        "Story three begins.",
        "Story four has no footer.",
    ]


def test_drop_boilerplate_thresholds() -> None:
    line = "Shared line."
    bodies = [f"A{i}.\n\n{line}" if i < 3 else f"A{i}." for i in range(8)]
    # 3 of 8 bodies: at least min_articles (3) but below half of them (4) -> kept.
    assert drop_boilerplate(bodies) == bodies
    assert drop_boilerplate(bodies, share=0.3)[:3] == ["A0.", "A1.", "A2."]
    # Fewer distinct bodies than min_articles: nothing recurs.
    assert drop_boilerplate(bodies[:2]) == bodies[:2]


def test_drop_boilerplate_counts_identical_bodies_once() -> None:
    story = "The same story.\n\nRepeated in the feed."
    assert drop_boilerplate([story, story, story, "Other."]) == [story, story, story, "Other."]


def test_drop_boilerplate_always_drops_known_chrome() -> None:
    bodies = ["Only story.\n\nThe post Only story appeared first on Coastal Daily."]
    assert drop_boilerplate(bodies) == ["Only story."]


def test_drop_boilerplate_can_empty_a_body_made_only_of_boilerplate() -> None:
    bodies = ["Read the story at our site.", "Read the story at our site.\n\nReal text."] * 2
    bodies = [*bodies, "Read the story at our site.\n\nMore text."]
    assert drop_boilerplate(bodies) == ["", "Real text.", "", "Real text.", "More text."]


def test_drop_boilerplate_rejects_bad_thresholds() -> None:
    with pytest.raises(ValueError, match="min_articles"):
        drop_boilerplate([], min_articles=0)
    with pytest.raises(ValueError, match="share"):
        drop_boilerplate([], share=0)
