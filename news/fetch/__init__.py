"""Fetching feeds and article pages over HTTP(S): `Fetcher`, `FetchPolicy`, `FetchResult`."""

from news.fetch.addresses import AddressGuard, Resolver, is_public_address, parse_ip_literal
from news.fetch.fetcher import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, FetchResult
from news.fetch.urls import redact_url

__all__ = [
    "DEFAULT_USER_AGENT",
    "AddressGuard",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "Resolver",
    "is_public_address",
    "parse_ip_literal",
    "redact_url",
]
