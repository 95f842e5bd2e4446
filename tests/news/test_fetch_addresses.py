"""The address checker: literal parsing, classification, and the checked resolver."""

from __future__ import annotations

import ipaddress

import pytest

from news.errors import TransportError, UnsafeURLError
from news.fetch.addresses import (
    AddressGuard,
    Resolver,
    is_local_hostname,
    is_public_address,
    parse_ip_literal,
)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1.258", "10.1.1.2"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("93.184.216.34", "93.184.216.34"),
        ("example.com", None),
        ("1e100.net", None),
        ("08.0.0.1", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
        ("1.2.3.4096", None),
        ("1_0.0.0.1", None),
        ("", None),
    ],
)
def test_parse_ip_literal(host: str, expected: str | None) -> None:
    parsed = parse_ip_literal(host)

    assert (str(parsed) if parsed is not None else None) == expected


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "198.18.0.1",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fe80::1%eth0",
        "fec0::1",
        "ff02::1",
        "ff0e::1",
        "2001:db8::1",
        "2002:7f00:1::",
        "2002:c0a8:101::1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::1",
        "100::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "2002:808:808::1",
        "64:ff9b::808:808",
    ],
)
def test_public_addresses(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("api.localhost", True),
        ("localhost.localdomain", True),
        ("ip6-localhost", True),
        ("localhost.example.com", False),
        ("mylocalhost", False),
    ],
)
def test_local_hostnames(host: str, local: bool) -> None:
    assert is_local_hostname(host) is local


def fixed_resolver(table: dict[str, list[str]]) -> tuple[Resolver, list[str]]:
    """A resolver answering from `table`, recording the names asked."""
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return table[host]

    return resolve, asked


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "2130706433", "0x7f.1", "0.0.0.0", "::1", "169.254.1.1"]
)
async def test_guard_refuses_local_hosts_without_dns(host: str) -> None:
    resolve, asked = fixed_resolver({})
    guard = AddressGuard(allow_private=False, resolver=resolve)

    with pytest.raises(UnsafeURLError, match="host"):
        await guard.resolve(host, 80)

    assert asked == []


async def test_guard_refuses_when_any_resolved_address_is_private() -> None:
    resolve, asked = fixed_resolver({"mixed.example": ["93.184.216.34", "10.0.0.7"]})
    guard = AddressGuard(allow_private=False, resolver=resolve)

    with pytest.raises(UnsafeURLError, match=r"non-public address \(10\.0\.0\.7\)"):
        await guard.resolve("mixed.example", 443)

    assert asked == ["mixed.example"]


async def test_guard_returns_public_addresses_once_each() -> None:
    resolve, _ = fixed_resolver(
        {"feeds.example": ["93.184.216.34", "2606:2800:220:1::1", "93.184.216.34"]}
    )
    guard = AddressGuard(allow_private=False, resolver=resolve)

    assert await guard.resolve("feeds.example", 443) == ["93.184.216.34", "2606:2800:220:1::1"]


async def test_guard_allows_private_when_told() -> None:
    resolve, _ = fixed_resolver(
        {"intranet.example": ["192.168.0.10"], "localhost": ["::1", "127.0.0.1"]}
    )
    guard = AddressGuard(allow_private=True, resolver=resolve)

    assert await guard.resolve("intranet.example", 80) == ["192.168.0.10"]
    assert await guard.resolve("localhost", 80) == ["::1", "127.0.0.1"]
    assert await guard.resolve("0x7f.1", 80) == ["127.0.0.1"]


async def test_guard_connects_a_literal_to_the_address_it_spells() -> None:
    resolve, asked = fixed_resolver({})
    guard = AddressGuard(allow_private=True, resolver=resolve)

    assert await guard.resolve("2130706433", 80) == ["127.0.0.1"]
    assert asked == []


async def test_guard_rejects_an_empty_or_garbled_answer() -> None:
    resolve, _ = fixed_resolver({"empty.example": [], "odd.example": ["not-an-ip"]})
    guard = AddressGuard(allow_private=False, resolver=resolve)

    with pytest.raises(TransportError, match="no addresses"):
        await guard.resolve("empty.example", 80)
    with pytest.raises(TransportError, match="non-address"):
        await guard.resolve("odd.example", 80)
