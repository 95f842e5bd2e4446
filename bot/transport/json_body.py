"""JSON request bodies in which parts already rendered as JSON text go in unparsed.

An inline answer carries 50 results, each kept as JSON text (`bot.services.inline.renders`):
decoding them only to encode them again would cost more than the rest of the answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping


class RawJSON(str):
    """JSON text sent as it is: spliced unparsed into a JSON body, and (being a string) sent
    unchanged as a form field's value, which is how the Bot API reads a JSON parameter."""

    __slots__ = ()


def json_body(parameters: Mapping[str, object]) -> bytes:
    """Encode request parameters as one JSON object, with `RawJSON` values spliced in."""
    if not any(isinstance(value, RawJSON) for value in parameters.values()):
        return json.dumps(parameters, ensure_ascii=False).encode()
    members = ",".join(
        json.dumps(name, ensure_ascii=False)
        + ":"
        + (value if isinstance(value, RawJSON) else json.dumps(value, ensure_ascii=False))
        for name, value in parameters.items()
    )
    return ("{" + members + "}").encode()
