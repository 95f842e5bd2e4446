"""news.tags: tag keys, Telegram display forms, merged and derived tags."""

from __future__ import annotations

import pytest

from news.tags import (
    MAX_TAG_KEY_CHARS,
    canonical_tag,
    common_categories,
    derive_tags,
    display_tag,
    is_generic_category,
    looks_machine_made,
    merge_tags,
    normalize_tag,
    source_name_keys,
    useful_categories,
)

# A story of the seed's shape (two leaders, a disputed place, two countries, capitals),
# written for these tests; people and the valley are invented.
BORDER_TITLE = "Vargas and Herrera to keep talking over Tarapaz, but no end to the standoff yet"
BORDER_BODY = """\
Peruvian President Elena Vargas and her Chilean counterpart Tomás Herrera spoke by phone on \
Thursday as their border patrols faced each other across the Tarapaz valley. Water rights and \
the safety of herders dominated the call.

Vargas stressed "the need to respect the boundary markers agreed decades ago" and warned \
against "any attempt to change the facts in Tarapaz by force," according to a statement from \
her office in Lima. Officials in Santiago said Herrera had asked for Peruvian engineers to stop \
work on a new canal above the valley.

It was not clear what the call would change on the ground in Tarapaz, where Chile has sent \
more border police and vehicles this week.

Speaking to reporters before the call, Herrera said there would be no talks on a final deal \
until the digging stopped. "We will not leave Tarapaz while our farmers lose their water," he \
said.

Tarapaz has been disputed since the old survey maps were found to disagree. Peru says the \
valley lies inside its territory under a treaty signed long ago, while Chile argues that the \
river has always marked the line.

Over the past month, Peruvian crews have finished two reservoirs on the upper slopes. Chile \
answered by moving patrols closer to the canal and by lodging a complaint with a regional \
court. Lima has accused Santiago of stirring up protests among the herders, a charge the \
Chilean government denies.

While Chile insists it will not give ground in Tarapaz, its diplomats have also tried to calm \
fears of a wider quarrel with Peru. "Nobody wants this to spread beyond one valley," Foreign \
Minister Ana Ruiz said in an interview on Thursday night.

With both governments refusing to move first, it is hard to see how the standoff in Tarapaz \
can be resolved soon."""


# --- normalize_tag / display_tag -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("São Paulo", "sao_paulo"),
        ("#Syria", "syria"),
        ("##syria", "syria"),
        ("SYRIA", "syria"),
        ("  Middle   East ", "middle_east"),
        ("Middle-East", "middle_east"),
        ("middle_east", "middle_east"),
        ("Al-Qaeda", "al_qaeda"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Москва", "москва"),
        ("Йошкар-Ола", "йошкар_ола"),
        ("Ёлка", "елка"),
        ("Erdoğan", "erdogan"),
        ("Straße", "strasse"),
        ("Covid-19", "covid_19"),
        ("G7 summit!", "g7_summit"),
        ("ﬁnance", "finance"),
        ("#", ""),
        ("---", ""),
        ("", ""),
    ],
)
def test_normalize_tag(text: str, key: str) -> None:
    assert normalize_tag(text) == key


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("São Paulo", "São_Paulo"),
        ("#Syria", "Syria"),
        ("Al-Qaeda", "Al_Qaeda"),
        ("O'Brien", "OBrien"),
        ("Москва", "Москва"),
        ("New York City", "New_York_City"),
        ("Covid-19", "Covid_19"),
        ("e\u0301cole", "école"),  # composed to NFC
        ("  ", ""),
    ],
)
def test_display_tag(text: str, shown: str) -> None:
    assert display_tag(text) == shown


@pytest.mark.parametrize(
    "text", ["São Paulo", "#Syria", "Al-Qaeda", "O'Brien", "Йошкар-Ола", "Covid-19", "G7 summit!"]
)
def test_display_form_has_the_same_key(text: str) -> None:
    assert normalize_tag(display_tag(text)) == normalize_tag(text)


def test_display_tag_has_only_hashtag_characters() -> None:
    shown = display_tag("Ré-union, (2024) & more…")
    assert shown == "Ré_union_2024_more"
    assert all(char.isalnum() or char == "_" for char in shown)


