"""JSON decoded with the exact text of each array element, as it was sent.

A result of answerInlineQuery is checked once per exact text (`emulator.known_valid`); the
text of each element comes from where the decoder found it, so nothing is encoded again.
Everything `json.loads` accepts decodes to the same values; anything else is a ValueError.
"""

from __future__ import annotations

import json
import re
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


class Elements(list[str]):
    """The JSON texts of an array's elements, in order."""

    __slots__ = ()


def _skip(text: str, index: int) -> int:
    """Return the index after the JSON whitespace at `index`."""
    end = _SPACE.match(text, index)
    assert end is not None  # the pattern matches the empty string
    return end.end()


def _value(text: str, index: int) -> tuple[Any, int]:
    """Decode the value at `index` (no leading space): (value, index after it)."""
    try:
        return _DECODER.raw_decode(text, index)
    except json.JSONDecodeError as exc:
        raise ValueError(str(exc)) from None


def decode_array(text: str, index: int = 0) -> tuple[list[Any], Elements, int]:
    """Decode the array at `index` (after any space): its values, their texts, and the index
    after it."""
    index = _skip(text, index)
    if text[index : index + 1] != "[":
        raise ValueError("not an array")
    values: list[Any] = []
    texts = Elements()
    index = _skip(text, index + 1)
    if text[index : index + 1] == "]":
        return values, texts, index + 1
    while True:
        value, end = _value(text, index)
        values.append(value)
        texts.append(text[index:end])
        index = _skip(text, end)
        separator = text[index : index + 1]
        if separator == "]":
            return values, texts, index + 1
        if separator != ",":
            raise ValueError("expected , or ] in an array")
        index = _skip(text, index + 1)


def decode_with_elements(text: str) -> tuple[Any, Elements | None]:
    """Decode `text` as `json.loads` does (same values, ValueError for the same texts); an
    array comes with its elements' texts, any other value with None."""
    start = _skip(text, 0)
    if text[start : start + 1] != "[":
        return json.loads(text), None
    values, texts, end = decode_array(text, start)
    if _skip(text, end) != len(text):
        raise ValueError("extra data after the array")
    return values, texts


def decode_object(body: str) -> tuple[dict[str, Any], dict[str, Elements]]:
    """Decode a JSON object: its members, and for each array member its elements' texts."""
    index = _skip(body, 0)
    if body[index : index + 1] != "{":
        raise ValueError("not an object")
    members: dict[str, Any] = {}
    elements: dict[str, Elements] = {}
    index = _skip(body, index + 1)
    if body[index : index + 1] == "}":
        index += 1
    else:
        while True:
            if body[index : index + 1] != '"':
                raise ValueError("expected a member name")
            name, index = _value(body, index)
            index = _skip(body, index)
            if body[index : index + 1] != ":":
                raise ValueError("expected :")
            index = _skip(body, index + 1)
            if body[index : index + 1] == "[":
                value, texts, index = decode_array(body, index)
                elements[name] = texts
            else:
                value, index = _value(body, index)
                elements.pop(name, None)
            members[name] = value
            index = _skip(body, index)
            separator = body[index : index + 1]
            if separator == "}":
                index += 1
                break
            if separator != ",":
                raise ValueError("expected , or } in an object")
            index = _skip(body, index + 1)
    if _skip(body, index) != len(body):
        raise ValueError("extra data after the object")
    return members, elements
