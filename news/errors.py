"""Errors raised by the news domain.

Hierarchy::

    NewsError
    ├── FetchError                 a source could not be fetched
    │   ├── UnsafeURLError         scheme not http(s), or a private address not allowed
    │   ├── TooManyRedirectsError  more than the redirect cap
    │   ├── ResponseTooLargeError  body over FETCH_MAX_BYTES
    │   ├── FetchTimeoutError      connect/read/total time exceeded
    │   ├── HTTPStatusError        a non-success HTTP status (status, retry_after kept)
    │   └── TransportError         DNS, connection refused or reset, TLS
    └── ParseError                 the bytes are not a feed or article we can read
"""

from __future__ import annotations


class NewsError(Exception):
    """Base class of every news-domain error."""


class FetchError(NewsError):
    """A source could not be fetched."""


class UnsafeURLError(FetchError):
    """The URL's scheme or address is not allowed."""


class TooManyRedirectsError(FetchError):
    """The redirect chain is longer than the cap (or loops)."""


class ResponseTooLargeError(FetchError):
    """The body is larger than the configured cap."""


class FetchTimeoutError(FetchError):
    """The server did not answer in time."""


class HTTPStatusError(FetchError):
    """The server answered with a status that is not success or 304."""

    def __init__(self, status: int, url: str, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status
        self.url = url
        self.retry_after = retry_after


class TransportError(FetchError):
    """DNS, connection or TLS failure."""


class ParseError(NewsError):
    """The document is not a feed or article we can read."""