# --- merge_tags ------------------------------------------------------------------------


def test_merge_tags_dedupes_by_key_and_keeps_first_text() -> None:
    merged = merge_tags(["World", "syria"], ["Syria", "Idlib"], ["#world", "Middle East"])
    assert merged == ["World", "syria", "Idlib", "Middle East"]


def test_merge_tags_skips_empty_urls_and_overlong_entries() -> None:
    long_text = "word " * (MAX_TAG_KEY_CHARS // 4)
    categories = ["", "  ", "#", "https://example.com/tag/x", long_text, " Gaza  Strip "]
    merged = merge_tags(categories, [], ["gaza-strip"])
    assert merged == ["Gaza Strip"]


def test_merge_tags_limit() -> None:
    assert merge_tags(["a", "b"], ["c"], ["d"], limit=3) == ["a", "b", "c"]
    assert merge_tags([], [], []) == []


# --- derive_tags -----------------------------------------------------------------------


def test_derive_tags_finds_places_and_people() -> None:
    tags = derive_tags(BORDER_TITLE, BORDER_BODY)
    assert tags == ["Tarapaz", "Herrera", "Chile", "Vargas", "Peru"]


def test_derive_tags_limit_and_order() -> None:
    assert derive_tags(BORDER_TITLE, BORDER_BODY, limit=7) == [
        "Tarapaz", "Herrera", "Chile", "Vargas", "Peru", "Lima", "Santiago",
    ]  # fmt: skip
    assert derive_tags(BORDER_TITLE, BORDER_BODY, limit=2) == ["Tarapaz", "Herrera"]
    assert derive_tags(BORDER_TITLE, BORDER_BODY, limit=0) == []


def test_derive_tags_without_a_title() -> None:
    assert derive_tags("", BORDER_BODY) == ["Tarapaz", "Chile", "Peru", "Herrera", "Vargas"]


def test_derive_tags_from_a_title_case_headline_only_boosts() -> None:
    title = "Vargas And Herrera Agree To Keep Talking Over Tarapaz"
    tags = derive_tags(title, BORDER_BODY)
    assert tags == ["Tarapaz", "Chile", "Herrera", "Vargas", "Peru"]
    assert not {"Agree", "Keep", "Talking", "And", "Over"} & set(tags)


def test_surname_absorbs_full_name_and_roles_are_cut() -> None:
    text = (
        "Foreign Minister Ana Ruiz met the press. Later Ruiz said the talks went well. "
        "The minister, Ruiz added, would travel again."
    )
    assert derive_tags("", text) == ["Ruiz"]


def test_possessives_hyphens_and_demonyms() -> None:
    text = (
        "Chile’s navy sailed. The Chilean-built ships left Chile's ports for Peru's coast. "
        "A Chilean official said Peru's reply was calm; Peruvian ministers agreed with Peru."
    )
    # Chile: 2 mentions + 2 demonyms ("Chilean-built" cut at "-built"); Peru: 3 + 1.
    # Equal scores keep the order of first mention.
    assert derive_tags("", text) == ["Chile", "Peru"]


def test_contractions_are_not_names() -> None:
    text = "I’m sure, said Ruiz. We'll see, I'm told. Ruiz left. I’ve no idea. Ruiz's car."
    assert derive_tags("", text) == ["Ruiz"]


def test_demonyms_alone_make_no_tag() -> None:
    text = "French cheese and French wine. We ate French bread with German beer."
    assert derive_tags("", text) == []


def test_sentence_initial_words_need_confirmation() -> None:
    text = (
        "Residents left early. Engineers stayed behind to watch the cracks. "
        "Residents returned later. Officials in Millbrook said little."
    )
    # "Residents" starts two sentences (kept), "Engineers" one (dropped), "Millbrook" once
    # mid-sentence (below the minimum score).
    assert derive_tags("", text) == ["Residents"]


def test_calendar_words_and_labels_are_not_tags() -> None:
    text = (
        "On Monday in March the Council met. On Tuesday in March the Council met again. "
        "BREAKING: the Council met on Friday in May."
    )
    assert derive_tags("", text) == []


def test_acronyms_are_kept() -> None:
    text = "The UN and NATO met. Delegates from the UN said NATO would reply to the UN."
    assert derive_tags("", text) == ["UN", "NATO"]


def test_cyrillic_names() -> None:
    title = "Петров пообещал достроить мост в Казани к осени"
    body = (
        "Мэр Казани Иван Петров заявил, что новый мост откроют в сентябре. "
        "По словам Петрова, работы идут по графику.\n\n"
        "Петров отметил, что подрядчик уже закончил опоры, а в Казани готовят дороги.\n\n"
        "Жители Казани ждут открытия моста. Петров пообещал проверить качество работ."
    )
    assert derive_tags(title, body) == ["Петров", "Казани"]


def test_diacritic_variants_are_one_tag() -> None:
    text = "Talks with Erdoğan went on. Erdogan later said Erdoğan's team would return."
    assert derive_tags("", text) == ["Erdoğan"]


def test_no_capitalised_words_no_tags() -> None:
    assert derive_tags("", "") == []
    assert derive_tags("a quiet day", "nothing happened here at all.") == []


# --- categories that help readers ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "machine"),
    [
        ("internal-open-access-from-nl", True),
        ("a3f9c2d1e8b7", True),
        ("5e1f0c2a-77b1-4c1e-9d7a-2f1e0b9c3d4e", True),
        ("12345", True),
        ("story_88231", True),
        ("FROM_FILE_P", True),
        ("section=world", True),
        ("story88231", True),
        ("COVID-19", False),
        ("G7", False),
        ("F-35", False),
        ("9/11", False),
        ("Olympic Games (2026)", False),
        ("yt-dlp", False),
        ("aws:amazon s3", False),
        ("Al-Qaeda", False),
    ],
)
def test_machine_made_categories(text: str, machine: bool) -> None:
    assert looks_machine_made(text) is machine


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Putin, Vladimir V", "Vladimir Putin"),
        ("Trump, Donald J", "Donald Trump"),
        ("Rubio, Marco", "Marco Rubio"),
        ("Biden, Joseph R Jr", "Joseph Biden Jr"),
        ("Vance, J D", "JD Vance"),
        ("J. D. Vance", "JD Vance"),
        ("JD Vance", "JD Vance"),
        ("Demonstrations, Protests and Riots", "Demonstrations, Protests and Riots"),
        ("Paris, France", "Paris, France"),
        ("Washington, DC", "Washington, DC"),
        ("Syria's", "Syria"),
        ("Pauline Hanson's One Nation", "Pauline Hanson's One Nation"),
        ("  #Gaza   Strip ", "Gaza Strip"),
    ],
)
def test_canonical_tag(text: str, canonical: str) -> None:
    assert canonical_tag(text) == canonical


