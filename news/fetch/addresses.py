"""Which hosts a fetch may reach: IP literal parsing, address classification, checked resolving.

A host is refused (unless private addresses are allowed) when it is a local name such as
`localhost`, or when it is, or resolves to, any address that is not public: loopback,
private, link-local, shared (CGNAT), multicast, reserved, unspecified, documentation, and
IPv6 forms that embed such an IPv4 address (IPv4-mapped, IPv4-compatible, 6to4, Teredo,
NAT64). Hosts spelled the way `inet_aton` reads them (`2130706433`, `0x7f.1`, `0177.0.0.1`)
are read as the address the operating system would connect to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from news.errors import TransportError, UnsafeURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""Resolve `(host, port)` to IP address strings (the seam tests replace)."""

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

# Networks that are not public but that Python 3.11's `is_global` may not flag.
_EXTRA_NON_PUBLIC: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (
    ipaddress.ip_network("0.0.0.0/8"),
    ipaddress.ip_network("100.64.0.0/10"),
    ipaddress.ip_network("192.0.0.0/24"),
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.18.0.0/15"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
    ipaddress.ip_network("240.0.0.0/4"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("100::/64"),
    ipaddress.ip_network("2001:db8::/32"),
    ipaddress.ip_network("fc00::/7"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("fec0::/10"),
)

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def parse_ip_literal(host: str) -> IPAddress | None:
    """Return the address `host` spells (IPv4, IPv6, or an `inet_aton` form), else None."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text.endswith("."):
        text = text[:-1]  # a fully qualified literal such as "127.0.0.1."
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return _parse_inet_aton(text)


def _parse_inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """Read `text` as `inet_aton` does: 1-4 dot-separated decimal, octal or hex parts."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values: list[int] = []
    for part in parts:
        value = _parse_inet_aton_number(part)
        if value is None:
            return None
        values.append(value)
    *leading, last = values
    if any(value > 255 for value in leading) or last >= 256 ** (5 - len(values)):
        return None
    number = last
    for index, value in enumerate(leading):
        number += value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def _parse_inet_aton_number(part: str) -> int | None:
    """Read one `inet_aton` part: `0x..` hex, `0..` octal, otherwise decimal."""
    if not part or not part.isascii():
        return None
    lowered = part.lower()
    if lowered.startswith("0x"):
        digits, base = lowered[2:], 16
        if digits == "":
            return 0
    elif len(lowered) > 1 and lowered.startswith("0"):
        digits, base = lowered[1:], 8
    else:
        digits, base = lowered, 10
    try:
        return int(digits, base) if digits.isalnum() else None
    except ValueError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address inside an IPv6 one (mapped, compatible, 6to4, Teredo, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """Return True when `address` is a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        address = ipaddress.IPv6Address(address.packed)  # drop any zone id ("%eth0")
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if any(
        address in network for network in _EXTRA_NON_PUBLIC if network.version == address.version
    ):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def is_local_hostname(host: str) -> bool:
    """Return True for names that always mean this machine (`localhost`, `*.localhost`)."""
    name = host.strip().rstrip(".").lower()
    return name in _LOCAL_NAMES or name.endswith(".localhost")


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Resolve `host` with the event loop's `getaddrinfo` (TCP addresses only)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TransportError(f"could not resolve {host}: {exc}") from exc
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Resolves hosts and refuses non-public addresses unless private ones are allowed."""

    allow_private: bool
    resolver: Resolver = system_resolver

    def check_host(self, host: str) -> None:
        """Refuse, without DNS, a local name or an IP literal that is not public."""
        if self.allow_private:
            return
        if is_local_hostname(host):
            raise UnsafeURLError(f"host {host} is a local name")
        literal = parse_ip_literal(host)
        if literal is not None and not is_public_address(literal):
            raise UnsafeURLError(f"host {host} is a non-public address ({literal})")

    async def resolve(self, host: str, port: int) -> list[str]:
        """Return the addresses to connect to for `host`, refusing any non-public one."""
        self.check_host(host)
        literal = parse_ip_literal(host)
        if literal is not None:
            return [str(literal)]
        addresses: list[IPAddress] = []
        for text in await self.resolver(host, port):
            parsed = parse_ip_literal(text)
            if parsed is None:
                raise TransportError(f"resolver returned a non-address {text!r} for {host}")
            if parsed not in addresses:
                addresses.append(parsed)
        if not addresses:
            raise TransportError(f"could not resolve {host}: no addresses")
        if not self.allow_private:
            refused = [address for address in addresses if not is_public_address(address)]
            if refused:
                raise UnsafeURLError(
                    f"host {host} resolves to a non-public address ({refused[0]})"
                )
        return [str(address) for address in addresses]
