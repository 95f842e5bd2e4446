"""Method parameters from a query string, a form, a multipart body or a JSON body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from emulator.errors import bad_request
from emulator.json_texts import Elements, decode_object, decode_with_elements

_TRUE_WORDS = frozenset({"true", "yes", "1"})


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Typed, Telegram-lenient access to one call's parameters."""

    def __init__(
        self,
        values: dict[str, Any],
        files: dict[str, UploadedFile],
        elements: dict[str, Elements] | None = None,
    ) -> None:
        self._values = values
        self._files = files
        self._elements = elements or {}

    def raw(self, name: str) -> Any:
        """Return the value as sent (string from forms, any JSON type from JSON bodies)."""
        return self._values.get(name)

    def has(self, name: str) -> bool:
        """Tell whether the parameter is present and not empty."""
        value = self._values.get(name)
        return value is not None and value != ""

    def text(self, name: str) -> str | None:
        """Return a string parameter (numbers sent in JSON become their text)."""
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    def integer(self, name: str) -> int | None:
        """Return an integer parameter, or None when absent or not a number."""
        value = self._values.get(name)
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                return None
        return None

    def flag(self, name: str) -> bool:
        """Return a boolean parameter (true/yes/1, case-insensitive, or JSON true)."""
        value = self._values.get(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.strip().lower() in _TRUE_WORDS
        return bool(value) if isinstance(value, int) else False

    def json_value(self, name: str, *, error: str) -> Any:
        """Return a JSON-typed parameter, decoding it when sent as text."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error) from None
        return value

    def json_elements(self, name: str, *, error: str) -> tuple[Any, Elements | None]:
        """Return a JSON-typed parameter as `json_value` does, and when it is an array the
        JSON text of each element as sent (None otherwise)."""
        value = self._values.get(name)
        if value is None or value == "":
            return None, None
        if isinstance(value, str):
            try:
                return decode_with_elements(value)
            except ValueError:
                raise bad_request(error) from None
        return value, self._elements.get(name) if isinstance(value, list) else None

    def file(self, name: str) -> UploadedFile | None:
        """Return the uploaded file of a multipart field."""
        return self._files.get(name)


async def read_params(request: web.Request) -> Params:
    """Collect the parameters of a Bot API request; body values win over the query."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    elements: dict[str, Elements] = {}
    if request.method == "POST" and request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            body = await request.read()
            if body.strip():
                try:  # as json.loads(body) reads bytes, and only an object
                    decoded, elements = decode_object(
                        body.decode(json.detect_encoding(body), "surrogatepass")
                    )
                except ValueError:
                    raise bad_request("can't parse JSON object") from None
                values.update(decoded)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        value.filename, value.content_type, value.file.read()
                    )
                    value.file.close()
                else:
                    values[key] = value
    return Params(values, files, elements)