def test_index_form_names_agree_with_names_written_in_text() -> None:
    from_index = merge_tags(["Putin, Vladimir V", "Zelensky, Volodymyr"], [], [])
    from_text = merge_tags(["Vladimir Putin", "Volodymyr Zelensky"], [], [])
    assert from_index == from_text == ["Vladimir Putin", "Volodymyr Zelensky"]
    assert normalize_tag(from_index[0]) == "vladimir_putin"


def test_generic_and_machine_categories_are_not_useful() -> None:
    categories = ["News", "TOP STORIES", "PAID", "internal-open-access-from-nl", "Iran", "World"]
    assert useful_categories(categories) == ["Iran"]
    assert is_generic_category("World News")
    assert not is_generic_category("World Bank")


def test_categories_on_most_of_a_batch_are_dropped() -> None:
    batch = [["International", "Iran"], ["International"], ["International", "Peru"]] * 3
    assert common_categories(batch) == {"international"}
    assert common_categories(batch[:6]) == frozenset()  # too few entries to tell
    assert useful_categories(["International", "Iran"], dropped={"international"}) == ["Iran"]


def test_source_names_and_their_parts_are_keys() -> None:
    keys = source_name_keys(["WSJ.com: World News", "https://www.aljazeera.com/", None, "World"])
    assert {"wsj_com", "world_news", "aljazeera", "world"} <= keys


def test_words_also_written_in_lower_case_are_not_names() -> None:
    text = (
        "Block the port first. Block the gate next. Then a block of flats was cleared. "
        "Ruiz said so, and Ruiz left."
    )
    assert derive_tags("", text) == ["Ruiz"]
