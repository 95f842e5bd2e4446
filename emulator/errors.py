"""Bot API errors as Telegram reports them, and control API errors.

Hierarchy::

    ApiError            a Bot API call failed; HTTP status == error_code
    ControlError        a control API call was malformed or named an unknown object
"""

from __future__ import annotations

import math
from typing import Any


class ApiError(Exception):
    """A Bot API failure with Telegram's error code, description and parameters."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id
        self.detail = detail
        """Why, for the emulator's own log (never sent): a 429's chat and limit."""

    def to_payload(self) -> dict[str, Any]:
        """Render the JSON body Telegram sends for this error."""
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            payload["parameters"] = parameters
        return payload


def bad_request(detail: str) -> ApiError:
    """Build a 400 error: `Bad Request: <detail>`."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Build a 403 error: `Forbidden: <detail>`."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(wait_seconds: float, detail: str = "") -> ApiError:
    """Build a 429 error whose retry_after is the whole seconds until the limit frees."""
    retry_after = max(1, math.ceil(wait_seconds))
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        retry_after=retry_after,
        detail=detail,
    )


def not_found() -> ApiError:
    """Build the 404 Telegram answers for an unknown method or a malformed token."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """Build the 401 Telegram answers for a well-formed but unknown token."""
    return ApiError(401, "Unauthorized")


class ControlError(Exception):
    """A control API request that cannot be carried out; `status` is its HTTP status."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
