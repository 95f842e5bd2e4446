"""JSON bodies with parts kept as JSON text spliced in unparsed."""

from __future__ import annotations

import json

from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.transport.json_body import RawJSON, json_body


def test_raw_json_goes_in_unparsed_and_the_rest_is_encoded():
    results = RawJSON('[{"id":"1","title":"Café «Пирс»"}]')
    body = json_body({"inline_query_id": "q1", "results": results, "cache_time": 30})

    assert json.loads(body) == {
        "inline_query_id": "q1",
        "results": [{"id": "1", "title": "Café «Пирс»"}],
        "cache_time": 30,
    }
    assert b'"results":[{"id":"1"' in body  # spliced, not a quoted string


def test_without_raw_json_it_is_plain_json():
    assert json.loads(json_body({"text": "Пирс", "n": [1, 2]})) == {"text": "Пирс", "n": [1, 2]}


def test_ptb_passes_raw_json_through_and_form_encodes_it_as_its_text():
    results = RawJSON('[{"id":"1"}]')
    data = RequestData([RequestParameter.from_input("results", results)])

    assert data.parameters["results"] is results
    assert data.json_parameters["results"] == '[{"id":"1"}]'
