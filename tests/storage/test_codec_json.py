"""The JSON column encoders write exactly what `json.dumps` wrote before them."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from news.models import RelatedLink
from storage.sql.codec import related_to_json, strings_from_json, strings_to_json


@given(st.lists(st.text()))
def test_strings_to_json_is_compact_json_dumps(values: list[str]) -> None:
    expected = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    assert strings_to_json(values) == expected
    assert strings_to_json(iter(values)) == expected
    assert strings_from_json(strings_to_json(values)) == tuple(values)


@given(st.lists(st.tuples(st.text(), st.none() | st.text(), st.none() | st.text())))
def test_related_to_json_is_compact_json_dumps(
    links: list[tuple[str, str | None, str | None]],
) -> None:
    related = [RelatedLink(title, url, site) for title, url, site in links]
    expected = json.dumps(
        [{"title": t, "url": u, "site": s} for t, u, s in links],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert related_to_json(related) == expected
