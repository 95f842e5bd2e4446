"""Raw Bot API calls for tests that check status codes and exact error bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from emulator.server import RunningEmulator


@dataclass(frozen=True)
class ApiReply:
    """One HTTP answer of the Bot API."""

    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        """Tell whether the call succeeded."""
        return bool(self.body.get("ok"))

    @property
    def result(self) -> Any:
        """Return the result of a successful call."""
        return self.body.get("result")

    @property
    def description(self) -> str | None:
        """Return the error description (or the success description)."""
        return self.body.get("description")


def form_value(value: object) -> str:
    """Encode a parameter as PTB does: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


class BotApiCaller:
    """Calls `/bot<token>/<method>` with form, multipart, JSON or query parameters."""

    def __init__(self, emulator: RunningEmulator, http: httpx.AsyncClient) -> None:
        self.emulator = emulator
        self.http = http

    async def call(
        self,
        method: str,
        *,
        token: str | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        as_json: bool = False,
        verb: str = "POST",
        **params: Any,
    ) -> ApiReply:
        """Call a method and return status and body, whatever they are."""
        url = f"{self.emulator.api_base_url}{token or self.emulator.token}/{method}"
        fields = {key: form_value(value) for key, value in params.items() if value is not None}
        if verb == "GET":
            response = await self.http.get(url, params=fields)
        elif as_json:
            response = await self.http.post(url, json=params)
        else:
            response = await self.http.post(url, data=fields, files=files)
        return ApiReply(response.status_code, response.json())

    async def ok(self, method: str, **params: Any) -> Any:
        """Call a method that must succeed; return its result."""
        reply = await self.call(method, **params)
        assert reply.ok, reply.body
        assert reply.status == 200
        return reply.result

    async def refused(self, method: str, **params: Any) -> ApiReply:
        """Call a method that must fail; check the envelope and return the reply."""
        reply = await self.call(method, **params)
        assert not reply.ok, reply.body
        assert reply.status == reply.body["error_code"]
        return reply
