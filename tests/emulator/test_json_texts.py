"""Decoding with each array element's text: the values json.loads gives, the same refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.json_texts import decode_object, decode_with_elements

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
LAYOUTS = st.sampled_from(
    [
        {},
        {"separators": (",", ":")},
        {"indent": 2},
        {"indent": "\t", "ensure_ascii": False},
        {"separators": (" ,\r\n ", " :\t")},
    ]
)


def encoded(value: Any, layout: dict[str, Any]) -> str:
    """`value` as JSON text in one of several layouts (spaces, tabs, newlines, unicode)."""
    return json.dumps(value, **layout)


@given(st.lists(JSON_VALUES, max_size=5), LAYOUTS)
def test_arrays_decode_with_each_element_as_sent(values: list[Any], layout: dict[str, Any]):
    text = f" \n{encoded(values, layout)}\t"
    decoded, texts = decode_with_elements(text)
    assert decoded == json.loads(text)
    assert texts is not None
    assert [json.loads(element) for element in texts] == decoded
    assert all(element in text for element in texts)


@given(st.dictionaries(st.text(), JSON_VALUES, max_size=5), LAYOUTS)
def test_objects_decode_with_their_arrays_elements(members: dict[str, Any], layout):
    text = encoded(members, layout)
    decoded, elements = decode_object(text)
    assert decoded == json.loads(text)
    assert set(elements) == {name for name, value in decoded.items() if isinstance(value, list)}
    for name, texts in elements.items():
        assert [json.loads(element) for element in texts] == decoded[name]


def test_the_last_of_repeated_members_wins_with_its_elements():
    decoded, elements = decode_object('{"a": [1, 2], "b": 0, "a": [3], "b": [4], "b": 5}')
    assert decoded == {"a": [3], "b": 5}
    assert elements == {"a": ["3"]}


@pytest.mark.parametrize("text", ["5", '"[1]"', "null", "{}", '{"a": [1]}', "NaN", " true "])
def test_other_values_decode_as_json_loads_does(text: str):
    value, texts = decode_with_elements(text)
    assert texts is None
    assert value == json.loads(text) or text == "NaN"


@pytest.mark.parametrize(
    "text",
    ["", "[", "[1,]", "[1 2]", "[1]]", "[1] x", "[,1]", "{", "[}", "[01]", "['a']", '["a]'],
)
def test_what_json_loads_refuses_is_refused(text: str):
    assert refused(json.loads, text)
    assert refused(decode_with_elements, text)


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "5",
        "",
        "{",
        '{"a" 1}',
        '{"a": 1,}',
        '{"a": 1} x',
        "{1: 2}",
        '{"a": [1,]}',
        '{"a": 1 "b": 2}',
        "{'a': 1}",
    ],
)
def test_what_is_not_exactly_one_object_is_refused(text: str):
    assert refused(decode_object, text)
    assert not text.strip().startswith("{") or refused(json.loads, text)


def refused(decode: Callable[[str], object], text: str) -> bool:
    """Tell whether `decode` refuses `text` with a ValueError (JSONDecodeError is one)."""
    try:
        decode(text)
    except ValueError:
        return True
    return False


def test_an_empty_object_and_empty_arrays():
    assert decode_object(" { } ") == ({}, {})
    assert decode_object('{"r": [ ]}') == ({"r": []}, {"r": []})
    assert decode_with_elements("[ ]") == ([], [])
