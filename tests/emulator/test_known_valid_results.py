"""Results checked before are not parsed again, and every refusal stays the same."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import pytest

from emulator import EmulatorError, RunningEmulator
from emulator.errors import ApiError
from emulator.inline_results import (
    VALID_RESULTS,
    checked_results_json,
    prepare_results,
)
from emulator.known_valid import KnownValid
from tests.support.botapi import BotApiCaller


def article(result_id: str, text: str = "Story", **extra: Any) -> dict[str, Any]:
    """An article result with HTML text content and a link button."""
    return {
        "type": "article",
        "id": result_id,
        "title": text,
        "input_message_content": {"message_text": text, "parse_mode": "HTML", **extra},
        "reply_markup": {"inline_keyboard": [[{"text": "Open", "url": "https://example.org/"}]]},
    }


def refusal(raw: object, check: Any) -> str:
    """The description `check` raises for `raw`."""
    with pytest.raises(ApiError) as caught:
        check(raw)
    return caught.value.description


def test_known_texts_are_kept_newest_use_last():
    known = KnownValid(limit=2)
    known.add("a")
    known.add("b")
    assert "a" in known  # used: "b" is now the least recently used
    known.add("c")
    assert len(known) == 2
    assert "b" not in known
    assert "a" in known
    assert "c" in known
    assert (known.hits, known.misses) == (3, 1)


def test_the_json_text_is_each_result_as_sent():
    results = [article("1", "<b>Ferry</b> to Åland"), article("2", "x &amp; y", x=1.0)]
    sent = [json.dumps(result, indent=1, ensure_ascii=False) for result in results]
    text, count = checked_results_json(results, sent)
    assert text == "[" + ",".join(sent) + "]"
    assert (json.loads(text), count) == (results, 2)
    assert checked_results_json(results, sent) == (text, 2)  # the second time from memory
    encoded, _ = checked_results_json(results)  # no texts: encoded again
    assert json.loads(encoded) == results
    assert checked_results_json(None) == ("[]", 0)


def test_a_known_text_stands_for_its_result_only():
    known = article("k", "<b>Known</b>")
    checked_results_json([known], [json.dumps(known)])
    bad = article("k", "<b>Known")
    with pytest.raises(ApiError):  # the texts come from the decoder: never another result's
        checked_results_json([bad], [json.dumps(bad)])


@pytest.mark.parametrize(
    "raw",
    [
        "not a list",
        [article(str(n)) for n in range(51)],
        [article("same"), article("same", "Other story")],
        [article("same"), article("same")],
        [article("x" * 65)],
        [article("a", "x" * 4097)],
        [article("a", "<b>x")],
        [article("a", "a & b")],
        [article("a", "<a href='https://example.org/'>unclosed")],
        [{**article("a"), "reply_markup": {"inline_keyboard": [[{"text": "x"}]]}}],
        [article("a"), 5],
    ],
)
def test_refusals_are_the_same_once_results_are_known(raw: object):
    before = refusal(raw, prepare_results)
    assert refusal(raw, checked_results_json) == before
    for item in raw if isinstance(raw, list) else []:
        with contextlib.suppress(ApiError):  # every result that passes alone is now known
            checked_results_json([item])
    assert refusal(raw, checked_results_json) == before  # still refused, same words
    assert refusal(raw, checked_results_json) == before  # refusals are not remembered


def test_a_refused_result_is_never_remembered():
    bad = article("a", "<b>x")
    for _ in range(2):
        with pytest.raises(ApiError):
            checked_results_json([bad])
    assert json.dumps(bad) not in VALID_RESULTS


async def test_a_known_result_answers_again_and_a_count_is_enough(
    api: BotApiCaller, emulator: RunningEmulator
):
    user = await emulator.client.create_user("Ann")
    results = [article(str(n), f"<b>Story</b> {n}") for n in range(50)]
    answers = []
    for as_json in (False, True):  # a form field of JSON text, then a JSON body
        query_id = await emulator.client.inline_query(user.id, "ferry")
        reply = await api.call(
            "answerInlineQuery", inline_query_id=query_id, results=results, as_json=as_json
        )
        assert reply.ok, reply.body
        answers.append(query_id)
    for query_id in answers:
        answer = await emulator.client.inline_answer(query_id)
        assert answer.results == results
        assert await emulator.client.inline_answer_count(query_id) == 50
    unanswered = await emulator.client.inline_query(user.id, "ferry")
    assert await emulator.client.inline_answer_count(unanswered, within=0) is None


async def test_a_query_and_its_answer_in_one_request(api: BotApiCaller, emulator: RunningEmulator):
    user = await emulator.client.create_user("Ann")
    world = emulator.emulator.world
    asking = asyncio.create_task(emulator.client.ask_inline_count(user.id, "ferry", within=5))
    assert await emulator.emulator.wait_until(lambda: bool(world.inline_queries), 5)
    (query_id,) = world.inline_queries
    await api.ok("answerInlineQuery", inline_query_id=query_id, results=[article("1")])
    assert await asking == 1
    assert await emulator.client.ask_inline_count(user.id, "ferry", within=0) is None
    with pytest.raises(EmulatorError, match="results must be all or count"):
        await emulator.client._call("GET", f"inline-queries/{query_id}", query={"results": "x"})
