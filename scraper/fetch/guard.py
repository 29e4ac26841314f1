"""The address guard (SSRF): refuse private, loopback, link-local and shared addresses.

A catalog URL list comes from users, and redirects come from the sites: either
can point us at ``169.254.169.254`` (cloud metadata) or an admin port on
``127.0.0.1``. The guard runs twice for every hop:

* before the request, on the URL's host as written, with no DNS: IP literals in
  every form the C library accepts (``0177.0.0.1``, ``2130706433``, ``0x7f.1``,
  ``[::ffff:127.0.0.1]``) and ``localhost`` names;
* at connect time, inside the connection pool
  (:mod:`scraper.fetch.transport`): on every address the name resolves to, and
  again on the address each socket is about to connect to, so we connect only
  to an address we checked and DNS rebinding between check and connect cannot
  slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from scraper.fetch.errors import BlockedAddress

__all__ = ["AddressGuard", "is_blocked", "literal_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

# Ranges `is_global` misses or that we refuse on principle (RFC 6890 and friends).
_EXTRA_BLOCKED = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "100.64.0.0/10",  # carrier-grade NAT (shared address space)
        "192.0.0.0/24",
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes broadcast
        "64:ff9b:1::/48",  # local-use NAT64
        "ff00::/8",  # multicast
    )
)


def literal_address(host: str) -> IPAddress | None:
    """The IP address a host string denotes without DNS, or None for a name.

    Accepts the legacy IPv4 spellings that ``inet_aton`` (and so every HTTP
    stack built on the C resolver) understands.

    >>> str(literal_address("0177.0.0.1")), str(literal_address("2130706433"))
    ('127.0.0.1', '127.0.0.1')
    >>> str(literal_address("[::ffff:127.0.0.1]")), literal_address("example.org")
    ('::ffff:7f00:1', None)
    """
    host = host.strip().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.split("%", 1)[0]  # IPv6 zone id
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def is_blocked(ip: IPAddress) -> bool:
    """True for any address that is not plainly public.

    >>> is_blocked(ipaddress.ip_address("100.64.0.1")), is_blocked(ipaddress.ip_address("8.8.8.8"))
    (True, False)
    """
    if isinstance(ip, ipaddress.IPv6Address):
        for embedded in (ip.ipv4_mapped, ip.sixtofour):
            if embedded is not None and is_blocked(embedded):
                return True
        if ip.teredo is not None:
            return True
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return True
    return any(ip in net for net in _EXTRA_BLOCKED if net.version == ip.version)


def _is_localhost_name(host: str) -> bool:
    name = host.strip().rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")  # RFC 6761


async def _system_resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Decides which hosts and addresses we may connect to."""

    enabled: bool = True
    allowed_networks: tuple[str, ...] = ()

    def _allowed(self, ip: IPAddress) -> bool:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self.allowed_networks)

    def check_address(self, ip: IPAddress, *, host: str) -> None:
        """Raise :class:`BlockedAddress` when ``ip`` may not be contacted."""
        if self.enabled and is_blocked(ip) and not self._allowed(ip):
            raise BlockedAddress(
                f"{host} is a private, loopback or link-local address ({ip}); "
                "pass --allow-private-addresses to fetch it"
            )

    def check_host(self, host: str) -> None:
        """Check a host as written in a URL, without DNS."""
        if not self.enabled:
            return
        if _is_localhost_name(host):
            # Refused even when 127.0.0.1 is in allowed_networks: exemptions are
            # for addresses a user named, not for whatever "localhost" means here.
            raise BlockedAddress(f"{host} names this machine; pass --allow-private-addresses to fetch it")
        ip_literal = literal_address(host)
        if ip_literal is not None:
            self.check_address(ip_literal, host=host)

    async def resolve(self, host: str, port: int, resolver: Resolver | None = None) -> list[str]:
        """The addresses to connect to for ``host``, each checked; literals need no DNS."""
        self.check_host(host)
        ip_literal = literal_address(host)
        if ip_literal is not None:
            return [str(ip_literal)]
        found = await (resolver or _system_resolve)(host, port)
        addresses = []
        for text in found:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
            self.check_address(ip, host=host)
            addresses.append(text)
        if not addresses:
            raise OSError(f"{host} resolved to no address")
        return addresses
