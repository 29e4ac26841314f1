"""The address guard, on literal hosts and injected DNS answers: no traffic leaves."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence

import pytest

from scraper.fetch.errors import BlockedAddress
from scraper.fetch.guard import AddressGuard, is_blocked, literal_address

BLOCKED_HOSTS = [
    "127.0.0.1",
    "0177.0.0.1",  # octal
    "2130706433",  # one decimal number
    "0x7f.1",  # hex, short form
    "127.1",
    "[::1]",
    "::1",
    "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space (CGNAT)
    "0.0.0.0",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "[fe80::1]",  # link-local v6
    "[fc00::1]",  # unique local v6
    "224.0.0.1",  # multicast
    "localhost",
    "localhost.",
    "LOCALHOST",
    "shop.localhost",
]

PUBLIC_HOSTS = ["8.8.8.8", "1.1.1.1", "[2606:4700:4700::1111]", "example.org", "books.example"]


async def _no_dns(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"DNS was asked about {host}")


@pytest.mark.parametrize("host", BLOCKED_HOSTS)
def test_blocked_literal_hosts(host: str) -> None:
    """Every private/loopback/link-local spelling is refused before any connection."""
    with pytest.raises(BlockedAddress):
        AddressGuard().check_host(host)


@pytest.mark.parametrize("host", [h for h in BLOCKED_HOSTS if "localhost" not in h.lower()])
def test_numeric_forms_need_no_dns(host: str) -> None:
    """Resolving an IP literal in any spelling never calls the resolver."""
    with pytest.raises(BlockedAddress):
        asyncio.run(AddressGuard().resolve(host, 80, _no_dns))


@pytest.mark.parametrize("host", PUBLIC_HOSTS)
def test_public_hosts_pass_the_literal_check(host: str) -> None:
    """Public literals and names pass the no-DNS check."""
    AddressGuard().check_host(host)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0177.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("example.org", None),
        ("cafe", None),  # hex digits, but a name
        ("", None),
    ],
)
def test_literal_address(text: str, expected: str | None) -> None:
    """Legacy IPv4 spellings parse like inet_aton; names give None."""
    found = literal_address(text)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize("answer", [["10.0.0.7"], ["93.184.216.34", "127.0.0.1"], ["::ffff:169.254.169.254"]])
def test_names_resolving_to_private_addresses_are_refused(answer: list[str]) -> None:
    """A name is refused when any address it resolves to is private (DNS rebinding)."""

    async def resolver(host: str, port: int) -> Sequence[str]:
        return answer

    with pytest.raises(BlockedAddress):
        asyncio.run(AddressGuard().resolve("catalog.example", 80, resolver))


def test_public_answers_are_returned() -> None:
    """A name with only public addresses resolves to them (what the pool connects to)."""

    async def resolver(host: str, port: int) -> Sequence[str]:
        return ["93.184.216.34"]

    assert asyncio.run(AddressGuard().resolve("catalog.example", 80, resolver)) == ["93.184.216.34"]


def test_disabled_guard_allows_everything() -> None:
    """--allow-private-addresses switches the guard off."""
    AddressGuard(enabled=False).check_host("127.0.0.1")
    AddressGuard(enabled=False).check_host("localhost")


def test_allowed_networks_exempt_only_themselves() -> None:
    """An allowed network lets its addresses through and nothing else."""
    guard = AddressGuard(allowed_networks=("127.0.0.1/32",))
    guard.check_host("127.0.0.1")
    with pytest.raises(BlockedAddress):
        guard.check_host("127.0.0.2")
    with pytest.raises(BlockedAddress):
        guard.check_host("169.254.169.254")


@pytest.mark.parametrize(("ip", "blocked"), [("2002:7f00:1::", True), ("2001::1", True)])
def test_tunnelled_ipv6_forms(ip: str, blocked: bool) -> None:
    """6to4 wrapping loopback and Teredo addresses are refused."""
    assert is_blocked(ipaddress.ip_address(ip)) is blocked
