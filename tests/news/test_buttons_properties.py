"""Properties of the callback-data and share-query codecs: any string decodes or is refused."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from news.render.buttons import (
    MAX_ARTICLE_ID,
    MAX_CALLBACK_DATA_BYTES,
    MAX_INLINE_QUERY_CHARS,
    PostButton,
    SaveAction,
    decode_callback,
    decode_share_query,
    encode_save,
    encode_share_query,
    post_keyboard,
)

# Any code point, lone surrogates included: Telegram's JSON may carry "\ud800".
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=100)
IDS = st.integers(min_value=1, max_value=MAX_ARTICLE_ID)
NEAR_OURS = st.builds(
    lambda prefix, number, tail: f"{prefix}{number}{tail}",
    st.sampled_from(["s1:", "S1:", "s1: ", "s2:", " s1:", "s1:+", "s1:-", "s1:0", "id:", ""]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(["", " ", "\n", "0", "x", "\u0660", "²"]),
)


@given(st.one_of(ANY_TEXT, NEAR_OURS))
@example("s1:²")  # isdigit() is true for superscripts; the codec must not use it
@example("s1:\u0661\u0662")  # Arabic-Indic digits
@example(f"s1:{2**63}")  # one past SQLite's largest rowid
@example("s1:\ud800")
def test_any_callback_data_decodes_to_a_valid_save_or_none(data: str) -> None:
    action = decode_callback(data)
    if action is not None:
        assert isinstance(action, SaveAction)
        assert 1 <= action.article_id <= MAX_ARTICLE_ID
        assert encode_save(action.article_id) == data  # only our own canonical form decodes


@given(IDS)
@example(MAX_ARTICLE_ID)
def test_every_article_id_round_trips_within_telegram_limits(article_id: int) -> None:
    data = encode_save(article_id)
    assert len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    assert decode_callback(data) == SaveAction(article_id)
    query = encode_share_query(article_id)
    assert len(query) <= MAX_INLINE_QUERY_CHARS
    assert decode_share_query(query) == article_id
    assert decode_share_query(f"  {query} ") == article_id
    for row in post_keyboard(article_id):
        assert all(isinstance(button, PostButton) for button in row)


@given(st.one_of(ANY_TEXT, NEAR_OURS.map(lambda data: data.replace("s1:", "id:"))))
@example("id:²")
@example(f"id:{2**63}")
@example("id:1\u00a0")  # a no-break space is whitespace to `\s`, and is allowed around
def test_any_share_query_decodes_to_a_valid_id_or_none(query: str) -> None:
    article_id = decode_share_query(query)
    if article_id is not None:
        assert 1 <= article_id <= MAX_ARTICLE_ID
        assert query.strip() == encode_share_query(article_id)


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_ARTICLE_ID + 1)))
def test_an_invalid_id_is_refused_when_encoding(article_id: int) -> None:
    for encode in (encode_save, encode_share_query):
        try:
            encode(article_id)
        except ValueError:
            continue
        raise AssertionError(f"{encode.__name__}({article_id}) was accepted")
